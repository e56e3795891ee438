// PeriodicWave tables: Fourier coefficients -> band-limited wavetables.
// webaudio#waveform-generation, webaudio#waveform-normalization, webaudio#oscillator-coefficients

import { FFT } from '../../media/fft.js';

export type BuiltinWaveType = 'sine' | 'square' | 'sawtooth' | 'triangle';

/** Smallest table length; with linear interpolation a sine is then exact to ~3e-7. */
export const MIN_TABLE_SIZE = 4096;
/** Tables per octave of partial count: more tables keep more of the spectrum below Nyquist. */
const TABLES_PER_OCTAVE = 3;

/**
 * b[n] for the built-in waveforms (a[n] = 0 for all of them), n = 0..length-1.
 * webaudio#oscillator-coefficients
 */
export function builtinWaveCoefficients(type: BuiltinWaveType, length: number): { real: Float32Array; imag: Float32Array } {
  const real = new Float32Array(length);
  const imag = new Float32Array(length);
  for (let n = 1; n < length; n++) {
    let b: number;
    switch (type) {
      case 'sine': b = n === 1 ? 1 : 0; break;
      // b[n] = 2/(n pi) [1 - (-1)^n]
      case 'square': b = (2 / (n * Math.PI)) * (1 - (n % 2 === 0 ? 1 : -1)); break;
      // b[n] = (-1)^(n+1) 2/(n pi)
      case 'sawtooth': b = ((n % 2 === 0 ? -1 : 1) * 2) / (n * Math.PI); break;
      // b[n] = 8 sin(n pi / 2) / (pi n)^2
      case 'triangle': b = (8 * sinHalfPi(n)) / ((Math.PI * n) ** 2); break;
    }
    imag[n] = b;
  }
  return { real, imag };
}

// sin(n pi / 2) exactly for integer n, avoiding the rounding of Math.sin at large multiples of pi.
function sinHalfPi(n: number): number {
  const r = n % 4;
  return r === 1 ? 1 : r === 3 ? -1 : 0;
}

/** A WaveTableSet's contents as plain data (structured-cloneable, e.g. to a render worker). */
export interface WaveTableData {
  size: number;
  partials: Int32Array;
  normalizationFactor: number;
  tables: Float32Array[];
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * A set of wavetables for one periodic waveform, each holding the partials 1..partials[j]
 * (partials strictly decreasing). Every table has `size + 1` samples: the last repeats the first so
 * interpolation never wraps. The spec's fixed normalisation factor (computed from the full waveform)
 * is applied to every table.
 */
export class WaveTableSet {
  readonly size: number;
  readonly tables: readonly Float32Array[];
  readonly partials: Int32Array;
  /** The factor f the basic waveform was divided by (1 when normalisation is disabled). */
  readonly normalizationFactor: number;

  static #builtins = new Map<BuiltinWaveType, WaveTableSet>();

  /** Shared tables for a built-in type (they depend on no sample rate, so one set serves all). */
  static builtin(type: BuiltinWaveType): WaveTableSet {
    let set = WaveTableSet.#builtins.get(type);
    if (set === undefined) {
      const { real, imag } = builtinWaveCoefficients(type, MIN_TABLE_SIZE / 2);
      set = new WaveTableSet(real, imag, true);
      WaveTableSet.#builtins.set(type, set);
    }
    return set;
  }

  /** Rebuilds a set from data() of another (no synthesis; the tables are used as given). */
  static fromData(data: WaveTableData): WaveTableSet {
    return new WaveTableSet(data);
  }

  /** The tables as plain data; they are shared, not copied, and must be treated as read-only. */
  data(): WaveTableData {
    return { size: this.size, partials: this.partials, normalizationFactor: this.normalizationFactor, tables: [...this.tables] };
  }

  /**
   * real/imag: the PeriodicWave's [[real]] and [[imag]] (same length; index 0 is ignored, the DC
   * term being 0 per webaudio#dom-periodicwave-periodicwave step 3).
   */
  constructor(real: ArrayLike<number>, imag: ArrayLike<number>, normalize: boolean);
  constructor(data: WaveTableData);
  constructor(realOrData: ArrayLike<number> | WaveTableData, imagIn?: ArrayLike<number>, normalizeIn?: boolean) {
    if (imagIn === undefined) {
      const d = realOrData as WaveTableData;
      this.size = d.size;
      this.partials = d.partials;
      this.normalizationFactor = d.normalizationFactor;
      this.tables = d.tables;
      return;
    }
    const real = realOrData as ArrayLike<number>;
    const imag = imagIn;
    const normalize = normalizeIn === true;
    const length = Math.min(real.length, imag.length);
    const size = Math.max(MIN_TABLE_SIZE, nextPowerOfTwo(2 * length));
    this.size = size;
    const maxPartial = size / 2 - 1;
    let highest = 0;
    for (let k = Math.min(length - 1, maxPartial); k >= 1; k--) {
      if (real[k] !== 0 || imag[k] !== 0) { highest = k; break; }
    }
    const counts: number[] = [];
    if (highest === 0) {
      counts.push(0);
    } else {
      for (let j = 0; ; j++) {
        let p = Math.floor(highest * Math.pow(2, -j / TABLES_PER_OCTAVE));
        if (counts.length > 0) p = Math.min(p, counts[counts.length - 1]! - 1);
        if (p < 1) break;
        counts.push(p);
      }
    }
    this.partials = Int32Array.from(counts);

    const fft = FFT.forSize(size);
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    // x~(n) = sum_k a[k] cos(2 pi k n / N) + b[k] sin(2 pi k n / N) = Re sum_k (a[k] - i b[k]) e^{2 pi i k n / N}
    const synthesize = (partials: number): void => {
      re.fill(0);
      im.fill(0);
      for (let k = 1; k <= partials; k++) {
        re[k] = real[k]!;
        im[k] = -imag[k]!;
      }
      fft.transform(re, im, 1);
    };

    // webaudio#waveform-normalization: f = max |x~(n)| over the full waveform.
    let factor = 1;
    if (normalize && highest > 0) {
      synthesize(highest);
      let max = 0;
      for (let n = 0; n < size; n++) max = Math.max(max, Math.abs(re[n]!));
      if (max > 0) factor = max;
    }
    this.normalizationFactor = factor;

    const tables: Float32Array[] = [];
    for (const p of counts) {
      const t = new Float32Array(size + 1);
      if (p > 0) {
        synthesize(p);
        const scale = 1 / factor;
        for (let n = 0; n < size; n++) t[n] = re[n]! * scale;
        t[size] = t[0]!;
      }
      tables.push(t);
    }
    this.tables = tables;
  }
}
