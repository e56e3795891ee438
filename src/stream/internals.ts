/**
 * The internal API other parts of the library use to make and drive tracks whose sources are not
 * capture devices (frame generators, MediaStreamAudioDestinationNode, canvas capture), and to
 * reach the per-track delivery. Not part of the public surface.
 */
import type { EngineSource, TrackFormat, TrackOutput } from '../sources/types.js';
import type { MediaTrackCapabilities, MediaTrackSettings } from '../constraints/types.js';
import {
  MediaStreamTrack,
  constructTrack,
  observeSource,
  trackOutputOf,
  endTrack as endTrackInternal,
  setTrackMuted as setTrackMutedInternal,
  trackSourceOf,
} from './media-stream-track.js';
import type { TrackSource } from './track-source.js';
import { MediaStream, addTrackAndFire as addAndFire, removeTrackAndFire as removeAndFire } from './media-stream.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';

export interface CreateTrackInit {
  kind: 'audio' | 'video';
  label: string;
  settings?: MediaTrackSettings;
  capabilities?: MediaTrackCapabilities;
  format?: TrackFormat | null;
  /**
   * The "MediaStreamTrack source type": a subclass of MediaStreamTrack whose constructor passes its
   * first two arguments to super(); further arguments come from trackArgs.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trackClass?: new (token: unknown, construction: unknown, ...rest: any[]) => MediaStreamTrack;
  trackArgs?: readonly unknown[];
  /** Source-specific clone steps (mediacapture-main#track-clone step 8). */
  cloneSteps?: (track: MediaStreamTrack, clone: MediaStreamTrack) => void;
}

/**
 * mediacapture-main#dfn-create-a-mediastreamtrack for a source that is not a capture device (so
 * tied to no MediaDevices). Its constraints start empty; its capabilities and settings are as
 * given, and applyConstraints() checks constraints against that single settings dictionary.
 */
export function createTrack(source: EngineSource, init: CreateTrackInit): MediaStreamTrack {
  if (init.kind !== 'audio' && init.kind !== 'video') throw new TypeError(`createTrack: kind must be 'audio' or 'video', got ${String(init.kind)}`);
  if (source.kind !== init.kind) throw new TypeError(`createTrack: a ${source.kind} source cannot make a ${init.kind} track`);
  if (init.trackClass !== undefined && (init.trackClass as unknown) !== MediaStreamTrack && !(init.trackClass.prototype instanceof MediaStreamTrack)) {
    throw new TypeError('createTrack: trackClass must be MediaStreamTrack or a subclass of it');
  }
  const ts: TrackSource = {
    engine: source,
    kind: init.kind,
    label: init.label,
    device: null,
    capabilities: structuredCloneOf(init.capabilities ?? {}),
    permission: null,
    liveTracks: new Set(),
    stopped: false,
    onStopped: [],
    trackClass: (init.trackClass ?? null) as TrackSource['trackClass'],
    trackArgs: init.trackArgs ?? [],
    cloneSteps: (init.cloneSteps ?? null) as TrackSource['cloneSteps'],
  };
  observeSource(ts);
  return constructTrack(ts, {
    source: ts,
    readyState: 'live',
    enabled: true,
    constraints: {},
    settings: structuredCloneOf(init.settings ?? {}),
    format: init.format ?? null,
  });
}

/**
 * The track's delivery point; consumers subscribe here. For an ended track it is a closed output:
 * subscribing gets end() at once.
 */
export function getTrackOutput(track: MediaStreamTrack): TrackOutput {
  const out = trackOutputOf(track);
  if (out) return out;
  return ENDED_OUTPUT;
}

const ENDED_OUTPUT: TrackOutput = Object.freeze({
  setFormat() {},
  setEnabled() {},
  subscribe(consumer: { end(): void }) {
    queueMicrotask(() => consumer.end());
    return () => {};
  },
  close() {},
});

/** The EngineSource behind a track. */
export function getTrackSource(track: MediaStreamTrack): EngineSource {
  return trackSourceOf(track).engine;
}

/** The track "ends for other reasons": a queued task ends it and fires `ended` (M#ends-nostop). */
export function endTrack(track: MediaStreamTrack): void {
  endTrackInternal(track);
}

/** mediacapture-main#set-track-muted (fires mute/unmute synchronously when the state changes). */
export function setTrackMuted(track: MediaStreamTrack, muted: boolean): void {
  setTrackMutedInternal(track, muted);
}

/** mediacapture-main#dfn-add-a-track: adds and fires `addtrack`. */
export function addTrackAndFire(stream: MediaStream, track: MediaStreamTrack): void {
  addAndFire(stream, track);
}

/** mediacapture-main#dfn-remove-a-track: removes and fires `removetrack`. */
export function removeTrackAndFire(stream: MediaStream, track: MediaStreamTrack): void {
  removeAndFire(stream, track);
}

export { INTERNAL } from '../webidl/index.js';
export type { TrackConstruction } from './media-stream-track.js';
