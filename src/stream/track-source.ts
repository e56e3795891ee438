/**
 * The spec's "source" of a MediaStreamTrack as the spec layer sees it: one EngineSource plus the
 * bookkeeping the algorithms need (which live tracks use it, whether it is a capture device and
 * for which MediaDevices, what happens when it stops). Shared by a track and all its clones.
 * mediacapture-main#source-stopped, mediacapture-main#dfn-create-a-mediastreamtrack
 */
import type { EngineSource, MediaKind } from '../sources/types.js';
import type { ConstrainableDevice } from '../constraints/select-settings.js';
import type { MediaTrackCapabilities, MediaTrackConstraints, MediaTrackSettings } from '../constraints/types.js';
import type { TrackFormat } from '../sources/types.js';

/**
 * A settings space of its own, for sources that are not capture devices but still have one
 * (display surfaces: downscaling and decimation of the captured surface). applyConstraints runs
 * SelectSettings through it and getCapabilities() reads it.
 */
export interface ConstrainableSpace {
  /** SelectSettings; `shared` when other live tracks use the source (its own state is then fixed). */
  select(
    constraints: MediaTrackConstraints,
    shared: boolean,
  ): { settings: MediaTrackSettings; format: TrackFormat; commit(): void } | { failedConstraint: string };
  /** The capabilities of a track with these current settings. */
  capabilities(settings: MediaTrackSettings): MediaTrackCapabilities;
}

export interface TrackSource {
  readonly engine: EngineSource;
  readonly kind: MediaKind;
  readonly label: string;
  /** Set for capture devices opened by getUserMedia: SelectSettings runs against it. */
  readonly device: ConstrainableDevice | null;
  /** A settings space for sources that are not devices but have one (display surfaces). */
  readonly space?: ConstrainableSpace | null;
  /** Capabilities of sources that are not devices (given by their creator). */
  readonly capabilities: MediaTrackCapabilities;
  /** "camera" / "microphone" for capture devices: the permission the device revocation algorithm matches. */
  readonly permission: 'camera' | 'microphone' | null;
  /** Tracks attached to this source that are not ended. */
  readonly liveTracks: Set<object>;
  stopped: boolean;
  /** Run once, after the engine source was stopped (M#source-stopped bookkeeping of a MediaDevices). */
  readonly onStopped: Array<() => void>;
  /** The "MediaStreamTrack source type": the class of tracks this source creates (a subclass hook). */
  readonly trackClass: (new (...args: never[]) => object) | null;
  /** Extra constructor arguments for trackClass, after the internal ones. */
  readonly trackArgs: readonly unknown[];
  /** Source-specific clone steps (M#track-clone step 8). */
  readonly cloneSteps: ((track: object, clone: object) => void) | null;
}

export function stopSource(source: TrackSource): void {
  if (source.stopped) return;
  source.stopped = true;
  source.engine.observer = null;
  source.engine.stop();
  const hooks = source.onStopped.splice(0);
  for (const hook of hooks) hook();
}
