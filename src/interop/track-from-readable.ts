/**
 * trackFromReadable(): a MediaStreamTrack whose media comes from a Node Readable of raw bytes.
 *
 * Audio: interleaved little-endian PCM (f32le, s16le, s32le, u8) at the given rate and channel
 * count, cut into 10 ms chunks. Video: tightly packed frames of width x height in the given pixel
 * format. Media is released on the clock: chunk/frame n at n periods after the first, stamped from
 * its index (no drift). Pass a VirtualClock to drive it by hand.
 *
 * Backpressure: the Readable is paused while `maxQueued` frames are decoded and waiting for their
 * time, and while the track's consumers still hold `maxInFlight` delivered frames (they are
 * behind); it resumes as they catch up. When the Readable ends, the track ends after the last frame;
 * when every track ends, the Readable is destroyed.
 */
import type { Readable } from 'node:stream';
import { RealClock, type Clock, type ClockTimer } from '../media/clock.js';
import { GeneratorSource } from '../sources/generator-source.js';
import { createTrack } from '../stream/internals.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { FrameBuffer, countCopy } from '../media/frame-buffer.js';
import { createVideoFrame, type VideoFrame } from '../media/video-frame.js';
import { createAudioData, bytesPerSample, type AudioData } from '../media/audio-data.js';
import { tightFrameSize, type VideoPixelFormat } from '../media/pixel-format.js';
import { RAW_AUDIO_FORMATS, rawAudioFormat, rawPixelFormat, positiveNumber, type RawAudioFormat } from './raw-formats.js';

interface PacingOptions {
  /** The clock that paces delivery (default: a real clock). */
  clock?: Clock;
  /** Decoded frames held ahead of their time before the Readable is paused (default 2). */
  maxQueued?: number;
  /** Delivered frames consumers may hold before the Readable is paused (default 8). */
  maxInFlight?: number;
}

export interface AudioFromReadableOptions extends PacingOptions {
  kind: 'audio';
  format: RawAudioFormat;
  sampleRate: number;
  channelCount: number;
  label?: string;
}

export interface VideoFromReadableOptions extends PacingOptions {
  kind: 'video';
  width: number;
  height: number;
  frameRate: number;
  pixelFormat: VideoPixelFormat;
  label?: string;
}

export function trackFromReadable(readable: Readable, options: AudioFromReadableOptions | VideoFromReadableOptions): MediaStreamTrack {
  const ctx = 'trackFromReadable';
  if (!readable || typeof (readable as Readable).on !== 'function' || typeof (readable as Readable).pause !== 'function') {
    throw new TypeError(`${ctx}: the first argument is not a Node Readable`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${ctx}: options are required`);
  const clock = options.clock ?? new RealClock();
  const maxQueued = options.maxQueued === undefined ? 2 : positiveNumber(options.maxQueued, `${ctx}: options.maxQueued`, true);
  const maxInFlight = options.maxInFlight === undefined ? 8 : positiveNumber(options.maxInFlight, `${ctx}: options.maxInFlight`, true);

  let frameBytes: number;
  let periodMs: number;
  let make: (buffer: FrameBuffer, index: number, baseUs: number) => VideoFrame | AudioData;
  let track: MediaStreamTrack;
  const source = new GeneratorSource(options.kind, clock);
  if (options.kind === 'audio') {
    const format = rawAudioFormat(options.format, `${ctx}: options.format`);
    const sampleRate = positiveNumber(options.sampleRate, `${ctx}: options.sampleRate`, true);
    const channelCount = positiveNumber(options.channelCount, `${ctx}: options.channelCount`, true);
    const sampleFormat = RAW_AUDIO_FORMATS[format];
    // 10 ms chunks; for rates that are not a multiple of 100, chunk k spans frames [floor(k r/100), floor((k+1) r/100)).
    const chunkFrames = (k: number) => Math.floor(((k + 1) * sampleRate) / 100) - Math.floor((k * sampleRate) / 100);
    const frameSize = channelCount * bytesPerSample(sampleFormat);
    frameBytes = chunkFrames(0) * frameSize;
    periodMs = 10;
    make = (buffer, k, baseUs) => {
      const first = Math.floor((k * sampleRate) / 100);
      return createAudioData(buffer, {
        format: sampleFormat,
        sampleRate,
        numberOfFrames: buffer.data.length / frameSize,
        numberOfChannels: channelCount,
        timestamp: baseUs + Math.round((first * 1e6) / sampleRate),
      });
    };
    const sizeOf = (k: number) => chunkFrames(k) * frameSize;
    track = createTrack(source, { kind: 'audio', label: options.label ?? 'readable', settings: { sampleRate, channelCount, sampleSize: bytesPerSample(sampleFormat) * 8 } });
    return pace(readable, source, clock, sizeOf, periodMs, make, maxQueued, maxInFlight, track, frameSize);
  }
  const pixelFormat = rawPixelFormat(options.pixelFormat, `${ctx}: options.pixelFormat`);
  const width = positiveNumber(options.width, `${ctx}: options.width`, true);
  const height = positiveNumber(options.height, `${ctx}: options.height`, true);
  const frameRate = positiveNumber(options.frameRate, `${ctx}: options.frameRate`, false);
  frameBytes = tightFrameSize(pixelFormat, width, height);
  periodMs = 1000 / frameRate;
  make = (buffer, n, baseUs) =>
    createVideoFrame(buffer, { format: pixelFormat, codedWidth: width, codedHeight: height, timestamp: baseUs + Math.round((n * 1e6) / frameRate), duration: Math.round(1e6 / frameRate) });
  track = createTrack(source, { kind: 'video', label: options.label ?? 'readable', settings: { width, height, frameRate, aspectRatio: width / height } });
  return pace(readable, source, clock, () => frameBytes, periodMs, make, maxQueued, maxInFlight, track, 0);
}

function pace(
  readable: Readable,
  source: GeneratorSource,
  clock: Clock,
  sizeOf: (index: number) => number,
  periodMs: number,
  make: (buffer: FrameBuffer, index: number, baseUs: number) => VideoFrame | AudioData,
  maxQueued: number,
  maxInFlight: number,
  track: MediaStreamTrack,
  partialUnit: number,
): MediaStreamTrack {
  // Bytes received but not yet cut into frames.
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  // Cut frames waiting for their time.
  const ready: FrameBuffer[] = [];
  let cutIndex = 0;
  let sendIndex = 0;
  let startMs = NaN;
  let baseUs = 0;
  let timer: ClockTimer | null = null;
  let inputEnded = false;
  let finished = false;

  const cut = (): void => {
    while (ready.length < maxQueued) {
      let size = sizeOf(cutIndex);
      // At the end of the input, audio keeps its last whole sample frames as a shorter chunk.
      if (pendingBytes < size && inputEnded && partialUnit > 0) size = Math.floor(pendingBytes / partialUnit) * partialUnit;
      if (pendingBytes < size || size === 0) break;
      const buffer = FrameBuffer.allocate(size);
      let at = 0;
      while (at < size) {
        const head = pending[0]!;
        const take = Math.min(head.length, size - at);
        buffer.data.set(take === head.length ? head : head.subarray(0, take), at);
        at += take;
        if (take === head.length) pending.shift();
        else pending[0] = head.subarray(take);
      }
      pendingBytes -= size;
      countCopy(size);
      ready.push(buffer);
      cutIndex++;
    }
  };

  const flowControl = (): void => {
    if (finished) return;
    const behind = ready.length >= maxQueued || source.inFlight >= maxInFlight;
    if (behind) readable.pause();
    else if (!inputEnded) readable.resume();
  };

  const schedule = (): void => {
    if (timer || finished || ready.length === 0) return;
    if (Number.isNaN(startMs)) {
      startMs = clock.now();
      baseUs = Math.round(startMs * 1000);
    }
    const due = startMs + sendIndex * periodMs;
    if (due <= clock.now()) {
      // Already due (the first frame, or a late wake-up): no timer, which a real clock would run
      // synchronously from inside schedule().
      send();
      return;
    }
    timer = clock.schedule(due, () => {
      timer = null;
      send();
    });
  };

  const send = (): void => {
    while (!finished && ready.length > 0 && startMs + sendIndex * periodMs <= clock.now()) {
      if (source.inFlight >= maxInFlight) {
        // Consumers are behind: wait for them (the timeline shifts rather than frames piling up).
        source.whenInFlightDrops(() => {
          if (finished) return;
          startMs = clock.now() - sendIndex * periodMs;
          schedule();
        });
        return;
      }
      const buffer = ready.shift()!;
      source.push(make(buffer, sendIndex, baseUs));
      sendIndex++;
      cut();
      flowControl();
    }
    if (finished) return;
    if (ready.length > 0) schedule();
    else if (inputEnded) finish('the readable ended');
  };

  const finish = (reason: string): void => {
    if (finished) return;
    finished = true;
    timer?.cancel();
    timer = null;
    for (const b of ready.splice(0)) b.release();
    pending.length = 0;
    readable.off('data', onData);
    readable.off('end', onEnd);
    readable.off('error', onError);
    source.end(reason);
  };

  const onData = (chunk: Buffer | string): void => {
    if (finished) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    pending.push(b);
    pendingBytes += b.length;
    cut();
    flowControl();
    schedule();
  };
  const onEnd = (): void => {
    inputEnded = true;
    cut();
    if (ready.length === 0 && !timer) finish('the readable ended');
    else schedule();
  };
  const onError = (): void => finish('the readable failed');

  source.onStop(() => {
    // Every track ended: stop reading and release the input.
    if (!finished) {
      finished = true;
      timer?.cancel();
      timer = null;
      for (const b of ready.splice(0)) b.release();
      readable.off('data', onData);
      readable.off('end', onEnd);
      readable.off('error', onError);
    }
    if (!readable.readableEnded) readable.destroy();
  });

  readable.on('data', onData);
  readable.on('end', onEnd);
  readable.on('error', onError);
  return track;
}
