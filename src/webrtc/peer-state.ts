/**
 * The internal state one RTCPeerConnection shares with its senders, receivers and transceivers:
 * the engine's connection, and the maps from native objects to ours (so each native object has
 * exactly one object of ours, as [SameObject] and identity comparisons need).
 */
import type { Native, WebRtcEngine } from './engines/engine.js';
import type { MediaStream } from '../stream/media-stream.js';
import type { SendPipe } from './send-pipe.js';
import type { RemoteTrack } from './remote-track.js';

export interface PeerState {
  readonly engine: WebRtcEngine;
  readonly native: Native;
  /** webrtc-pc#dfn-isclosed */
  closed: boolean;
  readonly senders: WeakMap<object, object>;
  readonly receivers: WeakMap<object, object>;
  readonly transceivers: WeakMap<object, object>;
  /** Remote streams by id (webrtc-pc#dfn-associated-remote-streams). */
  readonly remoteStreams: Map<string, MediaStream>;
  /** The engine's stream for each stream of ours given to addTrack / addTransceiver. */
  readonly localStreams: WeakMap<MediaStream, Native>;
  readonly pipes: Set<SendPipe>;
  readonly remoteTracks: Set<RemoteTrack>;
}

export function invalidState(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}

/** The engine's streams for streams of ours (created once per stream and connection). */
export function nativeStreams(ps: PeerState, streams: readonly MediaStream[]): Native[] {
  return streams.map((s) => {
    let n = ps.localStreams.get(s);
    if (!n) {
      n = ps.engine.createStream(s.id);
      ps.localStreams.set(s, n);
    }
    return n;
  });
}

type Stats = { id: string; type: string; [member: string]: unknown };

/**
 * The stats selection algorithm (webrtc-pc#dfn-stats-selection-algorithm) over the engine's whole
 * report, for engines without per-sender / per-receiver getStats(): the RTP streams of `type`
 * that carry `trackId` or `mid`, and every stats object they reference.
 */
export async function selectStats(ps: PeerState, type: 'outbound-rtp' | 'inbound-rtp', trackId: string | null, mid: string | null): Promise<Map<string, unknown>> {
  const report = (await ps.native.getStats()) as Map<string, Stats>;
  const all = new Map<string, Stats>();
  for (const [k, v] of report) all.set(k, v);
  const trackOf = (s: Stats): unknown => s.trackIdentifier ?? (typeof s.mediaSourceId === 'string' ? all.get(s.mediaSourceId)?.trackIdentifier : undefined);
  const picked = new Map<string, unknown>();
  const add = (s: Stats, depth: number): void => {
    if (picked.has(s.id)) return;
    picked.set(s.id, s);
    if (depth === 0) return;
    for (const [k, v] of Object.entries(s)) if (k.endsWith('Id') && k !== 'ssrcId' && typeof v === 'string' && all.has(v)) add(all.get(v)!, depth - 1);
  };
  for (const s of all.values()) {
    if (s.type !== type) continue;
    if ((trackId !== null && trackOf(s) === trackId) || (mid !== null && s.mid === mid)) add(s, 2);
  }
  return picked;
}
