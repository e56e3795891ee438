// Runs the constraint exerciser page (index.html + exerciser.js) under jsdom with the mediacapture
// polyfill, and drives it as a user would: type constraint sets, press Start / Apply / Stop, read
// back the settings the page shows.
//
//   npm run build && node examples/constraints/run.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { JSDOM } from 'jsdom';
import { installPolyfill, installElements } from 'mediacapture';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Loads the page. `mediaDevices` replaces the polyfill's navigator.mediaDevices (a test passes
 * its own devices). Returns the page's window and a driver for its controls.
 */
export async function openExerciser({ mediaDevices } = {}) {
  if (!mediaDevices) mediaDevices = installPolyfill().mediaDevices;
  const htmlPath = join(here, 'index.html');
  const dom = new JSDOM(readFileSync(htmlPath, 'utf8'), {
    url: pathToFileURL(htmlPath).href,
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    beforeParse(window) {
      Object.defineProperty(window.navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
      installElements({ window });
    },
  });
  const { window } = dom;
  const document = window.document;
  await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
  const byId = (id) => document.getElementById(id);
  const logLines = () => [...byId('log').children].map((d) => ({ text: d.textContent, error: d.className === 'error' }));
  return {
    window,
    document,
    /** Types a constraint set (an object, raw text, or '' for none) into the video or audio box. */
    type(kind, value) {
      byId(`${kind}Constraints`).value = typeof value === 'string' ? value : JSON.stringify(value);
    },
    /** Presses a button and resolves with the log lines it added (each handler logs when done). */
    async press(name, expectedLines = 1) {
      const before = logLines().length;
      byId(`${name}Button`).click();
      for (let i = 0; logLines().length < before + expectedLines; i++) {
        if (i > 2000) throw new Error(`pressing ${name} logged nothing`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return logLines().slice(before);
    },
    /** The settings the page shows for a kind (null when it shows none). */
    settings(kind) {
      const text = byId(`${kind}Settings`).textContent;
      return text === '' ? null : JSON.parse(text);
    },
    supported() {
      return [...byId('supportedConstraints').children].map((li) => li.textContent);
    },
    disabled(name) {
      return byId(`${name}Button`).disabled;
    },
    log: logLines,
    close() {
      for (const t of byId('video').srcObject?.getTracks() ?? []) t.stop();
      window.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = await openExerciser();
  const show = (lines) => lines.forEach((l) => console.log(`${l.error ? '!' : ' '} ${l.text}`));
  console.log('supported:', page.supported().join(', '));
  show(await page.press('start'));
  console.log('video settings:', JSON.stringify(page.settings('video')));
  page.type('video', { width: 640, height: 360 });
  show(await page.press('apply', 2));
  console.log('video settings:', JSON.stringify(page.settings('video')));
  page.type('video', { width: { exact: 100000 } });
  show(await page.press('apply', 2));
  show(await page.press('stop'));
  page.close();
}
