/**
 * VideoTrackGenerator (mediacapture-transform#video-track-generator): a video source whose frames
 * are written to `writable`; `track` (and its clones) deliver them.
 */
import { boolean, brand, exposeMembers, toStringTag } from '../webidl/index.js';
import { createTrack } from '../stream/internals.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { queueTask } from '../stream/tasks.js';
import { GeneratorSink } from './generator-sink.js';

interface GeneratorSlots {
  sink: GeneratorSink;
  track: MediaStreamTrack;
  isMuted: boolean;
  mutePending: boolean;
}

const slots = new WeakMap<object, GeneratorSlots>();

export class VideoTrackGenerator {
  /** mediacapture-transform#dom-videotrackgenerator-videotrackgenerator */
  constructor() {
    // 1-3. The "source" is the generator; the track is not tied to a context.
    const sink = new GeneratorSink('video', { errorWhenEnded: true });
    const track = createTrack(sink.source, { kind: 'video', label: '' });
    slots.set(this, { sink, track, isMuted: false, mutePending: false });
  }

  /** mediacapture-transform#dom-videotrackgenerator-writable */
  get writable(): WritableStream {
    return brand(slots, this, 'VideoTrackGenerator', 'writable').sink.writable;
  }

  /** mediacapture-transform#dom-videotrackgenerator-muted */
  get muted(): boolean {
    return brand(slots, this, 'VideoTrackGenerator', 'muted').isMuted;
  }

  set muted(value: boolean) {
    const s = brand(slots, this, 'VideoTrackGenerator', 'muted');
    const newValue = boolean(value);
    // 1-2.
    if (newValue === s.isMuted) return;
    s.isMuted = newValue;
    // Frames written while muted are not sent (writeFrame step 3): the source drops them at once.
    s.sink.source.setDropping(newValue);
    // 3. One queued task per turn settles the tracks' muted state on the latest value.
    if (s.mutePending) return;
    s.mutePending = true;
    queueTask(() => {
      s.mutePending = false;
      s.sink.source.reportMuted(s.isMuted);
    });
  }

  /** mediacapture-transform#dom-videotrackgenerator-track */
  get track(): MediaStreamTrack {
    return brand(slots, this, 'VideoTrackGenerator', 'track').track;
  }
}
toStringTag(VideoTrackGenerator, 'VideoTrackGenerator');
exposeMembers(VideoTrackGenerator, ['writable', 'muted', 'track']);
