/**
 * The synthetic microphone: a sine tone, a sum of tones, or loopable pink or white noise
 * (optionally beeping on/off) at the mode's sample rate and channel count, delivered every 10 ms
 * as f32-planar AudioData. Chunk k covers sample frames
 * [floor(k * rate / 100), floor((k + 1) * rate / 100)) and is stamped with its first frame's
 * time, so timestamps come from the frame index and never drift.
 *
 * The signal is rendered once into a table holding a whole number of its periods (tones) or one
 * exactly periodic noise block; each chunk is a copy from that table (plus zeros for the beep's
 * off-time) into a pooled buffer.
 */
import type { Clock, ClockTimer } from '../../media/clock.js';
import type { AudioMode, SourceConfig } from '../types.js';
import { BaseSource } from '../base-source.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createAudioData } from '../../media/audio-data.js';
import { noiseBlock } from '../../media/noise.js';

export type SyntheticSignal = 'tone' | 'pink-noise' | 'white-noise';

export interface SyntheticAudioOptions {
  /** What the microphone hears (default 'tone'). */
  signal?: SyntheticSignal;
  /** Tone frequency in Hz, or several tones summed (default 440). */
  toneFrequency?: number | readonly number[];
  beepOnMs?: number;
  beepOffMs?: number;
  amplitude?: number;
}

const CHUNKS_PER_SECOND = 100;

interface PoolEntry {
  data: Uint8Array;
  plane0: Float32Array;
  release: () => void;
}

/** Scales `x` in place so its peak magnitude is `peak`. */
function scalePeak(x: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  const k = max > 0 ? peak / max : 0;
  for (let i = 0; i < x.length; i++) x[i]! *= k;
  return x;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class SyntheticAudioSource extends BaseSource {
  readonly #options: { signal: SyntheticSignal; tones: readonly number[]; amplitude: number; beepOnMs: number; beepOffMs: number };
  #timer: ClockTimer | null = null;
  #table: Float32Array = new Float32Array(0);
  #mode: AudioMode | null = null;
  /** Index of the next chunk; chunk 0 starts at #startMs on the clock. */
  #chunk = 0;
  #startMs = 0;
  #baseUs = 0;
  #pool: PoolEntry[] = [];
  #poolSize = 0;
  readonly #tick = (): void => this.#produce();

  constructor(config: SourceConfig & { kind: 'audio' }, clock: Clock, options: SyntheticAudioOptions = {}) {
    super('audio', clock, config);
    const amplitude = options.amplitude ?? 0.5;
    const tones = typeof options.toneFrequency === 'number' ? [options.toneFrequency] : [...(options.toneFrequency ?? [440])];
    const signal = options.signal ?? 'tone';
    if (!(amplitude >= 0 && amplitude <= 1)) throw new RangeError(`amplitude must be within [0, 1], got ${amplitude}`);
    if (signal !== 'tone' && signal !== 'pink-noise' && signal !== 'white-noise') throw new RangeError(`signal must be 'tone', 'pink-noise' or 'white-noise', got ${String(signal)}`);
    if (tones.length === 0) throw new RangeError('toneFrequency must name at least one frequency');
    for (const f of tones) if (!(f >= 0 && Number.isFinite(f))) throw new RangeError(`toneFrequency must be a finite number >= 0, got ${f}`);
    this.#options = {
      signal,
      tones,
      amplitude,
      beepOnMs: Math.max(0, options.beepOnMs ?? 0),
      beepOffMs: Math.max(0, options.beepOffMs ?? 0),
    };
  }

  /** Simulates the device being muted (e.g. a hardware mute switch). */
  setDeviceMuted(muted: boolean): void {
    this.setMuted(muted);
  }

  protected start(): void {
    const config = this.config;
    if (!config || config.kind !== 'audio') return;
    const mode = config.mode;
    this.#mode = mode;
    this.#renderTable(mode.sampleRate);
    this.#chunk = 0;
    this.#startMs = this.clock.now();
    this.#baseUs = Math.round(this.#startMs * 1000);
    this.#schedule();
  }

  protected halt(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #renderTable(rate: number): void {
    const { signal, tones, amplitude } = this.#options;
    if (signal !== 'tone') {
      // About 2.7 s of noise at 48 kHz: long enough that the loop is not heard as a rhythm.
      // The noise's peak is scaled to the amplitude, like the tone's.
      const block = noiseBlock({ length: 1 << 17, sampleRate: rate, color: signal === 'pink-noise' ? 'pink' : 'white', seed: 1 });
      this.#table = scalePeak(block, amplitude);
      return;
    }
    // A table of a whole number of periods of every tone: rate / gcd(rate, f1, f2, ...) frames when
    // all are integral; otherwise one second.
    const integral = Number.isInteger(rate) && tones.every((f) => Number.isInteger(f));
    const length = integral ? rate / tones.reduce((g, f) => gcd(g, f), rate) : rate;
    const table = new Float32Array(Math.max(1, Math.round(length)));
    // Each of n tones gets amplitude / n, so the sum never exceeds the amplitude.
    const a = amplitude / tones.length;
    for (const f of tones) for (let i = 0; i < table.length; i++) table[i]! += a * Math.sin((2 * Math.PI * f * i) / rate);
    this.#table = table;
  }

  #frameAt(chunk: number): number {
    return Math.floor((chunk * this.#mode!.sampleRate) / CHUNKS_PER_SECOND);
  }

  #schedule(): void {
    // Chunk k is complete (and delivered) when the clock reaches the end of its span.
    this.#timer = this.clock.schedule(this.#dueOf(this.#chunk), this.#tick);
  }

  #produce(): void {
    this.#timer = null;
    const mode = this.#mode!;
    // A late wake-up (a busy event loop on a real clock) delivers every chunk that fell due.
    do {
      const k = this.#chunk++;
      if (this.hasConsumers) {
        const first = this.#frameAt(k);
        const frames = this.#frameAt(k + 1) - first;
        if (frames > 0) this.emit(this.#render(mode, first, frames));
      }
    } while (this.running && this.#dueOf(this.#chunk) <= this.clock.now());
    if (this.running) this.#schedule();
  }

  #dueOf(chunk: number): number {
    return this.#startMs + ((chunk + 1) * 1000) / CHUNKS_PER_SECOND;
  }

  /** A pooled chunk buffer; each entry carries its float view and a release hook made once. */
  #take(size: number): PoolEntry {
    if (size !== this.#poolSize) {
      this.#pool = [];
      this.#poolSize = size;
    }
    const entry = this.#pool.pop();
    if (entry) return entry;
    const data = new Uint8Array(size);
    const made: PoolEntry = {
      data,
      plane0: new Float32Array(data.buffer),
      release: () => {
        // Up to a second of chunks is kept for reuse (a reader may hold that many).
        if (data.length === this.#poolSize && this.#pool.length < CHUNKS_PER_SECOND) this.#pool.push(made);
      },
    };
    return made;
  }

  #render(mode: AudioMode, first: number, frames: number) {
    const channels = mode.channelCount;
    const rate = mode.sampleRate;
    // Entries are sized for the longest chunk (rates that are not a multiple of 100 alternate).
    const entry = this.#take(Math.ceil(rate / CHUNKS_PER_SECOND) * channels * 4);
    const bytes = frames * channels * 4;
    const buffer = FrameBuffer.adopt(bytes === entry.data.length ? entry.data : entry.data.subarray(0, bytes), entry.release);
    const plane0 = entry.plane0;
    const table = this.#table;
    const { beepOnMs, beepOffMs } = this.#options;
    const onFrames = Math.round((beepOnMs * rate) / 1000);
    const cycleFrames = onFrames + Math.round((beepOffMs * rate) / 1000);
    let i = 0;
    while (i < frames) {
      const n = first + i;
      // Beep pattern: tone for onFrames, silence for the rest of the cycle.
      let run = frames - i;
      let audible = true;
      if (beepOffMs > 0 && cycleFrames > 0) {
        const pos = n % cycleFrames;
        audible = pos < onFrames;
        run = Math.min(run, audible ? onFrames - pos : cycleFrames - pos);
      }
      if (audible) {
        let t = n % table.length;
        let left = run;
        let at = i;
        while (left > 0) {
          const take = Math.min(left, table.length - t);
          plane0.set(table.subarray(t, t + take), at);
          at += take;
          left -= take;
          t = 0;
        }
      } else {
        plane0.fill(0, i, i + run);
      }
      i += run;
    }
    for (let c = 1; c < channels; c++) buffer.data.copyWithin(c * frames * 4, 0, frames * 4);
    return createAudioData(buffer, {
      format: 'f32-planar',
      sampleRate: rate,
      numberOfFrames: frames,
      numberOfChannels: channels,
      timestamp: this.#baseUs + Math.round((first * 1e6) / rate),
    });
  }
}
