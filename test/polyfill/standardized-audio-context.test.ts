/**
 * standardized-audio-context (a widely used Web Audio wrapper) runs its feature detection against
 * the polyfilled globals: every check it makes of the native API, AudioWorklet included, passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const polyfill = fileURLToPath(new URL('../../src/install-polyfill.js', import.meta.url));

test("standardized-audio-context's isSupported() is true under the polyfill, and its AudioContext renders", () => {
  // In a child: one of the library's own checks leaves a MessagePort listening (harmless in a
  // page, it keeps a Node process alive), so the child exits explicitly once it has answered.
  const script = `
    import { createRequire } from 'node:module';
    import { installPolyfill } from ${JSON.stringify(polyfill)};
    installPolyfill();
    // The library looks for the page's window and a secure context, as on an https page.
    globalThis.window = globalThis;
    globalThis.isSecureContext = true;
    const sac = createRequire(${JSON.stringify(fileURLToPath(import.meta.url))})('standardized-audio-context');
    const supported = await sac.isSupported();
    const ctx = new sac.OfflineAudioContext({ length: 256, sampleRate: 8000, numberOfChannels: 1 });
    const osc = new sac.ConstantSourceNode(ctx, { offset: 0.25 });
    const gain = new sac.GainNode(ctx, { gain: 2 });
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    const buffer = await ctx.startRendering();
    const data = buffer.getChannelData(0);
    console.log(JSON.stringify({ supported, first: data[0], last: data[255], length: buffer.length }));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, 'the child did not answer within 60 s');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { supported: true, first: 0.5, last: 0.5, length: 256 });
});
