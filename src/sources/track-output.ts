/**
 * Per-track delivery (DESIGN.md "The data plane"): one TrackOutput per track adapts the source's
 * native frames to the track's format and fans them out to the track's consumers.
 *
 * - Unadapted frames are shared: every consumer gets a clone over the one buffer.
 * - Video: centred crop to the track's aspect ratio, then scale to its width x height; frame-rate
 *   decimation by timestamps (a frame is kept when its timestamp reaches the next due time).
 * - Audio: channel up/down-mixing (Web Audio "speakers" rules) and sample-rate conversion.
 * - Disabled tracks and muted sources deliver zero-information content (M#track-enabled,
 *   M#media-flow): exact zeros for audio, black frames for video, on the same timeline.
 */
import { FrameRateDecimator } from './frame-rate-decimator.js';
import type { MediaConsumer, TrackFormat, TrackOutput } from './types.js';
import { VideoFrame, createVideoFrame, videoFrameInternals } from '../media/video-frame.js';
import { AudioData, allocateAudioData, audioDataChannels, createAudioData } from '../media/audio-data.js';
import { FrameBuffer, countCopy } from '../media/frame-buffer.js';
import { PIXEL_FORMATS, tightLayout, tightFrameSize, type VideoPixelFormat } from '../media/pixel-format.js';
import { scalePlane, cropRectFor } from '../media/scale.js';
import { mixChannels } from '../media/channel-mix.js';
import { Resampler } from '../media/resample.js';
import type { ColorSpaceValues } from '../media/video-color-space.js';
import { reportException } from '../webidl/index.js';

export type MediaFrame = VideoFrame | AudioData;

/** What the output needs from its source. */
export interface OutputHost {
  /** The output closed: the source drops it (and stops when it was the last). */
  outputClosed(output: TrackOutputImpl): void;
}

/** Frames in a timestamp-ordered stream tolerate this much rounding when compared to a due time (µs). */

/** A small pool of equally sized buffers, reused once every frame over them is closed. */
class BufferPool {
  readonly #free: Uint8Array[] = [];
  readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  take(): FrameBuffer {
    const data = this.#free.pop() ?? new Uint8Array(this.size);
    return FrameBuffer.adopt(data, () => {
      if (this.#free.length < 8) this.#free.push(data);
    });
  }
}

interface BlackKey {
  format: VideoPixelFormat;
  width: number;
  height: number;
  fullRange: boolean;
}

/** Fills `buf` with black in `format` (webcodecs sample values; follows the colour range). */
export function fillBlack(data: Uint8Array, format: VideoPixelFormat, width: number, height: number, fullRange: boolean): void {
  const info = PIXEL_FORMATS[format];
  const layout = tightLayout(format, width, height);
  if (info.rgb) {
    for (let i = 0; i < data.length; i += 4) {
      data[i] = 0;
      data[i + 1] = 0;
      data[i + 2] = 0;
      data[i + 3] = 255;
    }
    return;
  }
  const shift = info.bitDepth - 8;
  // Y, U, V, A: black luma at the bottom of the range, neutral chroma, opaque alpha.
  const values = [fullRange ? 0 : 16 << shift, 128 << shift, 128 << shift, (1 << info.bitDepth) - 1];
  for (let p = 0; p < layout.length; p++) {
    const start = layout[p]!.offset;
    const end = p + 1 < layout.length ? layout[p + 1]!.offset : tightFrameSize(format, width, height);
    const v = format === 'NV12' && p === 1 ? 128 : values[p]!;
    if (info.planes[p]!.sampleBytes === 1 || format === 'NV12') data.fill(v, start, end);
    else for (let i = start; i < end; i += 2) {
      data[i] = v & 0xff;
      data[i + 1] = v >> 8;
    }
  }
}

export class TrackOutputImpl implements TrackOutput {
  readonly kind: 'audio' | 'video';
  #host: OutputHost;
  #format: TrackFormat | null;
  #enabled = true;
  #closed = false;
  #consumers: MediaConsumer<unknown>[] = [];
  // video state
  readonly #decimator = new FrameRateDecimator();
  #pool: BufferPool | null = null;
  #black: { key: BlackKey; buffer: FrameBuffer } | null = null;
  // audio state
  #resampler: Resampler | null = null;
  #resampleKey = '';
  #audioOutFrames = 0;
  #audioInFrames = 0;
  #audioAnchor = NaN;
  #zero: { frames: number; channels: number; buffer: FrameBuffer } | null = null;
  #mixScratch: Float32Array[] = [];
  #resampleOut: Float32Array[] = [];

  constructor(kind: 'audio' | 'video', host: OutputHost, format: TrackFormat | null) {
    this.kind = kind;
    this.#host = host;
    this.#format = format;
  }

  get closed(): boolean {
    return this.#closed;
  }
  get enabled(): boolean {
    return this.#enabled;
  }
  get format(): TrackFormat | null {
    return this.#format;
  }
  get consumerCount(): number {
    return this.#consumers.length;
  }

  setFormat(format: TrackFormat): void {
    if (format.kind !== this.kind) throw new TypeError(`setFormat: a ${format.kind} format given to a ${this.kind} output`);
    this.#format = format;
    this.#decimator.reset();
    this.#audioAnchor = NaN;
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
  }

  subscribe(consumer: MediaConsumer<unknown>): () => void {
    if (this.#closed) {
      safeEnd(consumer);
      return () => {};
    }
    // Copy on write: delivery iterates the array it started with.
    this.#consumers = [...this.#consumers, consumer];
    return () => {
      const i = this.#consumers.indexOf(consumer);
      if (i >= 0) this.#consumers = this.#consumers.filter((c) => c !== consumer);
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const consumers = this.#consumers;
    this.#consumers = [];
    for (const c of consumers) safeEnd(c);
    this.#black?.buffer.release();
    this.#black = null;
    this.#zero?.buffer.release();
    this.#zero = null;
    this.#host.outputClosed(this);
  }

  /**
   * A native frame from the source. The output does not take ownership: it clones or derives
   * what it delivers. `silenced` is true while the source is muted.
   */
  push(frame: MediaFrame, silenced = false): void {
    if (this.#closed) return;
    if (frame instanceof VideoFrame) this.#pushVideo(frame, silenced || !this.#enabled);
    else this.#pushAudio(frame as AudioData, silenced || !this.#enabled);
  }

  #deliver(frame: MediaFrame): void {
    const consumers = this.#consumers;
    const n = consumers.length;
    if (n === 0) {
      frame.close();
      return;
    }
    for (let i = 0; i < n; i++) {
      const f = i === n - 1 ? frame : frame.clone();
      try {
        consumers[i]!.frame(f);
      } catch (e) {
        reportException(e);
      }
    }
  }

  // ---- video ----

  /** Frame-rate decimation: true if the frame at `ts` (µs) is delivered. */
  #keepByRate(ts: number): boolean {
    const fmt = this.#format;
    return this.#decimator.keep(ts, fmt && fmt.kind === 'video' ? fmt.frameRate : 0);
  }

  #pushVideo(frame: VideoFrame, silenced: boolean): void {
    const ts = frame.timestamp;
    if (!this.#keepByRate(ts)) return;
    if (this.#consumers.length === 0) return;
    const internals = videoFrameInternals(frame);
    if (!internals) return;
    const fmt = this.#format;
    const vr = internals.visibleRect;
    const targetW = fmt && fmt.kind === 'video' && fmt.width > 0 ? fmt.width : vr.width;
    const targetH = fmt && fmt.kind === 'video' && fmt.height > 0 ? fmt.height : vr.height;
    const same = targetW === vr.width && targetH === vr.height;
    const format = internals.format;
    const scalable = PIXEL_FORMATS[format].bitDepth === 8;
    if (silenced) {
      const outW = scalable ? targetW : vr.width, outH = scalable ? targetH : vr.height;
      this.#deliver(this.#blackFrame(format, outW, outH, internals.colorSpace, ts, internals.duration));
      return;
    }
    if (same || !scalable) {
      this.#deliver(frame.clone());
      return;
    }
    this.#deliver(this.#scaled(internals, targetW, targetH));
  }

  #blackFrame(format: VideoPixelFormat, width: number, height: number, colorSpace: ColorSpaceValues, timestamp: number, duration: number | null): VideoFrame {
    const fullRange = colorSpace.fullRange === true;
    const b = this.#black;
    if (!b || b.key.format !== format || b.key.width !== width || b.key.height !== height || b.key.fullRange !== fullRange) {
      b?.buffer.release();
      const buffer = FrameBuffer.allocate(tightFrameSize(format, width, height));
      fillBlack(buffer.data, format, width, height, fullRange);
      this.#black = { key: { format, width, height, fullRange }, buffer };
    }
    return createVideoFrame(this.#black!.buffer.retain(), { format, codedWidth: width, codedHeight: height, timestamp, duration, colorSpace });
  }

  #scaled(src: ReturnType<typeof videoFrameInternals> & object, width: number, height: number): VideoFrame {
    const format = src.format;
    const info = PIXEL_FORMATS[format];
    const size = tightFrameSize(format, width, height);
    if (!this.#pool || this.#pool.size !== size) this.#pool = new BufferPool(size);
    const buffer = this.#pool.take();
    const dstLayout = tightLayout(format, width, height);
    const vr = src.visibleRect;
    const subsampled = info.planes.some((p) => p.subX > 1 || p.subY > 1);
    const crop = cropRectFor(vr.width, vr.height, width, height, subsampled ? 2 : 1);
    for (let p = 0; p < info.planes.length; p++) {
      const pi = info.planes[p]!;
      const spp = pi.sampleBytes as 1 | 2 | 4;
      scalePlane(
        {
          data: src.buffer.data,
          offset: src.planes[p]!.offset,
          stride: src.planes[p]!.stride,
          width: Math.ceil(src.codedWidth / pi.subX),
          height: Math.ceil(src.codedHeight / pi.subY),
        },
        { x: (vr.x + crop.x) / pi.subX, y: (vr.y + crop.y) / pi.subY, width: crop.width / pi.subX, height: crop.height / pi.subY },
        { data: buffer.data, offset: dstLayout[p]!.offset, stride: dstLayout[p]!.stride, width: Math.ceil(width / pi.subX), height: Math.ceil(height / pi.subY) },
        spp,
      );
    }
    countCopy(size);
    return createVideoFrame(buffer, { format, codedWidth: width, codedHeight: height, planes: dstLayout, timestamp: src.timestamp, duration: src.duration, colorSpace: src.colorSpace });
  }

  // ---- audio ----

  #pushAudio(data: AudioData, silenced: boolean): void {
    if (this.#consumers.length === 0) {
      // Nobody listens: the resampled timeline restarts with the next listener.
      this.#audioAnchor = NaN;
      return;
    }
    const fmt = this.#format;
    const inRate = data.sampleRate;
    const inChannels = data.numberOfChannels;
    const frames = data.numberOfFrames;
    if (frames === 0) return;
    const outRate = fmt && fmt.kind === 'audio' && fmt.sampleRate > 0 ? fmt.sampleRate : inRate;
    const outChannels = fmt && fmt.kind === 'audio' && fmt.channelCount > 0 ? fmt.channelCount : inChannels;
    const resample = outRate !== inRate;
    if (!resample) {
      this.#resampler = null;
      if (silenced) {
        this.#deliver(this.#zeroData(inRate, outChannels, frames, data.timestamp));
        return;
      }
      if (outChannels === inChannels) {
        this.#deliver(data.clone());
        return;
      }
      const input = audioDataChannels(data);
      const out = allocateAudioData(inRate, outChannels, frames, data.timestamp);
      mixChannels(input, out.planes, frames, 'speakers');
      countCopy(frames * outChannels * 4);
      this.#deliver(out.data);
      return;
    }
    // Sample-rate conversion: timestamps follow the output sample count from the first chunk.
    const key = `${inRate}/${outRate}/${outChannels}`;
    if (!this.#resampler || this.#resampleKey !== key) {
      this.#resampler = new Resampler(inRate, outRate, outChannels);
      this.#resampleKey = key;
      this.#audioAnchor = NaN;
    }
    // Re-anchor on the first chunk and whenever the input timeline jumps (a gap or a restart)
    // by more than a millisecond from where its sample count says it should be.
    const expectedIn = this.#audioAnchor + Math.round((this.#audioInFrames * 1e6) / inRate);
    if (Number.isNaN(this.#audioAnchor) || Math.abs(data.timestamp - expectedIn) > 1000) {
      if (!Number.isNaN(this.#audioAnchor)) this.#resampler.reset();
      this.#audioAnchor = data.timestamp;
      this.#audioOutFrames = 0;
      this.#audioInFrames = 0;
    }
    this.#audioInFrames += frames;
    let input: Float32Array[];
    if (outChannels === inChannels) input = audioDataChannels(data);
    else {
      const src = audioDataChannels(data);
      input = this.#scratch(outChannels, frames);
      mixChannels(src, input, frames, 'speakers');
    }
    const max = this.#resampler.maxOutputFrames(frames);
    const outScratch = this.#outScratch(outChannels, max);
    const produced = this.#resampler.process(input, frames, outScratch);
    const timestamp = this.#audioAnchor + Math.round((this.#audioOutFrames * 1e6) / outRate);
    this.#audioOutFrames += produced;
    if (produced === 0) return;
    if (silenced) {
      // The resampler still runs so the timeline (and its state) continues across mute/disable.
      this.#deliver(this.#zeroData(outRate, outChannels, produced, timestamp));
      return;
    }
    const out = allocateAudioData(outRate, outChannels, produced, timestamp);
    for (let c = 0; c < outChannels; c++) out.planes[c]!.set(outScratch[c]!.subarray(0, produced));
    countCopy(produced * outChannels * 4);
    this.#deliver(out.data);
  }

  #outScratch(channels: number, frames: number): Float32Array[] {
    const s = this.#resampleOut;
    if (s.length !== channels || s[0]!.length < frames) {
      this.#resampleOut = [];
      for (let c = 0; c < channels; c++) this.#resampleOut.push(new Float32Array(frames));
    }
    return this.#resampleOut;
  }

  #scratch(channels: number, frames: number): Float32Array[] {
    const s = this.#mixScratch;
    if (s.length !== channels || s[0]!.length < frames) {
      this.#mixScratch = [];
      for (let c = 0; c < channels; c++) this.#mixScratch.push(new Float32Array(frames));
    }
    return this.#mixScratch.map((a) => (a.length === frames ? a : a.subarray(0, frames)));
  }

  /** Silence shares one zeroed buffer across chunks of the same shape (AudioData is read-only). */
  #zeroData(sampleRate: number, channels: number, frames: number, timestamp: number): AudioData {
    const z = this.#zero;
    if (!z || z.frames !== frames || z.channels !== channels) {
      z?.buffer.release();
      this.#zero = { frames, channels, buffer: FrameBuffer.allocate(frames * channels * 4) };
    }
    return createAudioData(this.#zero!.buffer.retain(), { format: 'f32-planar', sampleRate, numberOfFrames: frames, numberOfChannels: channels, timestamp });
  }
}

function safeEnd(c: MediaConsumer<unknown>): void {
  try {
    c.end();
  } catch (e) {
    reportException(e);
  }
}
