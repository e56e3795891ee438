/**
 * MediaStreamTrack: one view on a source, with its own constraints, settings, enabled flag and
 * life-cycle. mediacapture-main#mediastreamtrack, mediacapture-main#media-stream-track-interface-definition
 * (+ contentHint from mst-content-hint).
 */
import { randomUUID } from 'node:crypto';
import {
  INTERNAL,
  illegalConstructor,
  brand,
  boolean as toBoolean,
  domString,
  toStringTag,
  exposeMembers,
  defineEventHandler,
} from '../webidl/index.js';
import type { SourceConfig, TrackFormat, TrackOutput } from '../sources/types.js';
import type { MediaTrackCapabilities, MediaTrackConstraints, MediaTrackSettings, ReportedMediaTrackCapabilities, ReportedMediaTrackConstraints, ReportedMediaTrackSettings } from '../constraints/types.js';
import { convertMediaTrackConstraints } from '../constraints/convert.js';
import { selectSettings, selectSettingsFromList, capabilitiesOf } from '../constraints/select-settings.js';
import { OverconstrainedError } from '../errors/overconstrained-error.js';
import { queueTask, nextTask } from './tasks.js';
import { type TrackSource, stopSource } from './track-source.js';
import { MediaEventTarget } from '../webidl/event-target.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';

export type MediaStreamTrackState = 'live' | 'ended';

interface TrackSlots {
  readonly source: TrackSource;
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly label: string;
  readyState: MediaStreamTrackState;
  enabled: boolean;
  muted: boolean;
  contentHint: string;
  /** Per-track delivery; null once the track ended (or if it was created ended). */
  output: TrackOutput | null;
  format: TrackFormat | null;
  constraints: MediaTrackConstraints;
  settings: MediaTrackSettings;
  /** The tail of this track's applyConstraints calls: they run in invocation order. */
  applyQueue: Promise<void>;
}

/** What the internal constructor receives; opaque to subclasses, which pass it through to super(). */
export interface TrackConstruction {
  readonly source: TrackSource;
  readonly readyState: MediaStreamTrackState;
  readonly enabled: boolean;
  readonly constraints: MediaTrackConstraints;
  readonly settings: MediaTrackSettings;
  readonly format: TrackFormat | null;
}

const slots = new WeakMap<object, TrackSlots>();

// mst-content-hint#dom-mediastreamtrack-contenthint: the hints defined for each kind.
const AUDIO_HINTS = ['', 'speech', 'speech-recognition', 'music'];
const VIDEO_HINTS = ['', 'motion', 'detail', 'text'];

// mediacapture-main#list-of-inherent-constrainable-track-properties
const INHERENT = ['deviceId', 'facingMode', 'groupId'] as const;

function copy<T>(value: T): T {
  return structuredCloneOf(value);
}

export class MediaStreamTrack extends MediaEventTarget {
  declare onmute: ((ev: Event) => unknown) | null;
  declare onunmute: ((ev: Event) => unknown) | null;
  declare onended: ((ev: Event) => unknown) | null;

  /**
   * Not callable by script. Internal code (and subclasses that implement a "MediaStreamTrack source
   * type") pass INTERNAL and the construction record through.
   */
  constructor(token?: unknown, construction?: unknown) {
    if (token !== INTERNAL || typeof construction !== 'object' || construction === null) {
      throw illegalConstructor('MediaStreamTrack');
    }
    super();
    const c = construction as TrackConstruction;
    const source = c.source;
    // mediacapture-main#dfn-create-a-mediastreamtrack step 1: the slots.
    const s: TrackSlots = {
      source,
      id: randomUUID(),
      kind: source.kind,
      label: source.label,
      readyState: c.readyState,
      enabled: c.enabled,
      muted: source.engine.muted,
      contentHint: '',
      output: null,
      format: c.format,
      constraints: c.constraints,
      settings: c.settings,
      applyQueue: Promise.resolve(),
    };
    slots.set(this, s);
    if (s.readyState === 'live' && !source.stopped) {
      s.output = source.engine.createOutput(c.format);
      if (!s.enabled) s.output.setEnabled(false);
      source.liveTracks.add(this);
    } else {
      s.readyState = 'ended';
    }
  }

  // mediacapture-main#dom-mediastreamtrack-kind
  get kind(): string {
    return brand(slots, this, 'MediaStreamTrack', 'kind').kind;
  }

  // mediacapture-main#dom-mediastreamtrack-id
  get id(): string {
    return brand(slots, this, 'MediaStreamTrack', 'id').id;
  }

  // mediacapture-main#dom-mediastreamtrack-label
  get label(): string {
    return brand(slots, this, 'MediaStreamTrack', 'label').label;
  }

  // mediacapture-main#dom-mediastreamtrack-enabled: plain slot access, also after the track ended.
  get enabled(): boolean {
    return brand(slots, this, 'MediaStreamTrack', 'enabled').enabled;
  }

  set enabled(value: boolean) {
    const s = brand(slots, this, 'MediaStreamTrack', 'enabled');
    const v = toBoolean(value);
    if (s.enabled === v) return;
    s.enabled = v;
    // Disabled tracks deliver zero-information content (M#track-enabled).
    s.output?.setEnabled(v);
  }

  // mediacapture-main#dom-mediastreamtrack-muted
  get muted(): boolean {
    return brand(slots, this, 'MediaStreamTrack', 'muted').muted;
  }

  // mediacapture-main#dom-mediastreamtrack-readystate
  get readyState(): MediaStreamTrackState {
    return brand(slots, this, 'MediaStreamTrack', 'readyState').readyState;
  }

  // mst-content-hint#dom-mediastreamtrack-contenthint: values not defined for the kind are ignored.
  get contentHint(): string {
    return brand(slots, this, 'MediaStreamTrack', 'contentHint').contentHint;
  }

  set contentHint(value: string) {
    const s = brand(slots, this, 'MediaStreamTrack', 'contentHint');
    const v = domString(value, "Failed to set 'contentHint' on 'MediaStreamTrack'");
    const allowed = s.kind === 'audio' ? AUDIO_HINTS : VIDEO_HINTS;
    if (allowed.includes(v)) s.contentHint = v;
  }

  // mediacapture-main#dom-mediastreamtrack-clone, mediacapture-main#track-clone
  clone(): MediaStreamTrack {
    const s = brand(slots, this, 'MediaStreamTrack', 'clone');
    const source = s.source;
    // Steps 3-7: a new track on the same source (not tied to a MediaDevices again: the source
    // already is), with the original's state and clones of its constrainable slots.
    // G1: [[Enabled]] is copied too. The current algorithm text does not list it, but the note at
    // M#track-enabled, the earlier text and browsers all keep a disabled track's clone disabled;
    // a clone that silently starts delivering media would surprise everyone who disabled a track.
    const clone = constructTrack(source, {
      source,
      readyState: s.readyState,
      enabled: s.enabled,
      constraints: copy(s.constraints),
      settings: copy(s.settings),
      format: s.format,
    });
    const cs = slots.get(clone)!;
    cs.muted = s.muted;
    cs.contentHint = s.contentHint;
    // Step 8: source-specific clone steps.
    source.cloneSteps?.(this, clone);
    return clone;
  }

  // mediacapture-main#dom-mediastreamtrack-stop
  stop(): void {
    const s = brand(slots, this, 'MediaStreamTrack', 'stop');
    // 1. If the track is already ended, return.
    if (s.readyState === 'ended') return;
    // 2. Notify the source that this track no longer needs it; 3. set [[ReadyState]] to "ended".
    // No event: stop() never fires `ended` (G2).
    detachFromSource(this, s);
  }

  // mediacapture-main#dom-mediastreamtrack-getcapabilities
  getCapabilities(): ReportedMediaTrackCapabilities {
    const s = brand(slots, this, 'MediaStreamTrack', 'getCapabilities');
    return capabilitiesFor(s) as ReportedMediaTrackCapabilities;
  }

  // mediacapture-main#dom-constrainablepattern-getconstraints
  getConstraints(): ReportedMediaTrackConstraints {
    const s = brand(slots, this, 'MediaStreamTrack', 'getConstraints');
    return copy(s.constraints) as ReportedMediaTrackConstraints;
  }

  // mediacapture-main#dom-mediastreamtrack-getsettings
  getSettings(): ReportedMediaTrackSettings {
    const s = brand(slots, this, 'MediaStreamTrack', 'getSettings');
    if (s.readyState === 'ended') {
      // G7: an ended track keeps only its inherent properties.
      const out: Record<string, unknown> = {};
      const settings = s.settings as Record<string, unknown>;
      for (const name of INHERENT) if (settings[name] !== undefined) out[name] = settings[name];
      return out as ReportedMediaTrackSettings;
    }
    return copy(s.settings) as ReportedMediaTrackSettings;
  }

  // mediacapture-main#dom-mediastreamtrack-applyconstraints
  applyConstraints(constraints?: MediaTrackConstraints): Promise<void> {
    let s: TrackSlots;
    let newConstraints: MediaTrackConstraints;
    try {
      s = brand(slots, this, 'MediaStreamTrack', 'applyConstraints');
      newConstraints = convertMediaTrackConstraints(constraints, "Failed to execute 'applyConstraints' on 'MediaStreamTrack': parameter 1");
    } catch (e) {
      return Promise.reject(e);
    }
    // G7: on an ended track, resolve with undefined.
    if (s.readyState === 'ended') return Promise.resolve(undefined);
    // mediacapture-main#dfn-applyconstraints-template-method: calls are processed in invocation order.
    const previous = s.applyQueue;
    const p = (async (): Promise<undefined> => {
      await previous;
      if (s.readyState === 'ended') {
        await nextTask();
        return undefined;
      }
      const result = runApplyConstraints(s, newConstraints);
      // Settle in a queued task.
      await nextTask();
      if ('failedConstraint' in result) {
        // Failure keeps the existing constraints and settings.
        throw new OverconstrainedError(result.failedConstraint, result.message);
      }
      commitApply(s, newConstraints, result);
      return undefined;
    })();
    s.applyQueue = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
}

defineEventHandler(MediaStreamTrack, 'mute', 'MediaStreamTrack');
defineEventHandler(MediaStreamTrack, 'unmute', 'MediaStreamTrack');
defineEventHandler(MediaStreamTrack, 'ended', 'MediaStreamTrack');
toStringTag(MediaStreamTrack, 'MediaStreamTrack');
exposeMembers(MediaStreamTrack, [
  'kind',
  'id',
  'label',
  'enabled',
  'muted',
  'readyState',
  'contentHint',
  'clone',
  'stop',
  'getCapabilities',
  'getConstraints',
  'getSettings',
  'applyConstraints',
]);

interface ApplyOutcome {
  settings: MediaTrackSettings;
  format: TrackFormat | null;
  reconfigure: SourceConfig | null;
  /** Source-side changes of a ConstrainableSpace (e.g. a display's cursor mode). */
  commit?: () => void;
}

/** mediacapture-main#dfn-applyconstraints-algorithm: SelectSettings against the track's source. */
function runApplyConstraints(s: TrackSlots, newConstraints: MediaTrackConstraints): ApplyOutcome | { failedConstraint: string; message: string } {
  const device = s.source.device;
  if (device) {
    // Another live track on the source pins its native mode: only adaptation below it is possible.
    const shared = [...s.source.liveTracks].some((t) => slots.get(t) !== s);
    const current = s.source.engine.config;
    const result = selectSettings({ ...device, lockedConfig: shared ? current : null }, newConstraints);
    if ('failedConstraint' in result) {
      return {
        failedConstraint: result.failedConstraint,
        message: result.failedConstraint
          ? `no settings of this device satisfy the '${result.failedConstraint}' constraint`
          : 'no settings of this device satisfy the constraints',
      };
    }
    const changed = !shared && (current === null || !sameConfig(current, result.config));
    return { settings: result.settings, format: result.format, reconfigure: changed ? result.config : null };
  }
  const space = s.source.space;
  if (space) {
    const shared = [...s.source.liveTracks].some((t) => slots.get(t) !== s);
    const result = space.select(newConstraints, shared);
    if ('failedConstraint' in result) {
      const failed = result.failedConstraint;
      return { failedConstraint: failed, message: failed ? `no settings of this source satisfy the '${failed}' constraint` : 'no settings of this source satisfy the constraints' };
    }
    return { settings: result.settings, format: result.format, reconfigure: null, commit: result.commit };
  }
  // A source that is not a device has a single settings dictionary: its current settings.
  const result = selectSettingsFromList([s.settings], newConstraints, s.kind);
  if ('failedConstraint' in result) {
    const failed = result.failedConstraint;
    return {
      failedConstraint: failed,
      message: failed ? `the track's settings do not satisfy the '${failed}' constraint` : "the track's settings do not satisfy the constraints",
    };
  }
  return { settings: result.settings, format: s.format, reconfigure: null };
}

function commitApply(s: TrackSlots, newConstraints: MediaTrackConstraints, outcome: ApplyOutcome): void {
  if (s.readyState === 'ended') return;
  if (outcome.reconfigure) s.source.engine.configure(outcome.reconfigure);
  outcome.commit?.();
  s.constraints = newConstraints;
  s.settings = outcome.settings;
  if (outcome.format && (s.format === null || !sameFormat(s.format, outcome.format))) {
    s.format = outcome.format;
    s.output?.setFormat(outcome.format);
  }
}

function sameConfig(a: SourceConfig, b: SourceConfig): boolean {
  if (a.kind !== b.kind) return false;
  const am = a.mode as unknown as Record<string, number>;
  const bm = b.mode as unknown as Record<string, number>;
  for (const k of Object.keys(am)) if (am[k] !== bm[k]) return false;
  return true;
}

function sameFormat(a: TrackFormat, b: TrackFormat): boolean {
  if (a.kind === 'video' && b.kind === 'video') return a.width === b.width && a.height === b.height && a.frameRate === b.frameRate;
  if (a.kind === 'audio' && b.kind === 'audio') return a.sampleRate === b.sampleRate && a.channelCount === b.channelCount;
  return false;
}

function capabilitiesFor(s: TrackSlots): MediaTrackCapabilities {
  if (s.source.device) return capabilitiesOf(s.source.device);
  if (s.source.space) return s.source.space.capabilities(s.settings);
  return copy(s.source.capabilities);
}

/** Stops this track's use of its source; the source stops with its last track (M#source-stopped). */
function detachFromSource(track: object, s: TrackSlots): void {
  s.readyState = 'ended';
  const output = s.output;
  s.output = null;
  output?.close();
  const source = s.source;
  source.liveTracks.delete(track);
  if (source.liveTracks.size === 0) stopSource(source);
}

// ---- internal operations (used by MediaDevices, MediaStream and src/stream/internals.ts) ----

/** mediacapture-main#dfn-create-a-mediastreamtrack: builds a track of the source's track type. */
export function constructTrack(source: TrackSource, construction: TrackConstruction): MediaStreamTrack {
  const ctor = (source.trackClass ?? MediaStreamTrack) as unknown as new (...args: unknown[]) => MediaStreamTrack;
  const track = new ctor(INTERNAL, construction, ...source.trackArgs);
  if (!slots.has(track)) throw new TypeError('MediaStreamTrack source type did not pass its construction record to MediaStreamTrack');
  return track;
}

/** True for objects that are MediaStreamTracks (the IDL brand). */
export function isMediaStreamTrack(value: unknown): value is MediaStreamTrack {
  return typeof value === 'object' && value !== null && slots.has(value);
}

export function trackSourceOf(track: MediaStreamTrack): TrackSource {
  return brand(slots, track, 'MediaStreamTrack', 'source').source;
}

export function trackOutputOf(track: MediaStreamTrack): TrackOutput | null {
  return brand(slots, track, 'MediaStreamTrack', 'output').output;
}

export function trackKindOf(track: MediaStreamTrack): 'audio' | 'video' {
  return brand(slots, track, 'MediaStreamTrack', 'kind').kind;
}

export function trackIdOf(track: MediaStreamTrack): string {
  return brand(slots, track, 'MediaStreamTrack', 'id').id;
}

export function isTrackLive(track: MediaStreamTrack): boolean {
  return brand(slots, track, 'MediaStreamTrack', 'readyState').readyState === 'live';
}

/**
 * A track "ends for other reasons" (device gone, permission revoked, source failed):
 * mediacapture-main#ends-nostop. Queues a task that ends it and fires `ended`.
 */
export function endTrack(track: MediaStreamTrack): void {
  const s = brand(slots, track, 'MediaStreamTrack', 'end');
  queueTask(() => {
    // 1. If the track is already ended, abort.
    if (s.readyState === 'ended') return;
    // 2-3. Set [[ReadyState]] to "ended" and notify the source.
    detachFromSource(track, s);
    // 4. Fire `ended`.
    track.dispatchEvent(new Event('ended'));
  });
}

/** Ends a track without an event (mediacapture-main#dfn-stop-all-sources step 1). */
export function endTrackSilently(track: MediaStreamTrack): void {
  const s = brand(slots, track, 'MediaStreamTrack', 'end');
  if (s.readyState === 'ended') return;
  detachFromSource(track, s);
}

/** mediacapture-main#set-track-muted (synchronously; callers queue the task where the spec says so). */
export function setTrackMuted(track: MediaStreamTrack, newState: boolean): void {
  const s = brand(slots, track, 'MediaStreamTrack', 'muted');
  // 2. Already in that state: nothing.
  if (s.muted === newState) return;
  // 3. Set [[Muted]]; 4-5. fire mute or unmute.
  s.muted = newState;
  track.dispatchEvent(new Event(newState ? 'mute' : 'unmute'));
}

/** The settings a track had (for the document bookkeeping of deviceId). */
export function trackSettingsOf(track: MediaStreamTrack): MediaTrackSettings {
  return brand(slots, track, 'MediaStreamTrack', 'settings').settings;
}

/**
 * Installs the observer that maps the engine's reports onto the tracks of a source:
 * muted -> a queued "set a track's muted state" per track; ended -> each track ends (M#ends-nostop).
 */
export function observeSource(source: TrackSource): void {
  source.engine.observer = {
    muted(muted: boolean) {
      queueTask(() => {
        for (const t of [...source.liveTracks]) setTrackMuted(t as MediaStreamTrack, muted);
      });
    },
    ended() {
      // A source that ends before any track uses it is simply released.
      if (source.liveTracks.size === 0) stopSource(source);
      for (const t of [...source.liveTracks]) endTrack(t as MediaStreamTrack);
    },
  };
}
