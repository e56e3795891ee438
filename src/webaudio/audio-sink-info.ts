/** AudioSinkInfo (webaudio#AudioSinkInfo): the `sinkId` value for a non-device sink. */
import { INTERNAL, brand, exposeMembers, illegalConstructor, toStringTag } from '../webidl/index.js';

export type AudioSinkType = 'none';

const slots = new WeakMap<object, { type: AudioSinkType }>();

export class AudioSinkInfo {
  constructor(token?: unknown, type?: AudioSinkType) {
    if (token !== INTERNAL || type === undefined) throw illegalConstructor('AudioSinkInfo');
    slots.set(this, { type });
  }

  get type(): AudioSinkType {
    return brand(slots, this, 'AudioSinkInfo', 'type').type;
  }
}

/** Internal: webaudio setSinkId step 11.3 updates the type of the existing object. */
export function setSinkInfoType(info: AudioSinkInfo, type: AudioSinkType): void {
  slots.get(info)!.type = type;
}

toStringTag(AudioSinkInfo, 'AudioSinkInfo');
exposeMembers(AudioSinkInfo, ['type']);
