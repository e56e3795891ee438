import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FFT, isPowerOfTwo } from '../../src/media/fft.js';

function naiveDft(re: number[], im: number[], sign: number): [number[], number[]] {
  const n = re.length;
  const outR: number[] = [];
  const outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = sign * 2 * Math.PI * k * t / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outR.push(sr);
    outI.push(si);
  }
  return [outR, outI];
}

test('forward and inverse transforms equal the naive DFT for sizes 2..256', () => {
  for (let size = 2; size <= 256; size *= 2) {
    const re = Array.from({ length: size }, (_, i) => Math.sin(i * 1.3) + (i % 3) * 0.25);
    const im = Array.from({ length: size }, (_, i) => Math.cos(i * 0.7) - 0.1 * i / size);
    for (const sign of [-1, 1] as const) {
      const [wr, wi] = naiveDft(re, im, sign);
      const r = Float64Array.from(re);
      const i = Float64Array.from(im);
      FFT.forSize(size).transform(r, i, sign);
      for (let k = 0; k < size; k++) {
        assert.ok(Math.abs(r[k]! - wr[k]!) < 1e-9 && Math.abs(i[k]! - wi[k]!) < 1e-9, `size ${size} sign ${sign} bin ${k}`);
      }
    }
  }
});

test('a cosine at bin 5 of a 32768-point transform lands only in bins 5 and N-5', () => {
  const n = 32768;
  const r = new Float64Array(n);
  const i = new Float64Array(n);
  for (let t = 0; t < n; t++) r[t] = Math.cos(2 * Math.PI * 5 * t / n);
  FFT.forSize(n).transform(r, i);
  for (let k = 0; k < n; k++) {
    const want = k === 5 || k === n - 5 ? n / 2 : 0;
    assert.ok(Math.abs(Math.hypot(r[k]!, i[k]!) - want) < 1e-6, `bin ${k}`);
  }
});

test('isPowerOfTwo and size validation', () => {
  assert.equal(isPowerOfTwo(32768), true);
  assert.equal(isPowerOfTwo(48), false);
  assert.equal(isPowerOfTwo(0), false);
  assert.throws(() => new FFT(12), RangeError);
});
