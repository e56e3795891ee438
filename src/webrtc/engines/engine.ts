/**
 * The seam between our RTCPeerConnection and an existing WebRTC stack. An engine brings the
 * peer connection itself (signalling, ICE, DTLS, codecs, RTP) and two things browsers do not
 * expose: a way to push raw frames into a local track, and a way to take raw frames out of a
 * remote one. Everything of ours (tracks, streams, events) sits above this interface.
 *
 * Native objects are the engine's own; the spec layer only forwards calls to them.
 */

// Native objects are typed loosely: each engine has its own shapes for them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Native = any;

/** A local native track fed with I420 pictures. */
export interface VideoInput {
  readonly track: Native;
  /** One tightly packed I420 picture of width x height (even sizes). The engine may copy it. */
  sendI420(width: number, height: number, data: Uint8Array): void;
  /** Releases the native source and track. Idempotent. */
  close(): void;
}

/** A local native track fed with 16-bit PCM in 10 ms chunks at `sampleRate`. */
export interface AudioInput {
  readonly track: Native;
  /** The rate and channel count the engine takes (we resample and mix to them once). */
  readonly sampleRate: number;
  readonly channelCount: number;
  /** One 10 ms chunk: sampleRate / 100 frames of interleaved samples. */
  sendS16(samples: Int16Array): void;
  close(): void;
}

export interface RemoteVideoFrame {
  width: number;
  height: number;
  /** Tight I420; valid during the callback only. */
  data: Uint8Array;
}

export interface RemoteAudioChunk {
  sampleRate: number;
  channelCount: number;
  numberOfFrames: number;
  /** Interleaved 16-bit samples; valid during the callback only. */
  samples: Int16Array;
}

export interface WebRtcEngine {
  /** The package this engine comes from (for error messages). */
  readonly name: string;
  /** Native interface objects. */
  readonly RTCPeerConnection: new (configuration?: unknown) => Native;
  /** The engine's other interface objects that script may construct or test against
   * (RTCSessionDescription, RTCIceCandidate, RTCDataChannel, transports), by name. */
  readonly interfaces: Readonly<Record<string, Native>>;
  createVideoInput(): VideoInput;
  createAudioInput(): AudioInput;
  /** A native stream with this id (it goes into the SDP as the msid, so the far end sees it). */
  createStream(id: string): Native;
  /** Calls onFrame for each decoded picture of a remote video track; returns a stop function. */
  receiveVideo(nativeTrack: Native, onFrame: (frame: RemoteVideoFrame) => void): () => void;
  receiveAudio(nativeTrack: Native, onChunk: (chunk: RemoteAudioChunk) => void): () => void;
}
