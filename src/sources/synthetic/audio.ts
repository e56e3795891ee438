/**
 * The synthetic microphone: a sine tone (optionally beeping on/off) at the mode's sample rate and
 * channel count, delivered every 10 ms as f32-planar AudioData. Chunk k covers sample frames
 * [floor(k * rate / 100), floor((k + 1) * rate / 100)) and is stamped with its first frame's
 * time, so timestamps come from the frame index and never drift.
 *
 * The tone is rendered once into a table holding a whole number of periods; each chunk is a copy
 * from that table (plus zeros for the beep's off-time) into a pooled buffer.
 */
import type { Clock, ClockTimer } from '../../media/clock.js';
import type { AudioMode, SourceConfig } from '../types.js';
import { BaseSource } from '../base-source.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createAudioData } from '../../media/audio-data.js';

export interface SyntheticAudioOptions {
  toneFrequency?: number;
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

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class SyntheticAudioSource extends BaseSource {
  readonly #options: Required<SyntheticAudioOptions>;
  #timer: ClockTimer | null = null;
  #table = new Float32Array(0);
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
    const toneFrequency = options.toneFrequency ?? 440;
    if (!(amplitude >= 0 && amplitude <= 1)) throw new RangeError(`amplitude must be within [0, 1], got ${amplitude}`);
    if (!(toneFrequency >= 0 && Number.isFinite(toneFrequency))) throw new RangeError(`toneFrequency must be a finite number >= 0, got ${toneFrequency}`);
    this.#options = {
      toneFrequency,
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
    const f = this.#options.toneFrequency;
    // A table of a whole number of periods: rate / gcd(rate, f) frames for integral f; otherwise one second.
    const length = f > 0 && Number.isInteger(f) && Number.isInteger(rate) ? rate / gcd(rate, f) : rate;
    const table = new Float32Array(Math.max(1, Math.round(length)));
    const a = this.#options.amplitude;
    for (let i = 0; i < table.length; i++) table[i] = a * Math.sin((2 * Math.PI * f * i) / rate);
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
