/**
 * SelectSettings over a display surface's settings space (screen-capture#downscaling-and-frame-decimation):
 * every aspect-preserving downscaled size of the surface (to the nearest pixel) and every frame
 * rate reachable by decimation, never more than the surface's own size and rate (no upscaling,
 * no cropping), for each cursor mode the surface can be captured with.
 *
 * The space is infinite in the frame rate and large in sizes, but fitness distances are sums of
 * per-property terms that are monotone or concave between the numbers a constraint names, so the
 * optimum over sizes lies at a size whose width or height is next to such a number, or at an end
 * of the range; over rates likewise. The candidates are those (as video-settings.ts argues for
 * cameras), ordered by preference: the surface as is (resizeMode "none") first, then larger
 * sizes and rates before smaller ones, the current cursor mode before the others.
 *
 * The displaySurface constraint is ignored here: it only orders the user's choices and "can not
 * be the cause of OverconstrainedError" (screen-capture#dfn-displaysurface); so are the
 * getUserMedia properties the Screen Capture tables do not list (facingMode, deviceId...).
 *
 * The audio shared with a surface has two boolean properties (restrictOwnAudio,
 * suppressLocalAudioPlayback) and a fixed format, so its space is four settings dictionaries.
 */
import { round10 } from './fitness-distance.js';
import { selectSettingsFromList } from './select-settings.js';
import type { MediaTrackCapabilities, MediaTrackConstraints, MediaTrackConstraintSet, MediaTrackSettings } from './types.js';
import type { TrackFormat } from '../sources/types.js';
import type { CursorMode, DisplaySurfaceDescriptor } from '../sources/display/types.js';

/**
 * The floor values (screen-capture#dfn-floor-value): the smallest value of each positive numeric
 * property this implementation supports for any surface. A `max` below them is an
 * OverconstrainedError from getDisplayMedia before the user is asked.
 */
export const DISPLAY_FLOOR_VALUES: Readonly<Record<'width' | 'height' | 'frameRate' | 'aspectRatio', number>> = Object.freeze({
  width: 1,
  height: 1,
  frameRate: 1,
  aspectRatio: 1 / 16384,
});

/** The constrainable properties of screen-capture#constrainable-properties-for-captured-display-surfaces. */
export const DISPLAY_VIDEO_PROPERTIES: readonly string[] = Object.freeze([
  'width',
  'height',
  'frameRate',
  'aspectRatio',
  'resizeMode',
  'displaySurface',
  'logicalSurface',
  'cursor',
]);
export const DISPLAY_AUDIO_PROPERTIES: readonly string[] = Object.freeze(['restrictOwnAudio', 'suppressLocalAudioPlayback']);

export interface DisplaySpace {
  readonly surface: DisplaySurfaceDescriptor;
  /** The script-visible id of the surface (a per-origin hash; never in enumerateDevices()). */
  readonly deviceId: string;
}

export type DisplaySelection = { settings: MediaTrackSettings; format: TrackFormat; cursor: CursorMode };

function numbers(constraints: MediaTrackConstraints, name: 'width' | 'height' | 'frameRate'): number[] {
  const out: number[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const k of ['min', 'max', 'exact', 'ideal']) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'number') out.push(x);
      }
    }
  };
  take(constraints[name]);
  for (const cs of constraints.advanced ?? []) take(cs[name]);
  return out.filter((x) => Number.isFinite(x));
}

/**
 * The members of a set that apply to display tracks: "constraints defined for getUserMedia() do
 * not apply unless listed here" (screen-capture#constrainable-properties-for-captured-display-surfaces),
 * and displaySurface never constrains anything.
 */
function displayMembers(cs: MediaTrackConstraintSet, names: readonly string[]): MediaTrackConstraintSet {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(cs)) {
    if (name !== 'displaySurface' && names.includes(name)) out[name] = (cs as Record<string, unknown>)[name];
  }
  return out as MediaTrackConstraintSet;
}

function displayConstraints(constraints: MediaTrackConstraints, names: readonly string[]): MediaTrackConstraints {
  const cs: MediaTrackConstraints = displayMembers(constraints, names);
  if (constraints.advanced) cs.advanced = constraints.advanced.map((set) => displayMembers(set, names));
  return cs;
}

/** The aspect-preserving size of the surface with the given width (or height), to the nearest pixel. */
function byWidth(s: DisplaySurfaceDescriptor, w: number): [number, number] {
  return [w, Math.max(1, Math.min(s.height, Math.round((w * s.height) / s.width)))];
}
function byHeight(s: DisplaySurfaceDescriptor, h: number): [number, number] {
  return [Math.max(1, Math.min(s.width, Math.round((h * s.width) / s.height))), h];
}

/**
 * SelectSettings for a display track. `cursor` is the source's current cursor mode; when
 * `cursorFixed` (other tracks share the source) it is the only one possible.
 */
export function selectDisplaySettings(
  space: DisplaySpace,
  constraints: MediaTrackConstraints,
  cursor: CursorMode,
  cursorFixed: boolean,
): DisplaySelection | { failedConstraint: string } {
  const s = space.surface;
  const cs = displayConstraints(constraints, DISPLAY_VIDEO_PROPERTIES);
  // Sizes: the surface's own, the smallest, and those next to every width / height named.
  const pairs = new Map<string, [number, number]>();
  const add = (p: [number, number]): void => {
    pairs.set(`${p[0]}x${p[1]}`, p);
  };
  add([s.width, s.height]);
  for (const n of numbers(cs, 'width')) {
    const c = Math.min(s.width, Math.max(1, Math.round(n)));
    for (const w of [c - 1, c, c + 1]) if (w >= 1 && w <= s.width) add(byWidth(s, w));
  }
  for (const n of numbers(cs, 'height')) {
    const c = Math.min(s.height, Math.max(1, Math.round(n)));
    for (const h of [c - 1, c, c + 1]) if (h >= 1 && h <= s.height) add(byHeight(s, h));
  }
  add(s.width <= s.height ? byWidth(s, 1) : byHeight(s, 1));
  const sizes = [...pairs.values()].sort((a, b) => b[0] * b[1] - a[0] * a[1] || b[0] - a[0]);
  // Rates: the surface's own, the floor, and every rate named (within them).
  const floor = Math.min(DISPLAY_FLOOR_VALUES.frameRate, s.frameRate);
  const rates = [...new Set([s.frameRate, floor, ...numbers(cs, 'frameRate').map((r) => Math.min(s.frameRate, Math.max(floor, r)))])].sort((a, b) => b - a);
  const cursors: CursorMode[] = cursorFixed ? [cursor] : [cursor, ...s.cursor.filter((c) => c !== cursor)];
  const dictionary = (w: number, h: number, frameRate: number, resizeMode: string, c: CursorMode): MediaTrackSettings =>
    ({
      width: w,
      height: h,
      aspectRatio: round10(w / h),
      frameRate,
      resizeMode,
      displaySurface: s.displaySurface,
      logicalSurface: s.logicalSurface,
      cursor: c,
      deviceId: space.deviceId,
      // idl/screen-capture.idl (newer than the text): the surfaces here have 96 dpi pixels, one CSS pixel each.
      screenPixelRatio: 1,
    }) as MediaTrackSettings;
  const list: MediaTrackSettings[] = [];
  const cursorOf: CursorMode[] = [];
  for (const c of cursors) {
    list.push(dictionary(s.width, s.height, s.frameRate, 'none', c));
    cursorOf.push(c);
  }
  for (const [w, h] of sizes) {
    for (const r of rates) {
      for (const c of cursors) {
        list.push(dictionary(w, h, r, 'crop-and-scale', c));
        cursorOf.push(c);
      }
    }
  }
  const chosen = selectSettingsFromList(list, cs, 'video');
  if ('failedConstraint' in chosen) return chosen;
  const settings = chosen.settings as MediaTrackSettings & { width: number; height: number; frameRate: number };
  return {
    settings,
    format: { kind: 'video', width: settings.width, height: settings.height, frameRate: settings.frameRate },
    cursor: cursorOf[chosen.index]!,
  };
}

/** The capabilities of a display track whose current settings are `settings` (screen-capture#constrainable-properties-for-captured-display-surfaces). */
export function displayCapabilities(space: DisplaySpace, settings: MediaTrackSettings): MediaTrackCapabilities {
  const s = space.surface;
  const ratio = typeof settings.aspectRatio === 'number' ? settings.aspectRatio : round10(s.width / s.height);
  return {
    width: { min: 1, max: s.width },
    height: { min: 1, max: s.height },
    // As a capability, min and max are both the current setting: immutable for the application.
    aspectRatio: { min: ratio, max: ratio },
    frameRate: { min: Math.min(DISPLAY_FLOOR_VALUES.frameRate, s.frameRate), max: s.frameRate },
    resizeMode: ['none', 'crop-and-scale'],
    deviceId: space.deviceId,
    displaySurface: s.displaySurface,
    logicalSurface: s.logicalSurface,
    cursor: [...s.cursor],
  } as MediaTrackCapabilities;
}

export interface DisplayAudioSpace {
  readonly deviceId: string;
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly sampleSize: number;
}

export interface DisplayAudioState {
  readonly restrictOwnAudio: boolean;
  readonly suppressLocalAudioPlayback: boolean;
}

/** SelectSettings for the audio track of a display capture; the current state wins ties, and is the only one when `fixed`. */
export function selectDisplayAudioSettings(
  space: DisplayAudioSpace,
  constraints: MediaTrackConstraints,
  current: DisplayAudioState,
  fixed: boolean,
): { settings: MediaTrackSettings; format: TrackFormat; state: DisplayAudioState } | { failedConstraint: string } {
  const cs = displayConstraints(constraints, DISPLAY_AUDIO_PROPERTIES);
  const states: DisplayAudioState[] = [current];
  for (const r of fixed ? [] : [false, true]) {
    for (const p of [false, true]) if (r !== current.restrictOwnAudio || p !== current.suppressLocalAudioPlayback) states.push({ restrictOwnAudio: r, suppressLocalAudioPlayback: p });
  }
  const list = states.map(
    (st) =>
      ({
        deviceId: space.deviceId,
        sampleRate: space.sampleRate,
        sampleSize: space.sampleSize,
        channelCount: space.channelCount,
        restrictOwnAudio: st.restrictOwnAudio,
        suppressLocalAudioPlayback: st.suppressLocalAudioPlayback,
      }) as MediaTrackSettings,
  );
  const chosen = selectSettingsFromList(list, cs, 'audio');
  if ('failedConstraint' in chosen) return chosen;
  return {
    settings: chosen.settings,
    format: { kind: 'audio', sampleRate: space.sampleRate, channelCount: space.channelCount },
    state: states[chosen.index]!,
  };
}

/** The capabilities of the audio track of a display capture. */
export function displayAudioCapabilities(space: DisplayAudioSpace): MediaTrackCapabilities {
  return {
    deviceId: space.deviceId,
    sampleRate: { min: space.sampleRate, max: space.sampleRate },
    sampleSize: { min: space.sampleSize, max: space.sampleSize },
    channelCount: { min: space.channelCount, max: space.channelCount },
  } as MediaTrackCapabilities;
}
