/** The 'none' sink (AudioSinkOptions { type: 'none' }): renders in real time, outputs nothing. */
import type { AudioSink } from './types.js';

export class NoneSink implements AudioSink {
  readonly outputLatency = 0;
  readonly wantsData = false;

  async open(): Promise<void> {}

  write(): boolean {
    return true;
  }

  onDrain(): void {}

  onError(): void {}

  async close(): Promise<void> {}
}
