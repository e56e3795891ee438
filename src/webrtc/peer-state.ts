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
