#!/usr/bin/env node
/**
 * Runs web-platform-tests (WPT) from a checkout you supply against this library, in Node.
 *
 *   node scripts/wpt.mjs <path-to-wpt-checkout> <dir-or-file>... [--json] [--timeout=MS]
 *
 * <dir-or-file> are paths inside the checkout (or absolute paths under it). Directories are
 * searched recursively for `.html`/`.htm` files that load /resources/testharness.js, and for
 * `.window.js` / `.any.js` files (these get the page the WPT server would wrap them in: title,
 * `// META: script=` and `// META: timeout=long` are honoured). Build the package first
 * (`npm run build`): the runner loads dist/src/index.js.
 *
 * How one file runs. Each file runs in its own child process, with a fresh jsdom document at
 * http://web-platform.test:<port>/<path> (a static server over the checkout runs in the parent on
 * 127.0.0.1, and the child's fetch() sends that host and its www/www1/www2 subdomains there, so fetch()
 * and relative URLs reach checkout files). The document's globals are exposed on Node's global
 * object, the way the jsdom environments of jest and vitest do it, and then the polyfill is
 * installed: installPolyfill() for navigator.mediaDevices and the interface objects, and
 * installElements({ window }) for the jsdom media and canvas elements. Classic <script>s run in
 * document order: `src` scripts are read from the checkout, inline ones from the page. The harness
 * is the checkout's own /resources/testharness.js; /resources/testharnessreport.js is replaced by
 * a reporter of ours that collects results with add_completion_callback.
 *
 * Shims, always named in the output when a file used them:
 *  - test_driver: /resources/testdriver.js and testdriver-vendor.js are replaced by a minimal
 *    test_driver whose click(element) and bless(intent, action) model a user gesture through the
 *    library's own transient-activation model (controller.activate(); getDisplayMedia then sees
 *    transient activation, as it would after a real click). The document starts with
 *    requireUserActivation on, so a call without a gesture is refused as in a browser. Other
 *    test_driver methods reject ("not supported by the shim").
 *  - named access: elements with an id are reachable as globals (window named access), since the
 *    scripts run with Node's global object as `window`.
 *
 * What is not modelled and shows up as failures: iframes and other browsing contexts, wptserve
 * substitution (`.sub.` files) and handlers (`.py`), module scripts, workers. Scripts that are not
 * in the checkout are listed as "missing"; media files (webm, mp4, wav...) that a test names but
 * the checkout lacks are listed as "needs media file".
 *
 * Per-file timeout: the harness's own timeout (10 s, or 60 s with `<meta name=timeout
 * content=long>`) plus a margin, after which the child is killed and the file counts as TIMEOUT;
 * --timeout=MS sets that hard limit instead. Output: per file the PASS/FAIL/TIMEOUT/NOTRUN
 * subtests, failures with their messages, notes; then a total. --json prints one JSON object.
 * Exit code 0 when every file ran to completion (whatever its subtests did), 1 otherwise
 * (harness error, crash or hard timeout), 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const RESULT_MARK = '@@WPT-RESULT@@';
const STATUS = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const HARNESS_STATUS = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];
const MEDIA_RE = /["'`/]([\w.\-]+\.(?:webm|mp4|m4a|ogg|ogv|oga|opus|wav|mp3|flac|mkv|mov))(?:[?#][^"'`]*)?["'`]/g;


// ---- parent -----------------------------------------------------------------------------------

function usage(message) {
  if (message) console.error(`wpt: ${message}`);
  console.error('usage: node scripts/wpt.mjs <path-to-wpt-checkout> <dir-or-file>... [--json] [--timeout=MS]');
  process.exit(2);
}

function isTestFile(file) {
  if (file.endsWith('.window.js') || file.endsWith('.any.js')) return true;
  if (!/\.html?$/.test(file) || /-manual\./.test(file)) return false;
  const text = readFileSync(file, 'utf8');
  return /\/resources\/testharness\.js/.test(text);
}

function collect(checkout, target) {
  const abs = resolve(checkout, target);
  if (!abs.startsWith(checkout + sep) && abs !== checkout) usage(`${target} is not inside the checkout`);
  if (!existsSync(abs)) usage(`${target}: no such file or directory in the checkout`);
  if (statSync(abs).isFile()) return [abs];
  const out = [];
  for (const name of readdirSync(abs).sort()) {
    if (name.startsWith('.') || name === 'resources' || name === 'support') continue;
    const p = join(abs, name);
    if (statSync(p).isDirectory()) out.push(...collect(checkout, p));
    else if (isTestFile(p)) out.push(p);
  }
  return out;
}

function serve(checkout) {
  const types = { '.js': 'text/javascript', '.html': 'text/html', '.htm': 'text/html', '.idl': 'text/plain', '.json': 'application/json', '.webm': 'video/webm', '.mp4': 'video/mp4', '.wav': 'audio/wav' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = resolve(checkout, '.' + path);
    if (!file.startsWith(checkout) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'access-control-allow-origin': '*' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function harnessTimeout(file) {
  const text = readFileSync(file, 'utf8');
  const long = /<meta\s+name=["']?timeout["']?\s+content=["']?long/i.test(text) || /^\/\/\s*META:\s*timeout=long/m.test(text);
  return long ? 60000 : 10000;
}

function runOne(checkout, file, base, hardLimit) {
  const rel = relative(checkout, file).split(sep).join('/');
  const limit = hardLimit ?? harnessTimeout(file) + 15000;
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', checkout, rel, base], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MEDIACAPTURE_DEVICES: undefined },
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, limit);
    child.on('close', (code) => {
      clearTimeout(timer);
      const at = stdout.lastIndexOf(RESULT_MARK);
      let result;
      if (at >= 0) {
        result = JSON.parse(stdout.slice(at + RESULT_MARK.length).split('\n')[0]);
      } else {
        result = {
          harness: { status: killed ? 'TIMEOUT' : 'ERROR', message: killed ? `killed after ${limit} ms without a result` : `the runner exited (${code}) without a result: ${stderr.trim().split('\n').slice(-3).join(' | ')}` },
          tests: [],
          notes: [],
        };
      }
      result.file = rel;
      result.ms = Date.now() - started;
      done(result);
    });
  });
}

async function runParent(args) {
  const json = args.includes('--json');
  const timeoutArg = args.find((a) => a.startsWith('--timeout='));
  const hardLimit = timeoutArg ? Number(timeoutArg.slice('--timeout='.length)) : undefined;
  if (hardLimit !== undefined && !(hardLimit > 0)) usage('--timeout needs a positive number of milliseconds');
  const positional = args.filter((a) => !a.startsWith('--'));
  if (positional.length < 2) usage();
  const checkout = resolve(positional[0]);
  if (!existsSync(join(checkout, 'resources', 'testharness.js'))) usage(`${checkout} has no resources/testharness.js`);
  if (!existsSync(join(root, 'dist', 'src', 'index.js'))) usage('dist/src/index.js is missing: run `npm run build` first');
  const files = [...new Set(positional.slice(1).flatMap((t) => collect(checkout, t)))];
  const server = await serve(checkout);
  // The pages' host is WPT's own name for it, so that its subdomains (www1.web-platform.test) are
  // valid hosts; the fetch() of the child sends them all to this server on 127.0.0.1.
  const base = `http://web-platform.test:${server.address().port}/`;
  const results = [];
  const total = Object.fromEntries(STATUS.map((s) => [s, 0]));
  for (const file of files) {
    const r = await runOne(checkout, file, base, hardLimit);
    results.push(r);
    for (const t of r.tests) total[t.status] = (total[t.status] ?? 0) + 1;
    if (!json) printFile(r);
  }
  server.close();
  const unfinished = results.filter((r) => r.harness.status !== 'OK').length;
  if (json) {
    console.log(JSON.stringify({ checkout, files: results, total, subtests: results.reduce((n, r) => n + r.tests.length, 0), unfinishedFiles: unfinished }, null, 2));
  } else {
    const n = results.reduce((k, r) => k + r.tests.length, 0);
    console.log(`\nTotal: ${files.length} files, ${n} subtests: ${STATUS.filter((s) => total[s]).map((s) => `${total[s]} ${s.toLowerCase()}`).join(', ') || 'none'}; ${unfinished} file(s) with a harness error or timeout`);
  }
  process.exitCode = unfinished ? 1 : 0;
}

function printFile(r) {
  const counts = Object.fromEntries(STATUS.map((s) => [s, 0]));
  for (const t of r.tests) counts[t.status]++;
  const summary = STATUS.filter((s) => counts[s]).map((s) => `${counts[s]} ${s.toLowerCase()}`).join(', ') || 'no subtests';
  console.log(`\n${r.file}  [harness ${r.harness.status}${r.harness.message ? `: ${oneLine(r.harness.message)}` : ''}]  ${summary}  (${(r.ms / 1000).toFixed(1)} s)`);
  for (const t of r.tests) {
    console.log(`  ${t.status.padEnd(7)} ${t.name}${t.status === 'PASS' ? '' : t.message ? `\n          ${oneLine(t.message)}` : ''}`);
  }
  for (const n of r.notes) console.log(`  note: ${n}`);
}

function oneLine(s) {
  const line = String(s).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? line.slice(0, 297) + '...' : line;
}

// ---- child: one file in one jsdom document ----------------------------------------------------

async function runChild(checkout, rel, base) {
  const notes = new Set();
  const url = new URL(rel, base);
  const file = join(checkout, ...rel.split('/'));
  let html = readFileSync(file, 'utf8');
  if (rel.endsWith('.window.js') || rel.endsWith('.any.js')) html = wrapperPage(html, rel);

  // Media files the test names that the checkout does not have.
  for (const m of html.matchAll(MEDIA_RE)) {
    const name = m[1];
    const candidates = [join(dirname(file), name), join(checkout, 'media', name), ...subdirs(dirname(file)).map((d) => join(d, name))];
    if (!candidates.some((c) => existsSync(c))) notes.add(`needs media file: ${name} (not in the checkout)`);
  }

  const { JSDOM, VirtualConsole } = await import('jsdom');
  const lib = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (e) => notes.add(`jsdom: ${oneLine(e.message)}`));
  const dom = new JSDOM(html, { url: url.href, pretendToBeVisual: true, virtualConsole });
  const window = dom.window;
  let loaded = false;
  window.addEventListener('load', () => (loaded = true));

  exposeWindow(window, notes);
  let canvas;
  try {
    const m = await import('@napi-rs/canvas');
    canvas = typeof m.createCanvas === 'function' ? m : m.default;
  } catch {
    notes.add('no canvas library (@napi-rs/canvas): 2D contexts are unavailable');
  }
  lib.installElements({ window, ...(canvas ? { canvas } : {}) });
  const handle = lib.installPolyfill({ document: { requireUserActivation: true } });

  let finished = false;
  const report = (tests, status) => {
    if (finished) return;
    finished = true;
    const out = {
      harness: { status: HARNESS_STATUS[status.status] ?? String(status.status), message: status.message ?? null, stack: status.stack ?? null },
      tests: tests.map((t) => ({ name: t.name, status: STATUS[t.status] ?? String(t.status), message: t.message ?? null })),
      notes: [...notes],
    };
    process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(out)}\n`, () => process.exit(0));
  };
  globalThis.__wptReport = report;
  globalThis.__wptActivate = () => {
    notes.add('shim: test_driver (click/bless modelled as a user gesture: controller.activate())');
    handle.controller.activate();
  };

  const fireError = (error) => {
    const event = new window.ErrorEvent('error', { message: error?.message ?? String(error), error, filename: '', lineno: 0, colno: 0 });
    window.dispatchEvent(event);
  };
  process.on('uncaughtException', fireError);
  process.on('unhandledRejection', (reason) => {
    const event = new window.Event('unhandledrejection');
    Object.defineProperty(event, 'reason', { value: reason });
    window.dispatchEvent(event);
  });

  for (const script of [...window.document.querySelectorAll('script')]) {
    const type = (script.getAttribute('type') ?? '').trim().toLowerCase();
    if (type && !['text/javascript', 'application/javascript', 'module'].includes(type)) continue;
    if (type === 'module') {
      notes.add('module scripts are not run');
      continue;
    }
    exposeNamedElements(window);
    let code;
    let name;
    const src = script.getAttribute('src');
    if (src !== null) {
      const target = new URL(src, url);
      name = target.href;
      if (target.origin !== url.origin) {
        notes.add(`cross-origin script not loaded: ${target.href}`);
        continue;
      }
      code = builtin(target.pathname, notes) ?? readCheckout(checkout, target.pathname, notes);
      if (code === null) continue;
    } else {
      code = script.textContent;
      name = `${url.href} (inline script)`;
    }
    try {
      vm.runInThisContext(code, { filename: name });
    } catch (e) {
      fireError(e);
    }
  }
  // The load event: jsdom fires it after parsing; if it went before the scripts ran, fire it again.
  if (loaded) window.dispatchEvent(new window.Event('load'));
  if (typeof globalThis.add_completion_callback !== 'function') {
    report([], { status: 1, message: 'testharness.js did not load' });
  }
}

function subdirs(dir) {
  try {
    return readdirSync(dir).map((n) => join(dir, n)).filter((p) => statSync(p).isDirectory());
  } catch {
    return [];
  }
}

/** The page the WPT server builds around a .window.js / .any.js test. */
function wrapperPage(source, rel) {
  const metas = [...source.matchAll(/^\/\/\s*META:\s*(\w+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]);
  const title = metas.find(([k]) => k === 'title')?.[1] ?? rel;
  const long = metas.some(([k, v]) => k === 'timeout' && v === 'long');
  const scripts = metas.filter(([k]) => k === 'script').map(([, v]) => `<script src="${v}"></script>`);
  const name = rel.split('/').pop();
  return `<!doctype html><meta charset=utf-8>${long ? '<meta name="timeout" content="long">' : ''}<title>${title}</title>
<script src="/resources/testharness.js"></script>
<script src="/resources/testharnessreport.js"></script>
${scripts.join('\n')}
<div id=log></div>
<script src="${name}"></script>
`;
}

/** Scripts the runner supplies itself instead of the checkout's. */
function builtin(path, notes) {
  if (path === '/resources/testharnessreport.js') {
    return `add_completion_callback(function (tests, status) { __wptReport(tests, status); });`;
  }
  if (path === '/resources/testdriver.js') {
    notes.add('shim: /resources/testdriver.js replaced by the runner\'s minimal test_driver');
    return TEST_DRIVER_SHIM;
  }
  if (path === '/resources/testdriver-vendor.js') return '';
  return null;
}

const TEST_DRIVER_SHIM = `(function () {
  function unsupported(name) {
    return function () { return Promise.reject(new Error('test_driver.' + name + ' is not supported by the runner shim')); };
  }
  var driver = {
    click: function (element) {
      __wptActivate();
      element.dispatchEvent(new (document.defaultView.MouseEvent)('click', { bubbles: true, cancelable: true }));
      return Promise.resolve();
    },
    bless: function (intent, action) {
      __wptActivate();
      return Promise.resolve().then(function () { return typeof action === 'function' ? action() : undefined; });
    },
    set_test_context: function () {},
    message_test: function () { return Promise.resolve(); },
  };
  ['send_keys', 'action_sequence', 'set_permission', 'freeze', 'generate_test_report', 'delete_all_cookies',
   'minimize_window', 'set_window_rect', 'get_window_rect', 'consume_user_activation'].forEach(function (n) { driver[n] = unsupported(n); });
  window.test_driver = driver;
})();`;

function readCheckout(checkout, path, notes) {
  const file = resolve(checkout, '.' + decodeURIComponent(path));
  if (/\.sub\.\w+$/.test(path)) notes.add(`needs the WPT server's substitution: ${path}`);
  if (!file.startsWith(checkout) || !existsSync(file)) {
    notes.add(`missing from the checkout: ${path}`);
    return null;
  }
  return readFileSync(file, 'utf8');
}

/**
 * Exposes the jsdom window's members on Node's global object, as the jsdom environments of jest
 * and vitest do: what Node already has (Event, EventTarget, DOMException, URL, Blob, fetch,
 * navigator, timers...) stays Node's, so the library and the tests share one set; window, self,
 * parent and top are the global object itself, whose event methods are the window's.
 */
function exposeWindow(window, notes) {
  const names = new Set();
  for (let o = window; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const n of Object.getOwnPropertyNames(o)) names.add(n);
  }
  const skip = new Set(['window', 'self', 'parent', 'top', 'frames', 'globalThis', 'constructor', 'addEventListener', 'removeEventListener', 'dispatchEvent']);
  for (const n of names) {
    if (skip.has(n) || n in globalThis) continue;
    Object.defineProperty(globalThis, n, {
      get: () => window[n],
      set: (v) => {
        window[n] = v;
      },
      configurable: true,
      enumerable: false,
    });
  }
  for (const n of ['window', 'self', 'parent', 'top', 'frames']) {
    Object.defineProperty(globalThis, n, { value: globalThis, writable: true, configurable: true });
  }
  for (const n of ['addEventListener', 'removeEventListener', 'dispatchEvent']) {
    Object.defineProperty(globalThis, n, { value: window[n].bind(window), writable: true, configurable: true });
  }
  // Node's fetch() has no document base URL: relative URLs resolve against the test page here.
  // WPT's subdomains of the test host (www., www1., www2.: other origins of the same server, which
  // wptserve's hosts entries provide) are sent to the one server here; the URL, and so its origin,
  // stays as the test wrote it.
  const nodeFetch = globalThis.fetch;
  const host = window.location.hostname;
  const sub = new RegExp(`^(?:www|www1|www2)\\.${host.replace(/\./g, '\\.')}$`);
  globalThis.fetch = (input, init) => {
    if (!(typeof input === 'string' || input instanceof URL)) return nodeFetch(input, init);
    const url = new URL(String(input), window.location.href);
    if (sub.test(url.hostname)) notes.add(`shim: WPT subdomain ${url.hostname} served by the test server (another origin of the same host)`);
    if (url.hostname === host || sub.test(url.hostname)) url.hostname = '127.0.0.1';
    return nodeFetch(url, init);
  };
}

/** window named access: elements with an id are globals unless something of that name exists. */
function exposeNamedElements(window) {
  for (const el of window.document.querySelectorAll('[id]')) {
    const id = el.id;
    if (!id || id in globalThis) continue;
    Object.defineProperty(globalThis, id, { get: () => window.document.getElementById(id), configurable: true });
  }
}

// ---- entry (last, so every constant above is initialised) -----------------------------------

if (process.argv[2] === '--child') {
  await runChild(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await runParent(process.argv.slice(2));
}
