/**
 * DeviceChangeEvent: the `devicechange` event of MediaDevices. mediacapture-main#devicechangeevent
 */
import { dictionary, domString, sequence, boolean as toBoolean, describe, brand, toStringTag, exposeMembers } from '../webidl/index.js';
import { type MediaDeviceInfo, isMediaDeviceInfo } from './media-device-info.js';
import type { EventInit } from '../webidl/dom-types.js';

interface Slots {
  readonly devices: readonly MediaDeviceInfo[];
  readonly userInsertedDevices: readonly MediaDeviceInfo[];
}

const slots = new WeakMap<object, Slots>();
let pendingUserInserted: readonly MediaDeviceInfo[] | null = null;

export interface DeviceChangeEventInit extends EventInit {
  devices?: MediaDeviceInfo[];
}

export class DeviceChangeEvent extends Event {
  // mediacapture-main#dom-devicechangeevent-constructor
  constructor(type: string, eventInitDict?: DeviceChangeEventInit) {
    const ctx = "Failed to construct 'DeviceChangeEvent'";
    const inserted = pendingUserInserted;
    pendingUserInserted = null;
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const dict = dictionary(eventInitDict, `${ctx}: parameter 2`);
    const bubbles = toBoolean(dict.bubbles);
    const cancelable = toBoolean(dict.cancelable);
    const composed = toBoolean(dict.composed);
    const rawDevices = dict.devices;
    const devices =
      rawDevices === undefined
        ? []
        : sequence(rawDevices, `${ctx}: DeviceChangeEventInit member 'devices'`, (item, c) => {
            if (!isMediaDeviceInfo(item)) throw new TypeError(`${c}: ${describe(item)} is not of type MediaDeviceInfo`);
            return item;
          });
    super(t, { bubbles, cancelable, composed });
    // Both [SameObject] FrozenArrays; userInsertedDevices is a subset of devices (M#dom-devicechangeevent-userinserteddevices).
    const frozen = Object.freeze(devices);
    const user = Object.freeze((inserted ?? []).filter((d) => devices.includes(d)));
    slots.set(this, { devices: frozen, userInsertedDevices: user });
  }

  // mediacapture-main#dom-devicechangeevent-devices
  get devices(): readonly MediaDeviceInfo[] {
    return brand(slots, this, 'DeviceChangeEvent', 'devices').devices;
  }

  // mediacapture-main#dom-devicechangeevent-userinserteddevices
  get userInsertedDevices(): readonly MediaDeviceInfo[] {
    return brand(slots, this, 'DeviceChangeEvent', 'userInsertedDevices').userInsertedDevices;
  }
}

toStringTag(DeviceChangeEvent, 'DeviceChangeEvent');
exposeMembers(DeviceChangeEvent, ['devices', 'userInsertedDevices']);

/** The UA's event: `devices` exposed now, `userInserted` the ones the user just plugged in. */
export function createDeviceChangeEvent(devices: MediaDeviceInfo[], userInserted: MediaDeviceInfo[]): DeviceChangeEvent {
  pendingUserInserted = userInserted;
  try {
    return new DeviceChangeEvent('devicechange', { devices });
  } finally {
    pendingUserInserted = null;
  }
}
