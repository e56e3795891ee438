/**
 * Collects what a muxer writes, positionally, and hands it out in order as Blob parts.
 *
 * Muxers write forward and, at the end, go back to fill in what they learn late (a WebM's
 * duration and cue index position, a WAV's sizes). A write into bytes not yet handed out is
 * applied in place; a write into bytes already handed out cannot change them any more and is
 * passed to the patch watchers instead (a file writer applies it with a positional write), so a
 * recording delivered in one piece carries everything and a recording in slices plays as browsers'
 * do.
 */
export type PatchWatcher = (position: number, bytes: Uint8Array) => void;

export class ByteCollector {
  /** Bytes handed out so far: the file position where the pending bytes start. */
  #delivered = 0;
  #pending = new Uint8Array(64 * 1024);
  #length = 0;
  readonly #watchers = new Set<PatchWatcher>();

  /** Bytes written and not yet taken. */
  get pendingBytes(): number {
    return this.#length;
  }

  /** The file position after the last byte written. */
  get size(): number {
    return this.#delivered + this.#length;
  }

  watchPatches(watcher: PatchWatcher): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  write(position: number, bytes: Uint8Array): void {
    if (!(Number.isInteger(position) && position >= 0)) throw new RangeError(`ByteCollector: bad write position ${position}`);
    let data = bytes;
    let pos = position;
    if (pos < this.#delivered) {
      const before = Math.min(data.length, this.#delivered - pos);
      const patch = data.slice(0, before);
      for (const w of [...this.#watchers]) w(pos, patch);
      data = data.subarray(before);
      pos += before;
      if (data.length === 0) return;
    }
    const at = pos - this.#delivered;
    const end = at + data.length;
    if (end > this.#pending.length) {
      let cap = this.#pending.length;
      while (cap < end) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.#pending.subarray(0, this.#length));
      this.#pending = grown;
    }
    // A write past the end leaves the bytes between zero (as a sparse file would).
    if (at > this.#length) this.#pending.fill(0, this.#length, at);
    this.#pending.set(data, at);
    this.#length = Math.max(this.#length, end);
  }

  /** Everything written since the last take(), in file order; the collector forgets it. */
  take(): Uint8Array {
    const out = this.#pending.slice(0, this.#length);
    this.#delivered += this.#length;
    this.#length = 0;
    if (this.#pending.length > 1024 * 1024) this.#pending = new Uint8Array(64 * 1024);
    return out;
  }
}
