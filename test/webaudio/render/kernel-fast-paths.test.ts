import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OscillatorKernel } from '../../../src/webaudio/dsp/oscillator.js';
import { WaveTableSet } from '../../../src/webaudio/dsp/periodic-wave.js';
import { BiquadChannel, biquadCoefficients } from '../../../src/webaudio/dsp/biquad.js';

const SR = 48000;
const QS = 128;

describe('oscillator constant-frequency blocks', () => {
  // The per-frame path (a frequency array) takes each frame's frequency separately; a block
  // whose frequency array holds one value takes the constant path. Both must give the same
  // samples and leave the same phase.
  for (const type of ['sine', 'sawtooth', 'square', 'triangle'] as const) {
    for (const f of [440, 5000.5, -330, 0, 24000, -24000, 30000]) {
      test(`${type} at ${f} Hz: constant blocks equal per-frame blocks over 40 quanta`, () => {
        const a = new OscillatorKernel(WaveTableSet.builtin(type));
        const b = new OscillatorKernel(WaveTableSet.builtin(type));
        a.reset(0.3);
        b.reset(0.3);
        const one = new Float32Array([f]);
        const perFrame = new Float32Array(QS).fill(f);
        const d1 = new Float32Array([0]);
        const dn = new Float32Array(QS);
        const oa = new Float32Array(QS);
        const ob = new Float32Array(QS);
        for (let q = 0; q < 40; q++) {
          a.process(oa, 0, QS, one, d1, SR);
          b.process(ob, 0, QS, perFrame, dn, SR);
          assert.deepEqual(oa, ob, `quantum ${q}`);
          assert.equal(a.phase, b.phase);
          assert.ok(a.phase >= 0 && a.phase < 1, `phase ${a.phase} in [0, 1)`);
        }
      });
    }
  }

  test('a constant sine block follows sin(2 pi (phase0 + f n / sr)) across quanta, rising and falling', () => {
    for (const f of [1000, -1000]) {
      const k = new OscillatorKernel(WaveTableSet.builtin('sine'));
      k.reset(0.25);
      const out = new Float32Array(QS);
      for (let q = 0; q < 20; q++) {
        k.process(out, 0, QS, new Float32Array([f]), new Float32Array([0]), SR);
        for (let i = 0; i < QS; i++) {
          const n = q * QS + i;
          const want = Math.sin(2 * Math.PI * (0.25 + (f * n) / SR));
          assert.ok(Math.abs(out[i]! - want) < 1e-5, `f ${f} n ${n}: ${out[i]} vs ${want}`);
        }
      }
    }
  });

  test('a partial block (offset, length) writes only its frames', () => {
    const k = new OscillatorKernel(WaveTableSet.builtin('sine'));
    const out = new Float32Array(QS).fill(7);
    k.process(out, 10, 20, new Float32Array([1200]), new Float32Array([0]), SR);
    for (let i = 0; i < QS; i++) {
      if (i < 10 || i >= 30) assert.equal(out[i], 7, `frame ${i} untouched`);
      else assert.ok(Math.abs(out[i]! - Math.sin((2 * Math.PI * 1200 * (i - 10)) / SR)) < 1e-6, `frame ${i}`);
    }
  });
});

describe('biquad direct-form loop', () => {
  test('matches the difference equation evaluated term by term in double precision', () => {
    for (const type of ['lowshelf', 'lowpass', 'peaking', 'highpass'] as const) {
      const coeffs = new Float64Array(5);
      biquadCoefficients(type, 400, 1, 6, SR, coeffs);
      const [b0, b1, b2, a1, a2] = coeffs as unknown as number[];
      const ch = new BiquadChannel();
      const x = new Float32Array(QS);
      const y = new Float32Array(QS);
      let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
      let s = 12345;
      for (let q = 0; q < 10; q++) {
        for (let i = 0; i < QS; i++) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          x[i] = s / 2 ** 31 - 1;
        }
        ch.process(x, y, QS, coeffs, false);
        for (let i = 0; i < QS; i++) {
          const want = b0! * x[i]! + b1! * x1 + b2! * x2 - a1! * y1 - a2! * y2;
          x2 = x1; x1 = x[i]!;
          y2 = y1; y1 = want;
          assert.ok(Math.abs(y[i]! - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${type} quantum ${q} frame ${i}: ${y[i]} vs ${want}`);
        }
      }
    }
  });
});
