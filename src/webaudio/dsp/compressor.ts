// DynamicsCompressorNode kernel: pre-delay, envelope follower, compression curve, makeup gain.
// webaudio#DynamicsCompressorOptions-processing

/** Fixed look-ahead: the internal DelayNode's delayTime of 0.006 s. */
export const COMPRESSOR_PRE_DELAY_SECONDS = 0.006;

export interface CompressorParams {
  threshold: number;
  knee: number;
  ratio: number;
  attack: number;
  release: number;
}

/** webaudio#linear-to-decibel */
export function linearToDecibels(v: number): number {
  return v === 0 ? -1000 : 20 * Math.log10(v);
}

/** webaudio#decibels-to-linear-gain-unit */
export function decibelsToLinear(v: number): number {
  return Math.pow(10, v / 20);
}

/**
 * The compression curve in decibels (webaudio#compression-curve): identity up to `threshold`; a
 * quadratic soft knee over [threshold, threshold + knee] whose slope falls continuously from 1 to
 * 1/ratio; then slope 1/ratio. Continuous, monotonically increasing and differentiable.
 */
export function compressionCurveDb(xDb: number, threshold: number, knee: number, ratio: number): number {
  if (xDb <= threshold) return xDb;
  const slope = 1 / ratio;
  if (knee > 0 && xDb < threshold + knee) {
    const d = xDb - threshold;
    return xDb + ((slope - 1) * d * d) / (2 * knee);
  }
  const kneeEndOut = threshold + knee + ((slope - 1) * knee) / 2;
  return kneeEndOut + (xDb - threshold - knee) * slope;
}

/** The compression curve applied to a linear (non-negative) amplitude. */
export function compressionCurve(x: number, threshold: number, knee: number, ratio: number): number {
  if (x <= decibelsToLinear(threshold)) return x;
  return decibelsToLinear(compressionCurveDb(linearToDecibels(x), threshold, knee, ratio));
}

/** webaudio#computing-the-makeup-gain: (1 / curve(1.0)) ^ 0.6 */
export function makeupGain(threshold: number, knee: number, ratio: number): number {
  const fullRangeGain = compressionCurve(1, threshold, knee, ratio);
  return Math.pow(1 / fullRangeGain, 0.6);
}

/**
 * Detector curve: the constant 1 (continuous, within [0, 1], monotonically non-decreasing). The
 * detector average then follows the attenuation at once, so attack and release alone shape the
 * envelope. A slower detector would let the attack step pull the gain below the static curve at a
 * loud onset (the average starts at 0), and the release would then take its time to undo that.
 */
function detectorRate(_attenuation: number): number {
  return 1;
}

export class DynamicsCompressorKernel {
  readonly sampleRate: number;
  readonly preDelayFrames: number;
  /** One delay line per channel, created when a channel is first seen. */
  #delay: Float32Array[] = [];
  #delayPos = 0;
  #channels = 0;
  // EnvelopeFollower slots.
  #detectorAverage = 0;
  #compressorGain = 1;
  #reduction = 0;
  // Per-block scratch: reduction gain per frame.
  #gains = new Float32Array(128);

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.preDelayFrames = Math.round(COMPRESSOR_PRE_DELAY_SECONDS * sampleRate);
  }

  /** [[internal reduction]] in dB: the current gain reduction, 0 when nothing is compressed. */
  get reduction(): number {
    return this.#reduction;
  }

  /** True when the look-ahead delay holds only zeros (no tail left to emit). */
  get delayIsSilent(): boolean {
    for (const d of this.#delay) for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
    return true;
  }

  reset(): void {
    for (const d of this.#delay) d.fill(0);
    this.#delayPos = 0;
    this.#detectorAverage = 0;
    this.#compressorGain = 1;
    this.#reduction = 0;
  }

  /**
   * Processes one block. inputs/outputs have `channels` arrays of at least `length` frames (missing
   * input channels count as silence). The detector sees the largest absolute sample across channels.
   * Parameters are k-rate: sampled once for the block.
   */
  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], channels: number, length: number, p: CompressorParams): void {
    if (this.#gains.length < length) this.#gains = new Float32Array(length);
    while (this.#delay.length < channels) this.#delay.push(new Float32Array(Math.max(1, this.preDelayFrames)));
    // A channel that goes away must not replay stale samples if it comes back.
    for (let c = channels; c < this.#channels; c++) this.#delay[c]!.fill(0);
    this.#channels = channels;
    const gains = this.#gains;
    const threshold = p.threshold;
    const knee = p.knee;
    const ratio = p.ratio;
    const thresholdLinear = decibelsToLinear(threshold);
    const makeup = makeupGain(threshold, knee, ratio);
    // Step 1: attack and release in frames.
    const attackFrames = p.attack * this.sampleRate;
    const releaseFrames = p.release * this.sampleRate;
    // The per-frame factors that lower the gain by 10 dB in `attack` seconds and raise it by 10 dB
    // in `release` seconds (webaudio#dom-dynamicscompressornode-attack, -release).
    const attackStep = attackFrames > 0 ? Math.pow(10, -0.5 / attackFrames) : 0;
    const releaseBase = releaseFrames > 0 ? Math.pow(10, 0.5 / releaseFrames) : Infinity;
    // Steps 2-3.
    let detectorAverage = this.#detectorAverage;
    let compressorGain = this.#compressorGain;
    let meteringGain = compressorGain;
    for (let i = 0; i < length; i++) {
      let peak = 0;
      for (let c = 0; c < channels; c++) {
        const input = inputs[c];
        if (input === undefined) continue;
        const v = input[i]!;
        const a = v < 0 ? -v : v;
        if (a > peak) peak = a;
      }
      // 4.1 attenuation
      let attenuation = 1;
      if (peak >= 0.0001 && peak > thresholdLinear) {
        attenuation = compressionCurve(peak, threshold, knee, ratio) / peak;
      }
      if (!(attenuation >= 0)) attenuation = 1; // NaN input
      // 4.2
      const releasing = attenuation > compressorGain;
      // 4.3-4.5
      detectorAverage += (attenuation - detectorAverage) * detectorRate(attenuation);
      if (detectorAverage > 1) detectorAverage = 1;
      // 4.6 envelope rate from compressor gain / detector average.
      const r = detectorAverage > 0 ? compressorGain / detectorAverage : Infinity;
      if (releasing) {
        // Release curve: continuous, decreasing in r, always > 1; exactly 10 dB per `release` near
        // r = 1, up to a quarter faster the deeper the gain sits below the detector average.
        const releaseRate = Math.pow(releaseBase, 1 + (0.25 * (1 - r)) / (1 + r));
        // 4.7
        compressorGain = compressorGain * releaseRate;
        if (!(compressorGain <= 1)) compressorGain = 1;
      } else {
        // Attack curve: continuous, within [0, 1], increasing in x = 1/r = average / gain. It
        // scales the gain by attackStep per frame (10 dB per `attack`) and lands on the average
        // once that is within one step.
        const x = 1 / r;
        const attackRate = x >= attackStep ? 1 : (1 - attackStep) / (1 - x);
        // 4.8
        compressorGain += (detectorAverage - compressorGain) * attackRate;
      }
      // 4.9 reduction gain (with makeup), applied to the delayed signal by the internal GainNode.
      gains[i] = compressorGain * makeup;
      meteringGain = compressorGain;
    }
    // 5-6.
    this.#compressorGain = compressorGain;
    this.#detectorAverage = detectorAverage;
    // 7. The metering value reports the reduction alone, so that an uncompressed signal reads 0 dB as
    // the `reduction` attribute requires; the fixed makeup stage is not a reduction.
    this.#reduction = linearToDecibels(meteringGain);

    // Pre-delay, then the gain stage.
    const d = this.preDelayFrames;
    const start = this.#delayPos;
    for (let c = 0; c < channels; c++) {
      const input = inputs[c];
      const output = outputs[c]!;
      const line = this.#delay[c]!;
      let pos = start;
      for (let i = 0; i < length; i++) {
        const x = input === undefined ? 0 : input[i]!;
        let delayed: number;
        if (d === 0) delayed = x;
        else {
          delayed = line[pos]!;
          line[pos] = x;
          pos = pos + 1 === d ? 0 : pos + 1;
        }
        output[i] = delayed * gains[i]!;
      }
    }
    if (d > 0) this.#delayPos = (start + length) % d;
  }
}
