/**
 * RTCRtpTransceiver (webrtc-pc#rtcrtptransceiver-interface): a pairing of our sender and
 * receiver over the engine's transceiver.
 */
import { brand, illegalConstructor, INTERNAL, toStringTag, exposeMembers, enumeration } from '../webidl/index.js';
import type { Native } from './engines/engine.js';
import { invalidState, type PeerState } from './peer-state.js';
import { wrapSender, type RTCRtpSender } from './rtc-rtp-sender.js';
import { wrapReceiver, remoteTrackOf, type RTCRtpReceiver } from './rtc-rtp-receiver.js';

const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive', 'stopped'] as const;

interface TransceiverSlots {
  ps: PeerState;
  native: Native;
  sender: RTCRtpSender;
  receiver: RTCRtpReceiver;
}
const slots = new WeakMap<object, TransceiverSlots>();

export class RTCRtpTransceiver {
  constructor(token?: unknown, ps?: PeerState, native?: Native) {
    if (token !== INTERNAL) throw illegalConstructor('RTCRtpTransceiver');
    const receiver = wrapReceiver(ps!, native.receiver);
    const kind = receiver.track.kind as 'audio' | 'video';
    slots.set(this, { ps: ps!, native, sender: wrapSender(ps!, native.sender, kind), receiver });
  }

  get mid(): string | null {
    return brand(slots, this, 'RTCRtpTransceiver', 'mid').native.mid ?? null;
  }

  /** [SameObject] */
  get sender(): RTCRtpSender {
    return brand(slots, this, 'RTCRtpTransceiver', 'sender').sender;
  }

  /** [SameObject] */
  get receiver(): RTCRtpReceiver {
    return brand(slots, this, 'RTCRtpTransceiver', 'receiver').receiver;
  }

  get direction(): string {
    return brand(slots, this, 'RTCRtpTransceiver', 'direction').native.direction;
  }

  /** webrtc-pc#dom-rtcrtptransceiver-direction */
  set direction(value: string) {
    const s = brand(slots, this, 'RTCRtpTransceiver', 'direction');
    const v = enumeration(value, DIRECTIONS, "Failed to set the 'direction' property on 'RTCRtpTransceiver'");
    // 1-3.
    if (s.ps.closed) throw invalidState("Failed to set the 'direction' property on 'RTCRtpTransceiver': the RTCPeerConnection is closed");
    if (isStopping(s)) throw invalidState("Failed to set the 'direction' property on 'RTCRtpTransceiver': the transceiver is stopped");
    if (v === 'stopped') throw new TypeError("Failed to set the 'direction' property on 'RTCRtpTransceiver': 'stopped' cannot be set, call stop()");
    s.native.direction = v;
  }

  get currentDirection(): string | null {
    return brand(slots, this, 'RTCRtpTransceiver', 'currentDirection').native.currentDirection ?? null;
  }

  /** webrtc-pc#dom-rtcrtptransceiver-stop */
  stop(): void {
    const s = brand(slots, this, 'RTCRtpTransceiver', 'stop');
    // 2. The connection is closed: InvalidStateError.
    if (s.ps.closed) throw invalidState("Failed to execute 'stop' on 'RTCRtpTransceiver': the RTCPeerConnection is closed");
    if (isStopping(s)) return;
    s.native.stop();
    // Stop receiving: the receiver's track is ended at once (webrtc-pc#dfn-stop-the-rtcrtptransceiver).
    remoteTrackOf(s.receiver).end('the transceiver was stopped', true);
  }

  setCodecPreferences(codecs: unknown): void {
    const s = brand(slots, this, 'RTCRtpTransceiver', 'setCodecPreferences');
    s.native.setCodecPreferences(codecs);
  }
}
toStringTag(RTCRtpTransceiver, 'RTCRtpTransceiver');
exposeMembers(RTCRtpTransceiver, ['mid', 'sender', 'receiver', 'direction', 'currentDirection', 'stop', 'setCodecPreferences']);

function isStopping(s: TransceiverSlots): boolean {
  return s.native.stopped === true || s.native.direction === 'stopped';
}

export function wrapTransceiver(ps: PeerState, native: Native): RTCRtpTransceiver {
  let t = ps.transceivers.get(native) as RTCRtpTransceiver | undefined;
  if (!t) {
    t = new RTCRtpTransceiver(INTERNAL, ps, native);
    ps.transceivers.set(native, t);
  }
  return t;
}
