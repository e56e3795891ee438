/**
 * Writes the context output to a WAV file (RIFF/WAVE, IEEE float 32-bit or PCM 16-bit), paced in
 * real time. While running the header says "length unknown" (readers take the data to the end of
 * the file); close() writes the real sizes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { wavHeader } from '../../media/codecs/wav.js';
import { floatToS16, type AudioSink } from './types.js';

export class WavFileSink implements AudioSink {
  readonly outputLatency = 0;
  readonly wantsData = true;
  readonly #path: string;
  readonly #format: 'f32' | 's16';
  #fd = -1;
  #bytes = 0;
  #sampleRate = 0;
  #channels = 0;
  #s16: Int16Array = new Int16Array(0);
  #error: ((m: string) => void) | null = null;

  constructor(path: string, format: 'f32' | 's16' = 'f32') {
    this.#path = path;
    this.#format = format;
  }

  async open(sampleRate: number, channels: number): Promise<void> {
    this.#sampleRate = sampleRate;
    this.#channels = channels;
    try {
      this.#fd = openSync(this.#path, 'w');
      writeSync(this.#fd, wavHeader(Math.round(sampleRate), channels, this.#format));
    } catch (e) {
      throw new Error(`cannot open WAV file '${this.#path}': ${(e as Error).message}`);
    }
  }

  write(interleaved: Float32Array, frames: number): boolean {
    if (this.#fd < 0) return true;
    const n = frames * this.#channels;
    try {
      if (this.#format === 'f32') {
        this.#bytes += writeSync(this.#fd, new Uint8Array(interleaved.buffer, interleaved.byteOffset, n * 4));
      } else {
        if (this.#s16.length < n) this.#s16 = new Int16Array(n);
        floatToS16(interleaved, n, this.#s16);
        this.#bytes += writeSync(this.#fd, new Uint8Array(this.#s16.buffer, 0, n * 2));
      }
    } catch (e) {
      const fd = this.#fd;
      this.#fd = -1;
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
      this.#error?.(`writing WAV file '${this.#path}' failed: ${(e as Error).message}`);
    }
    return true;
  }

  onDrain(): void {}

  onError(callback: (message: string) => void): void {
    this.#error = callback;
  }

  async close(): Promise<void> {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    try {
      writeSync(fd, wavHeader(Math.round(this.#sampleRate), this.#channels, this.#format, this.#bytes), 0, 44, 0);
    } finally {
      closeSync(fd);
    }
  }
}
