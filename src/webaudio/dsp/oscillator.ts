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

  /** Table pair and blend weight chosen by #select(). */
  #hi: Float32Array = new Float32Array(0);
  #lo: Float32Array = new Float32Array(0);
  #w = 1;

  /**
   * Chooses tables so that no partial exceeds Nyquist: with p = nyquist/|f| allowed partials,
   * blend table j (P_j <= p) with the next smaller one, weighted by where p lies in
   * [P_j, P_{j-1}); the blend is continuous as p crosses table boundaries.
   */
  #select(abs: number, nyquist: number): void {
    const wave = this.#wave;
    const tables = wave.tables;
    const partials = wave.partials;
    const p = abs === 0 ? Infinity : nyquist / abs;
    const last = partials.length - 1;
    if (p >= partials[0]!) {
      this.#hi = this.#lo = tables[0]!;
      this.#w = 1;
      return;
    }
    let j = 1;
    while (j < last && partials[j]! > p) j++;
    this.#hi = tables[j]!;
    if (j === last) {
      this.#lo = this.#hi;
      this.#w = 1;
    } else {
      this.#lo = tables[j + 1]!;
      this.#w = (p - partials[j]!) / (partials[j - 1]! - partials[j]!);
    }
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
    if (frequency.length === 1 && detune.length === 1) {
      this.#processConstant(output, offset, length, computedOscFrequency(frequency[0]!, detune[0]!, sampleRate), sampleRate);
      return;
    }
    const size = this.#wave.size;
    const nyquist = sampleRate / 2;
    const invRate = 1 / sampleRate;
    const fStep = frequency.length > 1 ? 1 : 0;
    const dStep = detune.length > 1 ? 1 : 0;
    let phase = this.#phase;
    let lastAbs = -1;
    let hi = this.#hi;
    let lo = this.#lo;
    let w = this.#w;
    for (let i = offset, end = offset + length; i < end; i++) {
      const freq = computedOscFrequency(frequency[i * fStep]!, detune[i * dStep]!, sampleRate);
      const abs = freq < 0 ? -freq : freq;
      if (abs !== lastAbs) {
        lastAbs = abs;
        this.#select(abs, nyquist);
        hi = this.#hi;
        lo = this.#lo;
        w = this.#w;
      }
      const pos = phase * size;
      const k = pos | 0;
      const frac = pos - k;
      const a = hi[k]!;
      const h = a + frac * (hi[k + 1]! - a);
      if (w === 1) output[i] = h;
      else {
        const b = lo[k]!;
        output[i] = w * h + (1 - w) * (b + frac * (lo[k + 1]! - b));
      }
      phase = wrap(phase + freq * invRate);
    }
    this.#phase = phase;
  }

  /** One frequency for the whole block: one table choice and a constant phase increment. */
  #processConstant(output: Float32Array, offset: number, length: number, freq: number, sampleRate: number): void {
    this.#select(freq < 0 ? -freq : freq, sampleRate / 2);
    const size = this.#wave.size;
    const hi = this.#hi;
    const lo = this.#lo;
    const w = this.#w;
    const inc = freq * (1 / sampleRate);
    const end = offset + length;
    let phase = this.#phase;
    // |inc| <= 1/2 (the frequency is clamped to Nyquist) and phase is in [0, 1), so one step
    // leaves it in [-1/2, 3/2): subtracting floor(phase) is adding or subtracting exactly 1.
    // Rising phase (inc >= 0, the usual case) only ever needs the upper check.
    if (w === 1 && inc >= 0) {
      for (let i = offset; i < end; i++) {
        const pos = phase * size;
        const k = pos | 0;
        const frac = pos - k;
        const a = hi[k]!;
        output[i] = a + frac * (hi[k + 1]! - a);
        phase += inc;
        if (phase >= 1) phase -= 1;
      }
    } else if (w === 1) {
      for (let i = offset; i < end; i++) {
        const pos = phase * size;
        const k = pos | 0;
        const frac = pos - k;
        const a = hi[k]!;
        output[i] = a + frac * (hi[k + 1]! - a);
        phase += inc;
        if (phase < 0) {
          phase += 1;
          if (phase >= 1) phase = 0; // -tiny + 1 rounds to 1
        }
      }
    } else {
      const v = 1 - w;
      for (let i = offset; i < end; i++) {
        const pos = phase * size;
        const k = pos | 0;
        const frac = pos - k;
        const a = hi[k]!;
        const b = lo[k]!;
        output[i] = w * (a + frac * (hi[k + 1]! - a)) + v * (b + frac * (lo[k + 1]! - b));
        phase += inc;
        if (phase >= 1) phase -= 1;
        else if (phase < 0) {
          phase += 1;
          if (phase >= 1) phase = 0;
        }
      }
    }
    this.#phase = phase;
  }
}

/** phase - floor(phase), kept below 1 (-tiny - floor(-tiny) rounds to 1). */
function wrap(phase: number): number {
  if (phase >= 1 || phase < 0) {
    phase -= Math.floor(phase);
    if (phase >= 1) phase = 0;
  }
  return phase;
}
