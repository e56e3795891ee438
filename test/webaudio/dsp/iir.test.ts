import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { IIRChannel, IIRCoefficients, validateIIRCoefficients } from '../../../src/webaudio/dsp/iir.js';
import { BiquadChannel, biquadCoefficients } from '../../../src/webaudio/dsp/biquad.js';

describe('IIR validation', () => {
  test('lengths outside 1..20 are NotSupportedError, checked before contents', () => {
    assert.equal(validateIIRCoefficients([], [1])?.name, 'NotSupportedError');
    assert.equal(validateIIRCoefficients([1], [])?.name, 'NotSupportedError');
    assert.equal(validateIIRCoefficients(new Array(21).fill(1), [1])?.name, 'NotSupportedError');
    assert.equal(validateIIRCoefficients([1], new Array(21).fill(1))?.name, 'NotSupportedError');
    assert.equal(validateIIRCoefficients(new Array(21).fill(0), [0])?.name, 'NotSupportedError');
    assert.equal(validateIIRCoefficients(new Array(20).fill(1), new Array(20).fill(1)), null);
  });

  test('all-zero feedforward or feedback[0] = 0 is InvalidStateError', () => {
    assert.equal(validateIIRCoefficients([0, 0, 0], [1])?.name, 'InvalidStateError');
    assert.equal(validateIIRCoefficients([1], [0, 1])?.name, 'InvalidStateError');
    assert.match(validateIIRCoefficients([1], [0, 1])!.message, /feedback\[0\]/);
    assert.equal(validateIIRCoefficients([0, 1], [1, 0]), null);
  });
});

describe('IIR filter', () => {
  test('normalises by a0: y = (x + 0.5 y[n-1]) with feedback [2, -1] and feedforward [2]', () => {
    const c = new IIRCoefficients([2], [2, -1]);
    const ch = new IIRChannel(c);
    const out = new Float32Array(5);
    ch.process(new Float32Array([1, 0, 0, 0, 0]), out, 5);
    assert.deepEqual(Array.from(out), [1, 0.5, 0.25, 0.125, 0.0625]);
  });

  test('matches a biquad with the same coefficients sample for sample, across blocks', () => {
    const bq = new Float64Array(5);
    biquadCoefficients('peaking', 1200, 2, 9, 44100, bq);
    const iir = new IIRChannel(new IIRCoefficients([bq[0]!, bq[1]!, bq[2]!], [1, bq[3]!, bq[4]!]));
    const ref = new BiquadChannel();
    const n = 1000;
    const input = new Float32Array(n);
    for (let i = 0; i < n; i++) input[i] = Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.91);
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let off = 0; off < n; off += 100) {
      iir.process(input.subarray(off, off + 100), a.subarray(off, off + 100), 100);
      ref.process(input.subarray(off, off + 100), b.subarray(off, off + 100), 100, bq, false);
    }
    for (let i = 0; i < n; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6, `sample ${i}`);
  });

  test('a 20-tap FIR (feedback [1]) is a plain convolution', () => {
    const ff = Array.from({ length: 20 }, (_, k) => (k + 1) / 10);
    const ch = new IIRChannel(new IIRCoefficients(ff, [1]));
    const input = new Float32Array(50);
    input[3] = 1;
    input[10] = -2;
    const out = new Float32Array(50);
    ch.process(input, out, 50);
    for (let n = 0; n < 50; n++) {
      const want = (n - 3 >= 0 && n - 3 < 20 ? ff[n - 3]! : 0) - 2 * (n - 10 >= 0 && n - 10 < 20 ? ff[n - 10]! : 0);
      assert.ok(Math.abs(out[n]! - want) < 1e-6, `n=${n}: ${out[n]} vs ${want}`);
    }
  });

  test('frequency response: one-pole lowpass |H| = b0 / |1 - p e^{-jw}|, NaN out of range', () => {
    // y = 0.2 x + 0.8 y[n-1]
    const c = new IIRCoefficients([0.2], [1, -0.8]);
    const fs = 8000;
    const freqs = new Float32Array([0, 1000, 2000, 4000, -1, 4001]);
    const mag = new Float32Array(freqs.length);
    const phase = new Float32Array(freqs.length);
    c.frequencyResponse(fs, freqs, mag, phase);
    for (let i = 0; i < 4; i++) {
      const w = 2 * Math.PI * freqs[i]! / fs;
      const dr = 1 - 0.8 * Math.cos(w);
      const di = 0.8 * Math.sin(w);
      assert.ok(Math.abs(mag[i]! - 0.2 / Math.hypot(dr, di)) < 1e-6);
      assert.ok(Math.abs(phase[i]! - -Math.atan2(di, dr)) < 1e-6);
    }
    assert.ok(Number.isNaN(mag[4]) && Number.isNaN(phase[5]));
  });
});
