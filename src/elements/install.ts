/**
 * installElements(): puts the element behaviour where code looks for it.
 *
 * - With a DOM (a `window` given, or jsdom / happy-dom globals as under jest-environment-jsdom):
 *   patches its HTMLMediaElement / HTMLVideoElement (srcObject playback) and HTMLCanvasElement
 *   (captureStream(); with `canvas`, a 2D context backed by that library).
 * - With a canvas library (`canvas`: @napi-rs/canvas, node-canvas, skia-canvas, by shape): its
 *   canvases get captureStream() and its drawImage() draws our video elements and VideoFrames.
 * - Without a DOM: the standalone HTMLMediaElement, HTMLVideoElement, HTMLAudioElement become
 *   globals (where missing).
 * - The window also gets the capture interfaces (MediaStream, ...) and navigator.mediaDevices of
 *   this realm where it has none, so scripts running inside it find them.
 */
import type { Clock } from '../media/clock.js';
import './image-sources.js';
import { HTMLMediaElement, HTMLVideoElement, HTMLAudioElement, MediaError, TimeRanges } from './html-media-element.js';
import { CanvasCaptureMediaStreamTrack, setCanvasCaptureClock } from './canvas-capture-media-stream-track.js';
import { VideoPlaybackQuality } from './video-playback-quality.js';
import { setElementClock } from './media-element-core.js';
import { setElementAudioOutput } from './element-audio-output.js';
import { patchMediaElements, patchCanvasElements, patchCanvasLibrary, type CanvasLibraryLike, type WindowLike } from './patch-dom.js';
import { MediaStream } from '../stream/media-stream.js';
import { MediaStreamTrack } from '../stream/media-stream-track.js';
import { MediaStreamTrackEvent } from '../stream/media-stream-track-event.js';
import { VideoFrame } from '../media/video-frame.js';
import { OverconstrainedError } from '../errors/overconstrained-error.js';

export interface InstallElementsOptions {
  /** A DOM window (jsdom's `dom.window`, happy-dom's `window`); default: globalThis when it has a DOM. */
  window?: object;
  /** A canvas library module, found by shape (createCanvas() or a Canvas class). */
  canvas?: CanvasLibraryLike;
  /** The clock canvas capture and media files played through `src` are timed on (default: a real clock). */
  clock?: Clock;
  /**
   * Where media elements play their audio: an AudioContextOptions.mediacaptureSink value
   * ({ type: 'none' | 'system' | 'file' | 'stream', ... }). Default: AudioContext's default output
   * (none, or the speakers with MEDIACAPTURE_AUDIO_OUTPUT=system).
   */
  audioOutput?: unknown;
  /** Also replace existing standalone globals (HTMLVideoElement, ...) when there is no DOM. */
  replace?: boolean;
}

/** The standalone interfaces, for installPolyfill() in runtimes without a DOM. */
export const ELEMENT_INTERFACES: Record<string, unknown> = {
  HTMLMediaElement,
  HTMLVideoElement,
  HTMLAudioElement,
  MediaError,
  TimeRanges,
  CanvasCaptureMediaStreamTrack,
  VideoPlaybackQuality,
};

function define(target: object, name: string, value: unknown, replace: boolean): void {
  if (!replace && (target as Record<string, unknown>)[name] !== undefined) return;
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

export function installElements(options: InstallElementsOptions = {}): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('installElements: options must be an object');
  if (options.clock !== undefined) {
    setCanvasCaptureClock(options.clock);
    setElementClock(options.clock);
  }
  if (options.audioOutput !== undefined) {
    const o = options.audioOutput;
    if (typeof o !== 'object' || o === null || typeof (o as { type?: unknown }).type !== 'string') {
      throw new TypeError("installElements: audioOutput must be a sink such as { type: 'system' } (see AudioContextOptions.mediacaptureSink)");
    }
    setElementAudioOutput(o);
  }
  if (options.canvas !== undefined) patchCanvasLibrary(options.canvas);
  const win = (options.window ?? globalThis) as WindowLike & Record<string, unknown>;
  const hasDom = typeof win.HTMLMediaElement === 'function' && win.HTMLMediaElement !== (HTMLMediaElement as unknown);
  if (hasDom) {
    patchMediaElements(win);
    patchCanvasElements(win, options.canvas);
  } else if (options.window === undefined) {
    for (const [name, value] of Object.entries(ELEMENT_INTERFACES)) define(globalThis, name, value, options.replace ?? false);
  }
  define(win, 'CanvasCaptureMediaStreamTrack', CanvasCaptureMediaStreamTrack, false);
  define(win, 'VideoPlaybackQuality', VideoPlaybackQuality, false);
  if (options.window !== undefined && win !== (globalThis as unknown)) {
    for (const [name, value] of Object.entries({ MediaStream, MediaStreamTrack, MediaStreamTrackEvent, OverconstrainedError, VideoFrame })) define(win, name, value, false);
    const ours = (globalThis as { navigator?: { mediaDevices?: unknown } }).navigator?.mediaDevices;
    const nav = win['navigator'] as Record<string, unknown> | undefined;
    if (ours !== undefined && nav && nav['mediaDevices'] === undefined) {
      Object.defineProperty(nav, 'mediaDevices', { get: () => ours, configurable: true, enumerable: true });
    }
  }
}
