/**
 * Averaging of AnalyserNode spectra and band levels: the numbers behind out/spectrum.png and the
 * "low band / high band" lines of the summary.
 *
 * AnalyserNode.getFloatFrequencyData gives one dB value per bin; averaging is done on power
 * (10^(dB/10)), since the mean of decibels is not the level of the mean.
 */

/** The bands the summary reports: well inside the shelf's boosted and untouched regions. */
export const LOW_BAND: readonly [number, number] = [50, 250];
export const HIGH_BAND: readonly [number, number] = [4000, 16000];

export class SpectrumAverage {
  readonly #power: Float64Array;
  #count = 0;

  constructor(bins: number) {
    this.#power = new Float64Array(bins);
  }

  get count(): number {
    return this.#count;
  }

  /** Adds one spectrum in dB (-Infinity for silent bins). */
  add(db: Float32Array): void {
    const p = this.#power;
    const n = Math.min(p.length, db.length);
    for (let k = 0; k < n; k++) p[k] += 10 ** (db[k]! / 10);
    this.#count++;
  }

  /** Mean power per bin (zeros before anything was added). */
  meanPower(): Float64Array {
    const out = new Float64Array(this.#power.length);
    if (this.#count === 0) return out;
    for (let k = 0; k < out.length; k++) out[k] = this.#power[k]! / this.#count;
    return out;
  }

  /** Mean spectrum in dB, for plotting. */
  meanDb(): Float32Array {
    const p = this.meanPower();
    const out = new Float32Array(p.length);
    for (let k = 0; k < p.length; k++) out[k] = 10 * Math.log10(p[k]!);
    return out;
  }
}

/**
 * Total power of the bins whose centre frequency lies in [loHz, hiHz], for a spectrum of
 * `power.length` bins where bin k is at k * sampleRate / (2 * power.length) Hz.
 */
export function bandPower(power: ArrayLike<number>, sampleRate: number, loHz: number, hiHz: number): number {
  const binHz = sampleRate / (2 * power.length);
  const k0 = Math.max(0, Math.ceil(loHz / binHz));
  const k1 = Math.min(power.length - 1, Math.floor(hiHz / binHz));
  let sum = 0;
  for (let k = k0; k <= k1; k++) sum += power[k]!;
  return sum;
}

/** Power per bin from dB values. */
export function dbToPower(db: Float32Array): Float64Array {
  const out = new Float64Array(db.length);
  for (let k = 0; k < db.length; k++) out[k] = 10 ** (db[k]! / 10);
  return out;
}

/**
 * Output level relative to input level in a band, in dB; null when the input has (almost) no
 * power there, where a ratio would only measure noise.
 */
export function bandChangeDb(input: ArrayLike<number>, output: ArrayLike<number>, sampleRate: number, band: readonly [number, number], floorPower = 1e-12): number | null {
  const pin = bandPower(input, sampleRate, band[0], band[1]);
  const pout = bandPower(output, sampleRate, band[0], band[1]);
  if (!(pin > floorPower)) return null;
  return 10 * Math.log10(Math.max(pout, Number.MIN_VALUE) / pin);
}

/** "+12.0 dB", "-3.5 dB", "n/a" */
export function formatDb(db: number | null, digits = 1): string {
  if (db === null || !Number.isFinite(db)) return 'n/a';
  // Values that round to zero print as +0.0, not -0.0.
  const r = Math.abs(db) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : db.toFixed(digits);
  return `${r.startsWith('-') ? r : `+${r}`} dB`;
}
