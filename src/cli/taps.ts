/**
 * Frame taps: a MediaStreamTrackProcessor on a track, read in a loop, each frame handed to a list
 * of handlers (meters, file writers) and closed. A tap knows when it has handled every frame the
 * track delivered (totalFrames = handled + discardedFrames), so a virtual-clock recording can
 * wait for its writers after each step instead of dropping frames.
 */
import { MediaStreamTrackProcessor, type MediaStreamTrack } from '../index.js';

/** The parts of an AudioData the command reads (this library's or the runtime's). */
export interface AudioFrame {
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  readonly timestamp: number;
  copyTo(destination: Float32Array, options: { planeIndex: number; format: 'f32-planar' }): void;
  close(): void;
}

/** The parts of a VideoFrame the command reads. */
export interface VideoFrameLike {
  readonly format: string | null;
  readonly timestamp: number;
  readonly visibleRect: { x: number; y: number; width: number; height: number } | null;
  readonly colorSpace: { fullRange: boolean | null; matrix: string | null };
  allocationSize(options?: object): number;
  copyTo(destination: Uint8Array, options?: object): Promise<Array<{ offset: number; stride: number }>>;
  close(): void;
}

export type FrameHandler<F> = (frame: F) => void | Promise<void>;

export class FrameTap<F extends { close(): void }> {
  readonly #processor: MediaStreamTrackProcessor;
  readonly #reader: ReadableStreamDefaultReader<F>;
  readonly #handlers: FrameHandler<F>[];
  #handled = 0;
  #idleWaiters: Array<() => void> = [];
  #failure: unknown = null;
  /** Settles when the track ends or the tap is closed (rejects if a handler failed). */
  readonly done: Promise<void>;

  constructor(track: MediaStreamTrack, handlers: FrameHandler<F>[], maxBufferSize: number) {
    this.#processor = new MediaStreamTrackProcessor({ track, maxBufferSize });
    this.#reader = (this.#processor.readable as ReadableStream<F>).getReader();
    this.#handlers = handlers;
    this.done = this.#run();
    this.done.catch(() => {});
  }

  /** Frames the processor dropped because this tap fell behind. */
  get dropped(): number {
    return this.#processor.discardedFrames;
  }

  get failure(): unknown {
    return this.#failure;
  }

  async #run(): Promise<void> {
    try {
      while (true) {
        const { value, done } = await this.#reader.read();
        if (done) break;
        try {
          if (this.#failure === null) for (const h of this.#handlers) await h(value);
        } catch (e) {
          this.#failure = e;
          // Stop reading: the tap's handlers cannot go on; idle waiters are released below.
          await this.#reader.cancel().catch(() => {});
        } finally {
          value.close();
          this.#handled++;
          this.#wakeIfIdle();
        }
      }
    } finally {
      const waiters = this.#idleWaiters.splice(0);
      for (const w of waiters) w();
    }
    if (this.#failure !== null) throw this.#failure;
  }

  #isIdle(): boolean {
    return this.#failure !== null || this.#handled + this.#processor.discardedFrames >= this.#processor.totalFrames;
  }

  #wakeIfIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters.splice(0);
    for (const w of waiters) w();
  }

  /** Resolves once every frame delivered so far has been handled (or dropped). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Detaches from the track; `done` settles once the frame in hand is handled. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.done.catch(() => {});
  }
}

/** dBFS of a linear peak (-Infinity for silence). */
export function toDbfs(peak: number): number {
  return peak > 0 ? 20 * Math.log10(peak) : -Infinity;
}

export function formatDbfs(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(1)} dBFS` : '-inf dBFS';
}

/** Peak level of an audio track: over the last `windowMs` of media, and over the whole run. */
export class AudioMeter {
  readonly #windowUs: number;
  #scratch = new Float32Array(0);
  /** [timestamp µs, peak] of recent chunks. */
  #recent: Array<[number, number]> = [];
  #peak = 0;
  #sumSquares = 0;
  #samples = 0;
  #chunks = 0;
  #sampleRate = 0;
  #channels = 0;
  #durationUs = 0;

  constructor(windowMs = 300) {
    this.#windowUs = windowMs * 1000;
  }

  readonly handle = (a: AudioFrame): void => {
    const n = a.numberOfFrames;
    if (this.#scratch.length < n) this.#scratch = new Float32Array(n);
    let peak = 0;
    for (let ch = 0; ch < a.numberOfChannels; ch++) {
      a.copyTo(this.#scratch, { planeIndex: ch, format: 'f32-planar' });
      for (let i = 0; i < n; i++) {
        const v = this.#scratch[i]!;
        const m = v < 0 ? -v : v;
        if (m > peak) peak = m;
        this.#sumSquares += v * v;
      }
    }
    this.#samples += n * a.numberOfChannels;
    this.#chunks++;
    this.#sampleRate = a.sampleRate;
    this.#channels = a.numberOfChannels;
    this.#durationUs += (n / a.sampleRate) * 1e6;
    if (peak > this.#peak) this.#peak = peak;
    this.#recent.push([a.timestamp, peak]);
    while (this.#recent.length > 1 && this.#recent[0]![0] < a.timestamp - this.#windowUs) this.#recent.shift();
  };

  /** The peak of the last window, in dBFS. */
  get currentDbfs(): number {
    let p = 0;
    for (const [, v] of this.#recent) if (v > p) p = v;
    return toDbfs(p);
  }

  get peakDbfs(): number {
    return toDbfs(this.#peak);
  }

  get rmsDbfs(): number {
    return this.#samples > 0 ? toDbfs(Math.sqrt(this.#sumSquares / this.#samples)) : -Infinity;
  }

  get chunks(): number {
    return this.#chunks;
  }

  /** Seconds of audio seen. */
  get seconds(): number {
    return this.#durationUs / 1e6;
  }

  get sampleRate(): number {
    return this.#sampleRate;
  }

  get channels(): number {
    return this.#channels;
  }
}

/** Frame rate of a video track from the frames' timestamps (media time, so it holds on a virtual clock too). */
export class VideoMeter {
  readonly #windowUs: number;
  #recent: number[] = [];
  #frames = 0;
  #first = -1;
  #last = -1;
  #width = 0;
  #height = 0;

  constructor(windowMs = 1000) {
    this.#windowUs = windowMs * 1000;
  }

  readonly handle = (f: VideoFrameLike): void => {
    this.#frames++;
    if (this.#first < 0) this.#first = f.timestamp;
    this.#last = f.timestamp;
    if (f.visibleRect) {
      this.#width = f.visibleRect.width;
      this.#height = f.visibleRect.height;
    }
    this.#recent.push(f.timestamp);
    while (this.#recent.length > 1 && this.#recent[0]! < f.timestamp - this.#windowUs) this.#recent.shift();
  };

  get frames(): number {
    return this.#frames;
  }

  /** Frames per second over the last window. */
  get currentFps(): number {
    const r = this.#recent;
    if (r.length < 2) return 0;
    return ((r.length - 1) * 1e6) / (r[r.length - 1]! - r[0]!);
  }

  /** Frames per second over the whole run. */
  get averageFps(): number {
    if (this.#frames < 2 || this.#last <= this.#first) return 0;
    return ((this.#frames - 1) * 1e6) / (this.#last - this.#first);
  }

  get size(): { width: number; height: number } {
    return { width: this.#width, height: this.#height };
  }
}
