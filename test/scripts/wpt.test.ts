// Checks scripts/wpt.mjs on a small page of our own written against the testharness.js API. It
// needs a real WPT checkout (for /resources/testharness.js); CI has none, so without WPT_DIR this
// skips and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const wptDir = process.env.WPT_DIR;
const skip = !wptDir
  ? 'WPT_DIR is not set (point it at a web-platform-tests checkout to run this test)'
  : !existsSync(join(wptDir, 'resources', 'testharness.js'))
    ? `WPT_DIR=${wptDir} has no resources/testharness.js`
    : false;
if (skip) console.log(`# wpt runner test skipped: ${skip}`);

const PAGE = `<!doctype html>
<title>runner self-check</title>
<button id="go">go</button>
<script src="/resources/testharness.js"></script>
<script src="/resources/testharnessreport.js"></script>
<script src="/resources/testdriver.js"></script>
<script src="/resources/testdriver-vendor.js"></script>
<script>
test(() => assert_equals(typeof navigator.mediaDevices.getUserMedia, 'function'), 'the polyfill is installed');
test(() => assert_equals(1 + 1, 3, 'arithmetic'), 'a failing subtest is reported as FAIL');
promise_test(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  assert_equals(stream.getVideoTracks().length, 1);
  stream.getTracks().forEach((t) => t.stop());
}, 'a promise_test passes');
promise_test((t) => promise_rejects_dom(t, 'InvalidStateError', navigator.mediaDevices.getDisplayMedia()),
  'getDisplayMedia without a gesture is refused');
promise_test(async () => {
  await test_driver.click(go);
  const stream = await navigator.mediaDevices.getDisplayMedia();
  stream.getTracks().forEach((t) => t.stop());
}, 'test_driver.click gives transient activation');
async_test(() => {}, 'an async test that never finishes times out');
setup({ explicit_timeout: false });
</script>`;

test('scripts/wpt.mjs runs a testharness page in jsdom with the polyfill and reports each subtest', { skip }, () => {
  const dir = mkdtempSync(join(wptDir!, 'mediacapture-runner-selfcheck-'));
  try {
    writeFileSync(join(dir, 'selfcheck.html'), PAGE);
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'wpt.mjs'), wptDir!, relative(wptDir!, dir), '--json'], { cwd: root, encoding: 'utf8', timeout: 60000 });
    const out = JSON.parse(r.stdout) as { files: { harness: { status: string }; tests: { name: string; status: string }[]; notes: string[] }[] };
    const [file] = out.files;
    const status = Object.fromEntries(file.tests.map((t) => [t.name, t.status]));
    assert.deepEqual(status, {
      'the polyfill is installed': 'PASS',
      'a failing subtest is reported as FAIL': 'FAIL',
      'a promise_test passes': 'PASS',
      'getDisplayMedia without a gesture is refused': 'PASS',
      'test_driver.click gives transient activation': 'PASS',
      'an async test that never finishes times out': 'TIMEOUT',
    });
    assert.equal(file.harness.status, 'TIMEOUT');
    assert.ok(file.notes.some((n) => n.startsWith('shim: test_driver')), 'the shim is named in the notes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
