/**
 * The events of RTCPeerConnection (webrtc-pc#rtctrackevent, #rtcpeerconnectioniceevent,
 * #rtcpeerconnectioniceerrorevent, #rtcdatachannelevent). Their attributes are read-only copies of
 * the init dictionary members.
 */
import { dictionary, domString, requiredMember, boolean as toBoolean, brand, toStringTag, exposeMembers } from '../webidl/index.js';
import { isMediaStreamTrack, type MediaStreamTrack } from '../stream/media-stream-track.js';
import type { MediaStream } from '../stream/media-stream.js';
import type { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';

function eventInit(d: Record<string, unknown>): EventInit {
  return { bubbles: toBoolean(d.bubbles), cancelable: toBoolean(d.cancelable), composed: toBoolean(d.composed) };
}

interface TrackEventSlots {
  receiver: RTCRtpReceiver;
  track: MediaStreamTrack;
  streams: readonly MediaStream[];
  transceiver: RTCRtpTransceiver;
}
const trackSlots = new WeakMap<object, TrackEventSlots>();

export class RTCTrackEvent extends Event {
  // webrtc-pc#dom-rtctrackevent-constructor
  constructor(type: string, eventInitDict: unknown) {
    const ctx = "Failed to construct 'RTCTrackEvent'";
    if (arguments.length < 2) throw new TypeError(`${ctx}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const d = dictionary(eventInitDict, `${ctx}: parameter 2`);
    const init = eventInit(d);
    const receiver = requiredMember(d, 'receiver', 'RTCTrackEventInit');
    const streams = d.streams === undefined ? [] : [...(d.streams as Iterable<MediaStream>)];
    const track = requiredMember(d, 'track', 'RTCTrackEventInit');
    if (!isMediaStreamTrack(track)) throw new TypeError(`${ctx}: RTCTrackEventInit member 'track' is not of type MediaStreamTrack`);
    const transceiver = requiredMember(d, 'transceiver', 'RTCTrackEventInit');
    super(t, init);
    trackSlots.set(this, { receiver: receiver as RTCRtpReceiver, track, streams: Object.freeze(streams), transceiver: transceiver as RTCRtpTransceiver });
  }
  get receiver(): RTCRtpReceiver {
    return brand(trackSlots, this, 'RTCTrackEvent', 'receiver').receiver;
  }
  get track(): MediaStreamTrack {
    return brand(trackSlots, this, 'RTCTrackEvent', 'track').track;
  }
  /** FrozenArray<MediaStream>: the same frozen array each time. */
  get streams(): readonly MediaStream[] {
    return brand(trackSlots, this, 'RTCTrackEvent', 'streams').streams;
  }
  get transceiver(): RTCRtpTransceiver {
    return brand(trackSlots, this, 'RTCTrackEvent', 'transceiver').transceiver;
  }
}
toStringTag(RTCTrackEvent, 'RTCTrackEvent');
exposeMembers(RTCTrackEvent, ['receiver', 'track', 'streams', 'transceiver']);

const iceSlots = new WeakMap<object, { candidate: unknown; url: string | null }>();

export class RTCPeerConnectionIceEvent extends Event {
  // webrtc-pc#dom-rtcpeerconnectioniceevent-constructor
  constructor(type: string, eventInitDict: unknown = {}) {
    const ctx = "Failed to construct 'RTCPeerConnectionIceEvent'";
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const d = eventInitDict === undefined || eventInitDict === null ? {} : dictionary(eventInitDict, `${ctx}: parameter 2`);
    const init = eventInit(d);
    super(t, init);
    iceSlots.set(this, { candidate: d.candidate ?? null, url: d.url === undefined || d.url === null ? null : domString(d.url, `${ctx}: url`) });
  }
  get candidate(): unknown {
    return brand(iceSlots, this, 'RTCPeerConnectionIceEvent', 'candidate').candidate;
  }
  get url(): string | null {
    return brand(iceSlots, this, 'RTCPeerConnectionIceEvent', 'url').url;
  }
}
toStringTag(RTCPeerConnectionIceEvent, 'RTCPeerConnectionIceEvent');
exposeMembers(RTCPeerConnectionIceEvent, ['candidate', 'url']);

interface IceErrorSlots {
  address: string | null;
  port: number | null;
  url: string;
  errorCode: number;
  errorText: string;
}
const iceErrorSlots = new WeakMap<object, IceErrorSlots>();

export class RTCPeerConnectionIceErrorEvent extends Event {
  // webrtc-pc#dom-rtcpeerconnectioniceerrorevent-constructor
  constructor(type: string, eventInitDict: unknown) {
    const ctx = "Failed to construct 'RTCPeerConnectionIceErrorEvent'";
    if (arguments.length < 2) throw new TypeError(`${ctx}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const d = dictionary(eventInitDict, `${ctx}: parameter 2`);
    const init = eventInit(d);
    const errorCode = Number(requiredMember(d, 'errorCode', 'RTCPeerConnectionIceErrorEventInit')) & 0xffff;
    super(t, init);
    iceErrorSlots.set(this, {
      address: d.address === undefined || d.address === null ? null : String(d.address),
      port: d.port === undefined || d.port === null ? null : Number(d.port) & 0xffff,
      url: d.url === undefined ? '' : String(d.url),
      errorCode,
      errorText: d.errorText === undefined ? '' : String(d.errorText),
    });
  }
  get address(): string | null {
    return brand(iceErrorSlots, this, 'RTCPeerConnectionIceErrorEvent', 'address').address;
  }
  get port(): number | null {
    return brand(iceErrorSlots, this, 'RTCPeerConnectionIceErrorEvent', 'port').port;
  }
  get url(): string {
    return brand(iceErrorSlots, this, 'RTCPeerConnectionIceErrorEvent', 'url').url;
  }
  get errorCode(): number {
    return brand(iceErrorSlots, this, 'RTCPeerConnectionIceErrorEvent', 'errorCode').errorCode;
  }
  get errorText(): string {
    return brand(iceErrorSlots, this, 'RTCPeerConnectionIceErrorEvent', 'errorText').errorText;
  }
}
toStringTag(RTCPeerConnectionIceErrorEvent, 'RTCPeerConnectionIceErrorEvent');
exposeMembers(RTCPeerConnectionIceErrorEvent, ['address', 'port', 'url', 'errorCode', 'errorText']);

const channelSlots = new WeakMap<object, unknown>();

export class RTCDataChannelEvent extends Event {
  // webrtc-pc#dom-rtcdatachannelevent-constructor
  constructor(type: string, eventInitDict: unknown) {
    const ctx = "Failed to construct 'RTCDataChannelEvent'";
    if (arguments.length < 2) throw new TypeError(`${ctx}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const d = dictionary(eventInitDict, `${ctx}: parameter 2`);
    const init = eventInit(d);
    const channel = requiredMember(d, 'channel', 'RTCDataChannelEventInit');
    super(t, init);
    channelSlots.set(this, channel);
  }
  /** The engine's RTCDataChannel (data channels are passed through as they are). */
  get channel(): unknown {
    return brand(channelSlots, this, 'RTCDataChannelEvent', 'channel');
  }
}
toStringTag(RTCDataChannelEvent, 'RTCDataChannelEvent');
exposeMembers(RTCDataChannelEvent, ['channel']);
