/**
 * MediaRecorder (mediastream-recording#mediarecorder-api). The spec side: options, state machine,
 * errors and events in spec order; the recording itself is a RecordingSession.
 *
 * Every step the spec "queues a task" for runs on one ordered chain per recorder, each in a task
 * of its own, so events keep the order of the calls that caused them even while the encoders are
 * still loading.
 *
 * The first live video track and the first live audio track of the stream are recorded (as
 * browsers do); further tracks of a kind are not.
 */
import { Blob } from 'node:buffer';
import { MediaEventTarget } from '../webidl/event-target.js';
import {
  dictionary, domString, unsignedLong, double, enumeration, brand, describe, toStringTag, exposeMembers, defineEventHandler, reportException,
} from '../webidl/index.js';
import { errorEventClass, type ErrorEventShape } from '../webidl/error-event.js';
import { toMediaStream, watchTrackSet, type MediaStream } from '../stream/media-stream.js';
import { isTrackLive, type MediaStreamTrack } from '../stream/media-stream-track.js';
import { nextTask } from '../stream/tasks.js';
import { BlobEvent } from './blob-event.js';
import { chooseConfiguration, isTypeSupported, type RecordingConfiguration } from './mime-type.js';
import { RecordingSession } from './recording-session.js';
import { createWavWriter } from './engine/wav-writer.js';
import { createLibAVWriter } from './engine/libav-writer.js';
import { createFFmpegWriter } from './engine/ffmpeg-writer.js';
import { chooseEngine, ENGINE_OPTIONS, type EngineChoice, type EngineOption } from './engine/select.js';
import type { WriterFactory } from './engine/types.js';

export type RecordingState = 'inactive' | 'recording' | 'paused';
export type BitrateMode = 'constant' | 'variable';
const BITRATE_MODES: readonly BitrateMode[] = ['constant', 'variable'];

export interface MediaRecorderOptions {
  mimeType?: string;
  audioBitsPerSecond?: number;
  videoBitsPerSecond?: number;
  bitsPerSecond?: number;
  audioBitrateMode?: BitrateMode;
  videoKeyFrameIntervalDuration?: number;
  videoKeyFrameIntervalCount?: number;
  /**
   * Not in the spec: which engine encodes ('auto', the default: the system ffmpeg when there is
   * one, else WebAssembly; 'wasm'; 'ffmpeg'). MEDIACAPTURE_RECORDER_ENGINE sets the default.
   */
  engine?: EngineOption;
}

/** What we pick where the options leave it to the UA (Chromium's defaults). */
const DEFAULT_VIDEO_BPS = 2_500_000;
const DEFAULT_AUDIO_BPS = 128_000;
/** Opus takes 6 to 510 kb/s. */
const MIN_AUDIO_BPS = 6_000;
const MAX_AUDIO_BPS = 510_000;

interface RecorderSlots {
  readonly stream: MediaStream;
  readonly constrainedMimeType: string;
  readonly constrainedBitsPerSecond: number | null;
  readonly videoKeyFrameIntervalDuration: number | null;
  readonly videoKeyFrameIntervalCount: number | null;
  readonly hasVideoBps: boolean;
  readonly hasAudioBps: boolean;
  mimeType: string;
  state: RecordingState;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  audioBitrateMode: BitrateMode;
  session: RecordingSession | null;
  /** The ordered chain of queued steps. */
  chain: Promise<void>;
  stopWatching: (() => void) | null;
  /** The type of the Blobs of the current (or last) recording. */
  blobType: string;
  /** The engine chosen at construction, and what it can record. */
  readonly engine: EngineChoice;
}

const slots = new WeakMap<object, RecorderSlots>();

/** Hooks for helpers of this library (the file writer) that need the session behind a recorder. */
const sessionWatchers = new WeakMap<object, Set<(session: RecordingSession) => void>>();

/** The writer of one recording: WAV is ours whatever the engine; the rest is the engine's. */
function writerFactory(engine: EngineChoice, container: RecordingConfiguration['container']): WriterFactory {
  if (container === 'wav') return async (config, output) => createWavWriter(config, output);
  if (engine.engine === 'ffmpeg') {
    const info = engine.ffmpeg;
    return (config, output) => createFFmpegWriter(config, output, info);
  }
  return createLibAVWriter;
}

/** Why `engine` cannot record what was asked, when the engine itself is the reason. */
function engineNote(engine: EngineChoice): string {
  return engine.engine === null ? ` (${engine.reason})` : '';
}

function splitBitrate(total: number, hasVideo: boolean, hasAudio: boolean): { video: number; audio: number } {
  if (!hasVideo) return { video: 0, audio: Math.min(MAX_AUDIO_BPS, Math.max(MIN_AUDIO_BPS, total)) };
  if (!hasAudio) return { video: total, audio: 0 };
  const audio = Math.min(DEFAULT_AUDIO_BPS, Math.max(MIN_AUDIO_BPS, Math.floor(total / 10)));
  return { video: Math.max(0, total - audio), audio };
}

export class MediaRecorder extends MediaEventTarget {
  declare onstart: ((ev: Event) => unknown) | null;
  declare onstop: ((ev: Event) => unknown) | null;
  declare ondataavailable: ((ev: BlobEvent) => unknown) | null;
  declare onpause: ((ev: Event) => unknown) | null;
  declare onresume: ((ev: Event) => unknown) | null;
  declare onerror: ((ev: ErrorEventShape) => unknown) | null;

  /** mediastream-recording#dom-mediarecorder-mediarecorder */
  constructor(stream: MediaStream, options: MediaRecorderOptions = {}) {
    const ctx = "Failed to construct 'MediaRecorder'";
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    // 1.
    const own = toMediaStream(stream);
    if (!own) throw new TypeError(`${ctx}: parameter 1 (${describe(stream)}) is not of type 'MediaStream'`);
    stream = own;
    // 2. MediaRecorderOptions, members in lexicographic order.
    const d = dictionary(options, `${ctx}: parameter 2`);
    const m = (name: string) => `${ctx}: member ${name} of MediaRecorderOptions`;
    const audioBitrateMode = d.audioBitrateMode === undefined ? 'variable' : enumeration(d.audioBitrateMode, BITRATE_MODES, m('audioBitrateMode'));
    const audioBps = d.audioBitsPerSecond === undefined ? null : unsignedLong(d.audioBitsPerSecond, m('audioBitsPerSecond'));
    const engineOption = d.engine === undefined ? undefined : enumeration(d.engine, ENGINE_OPTIONS, m('engine'));
    const totalBps = d.bitsPerSecond === undefined ? null : unsignedLong(d.bitsPerSecond, m('bitsPerSecond'));
    const mimeType = d.mimeType === undefined ? '' : domString(d.mimeType, m('mimeType'));
    const videoBps = d.videoBitsPerSecond === undefined ? null : unsignedLong(d.videoBitsPerSecond, m('videoBitsPerSecond'));
    const keyCount = d.videoKeyFrameIntervalCount === undefined ? null : unsignedLong(d.videoKeyFrameIntervalCount, m('videoKeyFrameIntervalCount'));
    const keyDuration = d.videoKeyFrameIntervalDuration === undefined ? null : double(d.videoKeyFrameIntervalDuration, m('videoKeyFrameIntervalDuration'));
    // 3-4.
    const engine = chooseEngine(engineOption);
    if (!isTypeSupported(mimeType, true, engine.capabilities)) throw new DOMException(`${ctx}: MediaRecorder cannot record '${mimeType}'${engineNote(engine)}`, 'NotSupportedError');
    super();
    // 5-16.
    const s: RecorderSlots = {
      stream,
      constrainedMimeType: mimeType,
      constrainedBitsPerSecond: totalBps,
      videoKeyFrameIntervalDuration: keyDuration,
      videoKeyFrameIntervalCount: keyCount,
      hasVideoBps: videoBps !== null,
      hasAudioBps: audioBps !== null,
      mimeType,
      state: 'inactive',
      videoBitsPerSecond: videoBps ?? DEFAULT_VIDEO_BPS,
      audioBitsPerSecond: audioBps ?? DEFAULT_AUDIO_BPS,
      audioBitrateMode,
      session: null,
      chain: Promise.resolve(),
      stopWatching: null,
      blobType: '',
      engine,
    };
    // 15.
    if (totalBps !== null) {
      const split = splitBitrate(totalBps, true, true);
      s.videoBitsPerSecond = split.video;
      s.audioBitsPerSecond = split.audio;
    }
    slots.set(this, s);
  }

  get stream(): MediaStream {
    return brand(slots, this, 'MediaRecorder', 'stream').stream;
  }

  get mimeType(): string {
    return brand(slots, this, 'MediaRecorder', 'mimeType').mimeType;
  }

  get state(): RecordingState {
    return brand(slots, this, 'MediaRecorder', 'state').state;
  }

  get videoBitsPerSecond(): number {
    return brand(slots, this, 'MediaRecorder', 'videoBitsPerSecond').videoBitsPerSecond;
  }

  get audioBitsPerSecond(): number {
    return brand(slots, this, 'MediaRecorder', 'audioBitsPerSecond').audioBitsPerSecond;
  }

  get audioBitrateMode(): BitrateMode {
    return brand(slots, this, 'MediaRecorder', 'audioBitrateMode').audioBitrateMode;
  }

  /** mediastream-recording#dom-mediarecorder-start */
  start(timeslice?: number): void {
    const s = brand(slots, this, 'MediaRecorder', 'start');
    const ctx = "Failed to execute 'start' on 'MediaRecorder'";
    // 1-2.
    const slice = timeslice === undefined ? undefined : unsignedLong(timeslice, `${ctx}: parameter 1`);
    // 3-4.
    const tracks = s.stream.getTracks().filter((t) => isTrackLive(t));
    // 5.
    if (s.state !== 'inactive') throw new DOMException(`${ctx}: the recorder is ${s.state}, not inactive`, 'InvalidStateError');
    // 6. Every stream here is same-origin to its recorder.
    // 7.
    if (!s.stream.active) throw new DOMException(`${ctx}: the stream is inactive (it has no live track)`, 'NotSupportedError');
    const videoTrack = tracks.find((t) => t.kind === 'video') ?? null;
    const audioTrack = tracks.find((t) => t.kind === 'audio') ?? null;
    // 8, 14, 15.1. A type we can name but not produce is found out in parallel (15.2).
    const vs = videoTrack?.getSettings();
    const shape = { width: vs?.width ?? 640, height: vs?.height ?? 480, frameRate: vs?.frameRate ?? 30 };
    const caps = s.engine.capabilities;
    const chosen = chooseConfiguration(s.constrainedMimeType, videoTrack !== null, audioTrack !== null, caps, shape);
    const configuration = typeof chosen === 'string' ? chosen + engineNote(s.engine) : chosen;
    const deferred = typeof configuration === 'string' && isTypeSupported(s.constrainedMimeType, false, caps) === false;
    if (typeof configuration === 'string' && !deferred) throw new DOMException(`${ctx}: ${configuration}`, 'NotSupportedError');
    // 9.
    if (s.constrainedBitsPerSecond !== null) {
      const split = splitBitrate(s.constrainedBitsPerSecond, videoTrack !== null, audioTrack !== null);
      s.videoBitsPerSecond = split.video;
      s.audioBitsPerSecond = split.audio;
    }
    // 12.
    if (s.videoKeyFrameIntervalDuration !== null && s.videoKeyFrameIntervalCount !== null) {
      throw new DOMException(`${ctx}: videoKeyFrameIntervalDuration and videoKeyFrameIntervalCount cannot both be given`, 'NotSupportedError');
    }
    // 15.
    s.state = 'recording';
    if (typeof configuration === 'string') {
      // 15.2.
      this.#queue(s, () => {
        inactivate(s);
        this.#fireError('NotSupportedError', configuration);
        this.dispatchEvent(new Event('stop'));
      });
      return;
    }
    s.blobType = configuration.mimeType;
    let started!: (ok: boolean) => void;
    const ready = new Promise<boolean>((resolve) => (started = resolve));
    const session = new RecordingSession({
      configuration,
      videoTrack,
      audioTrack,
      videoBitsPerSecond: s.videoBitsPerSecond,
      audioBitsPerSecond: s.audioBitsPerSecond,
      audioBitrateMode: s.audioBitrateMode,
      keyFrameIntervalMs: s.videoKeyFrameIntervalDuration,
      keyFrameIntervalCount: s.videoKeyFrameIntervalCount,
      timeslice: slice === undefined ? Infinity : slice,
      createWriter: writerFactory(s.engine, configuration.container),
      onStarted: () => started(true),
      // 15.7.
      onSlice: (bytes, timecode) => this.#queue(s, () => this.#fireData(s, bytes, timecode)),
      onFailure: (name, message) => {
        started(false);
        if (s.session !== session) return;
        const { bytes, timecode } = session.abandon();
        this.#endSession(s);
        // 15.2 (before anything was recorded) or 15.6.
        this.#queue(s, () => {
          inactivate(s);
          this.#fireError(name, message);
          if (name === 'UnknownError') this.#fireData(s, bytes, timecode);
          this.dispatchEvent(new Event('stop'));
        });
      },
      // 15.8.
      onTracksEnded: () => {
        if (s.session !== session) return;
        const done = session.stop();
        this.#endSession(s);
        this.#queue(s, async () => {
          const { bytes, timecode, error } = await done;
          inactivate(s);
          // 15.6 where the file could not be finished.
          if (error !== undefined) this.#fireError('UnknownError', error);
          this.#fireData(s, bytes, timecode);
          this.dispatchEvent(new Event('stop'));
        });
      },
    });
    s.session = session;
    // 15.5.
    s.stopWatching = watchTrackSet(s.stream, () => {
      if (s.session !== session) return;
      const { bytes, timecode } = session.abandon();
      this.#endSession(s);
      this.#queue(s, () => {
        inactivate(s);
        this.#fireError('InvalidModificationError', "the stream's track set changed while recording");
        this.#fireData(s, bytes, timecode);
        this.dispatchEvent(new Event('stop'));
      });
    });
    for (const w of sessionWatchers.get(this) ?? []) w(session);
    // 15.3.
    this.#queue(s, async () => {
      if (!(await ready)) return;
      s.mimeType = configuration.mimeType;
      this.dispatchEvent(new Event('start'));
    });
  }

  /** mediastream-recording#dom-mediarecorder-stop */
  stop(): void {
    const s = brand(slots, this, 'MediaRecorder', 'stop');
    // 2.
    if (s.state === 'inactive') return;
    // 3.
    inactivate(s);
    // 4.1 Stop gathering data (now: the recording ends where stop() was called).
    const session = s.session;
    const done = session?.stop();
    this.#endSession(s);
    // 4.
    this.#queue(s, async () => {
      if (!done) return;
      const { bytes, timecode, error } = await done;
      // 15.6 where the file could not be finished (the encoder failed at the end).
      if (error !== undefined) this.#fireError('UnknownError', error);
      // 4.2-4.3
      this.#fireData(s, bytes, timecode);
      this.dispatchEvent(new Event('stop'));
    });
  }

  /** mediastream-recording#dom-mediarecorder-pause */
  pause(): void {
    const s = brand(slots, this, 'MediaRecorder', 'pause');
    // 1-2.
    if (s.state === 'inactive') throw new DOMException("Failed to execute 'pause' on 'MediaRecorder': the recorder is inactive", 'InvalidStateError');
    if (s.state === 'paused') return;
    // 3.
    s.state = 'paused';
    s.session?.pause();
    this.#queue(s, () => void this.dispatchEvent(new Event('pause')));
  }

  /** mediastream-recording#dom-mediarecorder-resume */
  resume(): void {
    const s = brand(slots, this, 'MediaRecorder', 'resume');
    // 1-2.
    if (s.state === 'inactive') throw new DOMException("Failed to execute 'resume' on 'MediaRecorder': the recorder is inactive", 'InvalidStateError');
    if (s.state === 'recording') return;
    // 3.
    s.state = 'recording';
    s.session?.resume();
    this.#queue(s, () => void this.dispatchEvent(new Event('resume')));
  }

  /** mediastream-recording#dom-mediarecorder-requestdata */
  requestData(): void {
    const s = brand(slots, this, 'MediaRecorder', 'requestData');
    // 1.
    if (s.state === 'inactive') throw new DOMException("Failed to execute 'requestData' on 'MediaRecorder': the recorder is inactive", 'InvalidStateError');
    const data = s.session?.requestData();
    this.#queue(s, async () => {
      if (!data) return;
      const { bytes, timecode } = await data;
      // 1.1-1.2
      this.#fireData(s, bytes, timecode);
    });
  }

  /** mediastream-recording#dom-mediarecorder-istypesupported */
  static isTypeSupported(type: string): boolean {
    if (arguments.length < 1) throw new TypeError("Failed to execute 'isTypeSupported' on 'MediaRecorder': 1 argument required, but only 0 present");
    const t = domString(type, "Failed to execute 'isTypeSupported' on 'MediaRecorder': parameter 1");
    // What the default engine (the environment's, else auto) can produce on this machine.
    return isTypeSupported(t, false, chooseEngine().capabilities);
  }

  /** Queues `step` after every step queued before it, each in a task of its own. */
  #queue(s: RecorderSlots, step: () => void | Promise<void>): void {
    s.chain = s.chain.then(nextTask).then(step).catch((e: unknown) => reportException(e));
  }

  #endSession(s: RecorderSlots): void {
    s.session = null;
    s.stopWatching?.();
    s.stopWatching = null;
  }

  /** mediastream-recording#fire-a-blob-event */
  #fireData(s: RecorderSlots, bytes: Uint8Array, timecode: number): void {
    // The global Blob type (see BlobEvent) may be lib.dom's, which types bytes() and stream() a
    // little differently from node:buffer's: the same object, typed as the event types it.
    const data = new Blob([bytes], { type: s.blobType }) as unknown as globalThis.Blob;
    this.dispatchEvent(new BlobEvent('dataavailable', { data, timecode }));
  }

  /** mediastream-recording#fire-an-error-event: an ErrorEvent whose error is a DOMException of `name`. */
  #fireError(name: string, message: string): void {
    const ErrorEvent = errorEventClass();
    this.dispatchEvent(new ErrorEvent('error', { error: new DOMException(message, name), message }));
  }
}

/** mediastream-recording#abstract-opdef-inactivate-the-recorder */
function inactivate(s: RecorderSlots): void {
  // 1-2.
  s.mimeType = s.constrainedMimeType;
  s.state = 'inactive';
  // 3.
  if (s.constrainedBitsPerSecond !== null) {
    const split = splitBitrate(s.constrainedBitsPerSecond, true, true);
    s.videoBitsPerSecond = split.video;
    s.audioBitsPerSecond = split.audio;
  }
}

defineEventHandler(MediaRecorder, 'start', 'MediaRecorder');
defineEventHandler(MediaRecorder, 'stop', 'MediaRecorder');
defineEventHandler(MediaRecorder, 'dataavailable', 'MediaRecorder');
defineEventHandler(MediaRecorder, 'pause', 'MediaRecorder');
defineEventHandler(MediaRecorder, 'resume', 'MediaRecorder');
defineEventHandler(MediaRecorder, 'error', 'MediaRecorder');
toStringTag(MediaRecorder, 'MediaRecorder');
exposeMembers(MediaRecorder, ['stream', 'mimeType', 'state', 'videoBitsPerSecond', 'audioBitsPerSecond', 'audioBitrateMode', 'start', 'stop', 'pause', 'resume', 'requestData']);

/** Calls `watcher` with the session of every recording `recorder` starts from now on. */
export function watchRecorderSessions(recorder: MediaRecorder, watcher: (session: RecordingSession) => void): () => void {
  brand(slots, recorder, 'MediaRecorder', 'watch');
  let set = sessionWatchers.get(recorder);
  if (!set) sessionWatchers.set(recorder, (set = new Set()));
  set.add(watcher);
  return () => set.delete(watcher);
}

/** The session recording now, if any. */
export function currentSession(recorder: MediaRecorder): RecordingSession | null {
  return brand(slots, recorder, 'MediaRecorder', 'session').session;
}

export type { MediaStreamTrack };
