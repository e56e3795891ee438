// AnalyserNode kernel: time-domain history, Blackman-windowed FFT, smoothing over time and the
// float/byte conversions. webaudio#AnalyserNode, webaudio#fft-windowing-and-smoothing-over-time

import { FFT, isPowerOfTwo } from '../../media/fft.js';

export const MIN_FFT_SIZE = 32;
export const MAX_FFT_SIZE = 32768;

export function isValidFftSize(n: number): boolean {
  return isPowerOfTwo(n) && n >= MIN_FFT_SIZE && n <= MAX_FFT_SIZE;
}

/**
 * Storage for the last MAX_FFT_SIZE down-mixed frames. `position` counts frames written (mod 2^32)
 * and is read/written with Atomics, so the arrays may live in SharedArrayBuffers: the render side
 * writes, the control side reads.
 */
export interface AnalyserHistory {
  samples: Float32Array;
  position: Int32Array;
}

export function createAnalyserHistory(shared = false): AnalyserHistory {
  const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
  return {
    samples: new Float32Array(new Buf(MAX_FFT_SIZE * 4)),
    position: new Int32Array(new Buf(4)),
  };
}

const MASK = MAX_FFT_SIZE - 1;

/**
 * Down-mixes to mono as channelCount 1, "max", "speakers" (webaudio#time-domain-down-mixing) and
 * appends to the history. Layouts without a speaker rule fall back to discrete (first channel).
 */
export function writeAnalyserInput(history: AnalyserHistory, channels: readonly Float32Array[], length: number): void {
  const samples = history.samples;
  const start = Atomics.load(history.position, 0);
  const n = channels.length;
  for (let i = 0; i < length; i++) {
    let v: number;
    if (n === 0) v = 0;
    else if (n === 2) v = 0.5 * (channels[0]![i]! + channels[1]![i]!);
    else if (n === 4) v = 0.25 * (channels[0]![i]! + channels[1]![i]! + channels[2]![i]! + channels[3]![i]!);
    else if (n === 6) {
      v = Math.SQRT1_2 * (channels[0]![i]! + channels[1]![i]!) + channels[2]![i]! + 0.5 * (channels[4]![i]! + channels[5]![i]!);
    } else v = channels[0]![i]!;
    samples[(start + i) & MASK] = v;
  }
  Atomics.store(history.position, 0, (start + length) | 0);
}

const windows = new Map<number, Float32Array>();

/** w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), alpha = 0.16. webaudio#blackman-window */
export function blackmanWindow(n: number): Float32Array {
  let w = windows.get(n);
  if (w === undefined) {
    const alpha = 0.16;
    const a0 = (1 - alpha) / 2;
    const a1 = 0.5;
    const a2 = alpha / 2;
    w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = a0 - a1 * Math.cos((2 * Math.PI * i) / n) + a2 * Math.cos((4 * Math.PI * i) / n);
    windows.set(n, w);
  }
  return w;
}

/**
 * Reads the history and produces the current time-domain and frequency data. One instance per
 * AnalyserNode; its buffers are sized once for the largest FFT.
 */
export class AnalyserKernel {
  readonly history: AnalyserHistory;
  readonly #re = new Float64Array(MAX_FFT_SIZE);
  readonly #im = new Float64Array(MAX_FFT_SIZE);
  /** X^_{-1}[k], the previous smoothed block. */
  readonly #smoothed = new Float64Array(MAX_FFT_SIZE / 2);
  /** Y[k] in dB for the last computation. */
  readonly #db = new Float32Array(MAX_FFT_SIZE / 2);
  #lastStamp: number | undefined;
  #lastFftSize = 0;

  constructor(history: AnalyserHistory = createAnalyserHistory()) {
    this.history = history;
  }

  /** Forget the previous block (fftSize changed): X^_{-1}[k] = 0. */
  resetSmoothing(): void {
    this.#smoothed.fill(0);
    this.#lastStamp = undefined;
  }

  /** Copies the most recent `fftSize` frames, oldest first, into out[0..min(out.length, fftSize)). */
  getFloatTimeDomainData(fftSize: number, out: Float32Array): void {
    const samples = this.history.samples;
    const end = Atomics.load(this.history.position, 0);
    const n = Math.min(out.length, fftSize);
    const start = end - fftSize;
    for (let i = 0; i < n; i++) out[i] = samples[(start + i) & MASK]!;
  }

  /** b[k] = floor(128 (1 + x[k])), clipped to [0, 255]. webaudio#dom-analysernode-getbytetimedomaindata */
  getByteTimeDomainData(fftSize: number, out: Uint8Array): void {
    const samples = this.history.samples;
    const end = Atomics.load(this.history.position, 0);
    const n = Math.min(out.length, fftSize);
    const start = end - fftSize;
    for (let i = 0; i < n; i++) out[i] = toByte(Math.floor(128 * (1 + samples[(start + i) & MASK]!)));
  }

  /**
   * Computes the current frequency data (window, FFT, smoothing, dB) unless it was already
   * computed for the same `stamp` (e.g. the render quantum's frame) and fftSize, in which case the
   * previous data stand. webaudio#dom-analysernode-getfloatfrequencydata
   */
  update(fftSize: number, smoothingTimeConstant: number, stamp?: number): void {
    if (fftSize !== this.#lastFftSize) {
      if (this.#lastFftSize !== 0) this.#smoothed.fill(0);
      this.#lastFftSize = fftSize;
    } else if (stamp !== undefined && stamp === this.#lastStamp) {
      return;
    }
    this.#lastStamp = stamp;
    const re = this.#re;
    const im = this.#im;
    const samples = this.history.samples;
    const end = Atomics.load(this.history.position, 0);
    const start = end - fftSize;
    const w = blackmanWindow(fftSize);
    // 1-2: current time-domain data, windowed.
    for (let i = 0; i < fftSize; i++) {
      re[i] = samples[(start + i) & MASK]! * w[i]!;
      im[i] = 0;
    }
    // 3: X[k] = 1/N sum x^[n] W_N^{-kn}
    FFT.forSize(fftSize).transform(re, im, -1);
    const tau = smoothingTimeConstant;
    const smoothed = this.#smoothed;
    const db = this.#db;
    const scale = 1 / fftSize;
    const bins = fftSize / 2;
    for (let k = 0; k < bins; k++) {
      const mag = Math.hypot(re[k]!, im[k]!) * scale;
      // 4: X^[k] = tau X^_{-1}[k] + (1 - tau) |X[k]|; non-finite -> 0
      let s = tau * smoothed[k]! + (1 - tau) * mag;
      if (!Number.isFinite(s)) s = 0;
      smoothed[k] = s;
      // 5: Y[k] = 20 log10 X^[k]
      db[k] = 20 * Math.log10(s);
    }
  }

  /** Copies Y[k] for k < min(out.length, frequencyBinCount). Call update() first. */
  getFloatFrequencyData(out: Float32Array): void {
    const n = Math.min(out.length, this.#lastFftSize / 2);
    for (let i = 0; i < n; i++) out[i] = this.#db[i]!;
  }

  /**
   * b[k] = floor(255 / (dBmax - dBmin) * (Y[k] - dBmin)), clipped to [0, 255].
   * webaudio#dom-analysernode-getbytefrequencydata
   */
  getByteFrequencyData(out: Uint8Array, minDecibels: number, maxDecibels: number): void {
    const n = Math.min(out.length, this.#lastFftSize / 2);
    const scale = 255 / (maxDecibels - minDecibels);
    for (let i = 0; i < n; i++) out[i] = toByte(Math.floor(scale * (this.#db[i]! - minDecibels)));
  }
}

function toByte(v: number): number {
  if (v > 255) return 255;
  if (v >= 0) return v;
  return 0; // negative, -Infinity or NaN
}
