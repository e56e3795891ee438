/**
 * RTCRtpSender (webrtc-pc#rtcrtpsender-interface): sends one of our tracks through the engine's
 * sender. The engine's sender keeps one native input track; our track feeds it through a
 * SendPipe, so replaceTrack() swaps the feeder without renegotiation.
 */
import { brand, illegalConstructor, INTERNAL, toStringTag, exposeMembers, describe, dictionary } from '../webidl/index.js';
import { isMediaStreamTrack, type MediaStreamTrack } from '../stream/media-stream-track.js';
import { requireMediaStream, type MediaStream } from '../stream/media-stream.js';
import type { Native } from './engines/engine.js';
import { invalidState, nativeStreams, selectStats, type PeerState } from './peer-state.js';
import { createSendPipe, type SendPipe } from './send-pipe.js';

interface SenderSlots {
  ps: PeerState;
  native: Native;
  kind: 'audio' | 'video';
  track: MediaStreamTrack | null;
  pipe: SendPipe | null;
  /** Encoding controls the engine refused and we apply ourselves (active, scaleResolutionDownBy). */
  ownEncoding: { active: boolean; scaleResolutionDownBy: number } | null;
}

type Encoding = { active?: boolean; scaleResolutionDownBy?: number; [member: string]: unknown };
const OWN_MEMBERS = new Set(['active', 'scaleResolutionDownBy']);
const slots = new WeakMap<object, SenderSlots>();

export class RTCRtpSender {
  constructor(token?: unknown, ps?: PeerState, native?: Native, kind?: 'audio' | 'video') {
    if (token !== INTERNAL) throw illegalConstructor('RTCRtpSender');
    slots.set(this, { ps: ps!, native, kind: kind!, track: null, pipe: null, ownEncoding: null });
  }

  /** webrtc-pc#dom-rtcrtpsender-track */
  get track(): MediaStreamTrack | null {
    return brand(slots, this, 'RTCRtpSender', 'track').track;
  }

  get transport(): unknown {
    return brand(slots, this, 'RTCRtpSender', 'transport').native.transport ?? null;
  }

  /** No DTMF sender: the engines we wrap do not expose one. */
  get dtmf(): null {
    brand(slots, this, 'RTCRtpSender', 'dtmf');
    return null;
  }

  /** webrtc-pc#dom-rtcrtpsender-replacetrack */
  async replaceTrack(withTrack: MediaStreamTrack | null): Promise<void> {
    const s = brand(slots, this, 'RTCRtpSender', 'replaceTrack');
    if (withTrack !== null && !isMediaStreamTrack(withTrack)) throw new TypeError(`Failed to execute 'replaceTrack' on 'RTCRtpSender': parameter 1 (${describe(withTrack)}) is not of type 'MediaStreamTrack'`);
    // 3. A track of another kind: TypeError.
    if (withTrack !== null && withTrack.kind !== s.kind) throw new TypeError(`Failed to execute 'replaceTrack' on 'RTCRtpSender': a ${withTrack.kind} track cannot replace the track of a ${s.kind} sender`);
    // 4. The connection is closed: InvalidStateError.
    if (s.ps.closed) throw invalidState("Failed to execute 'replaceTrack' on 'RTCRtpSender': the RTCPeerConnection is closed");
    // 7-10. Switch what is sent: the engine keeps sending the same native track.
    if (withTrack === null) {
      s.pipe?.attach(null);
      if (s.native.track) await s.native.replaceTrack(null);
    } else {
      const pipe = pipeOf(s);
      if (s.native.track !== pipe.nativeTrack) await s.native.replaceTrack(pipe.nativeTrack);
      pipe.attach(withTrack);
    }
    s.track = withTrack;
  }

  /** webrtc-pc#dom-rtcrtpsender-getparameters, from the engine (with the controls we apply ourselves). */
  getParameters(): unknown {
    const s = brand(slots, this, 'RTCRtpSender', 'getParameters');
    const params = s.native.getParameters();
    if (s.ownEncoding && Array.isArray(params?.encodings) && params.encodings[0]) {
      params.encodings[0].active = s.ownEncoding.active;
      if (s.kind === 'video') params.encodings[0].scaleResolutionDownBy = s.ownEncoding.scaleResolutionDownBy;
    }
    return params;
  }

  /**
   * webrtc-pc#dom-rtcrtpsender-setparameters: the engine applies them. Where it refuses and only
   * `active` / `scaleResolutionDownBy` of the single encoding changed, we apply those while
   * feeding it (not sending; sending a scaled-down picture); other changes keep the engine's error.
   */
  async setParameters(parameters: unknown, setParameterOptions?: unknown): Promise<void> {
    const ctx = "Failed to execute 'setParameters' on 'RTCRtpSender'";
    const s = brand(slots, this, 'RTCRtpSender', 'setParameters');
    if (s.ps.closed) throw invalidState(`${ctx}: the RTCPeerConnection is closed`);
    void setParameterOptions;
    const p = dictionary(parameters, `${ctx}: parameter 1`) as { encodings?: Encoding[] };
    const wanted = Array.isArray(p.encodings) ? p.encodings : null;
    if (wanted) {
      for (const e of wanted) {
        const k = e.scaleResolutionDownBy;
        // webrtc-pc#dom-rtcrtpsender-setparameters: scaleResolutionDownBy below 1 is a RangeError.
        if (k !== undefined && !(Number(k) >= 1)) throw new RangeError(`${ctx}: scaleResolutionDownBy must be >= 1, got ${String(k)}`);
        if (k !== undefined && s.kind === 'audio') throw new DOMException(`${ctx}: scaleResolutionDownBy applies to video senders only`, 'InvalidModificationError');
      }
    }
    try {
      await s.native.setParameters(parameters);
      return;
    } catch (error) {
      const current = (s.native.getParameters()?.encodings ?? []) as Encoding[];
      if (!wanted || wanted.length !== 1 || current.length > 1) throw error;
      const now = current[0] ?? {};
      const changed = Object.keys(wanted[0]!).filter((m) => !OWN_MEMBERS.has(m) && JSON.stringify(wanted[0]![m]) !== JSON.stringify(now[m]));
      if (changed.length > 0) throw error;
      const own = { active: wanted[0]!.active !== false, scaleResolutionDownBy: Number(wanted[0]!.scaleResolutionDownBy ?? 1) };
      s.ownEncoding = own;
      if (s.pipe) s.pipe.setEncoding(own);
    }
  }

  /** webrtc-pc#dom-rtcrtpsender-setstreams */
  setStreams(...streams: MediaStream[]): void {
    const s = brand(slots, this, 'RTCRtpSender', 'setStreams');
    if (s.ps.closed) throw invalidState("Failed to execute 'setStreams' on 'RTCRtpSender': the RTCPeerConnection is closed");
    const own = streams.map((st) => requireMediaStream(st, `Failed to execute 'setStreams' on 'RTCRtpSender': ${describe(st)} is not a MediaStream`));
    s.native.setStreams(...nativeStreams(s.ps, own));
  }

  /** webrtc-pc#dom-rtcrtpsender-getstats: the engine's, else selected from the connection's report. */
  async getStats(): Promise<unknown> {
    const s = brand(slots, this, 'RTCRtpSender', 'getStats');
    try {
      return await s.native.getStats();
    } catch {
      const mid = (s.ps.native.getTransceivers() as Native[]).find((t) => t.sender === s.native)?.mid ?? null;
      return selectStats(s.ps, 'outbound-rtp', s.native.track?.id ?? null, mid);
    }
  }

  static getCapabilities(kind: string): unknown {
    void kind;
    return null;
  }
}
toStringTag(RTCRtpSender, 'RTCRtpSender');
exposeMembers(RTCRtpSender, ['track', 'transport', 'dtmf', 'replaceTrack', 'getParameters', 'setParameters', 'setStreams', 'getStats']);

function pipeOf(s: SenderSlots): SendPipe {
  if (!s.pipe) {
    s.pipe = createSendPipe(s.ps.engine, s.kind);
    s.ps.pipes.add(s.pipe);
    if (s.ownEncoding) s.pipe.setEncoding(s.ownEncoding);
  }
  return s.pipe;
}

export function wrapSender(ps: PeerState, native: Native, kind: 'audio' | 'video'): RTCRtpSender {
  let sender = ps.senders.get(native) as RTCRtpSender | undefined;
  if (!sender) {
    sender = new RTCRtpSender(INTERNAL, ps, native, kind);
    ps.senders.set(native, sender);
  }
  return sender;
}

/** A pipe for a new track (before the engine's sender exists), to hand to the engine. */
export function newPipe(ps: PeerState, kind: 'audio' | 'video'): SendPipe {
  const pipe = createSendPipe(ps.engine, kind);
  ps.pipes.add(pipe);
  return pipe;
}

/** Binds `sender` to `track` fed through `pipe` (addTrack, addTransceiver with a track). */
export function bindSender(sender: RTCRtpSender, track: MediaStreamTrack, pipe: SendPipe): void {
  const s = brand(slots, sender, 'RTCRtpSender', 'track');
  if (s.pipe && s.pipe !== pipe) {
    s.pipe.close();
    s.ps.pipes.delete(s.pipe);
  }
  s.pipe = pipe;
  s.track = track;
  if (s.ownEncoding) pipe.setEncoding(s.ownEncoding);
  pipe.attach(track);
}

/** removeTrack(): the sender sends nothing and has no track (webrtc-pc#dom-rtcpeerconnection-removetrack step 10). */
export function unbindSender(sender: RTCRtpSender): void {
  const s = brand(slots, sender, 'RTCRtpSender', 'track');
  s.pipe?.attach(null);
  s.track = null;
}

export function nativeSenderOf(sender: unknown): Native | null {
  return (typeof sender === 'object' && sender !== null && slots.get(sender)?.native) || null;
}

export function senderPeerState(sender: unknown): PeerState | null {
  return (typeof sender === 'object' && sender !== null && slots.get(sender)?.ps) || null;
}
