/**
 * The seam between MediaRecorder's recording session and the encoders / muxers behind it. The
 * session hands over pictures already in I420 at the recording's size and audio already at the
 * writer's rate and channel count, in its frame size, with timestamps on the recording's own time
 * line (zero at start, pauses removed). A writer encodes and muxes and writes the bytes to its
 * output, positionally.
 */
import type { AudioCodec, Container, VideoCodec } from '../mime-type.js';
import type { I420Picture } from '../i420.js';

export interface ByteOutput {
  write(position: number, bytes: Uint8Array): void;
}

export interface VideoTrackConfig {
  readonly codec: VideoCodec;
  readonly width: number;
  readonly height: number;
  /** Nominal frames per second (a hint for rate control; timestamps rule). */
  readonly frameRate: number;
  readonly bitsPerSecond: number;
  /**
   * The session's key frame rule (it also marks each key frame in writeVideo): an engine that
   * cannot take per-frame key requests applies the rule itself. One of them is null; both null:
   * every 2000 ms.
   */
  readonly keyFrameIntervalMs?: number | null;
  readonly keyFrameIntervalCount?: number | null;
}

export interface AudioTrackConfig {
  readonly codec: AudioCodec;
  /** The track's own rate and channel count; the writer says what it takes. */
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly bitsPerSecond: number;
  readonly bitrateMode: 'constant' | 'variable';
}

export interface WriterConfig {
  readonly container: Container;
  readonly video: VideoTrackConfig | null;
  readonly audio: AudioTrackConfig | null;
  /**
   * Media ms per slice (null: one Blob at the end). flush() cuts the writer's output there; a
   * writer that cannot cut on demand (a child process muxing on its own) keeps its clusters /
   * pages / fragments shorter than this so that each slice has some.
   */
  readonly timesliceMs?: number | null;
}

export interface MediaWriter {
  /** The rate, channel count and frames per call writeAudio takes (frameSize 0: any length). */
  readonly audioFormat: { readonly sampleRate: number; readonly channelCount: number; readonly frameSize: number } | null;
  /** One picture, shown from `timestampUs` for `durationUs`; `key` asks for a key frame. */
  writeVideo(picture: I420Picture, timestampUs: number, durationUs: number, key: boolean): void;
  /** Planar samples starting at sample `position` of the writer's rate. */
  writeAudio(planes: readonly Float32Array[], frames: number, position: number): void;
  /** Pushes everything given so far out to the output (ends the current cluster / page). */
  flush(): void;
  /**
   * Ends the file (trailer, sizes, index) and frees the encoders; an engine that must wait for
   * that (a child process) returns a promise. Throws / rejects when the file cannot be finished.
   */
  finish(): void | Promise<void>;
  /** Frees everything without finishing (the recording failed). Idempotent. */
  dispose(): void;
}

export type WriterFactory = (config: WriterConfig, output: ByteOutput) => Promise<MediaWriter>;
