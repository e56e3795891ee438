/**
 * VideoPlaybackQuality (media-playback-quality#videoplaybackquality-interface): what
 * HTMLVideoElement.getVideoPlaybackQuality() reports. Every frame the element receives is
 * presented (none is late against a clock here), so droppedVideoFrames and the deprecated
 * corruptedVideoFrames stay 0 and totalVideoFrames counts the presented frames.
 */
import { INTERNAL, exposeMembers, toStringTag } from '../webidl/index.js';

const slots = new WeakMap<object, { creationTime: number; dropped: number; total: number }>();

function slotsOf(q: unknown, name: string): { creationTime: number; dropped: number; total: number } {
  const s = slots.get(q as object);
  if (!s) throw new TypeError(`Failed to read the '${name}' property from 'VideoPlaybackQuality': Illegal invocation`);
  return s;
}

export class VideoPlaybackQuality {
  /** Made by getVideoPlaybackQuality() only; the interface has no constructor. */
  constructor(key: unknown, creationTime: number, dropped: number, total: number) {
    if (key !== INTERNAL) throw new TypeError('Illegal constructor');
    slots.set(this, { creationTime, dropped, total });
  }
  get creationTime(): number {
    return slotsOf(this, 'creationTime').creationTime;
  }
  get droppedVideoFrames(): number {
    return slotsOf(this, 'droppedVideoFrames').dropped;
  }
  get totalVideoFrames(): number {
    return slotsOf(this, 'totalVideoFrames').total;
  }
  /** Deprecated in the spec, still exposed by browsers. */
  get corruptedVideoFrames(): number {
    slotsOf(this, 'corruptedVideoFrames');
    return 0;
  }
}
toStringTag(VideoPlaybackQuality, 'VideoPlaybackQuality');
exposeMembers(VideoPlaybackQuality, ['creationTime', 'droppedVideoFrames', 'totalVideoFrames', 'corruptedVideoFrames']);

/** media-playback-quality#dom-htmlvideoelement-getvideoplaybackquality */
export function playbackQuality(presentedFrames: number): VideoPlaybackQuality {
  // creationTime: the current time relative to the time origin.
  return new VideoPlaybackQuality(INTERNAL, performance.now(), 0, presentedFrames);
}
