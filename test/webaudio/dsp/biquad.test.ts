import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BIQUAD_COEFFS,
  BIQUAD_FILTER_TYPES,
  BiquadChannel,
  type BiquadFilterType,
  biquadCoefficients,
  biquadCoefficientsBlock,
  biquadFrequencyResponse,
  computedFrequency,
} from '../../../src/webaudio/dsp/biquad.js';

// Reference: the spec's unnormalised coefficient table, typed out term by term.
function reference(type: BiquadFilterType, f0: number, Q: number, G: number, Fs: number): number[] {
  const A = 10 ** (G / 40);
  const w0 = 2 * Math.PI * f0 / Fs;
  const aQ = Math.sin(w0) / (2 * Q);
  const aQdB = Math.sin(w0) / (2 * 10 ** (Q / 20));
  const aS = Math.sin(w0) / 2 * Math.sqrt((A + 1 / A) * (1 / 1 - 1) + 2);
  const c = Math.cos(w0);
  const sA = Math.sqrt(A);
  switch (type) {
    case 'lowpass': return [(1 - c) / 2, 1 - c, (1 - c) / 2, 1 + aQdB, -2 * c, 1 - aQdB];
    case 'highpass': return [(1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + aQdB, -2 * c, 1 - aQdB];
    case 'bandpass': return [aQ, 0, -aQ, 1 + aQ, -2 * c, 1 - aQ];
    case 'notch': return [1, -2 * c, 1, 1 + aQ, -2 * c, 1 - aQ];
    case 'allpass': return [1 - aQ, -2 * c, 1 + aQ, 1 + aQ, -2 * c, 1 - aQ];
    case 'peaking': return [1 + aQ * A, -2 * c, 1 - aQ * A, 1 + aQ / A, -2 * c, 1 - aQ / A];
    case 'lowshelf': return [
      A * ((A + 1) - (A - 1) * c + 2 * aS * sA), 2 * A * ((A - 1) - (A + 1) * c), A * ((A + 1) - (A - 1) * c - 2 * aS * sA),
      (A + 1) + (A - 1) * c + 2 * aS * sA, -2 * ((A - 1) + (A + 1) * c), (A + 1) + (A - 1) * c - 2 * aS * sA,
    ];
    case 'highshelf': return [
      A * ((A + 1) + (A - 1) * c + 2 * aS * sA), -2 * A * ((A - 1) + (A + 1) * c), A * ((A + 1) + (A - 1) * c - 2 * aS * sA),
      (A + 1) - (A - 1) * c + 2 * aS * sA, 2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - 2 * aS * sA,
    ];
  }
}

// H(e^{jw}) evaluated directly from unnormalised coefficients with complex arithmetic.
function responseAt(c: number[], f: number, Fs: number): { mag: number; phase: number } {
  const w = 2 * Math.PI * f / Fs;
  const poly = (p0: number, p1: number, p2: number): [number, number] =>
    [p0 + p1 * Math.cos(-w) + p2 * Math.cos(-2 * w), p1 * Math.sin(-w) + p2 * Math.sin(-2 * w)];
  const [nr, ni] = poly(c[0]!, c[1]!, c[2]!);
  const [dr, di] = poly(c[3]!, c[4]!, c[5]!);
  const mag = Math.hypot(nr, ni) / Math.hypot(dr, di);
  const phase = Math.atan2(ni, nr) - Math.atan2(di, dr);
  return { mag, phase: Math.atan2(Math.sin(phase), Math.cos(phase)) };
}

const FS = 48000;
const cases: Array<[number, number, number]> = [[350, 1, 0], [1000, 4, 6], [5000, 0.5, -12], [12000, 10, 3], [100, 2.5, 18]];

describe('biquad coefficients', () => {
  for (const type of BIQUAD_FILTER_TYPES) {
    test(`${type} coefficients match the spec formulas, normalised by a0`, () => {
      const out = new Float64Array(BIQUAD_COEFFS);
      for (const [f, Q, G] of cases) {
        biquadCoefficients(type, f, Q, G, FS, out);
        const r = reference(type, f, Q, G, FS);
        const a0 = r[3]!;
        const expected = [r[0]! / a0, r[1]! / a0, r[2]! / a0, r[4]! / a0, r[5]! / a0];
        for (let i = 0; i < 5; i++) assert.ok(Math.abs(out[i]! - expected[i]!) < 1e-6, `${type} f=${f} Q=${Q} G=${G} coef ${i}: ${out[i]} vs ${expected[i]}`);
      }
    });
  }

  test('computedFrequency applies detune in cents and clamps to [0, nyquist]', () => {
    assert.ok(Math.abs(computedFrequency(1000, 1200, FS) - 2000) < 1e-9);
    assert.ok(Math.abs(computedFrequency(1000, -1200, FS) - 500) < 1e-9);
    assert.ok(Math.abs(computedFrequency(440, 100, FS) - 440 * 2 ** (1 / 12)) < 1e-9);
    assert.equal(computedFrequency(30000, 0, FS), 24000);
    assert.equal(computedFrequency(-5, 0, FS), 0);
    assert.equal(computedFrequency(NaN, 0, FS), 0);
  });

  test('frequency 0 and nyquist give the plain gains the formulas reduce to', () => {
    const out = new Float64Array(5);
    const gainOf = (type: BiquadFilterType, f: number, G = 0): number => {
      biquadCoefficients(type, f, 1, G, FS, out);
      assert.deepEqual([out[1], out[2], out[3], out[4]], [0, 0, 0, 0]);
      return out[0]!;
    };
    assert.equal(gainOf('lowpass', 0), 0);
    assert.equal(gainOf('lowpass', 24000), 1);
    assert.equal(gainOf('highpass', 0), 1);
    assert.equal(gainOf('highpass', 24000), 0);
    assert.equal(gainOf('bandpass', 0), 0);
    assert.equal(gainOf('notch', 24000), 1);
    assert.equal(gainOf('allpass', 0), 1);
    // Shelves: at f0 = 0 a lowshelf shelves nothing, a highshelf shelves everything (A^2 = 10^(G/20)).
    assert.equal(gainOf('lowshelf', 0, 12), 1);
    assert.ok(Math.abs(gainOf('highshelf', 0, 12) - 10 ** (12 / 20)) < 1e-12);
    assert.ok(Math.abs(gainOf('lowshelf', 24000, -6) - 10 ** (-6 / 20)) < 1e-12);
  });

  test('Q = 0 uses the limit of the formulas', () => {
    const out = new Float64Array(5);
    const expect: Array<[BiquadFilterType, number]> = [['bandpass', 1], ['notch', 0], ['allpass', -1], ['peaking', 10 ** (6 / 20)]];
    for (const [type, g] of expect) {
      biquadCoefficients(type, 1000, 0, 6, FS, out);
      assert.ok(Math.abs(out[0]! - g) < 1e-12, `${type}: ${out[0]}`);
      assert.deepEqual([out[1], out[2], out[3], out[4]], [0, 0, 0, 0]);
    }
  });

  test('block coefficients follow a-rate arrays and accept single-value constants', () => {
    const n = 4;
    const freq = new Float32Array([100, 200, 200, 400]);
    const out = new Float64Array(n * BIQUAD_COEFFS);
    biquadCoefficientsBlock('peaking', freq, new Float32Array([1200]), new Float32Array([2]), new Float32Array([3]), FS, n, out);
    const one = new Float64Array(5);
    for (let i = 0; i < n; i++) {
      biquadCoefficients('peaking', freq[i]! * 2, 2, 3, FS, one);
      for (let k = 0; k < 5; k++) assert.ok(Math.abs(out[i * 5 + k]! - one[k]!) < 1e-12);
    }
  });
});

describe('biquad frequency response', () => {
  for (const type of BIQUAD_FILTER_TYPES) {
    test(`${type} response equals H(e^jw) evaluated directly`, () => {
      const coeffs = new Float64Array(5);
      const freqs = new Float32Array([0, 20, 100, 440, 1000, 3000, 9000, 15000, 23999, 24000]);
      const mag = new Float32Array(freqs.length);
      const phase = new Float32Array(freqs.length);
      for (const [f0, Q, G] of cases) {
        biquadCoefficients(type, f0, Q, G, FS, coeffs);
        biquadFrequencyResponse(coeffs, 0, FS, freqs, mag, phase);
        const r = reference(type, f0, Q, G, FS);
        for (let i = 0; i < freqs.length; i++) {
          const want = responseAt(r, freqs[i]!, FS);
          assert.ok(Math.abs(mag[i]! - want.mag) < 1e-6 * Math.max(1, want.mag), `${type} mag at ${freqs[i]}: ${mag[i]} vs ${want.mag}`);
          if (want.mag > 1e-6) {
            let d = Math.abs(phase[i]! - want.phase);
            d = Math.min(d, Math.abs(d - 2 * Math.PI));
            assert.ok(d < 1e-5, `${type} phase at ${freqs[i]}: ${phase[i]} vs ${want.phase}`);
          }
        }
      }
    });
  }

  test('frequencies outside [0, nyquist] give NaN', () => {
    const coeffs = new Float64Array(5);
    biquadCoefficients('lowpass', 1000, 1, 0, FS, coeffs);
    const freqs = new Float32Array([-1, 24001, NaN, 500]);
    const mag = new Float32Array(4);
    const phase = new Float32Array(4);
    biquadFrequencyResponse(coeffs, 0, FS, freqs, mag, phase);
    for (let i = 0; i < 3; i++) {
      assert.ok(Number.isNaN(mag[i]) && Number.isNaN(phase[i]), `index ${i}`);
    }
    assert.ok(Number.isFinite(mag[3]));
  });

  test('lowshelf is gain dB at DC and 0 dB at nyquist; highshelf the reverse', () => {
    const coeffs = new Float64Array(5);
    const freqs = new Float32Array([0, 24000]);
    const mag = new Float32Array(2);
    const phase = new Float32Array(2);
    for (const G of [-18, 6, 12]) {
      biquadCoefficients('lowshelf', 800, 1, G, FS, coeffs);
      biquadFrequencyResponse(coeffs, 0, FS, freqs, mag, phase);
      assert.ok(Math.abs(20 * Math.log10(mag[0]!) - G) < 1e-4, `lowshelf DC ${mag[0]}`);
      assert.ok(Math.abs(20 * Math.log10(mag[1]!)) < 1e-4, `lowshelf nyquist ${mag[1]}`);
      biquadCoefficients('highshelf', 800, 1, G, FS, coeffs);
      biquadFrequencyResponse(coeffs, 0, FS, freqs, mag, phase);
      assert.ok(Math.abs(20 * Math.log10(mag[0]!)) < 1e-4);
      assert.ok(Math.abs(20 * Math.log10(mag[1]!) - G) < 1e-4);
    }
  });
});

describe('biquad processing', () => {
  test('a filtered sine settles to amplitude |H| and phase arg H at its frequency', () => {
    const coeffs = new Float64Array(5);
    const fSig = 1500;
    for (const type of BIQUAD_FILTER_TYPES) {
      biquadCoefficients(type, 1000, 3, 6, FS, coeffs);
      const r = reference(type, 1000, 3, 6, FS);
      const { mag, phase } = responseAt(r, fSig, FS);
      const n = 48000;
      const input = new Float32Array(n);
      for (let i = 0; i < n; i++) input[i] = Math.sin(2 * Math.PI * fSig * i / FS);
      const output = new Float32Array(n);
      const ch = new BiquadChannel();
      for (let off = 0; off < n; off += 128) {
        ch.process(input.subarray(off, off + 128), output.subarray(off, off + 128), 128, coeffs, false);
      }
      // After the transient, y[i] = |H| sin(w i + arg H).
      let maxErr = 0;
      for (let i = n - 2000; i < n; i++) {
        const want = mag * Math.sin(2 * Math.PI * fSig * i / FS + phase);
        maxErr = Math.max(maxErr, Math.abs(output[i]! - want));
      }
      assert.ok(maxErr < 1e-5, `${type}: max error ${maxErr}`);
    }
  });

  test('per-frame coefficients equal to a constant set give the same output', () => {
    const coeffs = new Float64Array(5);
    biquadCoefficients('bandpass', 2000, 5, 0, FS, coeffs);
    const perFrame = new Float64Array(128 * 5);
    for (let i = 0; i < 128; i++) perFrame.set(coeffs, i * 5);
    const input = new Float32Array(128);
    for (let i = 0; i < 128; i++) input[i] = ((i * 7919) % 97) / 48 - 1;
    const a = new Float32Array(128);
    const b = new Float32Array(128);
    new BiquadChannel().process(input, a, 128, coeffs, false);
    new BiquadChannel().process(input, b, 128, perFrame, true);
    assert.deepEqual(a, b);
  });

  test('impulse response follows the difference equation computed by hand', () => {
    // b = (0.5, 0.25, 0), a1 = -0.5, a2 = 0: y0 = 0.5, y1 = 0.25 + 0.25 = 0.5, y2 = 0.25, y3 = 0.125
    const coeffs = new Float64Array([0.5, 0.25, 0, -0.5, 0]);
    const input = new Float32Array([1, 0, 0, 0]);
    const out = new Float32Array(4);
    new BiquadChannel().process(input, out, 4, coeffs, false);
    assert.deepEqual(Array.from(out), [0.5, 0.5, 0.25, 0.125]);
  });

  test('state decays to exact zero after a stable filter is fed silence', () => {
    const coeffs = new Float64Array(5);
    biquadCoefficients('lowpass', 1000, 0, 0, FS, coeffs);
    const ch = new BiquadChannel();
    const buf = new Float32Array(128).fill(1);
    ch.process(buf, buf, 128, coeffs, false);
    assert.equal(ch.isSilent(), false);
    const zero = new Float32Array(128);
    for (let i = 0; i < 200; i++) ch.process(zero, buf, 128, coeffs, false);
    assert.ok(ch.isSilent());
  });
});
