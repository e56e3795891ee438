/**
 * Standalone HTMLMediaElement, HTMLVideoElement and HTMLAudioElement for runtimes without a DOM
 * (plain Node): EventTargets with the media element IDL attributes and operations, playing a
 * MediaStream assigned to srcObject (mediacapture-main#mediastreams-in-media-elements). There is
 * no document, so `new HTMLVideoElement()` / `new HTMLAudioElement()` create elements directly;
 * HTMLMediaElement itself is not constructible. `src` loads a media file (media-file.ts says which
 * formats), resolved against the working directory; there is no document, so every resource is
 * same-origin.
 */
import { playbackQuality, type VideoPlaybackQuality } from './video-playback-quality.js';
import { defineEventHandler, double as toDouble, boolean as toBoolean, exposeMembers, illegalInvocation, toStringTag, usvString } from '../webidl/index.js';
import type { MediaStream } from '../stream/media-stream.js';
import {
  type ElementState,
  type VideoFrameRequestCallback,
  MediaError,
  createElementState,
  elementStateOf,
  setSrcObject,
  mediaElementLoad,
  play,
  pause,
  currentTimeOf,
  hasEndedPlayback,
  requestVideoFrameCallback,
  cancelVideoFrameCallback,
  captureStream,
  seekTo,
  canPlayType,
  NETWORK_EMPTY,
  NETWORK_IDLE,
  NETWORK_LOADING,
  NETWORK_NO_SOURCE,
  HAVE_NOTHING,
  HAVE_METADATA,
  HAVE_CURRENT_DATA,
  HAVE_FUTURE_DATA,
  HAVE_ENOUGH_DATA,
} from './media-element-core.js';
import { queueTask } from '../stream/tasks.js';

/** The TimeRanges a MediaStream exposes (mediacapture-main: buffered/seekable empty, played one range). */
export class TimeRanges {
  readonly #ranges: readonly (readonly [number, number])[];
  /** @internal */
  constructor(ranges: readonly (readonly [number, number])[]) {
    this.#ranges = ranges;
  }
  get length(): number {
    return this.#ranges.length;
  }
  start(index: number): number {
    const r = this.#ranges[index >>> 0];
    if (!r || index < 0) throw new DOMException(`TimeRanges.start: index ${index} is out of range`, 'IndexSizeError');
    return r[0];
  }
  end(index: number): number {
    const r = this.#ranges[index >>> 0];
    if (!r || index < 0) throw new DOMException(`TimeRanges.end: index ${index} is out of range`, 'IndexSizeError');
    return r[1];
  }
}
toStringTag(TimeRanges, 'TimeRanges');

interface Extra {
  autoplay: boolean;
  muted: boolean;
  defaultMuted: boolean;
  volume: number;
  src: string;
  /** Whether a src content attribute was ever set (an empty one fails to load, an absent one is nothing). */
  hasSrc: boolean;
  loop: boolean;
  controls: boolean;
  crossOrigin: string | null;
}

const extras = new WeakMap<object, Extra>();
let constructing = false;

function st(self: unknown, member: string): ElementState {
  const s = elementStateOf(self);
  if (!s || !extras.has(self as object)) throw illegalInvocation('HTMLMediaElement', member);
  return s;
}

function ex(self: unknown, member: string): Extra {
  const e = typeof self === 'object' && self !== null ? extras.get(self) : undefined;
  if (!e) throw illegalInvocation('HTMLMediaElement', member);
  return e;
}

function volumeChange(self: HTMLMediaElement): void {
  queueTask(() => self.dispatchEvent(new Event('volumechange')));
}

export class HTMLMediaElement extends EventTarget {
  static readonly NETWORK_EMPTY = NETWORK_EMPTY;
  static readonly NETWORK_IDLE = NETWORK_IDLE;
  static readonly NETWORK_LOADING = NETWORK_LOADING;
  static readonly NETWORK_NO_SOURCE = NETWORK_NO_SOURCE;
  static readonly HAVE_NOTHING = HAVE_NOTHING;
  static readonly HAVE_METADATA = HAVE_METADATA;
  static readonly HAVE_CURRENT_DATA = HAVE_CURRENT_DATA;
  static readonly HAVE_FUTURE_DATA = HAVE_FUTURE_DATA;
  static readonly HAVE_ENOUGH_DATA = HAVE_ENOUGH_DATA;
  declare readonly NETWORK_EMPTY: 0;
  declare readonly NETWORK_IDLE: 1;
  declare readonly NETWORK_LOADING: 2;
  declare readonly NETWORK_NO_SOURCE: 3;
  declare readonly HAVE_NOTHING: 0;
  declare readonly HAVE_METADATA: 1;
  declare readonly HAVE_CURRENT_DATA: 2;
  declare readonly HAVE_FUTURE_DATA: 3;
  declare readonly HAVE_ENOUGH_DATA: 4;

  constructor() {
    if (!constructing) throw new TypeError('Illegal constructor: create an HTMLVideoElement or HTMLAudioElement');
    constructing = false;
    super();
    const extra: Extra = { autoplay: false, muted: false, defaultMuted: false, volume: 1, src: '', hasSrc: false, loop: false, controls: false, crossOrigin: null };
    extras.set(this, extra);
    createElementState(
      this,
      {
        autoplay: () => extra.autoplay,
        makeEvent: (type) => new Event(type),
        src: () => (extra.hasSrc ? extra.src : null),
        sources: () => [],
        loop: () => extra.loop,
        crossOrigin: () => extra.crossOrigin,
        baseURL: () => null,
        origin: () => null,
        volume: () => extra.volume,
        muted: () => extra.muted,
      },
      this instanceof HTMLVideoElement,
    );
  }

  get srcObject(): unknown {
    return st(this, 'srcObject').srcObject;
  }
  set srcObject(value: unknown) {
    setSrcObject(st(this, 'srcObject'), value);
  }
  get src(): string {
    return ex(this, 'src').src;
  }
  set src(value: string) {
    const e = ex(this, 'src');
    e.src = usvString(value, "Failed to set the 'src' property on 'HTMLMediaElement'");
    e.hasSrc = true;
    // html#location-of-the-media-resource: setting src runs the media element load algorithm.
    mediaElementLoad(st(this, 'src'));
  }
  get currentSrc(): string {
    return st(this, 'currentSrc').currentSrc;
  }
  get crossOrigin(): string | null {
    return ex(this, 'crossOrigin').crossOrigin;
  }
  set crossOrigin(value: string | null) {
    // html#cors-settings-attribute: "use-credentials", anything else is "anonymous".
    ex(this, 'crossOrigin').crossOrigin = value === null ? null : String(value).toLowerCase() === 'use-credentials' ? 'use-credentials' : 'anonymous';
  }
  get error(): MediaError | null {
    return st(this, 'error').error;
  }
  get networkState(): number {
    return st(this, 'networkState').networkState;
  }
  /** mediacapture-main: preload is "none" for a MediaStream; src resources are always fetched whole. */
  get preload(): string {
    return 'none';
  }
  set preload(_value: string) {}
  /** A src resource is fetched whole: all of it is buffered; a MediaStream buffers nothing. */
  get buffered(): TimeRanges {
    const s = st(this, 'buffered');
    return new TimeRanges(s.file && s.readyState >= HAVE_METADATA && Number.isFinite(s.duration) ? [[0, s.duration]] : []);
  }
  load(): void {
    mediaElementLoad(st(this, 'load'));
  }
  canPlayType(type: string): string {
    st(this, 'canPlayType');
    return canPlayType(String(type));
  }
  get readyState(): number {
    return st(this, 'readyState').readyState;
  }
  get seeking(): boolean {
    return st(this, 'seeking').seeking;
  }
  /** The official playback position; setting it seeks a src resource and is ignored for a MediaStream. */
  get currentTime(): number {
    return currentTimeOf(st(this, 'currentTime'));
  }
  set currentTime(value: number) {
    const s = st(this, 'currentTime');
    const t = toDouble(value, "Failed to set the 'currentTime' property on 'HTMLMediaElement'");
    if (!s.stream) seekTo(s, t);
  }
  fastSeek(time: number): void {
    const s = st(this, 'fastSeek');
    const t = toDouble(time, "Failed to execute 'fastSeek' on 'HTMLMediaElement'");
    if (!s.stream) seekTo(s, t);
  }
  get duration(): number {
    return st(this, 'duration').duration;
  }
  getStartDate(): Date {
    st(this, 'getStartDate');
    return new Date(NaN);
  }
  get paused(): boolean {
    return st(this, 'paused').paused;
  }
  get defaultPlaybackRate(): number {
    return 1;
  }
  set defaultPlaybackRate(_value: number) {}
  get playbackRate(): number {
    return 1;
  }
  set playbackRate(_value: number) {}
  get preservesPitch(): boolean {
    return true;
  }
  get played(): TimeRanges {
    const s = st(this, 'played');
    return new TimeRanges(s.stream ? [[0, currentTimeOf(s)]] : []);
  }
  get seekable(): TimeRanges {
    const s = st(this, 'seekable');
    return new TimeRanges(s.file && s.readyState >= HAVE_METADATA && Number.isFinite(s.duration) ? [[0, s.duration]] : []);
  }
  get ended(): boolean {
    return hasEndedPlayback(st(this, 'ended'));
  }
  get autoplay(): boolean {
    return ex(this, 'autoplay').autoplay;
  }
  set autoplay(value: boolean) {
    ex(this, 'autoplay').autoplay = toBoolean(value);
  }
  get loop(): boolean {
    return ex(this, 'loop').loop;
  }
  set loop(value: boolean) {
    ex(this, 'loop').loop = toBoolean(value);
  }
  play(): Promise<void> {
    try {
      return play(st(this, 'play'));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  pause(): void {
    pause(st(this, 'pause'));
  }
  /** mediacapture-fromelement#dom-htmlmediaelement-capturestream */
  captureStream(): MediaStream {
    return captureStream(st(this, 'captureStream'));
  }
  get controls(): boolean {
    return ex(this, 'controls').controls;
  }
  set controls(value: boolean) {
    ex(this, 'controls').controls = toBoolean(value);
  }
  /** html#dom-media-volume: 0 to 1, IndexSizeError outside; volumechange when it changes. */
  get volume(): number {
    return ex(this, 'volume').volume;
  }
  set volume(value: number) {
    const e = ex(this, 'volume');
    const v = toDouble(value, "Failed to set the 'volume' property on 'HTMLMediaElement'");
    if (v < 0 || v > 1) throw new DOMException(`Failed to set the 'volume' property on 'HTMLMediaElement': The volume provided (${v}) is outside the range [0, 1].`, 'IndexSizeError');
    if (v === e.volume) return;
    e.volume = v;
    volumeChange(this);
  }
  get muted(): boolean {
    return ex(this, 'muted').muted;
  }
  set muted(value: boolean) {
    const e = ex(this, 'muted');
    const v = toBoolean(value);
    if (v === e.muted) return;
    e.muted = v;
    volumeChange(this);
  }
  get defaultMuted(): boolean {
    return ex(this, 'defaultMuted').defaultMuted;
  }
  set defaultMuted(value: boolean) {
    ex(this, 'defaultMuted').defaultMuted = toBoolean(value);
  }
}

const CONSTANTS = {
  NETWORK_EMPTY, NETWORK_IDLE, NETWORK_LOADING, NETWORK_NO_SOURCE,
  HAVE_NOTHING, HAVE_METADATA, HAVE_CURRENT_DATA, HAVE_FUTURE_DATA, HAVE_ENOUGH_DATA,
};
for (const [k, v] of Object.entries(CONSTANTS)) Object.defineProperty(HTMLMediaElement.prototype, k, { value: v, enumerable: true });

/** The media element events (html#mediaevents) as on<event> handler attributes. */
export const MEDIA_EVENTS = [
  'loadstart', 'progress', 'suspend', 'abort', 'error', 'emptied', 'stalled', 'loadedmetadata', 'loadeddata',
  'canplay', 'canplaythrough', 'playing', 'waiting', 'seeking', 'seeked', 'ended', 'durationchange',
  'timeupdate', 'play', 'pause', 'ratechange', 'resize', 'volumechange',
] as const;
for (const type of MEDIA_EVENTS) defineEventHandler(HTMLMediaElement, type, 'HTMLMediaElement');
toStringTag(HTMLMediaElement, 'HTMLMediaElement');
exposeMembers(HTMLMediaElement, [
  'srcObject', 'src', 'currentSrc', 'crossOrigin', 'error', 'networkState', 'preload', 'buffered', 'load', 'canPlayType',
  'readyState', 'seeking', 'currentTime', 'fastSeek', 'duration', 'getStartDate', 'paused', 'defaultPlaybackRate',
  'playbackRate', 'preservesPitch', 'played', 'seekable', 'ended', 'autoplay', 'loop', 'play', 'pause', 'captureStream', 'controls',
  'volume', 'muted', 'defaultMuted',
]);

interface VideoExtra {
  width: number;
  height: number;
  poster: string;
  playsInline: boolean;
}
const videoExtras = new WeakMap<object, VideoExtra>();

function vx(self: unknown, member: string): VideoExtra {
  const e = typeof self === 'object' && self !== null ? videoExtras.get(self) : undefined;
  if (!e) throw illegalInvocation('HTMLVideoElement', member);
  return e;
}

export class HTMLVideoElement extends HTMLMediaElement {
  constructor() {
    constructing = true;
    super();
    videoExtras.set(this, { width: 0, height: 0, poster: '', playsInline: false });
  }
  get width(): number {
    return vx(this, 'width').width;
  }
  set width(value: number) {
    vx(this, 'width').width = Math.max(0, Math.trunc(Number(value)) || 0);
  }
  get height(): number {
    return vx(this, 'height').height;
  }
  set height(value: number) {
    vx(this, 'height').height = Math.max(0, Math.trunc(Number(value)) || 0);
  }
  /** html#dom-video-videowidth: the intrinsic width of the current frame, 0 before HAVE_METADATA. */
  get videoWidth(): number {
    vx(this, 'videoWidth');
    const s = elementStateOf(this)!;
    return s.readyState === HAVE_NOTHING ? 0 : s.videoWidth;
  }
  get videoHeight(): number {
    vx(this, 'videoHeight');
    const s = elementStateOf(this)!;
    return s.readyState === HAVE_NOTHING ? 0 : s.videoHeight;
  }
  get poster(): string {
    return vx(this, 'poster').poster;
  }
  set poster(value: string) {
    vx(this, 'poster').poster = String(value);
  }
  get playsInline(): boolean {
    return vx(this, 'playsInline').playsInline;
  }
  set playsInline(value: boolean) {
    vx(this, 'playsInline').playsInline = toBoolean(value);
  }
  requestVideoFrameCallback(callback: VideoFrameRequestCallback): number {
    vx(this, 'requestVideoFrameCallback');
    return requestVideoFrameCallback(elementStateOf(this)!, callback);
  }
  cancelVideoFrameCallback(handle: number): void {
    vx(this, 'cancelVideoFrameCallback');
    cancelVideoFrameCallback(elementStateOf(this)!, Number(handle) >>> 0);
  }
  /** media-playback-quality#dom-htmlvideoelement-getvideoplaybackquality */
  getVideoPlaybackQuality(): VideoPlaybackQuality {
    vx(this, 'getVideoPlaybackQuality');
    return playbackQuality(elementStateOf(this)!.presentedFrames);
  }
}
toStringTag(HTMLVideoElement, 'HTMLVideoElement');
exposeMembers(HTMLVideoElement, ['width', 'height', 'videoWidth', 'videoHeight', 'poster', 'playsInline', 'requestVideoFrameCallback', 'cancelVideoFrameCallback', 'getVideoPlaybackQuality']);

export class HTMLAudioElement extends HTMLMediaElement {
  constructor() {
    constructing = true;
    super();
  }
}
toStringTag(HTMLAudioElement, 'HTMLAudioElement');

export { MediaError };
