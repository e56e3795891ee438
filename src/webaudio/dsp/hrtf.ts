// PannerNode 'HRTF' panning (webaudio#Spatialization-hrtf-panning): each direction's pair of
// head-related impulse responses is decoded from third-order spherical-harmonic filters
// (hrtf-data.ts), so every azimuth and elevation has its own response, varying smoothly between
// directions (the spherical harmonics are the interpolation), and the input is convolved with
// the pair. A change of direction crossfades from the old pair's output to the new pair's over
// one block. Nothing is allocated per block.
import { HRIR_BASE64, HRIR_CHANNELS, HRIR_LENGTH, HRIR_SAMPLE_RATE } from './hrtf-data.js';

/** The sixteen spherical-harmonic filters at one sample rate. */
export interface HrtfSet {
  readonly sampleRate: number;
  /** Taps per ear response. */
  readonly length: number;
  /** HRIR_CHANNELS filters of `length` taps, back to back. */
  readonly filters: Float32Array;
}

const sets = new Map<number, HrtfSet>();

function decodeBase64(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function sourceFilters(): Float32Array {
  const bytes = decodeBase64(HRIR_BASE64);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(HRIR_CHANNELS * HRIR_LENGTH);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/**
 * The filters resampled to `sampleRate` (built once per rate, when a processor is created). A
 * response sampled at rate r1 is T1·h(n·T1); resampling keeps the continuous response h, so the
 * taps are scaled by r1 / r2, and a windowed sinc band-limits it to the lower Nyquist frequency.
 */
export function hrtfSet(sampleRate: number): HrtfSet {
  const cached = sets.get(sampleRate);
  if (cached) return cached;
  const src = sourceFilters();
  let set: HrtfSet;
  if (sampleRate === HRIR_SAMPLE_RATE) {
    set = { sampleRate, length: HRIR_LENGTH, filters: src };
  } else {
    const ratio = HRIR_SAMPLE_RATE / sampleRate; // source samples per output sample
    const length = Math.ceil(HRIR_LENGTH / ratio);
    const fc = Math.min(1, 1 / ratio); // cutoff relative to the source Nyquist frequency
    const half = Math.ceil(16 / fc); // sinc half-width in source samples
    const filters = new Float32Array(HRIR_CHANNELS * length);
    for (let c = 0; c < HRIR_CHANNELS; c++) {
      const base = c * HRIR_LENGTH;
      for (let n = 0; n < length; n++) {
        const t = n * ratio;
        const k0 = Math.max(0, Math.ceil(t - half));
        const k1 = Math.min(HRIR_LENGTH - 1, Math.floor(t + half));
        let acc = 0;
        for (let k = k0; k <= k1; k++) {
          const x = t - k;
          const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half); // Blackman
          const s = x === 0 ? 1 : Math.sin(Math.PI * fc * x) / (Math.PI * fc * x);
          acc += src[base + k]! * fc * s * w;
        }
        filters[c * length + n] = acc * ratio;
      }
    }
    set = { sampleRate, length, filters };
  }
  sets.set(sampleRate, set);
  return set;
}

/**
 * Real spherical harmonics up to order 3, ACN order, SN3D normalisation, for a unit direction
 * in ambisonic axes (x front, y left, z up).
 */
export function sphericalHarmonics(x: number, y: number, z: number, out: Float64Array): void {
  const x2 = x * x;
  const y2 = y * y;
  const z2 = z * z;
  const s3 = Math.sqrt(3);
  out[0] = 1;
  out[1] = y;
  out[2] = z;
  out[3] = x;
  out[4] = s3 * x * y;
  out[5] = s3 * y * z;
  out[6] = 0.5 * (3 * z2 - 1);
  out[7] = s3 * x * z;
  out[8] = (s3 / 2) * (x2 - y2);
  out[9] = Math.sqrt(5 / 8) * y * (3 * x2 - y2);
  out[10] = Math.sqrt(15) * x * y * z;
  out[11] = Math.sqrt(3 / 8) * y * (5 * z2 - 1);
  out[12] = 0.5 * z * (5 * z2 - 3);
  out[13] = Math.sqrt(3 / 8) * x * (5 * z2 - 1);
  out[14] = (Math.sqrt(15) / 2) * z * (x2 - y2);
  out[15] = Math.sqrt(5 / 8) * x * (x2 - 3 * y2);
}

/** The degree m of ACN channel k is negative for these channels (they flip between the ears). */
const NEGATIVE_M = [false, true, false, false, true, true, false, false, false, true, true, true, false, false, false, false];

/**
 * Writes the left- and right-ear responses for a Web Audio azimuth (degrees, positive to the
 * listener's right) and elevation (degrees, positive up).
 */
export function hrtfKernel(set: HrtfSet, azimuth: number, elevation: number, sh: Float64Array, outL: Float32Array, outR: Float32Array): void {
  const az = (-azimuth * Math.PI) / 180; // ambisonic azimuth turns to the left
  const el = (elevation * Math.PI) / 180;
  const ce = Math.cos(el);
  sphericalHarmonics(ce * Math.cos(az), ce * Math.sin(az), Math.sin(el), sh);
  const n = set.length;
  const f = set.filters;
  outL.fill(0, 0, n);
  outR.fill(0, 0, n);
  // outL collects the even (m >= 0) part, outR the odd part; then L = E + O, R = E - O.
  for (let k = 0; k < HRIR_CHANNELS; k++) {
    const g = sh[k]!;
    const dst = NEGATIVE_M[k] ? outR : outL;
    const base = k * n;
    for (let i = 0; i < n; i++) dst[i]! += g * f[base + i]!;
  }
  for (let i = 0; i < n; i++) {
    const e = outL[i]!;
    const o = outR[i]!;
    outL[i] = e + o;
    outR[i] = e - o;
  }
}

/**
 * Direct-form convolution of one or two input channels with a pair of ear responses, with a
 * one-block crossfade when the pair changes.
 */
export class HrtfPanner {
  readonly set: HrtfSet;
  readonly #histL: Float32Array;
  readonly #histR: Float32Array;
  #kernelL: Float32Array;
  #kernelR: Float32Array;
  #prevL: Float32Array;
  #prevR: Float32Array;
  readonly #scratchL: Float32Array;
  readonly #scratchR: Float32Array;
  readonly #sh = new Float64Array(HRIR_CHANNELS);
  #azimuth = NaN;
  #elevation = NaN;
  /** The pair changed since the last block: crossfade from #prev. */
  #changed = false;
  /** Frames since the last non-silent input (the tail lasts length - 1 frames). */
  #silentFrames: number;

  constructor(sampleRate: number, blockSize: number) {
    this.set = hrtfSet(sampleRate);
    const n = this.set.length;
    this.#histL = new Float32Array(n - 1 + blockSize);
    this.#histR = new Float32Array(n - 1 + blockSize);
    this.#kernelL = new Float32Array(n);
    this.#kernelR = new Float32Array(n);
    this.#prevL = new Float32Array(n);
    this.#prevR = new Float32Array(n);
    this.#scratchL = new Float32Array(blockSize);
    this.#scratchR = new Float32Array(blockSize);
    this.#silentFrames = n;
  }

  /** True while earlier input still rings in the output. */
  get tailActive(): boolean {
    return this.#silentFrames < this.set.length - 1;
  }

  /** Points the pair at a direction (degrees); a new direction crossfades over the next block. */
  setDirection(azimuth: number, elevation: number): void {
    if (azimuth === this.#azimuth && elevation === this.#elevation) return;
    const first = this.#azimuth !== this.#azimuth;
    this.#azimuth = azimuth;
    this.#elevation = elevation;
    // Keep the old pair for the crossfade (swap buffers, no allocation).
    if (!this.#changed) {
      const l = this.#prevL;
      const r = this.#prevR;
      this.#prevL = this.#kernelL;
      this.#prevR = this.#kernelR;
      this.#kernelL = l;
      this.#kernelR = r;
    }
    hrtfKernel(this.set, azimuth, elevation, this.#sh, this.#kernelL, this.#kernelR);
    this.#changed = !first;
  }

  /** Forgets the input history (the panning model changed). */
  reset(): void {
    this.#histL.fill(0);
    this.#histR.fill(0);
    this.#silentFrames = this.set.length;
  }

  /**
   * Renders `frames` (at most the block size) of output. `inR` null: a mono input feeds both
   * ears; otherwise the left input feeds the left ear and the right input the right ear.
   * `inL` null: silent input (only the tail is rendered).
   */
  process(inL: Float32Array | null, inR: Float32Array | null, outL: Float32Array, outR: Float32Array, frames: number): void {
    const n = this.set.length;
    const hl = this.#histL;
    const hr = this.#histR;
    const off = n - 1;
    if (inL === null) {
      hl.fill(0, off, off + frames);
      hr.fill(0, off, off + frames);
      this.#silentFrames += frames;
    } else {
      const r = inR ?? inL;
      for (let i = 0; i < frames; i++) {
        hl[off + i] = inL[i]!;
        hr[off + i] = r[i]!;
      }
      this.#silentFrames = 0;
    }
    convolve(hl, this.#kernelL, n, outL, frames);
    convolve(hr, this.#kernelR, n, outR, frames);
    if (this.#changed) {
      const sl = this.#scratchL;
      const sr = this.#scratchR;
      convolve(hl, this.#prevL, n, sl, frames);
      convolve(hr, this.#prevR, n, sr, frames);
      for (let i = 0; i < frames; i++) {
        const w = (i + 1) / frames;
        outL[i] = sl[i]! + (outL[i]! - sl[i]!) * w;
        outR[i] = sr[i]! + (outR[i]! - sr[i]!) * w;
      }
      this.#changed = false;
    }
    // Keep the last n - 1 input frames for the next block.
    hl.copyWithin(0, frames, frames + off);
    hr.copyWithin(0, frames, frames + off);
  }
}

/** out[i] = sum_k h[k] * x[n - 1 + i - k]: `hist` holds n - 1 earlier frames, then the block. */
function convolve(hist: Float32Array, h: Float32Array, n: number, out: Float32Array, frames: number): void {
  for (let i = 0; i < frames; i++) {
    let acc = 0;
    let j = n - 1 + i;
    for (let k = 0; k < n; k++, j--) acc += h[k]! * hist[j]!;
    out[i] = acc;
  }
}
