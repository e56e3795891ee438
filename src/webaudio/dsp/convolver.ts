/**
 * Partitioned FFT convolution for the ConvolverNode: non-uniformly partitioned overlap-save
 * with a frequency-domain delay line per partition size, and no added latency.
 *
 * The impulse response is cut into levels. Level 0 holds the head of the response in
 * partitions of one block (the render quantum): each block is transformed, multiplied with
 * every head partition's spectrum through the delay line of past input spectra, and
 * transformed back within the same block, so output sample n depends on input up to n and on
 * nothing later. Later levels hold the rest in partitions of 2, 4, ... blocks (up to
 * `maxPartition` frames). A level with partitions of S frames consumes input in blocks of S
 * frames, and since its part of the response starts at an offset of at least 2S - 2B frames,
 * the result of one of its blocks is needed only S/B - 1 render blocks after that block's
 * input is complete: its spectral products are spread evenly over those blocks and the inverse
 * transform is done in the last one, so no render block carries a whole large partition.
 *
 * Long responses stay cheap: a 10 s response at 48 kHz costs about one complex multiply-add
 * per input sample per `maxPartition` frames of response, plus a few transforms, instead of
 * one per sample per tap.
 *
 * prepareResponse() builds the partition spectra (control side, once per response);
 * PartitionedConvolver holds the per-channel state and process() allocates nothing.
 */
import { RealFFT, isPowerOfTwo } from '../../media/fft.js';

export interface PartitionLevel {
  /** Partition size in frames (a power of two, a multiple of the block size). */
  readonly size: number;
  /** Index of the response's first frame this level covers. */
  readonly offset: number;
  /** Number of partitions of `size` frames. */
  readonly count: number;
}

export interface PartitionLayout {
  /** Frames per process() call (the render quantum). */
  readonly blockSize: number;
  /** Frames of the response. */
  readonly length: number;
  readonly levels: readonly PartitionLevel[];
}

export interface PartitionOptions {
  /** Partitions of one block at the head (>= 2). Default 8. */
  headPartitions?: number;
  /** Largest partition in frames (a power of two, raised to the block size). Default 4096. */
  maxPartition?: number;
  /** Partitions per intermediate level before the size doubles (>= 2). Default 2. */
  perLevel?: number;
}

/**
 * Plans the levels for a response of `length` frames rendered in blocks of `blockSize` frames.
 * Invariant: a level of partition size S starts at an offset >= 2S - 2 * blockSize.
 */
export function partitionLayout(length: number, blockSize: number, options: PartitionOptions = {}): PartitionLayout {
  if (!isPowerOfTwo(blockSize) || blockSize < 2) throw new RangeError(`block size must be a power of two >= 2, got ${blockSize}`);
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`response length must be a positive integer, got ${length}`);
  const head = Math.max(2, Math.floor(options.headPartitions ?? 8));
  const perLevel = Math.max(2, Math.floor(options.perLevel ?? 2));
  let maxPartition = options.maxPartition ?? 4096;
  if (!isPowerOfTwo(maxPartition)) throw new RangeError(`maxPartition must be a power of two, got ${maxPartition}`);
  maxPartition = Math.max(maxPartition, blockSize);
  const levels: PartitionLevel[] = [];
  let offset = 0;
  let size = blockSize;
  let count = Math.min(head, Math.ceil(length / size));
  for (;;) {
    levels.push({ size, offset, count });
    offset += size * count;
    if (offset >= length) break;
    // The next size: double while the offset allows it (offset >= 2S - 2B).
    if (size < maxPartition && offset >= 4 * size - 2 * blockSize) size *= 2;
    const remaining = Math.ceil((length - offset) / size);
    count = size === maxPartition ? remaining : Math.min(perLevel, remaining);
  }
  return { blockSize, length, levels };
}

export interface ResponseSpectra {
  readonly layout: PartitionLayout;
  /**
   * Per level, the partition spectra: partition p occupies [p * 2(S + 1), (p + 1) * 2(S + 1)),
   * real parts of bins 0..S first, then imaginary parts. Structured-cloneable.
   */
  readonly spectra: Float64Array[];
}

/**
 * Spectra of one channel of an impulse response, multiplied by `scale` (the ConvolverNode's
 * normalization). Runs once per response, not on the render path.
 */
export function prepareResponse(response: ArrayLike<number>, layout: PartitionLayout, scale = 1): ResponseSpectra {
  const spectra: Float64Array[] = [];
  const length = Math.min(response.length, layout.length);
  for (const level of layout.levels) {
    const s = level.size;
    const bins = s + 1;
    const fft = new RealFFT(2 * s);
    const time = new Float64Array(2 * s);
    const out = new Float64Array(level.count * 2 * bins);
    for (let p = 0; p < level.count; p++) {
      time.fill(0);
      const start = level.offset + p * s;
      const end = Math.min(start + s, length);
      for (let i = start; i < end; i++) time[i - start] = response[i]! * scale;
      const base = p * 2 * bins;
      fft.forward(time, out.subarray(base, base + bins), out.subarray(base + bins, base + 2 * bins));
    }
    spectra.push(out);
  }
  return { layout, spectra };
}

/** webaudio#dom-convolvernode-normalize: calculateNormalizationScale, on the acquired channels. */
export function normalizationScale(channels: readonly ArrayLike<number>[], sampleRate: number): number {
  const GainCalibration = 0.00125;
  const GainCalibrationSampleRate = 44100;
  const MinPower = 0.000125;
  // Normalize by RMS power.
  const numberOfChannels = channels.length;
  const length = numberOfChannels === 0 ? 0 : channels[0]!.length;
  let power = 0;
  for (let i = 0; i < numberOfChannels; i++) {
    let channelPower = 0;
    const data = channels[i]!;
    for (let j = 0; j < length; j++) {
      const sample = data[j]!;
      channelPower += sample * sample;
    }
    power += channelPower;
  }
  power = Math.sqrt(power / (numberOfChannels * length));
  // Protect against accidental overload.
  if (!Number.isFinite(power) || power < MinPower) power = MinPower;
  let scale = 1 / power;
  // Calibrate to make perceived volume same as unprocessed.
  scale *= GainCalibration;
  // Scale depends on sample-rate.
  if (sampleRate) scale *= GainCalibrationSampleRate / sampleRate;
  // True-stereo compensation.
  if (numberOfChannels === 4) scale *= 0.5;
  return scale;
}

/** Render state of one level. */
class LevelState {
  readonly size: number;
  readonly offset: number;
  readonly count: number;
  /** Blocks of input per partition. */
  readonly blocks: number;
  readonly fft: RealFFT;
  /** Partition spectra (shared, read-only): real / imaginary views per partition. */
  readonly hRe: Float64Array[];
  readonly hIm: Float64Array[];
  /** Overlap-save input: the previous S frames, then the current S frames. */
  readonly time: Float64Array;
  /** Frequency-domain delay line: the spectra of the last `count` input blocks. */
  readonly xRe: Float64Array[];
  readonly xIm: Float64Array[];
  readonly xStore: Float64Array;
  /** Slot of the newest block in the delay line. */
  newest = 0;
  readonly accRe: Float64Array;
  readonly accIm: Float64Array;
  readonly result: Float64Array;
  /** Blocks written into the current input block. */
  phase = 0;
  /** Step of the pending block's work (0..blocks - 1), or -1 when none is pending. */
  step = -1;
  /** Ring position where the pending block's result starts. */
  target = 0;

  constructor(level: PartitionLevel, spectra: Float64Array, blockSize: number) {
    const s = level.size;
    const bins = s + 1;
    this.size = s;
    this.offset = level.offset;
    this.count = level.count;
    this.blocks = s / blockSize;
    this.fft = new RealFFT(2 * s);
    this.hRe = [];
    this.hIm = [];
    this.xRe = [];
    this.xIm = [];
    this.xStore = new Float64Array(level.count * 2 * bins);
    for (let p = 0; p < level.count; p++) {
      const base = p * 2 * bins;
      this.hRe.push(spectra.subarray(base, base + bins));
      this.hIm.push(spectra.subarray(base + bins, base + 2 * bins));
      this.xRe.push(this.xStore.subarray(base, base + bins));
      this.xIm.push(this.xStore.subarray(base + bins, base + 2 * bins));
    }
    this.time = new Float64Array(2 * s);
    this.accRe = new Float64Array(bins);
    this.accIm = new Float64Array(bins);
    this.result = new Float64Array(2 * s);
  }

  reset(): void {
    this.time.fill(0);
    this.xStore.fill(0);
    this.accRe.fill(0);
    this.accIm.fill(0);
    this.newest = 0;
    this.phase = 0;
    this.step = -1;
    this.target = 0;
  }

  copyFrom(o: LevelState): void {
    this.time.set(o.time);
    this.xStore.set(o.xStore);
    this.accRe.set(o.accRe);
    this.accIm.set(o.accIm);
    this.newest = o.newest;
    this.phase = o.phase;
    this.step = o.step;
    this.target = o.target;
  }

  /** Adds the products of partitions [from, to) with their delayed input spectra into acc. */
  multiplyAccumulate(from: number, to: number): void {
    const bins = this.size + 1;
    const accRe = this.accRe;
    const accIm = this.accIm;
    const count = this.count;
    for (let p = from; p < to; p++) {
      let slot = this.newest - p;
      if (slot < 0) slot += count;
      const xr = this.xRe[slot]!;
      const xi = this.xIm[slot]!;
      const hr = this.hRe[p]!;
      const hi = this.hIm[p]!;
      for (let k = 0; k < bins; k++) {
        const a = xr[k]!;
        const b = xi[k]!;
        const c = hr[k]!;
        const d = hi[k]!;
        accRe[k] = accRe[k]! + a * c - b * d;
        accIm[k] = accIm[k]! + a * d + b * c;
      }
    }
  }
}

/**
 * One channel of partitioned convolution with one prepared response: process() takes one block
 * of input and writes the same block of output (no latency). Several convolvers may share one
 * ResponseSpectra; each owns its state.
 */
export class PartitionedConvolver {
  readonly blockSize: number;
  /** Frames of the response (the output can be non-zero this long after the input stops). */
  readonly length: number;
  readonly #levels: LevelState[];
  /** Output accumulation ring, indexed by frame (mod its power-of-two size). */
  readonly #ring: Float64Array;
  readonly #mask: number;
  /** Frame of the current block in this convolver's own timeline. */
  #time = 0;

  constructor(response: ResponseSpectra) {
    const { layout, spectra } = response;
    const b = layout.blockSize;
    this.blockSize = b;
    this.length = layout.length;
    this.#levels = layout.levels.map((lv, i) => new LevelState(lv, spectra[i]!, b));
    // A result is added S frames long at offset - 2S + 2B frames ahead of the block being read.
    let span = b;
    for (const lv of layout.levels) span = Math.max(span, lv.offset - lv.size + 2 * b);
    let size = b;
    while (size < span + b) size *= 2;
    this.#ring = new Float64Array(size);
    this.#mask = size - 1;
  }

  /** Forgets all past input (as after silence longer than the response). */
  reset(): void {
    for (const lv of this.#levels) lv.reset();
    this.#ring.fill(0);
    this.#time = 0;
  }

  /** Takes over another convolver's state; both must have been built from the same layout. */
  copyStateFrom(other: PartitionedConvolver): void {
    for (let i = 0; i < this.#levels.length; i++) this.#levels[i]!.copyFrom(other.#levels[i]!);
    this.#ring.set(other.#ring);
    this.#time = other.#time;
  }

  /**
   * Convolves one block: `input` (blockSize frames, or null for silence) in, the response's
   * output for the same frames written to `output` (added to it when `accumulate`).
   */
  process(input: Float32Array | null, output: Float32Array, accumulate = false): void {
    const b = this.blockSize;
    const ring = this.#ring;
    const mask = this.#mask;
    const now = this.#time;
    const levels = this.#levels;
    for (let l = 0; l < levels.length; l++) {
      const lv = levels[l]!;
      const s = lv.size;
      // 1. Append the block to the level's current input block.
      const time = lv.time;
      const at = s + lv.phase * b;
      if (input === null) time.fill(0, at, at + b);
      else for (let i = 0; i < b; i++) time[at + i] = input[i]!;
      lv.phase++;
      // 2. A complete input block: transform it into the delay line and schedule its work.
      if (lv.phase === lv.blocks) {
        lv.phase = 0;
        lv.newest = lv.newest + 1 === lv.count ? 0 : lv.newest + 1;
        lv.fft.forward(time, lv.xRe[lv.newest]!, lv.xIm[lv.newest]!);
        time.copyWithin(0, s, 2 * s);
        lv.step = 0;
        // The block started at now + b - s; its output belongs `offset` frames later.
        lv.target = now + b - s + lv.offset;
      }
      // 3. This render block's share of the pending work.
      if (lv.step >= 0) {
        const q = lv.blocks;
        const from = Math.floor((lv.step * lv.count) / q);
        const to = Math.floor(((lv.step + 1) * lv.count) / q);
        lv.multiplyAccumulate(from, to);
        if (lv.step === q - 1) {
          const result = lv.result;
          lv.fft.inverse(lv.accRe, lv.accIm, result);
          lv.accRe.fill(0);
          lv.accIm.fill(0);
          // Overlap-save: the last S frames of the circular convolution are the linear ones.
          const target = lv.target;
          for (let i = 0; i < s; i++) {
            const r = (target + i) & mask;
            ring[r] = ring[r]! + result[s + i]!;
          }
          lv.step = -1;
        } else {
          lv.step++;
        }
      }
    }
    // 4. Read (and clear) this block's output.
    for (let i = 0; i < b; i++) {
      const r = (now + i) & mask;
      const v = ring[r]!;
      ring[r] = 0;
      if (accumulate) output[i] = output[i]! + v;
      else output[i] = v;
    }
    this.#time = (now + b) & mask;
  }
}
