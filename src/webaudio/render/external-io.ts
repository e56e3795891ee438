/**
 * Render-side processors that connect a graph to the outside through lock-free SPSC rings
 * (src/media/ring-buffer.ts AudioRingBuffer over a SharedArrayBuffer), for the MediaStream nodes:
 *
 * - 'ExternalInput' (0 inputs, 1 output): the control thread writes a track's frames (already at
 *   the context rate) into the ring; each quantum reads one quantum. It works as a jitter buffer:
 *   reading starts ("primed") once `primeFrames` are buffered (a surplus beyond that is
 *   skipped, so the start-up latency is always primeFrames); a quantum that finds fewer frames
 *   plays the missing part as silence, counts an underrun and waits to be primed again. A backlog
 *   beyond `maxLatencyFrames` is skipped so latency stays bounded (real time, no unbounded
 *   buffering). After `{ t: 'ended' }` the output is one channel of silence.
 * - 'ExternalOutput' (1 input, 0 outputs): copies its mixed input into the ring for the control
 *   thread to drain; frames that do not fit are dropped and counted. The context frame of its
 *   first write is published, so the drained audio can be stamped on the render time line.
 *
 * Options: { ring: SharedArrayBuffer, channels, capacity, maxLatencyFrames?, primeFrames?,
 * stats?: SharedArrayBuffer (see ExternalStats) }. A node switches rings (e.g. the track's channel
 * count changed) with { t: 'ring', ring, channels, capacity, ... }; { t: 'tune', maxLatencyFrames?,
 * primeFrames? } changes the input's buffering.
 */
import { AudioRingBuffer } from '../../media/ring-buffer.js';
import type { Bus } from './bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from './registry.js';

export interface ExternalRingOptions {
  ring: SharedArrayBuffer;
  channels: number;
  capacity: number;
  maxLatencyFrames?: number;
  primeFrames?: number;
  stats?: SharedArrayBuffer;
}

/** Counters the processors publish for the control side (wrapping 32-bit, read with Atomics). */
export const STAT_UNDERRUNS = 0;
export const STAT_SKIPPED_FRAMES = 1;
export const STAT_PRIMED = 2;
export const STAT_DROPPED_FRAMES = 3;
/** Float64 slot: context frame of the output's first write (NaN before it). */
export const STAT_FIRST_FRAME = 0;
const STATS_BYTES = 64;

/** Shared counters between a processor and its control object. */
export class ExternalStats {
  readonly shared: SharedArrayBuffer;
  readonly counters: Int32Array;
  readonly times: Float64Array;

  constructor(shared: SharedArrayBuffer = new SharedArrayBuffer(STATS_BYTES)) {
    this.shared = shared;
    this.counters = new Int32Array(shared, 0, 8);
    this.times = new Float64Array(shared, 32, 4);
  }

  static create(): ExternalStats {
    const s = new ExternalStats();
    s.times[STAT_FIRST_FRAME] = NaN;
    return s;
  }

  get(slot: number): number {
    return Atomics.load(this.counters, slot) >>> 0;
  }

  add(slot: number, n: number): void {
    Atomics.add(this.counters, slot, n | 0);
  }

  set(slot: number, v: number): void {
    Atomics.store(this.counters, slot, v | 0);
  }
}

class ExternalInputProcessor implements AudioProcessor {
  #ring: AudioRingBuffer;
  #maxLatency: number;
  #prime: number;
  #primed = false;
  #ended = false;
  readonly #qs: number;
  readonly #stats: ExternalStats | null;

  constructor(init: ProcessorInit) {
    const o = init.options as ExternalRingOptions;
    this.#qs = init.quantumSize;
    this.#ring = AudioRingBuffer.fromShared(o.ring, o.channels, o.capacity);
    this.#maxLatency = o.maxLatencyFrames ?? Math.max(4 * init.quantumSize, Math.floor(o.capacity / 2));
    this.#prime = Math.min(o.primeFrames ?? 0, this.#maxLatency);
    this.#stats = o.stats ? new ExternalStats(o.stats) : null;
  }

  onMessage(msg: { t: string } & Partial<ExternalRingOptions>): void {
    if (msg.t === 'ended') this.#ended = true;
    else if (msg.t === 'ring' && msg.ring && msg.channels && msg.capacity) {
      this.#ring = AudioRingBuffer.fromShared(msg.ring, msg.channels, msg.capacity);
      this.#setPrimed(false);
    }
    if ((msg.t === 'ring' || msg.t === 'tune') && msg.maxLatencyFrames !== undefined) this.#maxLatency = msg.maxLatencyFrames;
    if ((msg.t === 'ring' || msg.t === 'tune') && msg.primeFrames !== undefined) this.#prime = Math.min(msg.primeFrames, this.#maxLatency);
  }

  #setPrimed(primed: boolean): void {
    this.#primed = primed;
    this.#stats?.set(STAT_PRIMED, primed ? 1 : 0);
  }

  process(_inputs: readonly Bus[], outputs: readonly Bus[]): void {
    const out = outputs[0]!;
    if (this.#ended) {
      out.makeSilent();
      return;
    }
    const ring = this.#ring;
    const qs = this.#qs;
    out.setChannelCount(ring.channels);
    let backlog = ring.availableRead();
    if (backlog > this.#maxLatency + qs) {
      const skipped = ring.skip(backlog - this.#maxLatency);
      this.#stats?.add(STAT_SKIPPED_FRAMES, skipped);
      backlog -= skipped;
    }
    if (!this.#primed) {
      if (backlog === 0 || backlog < Math.max(this.#prime, 1)) {
        out.zero();
        return;
      }
      // Start from exactly primeFrames: the buffered latency then does not depend on where in
      // the writer's chunk rhythm priming happened.
      // (Start-up alignment, not counted with the backlog skips.)
      if (this.#prime > 0 && backlog > this.#prime) ring.skip(backlog - this.#prime);
      this.#setPrimed(true);
    }
    const got = ring.read(out.channels as Float32Array[], qs);
    if (got < qs) {
      // Starved: play the gap as silence and buffer up again before reading on.
      this.#stats?.add(STAT_UNDERRUNS, 1);
      this.#setPrimed(false);
      for (const ch of out.channels) ch.fill(0, got);
    }
    out.silent = got === 0;
  }
}

class ExternalOutputProcessor implements AudioProcessor {
  #ring: AudioRingBuffer;
  readonly #qs: number;
  readonly #stats: ExternalStats | null;
  #started = false;

  constructor(init: ProcessorInit) {
    const o = init.options as ExternalRingOptions;
    this.#qs = init.quantumSize;
    this.#ring = AudioRingBuffer.fromShared(o.ring, o.channels, o.capacity);
    this.#stats = o.stats ? new ExternalStats(o.stats) : null;
  }

  onMessage(msg: { t: string } & Partial<ExternalRingOptions>): void {
    if (msg.t === 'ring' && msg.ring && msg.channels && msg.capacity) {
      this.#ring = AudioRingBuffer.fromShared(msg.ring, msg.channels, msg.capacity);
    }
  }

  process(inputs: readonly Bus[], _outputs: readonly Bus[], _params: unknown, frame: number): void {
    const input = inputs[0]!;
    const ring = this.#ring;
    if (!this.#started) {
      // Published before the first ring write, whose counter store makes it visible to the reader.
      this.#started = true;
      if (this.#stats) this.#stats.times[STAT_FIRST_FRAME] = frame;
    }
    // The node's channel settings (explicit) make the input match the ring's channel count;
    // if they differ (a ring switch in flight), write what overlaps and zero the rest.
    let written: number;
    if (input.numberOfChannels === ring.channels) {
      written = ring.write(input.channels, this.#qs);
    } else {
      const planes = this.#planes(ring.channels);
      for (let c = 0; c < ring.channels; c++) {
        if (c < input.numberOfChannels) planes[c]!.set(input.channels[c]!);
        else planes[c]!.fill(0);
      }
      written = ring.write(planes, this.#qs);
    }
    if (written < this.#qs) this.#stats?.add(STAT_DROPPED_FRAMES, this.#qs - written);
  }

  #scratch: Float32Array[] = [];
  #planes(n: number): Float32Array[] {
    while (this.#scratch.length < n) this.#scratch.push(new Float32Array(this.#qs));
    return this.#scratch;
  }
}

registerProcessor('ExternalInput', (init) => new ExternalInputProcessor(init));
registerProcessor('ExternalOutput', (init) => new ExternalOutputProcessor(init));
