// OscillatorNode kernel: phase accumulation over band-limited wavetables.
// webaudio#OscillatorNode, webaudio#computedoscfrequency

import { WaveTableSet } from './periodic-wave.js';

/**
 * computedOscFrequency = frequency * 2^(detune/1200), clamped to its nominal range
 * [-Nyquist, Nyquist]. A NaN result is treated as 0 Hz (the phase holds).
 */
export function computedOscFrequency(frequency: number, detune: number, sampleRate: number): number {
  const f = detune === 0 ? frequency : frequency * Math.pow(2, detune / 1200);
  const nyquist = sampleRate / 2;
  if (f > nyquist) return nyquist;
  if (f < -nyquist) return -nyquist;
  return f === f ? f : 0;
}

export class OscillatorKernel {
  #wave: WaveTableSet;
  /** Phase in cycles, kept in [0, 1). */
  #phase = 0;

  constructor(wave: WaveTableSet = WaveTableSet.builtin('sine')) {
    this.#wave = wave;
  }

  get wave(): WaveTableSet {
    return this.#wave;
  }

  /** Switching waves keeps the phase, so a type change mid-stream does not jump. */
  setWave(wave: WaveTableSet): void {
    this.#wave = wave;
  }

  /** Phase in cycles at the next output sample (e.g. a fractional start offset times frequency). */
  reset(phase = 0): void {
    this.#phase = phase - Math.floor(phase);
  }

  get phase(): number {
    return this.#phase;
  }

  /**
   * Writes output[offset..offset+length). frequency/detune hold either one value (constant for the
   * block) or one value per frame, indexed from `offset` like the output. Each sample is the wave at
   * the current phase; the phase then advances by computedOscFrequency / sampleRate.
   */
  process(
    output: Float32Array,
    offset: number,
    length: number,
    frequency: Float32Array,
    detune: Float32Array,
    sampleRate: number,
  ): void {
    const wave = this.#wave;
    const size = wave.size;
    const tables = wave.tables;
    const partials = wave.partials;
    const nyquist = sampleRate / 2;
    const invRate = 1 / sampleRate;
    const fStep = frequency.length > 1 ? 1 : 0;
    const dStep = detune.length > 1 ? 1 : 0;
    const constant = fStep === 0 && dStep === 0;
    let phase = this.#phase;
    let freq = 0;
    let hi: Float32Array = tables[0]!;
    let lo: Float32Array = hi;
    let w = 1;
    let lastAbs = -1;
    for (let i = offset, end = offset + length; i < end; i++) {
      if (!constant || i === offset) {
        freq = computedOscFrequency(frequency[i * fStep]!, detune[i * dStep]!, sampleRate);
        const abs = freq < 0 ? -freq : freq;
        if (abs !== lastAbs) {
          lastAbs = abs;
          // Choose tables so that no partial exceeds Nyquist: with p = nyquist/|f| allowed partials,
          // blend table j (P_j <= p) with the next smaller one, weighted by where p lies in
          // [P_j, P_{j-1}); the blend is continuous as p crosses table boundaries.
          const p = abs === 0 ? Infinity : nyquist / abs;
          const last = partials.length - 1;
          if (p >= partials[0]!) {
            hi = lo = tables[0]!;
            w = 1;
          } else {
            let j = 1;
            while (j < last && partials[j]! > p) j++;
            hi = tables[j]!;
            if (j === last) {
              lo = hi;
              w = 1;
            } else {
              lo = tables[j + 1]!;
              w = (p - partials[j]!) / (partials[j - 1]! - partials[j]!);
            }
          }
        }
      }
      const pos = phase * size;
      const k = pos | 0;
      const frac = pos - k;
      const h = hi[k]! + frac * (hi[k + 1]! - hi[k]!);
      output[i] = w === 1 ? h : w * h + (1 - w) * (lo[k]! + frac * (lo[k + 1]! - lo[k]!));
      phase += freq * invRate;
      if (phase >= 1 || phase < 0) {
        phase -= Math.floor(phase);
        if (phase >= 1) phase = 0; // -tiny - floor(-tiny) rounds to 1
      }
    }
    this.#phase = phase;
  }
}
