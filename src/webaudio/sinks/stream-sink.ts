/**
 * Render-side half of the Node stream sink: frames are converted to the requested sample format
 * and posted to the control thread, which writes them to the user's Writable (streams cannot
 * cross threads). The control side reports backpressure so the renderer waits for 'drain'.
 */
import { floatToS16, type AudioSink } from './types.js';

export class StreamSink implements AudioSink {
  readonly outputLatency = 0;
  readonly wantsData = true;
  readonly #format: 'f32le' | 's16le';
  readonly #post: (chunk: ArrayBuffer) => void;
  #channels = 0;
  #blocked = false;
  #drain: (() => void) | null = null;

  constructor(format: 'f32le' | 's16le', post: (chunk: ArrayBuffer) => void) {
    this.#format = format;
    this.#post = post;
  }

  async open(_sampleRate: number, channels: number): Promise<void> {
    this.#channels = channels;
  }

  write(interleaved: Float32Array, frames: number): boolean {
    const n = frames * this.#channels;
    let chunk: ArrayBuffer;
    if (this.#format === 'f32le') {
      chunk = interleaved.slice(0, n).buffer;
    } else {
      const s = new Int16Array(n);
      floatToS16(interleaved, n, s);
      chunk = s.buffer;
    }
    this.#post(chunk);
    return !this.#blocked;
  }

  /** The control side's Writable reported backpressure (true) or drained (false). */
  setBlocked(blocked: boolean): void {
    this.#blocked = blocked;
    if (!blocked && this.#drain) {
      const cb = this.#drain;
      this.#drain = null;
      cb();
    }
  }

  onDrain(callback: () => void): void {
    if (!this.#blocked) callback();
    else this.#drain = callback;
  }

  onError(): void {}

  async close(): Promise<void> {}
}
