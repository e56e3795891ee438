// BiquadFilterNode kernel: coefficient formulas, frequency response and a
// block-processing filter with state. Pure math; no engine imports.
// webaudio#filters-characteristics

import { filterFrequencyResponse } from './frequency-response.js';

export type BiquadFilterType =
  | 'lowpass'
  | 'highpass'
  | 'bandpass'
  | 'lowshelf'
  | 'highshelf'
  | 'peaking'
  | 'notch'
  | 'allpass';

export const BIQUAD_FILTER_TYPES: readonly BiquadFilterType[] = [
  'lowpass', 'highpass', 'bandpass', 'lowshelf', 'highshelf', 'peaking', 'notch', 'allpass',
];

/** Number of normalised coefficients stored per set: b0, b1, b2, a1, a2 (all divided by a0). */
export const BIQUAD_COEFFS = 5;

/**
 * computedFrequency(t) = frequency(t) * pow(2, detune(t) / 1200), clamped to the compound
 * parameter's nominal range [0, Nyquist]. webaudio#computedfrequency, webaudio#nominal-range
 */
export function computedFrequency(frequency: number, detune: number, sampleRate: number): number {
  const f = detune === 0 ? frequency : frequency * Math.pow(2, detune / 1200);
  const nyquist = sampleRate / 2;
  if (!(f > 0)) return 0; // also maps NaN to 0
  return f > nyquist ? nyquist : f;
}

function set(out: Float64Array, o: number, b0: number, b1: number, b2: number, a1: number, a2: number): void {
  out[o] = b0;
  out[o + 1] = b1;
  out[o + 2] = b2;
  out[o + 3] = a1;
  out[o + 4] = a2;
}

/**
 * Writes the normalised coefficients (b0/a0, b1/a0, b2/a0, a1/a0, a2/a0) for one parameter set
 * into out[offset..offset+5). `frequency` is the computedFrequency in Hz (see computedFrequency()).
 *
 * The formulas are the spec's. At f0 = 0 and f0 = Nyquist they reduce to a ratio of identical
 * polynomials (or a zero numerator); those cases are written as the equivalent plain gain so that a
 * double pole on the unit circle is never run through the recursion. Where a formula is undefined
 * (Q = 0 for the linear-Q types gives alpha = infinity), its limit is used: bandpass 1, notch 0,
 * allpass -1, peaking A^2; lowpass/highpass with 10^(Q/20) underflowing likewise tend to 0.
 */
export function biquadCoefficients(
  type: BiquadFilterType,
  frequency: number,
  Q: number,
  gain: number,
  sampleRate: number,
  out: Float64Array,
  offset = 0,
): void {
  const nyquist = sampleRate / 2;
  const f0 = frequency > 0 ? (frequency < nyquist ? frequency : nyquist) : 0;
  // A = 10^(G/40)
  const A = Math.pow(10, gain / 40);
  if (f0 === 0 || f0 === nyquist) {
    const atZero = f0 === 0;
    let g: number;
    switch (type) {
      case 'lowpass': g = atZero ? 0 : 1; break;
      case 'highpass': g = atZero ? 1 : 0; break;
      case 'bandpass': g = 0; break;
      case 'lowshelf': g = atZero ? 1 : A * A; break;
      case 'highshelf': g = atZero ? A * A : 1; break;
      default: g = 1; // peaking, notch, allpass: numerator equals denominator
    }
    set(out, offset, g, 0, 0, 0, 0);
    return;
  }
  // w0 = 2 pi f0 / Fs
  const w0 = (2 * Math.PI * f0) / sampleRate;
  const cosW = Math.cos(w0);
  const sinW = Math.sin(w0);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
    case 'highpass': {
      // alpha_QdB = sin w0 / (2 * 10^(Q/20))
      const alpha = sinW / (2 * Math.pow(10, Q / 20));
      if (!Number.isFinite(alpha)) {
        set(out, offset, 0, 0, 0, 0, 0);
        return;
      }
      if (type === 'lowpass') {
        b0 = (1 - cosW) / 2;
        b1 = 1 - cosW;
        b2 = (1 - cosW) / 2;
      } else {
        b0 = (1 + cosW) / 2;
        b1 = -(1 + cosW);
        b2 = (1 + cosW) / 2;
      }
      a0 = 1 + alpha;
      a1 = -2 * cosW;
      a2 = 1 - alpha;
      break;
    }
    case 'bandpass':
    case 'notch':
    case 'allpass':
    case 'peaking': {
      // alpha_Q = sin w0 / (2Q)
      const alpha = sinW / (2 * Q);
      if (!Number.isFinite(alpha)) {
        const g = type === 'bandpass' ? 1 : type === 'notch' ? 0 : type === 'allpass' ? -1 : A * A;
        set(out, offset, g, 0, 0, 0, 0);
        return;
      }
      a1 = -2 * cosW;
      b1 = -2 * cosW;
      if (type === 'bandpass') {
        b0 = alpha;
        b1 = 0;
        b2 = -alpha;
        a0 = 1 + alpha;
        a2 = 1 - alpha;
      } else if (type === 'notch') {
        b0 = 1;
        b2 = 1;
        a0 = 1 + alpha;
        a2 = 1 - alpha;
      } else if (type === 'allpass') {
        b0 = 1 - alpha;
        b2 = 1 + alpha;
        a0 = 1 + alpha;
        a2 = 1 - alpha;
      } else {
        b0 = 1 + alpha * A;
        b2 = 1 - alpha * A;
        a0 = 1 + alpha / A;
        a2 = 1 - alpha / A;
      }
      break;
    }
    case 'lowshelf':
    case 'highshelf': {
      // S = 1, so alpha_S = sin w0 / 2 * sqrt((A + 1/A)(1/S - 1) + 2) = sin w0 / 2 * sqrt(2)
      const alphaS = (sinW / 2) * Math.SQRT2;
      const k = 2 * alphaS * Math.sqrt(A);
      if (type === 'lowshelf') {
        b0 = A * ((A + 1) - (A - 1) * cosW + k);
        b1 = 2 * A * ((A - 1) - (A + 1) * cosW);
        b2 = A * ((A + 1) - (A - 1) * cosW - k);
        a0 = (A + 1) + (A - 1) * cosW + k;
        a1 = -2 * ((A - 1) + (A + 1) * cosW);
        a2 = (A + 1) + (A - 1) * cosW - k;
      } else {
        b0 = A * ((A + 1) + (A - 1) * cosW + k);
        b1 = -2 * A * ((A - 1) + (A + 1) * cosW);
        b2 = A * ((A + 1) + (A - 1) * cosW - k);
        a0 = (A + 1) - (A - 1) * cosW + k;
        a1 = 2 * ((A - 1) - (A + 1) * cosW);
        a2 = (A + 1) - (A - 1) * cosW - k;
      }
      break;
    }
  }
  const inv = 1 / a0;
  set(out, offset, b0 * inv, b1 * inv, b2 * inv, a1 * inv, a2 * inv);
}

/**
 * Fills `out` (length >= BIQUAD_COEFFS * length) with one coefficient set per frame from a-rate
 * parameter arrays. Each parameter array has either `length` values or a single value (constant).
 * Consecutive frames with identical parameters reuse the previous set.
 */
export function biquadCoefficientsBlock(
  type: BiquadFilterType,
  frequency: Float32Array,
  detune: Float32Array,
  Q: Float32Array,
  gain: Float32Array,
  sampleRate: number,
  length: number,
  out: Float64Array,
): void {
  const fStep = frequency.length > 1 ? 1 : 0;
  const dStep = detune.length > 1 ? 1 : 0;
  const qStep = Q.length > 1 ? 1 : 0;
  const gStep = gain.length > 1 ? 1 : 0;
  let pf = NaN, pd = NaN, pq = NaN, pg = NaN;
  for (let i = 0; i < length; i++) {
    const f = frequency[i * fStep]!;
    const d = detune[i * dStep]!;
    const q = Q[i * qStep]!;
    const g = gain[i * gStep]!;
    const o = i * BIQUAD_COEFFS;
    if (i > 0 && f === pf && d === pd && q === pq && g === pg) {
      out.copyWithin(o, o - BIQUAD_COEFFS, o);
      continue;
    }
    biquadCoefficients(type, computedFrequency(f, d, sampleRate), q, g, sampleRate, out, o);
    pf = f; pd = d; pq = q; pg = g;
  }
}

/**
 * Magnitude and phase of H(e^{jw}) for one coefficient set at the given frequencies (Hz).
 * Frequencies outside [0, sampleRate/2] give NaN. webaudio#dom-biquadfilternode-getfrequencyresponse
 */
export function biquadFrequencyResponse(
  coeffs: Float64Array,
  offset: number,
  sampleRate: number,
  frequencyHz: Float32Array,
  magResponse: Float32Array,
  phaseResponse: Float32Array,
): void {
  respB[0] = coeffs[offset]!;
  respB[1] = coeffs[offset + 1]!;
  respB[2] = coeffs[offset + 2]!;
  respA[1] = coeffs[offset + 3]!;
  respA[2] = coeffs[offset + 4]!;
  filterFrequencyResponse(respB, respA, sampleRate, frequencyHz, magResponse, phaseResponse);
}

// The normalised biquad as a second-order rational filter: b0 + b1 z^-1 + b2 z^-2 over 1 + a1 z^-1 + a2 z^-2.
const respB = new Float64Array(3);
const respA = Float64Array.of(1, 0, 0);

/**
 * One channel of biquad state (direct form I, double precision). The initial state is 0
 * (webaudio#filters-characteristics).
 */
export class BiquadChannel {
  #x1 = 0;
  #x2 = 0;
  #y1 = 0;
  #y2 = 0;

  reset(): void {
    this.#x1 = this.#x2 = this.#y1 = this.#y2 = 0;
  }

  /** True when the state has decayed so far that further output with silent input is inaudible. */
  isSilent(threshold = 1e-9): boolean {
    return Math.abs(this.#x1) < threshold && Math.abs(this.#x2) < threshold &&
      Math.abs(this.#y1) < threshold && Math.abs(this.#y2) < threshold;
  }

  /**
   * Filters input[0..length) into output (which may be the same array). `coeffs` holds either a
   * single set (perFrame false) at offset 0 or one set per frame (BIQUAD_COEFFS values each).
   * a0 y(n) + a1 y(n-1) + a2 y(n-2) = b0 x(n) + b1 x(n-1) + b2 x(n-2), with a0 normalised to 1.
   * The sum is grouped so that y(n-1) enters last: the recursion's critical path is then one
   * multiply and one subtract per sample, and the other terms are computed alongside.
   */
  process(input: Float32Array, output: Float32Array, length: number, coeffs: Float64Array, perFrame: boolean): void {
    let x1 = this.#x1, x2 = this.#x2, y1 = this.#y1, y2 = this.#y2;
    if (!perFrame) {
      const b0 = coeffs[0]!, b1 = coeffs[1]!, b2 = coeffs[2]!, a1 = coeffs[3]!, a2 = coeffs[4]!;
      for (let i = 0; i < length; i++) {
        const x = input[i]!;
        const y = (b0 * x + b1 * x1) + (b2 * x2 - a2 * y2) - a1 * y1;
        x2 = x1; x1 = x;
        y2 = y1; y1 = y;
        output[i] = y;
      }
    } else {
      for (let i = 0, o = 0; i < length; i++, o += BIQUAD_COEFFS) {
        const x = input[i]!;
        const y = (coeffs[o]! * x + coeffs[o + 1]! * x1) + (coeffs[o + 2]! * x2 - coeffs[o + 4]! * y2) - coeffs[o + 3]! * y1;
        x2 = x1; x1 = x;
        y2 = y1; y1 = y;
        output[i] = y;
      }
    }
    // Flush values too small for float output so a decaying tail reaches exact zero.
    this.#x1 = Math.abs(x1) < 1e-30 ? 0 : x1;
    this.#x2 = Math.abs(x2) < 1e-30 ? 0 : x2;
    this.#y1 = Math.abs(y1) < 1e-30 ? 0 : y1;
    this.#y2 = Math.abs(y2) < 1e-30 ? 0 : y2;
  }
}
