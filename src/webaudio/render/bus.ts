/**
 * A Bus is one node input or output for one render quantum: up to 32 channels of
 * `quantumSize` frames. Channel storage is allocated once per channel the first time a bus
 * grows to it, so steady-state rendering allocates nothing.
 */
export const MAX_CHANNELS = 32;

export class Bus {
  readonly quantumSize: number;
  /** The active channels, exactly `numberOfChannels` long (a cached view array per count). */
  channels: readonly Float32Array[];
  /** True when every sample is known to be zero (lets consumers skip work). */
  silent = true;
  readonly #storage: Float32Array[] = [];
  readonly #views: (Float32Array[] | undefined)[] = [];
  /** True while `channels` are another bus's arrays (see borrow()). */
  #borrowed = false;

  constructor(quantumSize: number, numberOfChannels = 1) {
    this.quantumSize = quantumSize;
    this.channels = [];
    this.setChannelCount(numberOfChannels);
  }

  get numberOfChannels(): number {
    return this.channels.length;
  }

  setChannelCount(n: number): void {
    if (n === this.channels.length && !this.#borrowed) return;
    if (n < 1 || n > MAX_CHANNELS) throw new RangeError(`a bus holds 1..${MAX_CHANNELS} channels, not ${n}`);
    while (this.#storage.length < n) this.#storage.push(new Float32Array(this.quantumSize));
    let view = this.#views[n];
    if (view === undefined) {
      view = this.#storage.slice(0, n);
      this.#views[n] = view;
    }
    this.channels = view;
    this.#borrowed = false;
  }

  /**
   * Makes `channels` the given arrays (another bus's output, not silent) for this quantum
   * instead of copying them: a single connection whose channel count already matches passes
   * through. The next setChannelCount() or zero() goes back to this bus's own storage; readers
   * must not write into a borrowed bus.
   */
  borrow(channels: readonly Float32Array[]): void {
    this.channels = channels;
    this.#borrowed = true;
    this.silent = false;
  }

  /** Zeroes the active channels and marks the bus silent. */
  zero(): void {
    if (this.#borrowed) this.setChannelCount(this.channels.length);
    for (const ch of this.channels) ch.fill(0);
    this.silent = true;
  }

  /** One channel of silence: the output of a node that is not producing anything. */
  makeSilent(): void {
    this.setChannelCount(1);
    this.channels[0]!.fill(0);
    this.silent = true;
  }
}
