/**
 * The control-side data path of MediaStreamAudioDestinationNode: its 'ExternalOutput' processor
 * copies every rendered quantum of the node's input into an AudioRingBuffer; an OutputDrain empties
 * the ring every DRAIN_MS on the source's clock into f32-planar AudioData and pushes them to the
 * GeneratorSource behind the node's track. So the track runs at the context's pace (frames exist
 * only when the context rendered them), and its timestamps come from the render frame count:
 * (context frame of the first rendered quantum + frames drained + frames the ring dropped) / rate.
 *
 * The drain runs only while the context is running; it stops with the track's source (the last
 * track stopped) and the context's close ends the track.
 */
import { AudioRingBuffer } from '../media/ring-buffer.js';
import { allocateAudioData } from '../media/audio-data.js';
import type { ClockTimer } from '../media/clock.js';
import { GeneratorSource } from '../sources/generator-source.js';
import { ExternalStats, STAT_DROPPED_FRAMES, STAT_FIRST_FRAME } from './render/external-io.js';

export const DRAIN_MS = 10;

export class OutputDrain {
  ring: AudioRingBuffer;
  readonly stats: ExternalStats;
  readonly source: GeneratorSource;
  readonly sampleRate: number;
  #timer: ClockTimer | null = null;
  #due = 0;
  #drained = 0;
  #droppedBase = 0;
  #stopped = false;

  constructor(sampleRate: number, channels: number) {
    this.sampleRate = sampleRate;
    this.stats = ExternalStats.create();
    this.ring = AudioRingBuffer.create(channels, capacityFor(sampleRate));
    this.source = new GeneratorSource('audio');
    this.source.onStop(() => {
      this.#stopped = true;
      this.pause();
    });
  }

  /** Frames pushed to the track so far. */
  get drainedFrames(): number {
    return this.#drained;
  }

  /** A new ring of `channels` channels (the node's channel count changed). */
  switchRing(channels: number): AudioRingBuffer {
    this.drain();
    // Frames the processor drops from now on are counted against the new ring.
    this.#droppedBase = this.stats.get(STAT_DROPPED_FRAMES);
    this.#drained += this.ring.availableRead();
    this.ring = AudioRingBuffer.create(channels, this.ring.capacity);
    return this.ring;
  }

  /** Starts draining on the source's clock (the context is running). */
  resume(): void {
    if (this.#timer !== null || this.#stopped) return;
    const clock = this.source.clock;
    this.#due = clock.now() + DRAIN_MS;
    const tick = (): void => {
      this.#timer = null;
      this.drain();
      if (this.#stopped) return;
      this.#due = Math.max(this.#due + DRAIN_MS, clock.now());
      this.#timer = clock.schedule(this.#due, tick);
    };
    this.#timer = clock.schedule(this.#due, tick);
  }

  /** Stops draining (the context is suspended or closed, or the track's source stopped). */
  pause(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** The context closed: the track ends. */
  close(reason: string): void {
    this.pause();
    this.drain();
    this.source.end(reason);
  }

  /** Moves what the ring holds to the track as one AudioData. */
  drain(): void {
    const ring = this.ring;
    const n = ring.availableRead();
    if (n === 0) return;
    if (this.#stopped) {
      ring.skip(n);
      return;
    }
    const first = this.stats.times[STAT_FIRST_FRAME]!;
    const dropped = (this.stats.get(STAT_DROPPED_FRAMES) - this.#droppedBase) >>> 0;
    const frame = (Number.isNaN(first) ? 0 : first) + this.#drained + dropped;
    const timestamp = Math.round((frame * 1e6) / this.sampleRate);
    const { data, planes } = allocateAudioData(this.sampleRate, ring.channels, n, timestamp);
    const got = ring.read(planes, n);
    this.#drained += got;
    this.source.push(data);
  }
}

/** Half a second of frames: far more than a drain period, so a late timer loses nothing. */
function capacityFor(rate: number): number {
  return Math.max(4096, Math.ceil(rate / 2));
}
