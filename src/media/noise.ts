/**
 * Loopable noise: a block made in the frequency domain (a chosen magnitude per bin, random phases,
 * inverse FFT), so it is exactly periodic and repeats without a click. Pink noise has equal power
 * per octave (magnitude 1/sqrt(f)); white noise has equal power per hertz. Deterministic for a
 * given seed.
 */
import { FFT } from './fft.js';

export type NoiseColor = 'pink' | 'white';

export interface NoiseOptions {
  /** Length in samples, a power of two. */
  readonly length: number;
  readonly sampleRate: number;
  readonly color?: NoiseColor;
  /** RMS level of the result in dBFS (default -24). */
  readonly rmsDb?: number;
  /** Lowest frequency present, in Hz (default 20). */
  readonly lowHz?: number;
  /** Seed of the phase generator (same seed, same noise). */
  readonly seed?: number;
}

/** mulberry32: a small deterministic PRNG returning [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function noiseBlock(opts: NoiseOptions): Float32Array {
  const { length: n, sampleRate } = opts;
  const pink = (opts.color ?? 'pink') === 'pink';
  const rmsDb = opts.rmsDb ?? -24;
  const lowHz = opts.lowHz ?? 20;
  const rand = random(opts.seed ?? 1);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const binHz = sampleRate / n;
  // Bins 1..n/2-1 and their mirror images (a real signal); DC and Nyquist stay 0.
  for (let k = 1; k < n / 2; k++) {
    if (k * binHz < lowHz) continue;
    const mag = pink ? 1 / Math.sqrt(k) : 1;
    const phase = 2 * Math.PI * rand();
    re[k] = mag * Math.cos(phase);
    im[k] = mag * Math.sin(phase);
    re[n - k] = re[k]!;
    im[n - k] = -im[k]!;
  }
  FFT.forSize(n).transform(re, im, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += re[i]! * re[i]!;
  const scale = sum > 0 ? 10 ** (rmsDb / 20) / Math.sqrt(sum / n) : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = re[i]! * scale;
  return out;
}
