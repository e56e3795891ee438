// In-place iterative radix-2 complex FFT on split real/imaginary Float64Arrays.
// Twiddles and the bit-reversal permutation are computed once per size so that
// transform() allocates nothing.

const plans = new Map<number, FFT>();

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export class FFT {
  readonly size: number;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #rev: Uint32Array;

  /** A shared plan for `size`; plans hold only read-only tables, so sharing is safe. */
  static forSize(size: number): FFT {
    let plan = plans.get(size);
    if (plan === undefined) {
      plan = new FFT(size);
      plans.set(size, plan);
    }
    return plan;
  }

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 2) throw new RangeError(`FFT size must be a power of two >= 2, got ${size}`);
    this.size = size;
    const half = size >> 1;
    this.#cos = new Float64Array(half);
    this.#sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (2 * Math.PI * k) / size;
      this.#cos[k] = Math.cos(a);
      this.#sin[k] = Math.sin(a);
    }
    const bits = Math.log2(size);
    this.#rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#rev[i] = r;
    }
  }

  /**
   * Unnormalised transform. sign = -1: X[k] = sum x[n] e^{-2 pi i k n / N} (forward);
   * sign = +1: the inverse kernel e^{+2 pi i k n / N} without the 1/N factor.
   */
  transform(re: Float64Array, im: Float64Array, sign: -1 | 1 = -1): void {
    const n = this.size;
    const rev = this.#rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    const cosT = this.#cos;
    const sinT = this.#sin;
    for (let len = 2; len <= n; len <<= 1) {
      const halfLen = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < halfLen; k++) {
          const wr = cosT[k * step]!;
          const wi = sign * sinT[k * step]!;
          const a = start + k;
          const b = a + halfLen;
          const br = re[b]!;
          const bi = im[b]!;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
  }
}

/**
 * Transform of a real sequence of even length N through one complex FFT of N/2 points: the
 * even samples go in the real part and the odd samples in the imaginary part, and the two
 * half-length spectra are separated and combined with the N-point twiddles. Only bins 0..N/2
 * are produced (the rest follow by conjugate symmetry). Each instance owns its scratch, so an
 * instance must not be shared by code that can interleave calls; transforms allocate nothing.
 */
export class RealFFT {
  readonly size: number;
  readonly #half: FFT;
  /** cos / sin of 2 pi k / N for k = 0..N/2 - 1. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #zr: Float64Array;
  readonly #zi: Float64Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 4) throw new RangeError(`real FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    const m = size >> 1;
    this.#half = FFT.forSize(m);
    this.#cos = new Float64Array(m);
    this.#sin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const a = (2 * Math.PI * k) / size;
      this.#cos[k] = Math.cos(a);
      this.#sin[k] = Math.sin(a);
    }
    this.#zr = new Float64Array(m);
    this.#zi = new Float64Array(m);
  }

  /**
   * X[k] = sum_n x[n] e^{-2 pi i k n / N} for k = 0..N/2. `x` holds N samples; `re` and `im`
   * receive N/2 + 1 values.
   */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void {
    const m = this.size >> 1;
    const zr = this.#zr;
    const zi = this.#zi;
    for (let n = 0; n < m; n++) {
      zr[n] = x[2 * n]!;
      zi[n] = x[2 * n + 1]!;
    }
    this.#half.transform(zr, zi, -1);
    const cosT = this.#cos;
    const sinT = this.#sin;
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[m] = zr[0]! - zi[0]!;
    im[m] = 0;
    for (let k = 1; k < m; k++) {
      const j = m - k;
      // Spectrum of the even samples E and of the odd samples O at bin k.
      const er = 0.5 * (zr[k]! + zr[j]!);
      const ei = 0.5 * (zi[k]! - zi[j]!);
      const or = 0.5 * (zi[k]! + zi[j]!);
      const oi = -0.5 * (zr[k]! - zr[j]!);
      // X[k] = E[k] + e^{-2 pi i k / N} O[k]
      const c = cosT[k]!;
      const s = sinT[k]!;
      re[k] = er + c * or + s * oi;
      im[k] = ei + c * oi - s * or;
    }
  }

  /**
   * The inverse of forward(), 1/N included: from bins 0..N/2 of a conjugate-symmetric spectrum
   * writes the N real samples to `x`.
   */
  inverse(re: Float64Array, im: Float64Array, x: Float64Array): void {
    const m = this.size >> 1;
    const zr = this.#zr;
    const zi = this.#zi;
    const cosT = this.#cos;
    const sinT = this.#sin;
    const h = 0.5 / m;
    for (let k = 0; k < m; k++) {
      const j = m - k;
      const ar = re[k]!;
      const ai = im[k]!;
      const br = re[j]!;
      const bi = im[j]!;
      // E[k] = (X[k] + conj X[M-k]) / 2, O[k] = (X[k] - conj X[M-k]) e^{+2 pi i k / N} / 2.
      const er = (ar + br) * h;
      const ei = (ai - bi) * h;
      const dr = (ar - br) * h;
      const di = (ai + bi) * h;
      const c = cosT[k]!;
      const s = sinT[k]!;
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      // Z[k] = E[k] + i O[k]
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.#half.transform(zr, zi, 1);
    for (let n = 0; n < m; n++) {
      x[2 * n] = zr[n]!;
      x[2 * n + 1] = zi[n]!;
    }
  }
}
