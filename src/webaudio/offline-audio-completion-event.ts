/** OfflineAudioCompletionEvent (webaudio#OfflineAudioCompletionEvent). */
import { isAudioBuffer, type AudioBuffer } from './audio-buffer.js';
import { brand, dictionary, domString, exposeMembers, requiredMember, toStringTag } from '../webidl/index.js';

const slots = new WeakMap<object, { renderedBuffer: AudioBuffer }>();

export class OfflineAudioCompletionEvent extends Event {
  constructor(type: unknown, eventInitDict: unknown) {
    const where = "Failed to construct 'OfflineAudioCompletionEvent'";
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${where}: parameter 1`);
    const d = dictionary(eventInitDict, `${where}: parameter 2`);
    const buffer = requiredMember(d, 'renderedBuffer', `${where}: OfflineAudioCompletionEventInit`);
    if (!isAudioBuffer(buffer)) throw new TypeError(`${where}: member renderedBuffer is not of type 'AudioBuffer'`);
    super(t, { bubbles: Boolean(d.bubbles), cancelable: Boolean(d.cancelable), composed: Boolean(d.composed) });
    slots.set(this, { renderedBuffer: buffer });
  }

  get renderedBuffer(): AudioBuffer {
    return brand(slots, this, 'OfflineAudioCompletionEvent', 'renderedBuffer').renderedBuffer;
  }
}

toStringTag(OfflineAudioCompletionEvent, 'OfflineAudioCompletionEvent');
exposeMembers(OfflineAudioCompletionEvent, ['renderedBuffer']);
