import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFFT } from '../../src/media/fft.js';

/** Direct DFT of a real sequence, bins 0..N/2. */
function realDft(x: Float64Array): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += x[t]! * Math.cos(a);
      si += x[t]! * Math.sin(a);
    }
    re.push(sr);
    im.push(si);
  }
  return { re, im };
}

function signal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  return x;
}

test('RealFFT.forward equals the direct DFT for sizes 4..512', () => {
  for (let n = 4; n <= 512; n *= 2) {
    const x = signal(n, n);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    new RealFFT(n).forward(x, re, im);
    const ref = realDft(x);
    for (let k = 0; k <= n / 2; k++) {
      assert.ok(Math.abs(re[k]! - ref.re[k]!) < 1e-9 * n, `n=${n} re[${k}]`);
      assert.ok(Math.abs(im[k]! - ref.im[k]!) < 1e-9 * n, `n=${n} im[${k}]`);
    }
  }
});

test('RealFFT.inverse undoes forward, and a spectral product is a circular convolution', () => {
  for (let n = 4; n <= 1024; n *= 2) {
    const f = new RealFFT(n);
    const a = signal(n, 3 * n + 1);
    const b = signal(n, 5 * n + 7);
    const ar = new Float64Array(n / 2 + 1);
    const ai = new Float64Array(n / 2 + 1);
    const br = new Float64Array(n / 2 + 1);
    const bi = new Float64Array(n / 2 + 1);
    f.forward(a, ar, ai);
    f.forward(b, br, bi);
    const back = new Float64Array(n);
    f.inverse(ar, ai, back);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(back[i]! - a[i]!) < 1e-12, `n=${n} round trip at ${i}`);
    for (let k = 0; k <= n / 2; k++) {
      const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
      const im = ar[k]! * bi[k]! + ai[k]! * br[k]!;
      ar[k] = r;
      ai[k] = im;
    }
    f.inverse(ar, ai, back);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[j]! * b[(i - j + n) % n]!;
      assert.ok(Math.abs(back[i]! - s) < 1e-10 * n, `n=${n} circular convolution at ${i}`);
    }
  }
});

test('RealFFT rejects sizes that are not a power of two >= 4', () => {
  for (const n of [0, 2, 3, 6, 100, 1.5]) assert.throws(() => new RealFFT(n), RangeError);
});
