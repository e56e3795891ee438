import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { IIRFilterNode } from '../../../src/webaudio/nodes/iir-filter-node.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

// H(e^jw) of y = 0.2 x + 0.8 y[n-1] (written with a0 = 2 to exercise normalisation).
function onePole(f: number): { mag: number; phase: number } {
  const w = 2 * Math.PI * f / SR;
  const dr = 1 - 0.8 * Math.cos(w);
  const di = 0.8 * Math.sin(w);
  return { mag: 0.2 / Math.hypot(dr, di), phase: -Math.atan2(di, dr) };
}

test('a sine through a one-pole IIR settles to |H| sin(w n + arg H)', async () => {
  const n = 4800;
  const ctx = new OfflineAudioContext(1, n, SR);
  const osc = ctx.createOscillator();
  osc.frequency.value = 3000;
  const iir = ctx.createIIRFilter([0.4], [2, -1.6]);
  osc.connect(iir).connect(ctx.destination);
  osc.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  const { mag, phase } = onePole(3000);
  for (let i = n - 500; i < n; i++) assert.ok(Math.abs(out[i]! - mag * Math.sin(2 * Math.PI * 3000 * i / SR + phase)) < 1e-5, `i=${i}`);
});

test('impulse response of a two-channel input: each channel filtered independently', async () => {
  const ctx = new OfflineAudioContext(2, 128, SR);
  const buf = ctx.createBuffer(2, 128, SR);
  buf.getChannelData(0)[0] = 1;
  buf.getChannelData(1)[3] = -1;
  const src = ctx.createBufferSource();
  src.buffer = buf;
  const iir = new IIRFilterNode(ctx, { feedforward: [1, 0.5], feedback: [1, -0.5] });
  src.connect(iir).connect(ctx.destination);
  src.start();
  const out = await ctx.startRendering();
  // h[0] = 1, h[n] = 0.5^(n-1) * (0.5 + 0.5) = 0.5^(n-1) for n >= 1
  const h = (k: number): number => (k < 0 ? 0 : k === 0 ? 1 : 0.5 ** (k - 1));
  for (let i = 0; i < 20; i++) {
    assert.ok(Math.abs(out.getChannelData(0)[i]! - h(i)) < 1e-7, `L ${i}`);
    assert.ok(Math.abs(out.getChannelData(1)[i]! + h(i - 3)) < 1e-7, `R ${i}`);
  }
});

test('getFrequencyResponse matches the analytic response and checks its arguments', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const iir = ctx.createIIRFilter([0.4], [2, -1.6]);
  const freqs = new Float32Array([0, 1000, 12000, 24000, 30000]);
  const mag = new Float32Array(5);
  const ph = new Float32Array(5);
  iir.getFrequencyResponse(freqs, mag, ph);
  for (let i = 0; i < 4; i++) {
    const want = onePole(freqs[i]!);
    assert.ok(Math.abs(mag[i]! - want.mag) < 1e-6 && Math.abs(ph[i]! - want.phase) < 1e-6, `at ${freqs[i]}`);
  }
  assert.ok(Number.isNaN(mag[4]) && Number.isNaN(ph[4]));
  assert.throws(() => iir.getFrequencyResponse(freqs, mag, new Float32Array(4)), isDom('InvalidAccessError'));
  assert.throws(() => iir.getFrequencyResponse(freqs, mag, null), TypeError);
});

test('coefficient validation errors from the constructor and createIIRFilter', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  assert.throws(() => ctx.createIIRFilter([], [1]), isDom('NotSupportedError'));
  assert.throws(() => ctx.createIIRFilter([1], new Array(21).fill(1)), isDom('NotSupportedError'));
  assert.throws(() => ctx.createIIRFilter([0, 0], [1]), isDom('InvalidStateError'));
  assert.throws(() => ctx.createIIRFilter([1], [0, 1]), isDom('InvalidStateError'));
  assert.throws(() => new IIRFilterNode(ctx, { feedforward: [1] }), TypeError);
  assert.throws(() => new IIRFilterNode(ctx), TypeError);
  assert.throws(() => new IIRFilterNode(ctx, { feedforward: [1], feedback: [1, NaN] }), TypeError);
  assert.throws(() => new IIRFilterNode(ctx, { feedforward: new Array(21).fill(1), feedback: [1] }), isDom('NotSupportedError'));
  const node = new IIRFilterNode(ctx, { feedforward: [1], feedback: [1] });
  assert.deepEqual(Object.keys(node), []);
  assert.equal(Object.prototype.toString.call(node), '[object IIRFilterNode]');
});
