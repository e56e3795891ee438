import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioContext, OfflineAudioContext, createMediaDevices } from '../../src/index.js';
import { chooseQuantumSize } from '../../src/webaudio/render-size.js';

test('renderSizeHint picks the nearest power of two in [16, 16384]; default and hardware give 128', () => {
  assert.equal(chooseQuantumSize(-1), 128);
  assert.deepEqual([1, 16, 23, 25, 100, 256, 300, 1000, 6 * 48000].map(chooseQuantumSize), [16, 16, 16, 32, 128, 256, 256, 1024, 16384]);
  for (const [hint, size] of [['default', 128], ['hardware', 128], [512, 512], [48, 32]] as const) {
    assert.equal(new OfflineAudioContext({ length: 8, sampleRate: 8000, renderSizeHint: hint }).renderQuantumSize, size);
  }
});

/** A graph touching every kind of per-quantum state: a-rate automation, delay, convolution, looping. */
async function render(hint?: number): Promise<Float32Array[]> {
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: 12000, sampleRate: 24000, ...(hint ? { renderSizeHint: hint } : {}) });
  const osc = ctx.createOscillator();
  osc.frequency.setValueAtTime(300, 0);
  osc.frequency.linearRampToValueAtTime(900, 0.4);
  const g = ctx.createGain();
  g.gain.setValueAtTime(0.2, 0);
  g.gain.exponentialRampToValueAtTime(0.9, 0.3);
  const delay = ctx.createDelay();
  delay.delayTime.value = 0.0123;
  const ir = ctx.createBuffer(2, 1500, 24000);
  for (let c = 0; c < 2; c++) ir.getChannelData(c).forEach((_, i, x) => (x[i] = Math.exp(-i / 300) * Math.sin(i * (c + 1))));
  const conv = ctx.createConvolver();
  conv.buffer = ir;
  const pan = ctx.createStereoPanner();
  pan.pan.setValueAtTime(-0.5, 0);
  pan.pan.linearRampToValueAtTime(0.5, 0.5);
  const src = ctx.createBufferSource();
  src.buffer = ir;
  src.loop = true;
  src.playbackRate.value = 0.77;
  osc.connect(ctx.createBiquadFilter()).connect(g).connect(delay).connect(conv).connect(pan).connect(ctx.destination);
  src.connect(ctx.destination);
  osc.start(0.01);
  osc.stop(0.45);
  src.start(0.1);
  const out = await ctx.startRendering();
  return [out.getChannelData(0), out.getChannelData(1)];
}

test('offline rendering at quantum sizes 16 to 4096 gives the samples it gives at 128', async () => {
  const ref = await render();
  assert.ok(ref[0]!.some((v) => Math.abs(v) > 0.01), 'the reference graph makes sound');
  for (const hint of [16, 64, 256, 1024, 4096]) {
    const got = await render(hint);
    for (let c = 0; c < 2; c++) {
      // Identical but for the convolver's FFT rounding, which depends on its partition sizes.
      let worst = 0;
      for (let i = 0; i < ref[c]!.length; i++) worst = Math.max(worst, Math.abs(got[c]![i]! - ref[c]![i]!));
      assert.ok(worst < 1e-6, `quantum ${hint}, channel ${c}: differs by ${worst}`);
    }
  }
});

test('a realtime context with a 512-frame quantum renders a microphone through to a processor', async () => {
  const { mediaDevices } = createMediaDevices();
  const stream = await mediaDevices.getUserMedia({ audio: true });
  const ctx = new AudioContext({ sinkId: { type: 'none' }, renderSizeHint: 512 });
  assert.equal(ctx.renderQuantumSize, 512);
  const sp = ctx.createScriptProcessor(1024, 1, 1);
  let loud = 0;
  const done = new Promise<void>((resolve) => {
    sp.onaudioprocess = (e) => {
      const x = e.inputBuffer.getChannelData(0);
      if (x.some((v) => Math.abs(v) > 0.05)) loud++;
      if (loud >= 3) resolve();
    };
  });
  ctx.createMediaStreamSource(stream).connect(sp).connect(ctx.destination);
  await done;
  assert.ok(ctx.currentTime > 0);
  assert.equal((ctx.currentTime * ctx.sampleRate) % 512, 0, 'currentTime moves in whole quanta');
  await ctx.close();
  stream.getTracks().forEach((t) => t.stop());
});
