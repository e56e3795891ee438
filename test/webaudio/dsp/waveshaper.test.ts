import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  HALF_BAND,
  WaveShaperChannel,
  shapeBlock,
  shapeSample,
  waveShaperLatencyFrames,
} from '../../../src/webaudio/dsp/waveshaper.js';
import { FFT } from '../../../src/media/fft.js';

describe('curve mapping', () => {
  test('values by hand from v = (N-1)/2 (x+1)', () => {
    const c = new Float32Array([0, 1]);
    assert.equal(shapeSample(0, c), 0.5); // v = 0.5: midway between the two centre values
    assert.equal(shapeSample(-1, c), 0);
    assert.equal(shapeSample(1, c), 1); // v = N - 1 takes the last value
    assert.equal(shapeSample(-3, c), 0);
    assert.equal(shapeSample(7, c), 1);
    const c3 = new Float32Array([4, -2, 10]);
    assert.equal(shapeSample(0, c3), -2); // odd length: x = 0 hits the centre value
    assert.equal(shapeSample(0.5, c3), 4); // v = 1.5: (-2 + 10) / 2
    assert.equal(shapeSample(-0.25, c3), 4 * 0.25 + -2 * 0.75); // v = 0.75
  });

  test('length-1 curve gives its only value; NaN input maps as 0; empty curve passes through', () => {
    assert.equal(shapeSample(0.3, new Float32Array([0.7])), Math.fround(0.7));
    assert.equal(shapeSample(-5, new Float32Array([0.7])), Math.fround(0.7));
    assert.equal(shapeSample(NaN, new Float32Array([1, 3, 9])), 3);
    assert.equal(shapeSample(0.25, new Float32Array(0)), 0.25);
    const out = new Float32Array(3);
    shapeBlock(new Float32Array([NaN, 2, -2]), out, 3, new Float32Array([1, 3, 9]));
    assert.deepEqual(Array.from(out), [3, 9, 1]);
  });

  test('shapeBlock equals shapeSample element-wise', () => {
    const curve = new Float32Array(17);
    for (let i = 0; i < 17; i++) curve[i] = Math.tanh(3 * (i / 8 - 1));
    const input = new Float32Array(200);
    for (let i = 0; i < 200; i++) input[i] = (i - 100) / 80;
    const out = new Float32Array(200);
    shapeBlock(input, out, 200, curve);
    for (let i = 0; i < 200; i++) assert.equal(out[i], Math.fround(shapeSample(input[i]!, curve)));
  });
});

describe('oversampling', () => {
  test('half-band filter: unit DC gain, zero at every second tap off centre', () => {
    let sum = 0;
    for (const h of HALF_BAND) sum += h;
    assert.ok(Math.abs(sum - 1) < 1e-12);
    const mid = (HALF_BAND.length - 1) / 2;
    for (let n = 0; n < HALF_BAND.length; n++) {
      if (n !== mid && (n - mid) % 2 === 0) assert.ok(Math.abs(HALF_BAND[n]!) < 1e-15, `tap ${n}`);
    }
  });

  for (const mode of ['2x', '4x'] as const) {
    test(`${mode} with an identity curve delays a band-limited signal by the reported latency`, () => {
      const latency = waveShaperLatencyFrames(mode);
      assert.ok(Number.isInteger(latency) && latency > 0);
      const n = 4096;
      const input = new Float32Array(n);
      for (let i = 0; i < n; i++) input[i] = 0.6 * Math.sin(2 * Math.PI * 1000 * i / 48000) + 0.3 * Math.sin(2 * Math.PI * 7000 * i / 48000 + 1);
      const out = new Float32Array(n);
      const ch = new WaveShaperChannel();
      const identity = new Float32Array([-1, 1]);
      for (let off = 0; off < n; off += 128) ch.process(input.subarray(off, off + 128), out.subarray(off, off + 128), 128, identity, mode);
      let maxErr = 0;
      for (let i = 500; i < n; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - input[i - latency]!));
      assert.ok(maxErr < 1e-3, `max error ${maxErr}`);
    });
  }

  test('oversampling reduces aliasing of a hard clipper', () => {
    const n = 8192;
    const bin = 1171; // f ~ 6861 Hz: harmonic aliases land between harmonic bins
    const input = new Float32Array(n);
    for (let i = 0; i < n; i++) input[i] = 3 * Math.sin(2 * Math.PI * bin * i / n);
    const clip = new Float32Array([-1, -1, 0, 1, 1]); // slope 2 in [-0.5, 0.5], clipped beyond
    const stray = (mode: 'none' | '2x' | '4x'): number => {
      const ch = new WaveShaperChannel();
      const out = new Float32Array(2 * n);
      const twice = new Float32Array(2 * n);
      twice.set(input);
      twice.set(input, n);
      for (let off = 0; off < 2 * n; off += 128) ch.process(twice.subarray(off, off + 128), out.subarray(off, off + 128), 128, clip, mode);
      // Analyse the second period, after the filters have settled.
      const re = Float64Array.from(out.subarray(n));
      const im = new Float64Array(n);
      FFT.forSize(n).transform(re, im);
      let s = 0, total = 0;
      for (let k = 1; k < n / 2; k++) {
        const e = re[k]! ** 2 + im[k]! ** 2;
        total += e;
        if (k % bin !== 0) s += e;
      }
      return s / total;
    };
    const none = stray('none');
    const x2 = stray('2x');
    const x4 = stray('4x');
    assert.ok(none > 1e-4, `clipping without oversampling should alias (${none})`);
    assert.ok(x2 < none / 2, `2x ${x2} vs none ${none}`);
    assert.ok(x4 < x2, `4x ${x4} vs 2x ${x2}`);
  });

  test('null curve passes through without delay even when oversampling is set', () => {
    const ch = new WaveShaperChannel();
    const input = new Float32Array([1, 2, 3, 4]);
    const out = new Float32Array(4);
    ch.process(input, out, 4, null, '4x');
    assert.deepEqual(Array.from(out), [1, 2, 3, 4]);
  });
});
