/**
 * The audio output devices a document's enumerateDevices() exposes, for AudioContext's sinkId
 * (webaudio#validating-sink-identifier: a sinkId must match an audio output device that
 * enumerateDevices() would report). The document is the one behind `navigator.mediaDevices`
 * (installPolyfill), as a page's AudioContext goes by its own document's devices.
 */
import { MediaDevices, contextOf, type DeviceContext } from './media-devices.js';

/** What an AudioContext needs to open an exposed audio output. */
export interface AudioOutputDevice {
  /** The provider's id: `pulse:sink:<name>` for the sound server, `synthetic:<id>` otherwise. */
  readonly internalId: string;
  readonly label: string;
}

function documentDevices(): DeviceContext | null {
  const nav = (globalThis as { navigator?: { mediaDevices?: unknown } }).navigator;
  const md = nav?.mediaDevices;
  return md instanceof MediaDevices ? contextOf(md) : null;
}

/**
 * The exposed audio output whose deviceId is `sinkId` ("default" is the system default), from
 * the document's [[storedDeviceList]]; null when there is none (or no document devices).
 */
export function audioOutputFor(sinkId: string): AudioOutputDevice | null {
  if (sinkId === '') return null;
  const ctx = documentDevices();
  if (ctx === null) return null;
  const list = ctx.storedDeviceList;
  const exposed = ctx.createDeviceInfoList(list).filter((info) => info.kind === 'audiooutput');
  if (!exposed.some((info) => info.deviceId === sinkId)) return null;
  for (const d of list) {
    if (d.kind !== 'audiooutput') continue;
    if (sinkId === 'default' ? d.isDefault : ctx.deviceIdOf(d) === sinkId) return { internalId: d.internalId, label: d.label };
  }
  return null;
}
