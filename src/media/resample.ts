// Streaming sample-rate conversion by band-limited interpolation: a Kaiser-windowed sinc
// low-pass evaluated as a polyphase filter.
//
// Design: pass band to 0.45 x min(rate), stop band from 0.5 x min(rate) with at least
// STOPBAND_DB attenuation. When the rate ratio reduces to a fraction with a modest
// denominator, every phase the conversion visits is tabulated exactly; otherwise (irrational or
// awkward ratios) a dense phase table is linearly interpolated.
//
// Timing: output frame n is the band-limited input evaluated at input time n*in/out - H, where H
// is the filter's half length in input frames. The filter is causal on the input (output n needs
// input up to floor(n*in/out) only), so over a long run outputs = inputs * out/in, and the
// group delay is H input frames = `latency` output frames.

const STOPBAND_DB = 100;
const PASS_EDGE = 0.45;
const STOP_EDGE = 0.5;
/** Input frames buffered per inner block (bounds memory, not the call size). */
const BLOCK = 4096;
/** Largest exact phase table (phases x taps) before switching to interpolated phases. */
const MAX_EXACT_TABLE = 1 << 19;
const INTERP_PHASES = 1024;
/** Largest supported conversion factor either way (Web Audio rates span 3000..768000 Hz). */
const MAX_RATIO = 256;

function besselI0(x: number): number {
  // Power series; converges quickly for the beta values used here.
  let sum = 1, term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b) { const t = a % b; a = b; b = t; }
  return a;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly channels: number;
  /** Group delay in output frames. */
  readonly latency: number;

  readonly #passThrough: boolean;
  /** Taps per phase (2H). */
  readonly #taps: number;
  /** Rows of #taps coefficients; exact mode: #phases rows; interpolated mode: #phases + 1 rows. */
  readonly #coef: Float64Array;
  readonly #phases: number;
  readonly #exact: boolean;
  /** Exact mode: input step per output = #stepInt + #stepNum / #phases. */
  readonly #stepInt: number;
  readonly #stepNum: number;
  /** Interpolated mode: step in input frames. */
  readonly #step: number;
  readonly #bufs: Float64Array[];
  #fill = 0;
  /** Buffer index where the next output's window starts. */
  #ipos = 0;
  /** Fractional position: exact mode, numerator over #phases; interpolated mode, in [0, 1). */
  #frac = 0;

  constructor(inputRate: number, outputRate: number, channels: number) {
    if (!(Number.isFinite(inputRate) && inputRate > 0)) throw new RangeError(`Resampler: inputRate ${inputRate} is not a positive finite number`);
    if (!(Number.isFinite(outputRate) && outputRate > 0)) throw new RangeError(`Resampler: outputRate ${outputRate} is not a positive finite number`);
    if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`Resampler: channels ${channels} is not a positive integer`);
    if (inputRate / outputRate > MAX_RATIO || outputRate / inputRate > MAX_RATIO) {
      throw new RangeError(`Resampler: ratio ${inputRate}:${outputRate} is beyond 1:${MAX_RATIO} in either direction`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.channels = channels;
    this.#passThrough = inputRate === outputRate;
    if (this.#passThrough) {
      this.latency = 0;
      this.#taps = 0; this.#coef = new Float64Array(0); this.#phases = 1; this.#exact = true;
      this.#stepInt = 1; this.#stepNum = 0; this.#step = 1; this.#bufs = [];
      return;
    }
    const step = inputRate / outputRate;
    const rel = Math.min(1, outputRate / inputRate); // min(rate) / inputRate
    const cutoff = ((PASS_EDGE + STOP_EDGE) / 2) * rel; // cycles per input frame
    const transition = (STOP_EDGE - PASS_EDGE) * rel;
    const beta = 0.1102 * (STOPBAND_DB - 8.7);
    const n = (STOPBAND_DB - 7.95) / (2.285 * 2 * Math.PI * transition) + 1;
    const half = Math.max(Math.ceil(n / 2), Math.ceil(step) + 1);
    const taps = 2 * half;

    // When shrinking, the kernel is smoother per input frame, so fewer phases keep the same
    // interpolation accuracy (and the table size stays near INTERP_PHASES x 2H for any ratio).
    let exact = false, phases = Math.max(16, Math.ceil(INTERP_PHASES * rel)), stepInt = 0, stepNum = 0;
    if (Number.isInteger(inputRate) && Number.isInteger(outputRate)) {
      const g = gcd(inputRate, outputRate);
      const a = inputRate / g, b = outputRate / g;
      if (b * taps <= MAX_EXACT_TABLE) {
        exact = true; phases = b; stepInt = Math.floor(a / b); stepNum = a % b;
      }
    }
    const rows = exact ? phases : phases + 1;
    const coef = new Float64Array(rows * taps);
    const i0b = besselI0(beta);
    for (let p = 0; p < rows; p++) {
      const d = p / phases;
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        const tau = d + half - 1 - j; // distance from the evaluation point, in input frames
        const r = tau / half;
        let v = 0;
        if (r > -1 && r < 1) {
          const x = 2 * cutoff * tau;
          const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
          v = 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
        }
        coef[p * taps + j] = v;
        sum += v;
      }
      // Unit DC gain in every phase.
      for (let j = 0; j < taps; j++) coef[p * taps + j] /= sum;
    }
    this.#taps = taps;
    this.#coef = coef;
    this.#phases = phases;
    this.#exact = exact;
    this.#stepInt = stepInt;
    this.#stepNum = stepNum;
    this.#step = step;
    this.latency = half / step;
    const block = Math.max(BLOCK, 2 * Math.ceil(step) + 2);
    this.#bufs = Array.from({ length: channels }, () => new Float64Array(taps - 1 + block));
    this.reset();
  }

  /** Forget all history; the next output starts as if the stream began anew. */
  reset(): void {
    for (const b of this.#bufs) b.fill(0);
    this.#fill = this.#taps - 1;
    this.#ipos = 0;
    this.#frac = 0;
  }

  /**
   * How many frames the next process() call with `inputFrames` input frames writes at most.
   * Output arrays passed to process() must hold at least this many frames.
   */
  maxOutputFrames(inputFrames: number): number {
    if (this.#passThrough) return inputFrames;
    // Outputs whose window start ipos satisfies ipos + taps - 1 <= fill + inputFrames - 1.
    const limit = this.#fill + inputFrames - this.#taps;
    if (limit < this.#ipos) return 0;
    if (this.#exact) {
      const b = this.#phases;
      const stepN = this.#stepInt * b + this.#stepNum;
      const posN = this.#ipos * b + this.#frac;
      // floor((limit*b + b - 1 - posN) / stepN) + 1 counts n with floor(pos + n*step) <= limit
      return Math.floor((limit * b + (b - 1) - posN) / stepN) + 1;
    }
    return Math.floor((limit + 1 - (this.#ipos + this.#frac)) / this.#step) + 1;
  }

  /**
   * Convert `frames` frames of `input` (one array per channel) and write the produced frames to
   * `output` (one array per channel, each at least maxOutputFrames(frames) long). Returns the
   * number of frames written. State carries over: feeding a stream in pieces gives the same
   * output as one call.
   */
  process(input: readonly Float32Array[], frames: number, output: Float32Array[]): number {
    const chs = this.channels;
    if (input.length < chs || output.length < chs) {
      throw new RangeError(`Resampler.process: expected ${chs} input and output channels, got ${input.length} and ${output.length}`);
    }
    if (!(Number.isInteger(frames) && frames >= 0)) throw new RangeError(`Resampler.process: frames ${frames} is not a non-negative integer`);
    const need = this.maxOutputFrames(frames);
    for (let c = 0; c < chs; c++) {
      if (input[c].length < frames) throw new RangeError(`Resampler.process: input channel ${c} holds ${input[c].length} frames, fewer than ${frames}`);
      if (output[c].length < need) throw new RangeError(`Resampler.process: output channel ${c} holds ${output[c].length} frames; up to ${need} may be written`);
    }
    if (this.#passThrough) {
      for (let c = 0; c < chs; c++) output[c].set(input[c].subarray(0, frames));
      return frames;
    }
    const taps = this.#taps;
    const bufs = this.#bufs;
    const cap = bufs[0].length;
    const coef = this.#coef;
    let written = 0;
    let consumed = 0;
    while (consumed < frames) {
      const k = Math.min(frames - consumed, cap - this.#fill);
      for (let c = 0; c < chs; c++) {
        const b = bufs[c], x = input[c];
        for (let i = 0; i < k; i++) b[this.#fill + i] = x[consumed + i];
      }
      this.#fill += k;
      consumed += k;
      const last = this.#fill - taps; // highest window start with a full window
      let ipos = this.#ipos, frac = this.#frac;
      if (this.#exact) {
        const phases = this.#phases, si = this.#stepInt, sn = this.#stepNum;
        while (ipos <= last) {
          const row = frac * taps;
          for (let c = 0; c < chs; c++) {
            const b = bufs[c];
            let acc = 0;
            for (let j = 0; j < taps; j++) acc += coef[row + j] * b[ipos + j];
            output[c][written] = acc;
          }
          written++;
          ipos += si;
          frac += sn;
          if (frac >= phases) { frac -= phases; ipos++; }
        }
      } else {
        const phases = this.#phases, step = this.#step;
        while (ipos <= last) {
          const ph = frac * phases;
          const p = Math.floor(ph);
          const t = ph - p;
          const r0 = p * taps, r1 = r0 + taps;
          for (let c = 0; c < chs; c++) {
            const b = bufs[c];
            let a0 = 0, a1 = 0;
            for (let j = 0; j < taps; j++) {
              const v = b[ipos + j];
              a0 += coef[r0 + j] * v;
              a1 += coef[r1 + j] * v;
            }
            output[c][written] = a0 + t * (a1 - a0);
          }
          written++;
          frac += step;
          const whole = Math.floor(frac);
          ipos += whole;
          frac -= whole;
        }
      }
      // Keep the samples later windows still need at the front of the buffer.
      const keep = this.#fill - ipos;
      for (let c = 0; c < chs; c++) bufs[c].copyWithin(0, ipos, this.#fill);
      this.#fill = keep;
      this.#ipos = 0;
      this.#frac = frac;
    }
    return written;
  }
}
