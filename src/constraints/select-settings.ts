/**
 * SelectSettings (mediacapture-main#dfn-selectsettings) over the settings space of one device,
 * the device's capabilities (mediacapture-main#capabilities), and the constraint-set helpers
 * getUserMedia needs (filtering by kind, required names).
 */
import type { AudioMode, DeviceDescriptor, SourceConfig, TrackFormat } from '../sources/types.js';
import { compileConstraintSet, distanceOf, failedConstraintOf, round10, sameDistance } from './fitness-distance.js';
import { appliesTo, INHERENT_PROPERTIES } from './properties.js';
import { selectVideoSettings } from './video-settings.js';
import type { MediaTrackCapabilities, MediaTrackConstraints, MediaTrackConstraintSet, MediaTrackSettings } from './types.js';

export { fitnessDistance } from './fitness-distance.js';

export interface ConstrainableDevice {
  descriptor: DeviceDescriptor;
  /** Script-visible id (already hashed by the caller). */
  deviceId: string;
  /** Script-visible group id. */
  groupId: string;
  /**
   * Set when the device's source already runs for other tracks: the native mode is then fixed, and
   * only that mode (resizeMode "none") or crop-and-scale/decimation below it (resizeMode
   * "crop-and-scale"), and for audio channel down-mixing of it, are possible.
   */
  lockedConfig?: SourceConfig | null;
}

export type SelectResult = { settings: MediaTrackSettings; config: SourceConfig; format: TrackFormat };

/** mediacapture-main#dfn-allowed-required-constraints-for-device-selection */
export const ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION: readonly string[] = Object.freeze([
  'width',
  'height',
  'aspectRatio',
  'frameRate',
  'facingMode',
  'resizeMode',
  'sampleRate',
  'sampleSize',
  'echoCancellation',
  'autoGainControl',
  'noiseSuppression',
  'latency',
  'channelCount',
  'deviceId',
  'groupId',
]);

function kindOf(descriptor: DeviceDescriptor): 'audio' | 'video' | null {
  if (descriptor.kind === 'videoinput') return 'video';
  if (descriptor.kind === 'audioinput') return 'audio';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Capabilities

function rangeOf(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** mediacapture-main#capabilities / #media-track-capabilities for one device (a fresh object). */
export function capabilitiesOf(device: ConstrainableDevice): MediaTrackCapabilities {
  const d = device.descriptor;
  const kind = kindOf(d);
  if (kind === 'video' && d.video && d.video.modes.length > 0) {
    const v = d.video;
    const maxW = rangeOf(v.modes.map((m) => m.width)).max;
    const maxH = rangeOf(v.modes.map((m) => m.height)).max;
    const maxFr = rangeOf(v.modes.map((m) => m.frameRate)).max;
    return {
      // M#dfn-width, M#dfn-height: min 1 up to the largest native size (downscaling).
      width: { min: 1, max: maxW },
      height: { min: 1, max: maxH },
      // Cropping reaches every ratio from 1 x maxH to maxW x 1.
      aspectRatio: { min: round10(1 / maxH), max: maxW },
      // M#dfn-framerate: min 0 up to the largest native rate (decimation).
      frameRate: { min: 0, max: maxFr },
      facingMode: [...v.facingMode],
      resizeMode: ['none', 'crop-and-scale'],
      deviceId: device.deviceId,
      groupId: device.groupId,
      backgroundBlur: [...v.backgroundBlur],
    };
  }
  if (kind === 'audio' && d.audio && d.audio.modes.length > 0) {
    const a = d.audio;
    return {
      sampleRate: rangeOf(a.modes.map((m) => m.sampleRate)),
      sampleSize: rangeOf(a.modes.map((m) => m.sampleSize)),
      echoCancellation: [...a.echoCancellation],
      autoGainControl: [...a.autoGainControl],
      noiseSuppression: [...a.noiseSuppression],
      latency: rangeOf(a.modes.map((m) => m.latency)),
      // Channel down-mixing reaches every count from 1 up to the widest native mode.
      channelCount: { min: 1, max: rangeOf(a.modes.map((m) => m.channelCount)).max },
      deviceId: device.deviceId,
      groupId: device.groupId,
    };
  }
  return { deviceId: device.deviceId, groupId: device.groupId };
}

// ---------------------------------------------------------------------------------------------
// Copies for the track's slots (getSettings/getCapabilities/getConstraints return fresh objects).

function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = deepCopy((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}

export const copySettings: (s: MediaTrackSettings) => MediaTrackSettings = deepCopy;
export const copyCapabilities: (c: MediaTrackCapabilities) => MediaTrackCapabilities = deepCopy;
export const copyConstraints: (c: MediaTrackConstraints) => MediaTrackConstraints = deepCopy;

/** getSettings() of an ended track: only the inherent properties (M#dom-mediastreamtrack-getsettings). */
export function inherentSettings(s: MediaTrackSettings): MediaTrackSettings {
  const out: Record<string, unknown> = {};
  for (const name of INHERENT_PROPERTIES) {
    const v = (s as Record<string, unknown>)[name];
    if (v !== undefined) out[name] = v;
  }
  return out as MediaTrackSettings;
}

// ---------------------------------------------------------------------------------------------
// Constraint-set helpers for getUserMedia

/** Names of the required constraints (min/max/exact) of the basic set (M#dfn-required). */
export function requiredConstraintNames(constraints: MediaTrackConstraints): string[] {
  const out: string[] = [];
  for (const name of Object.keys(constraints)) {
    if (name === 'advanced') continue;
    const v = (constraints as Record<string, unknown>)[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const o = v as Record<string, unknown>;
    const present = (x: unknown) => x !== undefined && !(Array.isArray(x) && x.length === 0);
    if (present(o.min) || present(o.max) || present(o.exact)) out.push(name);
  }
  return out;
}

function filterSet(cs: MediaTrackConstraintSet, kind: 'audio' | 'video'): MediaTrackConstraintSet {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(cs)) {
    if (name === 'advanced') continue;
    if (appliesTo(name, kind)) out[name] = deepCopy((cs as Record<string, unknown>)[name]);
  }
  return out as MediaTrackConstraintSet;
}

/**
 * getUserMedia step "remove any constrainable property inside of CS that are not defined for
 * MediaStreamTrack objects of type kind" (M#dom-mediadevices-getusermedia, gotcha G8), in the
 * basic set and in every advanced set. Returns a fresh object.
 */
export function filterForKind(constraints: MediaTrackConstraints, kind: 'audio' | 'video'): MediaTrackConstraints {
  const out = filterSet(constraints, kind) as MediaTrackConstraints;
  if (constraints.advanced !== undefined) out.advanced = constraints.advanced.map((cs) => filterSet(cs, kind));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Microphones and fixed lists: finite spaces, scored one dictionary at a time.

interface Candidate {
  readonly settings: MediaTrackSettings;
  /** Index of the native mode in the device's list (or of the entry in a fixed list). */
  readonly modeIndex: number;
  readonly audioMode?: AudioMode;
  /** Whether the track gets the native mode unchanged (no down-mixing). */
  readonly native: boolean;
  distance: number;
}

function sameMode(a: AudioMode, b: AudioMode): boolean {
  return a.sampleRate === b.sampleRate && a.channelCount === b.channelCount && a.sampleSize === b.sampleSize && a.latency === b.latency;
}

/**
 * Audio settings dictionaries: each native mode x each value of the echoCancellation /
 * autoGainControl / noiseSuppression capability lists; a source that already runs is fixed to its
 * mode but can be down-mixed to fewer channels per track.
 */
function audioCandidates(device: ConstrainableDevice, out: Candidate[]): void {
  const a = device.descriptor.audio!;
  const locked = device.lockedConfig && device.lockedConfig.kind === 'audio' ? device.lockedConfig.mode : null;
  const modes: readonly AudioMode[] = locked ? [locked] : a.modes;
  const ecs: readonly (boolean | string | undefined)[] = a.echoCancellation.length > 0 ? a.echoCancellation : [undefined];
  const agcs: readonly (boolean | undefined)[] = a.autoGainControl.length > 0 ? a.autoGainControl : [undefined];
  const nss: readonly (boolean | undefined)[] = a.noiseSuppression.length > 0 ? a.noiseSuppression : [undefined];
  for (let mi = 0; mi < modes.length; mi++) {
    const m = modes[mi]!;
    if (!(m.channelCount >= 1)) continue;
    const modeIndex = locked ? a.modes.findIndex((x) => sameMode(x, m)) : mi;
    const minChannels = locked ? 1 : m.channelCount;
    for (let ch = m.channelCount; ch >= minChannels; ch--) {
      for (const ec of ecs) {
        for (const agc of agcs) {
          for (const ns of nss) {
            const s: MediaTrackSettings = { sampleRate: m.sampleRate, sampleSize: m.sampleSize };
            if (ec !== undefined) s.echoCancellation = ec;
            if (agc !== undefined) s.autoGainControl = agc;
            if (ns !== undefined) s.noiseSuppression = ns;
            s.latency = m.latency;
            s.channelCount = ch;
            s.deviceId = device.deviceId;
            s.groupId = device.groupId;
            out.push({ settings: s, modeIndex, audioMode: m, native: ch === m.channelCount, distance: 0 });
          }
        }
      }
    }
  }
}

function processingRank(v: unknown): number {
  return v === true ? 0 : v === false ? 2 : 1;
}

/**
 * Orders equally fit microphone dictionaries (M#dfn-selectsettings step 6): the native mode
 * unchanged (no down-mixing), then the device's default mode, then echoCancellation,
 * autoGainControl and noiseSuppression on (the UA defaults).
 */
function audioTieBreak(a: Candidate, b: Candidate): number {
  if (a.native !== b.native) return a.native ? -1 : 1;
  const ad = a.modeIndex === 0;
  const bd = b.modeIndex === 0;
  if (ad !== bd) return ad ? -1 : 1;
  for (const k of ['echoCancellation', 'autoGainControl', 'noiseSuppression'] as const) {
    const d = processingRank(a.settings[k]) - processingRank(b.settings[k]);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Steps 3-6 of SelectSettings over a finite list of candidates. Returns the chosen one, or the
 * failedConstraint of M#dfn-applyconstraints-algorithm step 2.
 */
function selectAmong(
  all: Candidate[],
  constraints: MediaTrackConstraints,
  kind: 'audio' | 'video',
  compare: (a: Candidate, b: Candidate) => number,
): Candidate | { failedConstraint: string } {
  // Step 2 (an unconstrained copy) is implicit: the candidates are every settings dictionary there is.
  // Step 3: fitness distance against the basic set, bare values as ideal; keep the finite ones.
  const basic = compileConstraintSet(constraints, 'ideal');
  let candidates: Candidate[] = [];
  for (const c of all) {
    c.distance = distanceOf(basic, c.settings, kind);
    if (c.distance !== Infinity) candidates.push(c);
  }
  // Step 4: none left.
  if (candidates.length === 0) return { failedConstraint: failedConstraintOf(basic, all.map((c) => c.settings)) };
  // Step 5: each advanced set in order, bare values as exact; keep the survivors if any.
  for (const cs of constraints.advanced ?? []) {
    const compiled = compileConstraintSet(cs, 'exact');
    if (compiled.length === 0) continue;
    const kept = candidates.filter((c) => distanceOf(compiled, c.settings, kind) !== Infinity);
    if (kept.length > 0) candidates = kept;
  }
  // Step 6: smallest step-3 distance; ties broken by default values.
  let best = candidates[0]!;
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (sameDistance(c.distance, best.distance) ? compare(c, best) < 0 : c.distance < best.distance) best = c;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// SelectSettings

/**
 * mediacapture-main#dfn-selectsettings for one device: the settings dictionary to apply, the
 * native mode the source must run at (for crop-and-scale the mode it is derived from) and the
 * format the track delivers; or the failedConstraint (M#dfn-applyconstraints-algorithm step 2)
 * when no settings dictionary satisfies the required constraints.
 */
export function selectSettings(device: ConstrainableDevice, constraints: MediaTrackConstraints): SelectResult | { failedConstraint: string } {
  const d = device.descriptor;
  const kind = kindOf(d);
  if (kind === 'video' && d.video) {
    const v = d.video;
    const locked = device.lockedConfig && device.lockedConfig.kind === 'video' ? device.lockedConfig.mode : null;
    const modes = locked ? [locked] : v.modes;
    const fixed: MediaTrackSettings = {};
    if (v.facingMode.length > 0) fixed.facingMode = v.facingMode[0];
    fixed.deviceId = device.deviceId;
    fixed.groupId = device.groupId;
    fixed.backgroundBlur = !v.backgroundBlur.includes(false);
    const modeIndexes = locked
      ? [v.modes.findIndex((x) => x.width === locked.width && x.height === locked.height && x.frameRate === locked.frameRate)]
      : modes.map((_, i) => i);
    const chosen = selectVideoSettings({ modes, modeIndexes, fixed }, constraints);
    if ('failedConstraint' in chosen) return chosen;
    const s = chosen.settings;
    return {
      settings: s,
      config: { kind: 'video', mode: chosen.mode },
      format: { kind: 'video', width: s.width!, height: s.height!, frameRate: s.frameRate! },
    };
  }
  if (kind === 'audio' && d.audio) {
    const all: Candidate[] = [];
    audioCandidates(device, all);
    if (all.length === 0) return { failedConstraint: '' };
    const chosen = selectAmong(all, constraints, 'audio', audioTieBreak);
    if ('failedConstraint' in chosen) return chosen;
    const s = copySettings(chosen.settings);
    return {
      settings: s,
      config: { kind: 'audio', mode: chosen.audioMode! },
      format: { kind: 'audio', sampleRate: s.sampleRate!, channelCount: s.channelCount! },
    };
  }
  return { failedConstraint: '' };
}

/**
 * SelectSettings over an explicit list of settings dictionaries (for tracks whose source has a
 * fixed set of possible settings, e.g. a generator with one settings dictionary). Ties go to the
 * earlier entry.
 */
export function selectSettingsFromList(
  list: readonly MediaTrackSettings[],
  constraints: MediaTrackConstraints,
  kind: 'audio' | 'video',
): { settings: MediaTrackSettings; index: number } | { failedConstraint: string } {
  if (list.length === 0) return { failedConstraint: '' };
  const all: Candidate[] = list.map((settings, i) => ({ settings, modeIndex: i, native: true, distance: 0 }));
  const chosen = selectAmong(all, constraints, kind, (a, b) => a.modeIndex - b.modeIndex);
  if ('failedConstraint' in chosen) return chosen;
  return { settings: copySettings(chosen.settings), index: chosen.modeIndex };
}
