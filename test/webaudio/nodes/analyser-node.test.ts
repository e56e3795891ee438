import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { AnalyserNode } from '../../../src/webaudio/nodes/analyser-node.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

test('a bin-centred sine peaks at its bin with the Blackman-windowed magnitude; data read at a suspend', async () => {
  const N = 1024;
  const bin = 40;
  const ctx = new OfflineAudioContext(1, 8192, SR);
  const osc = ctx.createOscillator();
  osc.frequency.value = bin * SR / N;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  const analyser = new AnalyserNode(ctx, { fftSize: N, smoothingTimeConstant: 0 });
  osc.connect(gain).connect(analyser);
  osc.start();
  const checked = ctx.suspend(4096 / SR).then(() => {
    const db = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(db);
    let peak = 0;
    for (let k = 1; k < db.length; k++) if (db[k]! > db[peak]!) peak = k;
    assert.equal(peak, bin);
    assert.ok(Math.abs(db[bin]! - 20 * Math.log10(0.5 * 0.42 / 2)) < 0.01, `peak ${db[bin]}`);
    assert.ok(Math.abs(db[bin + 1]! - 20 * Math.log10(0.5 * 0.25 / 2)) < 0.01);
    // Time-domain data: the last N frames rendered before frame 4096.
    const td = new Float32Array(N);
    analyser.getFloatTimeDomainData(td);
    for (let i = 0; i < N; i++) {
      const n = 4096 - N + i;
      assert.ok(Math.abs(td[i]! - 0.5 * Math.sin(2 * Math.PI * bin * n / N)) < 1e-5, `td ${i}`);
    }
    const bytes = new Uint8Array(4);
    analyser.getByteTimeDomainData(bytes);
    for (let i = 0; i < 4; i++) assert.equal(bytes[i], Math.max(0, Math.min(255, Math.floor(128 * (1 + td[i]!)))));
    const fb = new Uint8Array(analyser.frequencyBinCount);
    analyser.getByteFrequencyData(fb);
    const y = db[bin]!;
    assert.equal(fb[bin], Math.max(0, Math.min(255, Math.floor(255 / 70 * (y + 100)))));
    return ctx.resume();
  });
  await ctx.startRendering();
  await checked;
});

test('smoothing: a second read in the same quantum returns the same data; the next quantum smooths', async () => {
  const ctx = new OfflineAudioContext(1, 4096, SR);
  const src = ctx.createConstantSource();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 32;
  analyser.smoothingTimeConstant = 0.5;
  src.connect(analyser);
  src.start();
  const a = new Float32Array(16);
  const b = new Float32Array(16);
  const first = ctx.suspend(1024 / SR).then(() => {
    analyser.getFloatFrequencyData(a);
    analyser.getFloatFrequencyData(b);
    assert.deepEqual(b, a);
    // DC of 1: |X[0]| = a0 = 0.42, first smoothing step from zero = 0.5 * 0.42
    assert.ok(Math.abs(a[0]! - 20 * Math.log10(0.21)) < 1e-4);
    return ctx.resume();
  });
  const second = ctx.suspend(2048 / SR).then(() => {
    analyser.getFloatFrequencyData(b);
    assert.ok(Math.abs(b[0]! - 20 * Math.log10(0.75 * 0.42)) < 1e-4);
    return ctx.resume();
  });
  await ctx.startRendering();
  await Promise.all([first, second]);
});

test('passes its input through unchanged', async () => {
  const ctx = new OfflineAudioContext(2, 256, SR);
  const buf = ctx.createBuffer(2, 256, SR);
  for (let i = 0; i < 256; i++) {
    buf.getChannelData(0)[i] = i / 256;
    buf.getChannelData(1)[i] = -(i + 1) / 512;
  }
  const src = ctx.createBufferSource();
  src.buffer = buf;
  src.connect(ctx.createAnalyser()).connect(ctx.destination);
  src.start();
  const out = await ctx.startRendering();
  assert.deepEqual(out.getChannelData(0), buf.getChannelData(0));
  assert.deepEqual(out.getChannelData(1), buf.getChannelData(1));
});

test('attribute and option validation', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const a = ctx.createAnalyser();
  assert.equal(a.fftSize, 2048);
  assert.equal(a.frequencyBinCount, 1024);
  assert.equal(a.minDecibels, -100);
  assert.equal(a.maxDecibels, -30);
  assert.equal(a.smoothingTimeConstant, 0.8);
  assert.throws(() => { a.fftSize = 48; }, isDom('IndexSizeError'));
  assert.throws(() => { a.fftSize = 16; }, isDom('IndexSizeError'));
  assert.throws(() => { a.fftSize = 65536; }, isDom('IndexSizeError'));
  a.fftSize = 32768;
  assert.equal(a.frequencyBinCount, 16384);
  assert.throws(() => { a.minDecibels = -30; }, isDom('IndexSizeError'));
  assert.throws(() => { a.maxDecibels = -100; }, isDom('IndexSizeError'));
  assert.throws(() => { a.smoothingTimeConstant = 1.5; }, isDom('IndexSizeError'));
  assert.throws(() => { a.smoothingTimeConstant = NaN; }, TypeError);
  assert.throws(() => new AnalyserNode(ctx, { fftSize: 100 }), isDom('IndexSizeError'));
  assert.throws(() => new AnalyserNode(ctx, { minDecibels: -10, maxDecibels: -20 }), isDom('IndexSizeError'));
  const ok = new AnalyserNode(ctx, { minDecibels: -20, maxDecibels: 0 });
  assert.equal(ok.minDecibels, -20);
  assert.throws(() => a.getFloatFrequencyData(new Uint8Array(4)), TypeError);
  assert.throws(() => a.getByteTimeDomainData(new Float32Array(4)), TypeError);
  assert.deepEqual(Object.keys(a), []);
  assert.equal(Object.prototype.toString.call(a), '[object AnalyserNode]');
});
