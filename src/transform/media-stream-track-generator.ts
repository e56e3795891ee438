/**
 * MediaStreamTrackGenerator (mediacapture-transform#backwards-compatibility): the earlier,
 * Chrome-shipped shape, where the generator is itself a MediaStreamTrack with a `writable` of
 * VideoFrame or AudioData. Clones share the generator's writable.
 *
 * As in Chrome, the writable stays writable after the tracks end: frames written then are closed
 * and dropped. Closing or aborting the writable ends every track of the generator.
 */
import { dictionary, requiredMember, domString, brand, exposeMembers, toStringTag, INTERNAL } from '../webidl/index.js';
import { createTrack } from '../stream/internals.js';
import { MediaStreamTrack } from '../stream/media-stream-track.js';
import { GeneratorSink } from './generator-sink.js';

const slots = new WeakMap<object, GeneratorSink>();

export class MediaStreamTrackGenerator extends MediaStreamTrack {
  constructor(init: unknown, construction?: unknown, sink?: GeneratorSink) {
    if (init === INTERNAL) {
      // A track of this source type being created (the generator itself or one of its clones).
      super(INTERNAL, construction);
      slots.set(this, sink!);
      return;
    }
    const ctx = "Failed to construct 'MediaStreamTrackGenerator'";
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const d = dictionary(init, `${ctx}: init`);
    const kind = domString(requiredMember(d, 'kind', 'MediaStreamTrackGeneratorInit'), `${ctx}: init.kind`);
    if (kind !== 'audio' && kind !== 'video') throw new TypeError(`${ctx}: kind must be "audio" or "video", got ${JSON.stringify(kind)}`);
    const newSink = new GeneratorSink(kind, { errorWhenEnded: false });
    const track = createTrack(newSink.source, {
      kind,
      label: '',
      trackClass: new.target as unknown as new (token: unknown, construction: unknown, ...rest: unknown[]) => MediaStreamTrack,
      trackArgs: [newSink],
    });
    return track as MediaStreamTrackGenerator;
  }

  get writable(): WritableStream {
    return brand(slots, this, 'MediaStreamTrackGenerator', 'writable').writable;
  }
}
toStringTag(MediaStreamTrackGenerator, 'MediaStreamTrackGenerator');
exposeMembers(MediaStreamTrackGenerator, ['writable']);
