/**
 * The seam between the spec layer (MediaStreamTrack, MediaDevices, constraints) and the engine
 * (device providers, producers, per-track delivery). The spec layer knows devices only through
 * DeviceDescriptor and drives capture only through EngineSource / TrackOutput. The engine knows
 * nothing of WebIDL.
 *
 * Frames handed across this seam are the media core's AudioData / VideoFrame (src/media).
 * Ownership rule: a frame passed to a consumer belongs to that consumer, which must close() it.
 */
import type { Clock } from '../media/clock.js';

export type MediaKind = 'audio' | 'video';
export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** One native capture mode of a camera. */
export interface VideoMode {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
}

/** One native capture mode of a microphone. */
export interface AudioMode {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Bits per sample of the native linear format. */
  readonly sampleSize: number;
  /** Seconds of latency this mode has. */
  readonly latency: number;
}

export interface VideoDeviceFeatures {
  /** Native modes; the first is the device's default. */
  readonly modes: readonly VideoMode[];
  /** VideoFacingModeEnum values this camera reports ([] when it cannot tell). */
  readonly facingMode: readonly string[];
  /** Capability list per M#capabilities: [false], [true] or [true, false]. */
  readonly backgroundBlur: readonly boolean[];
}

export interface AudioDeviceFeatures {
  /** Native modes; the first is the device's default. */
  readonly modes: readonly AudioMode[];
  /** Capability lists per M#capabilities (booleans first, then "all"/"remote-only" if supported). */
  readonly echoCancellation: readonly (boolean | string)[];
  readonly autoGainControl: readonly boolean[];
  readonly noiseSuppression: readonly boolean[];
}

/** What a provider says about one device. Never shown to script as is. */
export interface DeviceDescriptor {
  readonly kind: DeviceKind;
  /** Unique across providers ("synthetic:mic0", "pulse:alsa_input.…"); script sees only a hash of it. */
  readonly internalId: string;
  readonly label: string;
  /** Same for devices that belong to one physical device (a webcam's camera and microphone). */
  readonly groupKey: string;
  /** The system default device of its kind. */
  readonly isDefault: boolean;
  readonly video?: VideoDeviceFeatures;
  readonly audio?: AudioDeviceFeatures;
}

/** The native configuration a source produces at (chosen by SelectSettings). */
export type SourceConfig =
  | { readonly kind: 'video'; readonly mode: VideoMode }
  | { readonly kind: 'audio'; readonly mode: AudioMode };

/** What a track's consumers receive: the track's own settings (after adaptation). */
export type TrackFormat =
  | { readonly kind: 'video'; readonly width: number; readonly height: number; readonly frameRate: number }
  | { readonly kind: 'audio'; readonly sampleRate: number; readonly channelCount: number };

export interface MediaConsumer<F> {
  /** A frame for this consumer. It owns it and must close() it. */
  frame(frame: F): void;
  /** The track ended (stopped or ended by the source): no more frames. */
  end(): void;
}

/** Per-track delivery: adapts the source's native frames to one track and fans them out. */
export interface TrackOutput {
  /** Sets the track's delivered format (crop-and-scale, decimation, channel mixing, resampling). */
  setFormat(format: TrackFormat): void;
  /** Disabled tracks deliver zero-information content (silence / black). M#track-enabled */
  setEnabled(enabled: boolean): void;
  /** Adds a consumer (a processor, an audio node, a Node stream). Returns its unsubscribe function. */
  subscribe(consumer: MediaConsumer<unknown>): () => void;
  /** The track ended: calls end() on every consumer and detaches from the source. Idempotent. */
  close(): void;
}

/** Events a source reports to the spec layer. */
export interface SourceObserver {
  /** The source's muted state changed (M#set-track-muted). */
  muted?(muted: boolean): void;
  /** The source ended by itself (device unplugged, file/process failed): its tracks end (M#ends-nostop). */
  ended?(reason: string): void;
}

/** One running (or ready) producer of media: a device opened, a generator, a canvas... */
export interface EngineSource {
  readonly kind: MediaKind;
  readonly clock: Clock;
  /** Whether the source currently delivers no media (M#track-muted). */
  readonly muted: boolean;
  /** Current native configuration, null for sources that have none (generators). */
  readonly config: SourceConfig | null;
  /** Changes the native configuration (applyConstraints picking another mode). */
  configure(config: SourceConfig): void;
  /** A new per-track output; the source runs while at least one output is open. */
  createOutput(format: TrackFormat | null): TrackOutput;
  /** Releases everything the source holds (timers, child processes, handles). Idempotent. */
  stop(): void;
  observer: SourceObserver | null;
}

/** Thrown by DeviceProvider.open(): `lock` maps to NotReadableError, anything else to AbortError (M#dom-mediadevices-getusermedia step 8). */
export class DeviceOpenError extends Error {
  constructor(
    message: string,
    readonly reason: 'lock' | 'other',
  ) {
    super(message);
    this.name = 'DeviceOpenError';
  }
}

/** A source of devices: synthetic, file-backed, or the machine's real ones. */
export interface DeviceProvider {
  readonly name: string;
  /** The devices available now. */
  list(): Promise<readonly DeviceDescriptor[]>;
  /** Opens a device at a native configuration. Throws DeviceOpenError on failure. */
  open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource>;
  /** Starts watching for hot-plug; calls onChange when the list may have changed. Returns a stop function. */
  watch?(onChange: () => void): () => void;
}
