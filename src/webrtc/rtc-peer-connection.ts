/**
 * RTCPeerConnection (webrtc-pc#interface-definition) over an existing WebRTC engine. Signalling,
 * ICE, DTLS, codecs and RTP are the engine's; what is ours is every media object script sees:
 * addTrack() takes our MediaStreamTracks, `track` events carry our MediaStreamTracks and
 * MediaStreams, senders / receivers / transceivers are ours and forward to the engine's.
 */
import { MediaEventTarget } from '../webidl/event-target.js';
import { brand, defineEventHandler, describe, dictionary, enumeration, exposeMembers, toStringTag, reportException } from '../webidl/index.js';
import { isMediaStreamTrack, type MediaStreamTrack } from '../stream/media-stream-track.js';
import { requireMediaStream, createStreamWithId, addTrackAndFire, addTrackSilently, removeTrackAndFire, type MediaStream } from '../stream/media-stream.js';
import type { Native } from './engines/engine.js';
import { getWebRtcEngine } from './engines/index.js';
import { invalidState, nativeStreams, type PeerState } from './peer-state.js';
import { bindSender, newPipe, nativeSenderOf, senderPeerState, unbindSender, type RTCRtpSender } from './rtc-rtp-sender.js';
import { remoteTrackOf, type RTCRtpReceiver } from './rtc-rtp-receiver.js';
import { wrapTransceiver, type RTCRtpTransceiver } from './rtc-rtp-transceiver.js';
import { remoteSections, receives } from './sdp-sections.js';
import { RTCTrackEvent, RTCPeerConnectionIceEvent, RTCPeerConnectionIceErrorEvent, RTCDataChannelEvent } from './events.js';

interface PeerSlots extends PeerState {
  unlisten: () => void;
  /** The transceivers at close(): they stay listed, stopped (webrtc-pc#dom-rtcpeerconnection-gettransceivers). */
  closedTransceivers: RTCRtpTransceiver[];
}
const slots = new WeakMap<object, PeerSlots>();

const PLAIN_EVENTS = ['negotiationneeded', 'signalingstatechange', 'iceconnectionstatechange', 'icegatheringstatechange', 'connectionstatechange'] as const;

type Handler = ((ev: Event) => unknown) | null;

export class RTCPeerConnection extends MediaEventTarget {
  declare onnegotiationneeded: Handler;
  declare onicecandidate: ((ev: RTCPeerConnectionIceEvent) => unknown) | null;
  declare onicecandidateerror: ((ev: RTCPeerConnectionIceErrorEvent) => unknown) | null;
  declare onsignalingstatechange: Handler;
  declare oniceconnectionstatechange: Handler;
  declare onicegatheringstatechange: Handler;
  declare onconnectionstatechange: Handler;
  declare ontrack: ((ev: RTCTrackEvent) => unknown) | null;
  declare ondatachannel: ((ev: RTCDataChannelEvent) => unknown) | null;
  /** webrtc-pc#dom-peerconnection */
  constructor(configuration: unknown = {}) {
    const ctx = "Failed to construct 'RTCPeerConnection'";
    const config = configuration === undefined || configuration === null ? {} : dictionary(configuration, `${ctx}: parameter 1`);
    // No engine: NotSupportedError naming the package to install.
    const engine = getWebRtcEngine();
    let native: Native;
    try {
      native = new engine.RTCPeerConnection(config);
    } catch (error) {
      throw error instanceof Error && error.name === 'TypeError' ? new TypeError(`${ctx}: ${error.message}`) : error;
    }
    super();
    const ps: PeerSlots = {
      unlisten: () => {},
      closedTransceivers: [],
      engine,
      native,
      closed: false,
      senders: new WeakMap(),
      receivers: new WeakMap(),
      transceivers: new WeakMap(),
      remoteStreams: new Map(),
      localStreams: new WeakMap(),
      pipes: new Set(),
      remoteTracks: new Set(),
    };
    const listeners: [string, (e: Native) => void][] = [];
    const on = (type: string, fn: (e: Native) => void): void => {
      const guarded = (e: Native): void => {
        if (ps.closed && type !== 'connectionstatechange' && type !== 'signalingstatechange') return;
        try {
          fn(e);
        } catch (error) {
          reportException(error);
        }
      };
      listeners.push([type, guarded]);
      native.addEventListener(type, guarded);
    };
    for (const type of PLAIN_EVENTS) on(type, () => this.dispatchEvent(new Event(type)));
    on('icecandidate', (e) => this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate: e.candidate ?? null, url: e.url ?? null })));
    on('icecandidateerror', (e) =>
      this.dispatchEvent(new RTCPeerConnectionIceErrorEvent('icecandidateerror', { address: e.address, port: e.port, url: e.url, errorCode: e.errorCode ?? 0, errorText: e.errorText })),
    );
    on('datachannel', (e) => this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel: e.channel })));
    on('track', (e) => this.#remoteTrack(e));
    ps.unlisten = () => listeners.forEach(([t, fn]) => native.removeEventListener(t, fn));
    slots.set(this, ps);
  }

  #state(member: string): PeerSlots {
    return brand(slots, this, 'RTCPeerConnection', member);
  }

  /** webrtc-pc#dfn-process-remote-track-addition: our receiver, track and streams, then `track`. */
  #remoteTrack(e: Native): void {
    const ps = this.#state('ontrack');
    const nativeTransceiver = e.transceiver ?? ps.native.getTransceivers().find((t: Native) => t.receiver === e.receiver);
    if (!nativeTransceiver) return;
    const transceiver = wrapTransceiver(ps, nativeTransceiver);
    const receiver = transceiver.receiver;
    const track = receiver.track;
    const streams: MediaStream[] = [];
    for (const ns of (e.streams ?? []) as Native[]) {
      const id = String(ns.id);
      let stream = ps.remoteStreams.get(id);
      if (!stream) {
        stream = createStreamWithId(id);
        ps.remoteStreams.set(id, stream);
        addTrackSilently(stream, track);
      } else if (!stream.getTracks().includes(track)) {
        addTrackAndFire(stream, track);
      }
      streams.push(stream);
    }
    this.dispatchEvent(new RTCTrackEvent('track', { receiver, track, streams, transceiver }));
  }

  /**
   * After a description is applied: receivers whose transceiver stopped, or whose section a
   * remote description rejects (port 0), end their track (webrtc-pc#dfn-stop-the-rtcrtptransceiver);
   * receivers no longer receiving are muted and leave their streams
   * (webrtc-pc#dfn-process-remote-track-removal). A remote description (offer or answer) counts
   * at once, by the direction of each of its sections; a local one by the negotiated direction.
   */
  #afterDescription(source: 'local' | 'remote'): void {
    const ps = this.#state('setRemoteDescription');
    if (ps.closed) return;
    const sdp = source === 'remote' ? (ps.native.remoteDescription as { sdp?: unknown } | null)?.sdp : undefined;
    const sections = typeof sdp === 'string' ? remoteSections(sdp) : null;
    for (const nt of ps.native.getTransceivers() as Native[]) {
      const t = wrapTransceiver(ps, nt);
      const remote = remoteTrackOf(t.receiver);
      const track = t.receiver.track;
      const section = sections && typeof nt.mid === 'string' ? sections.get(nt.mid) : undefined;
      if (nt.stopped === true || nt.currentDirection === 'stopped' || section?.rejected) {
        this.#leaveStreams(track);
        remote.end('the transceiver was stopped');
        continue;
      }
      const direction = section ? section.direction : nt.currentDirection;
      if (direction === 'sendonly' || direction === 'inactive') {
        remote.setReceptive(false);
        this.#leaveStreams(track);
      } else if (section && receives(section.direction)) {
        remote.setReceptive(true);
      }
    }
  }

  #leaveStreams(track: MediaStreamTrack): void {
    const ps = this.#state('setRemoteDescription');
    // The streams stay known to the connection, even empty: a later description naming the same
    // id gets the same MediaStream back (webrtc-pc#dfn-set-associated-remote-streams).
    for (const stream of ps.remoteStreams.values()) {
      if (stream.getTracks().includes(track)) removeTrackAndFire(stream, track);
    }
  }

  async createOffer(options?: unknown): Promise<unknown> {
    const ps = this.#state('createOffer');
    if (ps.closed) throw invalidState("Failed to execute 'createOffer' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    return ps.native.createOffer(options ?? {});
  }

  async createAnswer(options?: unknown): Promise<unknown> {
    const ps = this.#state('createAnswer');
    if (ps.closed) throw invalidState("Failed to execute 'createAnswer' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    return ps.native.createAnswer(options ?? {});
  }

  async setLocalDescription(description?: unknown): Promise<void> {
    const ps = this.#state('setLocalDescription');
    if (ps.closed) throw invalidState("Failed to execute 'setLocalDescription' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    let desc = description;
    // webrtc-pc#dom-peerconnection-setlocaldescription: no description (or no sdp) creates one.
    const d = desc === undefined || desc === null ? {} : (desc as { type?: string; sdp?: string });
    if (!d.sdp) {
      const type = d.type ?? (ps.native.signalingState === 'have-remote-offer' || ps.native.signalingState === 'have-local-pranswer' ? 'answer' : 'offer');
      if (type === 'rollback') desc = { type };
      else desc = type === 'offer' ? await ps.native.createOffer({}) : await ps.native.createAnswer({});
    }
    await ps.native.setLocalDescription(desc);
    this.#afterDescription('local');
  }

  async setRemoteDescription(description: unknown): Promise<void> {
    const ps = this.#state('setRemoteDescription');
    if (arguments.length < 1) throw new TypeError("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': 1 argument required, but only 0 present");
    if (ps.closed) throw invalidState("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    await ps.native.setRemoteDescription(description);
    this.#afterDescription('remote');
  }

  async addIceCandidate(candidate?: unknown): Promise<void> {
    const ps = this.#state('addIceCandidate');
    if (ps.closed) throw invalidState("Failed to execute 'addIceCandidate' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    // An end-of-candidates indication (null / undefined / empty candidate) needs nothing of the engine.
    if (candidate === undefined || candidate === null || (candidate as { candidate?: string }).candidate === '') return;
    await ps.native.addIceCandidate(candidate);
  }

  get localDescription(): unknown {
    return this.#state('localDescription').native.localDescription;
  }
  get currentLocalDescription(): unknown {
    return this.#state('currentLocalDescription').native.currentLocalDescription;
  }
  get pendingLocalDescription(): unknown {
    return this.#state('pendingLocalDescription').native.pendingLocalDescription;
  }
  get remoteDescription(): unknown {
    return this.#state('remoteDescription').native.remoteDescription;
  }
  get currentRemoteDescription(): unknown {
    return this.#state('currentRemoteDescription').native.currentRemoteDescription;
  }
  get pendingRemoteDescription(): unknown {
    return this.#state('pendingRemoteDescription').native.pendingRemoteDescription;
  }
  get signalingState(): string {
    const ps = this.#state('signalingState');
    return ps.closed ? 'closed' : ps.native.signalingState;
  }
  get iceGatheringState(): string {
    return this.#state('iceGatheringState').native.iceGatheringState;
  }
  get iceConnectionState(): string {
    const ps = this.#state('iceConnectionState');
    return ps.closed ? 'closed' : ps.native.iceConnectionState;
  }
  get connectionState(): string {
    const ps = this.#state('connectionState');
    return ps.closed ? 'closed' : ps.native.connectionState;
  }
  get canTrickleIceCandidates(): boolean | null {
    return this.#state('canTrickleIceCandidates').native.canTrickleIceCandidates ?? null;
  }

  restartIce(): void {
    this.#state('restartIce').native.restartIce();
  }

  getConfiguration(): unknown {
    return this.#state('getConfiguration').native.getConfiguration();
  }

  setConfiguration(configuration: unknown): void {
    const ps = this.#state('setConfiguration');
    if (ps.closed) throw invalidState("Failed to execute 'setConfiguration' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    ps.native.setConfiguration(dictionary(configuration ?? {}, "Failed to execute 'setConfiguration' on 'RTCPeerConnection': parameter 1"));
  }

  /** webrtc-pc#dom-rtcpeerconnection-close */
  close(): void {
    const ps = this.#state('close');
    // 1-2.
    if (ps.closed) return;
    ps.closedTransceivers = this.getTransceivers();
    ps.closed = true;
    // 4-6. Stop every transceiver: nothing is sent, remote tracks end.
    for (const pipe of ps.pipes) pipe.close();
    ps.pipes.clear();
    for (const remote of ps.remoteTracks) remote.end('the RTCPeerConnection was closed', true);
    ps.remoteTracks.clear();
    ps.remoteStreams.clear();
    ps.native.close();
    ps.unlisten();
  }

  /** webrtc-pc#dom-rtcpeerconnection-addtrack */
  addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
    const ctx = "Failed to execute 'addTrack' on 'RTCPeerConnection'";
    const ps = this.#state('addTrack');
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    // 1-2.
    if (!isMediaStreamTrack(track)) throw new TypeError(`${ctx}: parameter 1 (${describe(track)}) is not of type 'MediaStreamTrack'`);
    streams = streams.map((s) => requireMediaStream(s, `${ctx}: ${describe(s)} is not of type 'MediaStream'`));
    // 4. Closed: InvalidStateError.
    if (ps.closed) throw invalidState(`${ctx}: the RTCPeerConnection is closed`);
    // 6. Already sent by a sender of this connection: InvalidAccessError.
    if (this.getSenders().some((s) => s.track === track)) throw new DOMException(`${ctx}: a sender already exists for the track`, 'InvalidAccessError');
    const kind = track.kind as 'audio' | 'video';
    const pipe = newPipe(ps, kind);
    const nativeSender = ps.native.addTrack(pipe.nativeTrack, ...nativeStreams(ps, streams));
    const sender = this.#senderFor(nativeSender);
    bindSender(sender, track, pipe);
    return sender;
  }

  /** webrtc-pc#dom-rtcpeerconnection-removetrack */
  removeTrack(sender: RTCRtpSender): void {
    const ctx = "Failed to execute 'removeTrack' on 'RTCPeerConnection'";
    const ps = this.#state('removeTrack');
    const native = nativeSenderOf(sender);
    if (!native) throw new TypeError(`${ctx}: parameter 1 (${describe(sender)}) is not of type 'RTCRtpSender'`);
    // 2. Closed: InvalidStateError.
    if (ps.closed) throw invalidState(`${ctx}: the RTCPeerConnection is closed`);
    // 3. A sender of another connection: InvalidAccessError.
    if (senderPeerState(sender) !== ps) throw new DOMException(`${ctx}: the sender was not created by this connection`, 'InvalidAccessError');
    // 5-6. Already removed: nothing to do.
    if (sender.track === null) return;
    ps.native.removeTrack(native);
    unbindSender(sender);
  }

  /** webrtc-pc#dom-rtcpeerconnection-addtransceiver */
  addTransceiver(trackOrKind: MediaStreamTrack | string, init: unknown = {}): RTCRtpTransceiver {
    const ctx = "Failed to execute 'addTransceiver' on 'RTCPeerConnection'";
    const ps = this.#state('addTransceiver');
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const d = init === undefined || init === null ? {} : dictionary(init, `${ctx}: parameter 2`);
    const direction = d.direction === undefined ? 'sendrecv' : enumeration(d.direction, ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const, `${ctx}: init.direction`);
    const streams = (d.streams === undefined ? [] : [...(d.streams as Iterable<unknown>)]).map(
      (s) => requireMediaStream(s, `${ctx}: init.streams has ${describe(s)}, which is not of type 'MediaStream'`),
    );
    let track: MediaStreamTrack | null = null;
    let kind: 'audio' | 'video';
    if (typeof trackOrKind === 'string') {
      // 3. A kind other than audio / video: TypeError.
      if (trackOrKind !== 'audio' && trackOrKind !== 'video') throw new TypeError(`${ctx}: the kind '${trackOrKind}' is not 'audio' or 'video'`);
      kind = trackOrKind;
    } else if (isMediaStreamTrack(trackOrKind)) {
      track = trackOrKind;
      kind = track.kind as 'audio' | 'video';
    } else {
      throw new TypeError(`${ctx}: parameter 1 (${describe(trackOrKind)}) is neither a MediaStreamTrack nor a kind`);
    }
    // 4. Closed: InvalidStateError.
    if (ps.closed) throw invalidState(`${ctx}: the RTCPeerConnection is closed`);
    const nativeInit: Record<string, unknown> = { direction, streams: nativeStreams(ps, streams as MediaStream[]) };
    if (d.sendEncodings !== undefined) nativeInit.sendEncodings = d.sendEncodings;
    if (!track) return wrapTransceiver(ps, ps.native.addTransceiver(kind, nativeInit));
    const pipe = newPipe(ps, kind);
    const transceiver = wrapTransceiver(ps, ps.native.addTransceiver(pipe.nativeTrack, nativeInit));
    bindSender(transceiver.sender, track, pipe);
    return transceiver;
  }

  #senderFor(nativeSender: Native): RTCRtpSender {
    const ps = this.#state('getSenders');
    const nt = (ps.native.getTransceivers() as Native[]).find((t) => t.sender === nativeSender);
    if (!nt) throw new DOMException('the engine returned a sender without a transceiver', 'OperationError');
    return wrapTransceiver(ps, nt).sender;
  }

  /** webrtc-pc#dom-rtcpeerconnection-gettransceivers */
  getTransceivers(): RTCRtpTransceiver[] {
    const ps = this.#state('getTransceivers');
    if (ps.closed) return [...ps.closedTransceivers];
    return (ps.native.getTransceivers() as Native[]).map((t) => wrapTransceiver(ps, t));
  }

  /** webrtc-pc#dom-rtcpeerconnection-getsenders: the senders of the transceivers not stopped. */
  getSenders(): RTCRtpSender[] {
    const ps = this.#state('getSenders');
    if (ps.closed) return [];
    return (ps.native.getTransceivers() as Native[]).filter((t) => t.stopped !== true).map((t) => wrapTransceiver(ps, t).sender);
  }

  /** webrtc-pc#dom-rtcpeerconnection-getreceivers */
  getReceivers(): RTCRtpReceiver[] {
    const ps = this.#state('getReceivers');
    if (ps.closed) return [];
    return (ps.native.getTransceivers() as Native[]).filter((t) => t.stopped !== true).map((t) => wrapTransceiver(ps, t).receiver);
  }

  /** webrtc-pc#dom-rtcpeerconnection-getstats: the engine's report; a track selects its sender or receiver. */
  async getStats(selector: MediaStreamTrack | null = null): Promise<unknown> {
    const ps = this.#state('getStats');
    if (selector !== null && selector !== undefined) {
      if (!isMediaStreamTrack(selector)) throw new TypeError(`Failed to execute 'getStats' on 'RTCPeerConnection': parameter 1 (${describe(selector)}) is not of type 'MediaStreamTrack'`);
      const senders = this.getSenders().filter((s) => s.track === selector);
      const receivers = this.getReceivers().filter((r) => r.track === selector);
      // webrtc-pc#dom-rtcpeerconnection-getstats step 6: none or more than one match: InvalidAccessError.
      if (senders.length + receivers.length !== 1) throw new DOMException("Failed to execute 'getStats' on 'RTCPeerConnection': the track does not select exactly one sender or receiver", 'InvalidAccessError');
      return (senders[0] ?? receivers[0])!.getStats();
    }
    return ps.native.getStats();
  }

  createDataChannel(label: string, dataChannelDict?: unknown): unknown {
    const ps = this.#state('createDataChannel');
    if (ps.closed) throw invalidState("Failed to execute 'createDataChannel' on 'RTCPeerConnection': the RTCPeerConnection is closed");
    return ps.native.createDataChannel(String(label), dataChannelDict ?? {});
  }
}

toStringTag(RTCPeerConnection, 'RTCPeerConnection');
exposeMembers(RTCPeerConnection, [
  'createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate',
  'localDescription', 'currentLocalDescription', 'pendingLocalDescription', 'remoteDescription', 'currentRemoteDescription', 'pendingRemoteDescription',
  'signalingState', 'iceGatheringState', 'iceConnectionState', 'connectionState', 'canTrickleIceCandidates',
  'restartIce', 'getConfiguration', 'setConfiguration', 'close', 'addTrack', 'removeTrack', 'addTransceiver',
  'getTransceivers', 'getSenders', 'getReceivers', 'getStats', 'createDataChannel',
]);
for (const type of ['negotiationneeded', 'icecandidate', 'icecandidateerror', 'signalingstatechange', 'iceconnectionstatechange', 'icegatheringstatechange', 'connectionstatechange', 'track', 'datachannel']) {
  defineEventHandler(RTCPeerConnection, type, 'RTCPeerConnection');
}
