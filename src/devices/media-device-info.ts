/**
 * MediaDeviceInfo: what enumerateDevices() tells about one device. mediacapture-main#device-info
 */
import { INTERNAL, illegalConstructor, brand, toStringTag, exposeMembers } from '../webidl/index.js';

export type MediaDeviceKind = 'audioinput' | 'audiooutput' | 'videoinput';

export interface DeviceInfoFields {
  readonly deviceId: string;
  readonly kind: MediaDeviceKind;
  readonly label: string;
  readonly groupId: string;
}

export const deviceInfoSlots = new WeakMap<object, DeviceInfoFields>();

export class MediaDeviceInfo {
  /** Not callable by script; created by MediaDevices ("creating a device info object"). */
  constructor(token?: unknown, fields?: unknown) {
    if (token !== INTERNAL || typeof fields !== 'object' || fields === null) throw illegalConstructor(new.target?.name ?? 'MediaDeviceInfo');
    const f = fields as DeviceInfoFields;
    deviceInfoSlots.set(this, { deviceId: f.deviceId, kind: f.kind, label: f.label, groupId: f.groupId });
  }

  // mediacapture-main#dom-mediadeviceinfo-deviceid
  get deviceId(): string {
    return brand(deviceInfoSlots, this, 'MediaDeviceInfo', 'deviceId').deviceId;
  }

  // mediacapture-main#dom-mediadeviceinfo-kind
  get kind(): MediaDeviceKind {
    return brand(deviceInfoSlots, this, 'MediaDeviceInfo', 'kind').kind;
  }

  // mediacapture-main#dom-mediadeviceinfo-label
  get label(): string {
    return brand(deviceInfoSlots, this, 'MediaDeviceInfo', 'label').label;
  }

  // mediacapture-main#dom-mediadeviceinfo-groupid
  get groupId(): string {
    return brand(deviceInfoSlots, this, 'MediaDeviceInfo', 'groupId').groupId;
  }

  // mediacapture-main#dom-mediadeviceinfo-tojson: the WebIDL default toJSON (attributes in order).
  toJSON(): DeviceInfoFields {
    const s = brand(deviceInfoSlots, this, 'MediaDeviceInfo', 'toJSON');
    return { deviceId: s.deviceId, kind: s.kind, label: s.label, groupId: s.groupId };
  }
}

toStringTag(MediaDeviceInfo, 'MediaDeviceInfo');
exposeMembers(MediaDeviceInfo, ['deviceId', 'kind', 'label', 'groupId', 'toJSON']);

/** True when two infos describe the same thing (the device change steps' "match"). */
export function sameDeviceInfo(a: MediaDeviceInfo, b: MediaDeviceInfo): boolean {
  const x = deviceInfoSlots.get(a)!;
  const y = deviceInfoSlots.get(b)!;
  return x.deviceId === y.deviceId && x.kind === y.kind && x.label === y.label && x.groupId === y.groupId;
}

export function isMediaDeviceInfo(value: unknown): value is MediaDeviceInfo {
  return typeof value === 'object' && value !== null && deviceInfoSlots.has(value);
}
