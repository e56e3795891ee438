import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OscillatorKernel, computedOscFrequency } from '../../../src/webaudio/dsp/oscillator.js';
import { WaveTableSet, builtinWaveCoefficients } from '../../../src/webaudio/dsp/periodic-wave.js';
import { FFT } from '../../../src/media/fft.js';

const SR = 48000;

function render(kernel: OscillatorKernel, n: number, freq: number | Float32Array, detune = 0): Float32Array {
  const out = new Float32Array(n);
  const f = typeof freq === 'number' ? new Float32Array([freq]) : freq;
  const d = new Float32Array([detune]);
  for (let off = 0; off < n; off += 128) {
    const len = Math.min(128, n - off);
    kernel.process(out, off, len, f.length > 1 ? f : f, d, SR);
  }
  return out;
}

// Magnitude spectrum normalised so a unit-amplitude sine on a bin reads 1.
function spectrum(x: Float32Array): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  FFT.forSize(n).transform(re, im);
  const mag = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) mag[k] = (2 * Math.hypot(re[k]!, im[k]!)) / n;
  return mag;
}

describe('built-in coefficients', () => {
  test('match the spec series computed by hand for the first terms', () => {
    const sq = builtinWaveCoefficients('square', 6).imag;
    const pi = Math.PI;
    const want = [0, 4 / pi, 0, 4 / (3 * pi), 0, 4 / (5 * pi)];
    sq.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `square ${i}`));
    const saw = builtinWaveCoefficients('sawtooth', 4).imag;
    [0, 2 / pi, -1 / pi, 2 / (3 * pi)].forEach((w, i) => assert.ok(Math.abs(saw[i]! - w) < 1e-6, `saw ${i}`));
    const tri = builtinWaveCoefficients('triangle', 6).imag;
    [0, 8 / pi ** 2, 0, -8 / (9 * pi ** 2), 0, 8 / (25 * pi ** 2)].forEach((w, i) => assert.ok(Math.abs(tri[i]! - w) < 1e-6, `tri ${i}`));
    assert.deepEqual(Array.from(builtinWaveCoefficients('sine', 3).imag), [0, 1, 0]);
    assert.ok(builtinWaveCoefficients('square', 6).real.every((v) => v === 0));
  });
});

describe('oscillator kernel', () => {
  test('sine at 440 Hz equals Math.sin(2 pi 440 n / sr)', () => {
    const k = new OscillatorKernel(WaveTableSet.builtin('sine'));
    const out = render(k, 48000, 440);
    let maxErr = 0;
    for (let n = 0; n < out.length; n++) maxErr = Math.max(maxErr, Math.abs(out[n]! - Math.sin(2 * Math.PI * 440 * n / SR)));
    assert.ok(maxErr < 1e-6, `max error ${maxErr}`);
  });

  test('a high sine (15 kHz) is not attenuated by band-limiting', () => {
    const k = new OscillatorKernel(WaveTableSet.builtin('sine'));
    const out = render(k, 4800, 15000);
    let maxErr = 0;
    for (let n = 0; n < out.length; n++) maxErr = Math.max(maxErr, Math.abs(out[n]! - Math.sin(2 * Math.PI * 15000 * n / SR)));
    assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
  });

  test('detune and negative frequency follow computedOscFrequency', () => {
    assert.ok(Math.abs(computedOscFrequency(440, 1200, SR) - 880) < 1e-9);
    assert.equal(computedOscFrequency(30000, 0, SR), 24000);
    assert.equal(computedOscFrequency(-30000, 0, SR), -24000);
    assert.equal(computedOscFrequency(NaN, 0, SR), 0);
    const k = new OscillatorKernel();
    const out = render(k, 1000, -220, 1200);
    for (let n = 0; n < out.length; n++) assert.ok(Math.abs(out[n]! + Math.sin(2 * Math.PI * 440 * n / SR)) < 1e-6, `n=${n}`);
  });

  test('a-rate frequency: the phase is the running integral of the frequency', () => {
    const n = 2048;
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = 100 + i; // linear sweep
    const k = new OscillatorKernel();
    const out = new Float32Array(n);
    k.process(out, 0, n, f, new Float32Array([0]), SR);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(out[i]! - Math.sin(2 * Math.PI * phase)) < 1e-5, `i=${i}`);
      phase += f[i]! / SR;
    }
  });

  for (const type of ['square', 'sawtooth', 'triangle'] as const) {
    test(`${type}: energy only at harmonics below nyquist, fundamental = b[1] / normalisation`, () => {
      const n = 32768;
      const bin = 750; // f = bin * SR / n = 1098.6 Hz; aliases of higher partials would fall between harmonics
      const f0 = bin * SR / n;
      const wave = WaveTableSet.builtin(type);
      const out = render(new OscillatorKernel(wave), n, f0);
      const mag = spectrum(out);
      let total = 0, stray = 0;
      for (let k = 1; k < n / 2; k++) {
        const e = mag[k]! * mag[k]!;
        total += e;
        if (k % bin !== 0) stray += e;
      }
      assert.ok(stray / total < 1e-7, `non-harmonic energy ratio ${stray / total}`);
      const maxHarmonic = Math.floor(SR / 2 / f0);
      for (let h = maxHarmonic + 1; h * bin < n / 2; h++) assert.ok(mag[h * bin]! < 1e-5, `harmonic ${h} above nyquist present`);
      // Normalisation factor computed independently: the peak of the series with all partials a 4096-table holds.
      const b = builtinWaveCoefficients(type, 2048).imag;
      let peak = 0;
      for (let t = 0; t < 4096; t++) {
        let s = 0;
        for (let m = 1; m < 2048; m++) if (b[m] !== 0) s += b[m]! * Math.sin(2 * Math.PI * m * t / 4096);
        peak = Math.max(peak, Math.abs(s));
      }
      assert.ok(Math.abs(wave.normalizationFactor - peak) < 1e-6 * peak, `factor ${wave.normalizationFactor} vs ${peak}`);
      assert.ok(Math.abs(mag[bin]! - b[1]! / peak) < 1e-4, `fundamental ${mag[bin]} vs ${b[1]! / peak}`);
      if (type !== 'triangle') assert.ok(Math.abs(mag[3 * bin]! - b[3]! / peak) < 1e-4, 'third harmonic');
    });
  }

  test('sawtooth above a third of the sample rate is its fundamental alone (b[1] / normalisation)', () => {
    const wave = WaveTableSet.builtin('sawtooth');
    const f = 15000; // 2 f > nyquist: only partial 1 may sound
    const out = render(new OscillatorKernel(wave), 2400, f);
    const amp = (2 / Math.PI) / wave.normalizationFactor;
    for (let n = 0; n < out.length; n++) assert.ok(Math.abs(out[n]! - amp * Math.sin(2 * Math.PI * f * n / SR)) < 1e-5, `n=${n}`);
  });

  test('sawtooth at several frequencies has no partials above nyquist (no aliased energy between harmonics)', () => {
    const wave = WaveTableSet.builtin('sawtooth');
    const n = 4096;
    for (const bin of [37, 211, 555, 1100, 1500]) {
      const f0 = bin * SR / n;
      const out = render(new OscillatorKernel(wave), n, f0);
      const mag = spectrum(out);
      let total = 0, stray = 0;
      for (let k = 1; k < n / 2; k++) {
        const e = mag[k]! ** 2;
        total += e;
        if (k % bin !== 0) stray += e;
      }
      assert.ok(stray / total < 1e-7, `bin ${bin}: stray ratio ${stray / total}`);
    }
  });

  test('custom wave with normalisation disabled keeps the coefficient amplitudes', () => {
    const real = [0, 0.5, 0];
    const imag = [0, 0, 0.25];
    const wave = new WaveTableSet(real, imag, false);
    const out = render(new OscillatorKernel(wave), 4800, 100);
    for (let n = 0; n < out.length; n += 7) {
      const t = 100 * n / SR;
      const want = 0.5 * Math.cos(2 * Math.PI * t) + 0.25 * Math.sin(4 * Math.PI * t);
      assert.ok(Math.abs(out[n]! - want) < 1e-5, `n=${n}`);
    }
  });

  test('normalisation divides by the peak of the basic waveform', () => {
    // x = sin t + sin 2t peaks at 1.7602 (where cos t = (-1 + sqrt 33) / 8)
    const c = (-1 + Math.sqrt(33)) / 8;
    const s = Math.sqrt(1 - c * c);
    const peak = s + 2 * s * c;
    const wave = new WaveTableSet([0, 0, 0], [0, 1, 1], true);
    assert.ok(Math.abs(wave.normalizationFactor - peak) < 1e-5);
    const out = render(new OscillatorKernel(wave), 4800, 50);
    let max = 0;
    for (const v of out) max = Math.max(max, Math.abs(v));
    assert.ok(max <= 1 + 1e-6 && max > 0.999, `peak ${max}`);
    const silent = new WaveTableSet([0, 0], [0, 0], true);
    assert.ok(render(new OscillatorKernel(silent), 256, 440).every((v) => v === 0));
  });

  test('the DC term at index 0 is ignored', () => {
    const wave = new WaveTableSet([5, 0], [7, 1], false);
    const out = render(new OscillatorKernel(wave), 480, 1000);
    for (let n = 0; n < out.length; n++) assert.ok(Math.abs(out[n]! - Math.sin(2 * Math.PI * 1000 * n / SR)) < 1e-6);
  });
});
