// IIRFilterNode kernel: coefficient validation, frequency response and a direct-form filter.
// webaudio#IIRFilterNode-filter-definition

import { filterFrequencyResponse } from './frequency-response.js';

export const MAX_IIR_COEFFICIENTS = 20;

export interface IIRCoefficientError {
  name: 'NotSupportedError' | 'InvalidStateError';
  message: string;
}

/**
 * Checks feedforward/feedback arrays per webaudio#dom-baseaudiocontext-createiirfilter and returns
 * the error to throw, or null when they are acceptable. Lengths are checked before contents.
 */
export function validateIIRCoefficients(feedforward: ArrayLike<number>, feedback: ArrayLike<number>): IIRCoefficientError | null {
  if (feedforward.length === 0 || feedforward.length > MAX_IIR_COEFFICIENTS) {
    return { name: 'NotSupportedError', message: `feedforward must have 1 to ${MAX_IIR_COEFFICIENTS} coefficients, got ${feedforward.length}` };
  }
  if (feedback.length === 0 || feedback.length > MAX_IIR_COEFFICIENTS) {
    return { name: 'NotSupportedError', message: `feedback must have 1 to ${MAX_IIR_COEFFICIENTS} coefficients, got ${feedback.length}` };
  }
  let allZero = true;
  for (let i = 0; i < feedforward.length; i++) if (feedforward[i] !== 0) { allZero = false; break; }
  if (allZero) return { name: 'InvalidStateError', message: 'feedforward coefficients must not all be zero' };
  if (feedback[0] === 0) return { name: 'InvalidStateError', message: 'feedback[0] must not be zero' };
  return null;
}

/** Coefficients normalised so that a0 = 1; shared read-only by all channels of one node. */
export class IIRCoefficients {
  readonly b: Float64Array;
  readonly a: Float64Array;

  /** Callers validate first with validateIIRCoefficients(). */
  constructor(feedforward: ArrayLike<number>, feedback: ArrayLike<number>) {
    const a0 = feedback[0]!;
    this.b = new Float64Array(feedforward.length);
    this.a = new Float64Array(feedback.length);
    for (let i = 0; i < feedforward.length; i++) this.b[i] = feedforward[i]! / a0;
    for (let i = 0; i < feedback.length; i++) this.a[i] = feedback[i]! / a0;
  }

  /**
   * H(z) = sum b_m z^-m / sum a_n z^-n at z = e^{j 2 pi f / Fs}; NaN outside [0, Fs/2].
   * webaudio#dom-iirfilternode-getfrequencyresponse
   */
  frequencyResponse(sampleRate: number, frequencyHz: Float32Array, magResponse: Float32Array, phaseResponse: Float32Array): void {
    filterFrequencyResponse(this.b, this.a, sampleRate, frequencyHz, magResponse, phaseResponse);
  }

}

const HISTORY = 32; // power of two >= MAX_IIR_COEFFICIENTS
const MASK = HISTORY - 1;

/** One channel of IIR state; the initial state is all zeroes. */
export class IIRChannel {
  readonly #coeffs: IIRCoefficients;
  readonly #x = new Float64Array(HISTORY);
  readonly #y = new Float64Array(HISTORY);
  #pos = 0;

  constructor(coeffs: IIRCoefficients) {
    this.#coeffs = coeffs;
  }

  reset(): void {
    this.#x.fill(0);
    this.#y.fill(0);
    this.#pos = 0;
  }

  isSilent(threshold = 1e-9): boolean {
    for (let i = 0; i < HISTORY; i++) {
      if (Math.abs(this.#x[i]!) >= threshold || Math.abs(this.#y[i]!) >= threshold) return false;
    }
    return true;
  }

  /** y(n) = sum_k b_k x(n-k) - sum_{k>=1} a_k y(n-k), with a0 = 1. output may alias input. */
  process(input: Float32Array, output: Float32Array, length: number): void {
    const { b, a } = this.#coeffs;
    const xs = this.#x, ys = this.#y;
    const nb = b.length, na = a.length;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) {
      const x = input[i]!;
      xs[pos] = x;
      let acc = 0;
      for (let k = 0; k < nb; k++) acc += b[k]! * xs[(pos - k) & MASK]!;
      for (let k = 1; k < na; k++) acc -= a[k]! * ys[(pos - k) & MASK]!;
      if (Math.abs(acc) < 1e-30) acc = 0;
      ys[pos] = acc;
      output[i] = acc;
      pos = (pos + 1) & MASK;
    }
    this.#pos = pos;
  }
}
