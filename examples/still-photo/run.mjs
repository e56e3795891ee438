// Runs MDN's "taking still photos" page shape (index.html + photo.js) under jsdom with the
// mediacapture polyfill and @napi-rs/canvas, clicks "Take photo" and writes the PNG the page made.
//
//   npm run build && node examples/still-photo/run.mjs [out.png]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { JSDOM } from 'jsdom';
import * as napiCanvas from '@napi-rs/canvas';
import { installPolyfill, installElements } from 'mediacapture';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Loads the page, waits until the video can play, takes the photo and returns the PNG bytes and
 * the page's window. `mediaDevices` replaces the polyfill's navigator.mediaDevices; `pump` is
 * called while waiting (a test advances its VirtualClock there).
 */
export async function takeStillPhoto({ mediaDevices, pump } = {}) {
  if (!mediaDevices) mediaDevices = installPolyfill().mediaDevices;
  const htmlPath = join(here, 'index.html');
  const dom = new JSDOM(readFileSync(htmlPath, 'utf8'), {
    url: pathToFileURL(htmlPath).href,
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    beforeParse(window) {
      Object.defineProperty(window.navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
      installElements({ window, canvas: napiCanvas });
    },
  });
  const { window } = dom;
  const document = window.document;
  await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
  const video = document.getElementById('video');
  // Wait for the page to see the camera (its canplay handler sizes the canvas).
  for (let i = 0; video.readyState < window.HTMLMediaElement.HAVE_FUTURE_DATA || document.getElementById('canvas').width !== 320; i++) {
    if (i > 10000) throw new Error('the video never became playable');
    pump?.();
    await new Promise((r) => setTimeout(r, pump ? 0 : 5));
  }
  document.getElementById('startbutton').click();
  const src = document.getElementById('photo').getAttribute('src');
  const prefix = 'data:image/png;base64,';
  if (!src?.startsWith(prefix)) throw new Error(`the photo is not a PNG data URL: ${src?.slice(0, 40)}`);
  const png = Buffer.from(src.slice(prefix.length), 'base64');
  const close = () => {
    for (const t of video.srcObject?.getTracks() ?? []) t.stop();
    window.close();
  };
  return { png, window, video, close };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(here, 'photo.png');
  const { png, close } = await takeStillPhoto();
  writeFileSync(out, png);
  close();
  console.log(`wrote ${out} (${png.length} bytes)`);
}
