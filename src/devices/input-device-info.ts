/**
 * InputDeviceInfo: a MediaDeviceInfo for a microphone or camera, which can tell its capabilities.
 * mediacapture-main#input-device-info
 */
import { INTERNAL, brand, toStringTag, exposeMembers } from '../webidl/index.js';
import type { MediaTrackCapabilities, ReportedMediaTrackCapabilities } from '../constraints/types.js';
import { MediaDeviceInfo, type DeviceInfoFields } from './media-device-info.js';

const capabilitySlots = new WeakMap<object, () => MediaTrackCapabilities>();

export class InputDeviceInfo extends MediaDeviceInfo {
  constructor(token?: unknown, fields?: unknown, capabilities?: unknown) {
    super(token, fields);
    // MediaDeviceInfo's constructor already rejected script callers.
    capabilitySlots.set(this, typeof capabilities === 'function' ? (capabilities as () => MediaTrackCapabilities) : () => ({}));
  }

  // mediacapture-main#dom-inputdeviceinfo-getcapabilities: the unconstrained capabilities of a track
  // on this device, or {} when the device's information was not exposed.
  getCapabilities(): ReportedMediaTrackCapabilities {
    return brand(capabilitySlots, this, 'InputDeviceInfo', 'getCapabilities')() as ReportedMediaTrackCapabilities;
  }
}

toStringTag(InputDeviceInfo, 'InputDeviceInfo');
exposeMembers(InputDeviceInfo, ['getCapabilities']);

export function createInputDeviceInfo(fields: DeviceInfoFields, capabilities: () => MediaTrackCapabilities): InputDeviceInfo {
  return new InputDeviceInfo(INTERNAL, fields, capabilities);
}

export function createMediaDeviceInfo(fields: DeviceInfoFields): MediaDeviceInfo {
  return new MediaDeviceInfo(INTERNAL, fields);
}
