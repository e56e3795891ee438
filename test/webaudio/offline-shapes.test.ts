/**
 * A context rendered after earlier ones were collected still runs on optimized code: the small
 * graph offline-audio-context.ts keeps alive holds the object shapes that code depends on, so a
 * full garbage collection does not discard it ("weak objects" deoptimization).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const offline = fileURLToPath(new URL('../../src/webaudio/offline-audio-context.js', import.meta.url));

test('rendering, collecting everything and rendering again discards no renderer code', () => {
  const code = `
import { OfflineAudioContext } from ${JSON.stringify(offline)};
async function render() {
  const c = new OfflineAudioContext(2, 48000 * 5, 48000);
  const o = c.createOscillator(); o.frequency.value = 110.5;
  const b = c.createBiquadFilter(); b.type = 'lowshelf'; b.gain.value = 6;
  o.connect(b).connect(c.destination); o.start();
  const out = await c.startRendering();
  return out.getChannelData(0)[1000];
}
await render();
console.log('MARK first');
for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
console.log('MARK collected');
const v = await render();
console.log('MARK rendered ' + v);
`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--trace-deopt', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const after = r.stdout.slice(r.stdout.indexOf('MARK first'));
  assert.match(after, /MARK rendered -?\d/, 'the second render completed');
  // The render loop's own functions (Node's internals may be discarded too; they are not ours).
  const ours = /<SharedFunctionInfo (renderQuantum|#renderNode|#mixInputs|#computeParams|#renderChunk)>/;
  const discarded = after.split('\n').filter((l) => /reason: weak objects/.test(l) && ours.test(l));
  assert.deepEqual(discarded, [], 'optimized renderer code discarded after the first graph was collected');
});
