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
import type { Clock } from '../../media/clock.js';
import type { AudioMode, SourceConfig } from '../types.js';
import { ClockedSource } from '../clocked-source.js';
import { AudioChunkPool } from '../audio-chunk-pool.js';
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

export class SyntheticAudioSource extends ClockedSource {
  readonly #options: { signal: SyntheticSignal; tones: readonly number[]; amplitude: number; beepOnMs: number; beepOffMs: number };
  #table: Float32Array = new Float32Array(0);
  #mode: AudioMode | null = null;
  /** Up to a second of chunks is kept for reuse (a reader may hold that many). */
  readonly #pool = new AudioChunkPool(CHUNKS_PER_SECOND);

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

  protected override prepare(): boolean {
    const config = this.config;
    if (!config || config.kind !== 'audio') return false;
    this.#mode = config.mode;
    this.#renderTable(config.mode.sampleRate);
    return true;
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

  /** Chunk k is complete (and delivered) when the clock reaches the end of its span. */
  protected dueOffsetMs(chunk: number): number {
    return ((chunk + 1) * 1000) / CHUNKS_PER_SECOND;
  }

  protected produce(k: number): void {
    if (!this.hasConsumers) return;
    const first = this.#frameAt(k);
    const frames = this.#frameAt(k + 1) - first;
    if (frames > 0) this.emit(this.#render(this.#mode!, first, frames));
  }

  #render(mode: AudioMode, first: number, frames: number) {
    const channels = mode.channelCount;
    const rate = mode.sampleRate;
    // Storage is sized for the longest chunk (rates that are not a multiple of 100 alternate);
    // plane c of this chunk is floats[c * frames, (c + 1) * frames).
    const plane0 = this.#pool.acquire(channels, Math.ceil(rate / CHUNKS_PER_SECOND));
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
    for (let c = 1; c < channels; c++) plane0.copyWithin(c * frames, 0, frames);
    return this.#pool.wrap(rate, channels, frames, this.startUs + Math.round((first * 1e6) / rate));
  }
}
