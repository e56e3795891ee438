import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { BiquadFilterNode } from '../../../src/webaudio/nodes/biquad-filter-node.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

// Peaking filter response computed from the spec's formulas with complex arithmetic.
function peakingResponse(f0: number, Q: number, G: number, f: number): { mag: number; phase: number } {
  const A = 10 ** (G / 40);
  const w0 = 2 * Math.PI * f0 / SR;
  const alpha = Math.sin(w0) / (2 * Q);
  const b = [1 + alpha * A, -2 * Math.cos(w0), 1 - alpha * A];
  const a = [1 + alpha / A, -2 * Math.cos(w0), 1 - alpha / A];
  const w = 2 * Math.PI * f / SR;
  const ev = (c: number[]): [number, number] => [c[0]! + c[1]! * Math.cos(w) + c[2]! * Math.cos(2 * w), -c[1]! * Math.sin(w) - c[2]! * Math.sin(2 * w)];
  const [nr, ni] = ev(b);
  const [dr, di] = ev(a);
  return { mag: Math.hypot(nr, ni) / Math.hypot(dr, di), phase: Math.atan2(ni, nr) - Math.atan2(di, dr) };
}

test('a sine through a peaking filter settles to |H| sin(w n + arg H)', async () => {
  const n = 9600;
  const ctx = new OfflineAudioContext(1, n, SR);
  const osc = ctx.createOscillator();
  osc.frequency.value = 1500;
  const filter = new BiquadFilterNode(ctx, { type: 'peaking', frequency: 500, detune: 1200, Q: 3, gain: 6 });
  osc.connect(filter).connect(ctx.destination);
  osc.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  const { mag, phase } = peakingResponse(1000, 3, 6, 1500);
  for (let i = n - 1000; i < n; i++) {
    assert.ok(Math.abs(out[i]! - mag * Math.sin(2 * Math.PI * 1500 * i / SR + phase)) < 1e-4, `i=${i}`);
  }
});

test('getFrequencyResponse uses the current parameter values; NaN outside [0, nyquist]', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const filter = ctx.createBiquadFilter();
  filter.type = 'peaking';
  filter.frequency.value = 2000;
  filter.Q.value = 2;
  filter.gain.value = -9;
  const freqs = new Float32Array([0, 100, 2000, 7000, 24000, -5, 24001]);
  const mag = new Float32Array(freqs.length);
  const ph = new Float32Array(freqs.length);
  filter.getFrequencyResponse(freqs, mag, ph);
  for (let i = 0; i < 5; i++) {
    const want = peakingResponse(2000, 2, -9, freqs[i]!);
    assert.ok(Math.abs(mag[i]! - want.mag) < 1e-5, `mag at ${freqs[i]}`);
    const d = Math.atan2(Math.sin(ph[i]! - want.phase), Math.cos(ph[i]! - want.phase));
    assert.ok(Math.abs(d) < 1e-5, `phase at ${freqs[i]}`);
  }
  assert.ok(Math.abs(20 * Math.log10(mag[2]!) - -9) < 1e-4, 'peak gain = gain dB at f0');
  assert.ok(Number.isNaN(mag[5]) && Number.isNaN(ph[6]));
});

test('getFrequencyResponse argument errors', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const filter = ctx.createBiquadFilter();
  const a = new Float32Array(3);
  assert.throws(() => filter.getFrequencyResponse(a, new Float32Array(2), new Float32Array(3)), isDom('InvalidAccessError'));
  assert.throws(() => filter.getFrequencyResponse(a, new Float32Array(3), new Float32Array(4)), isDom('InvalidAccessError'));
  assert.throws(() => filter.getFrequencyResponse(a, new Float64Array(3), new Float32Array(3)), TypeError);
  assert.throws(() => filter.getFrequencyResponse([1, 2, 3], a, a), TypeError);
});

test('type attribute and options: invalid enum ignored on set, TypeError in options; param ranges', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const filter = new BiquadFilterNode(ctx, { type: 'notch' });
  assert.equal(filter.type, 'notch');
  filter.type = 'nonsense';
  assert.equal(filter.type, 'notch');
  filter.type = 'allpass';
  assert.equal(filter.type, 'allpass');
  assert.throws(() => new BiquadFilterNode(ctx, { type: 'band' }), TypeError);
  assert.throws(() => new BiquadFilterNode(ctx, { Q: NaN }), TypeError);
  assert.equal(filter.frequency.defaultValue, 350);
  assert.equal(filter.frequency.maxValue, SR / 2);
  assert.equal(filter.Q.defaultValue, 1);
  assert.ok(Math.abs(filter.gain.maxValue - 1541) < 1);
  assert.deepEqual(Object.keys(filter), []);
});

test('the filter keeps ringing after its input stops (tail), then goes quiet', async () => {
  const ctx = new OfflineAudioContext(1, 48000, SR);
  const src = ctx.createConstantSource();
  const filter = new BiquadFilterNode(ctx, { type: 'bandpass', frequency: 1000, Q: 30 });
  src.connect(filter).connect(ctx.destination);
  src.start(0);
  src.stop(256 / SR);
  const out = (await ctx.startRendering()).getChannelData(0);
  // y after the step ends: a decaying 1 kHz ring.
  let tail = 0;
  for (let i = 300; i < 600; i++) tail = Math.max(tail, Math.abs(out[i]!));
  assert.ok(tail > 1e-3, `tail ${tail}`);
  for (let i = 47000; i < 48000; i++) assert.ok(Math.abs(out[i]!) < 1e-6);
});

test('a-rate frequency automation: per-frame coefficients match a reference direct-form filter', async () => {
  const n = 2048;
  const ctx = new OfflineAudioContext(1, n, SR);
  const osc = ctx.createOscillator();
  osc.frequency.value = 2000;
  const filter = new BiquadFilterNode(ctx, { type: 'lowpass', Q: 6 });
  filter.frequency.setValueAtTime(500, 0);
  filter.frequency.linearRampToValueAtTime(8000, n / SR);
  osc.connect(filter).connect(ctx.destination);
  osc.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  // Reference: the spec's lowpass formulas evaluated per frame, run through y = (b.x - a.y) / a0.
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < n; i++) {
    const f0 = Math.fround(500 + 7500 * i / n);
    const w0 = 2 * Math.PI * f0 / SR;
    const alpha = Math.sin(w0) / (2 * 10 ** (6 / 20));
    const c = Math.cos(w0);
    const [b0, b1, b2, a0, a1, a2] = [(1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha];
    const x = Math.fround(Math.sin(2 * Math.PI * 2000 * i / SR));
    const y = (b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    assert.ok(Math.abs(out[i]! - y) < 1e-4, `i=${i}: ${out[i]} vs ${y}`);
  }
});

test('changing type during rendering switches the response from the next quantum', async () => {
  const n = 16384;
  const ctx = new OfflineAudioContext(1, n, SR);
  const osc = ctx.createOscillator();
  osc.frequency.value = 300;
  const filter = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 1000, Q: 0 });
  osc.connect(filter).connect(ctx.destination);
  osc.start();
  const switched = ctx.suspend(8192 / SR).then(() => {
    filter.type = 'highpass';
    return ctx.resume();
  });
  const out = (await ctx.startRendering()).getChannelData(0);
  await switched;
  const peak = (from: number, to: number): number => {
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, Math.abs(out[i]!));
    return m;
  };
  // Analytic |H| at 300 Hz for cutoff 1000 Hz, Q = 0 dB (alpha = sin(w0) / 2).
  const w0 = 2 * Math.PI * 1000 / SR;
  const w = 2 * Math.PI * 300 / SR;
  const alpha = Math.sin(w0) / 2;
  const mag = (b: number[]): number => {
    const a = [1 + alpha, -2 * Math.cos(w0), 1 - alpha];
    const ev = (c: number[]): number => Math.hypot(c[0]! + c[1]! * Math.cos(w) + c[2]! * Math.cos(2 * w), c[1]! * Math.sin(w) + c[2]! * Math.sin(2 * w));
    return ev(b) / ev(a);
  };
  const c = Math.cos(w0);
  const lp = mag([(1 - c) / 2, 1 - c, (1 - c) / 2]);
  const hp = mag([(1 + c) / 2, -(1 + c), (1 + c) / 2]);
  assert.ok(Math.abs(peak(6000, 8192) - lp) < 2e-3, `lowpass ${peak(6000, 8192)} vs ${lp}`);
  assert.ok(Math.abs(peak(14000, n) - hp) < 2e-3, `highpass ${peak(14000, n)} vs ${hp}`);
});
