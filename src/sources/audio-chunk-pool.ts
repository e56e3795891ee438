/**
 * Reusable storage for f32-planar audio chunks. A producer takes a buffer sized for its longest
 * chunk (acquire), fills the planes, and wraps it in an AudioData (wrap); the buffer returns to
 * the pool when the last holder closes that AudioData, so steady-state capture allocates no
 * sample storage per chunk.
 */
import { FrameBuffer } from '../media/frame-buffer.js';
import { createAudioData, type AudioData } from '../media/audio-data.js';

interface Entry {
  readonly bytes: Uint8Array;
  readonly floats: Float32Array;
  readonly release: () => void;
}

export class AudioChunkPool {
  #entries: Entry[] = [];
  #size = 0;
  /** Bumped whenever the chunk size changes, so buffers of the old size are dropped on release. */
  #generation = 0;
  #pending: Entry | null = null;
  readonly #limit: number;

  /** `limit`: how many released buffers are kept (a reader may hold that many chunks). */
  constructor(limit = 100) {
    this.#limit = limit;
  }

  /**
   * Storage for one chunk of up to `maxFrames` frames of `channels` channels. For a chunk of n
   * frames, plane c is floats[c * n, (c + 1) * n). Pass it to wrap() before acquiring again.
   */
  acquire(channels: number, maxFrames: number): Float32Array {
    const size = maxFrames * channels * 4;
    if (size !== this.#size) {
      this.#entries = [];
      this.#size = size;
      this.#generation++;
    }
    const entry = this.#entries.pop() ?? this.#create(size);
    this.#pending = entry;
    return entry.floats;
  }

  /** The AudioData over the storage last acquired, holding `frames` frames per channel. */
  wrap(sampleRate: number, channels: number, frames: number, timestamp: number): AudioData {
    const entry = this.#pending;
    if (!entry) throw new Error('AudioChunkPool.wrap() without a buffer acquired');
    this.#pending = null;
    const bytes = frames * channels * 4;
    const buffer = FrameBuffer.adopt(bytes === entry.bytes.length ? entry.bytes : entry.bytes.subarray(0, bytes), entry.release);
    return createAudioData(buffer, { format: 'f32-planar', sampleRate, numberOfFrames: frames, numberOfChannels: channels, timestamp });
  }

  #create(size: number): Entry {
    const bytes = new Uint8Array(size);
    const generation = this.#generation;
    const entry: Entry = {
      bytes,
      floats: new Float32Array(bytes.buffer),
      release: () => {
        if (generation === this.#generation && this.#entries.length < this.#limit) this.#entries.push(entry);
      },
    };
    return entry;
  }
}
