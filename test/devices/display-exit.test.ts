/**
 * A script written for browsers that captures the screen and stops its tracks exits by itself:
 * nothing (timer, producer, child process) outlives the last track. Runs in a child process
 * with a time limit, through the installed globals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

export function runScript(body: string, env: NodeJS.ProcessEnv = process.env, timeout = 30_000) {
  const code = `
import { installPolyfill } from ${JSON.stringify(index)};
${body}
`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout, env });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - started };
}

test('getDisplayMedia through the polyfill: read frames, stop, and the process exits on its own', () => {
  const r = runScript(`
installPolyfill({ display: { width: 640, height: 360, frameRate: 30 } });
const controller = new CaptureController();
const stream = await navigator.mediaDevices.getDisplayMedia({ video: { width: 320 }, controller });
const [track] = stream.getVideoTracks();
const clone = track.clone();
const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
const sizes = [];
for (let i = 0; i < 3; i++) {
  const { value } = await reader.read();
  sizes.push(value.displayWidth + 'x' + value.displayHeight);
  value.close();
}
reader.releaseLock();
track.stop();
clone.stop();
console.log('SIZES ' + sizes.join(','));
`);
  assert.equal(r.signal, null, `the script did not exit by itself (killed after ${r.ms} ms): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /SIZES 320x180,320x180,320x180/);
});
