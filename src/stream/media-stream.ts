/**
 * MediaStream: an ordered set of tracks. mediacapture-main#mediastream
 */
import { randomUUID } from 'node:crypto';
import { brand, domString, sequence, isIterableObject, describe, toStringTag, exposeMembers, defineEventHandler } from '../webidl/index.js';
import { MediaStreamTrack, isMediaStreamTrack, trackKindOf, trackIdOf, isTrackLive } from './media-stream-track.js';
import { MediaStreamTrackEvent } from './media-stream-track-event.js';
import { MediaEventTarget } from '../webidl/event-target.js';

interface StreamSlots {
  id: string;
  /** The track set, in insertion order (the order is UA-defined, M#dom-mediastream-gettracks). */
  readonly tracks: Set<MediaStreamTrack>;
  /** Engine-side watchers of the track set (a MediaRecorder must know of any change). */
  readonly watchers: Set<() => void>;
}

const slots = new WeakMap<object, StreamSlots>();

function toTrack(value: unknown, context: string): MediaStreamTrack {
  if (!isMediaStreamTrack(value)) throw new TypeError(`${context}: ${describe(value)} is not of type MediaStreamTrack`);
  return value;
}

export class MediaStream extends MediaEventTarget {
  declare onaddtrack: ((ev: MediaStreamTrackEvent) => unknown) | null;
  declare onremovetrack: ((ev: MediaStreamTrackEvent) => unknown) | null;

  // mediacapture-main#dom-mediastream-constructor
  constructor();
  constructor(stream: MediaStream);
  constructor(tracks: Iterable<MediaStreamTrack>);
  constructor(arg?: MediaStream | Iterable<MediaStreamTrack>) {
    const ctx = "Failed to construct 'MediaStream'";
    // Overload resolution: undefined -> (); a MediaStream -> (stream); an iterable -> (sequence).
    let initial: MediaStreamTrack[] = [];
    if (arg !== undefined) {
      const other = typeof arg === 'object' && arg !== null ? slots.get(arg) : undefined;
      const adoptedStream = other || isIterableObject(arg) ? null : toMediaStream(arg);
      if (other) {
        initial = [...other.tracks];
      } else if (adoptedStream) {
        initial = adoptedStream.getTracks();
      } else if (isIterableObject(arg)) {
        initial = sequence(arg, `${ctx}: parameter 1`, toTrack);
      } else {
        throw new TypeError(`${ctx}: parameter 1 (${describe(arg)}) is neither a MediaStream nor a sequence of MediaStreamTrack`);
      }
    }
    super();
    // 1-2. A new stream with a newly generated id.
    const s: StreamSlots = { id: randomUUID(), tracks: new Set(), watchers: new Set() };
    // 3-4. Add each track, skipping duplicates (a Set does); no events.
    for (const t of initial) s.tracks.add(t);
    slots.set(this, s);
  }

  // mediacapture-main#dom-mediastream-id
  get id(): string {
    return brand(slots, this, 'MediaStream', 'id').id;
  }

  // mediacapture-main#dom-mediastream-getaudiotracks
  getAudioTracks(): MediaStreamTrack[] {
    const s = brand(slots, this, 'MediaStream', 'getAudioTracks');
    return [...s.tracks].filter((t) => trackKindOf(t) === 'audio');
  }

  // mediacapture-main#dom-mediastream-getvideotracks
  getVideoTracks(): MediaStreamTrack[] {
    const s = brand(slots, this, 'MediaStream', 'getVideoTracks');
    return [...s.tracks].filter((t) => trackKindOf(t) === 'video');
  }

  // mediacapture-main#dom-mediastream-gettracks
  getTracks(): MediaStreamTrack[] {
    return [...brand(slots, this, 'MediaStream', 'getTracks').tracks];
  }

  // mediacapture-main#dom-mediastream-gettrackbyid
  getTrackById(trackId: string): MediaStreamTrack | null {
    const s = brand(slots, this, 'MediaStream', 'getTrackById');
    if (arguments.length < 1) throw new TypeError("Failed to execute 'getTrackById' on 'MediaStream': 1 argument required");
    const id = domString(trackId, "Failed to execute 'getTrackById' on 'MediaStream': parameter 1");
    for (const t of s.tracks) if (trackIdOf(t) === id) return t;
    return null;
  }

  // mediacapture-main#dom-mediastream-addtrack: no event (G2).
  addTrack(track: MediaStreamTrack): void {
    const s = brand(slots, this, 'MediaStream', 'addTrack');
    const t = toTrack(track, "Failed to execute 'addTrack' on 'MediaStream': parameter 1");
    if (s.tracks.has(t)) return;
    s.tracks.add(t);
    trackSetChanged(s);
  }

  // mediacapture-main#dom-mediastream-removetrack: no event (G2).
  removeTrack(track: MediaStreamTrack): void {
    const s = brand(slots, this, 'MediaStream', 'removeTrack');
    const t = toTrack(track, "Failed to execute 'removeTrack' on 'MediaStream': parameter 1");
    if (s.tracks.delete(t)) trackSetChanged(s);
  }

  // mediacapture-main#dom-mediastream-clone
  clone(): MediaStream {
    const s = brand(slots, this, 'MediaStream', 'clone');
    // 1-2. A new stream with a new id; 3. clone each track and add the clone.
    return new MediaStream([...s.tracks].map((t) => t.clone()));
  }

  // mediacapture-main#stream-active
  get active(): boolean {
    const s = brand(slots, this, 'MediaStream', 'active');
    for (const t of s.tracks) if (isTrackLive(t)) return true;
    return false;
  }
}

defineEventHandler(MediaStream, 'addtrack', 'MediaStream');
defineEventHandler(MediaStream, 'removetrack', 'MediaStream');
toStringTag(MediaStream, 'MediaStream');
exposeMembers(MediaStream, ['id', 'getAudioTracks', 'getVideoTracks', 'getTracks', 'getTrackById', 'addTrack', 'removeTrack', 'clone', 'active']);

/**
 * mediacapture-main#dfn-add-a-track: adds the track (if absent) and fires `addtrack` synchronously,
 * as the algorithm does; callers run it from their own task.
 */
export function addTrackAndFire(stream: MediaStream, track: MediaStreamTrack): void {
  const s = brand(slots, stream, 'MediaStream', 'add a track');
  // 1. Already in the set: abort. 2. Add it. 3. Fire a track event named addtrack.
  if (s.tracks.has(track)) return;
  s.tracks.add(track);
  trackSetChanged(s);
  stream.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track }));
}

/** mediacapture-main#dfn-remove-a-track: removes the track (if present) and fires `removetrack`. */
export function removeTrackAndFire(stream: MediaStream, track: MediaStreamTrack): void {
  const s = brand(slots, stream, 'MediaStream', 'remove a track');
  // 1. Not in the set: abort. 2. Remove it. 3. Fire a track event named removetrack.
  if (!s.tracks.has(track)) return;
  s.tracks.delete(track);
  trackSetChanged(s);
  stream.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track }));
}

/**
 * Removes several tracks that leave in one step (a captured media element's playback ending),
 * then fires removetrack for each, in order: every listener sees the stream as it is afterwards.
 */
export function removeTracksAndFire(stream: MediaStream, tracks: readonly MediaStreamTrack[]): void {
  const s = brand(slots, stream, 'MediaStream', 'remove a track');
  const removed = tracks.filter((t) => s.tracks.delete(t));
  if (removed.length === 0) return;
  trackSetChanged(s);
  for (const track of removed) stream.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track }));
}

/** Adds a track without an event (getUserMedia filling its new stream). */
export function addTrackSilently(stream: MediaStream, track: MediaStreamTrack): void {
  brand(slots, stream, 'MediaStream', 'add').tracks.add(track);
}

function trackSetChanged(s: StreamSlots): void {
  for (const w of [...s.watchers]) w();
}

/** Calls `onChange` after every change of the stream's track set. Returns the function that stops watching. */
export function watchTrackSet(stream: MediaStream, onChange: () => void): () => void {
  const s = brand(slots, stream, 'MediaStream', 'watch');
  s.watchers.add(onChange);
  return () => s.watchers.delete(onChange);
}

/** True for objects that are MediaStreams (the IDL brand). */
export function isMediaStream(value: unknown): value is MediaStream {
  return typeof value === 'object' && value !== null && slots.has(value);
}

const adopted = new WeakMap<object, MediaStream>();

/**
 * The MediaStream `value` stands for, where one is expected: ours as it is; a MediaStream of
 * another implementation whose tracks are ours (happy-dom's, kept by installPolyfill({ replace:
 * false }): it has getAudioTracks() / getVideoTracks() but no engine) as a stream of ours over
 * those tracks, the same one each time, following its addtrack / removetrack events; null for
 * anything else. This is what lets objects of either set of classes be used together.
 */
export function toMediaStream(value: unknown): MediaStream | null {
  if (isMediaStream(value)) return value;
  if (typeof value !== 'object' || value === null) return null;
  const known = adopted.get(value);
  if (known) return known;
  const foreign = value as { getAudioTracks?: unknown; getVideoTracks?: unknown; addEventListener?: unknown };
  if (typeof foreign.getAudioTracks !== 'function' || typeof foreign.getVideoTracks !== 'function') return null;
  const read = (): MediaStreamTrack[] | null => {
    try {
      const audio: unknown = (foreign.getAudioTracks as () => unknown).call(value);
      const video: unknown = (foreign.getVideoTracks as () => unknown).call(value);
      if (!Array.isArray(audio) || !Array.isArray(video)) return null;
      const all: unknown[] = [...audio, ...video];
      return all.every(isMediaStreamTrack) ? (all as MediaStreamTrack[]) : null;
    } catch {
      return null;
    }
  };
  const tracks = read();
  if (tracks === null) return null;
  const mirror = new MediaStream(tracks);
  adopted.set(value, mirror);
  if (typeof foreign.addEventListener === 'function') {
    const follow = (): void => {
      const now = read() ?? [];
      for (const t of mirror.getTracks()) if (!now.includes(t)) removeTrackAndFire(mirror, t);
      for (const t of now) if (!mirror.getTracks().includes(t)) addTrackAndFire(mirror, t);
    };
    const add = foreign.addEventListener as (type: string, listener: () => void) => void;
    add.call(value, 'addtrack', follow);
    add.call(value, 'removetrack', follow);
  }
  return mirror;
}

/** toMediaStream(), or a TypeError with `message` for a value that is no MediaStream. */
export function requireMediaStream(value: unknown, message: string): MediaStream {
  const stream = toMediaStream(value);
  if (stream === null) throw new TypeError(message);
  return stream;
}

/** A new empty stream whose id is given (a remote stream takes the id its msid names). */
export function createStreamWithId(id: string): MediaStream {
  const stream = new MediaStream();
  brand(slots, stream, 'MediaStream', 'id').id = id;
  return stream;
}
