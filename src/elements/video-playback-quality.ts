/**
 * VideoPlaybackQuality (media-playback-quality#videoplaybackquality-interface): what
 * HTMLVideoElement.getVideoPlaybackQuality() reports. Every frame the element receives is
 * presented (none is late against a clock here), so droppedVideoFrames and the deprecated
 * corruptedVideoFrames stay 0 and totalVideoFrames counts the presented frames.
 */
import { INTERNAL, brand, exposeMembers, toStringTag } from '../webidl/index.js';

const slots = new WeakMap<object, { creationTime: number; dropped: number; total: number }>();
const IFACE = 'VideoPlaybackQuality';

export class VideoPlaybackQuality {
  /** Made by getVideoPlaybackQuality() only; the interface has no constructor. */
  constructor(key: unknown, creationTime: number, dropped: number, total: number) {
    if (key !== INTERNAL) throw new TypeError('Illegal constructor');
    slots.set(this, { creationTime, dropped, total });
  }
  get creationTime(): number {
    return brand(slots, this, IFACE, 'creationTime').creationTime;
  }
  get droppedVideoFrames(): number {
    return brand(slots, this, IFACE, 'droppedVideoFrames').dropped;
  }
  get totalVideoFrames(): number {
    return brand(slots, this, IFACE, 'totalVideoFrames').total;
  }
  /** Deprecated in the spec, still exposed by browsers. */
  get corruptedVideoFrames(): number {
    brand(slots, this, IFACE, 'corruptedVideoFrames');
    return 0;
  }
}
toStringTag(VideoPlaybackQuality, IFACE);
exposeMembers(VideoPlaybackQuality, ['creationTime', 'droppedVideoFrames', 'totalVideoFrames', 'corruptedVideoFrames']);

/** media-playback-quality#dom-htmlvideoelement-getvideoplaybackquality */
export function playbackQuality(presentedFrames: number): VideoPlaybackQuality {
  // creationTime: the current time relative to the time origin.
  return new VideoPlaybackQuality(INTERNAL, performance.now(), 0, presentedFrames);
}
