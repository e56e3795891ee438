/**
 * RTCRtpReceiver (webrtc-pc#rtcrtpreceiver-interface): its track is one of ours, fed by the
 * engine's receiver; statistics and parameters come from the engine as they are.
 */
import { brand, illegalConstructor, INTERNAL, toStringTag, exposeMembers } from '../webidl/index.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import type { Native } from './engines/engine.js';
import { selectStats, type PeerState } from './peer-state.js';
import { RemoteTrack } from './remote-track.js';

interface ReceiverSlots {
  ps: PeerState;
  native: Native;
  remote: RemoteTrack;
}
const slots = new WeakMap<object, ReceiverSlots>();

export class RTCRtpReceiver {
  constructor(token?: unknown, ps?: PeerState, native?: Native) {
    if (token !== INTERNAL) throw illegalConstructor('RTCRtpReceiver');
    const kind = native.track.kind === 'audio' ? 'audio' : 'video';
    const remote = new RemoteTrack(ps!.engine, kind, native.track);
    ps!.remoteTracks.add(remote);
    slots.set(this, { ps: ps!, native, remote });
  }

  /** webrtc-pc#dom-rtcrtpreceiver-track ([SameObject]) */
  get track(): MediaStreamTrack {
    return brand(slots, this, 'RTCRtpReceiver', 'track').remote.track;
  }

  get transport(): unknown {
    return brand(slots, this, 'RTCRtpReceiver', 'transport').native.transport ?? null;
  }

  getParameters(): unknown {
    return brand(slots, this, 'RTCRtpReceiver', 'getParameters').native.getParameters();
  }

  getContributingSources(): unknown[] {
    const n = brand(slots, this, 'RTCRtpReceiver', 'getContributingSources').native;
    return typeof n.getContributingSources === 'function' ? n.getContributingSources() : [];
  }

  getSynchronizationSources(): unknown[] {
    const n = brand(slots, this, 'RTCRtpReceiver', 'getSynchronizationSources').native;
    return typeof n.getSynchronizationSources === 'function' ? n.getSynchronizationSources() : [];
  }

  /** webrtc-pc#dom-rtcrtpreceiver-getstats: the engine's, else selected from the connection's report. */
  async getStats(): Promise<unknown> {
    const s = brand(slots, this, 'RTCRtpReceiver', 'getStats');
    try {
      return await s.native.getStats();
    } catch {
      const mid = (s.ps.native.getTransceivers() as Native[]).find((t) => t.receiver === s.native)?.mid ?? null;
      return selectStats(s.ps, 'inbound-rtp', s.native.track?.id ?? null, mid);
    }
  }

  static getCapabilities(kind: string): unknown {
    void kind;
    return null;
  }
}
toStringTag(RTCRtpReceiver, 'RTCRtpReceiver');
exposeMembers(RTCRtpReceiver, ['track', 'transport', 'getParameters', 'getContributingSources', 'getSynchronizationSources', 'getStats']);

export function wrapReceiver(ps: PeerState, native: Native): RTCRtpReceiver {
  let r = ps.receivers.get(native) as RTCRtpReceiver | undefined;
  if (!r) {
    r = new RTCRtpReceiver(INTERNAL, ps, native);
    ps.receivers.set(native, r);
  }
  return r;
}

export function remoteTrackOf(receiver: RTCRtpReceiver): RemoteTrack {
  return brand(slots, receiver, 'RTCRtpReceiver', 'track').remote;
}

export function nativeReceiverOf(receiver: unknown): Native | null {
  return (typeof receiver === 'object' && receiver !== null && slots.get(receiver)?.native) || null;
}
