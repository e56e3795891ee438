// WaveShaperNode kernel: curve mapping and 2x/4x oversampling.
// webaudio#dom-waveshapernode-curve, webaudio#dom-waveshapernode-oversample

export type OverSampleType = 'none' | '2x' | '4x';

/**
 * The curve mapping of webaudio#dom-waveshapernode-curve:
 * v = (N-1)/2 (x+1), k = floor(v), f = v - k;
 * y = c_0 if v < 0, c_{N-1} if v >= N-1, else (1-f) c_k + f c_{k+1}.
 * A NaN input is mapped as 0 (the formula has no value for it). An empty curve passes x through.
 */
export function shapeSample(x: number, curve: Float32Array): number {
  const n = curve.length;
  if (n === 0) return x;
  if (x !== x) x = 0;
  const v = ((n - 1) / 2) * (x + 1);
  if (v < 0) return curve[0]!;
  if (v >= n - 1) return curve[n - 1]!;
  const k = Math.floor(v);
  const f = v - k;
  return (1 - f) * curve[k]! + f * curve[k + 1]!;
}

/** Applies shapeSample() to input[0..length) into output (may alias). */
export function shapeBlock(input: Float32Array, output: Float32Array, length: number, curve: Float32Array): void {
  const n = curve.length;
  if (n === 0) {
    if (output !== input) output.set(input.subarray(0, length));
    return;
  }
  const half = (n - 1) / 2;
  const last = n - 1;
  const c0 = curve[0]!;
  const cN = curve[last]!;
  for (let i = 0; i < length; i++) {
    let x = input[i]!;
    if (x !== x) x = 0;
    const v = half * (x + 1);
    if (v < 0) output[i] = c0;
    else if (v >= last) output[i] = cN;
    else {
      const k = v | 0;
      const f = v - k;
      output[i] = (1 - f) * curve[k]! + f * curve[k + 1]!;
    }
  }
}

// --- Oversampling filters ----------------------------------------------------------------------

/**
 * Taps of the half-band lowpass used by every 2x stage (odd, symmetric, linear phase). With
 * taps - 1 divisible by 4, both 2x and 4x add a whole number of frames of latency, so the
 * oversampled output lines up with the input exactly, only later. Kaiser beta 8 gives ~80 dB
 * stopband rejection; the outermost taps are zero, as every even offset from the centre is.
 */
export const HALF_BAND_TAPS = 65;
const KAISER_BETA = 8;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Kaiser-windowed sinc with cutoff at a quarter of the (doubled) sample rate, i.e. the original
 * Nyquist frequency, normalised to unit DC gain. Half-band: every second tap except the centre is 0.
 */
function designHalfBand(): Float64Array {
  const taps = new Float64Array(HALF_BAND_TAPS);
  const mid = (HALF_BAND_TAPS - 1) / 2;
  const i0b = besselI0(KAISER_BETA);
  let sum = 0;
  for (let n = 0; n < HALF_BAND_TAPS; n++) {
    const t = n - mid;
    const sinc = t === 0 ? 0.5 : Math.sin(0.5 * Math.PI * t) / (Math.PI * t);
    const r = t / mid;
    const w = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    taps[n] = sinc * w;
    sum += taps[n]!;
  }
  for (let n = 0; n < HALF_BAND_TAPS; n++) taps[n] = taps[n]! / sum;
  return taps;
}

export const HALF_BAND: Float64Array = designHalfBand();

/**
 * 2x up-sampler: zero-stuffing followed by the half-band filter (gain 2), polyphase so the zeros
 * are never multiplied. Delay: (HALF_BAND_TAPS - 1) / 2 output samples.
 */
class Upsampler2x {
  // Input history, doubled so a window is always contiguous.
  readonly #hist: Float64Array;
  readonly #len: number;
  #pos = 0;
  readonly #even: Float64Array; // taps applied for output 2n
  readonly #odd: Float64Array; // taps applied for output 2n + 1

  constructor() {
    // Output y[2n + r] = 2 * sum_m h[2m + r'] x[n - m]; split taps by parity.
    const h = HALF_BAND;
    const evenTaps: number[] = [];
    const oddTaps: number[] = [];
    for (let i = 0; i < h.length; i++) (i % 2 === 0 ? evenTaps : oddTaps).push(2 * h[i]!);
    this.#even = Float64Array.from(evenTaps);
    this.#odd = Float64Array.from(oddTaps);
    this.#len = this.#even.length;
    this.#hist = new Float64Array(2 * this.#len);
  }

  reset(): void {
    this.#hist.fill(0);
    this.#pos = 0;
  }

  process(input: Float32Array | Float64Array, length: number, output: Float64Array): void {
    const hist = this.#hist;
    const len = this.#len;
    const even = this.#even;
    const odd = this.#odd;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) {
      const x = input[i]!;
      // Newest sample at hist[pos] and hist[pos + len]; window hist[pos .. pos + len) newest first.
      pos = pos === 0 ? len - 1 : pos - 1;
      hist[pos] = x;
      hist[pos + len] = x;
      let se = 0;
      let so = 0;
      for (let m = 0; m < len; m++) {
        const v = hist[pos + m]!;
        se += even[m]! * v;
        if (m < odd.length) so += odd[m]! * v;
      }
      output[2 * i] = se;
      output[2 * i + 1] = so;
    }
    this.#pos = pos;
  }
}

/** 2x down-sampler: the half-band filter evaluated only at the kept (even) output instants. */
class Downsampler2x {
  readonly #hist: Float64Array;
  readonly #len = HALF_BAND_TAPS;
  #pos = 0;

  constructor() {
    this.#hist = new Float64Array(2 * HALF_BAND_TAPS);
  }

  reset(): void {
    this.#hist.fill(0);
    this.#pos = 0;
  }

  /** input has 2 * length samples. */
  process(input: Float64Array, length: number, output: Float32Array | Float64Array): void {
    const hist = this.#hist;
    const len = this.#len;
    const h = HALF_BAND;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) {
      // Evaluate at the even instant 2i so that, with (taps - 1) / 2 even, the delay is a whole
      // number of output samples; then take in the odd sample for the next window.
      let x = input[2 * i]!;
      pos = pos === 0 ? len - 1 : pos - 1;
      hist[pos] = x;
      hist[pos + len] = x;
      let s = 0;
      for (let m = 0; m < len; m++) s += h[m]! * hist[pos + m]!;
      output[i] = s;
      x = input[2 * i + 1]!;
      pos = pos === 0 ? len - 1 : pos - 1;
      hist[pos] = x;
      hist[pos + len] = x;
    }
    this.#pos = pos;
  }
}

/**
 * Latency (= tail) in frames at the context rate added by each oversampling mode. Each filter
 * delays by (HALF_BAND_TAPS - 1) / 2 samples of the rate it runs at: the outer up/down pair runs
 * at 2x (together (taps - 1) / 2 frames), the inner pair of 4x at 4x (half of that again).
 */
export function waveShaperLatencyFrames(oversample: OverSampleType): number {
  if (oversample === '2x') return (HALF_BAND_TAPS - 1) / 2;
  if (oversample === '4x') return (HALF_BAND_TAPS - 1) / 2 + (HALF_BAND_TAPS - 1) / 4;
  return 0;
}

/**
 * One channel of wave shaping with optional oversampling. Buffers grow to the largest block seen,
 * so steady-state processing of fixed-size quanta allocates nothing.
 */
export class WaveShaperChannel {
  readonly #up1 = new Upsampler2x();
  readonly #up2 = new Upsampler2x();
  readonly #down2 = new Downsampler2x();
  readonly #down1 = new Downsampler2x();
  #buf2 = new Float64Array(0);
  #buf4 = new Float64Array(0);
  #shaped2 = new Float32Array(0);
  #shaped4 = new Float32Array(0);

  reset(): void {
    this.#up1.reset();
    this.#up2.reset();
    this.#down2.reset();
    this.#down1.reset();
  }

  #ensure(length: number): void {
    if (this.#buf2.length < 2 * length) {
      this.#buf2 = new Float64Array(2 * length);
      this.#buf4 = new Float64Array(4 * length);
      this.#shaped2 = new Float32Array(2 * length);
      this.#shaped4 = new Float32Array(4 * length);
    }
  }

  /**
   * Shapes input[0..length) into output. With curve null the input passes through unchanged and
   * without delay (the oversampling filters are reset so a later curve starts from silence).
   */
  process(input: Float32Array, output: Float32Array, length: number, curve: Float32Array | null, oversample: OverSampleType): void {
    if (curve === null) {
      if (output !== input) output.set(input.subarray(0, length));
      return;
    }
    if (oversample === 'none') {
      shapeBlock(input, output, length, curve);
      return;
    }
    this.#ensure(length);
    const buf2 = this.#buf2;
    const shaped2 = this.#shaped2;
    // 1. Up-sample; 2. apply the curve; 3. down-sample.
    this.#up1.process(input, length, buf2);
    if (oversample === '2x') {
      for (let i = 0; i < 2 * length; i++) shaped2[i] = buf2[i]!;
      shapeBlock(shaped2, shaped2, 2 * length, curve);
      for (let i = 0; i < 2 * length; i++) buf2[i] = shaped2[i]!;
      this.#down1.process(buf2, length, output);
      return;
    }
    const buf4 = this.#buf4;
    const shaped4 = this.#shaped4;
    this.#up2.process(buf2, 2 * length, buf4);
    for (let i = 0; i < 4 * length; i++) shaped4[i] = buf4[i]!;
    shapeBlock(shaped4, shaped4, 4 * length, curve);
    for (let i = 0; i < 4 * length; i++) buf4[i] = shaped4[i]!;
    this.#down2.process(buf4, 2 * length, buf2);
    this.#down1.process(buf2, length, output);
  }
}
