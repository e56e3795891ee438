/**
 * Reference-counted byte storage behind AudioData and VideoFrame (webcodecs#raw-media-memory-model-reference-counting).
 * A frame holds one reference; clone() takes another; the storage is released when the last
 * holder closes. Process-wide counters record allocations, copies and live buffers so tests and
 * benchmarks can prove that frames move without copying and that nothing leaks.
 */

export interface FramePlaneStats {
  /** Buffers allocated (or adopted) since the last reset. */
  allocations: number;
  /** Bytes allocated for new buffers since the last reset. */
  bytesAllocated: number;
  /** Bytes copied into frame buffers (construction from user data, adaptation, conversion). */
  bytesCopied: number;
  /** Buffers currently referenced by at least one holder. */
  live: number;
}

const stats: FramePlaneStats = { allocations: 0, bytesAllocated: 0, bytesCopied: 0, live: 0 };

/** A snapshot of the frame-plane counters. */
export function framePlaneStats(): FramePlaneStats {
  return { ...stats };
}

/** Resets allocation/copy counters (the live count is kept: it reflects real buffers). */
export function resetFramePlaneStats(): void {
  stats.allocations = 0;
  stats.bytesAllocated = 0;
  stats.bytesCopied = 0;
}

/** Records `bytes` copied into frame storage. */
export function countCopy(bytes: number): void {
  stats.bytesCopied += bytes;
}

export class FrameBuffer {
  readonly data: Uint8Array;
  #refs = 1;
  #onRelease: (() => void) | null;
  readonly #counted: boolean;

  private constructor(data: Uint8Array, onRelease: (() => void) | null, counted = true) {
    this.data = data;
    this.#onRelease = onRelease;
    this.#counted = counted;
    if (counted) {
      stats.allocations++;
      stats.live++;
    }
  }

  /** New zero-filled storage of `size` bytes, with one reference held by the caller. */
  static allocate(size: number): FrameBuffer {
    stats.bytesAllocated += size;
    return new FrameBuffer(new Uint8Array(size), null);
  }

  /**
   * Wraps bytes the caller already owns without copying (a producer's own buffer, a transferred
   * ArrayBuffer). `onRelease` runs when the last reference goes (e.g. to return it to a pool).
   */
  static adopt(data: Uint8Array, onRelease: (() => void) | null = null): FrameBuffer {
    return new FrameBuffer(data, onRelease);
  }

  /**
   * A second handle on `parent`'s storage (no new memory, not counted as a buffer): it holds one
   * reference to the parent and runs `onRelease` when its own last reference goes.
   */
  static view(parent: FrameBuffer, onRelease: (() => void) | null = null): FrameBuffer {
    parent.retain();
    return new FrameBuffer(
      parent.data,
      () => {
        parent.release();
        onRelease?.();
      },
      false,
    );
  }

  get refs(): number {
    return this.#refs;
  }

  retain(): this {
    if (this.#refs <= 0) throw new Error('FrameBuffer.retain() on released storage');
    this.#refs++;
    return this;
  }

  release(): void {
    if (this.#refs <= 0) return;
    this.#refs--;
    if (this.#refs === 0) {
      if (this.#counted) stats.live--;
      const cb = this.#onRelease;
      this.#onRelease = null;
      if (cb) cb();
    }
  }
}
