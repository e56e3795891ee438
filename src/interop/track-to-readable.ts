/**
 * trackToReadable(): a track's media as a Node Readable of raw bytes.
 *
 * Audio: interleaved little-endian PCM (f32le, s16le, s32le, u8), optionally mixed to another
 * channel count (Web Audio "speakers" rules) and resampled. Video: each frame's visible rectangle,
 * tightly packed, in its own pixel format or converted to RGBA/RGBX/BGRA/BGRX.
 *
 * Backpressure: frames wait in a bounded queue and are encoded only when the reader asks for data.
 * - video keeps the newest `maxQueuedFrames` frames (default 2): older ones are closed and counted
 *   in `droppedFrames`;
 * - audio buffers up to `maxBufferMs` of sound (default 1000 ms); chunks arriving while the buffer
 *   is full are dropped and their sample frames counted in `droppedFrames`, so what is delivered
 *   stays continuous up to each gap.
 * The stream ends when the track ends; destroying it detaches from the track.
 */
import { Readable } from 'node:stream';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { isMediaStreamTrack, trackKindOf } from '../stream/media-stream-track.js';
import { getTrackOutput } from '../stream/internals.js';
import { VideoFrame } from '../media/video-frame.js';
import { AudioData, allocateAudioData, audioDataChannels } from '../media/audio-data.js';
import { Resampler } from '../media/resample.js';
import { mixChannels } from '../media/channel-mix.js';
import type { VideoPixelFormat } from '../media/pixel-format.js';
import { RAW_AUDIO_FORMATS, rawAudioFormat, rawPixelFormat, positiveNumber, type RawAudioFormat } from './raw-formats.js';

export interface AudioReadableOptions {
  format: RawAudioFormat;
  /** Output rate; the track's own rate when omitted. */
  sampleRate?: number;
  /** Output channel count; the track's own count when omitted. */
  channelCount?: number;
  /** Most audio (in ms) held for a slow reader before chunks are dropped. */
  maxBufferMs?: number;
}

export interface VideoReadableOptions {
  /** The frames' own format, or RGBA / RGBX / BGRA / BGRX. */
  pixelFormat: VideoPixelFormat;
  /** Most frames held for a slow reader; the oldest are dropped first. */
  maxQueuedFrames?: number;
}

export class TrackReadable extends Readable {
  #dropped = 0;
  #queue: (VideoFrame | AudioData)[] = [];
  #queuedAudioFrames = 0;
  #ended = false;
  #unsubscribe: (() => void) | null = null;
  #reading = false;
  #wantData = false;
  readonly #encode: (frame: VideoFrame | AudioData) => Promise<Buffer | null>;
  readonly #admit: (frame: VideoFrame | AudioData) => boolean;

  /** @internal */
  constructor(track: MediaStreamTrack, encode: (frame: VideoFrame | AudioData) => Promise<Buffer | null>, admit: (r: TrackReadable, frame: VideoFrame | AudioData) => boolean) {
    super({ highWaterMark: 0 });
    this.#encode = encode;
    this.#admit = (f) => admit(this, f);
    this.#unsubscribe = getTrackOutput(track).subscribe({
      frame: (f) => this.#onFrame(f as VideoFrame | AudioData),
      end: () => this.#onEnd(),
    });
    if (this.#ended) this.#unsubscribe = null;
  }

  /** Media dropped for a slow reader: video frames, or audio sample frames. */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /** Frames waiting for the reader. */
  get queuedFrames(): number {
    return this.#queue.length;
  }

  /** @internal */
  get queuedAudioFrames(): number {
    return this.#queuedAudioFrames;
  }

  /** @internal */
  addDropped(n: number): void {
    this.#dropped += n;
  }

  /** @internal Drops (closes) the oldest queued frame. */
  dropOldest(): void {
    const f = this.#queue.shift();
    if (!f) return;
    this.#dropped++;
    f.close();
  }

  #onFrame(frame: VideoFrame | AudioData): void {
    if (this.destroyed || this.#ended) {
      frame.close();
      return;
    }
    if (!this.#admit(frame)) {
      frame.close();
      return;
    }
    this.#queue.push(frame);
    if (frame instanceof AudioData) this.#queuedAudioFrames += frame.numberOfFrames;
    if (this.#wantData) void this.#pump();
  }

  #onEnd(): void {
    this.#ended = true;
    this.#unsubscribe = null;
    void this.#pump();
  }

  override _read(): void {
    this.#wantData = true;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#wantData && !this.destroyed) {
        const frame = this.#queue.shift();
        if (!frame) {
          if (this.#ended) {
            this.#wantData = false;
            this.push(null);
          }
          return;
        }
        if (frame instanceof AudioData) this.#queuedAudioFrames -= frame.numberOfFrames;
        let bytes: Buffer | null;
        try {
          bytes = await this.#encode(frame);
        } finally {
          frame.close();
        }
        if (bytes && bytes.length > 0) this.#wantData = this.push(bytes);
      }
    } catch (e) {
      this.destroy(e as Error);
    } finally {
      this.#reading = false;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    unsubscribe?.();
    for (const f of this.#queue.splice(0)) f.close();
    this.#queuedAudioFrames = 0;
    callback(error);
  }
}

/** Interleaves/encodes f32 planes into a raw PCM buffer. */
function encodePlanes(planes: Float32Array[], frames: number, sampleRate: number, format: RawAudioFormat): Buffer {
  const channels = planes.length;
  const tmp = allocateAudioData(sampleRate, channels, frames, 0);
  for (let c = 0; c < channels; c++) tmp.planes[c]!.set(planes[c]!.subarray(0, frames));
  const out = encodeAudioData(tmp.data, format);
  tmp.data.close();
  return out;
}

function encodeAudioData(data: AudioData, format: RawAudioFormat): Buffer {
  const options = { planeIndex: 0, format: RAW_AUDIO_FORMATS[format] };
  const out = Buffer.allocUnsafe(data.allocationSize(options));
  data.copyTo(out, options);
  return out;
}

/**
 * A Node Readable of the track's raw media. Audio tracks need `{ format }` (plus optional
 * sampleRate, channelCount, maxBufferMs); video tracks `{ pixelFormat }` (plus maxQueuedFrames).
 */
export function trackToReadable(track: MediaStreamTrack, options: AudioReadableOptions | VideoReadableOptions): TrackReadable {
  const ctx = 'trackToReadable';
  if (!isMediaStreamTrack(track)) throw new TypeError(`${ctx}: the first argument is not a MediaStreamTrack`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${ctx}: options are required`);
  const kind = trackKindOf(track);
  if (kind === 'video') {
    const o = options as VideoReadableOptions;
    const pixelFormat = rawPixelFormat(o.pixelFormat, `${ctx}: options.pixelFormat`);
    const maxQueued = o.maxQueuedFrames === undefined ? 2 : positiveNumber(o.maxQueuedFrames, `${ctx}: options.maxQueuedFrames`, true);
    return new TrackReadable(
      track,
      async (frame) => {
        const f = frame as VideoFrame;
        const copyOptions = f.format === pixelFormat ? {} : { format: pixelFormat };
        const out = Buffer.allocUnsafe(f.allocationSize(copyOptions));
        await f.copyTo(out, copyOptions);
        return out;
      },
      (r) => {
        while (r.queuedFrames >= maxQueued) r.dropOldest();
        return true;
      },
    );
  }
  const o = options as AudioReadableOptions;
  const format = rawAudioFormat(o.format, `${ctx}: options.format`);
  const wantRate = o.sampleRate === undefined ? undefined : positiveNumber(o.sampleRate, `${ctx}: options.sampleRate`, false);
  const wantChannels = o.channelCount === undefined ? undefined : positiveNumber(o.channelCount, `${ctx}: options.channelCount`, true);
  const maxBufferMs = o.maxBufferMs === undefined ? 1000 : positiveNumber(o.maxBufferMs, `${ctx}: options.maxBufferMs`, false);
  let resampler: Resampler | null = null;
  let resampleKey = '';
  let mixed: Float32Array[] = [];
  let resampled: Float32Array[] = [];
  return new TrackReadable(
    track,
    async (frame) => {
      const a = frame as AudioData;
      const rate = a.sampleRate;
      const channels = wantChannels ?? a.numberOfChannels;
      const outRate = wantRate ?? rate;
      if (channels === a.numberOfChannels && outRate === rate) return encodeAudioData(a, format);
      const frames = a.numberOfFrames;
      let planes = audioDataChannels(a);
      if (channels !== a.numberOfChannels) {
        if (mixed.length !== channels || mixed[0]!.length < frames) mixed = Array.from({ length: channels }, () => new Float32Array(frames));
        mixChannels(planes, mixed, frames, 'speakers');
        planes = mixed.map((m) => m.subarray(0, frames));
      }
      if (outRate === rate) return encodePlanes(planes, frames, rate, format);
      const key = `${rate}/${outRate}/${channels}`;
      if (!resampler || key !== resampleKey) {
        resampler = new Resampler(rate, outRate, channels);
        resampleKey = key;
      }
      const max = resampler.maxOutputFrames(frames);
      if (resampled.length !== channels || resampled[0]!.length < max) resampled = Array.from({ length: channels }, () => new Float32Array(max));
      const produced = resampler.process(planes, frames, resampled);
      if (produced === 0) return null;
      return encodePlanes(resampled, produced, outRate, format);
    },
    (r, frame) => {
      const a = frame as AudioData;
      const limit = (maxBufferMs / 1000) * a.sampleRate;
      if (r.queuedAudioFrames + a.numberOfFrames > limit) {
        r.addDropped(a.numberOfFrames);
        return false;
      }
      return true;
    },
  );
}
