/**
 * HTMLMediaElement.captureStream() (mediacapture-fromelement#dom-htmlmediaelement-capturestream),
 * for an element playing a MediaStream or a resource from src: one captured track per track the
 * element plays (its selected video track, its enabled audio tracks), fed with what the element
 * renders. Captured tracks are muted while the element has no content to give (paused, not yet
 * loaded), end when playback ends or the element's source changes, and come back as new tracks
 * (addtrack) when playback restarts.
 */
import { MediaStream, addTrackSilently, removeTracksAndFire } from '../stream/media-stream.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { addTrackAndFire, createTrack, removeTrackAndFire } from '../stream/internals.js';
import { GeneratorSource } from '../sources/generator-source.js';
import type { VideoFrame } from '../media/video-frame.js';
import type { AudioData } from '../media/audio-data.js';
import type { Clock } from '../media/clock.js';

interface Captured {
  readonly source: GeneratorSource;
  readonly track: MediaStreamTrack;
}

export interface CaptureSet {
  readonly stream: MediaStream;
  /** Element track -> its captured track. */
  readonly tracks: Map<MediaStreamTrack, Captured>;
}

export interface CaptureHost {
  readonly captures: CaptureSet[];
  /** The clock the element's media runs on. */
  clock(): Clock;
  /** The tracks the element plays now (empty before metadata and after playback ended). */
  playedTracks(): MediaStreamTrack[];
  /** Whether the element renders content now (potentially playing). */
  rendering(): boolean;
  /**
   * False while the element plays a CORS-cross-origin resource: its captured tracks stay muted
   * and carry nothing (mediacapture-fromelement#dom-htmlmediaelement-capturestream).
   */
  originClean(): boolean;
}

/** Makes the captured stream; its tracks exist at once when the element already plays tracks. */
export function createCapture(host: CaptureHost): MediaStream {
  const set: CaptureSet = { stream: new MediaStream(), tracks: new Map() };
  host.captures.push(set);
  syncCapture(host, set, false);
  return set.stream;
}

/** Stops feeding a stream createCapture() made (its tracks end). */
export function releaseCapture(host: CaptureHost, stream: MediaStream): void {
  const i = host.captures.findIndex((set) => set.stream === stream);
  if (i < 0) return;
  const [set] = host.captures.splice(i, 1);
  for (const c of set!.tracks.values()) endCaptured(set!, c);
  set!.tracks.clear();
}

/** Brings every captured stream in line with the tracks the element plays (addtrack / ended + removetrack). */
export function syncCaptures(host: CaptureHost): void {
  for (const set of host.captures) syncCapture(host, set, true);
}

function syncCapture(host: CaptureHost, set: CaptureSet, fire: boolean): void {
  const played = host.playedTracks();
  for (const [from, c] of set.tracks) {
    if (played.includes(from) && c.track.readyState === 'live') continue;
    set.tracks.delete(from);
    endCaptured(set, c);
  }
  const muted = !host.rendering() || !host.originClean();
  for (const from of played) {
    if (set.tracks.has(from)) continue;
    const kind = from.kind as 'audio' | 'video';
    const source = new GeneratorSource(kind, host.clock());
    source.setDropping(muted);
    source.reportMuted(muted);
    const s = from.getSettings();
    const settings = kind === 'video' ? { width: s.width, height: s.height } : { sampleRate: s.sampleRate, channelCount: s.channelCount };
    const track = createTrack(source, { kind, label: from.label, settings });
    set.tracks.set(from, { source, track });
    if (fire) addTrackAndFire(set.stream, track);
    else addTrackSilently(set.stream, track);
  }
}

/** A captured track ends before it is removed from its stream. */
function endCaptured(set: CaptureSet, c: Captured): void {
  c.source.end('the captured media element track is no longer played');
  removeTrackAndFire(set.stream, c.track);
}

/**
 * Ends every captured track (playback ended, or the source changed). The tracks of one stream
 * end, and leave it, together: removetrack listeners see the stream without any of them.
 */
export function endCaptures(host: CaptureHost): void {
  for (const set of host.captures) {
    const ending = [...set.tracks.values()];
    set.tracks.clear();
    for (const c of ending) c.source.end('the captured media element track is no longer played');
    removeTracksAndFire(set.stream, ending.map((c) => c.track));
  }
}

/** The element rendered `frame` of `from`: the captured tracks of `from` get a copy. */
export function captureFrame(host: CaptureHost, from: MediaStreamTrack, frame: VideoFrame | AudioData): void {
  for (const set of host.captures) {
    const c = set.tracks.get(from);
    if (c) c.source.push(frame.clone());
  }
}

/** Content availability changed: captured tracks are muted while the element renders nothing. */
export function updateCaptureMuted(host: CaptureHost): void {
  const muted = !host.rendering() || !host.originClean();
  for (const set of host.captures) {
    for (const c of set.tracks.values()) {
      c.source.setDropping(muted);
      c.source.reportMuted(muted);
    }
  }
}
