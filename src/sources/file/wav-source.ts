/**
 * A WAV file as a microphone, looped, like a browser's --use-file-for-fake-audio-capture. The file
 * is decoded once into planar floats; capture delivers it in 10 ms chunks paced by the source's
 * clock. Chunk k covers output frames [floor(k * rate / 100), floor((k + 1) * rate / 100)), output
 * frame n is file frame n mod length, and the chunk is stamped with its first frame's time, so
 * timestamps come from the sample count and never drift.
 */
import type { Clock } from '../../media/clock.js';
import type { SourceConfig } from '../types.js';
import { ClockedSource } from '../clocked-source.js';
import { AudioChunkPool } from '../audio-chunk-pool.js';

const CHUNKS_PER_SECOND = 100;

export interface DecodedAudio {
  readonly sampleRate: number;
  /** One plane per channel, all of the same length (> 0). */
  readonly channels: readonly Float32Array[];
}

export class WavFileSource extends ClockedSource {
  readonly #audio: DecodedAudio;
  readonly #pool = new AudioChunkPool();

  constructor(audio: DecodedAudio, config: SourceConfig & { kind: 'audio' }, clock: Clock) {
    super('audio', clock, config);
    if (audio.channels.length === 0 || audio.channels[0]!.length === 0) throw new RangeError('WavFileSource: the audio holds no samples');
    this.#audio = audio;
  }

  #frameAt(chunk: number): number {
    return Math.floor((chunk * this.#audio.sampleRate) / CHUNKS_PER_SECOND);
  }

  /** Chunk k is complete (and delivered) when the clock reaches the end of its span. */
  protected dueOffsetMs(chunk: number): number {
    return ((chunk + 1) * 1000) / CHUNKS_PER_SECOND;
  }

  protected produce(k: number): void {
    if (!this.hasConsumers) return;
    const first = this.#frameAt(k);
    const frames = this.#frameAt(k + 1) - first;
    if (frames > 0) this.emit(this.#render(first, frames));
  }

  #render(first: number, frames: number) {
    const { sampleRate, channels } = this.#audio;
    const length = channels[0]!.length;
    const floats = this.#pool.acquire(channels.length, Math.ceil(sampleRate / CHUNKS_PER_SECOND));
    for (let c = 0; c < channels.length; c++) {
      const src = channels[c]!;
      let at = c * frames;
      let pos = first % length;
      let left = frames;
      // Copy runs up to the end of the file, then wrap to its start.
      while (left > 0) {
        const take = Math.min(left, length - pos);
        floats.set(src.subarray(pos, pos + take), at);
        at += take;
        left -= take;
        pos = 0;
      }
    }
    return this.#pool.wrap(sampleRate, channels.length, frames, this.startUs + Math.round((first * 1e6) / sampleRate));
  }
}
