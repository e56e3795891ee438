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
