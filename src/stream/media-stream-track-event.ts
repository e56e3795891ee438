/**
 * MediaStreamTrackEvent: the event of `addtrack` / `removetrack` on a MediaStream.
 * mediacapture-main#mediastreamtrackevent
 */
import { dictionary, domString, requiredMember, boolean as toBoolean, brand, toStringTag, exposeMembers } from '../webidl/index.js';
import { MediaStreamTrack, isMediaStreamTrack } from './media-stream-track.js';
import type { EventInit } from '../webidl/dom-types.js';

const tracks = new WeakMap<object, MediaStreamTrack>();

export interface MediaStreamTrackEventInit extends EventInit {
  track: MediaStreamTrack;
}

export class MediaStreamTrackEvent extends Event {
  // mediacapture-main#dom-mediastreamtrackevent-constructor
  constructor(type: string, eventInitDict: MediaStreamTrackEventInit) {
    const ctx = "Failed to construct 'MediaStreamTrackEvent'";
    if (arguments.length < 2) {
      throw new TypeError(`${ctx}: 2 arguments required, but only ${arguments.length} present`);
    }
    const t = domString(type, `${ctx}: parameter 1`);
    const dict = dictionary(eventInitDict, `${ctx}: parameter 2`);
    // EventInit members first (bubbles, cancelable, composed), then track; lexicographic within each.
    const bubbles = toBoolean(dict.bubbles);
    const cancelable = toBoolean(dict.cancelable);
    const composed = toBoolean(dict.composed);
    const track = requiredMember(dict, 'track', `${ctx}: MediaStreamTrackEventInit`);
    if (!isMediaStreamTrack(track)) {
      throw new TypeError(`${ctx}: MediaStreamTrackEventInit member 'track' is not of type MediaStreamTrack`);
    }
    super(t, { bubbles, cancelable, composed });
    tracks.set(this, track);
  }

  // mediacapture-main#dom-mediastreamtrackevent-track ([SameObject])
  get track(): MediaStreamTrack {
    return brand(tracks, this, 'MediaStreamTrackEvent', 'track');
  }
}

toStringTag(MediaStreamTrackEvent, 'MediaStreamTrackEvent');
exposeMembers(MediaStreamTrackEvent, ['track']);
