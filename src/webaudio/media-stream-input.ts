/**
 * The control-side data path of MediaStreamAudioSourceNode / MediaStreamTrackAudioSourceNode:
 * a track's AudioData go, converted to the context's sample rate, into the AudioRingBuffer that
 * the node's 'ExternalInput' processor reads one quantum at a time (render/external-io.ts).
 *
 * Two clocks meet here: the capture clock that paces the track and the render clock that paces
 * the context. Even when both claim the same nominal rate they drift apart (0.01-0.1 % is common
 * between a microphone and an output device), so a fixed conversion would let the ring slowly
 * fill up (latency growing without bound) or run dry (periodic gaps). Drift compensation:
 *
 * - The fixed part of the conversion (track rate -> context rate) is a band-limited Resampler.
 * - After it, a DriftCompensator reads its input at a step of 1 + d frames per output frame
 *   (band-limited windowed-sinc interpolation, 32 taps; an exact copy while d = 0). d is set once
 *   per measurement window (half a second) by a proportional controller on the ring's *slack*:
 *   the smallest fill level seen just before a write during the window, i.e. how close the
 *   reader came to starving. Within a dead band of two quanta around the target d = 0, so clocks
 *   that agree (and ordinary scheduling jitter) leave the audio untouched; beyond it, the part
 *   outside the band is worked off over eight windows: d = (|slack - target| - band) / (8 x
 *   window), signed, clamped to +-0.5 %. With a constant clock ratio error e the slack settles
 *   at band + 8 x window x e from the target (about 450 frames for 0.1 % at 48 kHz), so the
 *   latency stays bounded for any run length, and the pitch correction equals the clock error
 *   (0.1 % is 1.7 cents, inaudible) instead of hunting.
 * - The processor primes (waits for target + one chunk of frames) before reading and after any
 *   underrun, and skips a backlog beyond a hard bound (a stalled event loop delivering a burst).
 *   Both are counted; in steady state neither happens. The target starts at two quanta + 15 ms;
 *   each underrun (a busier machine than the margin allows for) widens it by 5 ms, up to 100 ms,
 *   so latency adapts to the jitter actually seen and stays bounded.
 *
 * While the context is not running, input is dropped (webaudio#dom-audiocontext-suspend: no
 * buffering while suspended), and the compensator restarts on resume.
 */
import { AudioRingBuffer } from '../media/ring-buffer.js';
import { Resampler } from '../media/resample.js';
import { audioDataChannels, type AudioData } from '../media/audio-data.js';
import type { MediaConsumer } from '../sources/types.js';
import { ExternalStats, STAT_PRIMED, STAT_SKIPPED_FRAMES, STAT_UNDERRUNS } from './render/external-io.js';

/** Largest step correction (fraction of the rate) the controller applies. */
export const MAX_CORRECTION = 0.005;

/** Slack error (in quanta) the controller leaves alone: scheduling jitter, not drift. */
export const DEAD_BAND_QUANTA = 2;
/** The controller works a slack error off over this many measurement windows. */
export const RESPONSE_WINDOWS = 8;

/** The initial jitter margin of the target slack, in seconds. */
export const INITIAL_JITTER_S = 0.015;
/** Each underrun widens the target slack by this many seconds, up to MAX_TARGET_S. */
export const JITTER_STEP_S = 0.005;
export const MAX_TARGET_S = 0.1;

/** Half the interpolation filter length in frames (the compensator's delay). */
const HALF_TAPS = 16;
const TAPS = 2 * HALF_TAPS;
/** Fractional positions tabulated; a position uses the nearest row (error below -70 dB). */
const PHASES = 2048;
const KAISER_BETA = 8;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

let sincTable: Float32Array | null = null;

/**
 * Rows of TAPS weights for fractional positions q / PHASES, q = 0..PHASES: a Kaiser-windowed sinc
 * (band-limited interpolation; zero at every whole distance but 0, so a whole position reproduces
 * the input sample), each row normalised to unit DC gain.
 */
function interpolationTable(): Float32Array {
  if (sincTable) return sincTable;
  const t = new Float32Array((PHASES + 1) * TAPS);
  const row = new Float64Array(TAPS);
  const i0b = besselI0(KAISER_BETA);
  for (let q = 0; q <= PHASES; q++) {
    const f = q / PHASES;
    let sum = 0;
    for (let m = 0; m < TAPS; m++) {
      // Tap m reads input frame i + m - HALF_TAPS + 1 for position i + f: distance f - (m - H + 1).
      const d = f - (m - HALF_TAPS + 1);
      const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
      const r = d / HALF_TAPS;
      const win = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0b;
      row[m] = sinc * win;
      sum += sinc * win;
    }
    for (let m = 0; m < TAPS; m++) t[q * TAPS + m] = row[m]! / sum;
  }
  sincTable = t;
  return t;
}

/**
 * Reads its input at a step of `1 + correction` input frames per output frame, by band-limited
 * (windowed-sinc) interpolation, so even high frequencies pass unattenuated. The output lags the
 * input by `latency` frames; at a whole read position (always, while the correction is 0 and has
 * been 0 since the last reset) the output is the input exactly.
 */
export class DriftCompensator {
  readonly channels: number;
  /** Output delay in frames. */
  readonly latency = HALF_TAPS;
  /**
   * Read position in the buffer: its first TAPS frames are the previous input, the current chunk
   * follows; position p is input frame p - TAPS of the chunk.
   */
  #pos = HALF_TAPS;
  #step = 1;
  #correction = 0;
  #bufs: Float64Array[];
  readonly #table = interpolationTable();

  constructor(channels: number) {
    if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`DriftCompensator: channels ${channels} is not a positive integer`);
    this.channels = channels;
    this.#bufs = Array.from({ length: channels }, () => new Float64Array(TAPS + 4096));
  }

  get correction(): number {
    return this.#correction;
  }

  set correction(d: number) {
    if (!Number.isFinite(d)) throw new RangeError(`DriftCompensator: correction ${d} is not finite`);
    this.#correction = Math.max(-MAX_CORRECTION, Math.min(MAX_CORRECTION, d));
    this.#step = 1 + this.#correction;
  }

  /** Output frames the next process() of `frames` input frames writes at most. */
  maxOutputFrames(frames: number): number {
    return Math.ceil(frames / (1 - MAX_CORRECTION)) + 2;
  }

  reset(): void {
    this.#pos = HALF_TAPS;
    for (const b of this.#bufs) b.fill(0, 0, TAPS);
  }

  /** Converts `frames` frames of `input`; returns the number of frames written to `output`. */
  process(input: readonly Float32Array[], frames: number, output: Float32Array[]): number {
    if (frames <= 0) return 0;
    const chs = this.channels;
    if (this.#bufs[0]!.length < TAPS + frames) {
      // Grows once to the largest chunk seen (the history is kept).
      this.#bufs = this.#bufs.map((b) => {
        const g = new Float64Array(TAPS + frames);
        g.set(b.subarray(0, TAPS));
        return g;
      });
    }
    const bufs = this.#bufs;
    for (let c = 0; c < chs; c++) {
      const b = bufs[c]!;
      const x = input[c]!;
      for (let i = 0; i < frames; i++) b[TAPS + i] = x[i]!;
    }
    const table = this.#table;
    const step = this.#step;
    const avail = TAPS + frames;
    const start = this.#pos;
    let pos = start;
    let n = 0;
    // Position p needs frames floor(p) - H + 1 .. floor(p) + H.
    while (Math.floor(pos) + HALF_TAPS < avail) {
      const i = Math.floor(pos);
      const f = pos - i;
      if (f === 0) {
        for (let c = 0; c < chs; c++) output[c]![n] = bufs[c]![i]!;
      } else {
        const r = Math.round(f * PHASES) * TAPS;
        const base = i - HALF_TAPS + 1;
        for (let c = 0; c < chs; c++) {
          const b = bufs[c]!;
          let acc = 0;
          for (let m = 0; m < TAPS; m++) acc += table[r + m]! * b[base + m]!;
          output[c]![n] = acc;
        }
      }
      n++;
      pos = start + n * step;
    }
    // Keep the last TAPS frames as history; positions move back by `frames`.
    for (let c = 0; c < chs; c++) bufs[c]!.copyWithin(0, frames, frames + TAPS);
    this.#pos = pos - frames;
    return n;
  }
}

export interface InputPumpOptions {
  contextRate: number;
  quantumSize: number;
  /** Whether the context renders now (input is dropped otherwise). */
  running: () => boolean;
  /** The ring changed (channel count): tell the processor. */
  onRing: (ring: AudioRingBuffer, tuning: { maxLatencyFrames: number; primeFrames: number }) => void;
  /** The buffering targets changed (first chunk size seen). */
  onTune: (tuning: { maxLatencyFrames: number; primeFrames: number }) => void;
  /** The track ended. */
  onEnd: () => void;
  channels: number;
}

/** Statistics a source node's pump keeps (frames at the context rate). */
export interface InputPumpStats {
  framesIn: number;
  framesWritten: number;
  framesDropped: number;
  underruns: number;
  skippedFrames: number;
  slack: number;
  correction: number;
}

/**
 * Subscribes as a MediaConsumer; converts and writes each AudioData into the ring. The window
 * slack controller lives here (see the file comment).
 */
export class InputPump implements MediaConsumer<unknown> {
  ring: AudioRingBuffer;
  readonly stats: ExternalStats;
  readonly #o: InputPumpOptions;
  #resampler: Resampler | null = null;
  #drift: DriftCompensator;
  #planesA: Float32Array[] = [];
  #planesB: Float32Array[] = [];
  #chunk = 0;
  #target: number;
  readonly #window: number;
  readonly #deadBand: number;
  readonly #maxTarget: number;
  #underrunsSeen = 0;
  #windowFill = 0;
  #windowMin = Infinity;
  #wasRunning = false;
  #ended = false;
  #framesIn = 0;
  #framesWritten = 0;
  #framesDropped = 0;
  #lastSlack = NaN;

  constructor(options: InputPumpOptions) {
    this.#o = options;
    this.stats = ExternalStats.create();
    this.ring = AudioRingBuffer.create(options.channels, ringCapacity(options.contextRate));
    this.#drift = new DriftCompensator(options.channels);
    // Two quanta plus a margin for the scheduling jitter between the event loop (where tracks
    // deliver) and the render thread.
    this.#target = 2 * options.quantumSize + Math.round(options.contextRate * INITIAL_JITTER_S);
    this.#window = Math.round(options.contextRate / 2);
    this.#deadBand = DEAD_BAND_QUANTA * options.quantumSize;
    this.#maxTarget = Math.round(options.contextRate * MAX_TARGET_S);
  }

  /** Buffering for the processor: prime at target + one chunk; hard bound well above that. */
  tuning(): { maxLatencyFrames: number; primeFrames: number } {
    const prime = this.#target + this.#chunk;
    const max = Math.min(this.ring.capacity - this.#o.quantumSize, prime + Math.max(this.#chunk, 4 * this.#o.quantumSize) + Math.round(this.#o.contextRate * 0.05));
    return { maxLatencyFrames: max, primeFrames: Math.min(prime, max) };
  }

  get target(): number {
    return this.#target;
  }

  snapshot(): InputPumpStats {
    return {
      framesIn: this.#framesIn,
      framesWritten: this.#framesWritten,
      framesDropped: this.#framesDropped,
      underruns: this.stats.get(STAT_UNDERRUNS),
      skippedFrames: this.stats.get(STAT_SKIPPED_FRAMES),
      slack: this.#lastSlack,
      correction: this.#drift.correction,
    };
  }

  frame(frame: unknown): void {
    const data = frame as AudioData;
    try {
      this.#write(data);
    } catch {
      // A frame this path cannot convert (e.g. a rate beyond the resampler's range) is dropped,
      // never allowed to break the track's delivery.
      this.#framesDropped += data.numberOfFrames;
    } finally {
      data.close();
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#o.onEnd();
  }

  #write(data: AudioData): void {
    const frames = data.numberOfFrames;
    const channels = data.numberOfChannels;
    const rate = data.sampleRate;
    if (this.#ended || frames === 0 || channels === 0) return;
    if (!this.#o.running()) {
      // Dropped, not buffered: a resumed context starts from live input.
      this.#wasRunning = false;
      this.#framesDropped += frames;
      return;
    }
    if (!this.#wasRunning) {
      this.#wasRunning = true;
      this.#resampler?.reset();
      this.#drift.reset();
      this.#drift.correction = 0;
      this.#windowFill = 0;
      this.#windowMin = Infinity;
    }
    if (channels !== this.ring.channels) {
      this.ring = AudioRingBuffer.create(channels, this.ring.capacity);
      this.#drift = new DriftCompensator(channels);
      this.#resampler = null;
      this.#o.onRing(this.ring, this.tuning());
    }
    const ctxRate = this.#o.contextRate;
    if (rate !== ctxRate && (this.#resampler === null || this.#resampler.inputRate !== rate || this.#resampler.channels !== channels)) {
      this.#resampler = new Resampler(rate, ctxRate, channels);
    } else if (rate === ctxRate) {
      this.#resampler = null;
    }
    let planes = audioDataChannels(data);
    let n = frames;
    const r = this.#resampler;
    if (r !== null) {
      this.#planesA = grow(this.#planesA, channels, r.maxOutputFrames(n));
      n = r.process(planes, n, this.#planesA);
      planes = this.#planesA;
    }
    const chunk = Math.ceil((frames * ctxRate) / rate);
    if (chunk > this.#chunk) {
      this.#chunk = chunk;
      this.#o.onTune(this.tuning());
    }
    this.#framesIn += n;
    this.#planesB = grow(this.#planesB, channels, this.#drift.maxOutputFrames(n));
    const m = this.#drift.process(planes, n, this.#planesB);
    const slack = this.ring.availableRead();
    this.#lastSlack = slack;
    const written = this.ring.write(this.#planesB, m);
    this.#framesWritten += written;
    this.#framesDropped += m - written;
    const underruns = this.stats.get(STAT_UNDERRUNS);
    if (underruns !== this.#underrunsSeen) {
      // The reader starved: the jitter here is larger than the margin allows for. Widen it.
      this.#underrunsSeen = underruns;
      const wider = Math.min(this.#maxTarget, this.#target + Math.round(this.#o.contextRate * JITTER_STEP_S));
      if (wider !== this.#target) {
        this.#target = wider;
        this.#o.onTune(this.tuning());
      }
    }
    if (this.stats.get(STAT_PRIMED) === 0) {
      // Filling up to the priming level (start, or after an underrun) says nothing about drift.
      this.#windowFill = 0;
      this.#windowMin = Infinity;
      return;
    }
    if (slack < this.#windowMin) this.#windowMin = slack;
    this.#windowFill += n;
    if (this.#windowFill >= this.#window) this.#adjust();
  }

  /** Once per window: the proportional step correction from the smallest slack seen. */
  #adjust(): void {
    const excess = this.#windowMin - this.#target;
    // Inside the dead band the conversion stays an exact copy (clocks that agree change nothing);
    // beyond it, the part outside the band is worked off over RESPONSE_WINDOWS windows.
    const outside = Math.abs(excess) - this.#deadBand;
    this.#drift.correction = outside <= 0 ? 0 : (Math.sign(excess) * outside) / (RESPONSE_WINDOWS * this.#windowFill);
    this.#windowFill = 0;
    this.#windowMin = Infinity;
  }
}

/** One second of frames, at least 8192: room for the hard latency bound and bursts. */
function ringCapacity(rate: number): number {
  return Math.max(8192, Math.ceil(rate));
}

function grow(planes: Float32Array[], channels: number, frames: number): Float32Array[] {
  if (planes.length >= channels && planes[0]!.length >= frames) return planes;
  const size = Math.max(frames, planes[0]?.length ?? 0);
  const out: Float32Array[] = [];
  for (let c = 0; c < Math.max(channels, planes.length); c++) out.push(new Float32Array(size));
  return out;
}
