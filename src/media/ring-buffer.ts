// Single-producer / single-consumer ring of planar Float32 audio in a SharedArrayBuffer, for
// handing audio between threads without locks. The producer only advances the write counter,
// the consumer only the read counter; both are free-running 32-bit counters updated with
// Atomics, so every sample written before a counter store is visible to the thread that loads it.
//
// Layout: [readCounter u32, writeCounter u32, padding to HEADER_BYTES] then channel 0's
// capacity floats, channel 1's, ...

const HEADER_BYTES = 64; // keeps the counters on their own cache line, away from sample data
const READ = 0;
const WRITE = 1;
const MAX_CAPACITY = 0x40000000;

export class AudioRingBuffer {
  readonly shared: SharedArrayBuffer;
  readonly channels: number;
  readonly capacity: number;
  readonly #counters: Uint32Array;
  readonly #planes: Float32Array[];

  /** Bytes of SharedArrayBuffer a ring of this shape needs. */
  static byteLength(channels: number, capacityFrames: number): number {
    check(channels, capacityFrames);
    return HEADER_BYTES + channels * capacityFrames * 4;
  }

  static create(channels: number, capacityFrames: number): AudioRingBuffer {
    return new AudioRingBuffer(new SharedArrayBuffer(AudioRingBuffer.byteLength(channels, capacityFrames)), channels, capacityFrames);
  }

  /** Attach to a ring created elsewhere (typically in another thread) with the same shape. */
  static fromShared(buffer: SharedArrayBuffer, channels: number, capacityFrames: number): AudioRingBuffer {
    return new AudioRingBuffer(buffer, channels, capacityFrames);
  }

  private constructor(buffer: SharedArrayBuffer, channels: number, capacityFrames: number) {
    const need = AudioRingBuffer.byteLength(channels, capacityFrames);
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('AudioRingBuffer: buffer is not a SharedArrayBuffer');
    if (buffer.byteLength !== need) {
      throw new RangeError(`AudioRingBuffer: buffer has ${buffer.byteLength} bytes; ${channels} channels x ${capacityFrames} frames need ${need}`);
    }
    this.shared = buffer;
    this.channels = channels;
    this.capacity = capacityFrames;
    this.#counters = new Uint32Array(buffer, 0, 2);
    this.#planes = [];
    for (let c = 0; c < channels; c++) {
      this.#planes.push(new Float32Array(buffer, HEADER_BYTES + c * capacityFrames * 4, capacityFrames));
    }
  }

  /** Frames the consumer can read now. */
  availableRead(): number {
    return (Atomics.load(this.#counters, WRITE) - Atomics.load(this.#counters, READ)) >>> 0;
  }

  /** Frames the producer can write now. */
  availableWrite(): number {
    return this.capacity - this.availableRead();
  }

  /**
   * Producer side: append up to `frames` frames from planes[c][offset...]; returns how many fit.
   * Extra planes are ignored; missing ones must not be: planes.length >= channels.
   */
  write(planes: readonly Float32Array[], frames: number, offset = 0): number {
    this.#checkPlanes(planes, frames, offset, 'write');
    const counters = this.#counters;
    const w = Atomics.load(counters, WRITE);
    const r = Atomics.load(counters, READ);
    const n = Math.min(frames, this.capacity - ((w - r) >>> 0));
    if (n <= 0) return 0;
    const start = w % this.capacity;
    const first = Math.min(n, this.capacity - start);
    for (let c = 0; c < this.channels; c++) {
      const dst = this.#planes[c], src = planes[c];
      dst.set(src.subarray(offset, offset + first), start);
      if (first < n) dst.set(src.subarray(offset + first, offset + n), 0);
    }
    Atomics.store(counters, WRITE, (w + n) >>> 0);
    return n;
  }

  /** Consumer side: take up to `frames` frames into planes[c][offset...]; returns how many. */
  read(planes: Float32Array[], frames: number, offset = 0): number {
    this.#checkPlanes(planes, frames, offset, 'read');
    const counters = this.#counters;
    const r = Atomics.load(counters, READ);
    const w = Atomics.load(counters, WRITE);
    const n = Math.min(frames, (w - r) >>> 0);
    if (n <= 0) return 0;
    const start = r % this.capacity;
    const first = Math.min(n, this.capacity - start);
    for (let c = 0; c < this.channels; c++) {
      const src = this.#planes[c], dst = planes[c];
      dst.set(src.subarray(start, start + first), offset);
      if (first < n) dst.set(src.subarray(0, n - first), offset + first);
    }
    Atomics.store(counters, READ, (r + n) >>> 0);
    return n;
  }

  /** Consumer side: drop up to `frames` frames unread; returns how many were dropped. */
  skip(frames: number): number {
    if (!(Number.isInteger(frames) && frames >= 0)) throw new RangeError(`AudioRingBuffer.skip: frames ${frames} is not a non-negative integer`);
    const counters = this.#counters;
    const r = Atomics.load(counters, READ);
    const n = Math.min(frames, (Atomics.load(counters, WRITE) - r) >>> 0);
    if (n > 0) Atomics.store(counters, READ, (r + n) >>> 0);
    return n;
  }

  #checkPlanes(planes: readonly Float32Array[], frames: number, offset: number, op: string): void {
    if (!(Number.isInteger(frames) && frames >= 0)) throw new RangeError(`AudioRingBuffer.${op}: frames ${frames} is not a non-negative integer`);
    if (!(Number.isInteger(offset) && offset >= 0)) throw new RangeError(`AudioRingBuffer.${op}: offset ${offset} is not a non-negative integer`);
    if (planes.length < this.channels) throw new RangeError(`AudioRingBuffer.${op}: ${planes.length} planes given for ${this.channels} channels`);
    for (let c = 0; c < this.channels; c++) {
      if (planes[c].length < offset + frames) {
        throw new RangeError(`AudioRingBuffer.${op}: plane ${c} holds ${planes[c].length} frames, fewer than offset + frames = ${offset + frames}`);
      }
    }
  }
}

function check(channels: number, capacityFrames: number): void {
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`AudioRingBuffer: channels ${channels} is not a positive integer`);
  if (!(Number.isInteger(capacityFrames) && capacityFrames > 0 && capacityFrames <= MAX_CAPACITY)) {
    throw new RangeError(`AudioRingBuffer: capacity ${capacityFrames} is not an integer in 1..${MAX_CAPACITY}`);
  }
}
