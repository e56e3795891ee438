import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BIQUAD_FILTER_TYPES, biquadCoefficients, biquadFrequencyResponse } from '../../../src/webaudio/dsp/biquad.js';
import { shapeBlock } from '../../../src/webaudio/dsp/waveshaper.js';
import { stereoPan } from '../../../src/webaudio/dsp/stereo-panner.js';
import { compressionCurveDb } from '../../../src/webaudio/dsp/compressor.js';
import { AnalyserKernel, writeAnalyserInput } from '../../../src/webaudio/dsp/analyser.js';

const SR = 44100;
const freqArb = fc.double({ min: 1, max: SR / 2 - 1, noNaN: true });

test('allpass has |H| = 1 everywhere; every type gives finite coefficients over the nominal ranges', () => {
  fc.assert(fc.property(freqArb, fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: -40, max: 40, noNaN: true }), freqArb, (f0, Q, G, f) => {
    const c = new Float64Array(5);
    for (const type of BIQUAD_FILTER_TYPES) {
      biquadCoefficients(type, f0, Q, G, SR, c);
      for (const v of c) assert.ok(Number.isFinite(v), `${type} f0=${f0} Q=${Q} G=${G}`);
    }
    biquadCoefficients('allpass', f0, Q, G, SR, c);
    const mag = new Float32Array(1);
    biquadFrequencyResponse(c, 0, SR, Float32Array.of(f), mag, new Float32Array(1));
    assert.ok(Math.abs(mag[0]! - 1) < 1e-4, `|H| = ${mag[0]}`);
  }), { numRuns: 300 });
});

test('peaking filter: |H(f0)| = 10^(G/20) for any centre, Q and gain', () => {
  fc.assert(fc.property(fc.double({ min: 20, max: 20000, noNaN: true }), fc.double({ min: 0.1, max: 30, noNaN: true }), fc.double({ min: -30, max: 30, noNaN: true }), (f0, Q, G) => {
    const c = new Float64Array(5);
    biquadCoefficients('peaking', f0, Q, G, SR, c);
    const mag = new Float32Array(1);
    biquadFrequencyResponse(c, 0, SR, Float32Array.of(f0), mag, new Float32Array(1));
    assert.ok(Math.abs(20 * Math.log10(mag[0]!) - G) < 1e-3, `${20 * Math.log10(mag[0]!)} vs ${G}`);
  }), { numRuns: 300 });
});

test('wave shaping stays within the curve range and is monotonic for a monotonic curve', () => {
  const curveArb = fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 64 });
  fc.assert(fc.property(curveArb, fc.array(fc.float({ noNaN: false }), { minLength: 1, maxLength: 64 }), (values, xs) => {
    const curve = Float32Array.from(values);
    const input = Float32Array.from(xs);
    const out = new Float32Array(input.length);
    shapeBlock(input, out, input.length, curve);
    const lo = Math.min(...curve);
    const hi = Math.max(...curve);
    for (const y of out) assert.ok(y >= lo - 1e-6 && y <= hi + 1e-6, `${y} outside [${lo}, ${hi}]`);
    const sorted = Float32Array.from(values).sort();
    const ramp = Float32Array.from({ length: 41 }, (_, i) => -2 + i / 10);
    const r = new Float32Array(41);
    shapeBlock(ramp, r, 41, sorted);
    for (let i = 1; i < 41; i++) assert.ok(r[i]! >= r[i - 1]! - 1e-6);
  }), { numRuns: 300 });
});

test('mono panning preserves power: L^2 + R^2 = x^2 for any pan', () => {
  fc.assert(fc.property(fc.float({ min: -1, max: 1, noNaN: true }), fc.float({ min: -10, max: 10, noNaN: true }), (x, pan) => {
    const L = new Float32Array(1);
    const R = new Float32Array(1);
    stereoPan(Float32Array.of(x), null, Float32Array.of(pan), L, R, 1);
    assert.ok(Math.abs(L[0]! ** 2 + R[0]! ** 2 - x * x) < 1e-6);
  }), { numRuns: 300 });
});

test('compression curve is continuous and increasing for any threshold, knee and ratio', () => {
  fc.assert(fc.property(fc.double({ min: -100, max: 0, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 1, max: 20, noNaN: true }), (T, K, R) => {
    let prev = compressionCurveDb(-120, T, K, R);
    for (let x = -119.9; x < 30; x += 0.1) {
      const y = compressionCurveDb(x, T, K, R);
      assert.ok(y >= prev - 1e-9 && y - prev <= 0.1 + 1e-9, `x=${x}: ${prev} -> ${y}`);
      prev = y;
    }
  }), { numRuns: 200 });
});

test('byte data are always within 0..255, even for NaN and infinite samples', () => {
  fc.assert(fc.property(fc.array(fc.float(), { minLength: 32, maxLength: 64 }), fc.double({ min: -200, max: 0, noNaN: true }), (xs, min) => {
    const k = new AnalyserKernel();
    writeAnalyserInput(k.history, [Float32Array.from(xs)], xs.length);
    k.update(32, 0.5);
    const bytes = new Uint8Array(16);
    k.getByteFrequencyData(bytes, min, min + 30);
    const td = new Uint8Array(32);
    k.getByteTimeDomainData(32, td);
    const f = new Float32Array(16);
    k.getFloatFrequencyData(f);
    for (const v of f) assert.ok(!Number.isNaN(v));
    assert.ok(bytes.every((b) => b >= 0 && b <= 255) && td.every((b) => b >= 0 && b <= 255));
  }), { numRuns: 200 });
});
