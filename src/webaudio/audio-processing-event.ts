/** AudioProcessingEvent (webaudio#AudioProcessingEvent), dispatched by ScriptProcessorNode. */
import { isAudioBuffer, type AudioBuffer } from './audio-buffer.js';
import { brand, dictionary, domString, double, exposeMembers, requiredMember, toStringTag } from '../webidl/index.js';

const slots = new WeakMap<object, { playbackTime: number; inputBuffer: AudioBuffer; outputBuffer: AudioBuffer }>();

export class AudioProcessingEvent extends Event {
  constructor(type: unknown, eventInitDict: unknown) {
    const where = "Failed to construct 'AudioProcessingEvent'";
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${where}: parameter 1`);
    const d = dictionary(eventInitDict, `${where}: parameter 2`);
    const inputBuffer = requiredMember(d, 'inputBuffer', `${where}: AudioProcessingEventInit`);
    const outputBuffer = requiredMember(d, 'outputBuffer', `${where}: AudioProcessingEventInit`);
    const playbackTime = double(requiredMember(d, 'playbackTime', `${where}: AudioProcessingEventInit`), `${where}: member playbackTime`);
    if (!isAudioBuffer(inputBuffer)) throw new TypeError(`${where}: member inputBuffer is not of type 'AudioBuffer'`);
    if (!isAudioBuffer(outputBuffer)) throw new TypeError(`${where}: member outputBuffer is not of type 'AudioBuffer'`);
    super(t, { bubbles: Boolean(d.bubbles), cancelable: Boolean(d.cancelable), composed: Boolean(d.composed) });
    slots.set(this, { playbackTime, inputBuffer, outputBuffer });
  }

  get playbackTime(): number {
    return brand(slots, this, 'AudioProcessingEvent', 'playbackTime').playbackTime;
  }

  get inputBuffer(): AudioBuffer {
    return brand(slots, this, 'AudioProcessingEvent', 'inputBuffer').inputBuffer;
  }

  get outputBuffer(): AudioBuffer {
    return brand(slots, this, 'AudioProcessingEvent', 'outputBuffer').outputBuffer;
  }
}

toStringTag(AudioProcessingEvent, 'AudioProcessingEvent');
exposeMembers(AudioProcessingEvent, ['playbackTime', 'inputBuffer', 'outputBuffer']);
