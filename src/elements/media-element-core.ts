/**
 * The behaviour of an HTML media element whose media provider object is a MediaStream
 * (mediacapture-main#mediastreams-in-media-elements, on top of HTML's media element algorithms).
 * It is kept apart from any element class so that the standalone elements (html-media-element.ts)
 * and jsdom's / happy-dom's element classes (patch-dom.ts) share one implementation: each element
 * gets one ElementState, found through a WeakMap.
 *
 * Events are dispatched in queued tasks ("queue a media element task"), with the host's own Event
 * class (jsdom refuses events made by another realm).
 */
import { MediaStream, toMediaStream } from '../stream/media-stream.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { getTrackOutput, getTrackSource } from '../stream/internals.js';
import { queueTask } from '../stream/tasks.js';
import { RealClock, type Clock, type ClockTimer } from '../media/clock.js';
import type { VideoFrame } from '../media/video-frame.js';
import { reportException } from '../webidl/index.js';
import type { AudioData } from '../media/audio-data.js';
import { type CaptureHost, createCapture, syncCaptures, endCaptures, captureFrame, updateCaptureMuted } from './media-element-capture.js';
import { FilePlayer } from './file-player.js';
import { syncElementOutput } from './element-audio-output.js';
import { openMediaFile } from './media-file.js';
import { defaultBaseURL, fetchMedia } from './media-fetch.js';
import { ffmpegTools } from './media-file-ffmpeg.js';
import { GeneratorSource } from '../sources/generator-source.js';
import { createTrack } from '../stream/internals.js';

export const NETWORK_EMPTY = 0;
export const NETWORK_IDLE = 1;
export const NETWORK_LOADING = 2;
export const NETWORK_NO_SOURCE = 3;
export const HAVE_NOTHING = 0;
export const HAVE_METADATA = 1;
export const HAVE_CURRENT_DATA = 2;
export const HAVE_FUTURE_DATA = 3;
export const HAVE_ENOUGH_DATA = 4;

/** html#mediaerror */
export class MediaError {
  static readonly MEDIA_ERR_ABORTED = 1;
  static readonly MEDIA_ERR_NETWORK = 2;
  static readonly MEDIA_ERR_DECODE = 3;
  static readonly MEDIA_ERR_SRC_NOT_SUPPORTED = 4;
  readonly MEDIA_ERR_ABORTED = 1;
  readonly MEDIA_ERR_NETWORK = 2;
  readonly MEDIA_ERR_DECODE = 3;
  readonly MEDIA_ERR_SRC_NOT_SUPPORTED = 4;
  readonly #code: number;
  readonly #message: string;
  /** @internal Not constructible by script in a browser; created by the element. */
  constructor(code: number, message: string) {
    this.#code = code;
    this.#message = message;
  }
  get code(): number {
    return this.#code;
  }
  get message(): string {
    return this.#message;
  }
}

/** video-rvfc#dictdef-videoframecallbackmetadata */
export interface VideoFrameCallbackMetadata {
  presentationTime: number;
  expectedDisplayTime: number;
  width: number;
  height: number;
  mediaTime: number;
  presentedFrames: number;
  processingDuration: number;
  captureTime: number;
  receiveTime: number;
}

export type VideoFrameRequestCallback = (now: number, metadata: VideoFrameCallbackMetadata) => void;

interface PendingPlay {
  resolve(): void;
  reject(error: unknown): void;
}

export interface ElementHost {
  /** The element's autoplay content attribute. */
  autoplay(): boolean;
  /** Makes an Event of the host's realm. */
  makeEvent(type: string): Event;
  /** The src content attribute, or null when it is absent. */
  src(): string | null;
  /** The element's <source> children in tree order (none for a standalone element). */
  sources(): MediaSourceChild[];
  /** The element's loop content attribute. */
  loop(): boolean;
  /** The crossorigin content attribute's state: null (absent), "anonymous" or "use-credentials". */
  crossOrigin(): string | null;
  /** The base URL src resolves against (the document's), or null for none. */
  baseURL(): string | null;
  /** The document's origin, or null when there is no document (everything is same-origin). */
  origin(): string | null;
  /** The volume and muted IDL attributes (the element's own audio output follows them). */
  volume(): number;
  muted(): boolean;
}

/** A media resource fetched from `src` and being played (html's "mode attribute"). */
interface FileResource {
  readonly player: FilePlayer;
  /** Stand for the resource's video and audio tracks in the captured streams. */
  readonly videoTrack: MediaStreamTrack | null;
  readonly audioTrack: MediaStreamTrack | null;
  readonly sources: GeneratorSource[];
}

export interface ElementState {
  readonly target: EventTarget;
  readonly host: ElementHost;
  readonly isVideo: boolean;
  srcObject: unknown;
  networkState: number;
  readyState: number;
  paused: boolean;
  error: MediaError | null;
  canAutoplay: boolean;
  showPoster: boolean;
  loadedDataFired: boolean;
  pendingPlay: PendingPlay[];
  /** Bumped by every load: stale asynchronous steps see another value and stop. */
  loadId: number;
  stream: MediaStream | null;
  /** Undo for everything attach() set up (subscriptions, listeners). */
  detachers: (() => void)[];
  subscribed: Map<MediaStreamTrack, () => void>;
  videoTrack: MediaStreamTrack | null;
  frame: VideoFrame | null;
  videoWidth: number;
  videoHeight: number;
  duration: number;
  clock: Clock;
  /** Official playback position (s) at playStartMs, or the current one while not playing. */
  position: number;
  playStartMs: number | null;
  timeupdateTimer: ClockTimer | null;
  wasActive: boolean;
  endedFlag: boolean;
  rvfc: Map<number, VideoFrameRequestCallback>;
  rvfcHandle: number;
  rvfcQueued: boolean;
  presentedFrames: number;
  lastPresented: { frameTimestampUs: number; atMs: number; mediaTime: number } | null;
  /** The streams captureStream() returned (mediacapture-fromelement). */
  capture: CaptureHost;
  /** The resource fetched from src, while one is loaded. */
  file: FileResource | null;
  currentSrc: string;
  /** False while the resource is CORS-cross-origin: its content does not reach script. */
  originClean: boolean;
  seeking: boolean;
  /** html#default-playback-start-position */
  defaultStart: number;
  /** The src attribute when the load algorithm last ran (a DOM's observer skips what it already loaded). */
  srcAtLoad: string | null;
  /** Aborts the network fetch of the resource being loaded. */
  fetching: AbortController | null;
}

const states = new WeakMap<object, ElementState>();
let fallbackClock: Clock | null = null;

/** The clock src resources play on (installElements({ clock }) sets it; default a real clock). */
export function setElementClock(clock: Clock | null): void {
  fallbackClock = clock;
}

function elementClock(): Clock {
  return (fallbackClock ??= new RealClock());
}

export function createElementState(target: EventTarget, host: ElementHost, isVideo: boolean): ElementState {
  const s: ElementState = {
    target,
    host,
    isVideo,
    srcObject: null,
    networkState: NETWORK_EMPTY,
    readyState: HAVE_NOTHING,
    paused: true,
    error: null,
    canAutoplay: true,
    showPoster: true,
    loadedDataFired: false,
    pendingPlay: [],
    loadId: 0,
    stream: null,
    detachers: [],
    subscribed: new Map(),
    videoTrack: null,
    frame: null,
    videoWidth: 0,
    videoHeight: 0,
    duration: NaN,
    clock: elementClock(),
    position: 0,
    playStartMs: null,
    timeupdateTimer: null,
    wasActive: false,
    endedFlag: false,
    rvfc: new Map(),
    rvfcHandle: 0,
    rvfcQueued: false,
    presentedFrames: 0,
    lastPresented: null,
    capture: null as unknown as CaptureHost,
    file: null,
    currentSrc: '',
    originClean: true,
    seeking: false,
    defaultStart: 0,
    srcAtLoad: null,
    fetching: null,
  };
  s.capture = {
    captures: [],
    clock: () => s.clock,
    playedTracks: () => {
      if (s.readyState < HAVE_METADATA || hasEndedPlayback(s)) return [];
      const out: MediaStreamTrack[] = [];
      if (s.file) {
        if (s.isVideo && s.file.videoTrack) out.push(s.file.videoTrack);
        if (s.file.audioTrack) out.push(s.file.audioTrack);
        return out;
      }
      if (s.videoTrack) out.push(s.videoTrack);
      for (const t of s.subscribed.keys()) if (t.kind === 'audio') out.push(t);
      return out;
    },
    rendering: () => potentiallyPlaying(s),
    originClean: () => s.originClean,
  };
  states.set(target, s);
  target.addEventListener('volumechange', () => syncAudioOutput(s));
  return s;
}

/** The element's own audio output follows playback, its audio tracks and its volume. */
function syncAudioOutput(s: ElementState): void {
  const playing = potentiallyPlaying(s) && s.originClean && s.capture.playedTracks().some((t) => t.kind === 'audio');
  let level = 1;
  try {
    level = s.host.muted() ? 0 : Math.min(1, Math.max(0, Number(s.host.volume()) || 0));
  } catch {
    level = 1;
  }
  syncElementOutput(s, playing, level);
}

/** Marks the media element prototypes of a DOM implementation this library patched (patch-dom.ts). */
export const DOM_MEDIA_ELEMENT = Symbol('mediacapture.dom-media-element');

/** Whether `value` is a media element of a patched DOM, loaded or not. */
export function isPatchedMediaElement(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [DOM_MEDIA_ELEMENT]?: boolean })[DOM_MEDIA_ELEMENT] === true;
}

export function elementStateOf(value: unknown): ElementState | undefined {
  return typeof value === 'object' && value !== null ? states.get(value) : undefined;
}

/** The frame the element shows now (borrowed: clone it to keep it), or null before HAVE_CURRENT_DATA. */
export function currentFrameOf(value: unknown): VideoFrame | null {
  const s = elementStateOf(value);
  // A CORS-cross-origin resource's pictures are not given out (there is no canvas tainting here).
  if (!s || s.readyState < HAVE_CURRENT_DATA || !s.originClean) return null;
  return s.frame;
}

function fire(s: ElementState, type: string): void {
  const id = s.loadId;
  queueTask(() => {
    // Tasks queued for a media resource that was since replaced are dropped (the element's task
    // source is emptied by the load algorithm, html#media-element-load-algorithm step 3).
    if (id !== s.loadId && type !== 'emptied' && type !== 'abort') return;
    s.target.dispatchEvent(s.host.makeEvent(type));
  });
}

function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

function takePendingPlay(s: ElementState): PendingPlay[] {
  return s.pendingPlay.splice(0);
}

function rejectLater(promises: PendingPlay[], error: DOMException): void {
  if (promises.length === 0) return;
  queueTask(() => {
    for (const p of promises) p.reject(error);
  });
}

// ---- time -------------------------------------------------------------------------------------

function potentiallyPlaying(s: ElementState): boolean {
  return !s.paused && !hasEndedPlayback(s) && s.readyState >= HAVE_FUTURE_DATA;
}

/** html#ended-playback, with mediacapture-main's MediaStream rules folded into endedFlag. */
export function hasEndedPlayback(s: ElementState): boolean {
  return s.readyState >= HAVE_METADATA && s.endedFlag;
}

/** The official playback position: it advances with the source's clock while potentially playing. */
export function currentTimeOf(s: ElementState): number {
  if (s.playStartMs === null) return s.position;
  const t = s.position + (s.clock.now() - s.playStartMs) / 1000;
  // A file's position stops at its end.
  return s.file ? Math.min(t, s.duration) : t;
}

/** Starts or stops the media timeline after any change of paused / readyState / ended. */
function updateTimeline(s: ElementState): void {
  const playing = potentiallyPlaying(s);
  if (playing && s.playStartMs === null) {
    s.playStartMs = s.clock.now();
    scheduleTimeupdate(s);
    updateCaptureMuted(s.capture);
  } else if (!playing && s.playStartMs !== null) {
    s.position = currentTimeOf(s);
    s.playStartMs = null;
    s.timeupdateTimer?.cancel();
    s.timeupdateTimer = null;
    updateCaptureMuted(s.capture);
  }
  s.file?.player.timelineChanged();
  syncAudioOutput(s);
}

/** html#time-marches-on fires timeupdate every 15 to 250 ms while playing; this uses 250 ms. */
function scheduleTimeupdate(s: ElementState): void {
  s.timeupdateTimer?.cancel();
  s.timeupdateTimer = s.clock.schedule(s.clock.now() + 250, () => {
    s.timeupdateTimer = null;
    if (s.playStartMs === null) return;
    fire(s, 'timeupdate');
    scheduleTimeupdate(s);
  });
}

// ---- ready states -----------------------------------------------------------------------------

/** html#notify-about-playing */
function notifyAboutPlaying(s: ElementState): void {
  const promises = takePendingPlay(s);
  const id = s.loadId;
  queueTask(() => {
    if (id === s.loadId) s.target.dispatchEvent(s.host.makeEvent('playing'));
    for (const p of promises) p.resolve();
  });
}

function eligibleForAutoplay(s: ElementState): boolean {
  return s.canAutoplay && s.paused && s.host.autoplay();
}

/** html#ready-states: the events fired when readyState changes. */
function setReadyState(s: ElementState, next: number): void {
  const prev = s.readyState;
  if (prev === next) return;
  s.readyState = next;
  if (prev === HAVE_NOTHING && next === HAVE_METADATA) {
    fire(s, 'loadedmetadata');
  } else if (prev === HAVE_METADATA && next >= HAVE_CURRENT_DATA) {
    if (!s.loadedDataFired) {
      s.loadedDataFired = true;
      fire(s, 'loadeddata');
    }
    if (next === HAVE_FUTURE_DATA || next === HAVE_ENOUGH_DATA) {
      fire(s, 'canplay');
      if (!s.paused) notifyAboutPlaying(s);
    }
  }
  if (next === HAVE_ENOUGH_DATA) {
    if (eligibleForAutoplay(s)) {
      s.paused = false;
      s.showPoster = false;
      fire(s, 'play');
      notifyAboutPlaying(s);
    }
    fire(s, 'canplaythrough');
  }
  updateTimeline(s);
}

// ---- load and resource selection --------------------------------------------------------------

/** html#dom-media-srcobject setter */
export function setSrcObject(s: ElementState, value: unknown): void {
  // MediaProvider is (MediaStream or MediaSource or Blob): other objects are not of the type.
  if (value !== null && value !== undefined && typeof value !== 'object') {
    throw new TypeError("Failed to set the 'srcObject' property on 'HTMLMediaElement': The provided value is not of type 'MediaProvider'");
  }
  s.srcObject = value ?? null;
  mediaElementLoad(s);
}

/** html#media-element-load-algorithm */
export function mediaElementLoad(s: ElementState): void {
  s.srcAtLoad = s.host.src();
  // Abort any running instance of the resource selection algorithm; tasks queued for the old
  // resource are dropped (fire() checks loadId).
  s.loadId++;
  detach(s);
  // The element's tracks are no longer played: captured tracks end (mediacapture-fromelement).
  endCaptures(s.capture);
  // If networkState is LOADING or IDLE, fire abort.
  if (s.networkState === NETWORK_LOADING || s.networkState === NETWORK_IDLE) fire(s, 'abort');
  // If networkState is not EMPTY:
  if (s.networkState !== NETWORK_EMPTY) {
    // fire emptied;
    fire(s, 'emptied');
    // forget the media resource's tracks; readyState HAVE_NOTHING;
    s.readyState = HAVE_NOTHING;
    // if paused is false, set it to true and reject the pending play promises with AbortError;
    if (!s.paused) {
      s.paused = true;
      rejectLater(takePendingPlay(s), abortError('The play() request was interrupted by a new load request.'));
    }
    // the current and official playback positions become 0 (timeupdate if that moved them);
    const moved = currentTimeOf(s) !== 0;
    s.playStartMs = null;
    s.position = 0;
    if (moved) fire(s, 'timeupdate');
    // duration NaN, with no durationchange for this change.
    s.duration = NaN;
  }
  s.timeupdateTimer?.cancel();
  s.timeupdateTimer = null;
  s.videoWidth = 0;
  s.videoHeight = 0;
  s.frame?.close();
  s.frame = null;
  s.endedFlag = false;
  s.wasActive = false;
  s.loadedDataFired = false;
  s.presentedFrames = 0;
  s.lastPresented = null;
  s.seeking = false;
  s.currentSrc = '';
  s.originClean = true;
  // error null, can autoplay flag true.
  s.error = null;
  s.canAutoplay = true;
  // Run the resource selection algorithm.
  resourceSelection(s);
}

/** html#concept-media-load-algorithm (resource selection), for a media provider object. */
function resourceSelection(s: ElementState): void {
  // 1-3.
  s.networkState = NETWORK_NO_SOURCE;
  s.showPoster = true;
  const id = s.loadId;
  // 4. Await a stable state.
  queueMicrotask(() => {
    if (id !== s.loadId) return;
    // 6. No media provider object: the src attribute (mode attribute), else <source> children
    // (mode children), else networkState EMPTY.
    if (s.srcObject === null) {
      const src = s.host.src();
      const children = src === null ? s.host.sources() : [];
      if (src !== null || children.length > 0) {
        // 8. networkState LOADING, loadstart; 9 (mode attribute / children).
        s.networkState = NETWORK_LOADING;
        fire(s, 'loadstart');
        if (src !== null) {
          loadUrl(s, src, 'The src attribute', (message) => dedicatedMediaSourceFailure(s, message));
        } else {
          loadChildren(s, children, 0, []);
        }
        return;
      }
      s.networkState = NETWORK_EMPTY;
      // A browser leaves play() pending here until a source comes; this rejects at once, as
      // Chromium does, so no promise hangs.
      rejectLater(takePendingPlay(s), notSupported('The element has no supported sources.'));
      return;
    }
    // 8. networkState LOADING, loadstart.
    s.networkState = NETWORK_LOADING;
    fire(s, 'loadstart');
    // 9 (mode object). currentSrc is "", then the resource fetch algorithm runs on the object.
    const stream = toMediaStream(s.srcObject);
    if (!stream) {
      dedicatedMediaSourceFailure(s, 'Only a MediaStream can be played here (MediaSource and Blob are not supported).');
      return;
    }
    attach(s, stream);
  });
}

/** html#dedicated-media-source-failure-steps */
function dedicatedMediaSourceFailure(s: ElementState, message: string): void {
  s.error = new MediaError(MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED, message);
  s.networkState = NETWORK_NO_SOURCE;
  s.showPoster = true;
  fire(s, 'error');
  rejectLater(takePendingPlay(s), notSupported(message));
}

// ---- a resource fetched from src -------------------------------------------------------------

/** html#concept-media-load-algorithm step 9, mode attribute, then html#concept-media-load-resource. */
/**
 * html#concept-media-load-algorithm step 9, mode children: each <source> child in order; one
 * whose type canPlayType() rejects is skipped, one that fails to load fires `error` at itself and
 * the next is tried. When none is left the element waits with networkState NETWORK_NO_SOURCE (a
 * browser would wait for another <source> to be inserted); a pending play() is rejected then.
 */
function loadChildren(s: ElementState, children: readonly MediaSourceChild[], index: number, failures: string[]): void {
  const id = s.loadId;
  for (let i = index; i < children.length; i++) {
    const child = children[i]!;
    if (child.type !== null && child.type !== '' && canPlayType(child.type) === '') {
      failures.push(`<source type=${JSON.stringify(child.type)}> is not a type played here`);
      continue;
    }
    loadUrl(s, child.src ?? '', 'The <source> src attribute', (message) => {
      if (id !== s.loadId) return;
      failures.push(message);
      // Queue a task to fire an event named error at the candidate.
      queueTask(() => {
        if (id === s.loadId) child.element.dispatchEvent(s.host.makeEvent('error'));
      });
      loadChildren(s, children, i + 1, failures);
    });
    return;
  }
  // Waiting: networkState NETWORK_NO_SOURCE, the poster shown; the element's error stays null.
  s.networkState = NETWORK_NO_SOURCE;
  s.showPoster = true;
  s.currentSrc = '';
  const message = failures.length > 0 ? `None of the <source> children can be played: ${failures.join('; ')}` : 'The element has no supported sources.';
  rejectLater(takePendingPlay(s), notSupported(message));
}

/** A <source> child of a media element, as the resource selection algorithm reads it. */
export interface MediaSourceChild {
  readonly src: string | null;
  readonly type: string | null;
  readonly element: EventTarget;
}

/**
 * Loads `src` (the resource fetch algorithm) as the element's resource; a URL that does not parse,
 * a fetch that fails or data that cannot be played calls `fail` with the reason.
 */
function loadUrl(s: ElementState, src: string, what: string, fail: (message: string) => void): void {
  const id = s.loadId;
  // 9.1-9.3 An empty src, or one that is not a URL, fails.
  let url: URL | null = null;
  if (src !== '') {
    try {
      url = new URL(src, s.host.baseURL() ?? defaultBaseURL());
    } catch {
      url = null;
    }
  }
  if (url === null) {
    queueTask(() => {
      if (id === s.loadId) fail(src === '' ? `${what} is empty.` : `${what} (${JSON.stringify(src)}) is not a valid URL.`);
    });
    return;
  }
  s.currentSrc = url.href;
  const where = url.protocol === 'data:' ? 'a data: URL' : url.href;
  const fetching = new AbortController();
  s.fetching = fetching;
  fetchMedia(url, { origin: s.host.origin(), crossOrigin: s.host.crossOrigin(), signal: fetching.signal })
    .then(async (fetched) => {
      if (s.fetching === fetching) s.fetching = null;
      if (id !== s.loadId) return;
      let media;
      try {
        media = await openMediaFile(fetched.bytes);
      } catch (e) {
        if (id === s.loadId) fail(`${where} cannot be played: ${(e as Error).message}`);
        return;
      }
      if (id !== s.loadId) {
        media.close();
        return;
      }
      startFile(s, media, fetched.corsCrossOrigin);
    })
    .catch((e: unknown) => {
      // The media data cannot be fetched at all: the dedicated media source failure steps.
      if (id === s.loadId) fail((e as Error).message);
    });
}

function startFile(s: ElementState, media: Awaited<ReturnType<typeof openMediaFile>>, corsCrossOrigin: boolean): void {
  s.originClean = !corsCrossOrigin;
  s.clock = elementClock();
  const sources: GeneratorSource[] = [];
  const identity = (kind: 'audio' | 'video', settings: Record<string, unknown>): MediaStreamTrack => {
    const source = new GeneratorSource(kind, s.clock);
    sources.push(source);
    return createTrack(source, { kind, label: '', settings });
  };
  const videoTrack = media.video ? identity('video', { width: media.video.width, height: media.video.height }) : null;
  const audioTrack = media.audio ? identity('audio', { sampleRate: media.audio.sampleRate, channelCount: media.audio.channels.length }) : null;
  const player = new FilePlayer(media, s.clock, playerHooks(s));
  s.file = { player, videoTrack, audioTrack, sources };
  // The whole resource is fetched: progress, then networkState IDLE and suspend.
  fire(s, 'progress');
  s.networkState = NETWORK_IDLE;
  fire(s, 'suspend');
  // html#media-data-processing-steps-list, "once enough of the media data has been fetched to
  // determine the duration": timeline at 0, the duration (durationchange), the video size,
  // readyState HAVE_METADATA (loadedmetadata).
  s.position = 0;
  s.duration = media.duration;
  fire(s, 'durationchange');
  if (media.video && s.isVideo) {
    s.videoWidth = media.video.width;
    s.videoHeight = media.video.height;
  }
  setReadyState(s, HAVE_METADATA);
  if (media.video && s.isVideo) fire(s, 'resize');
  syncCaptures(s.capture);
  updateCaptureMuted(s.capture);
  // An audio-only resource has all it needs; a video element waits for its first picture.
  if (!(media.video && s.isVideo)) setReadyState(s, HAVE_ENOUGH_DATA);
  if (s.defaultStart > 0) {
    const t = s.defaultStart;
    s.defaultStart = 0;
    seekTo(s, t);
  } else {
    player.start();
  }
}

function playerHooks(s: ElementState): ConstructorParameters<typeof FilePlayer>[2] {
  return {
    position: () => currentTimeOf(s),
    playing: () => potentiallyPlaying(s),
    clockTimeFor: (t) => (s.playStartMs === null ? s.clock.now() : s.playStartMs + (t - s.position) * 1000),
    present: (frame) => {
      if (!s.isVideo) {
        frame.close();
        return;
      }
      s.frame?.close();
      s.frame = frame;
      present(s, frame);
      // The first picture: HAVE_ENOUGH_DATA (loadeddata, canplay, canplaythrough; autoplay).
      if (s.readyState < HAVE_ENOUGH_DATA) setReadyState(s, HAVE_ENOUGH_DATA);
    },
    wantsAudio: () => s.capture.captures.length > 0 && potentiallyPlaying(s) && s.originClean,
    audio: (data) => {
      if (s.file?.audioTrack && potentiallyPlaying(s)) captureFrame(s.capture, s.file.audioTrack, data);
      data.close();
    },
    reachedEnd: (end) => fileReachedEnd(s, end),
    decodeError: (message) => {
      // html#media-data-processing-steps-list: fatal errors after the metadata: MEDIA_ERR_DECODE.
      if (!s.file) return;
      s.error = new MediaError(MediaError.MEDIA_ERR_DECODE, message);
      s.networkState = NETWORK_IDLE;
      fire(s, 'error');
    },
  };
}

/** The timeline got to the end of a src resource. */
function fileReachedEnd(s: ElementState, end: number): void {
  if (s.duration !== end && !Number.isFinite(s.duration)) {
    s.duration = end;
    fire(s, 'durationchange');
  }
  // html#reaches-the-end: with loop, seek to the earliest possible position.
  if (s.host.loop()) {
    seekTo(s, 0);
    return;
  }
  s.endedFlag = true;
  reachesTheEnd(s);
}

/** html#dom-media-seek for a src resource (a MediaStream is not seekable). */
export function seekTo(s: ElementState, time: number): void {
  const file = s.file;
  // 2. HAVE_NOTHING: nothing to seek in yet (the default playback start position takes it).
  if (!file || s.readyState === HAVE_NOTHING) {
    if (!s.stream) s.defaultStart = Math.max(0, time);
    return;
  }
  // 1. The poster is no longer shown.
  s.showPoster = false;
  // 4. seeking true (a seek already running is taken over by this one).
  s.seeking = true;
  // 6-8. Clamp to the media.
  let t = Math.min(time, s.duration);
  if (!(t > 0)) t = 0;
  // The playback position moves at once; ended playback is left if the new position is before the end.
  s.position = t;
  if (s.playStartMs !== null) s.playStartMs = s.clock.now();
  const wasEnded = hasEndedPlayback(s);
  if (t < s.duration) s.endedFlag = false;
  // 10. seeking.
  fire(s, 'seeking');
  if (wasEnded && !hasEndedPlayback(s)) {
    syncCaptures(s.capture);
    updateTimeline(s);
  }
  const id = s.loadId;
  void file.player.seek(t).then((done) => {
    if (!done || id !== s.loadId || s.file !== file) return;
    // 14-17. seeking false, timeupdate, seeked.
    s.seeking = false;
    fire(s, 'timeupdate');
    fire(s, 'seeked');
    file.player.timelineChanged();
  });
}

// ---- the MediaStream as media resource --------------------------------------------------------

function attach(s: ElementState, stream: MediaStream): void {
  s.stream = stream;
  s.wasActive = stream.active;
  const tracks = stream.getTracks();
  const first = stream.getVideoTracks()[0] ?? tracks[0];
  if (first) s.clock = getTrackSource(first).clock;
  const onChange = (): void => reconsiderTracks(s);
  stream.addEventListener('addtrack', onChange);
  stream.addEventListener('removetrack', onChange);
  s.detachers.push(() => {
    stream.removeEventListener('addtrack', onChange);
    stream.removeEventListener('removetrack', onChange);
  });
  reconsiderTracks(s);
}

function detach(s: ElementState): void {
  s.fetching?.abort();
  s.fetching = null;
  if (s.file) {
    s.file.player.close();
    for (const source of s.file.sources) source.end('the media resource was unloaded');
    s.file = null;
  }
  for (const d of s.detachers.splice(0)) d();
  for (const unsubscribe of s.subscribed.values()) unsubscribe();
  s.subscribed.clear();
  s.videoTrack = null;
  s.stream = null;
}

/** The track set changed: subscribe to new live tracks, pick the selected video track, check activity. */
function reconsiderTracks(s: ElementState): void {
  const stream = s.stream;
  if (!stream) return;
  const tracks = stream.getTracks();
  for (const [track, unsubscribe] of s.subscribed) {
    if (!tracks.includes(track)) {
      unsubscribe();
      s.subscribed.delete(track);
    }
  }
  for (const track of tracks) {
    if (s.subscribed.has(track) || track.readyState !== 'live') continue;
    subscribe(s, track);
  }
  // The selected VideoTrack: the first live video track of the stream (the order is ours to pick).
  const video = s.isVideo ? (stream.getVideoTracks().find((t) => s.subscribed.has(t)) ?? null) : null;
  s.videoTrack = video;
  checkActivity(s);
  syncCaptures(s.capture);
}

function subscribe(s: ElementState, track: MediaStreamTrack): void {
  const id = s.loadId;
  const kind = track.kind;
  let live = true;
  const unsubscribe = getTrackOutput(track).subscribe({
    frame: (f: unknown) => {
      const frame = f as VideoFrame & { close(): void };
      if (!live || id !== s.loadId) {
        frame.close();
        return;
      }
      if (kind === 'video') onVideoFrame(s, track, frame);
      else {
        // Audio goes to no sink; captured streams get what is played.
        if (potentiallyPlaying(s)) captureFrame(s.capture, track, frame as unknown as AudioData);
        frame.close();
        onMediaData(s, null);
      }
    },
    end: () => {
      if (!live || id !== s.loadId) return;
      live = false;
      s.subscribed.delete(track);
      if (s.videoTrack === track) s.videoTrack = null;
      reconsiderTracks(s);
    },
  });
  s.subscribed.set(track, () => {
    live = false;
    unsubscribe();
  });
}

function onVideoFrame(s: ElementState, track: MediaStreamTrack, frame: VideoFrame): void {
  if (!s.isVideo || track !== s.videoTrack) {
    // A video element's other video tracks, or an audio element's: nothing is shown.
    frame.close();
    if (!s.isVideo) onMediaData(s, null);
    return;
  }
  if (s.readyState === HAVE_NOTHING) {
    s.frame?.close();
    s.frame = frame;
    onMediaData(s, frame);
    return;
  }
  // A paused element keeps showing the frame it had (mediacapture-main: always the current data
  // while playing, nothing buffered).
  if (!potentiallyPlaying(s)) {
    frame.close();
    return;
  }
  s.frame?.close();
  s.frame = frame;
  present(s, frame);
}

/** First media data: html#media-data-processing-steps-list, "enough data to determine the duration". */
function onMediaData(s: ElementState, frame: VideoFrame | null): void {
  if (s.readyState !== HAVE_NOTHING) return;
  // A video element waits for its first frame when the stream has a video track.
  if (s.isVideo && !frame && s.videoTrack) return;
  // 1-2. Timeline established; positions at 0.
  s.position = 0;
  // 3. duration: a MediaStream is an unbounded live stream.
  s.duration = Infinity;
  fire(s, 'durationchange');
  // Video: the intrinsic size comes with the metadata.
  if (frame) {
    s.videoWidth = frame.displayWidth;
    s.videoHeight = frame.displayHeight;
  }
  // 7. readyState HAVE_METADATA (loadedmetadata).
  setReadyState(s, HAVE_METADATA);
  // html#dom-video-videowidth: the size changed while readyState is not HAVE_NOTHING: resize.
  if (frame) fire(s, 'resize');
  // The stream always plays its current data (mediacapture-main): straight to HAVE_ENOUGH_DATA.
  setReadyState(s, HAVE_ENOUGH_DATA);
  // Metadata is known: the played tracks are determined, captured streams get their tracks.
  syncCaptures(s.capture);
  if (frame) present(s, frame);
}

function present(s: ElementState, frame: VideoFrame): void {
  if (frame.displayWidth !== s.videoWidth || frame.displayHeight !== s.videoHeight) {
    s.videoWidth = frame.displayWidth;
    s.videoHeight = frame.displayHeight;
    fire(s, 'resize');
  }
  s.presentedFrames++;
  const from = s.file ? s.file.videoTrack : s.videoTrack;
  if (from && potentiallyPlaying(s) && s.originClean) captureFrame(s.capture, from, frame);
  s.lastPresented = { frameTimestampUs: frame.timestamp, atMs: s.clock.now(), mediaTime: currentTimeOf(s) };
  runVideoFrameCallbacksSoon(s);
}

/**
 * mediacapture-main#mediastreams-in-media-elements: ended playback when the stream became inactive
 * after being active, or active again (after being inactive after being active) since play() was
 * last called, with autoplay false.
 */
function checkActivity(s: ElementState): void {
  const stream = s.stream;
  if (!stream) return;
  const active = s.subscribed.size > 0;
  if (active) {
    if (!s.wasActive) s.wasActive = true;
    // Becoming active again: autoplay restarts playback; otherwise playback stays ended.
    if (s.endedFlag && s.host.autoplay()) s.endedFlag = false;
    return;
  }
  if (s.wasActive && !s.endedFlag) {
    s.endedFlag = true;
    if (s.readyState >= HAVE_METADATA) reachesTheEnd(s);
  }
}

/** html#reaches-the-end */
function reachesTheEnd(s: ElementState): void {
  updateTimeline(s);
  const id = s.loadId;
  queueTask(() => {
    if (id !== s.loadId) return;
    // 3.1
    s.target.dispatchEvent(s.host.makeEvent('timeupdate'));
    // 3.2
    if (hasEndedPlayback(s) && !s.paused) {
      s.paused = true;
      s.target.dispatchEvent(s.host.makeEvent('pause'));
      const promises = takePendingPlay(s);
      const e = abortError('The play() request was interrupted because the media ended.');
      for (const p of promises) p.reject(e);
    }
    // 3.3 Captured tracks end when playback ends, as ended fires.
    endCaptures(s.capture);
    s.target.dispatchEvent(s.host.makeEvent('ended'));
  });
}

// ---- play / pause -----------------------------------------------------------------------------

/** html#dom-media-play */
export function play(s: ElementState): Promise<void> {
  // 2.
  if (s.error && s.error.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED) {
    return Promise.reject(notSupported('The element has no supported sources.'));
  }
  // 3-4.
  const promise = new Promise<void>((resolve, reject) => s.pendingPlay.push({ resolve, reject }));
  // 5.
  internalPlaySteps(s);
  return promise;
}

/** html#internal-play-steps */
function internalPlaySteps(s: ElementState): void {
  // 1.
  if (s.networkState === NETWORK_EMPTY) resourceSelection(s);
  // 2. Playback ended and the direction is forwards: seek to the earliest possible position (a
  // file); a MediaStream restarts from its live edge (the timeline keeps counting).
  if (hasEndedPlayback(s) && s.file) {
    seekTo(s, 0);
  } else if (hasEndedPlayback(s) && s.stream && s.subscribed.size > 0) {
    s.endedFlag = false;
    // Restarting playback makes a new set of captured tracks.
    syncCaptures(s.capture);
  }
  // 3.
  if (s.paused) {
    s.paused = false;
    s.showPoster = false;
    fire(s, 'play');
    if (s.readyState <= HAVE_CURRENT_DATA) fire(s, 'waiting');
    else notifyAboutPlaying(s);
  } else if (s.readyState >= HAVE_FUTURE_DATA) {
    // 4.
    const promises = takePendingPlay(s);
    queueTask(() => {
      for (const p of promises) p.resolve();
    });
  }
  // 5.
  s.canAutoplay = false;
  updateTimeline(s);
}

/** html#dom-media-pause */
export function pause(s: ElementState): void {
  // 1.
  if (s.networkState === NETWORK_EMPTY) resourceSelection(s);
  // 2. html#internal-pause-steps
  s.canAutoplay = false;
  if (!s.paused) {
    s.paused = true;
    const promises = takePendingPlay(s);
    const id = s.loadId;
    queueTask(() => {
      if (id === s.loadId) {
        s.target.dispatchEvent(s.host.makeEvent('timeupdate'));
        s.target.dispatchEvent(s.host.makeEvent('pause'));
      }
      const e = abortError('The play() request was interrupted by a call to pause().');
      for (const p of promises) p.reject(e);
    });
  }
  updateTimeline(s);
}

// ---- requestVideoFrameCallback (video-rvfc) ---------------------------------------------------

/** video-rvfc#dom-htmlvideoelement-requestvideoframecallback */
export function requestVideoFrameCallback(s: ElementState, callback: unknown): number {
  if (typeof callback !== 'function') {
    throw new TypeError("Failed to execute 'requestVideoFrameCallback' on 'HTMLVideoElement': parameter 1 is not of type 'Function'.");
  }
  const handle = ++s.rvfcHandle;
  s.rvfc.set(handle, callback as VideoFrameRequestCallback);
  return handle;
}

/** video-rvfc#dom-htmlvideoelement-cancelvideoframecallback */
export function cancelVideoFrameCallback(s: ElementState, handle: number): void {
  s.rvfc.delete(handle);
}

function runVideoFrameCallbacksSoon(s: ElementState): void {
  if (s.rvfcQueued || s.rvfc.size === 0) return;
  s.rvfcQueued = true;
  queueTask(() => {
    s.rvfcQueued = false;
    const last = s.lastPresented;
    if (!last || s.rvfc.size === 0) return;
    // Callbacks registered from inside a callback wait for the next frame.
    const callbacks = [...s.rvfc.values()];
    s.rvfc.clear();
    const now = s.clock.now();
    const metadata: VideoFrameCallbackMetadata = {
      presentationTime: last.atMs,
      expectedDisplayTime: last.atMs,
      width: s.videoWidth,
      height: s.videoHeight,
      mediaTime: last.mediaTime,
      presentedFrames: s.presentedFrames,
      processingDuration: 0,
      // Frame timestamps are microseconds on the source's clock time line.
      captureTime: last.frameTimestampUs / 1000,
      receiveTime: last.atMs,
    };
    for (const cb of callbacks) {
      try {
        cb.call(s.target, now, { ...metadata });
      } catch (e) {
        reportException(e);
      }
    }
  });
}

/** mediacapture-fromelement#dom-htmlmediaelement-capturestream */
export function captureStream(s: ElementState): MediaStream {
  return createCapture(s.capture);
}

/** What media-file.ts plays, by MIME type essence: the codecs each may name. */
const PLAYABLE: Record<string, readonly string[]> = {
  'video/webm': ['vp8', 'vp8.0', 'vp9', 'vp09', 'opus', 'vorbis', 'flac'],
  'audio/webm': ['opus', 'vorbis', 'flac'],
  'audio/ogg': ['opus', 'vorbis', 'flac'],
  'application/ogg': ['opus', 'vorbis', 'flac'],
  'audio/wav': ['1', '3'],
  'audio/wave': ['1', '3'],
  'audio/x-wav': ['1', '3'],
  'audio/mpeg': ['mp3'],
  'audio/mp3': ['mp3'],
  'audio/flac': ['flac'],
  'audio/x-flac': ['flac'],
  'audio/aiff': [],
  'audio/x-aiff': [],
  // AAC needs the optional decoder package, so it is not promised.
  'audio/mp4': ['opus', 'flac'],
  'video/x-yuv4mpeg': [],
};

/**
 * html#dom-navigator-canplaytype: "probably" when every codec the type names is played here,
 * "maybe" for a known type without codecs, "" otherwise.
 */
export function canPlayType(type: string): '' | 'maybe' | 'probably' {
  const [essence = '', ...params] = type.split(';');
  const mime = essence.trim().toLowerCase();
  const codecs = PLAYABLE[mime];
  // What only the system's ffmpeg decodes (which codecs its build has is not known): "maybe".
  const ffmpeg = (): boolean => typeof ffmpegTools() !== 'string';
  if (codecs === undefined) return FFMPEG_TYPES.has(mime) && ffmpeg() ? 'maybe' : '';
  const param = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('codecs='));
  if (param === undefined) return 'maybe';
  const listed = param.slice(7).replace(/^"|"$/g, '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  if (listed.length === 0) return 'maybe';
  // vp09.PP.LL.DD... names VP9 with a profile: its first part decides.
  if (listed.every((c) => codecs.includes(c) || codecs.includes(c.split('.')[0]!))) return 'probably';
  return ffmpeg() ? 'maybe' : '';
}

/** Types the system's ffmpeg plays when it is installed (besides those above). */
const FFMPEG_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/ogg', 'video/x-msvideo', 'video/mp2t', 'video/x-matroska', 'audio/aac', 'audio/x-m4a']);
