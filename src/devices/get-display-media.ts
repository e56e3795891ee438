/**
 * MediaDevices.getDisplayMedia(): the Screen Capture algorithm (screen-capture#dom-mediadevices-getdisplaymedia)
 * over the document model of DeviceContext and its display providers (src/sources/display/).
 *
 * The "user" who picks a surface is the permission prompt callback of the PermissionController
 * (for the "display-capture" feature), or an accepting user when there is none; the surface
 * offered is the first one listed whose type matches the displaySurface constraint, else the
 * first one. Choices made here where the spec leaves them to the user agent:
 * - Audio: by default no display surface here shares audio (as Chrome for a screen on Linux), so
 *   `audio` adds no track; the spec lets a user agent return video only for an audio+video
 *   request, and forbids an audio track it knows will never carry audio. The synthetic display
 *   can be configured to share "system audio" (display.audio): then `audio` adds one track
 *   unless the systemAudio (monitor) / windowAudio (window) hint says "exclude". Step 12.1.1
 *   (NotFoundError when no source of a type exists) is applied to video only: applied to audio it
 *   would reject {video: true, audio: true}, which the spec allows to succeed with video.
 * - The cursor mode is chosen by SelectSettings from the `cursor` constraint ("always" without
 *   one); the other video constraints downscale and decimate (display-settings.ts).
 */
import { boolean as toBoolean, dictionary, enumeration, describe } from '../webidl/index.js';
import { convertMediaTrackConstraints } from '../constraints/convert.js';
import type { MediaTrackConstraints } from '../constraints/types.js';
import {
  DISPLAY_AUDIO_PROPERTIES,
  DISPLAY_FLOOR_VALUES,
  DISPLAY_VIDEO_PROPERTIES,
  displayAudioCapabilities,
  displayCapabilities,
  selectDisplayAudioSettings,
  selectDisplaySettings,
  type DisplayAudioSpace,
  type DisplayAudioState,
  type DisplaySpace,
} from '../constraints/display-settings.js';
import { OverconstrainedError } from '../errors/overconstrained-error.js';
import { MediaStream, addTrackSilently } from '../stream/media-stream.js';
import { constructTrack, observeSource, type MediaStreamTrack } from '../stream/media-stream-track.js';
import type { TrackSource, ConstrainableSpace } from '../stream/track-source.js';
import { nextTask, queueTask } from '../stream/tasks.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';
import { DeviceOpenError, type EngineSource } from '../sources/types.js';
import type { CursorMode, DisplayEngineSource, DisplayProvider, DisplaySurfaceDescriptor } from '../sources/display/types.js';
import { CaptureController, bindController, isCaptureController, startCaptureSession } from './capture-controller.js';
import type { DeviceContext } from './media-devices.js';

const CONTEXT = "Failed to execute 'getDisplayMedia' on 'MediaDevices'";

/** screen-capture#dom-displaymediastreamoptions, converted. */
export interface DisplayMediaStreamOptions {
  video: boolean | MediaTrackConstraints;
  audio: boolean | MediaTrackConstraints;
  controller?: CaptureController;
  selfBrowserSurface?: 'include' | 'exclude';
  systemAudio?: 'include' | 'exclude';
  windowAudio?: 'system' | 'window' | 'exclude';
  surfaceSwitching?: 'include' | 'exclude';
  monitorTypeSurfaces?: 'include' | 'exclude';
  audioSelection?: 'preferred';
}

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function booleanOrConstraints(v: unknown, context: string): boolean | MediaTrackConstraints {
  // (boolean or MediaTrackConstraints): null and objects are dictionaries, the rest ToBoolean.
  if (v === null || isObject(v)) return convertMediaTrackConstraints(v, context);
  return toBoolean(v);
}

/** WebIDL conversion of DisplayMediaStreamOptions: members in code-unit order, each read once. */
export function convertDisplayMediaStreamOptions(value: unknown): DisplayMediaStreamOptions {
  const d = dictionary(value, `${CONTEXT}: parameter 1`);
  const at = (m: string): string => `${CONTEXT}: parameter 1.${m}`;
  const out: DisplayMediaStreamOptions = { video: true, audio: false };
  const audio = d.audio;
  if (audio !== undefined) out.audio = booleanOrConstraints(audio, at('audio'));
  const audioSelection = d.audioSelection;
  if (audioSelection !== undefined) out.audioSelection = enumeration(audioSelection, ['preferred'] as const, at('audioSelection'));
  const controller = d.controller;
  if (controller !== undefined) {
    if (!isCaptureController(controller)) throw new TypeError(`${at('controller')}: ${describe(controller)} is not of type 'CaptureController'`);
    out.controller = controller;
  }
  const includeExclude = ['include', 'exclude'] as const;
  const monitorTypeSurfaces = d.monitorTypeSurfaces;
  if (monitorTypeSurfaces !== undefined) out.monitorTypeSurfaces = enumeration(monitorTypeSurfaces, includeExclude, at('monitorTypeSurfaces'));
  const selfBrowserSurface = d.selfBrowserSurface;
  if (selfBrowserSurface !== undefined) out.selfBrowserSurface = enumeration(selfBrowserSurface, includeExclude, at('selfBrowserSurface'));
  const surfaceSwitching = d.surfaceSwitching;
  if (surfaceSwitching !== undefined) out.surfaceSwitching = enumeration(surfaceSwitching, includeExclude, at('surfaceSwitching'));
  const systemAudio = d.systemAudio;
  if (systemAudio !== undefined) out.systemAudio = enumeration(systemAudio, includeExclude, at('systemAudio'));
  const video = d.video;
  if (video !== undefined) out.video = booleanOrConstraints(video, at('video'));
  const windowAudio = d.windowAudio;
  if (windowAudio !== undefined) out.windowAudio = enumeration(windowAudio, ['system', 'window', 'exclude'] as const, at('windowAudio'));
  return out;
}

function domException(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

const DISPLAY_PROPERTIES = new Set([...DISPLAY_VIDEO_PROPERTIES, ...DISPLAY_AUDIO_PROPERTIES]);

/** Step 8 for one constraints dictionary: the error to reject with, or null. */
function checkDisplayConstraints(cs: MediaTrackConstraints, which: 'audio' | 'video'): TypeError | OverconstrainedError | null {
  // 8.1 No advanced sets.
  if (cs.advanced !== undefined) return new TypeError(`${CONTEXT}: ${which} constraints cannot have 'advanced' sets`);
  const members = cs as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (!DISPLAY_PROPERTIES.has(name)) continue;
    const v = members[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const o = v as Record<string, unknown>;
    // 8.2 No min or exact on a display-surface property.
    if (o.min !== undefined || o.exact !== undefined) {
      return new TypeError(`${CONTEXT}: '${name}' cannot have a '${o.min !== undefined ? 'min' : 'exact'}' constraint`);
    }
    // 8.3 A max below the property's floor value.
    const floor = (DISPLAY_FLOOR_VALUES as Record<string, number | undefined>)[name];
    if (floor !== undefined && typeof o.max === 'number' && o.max < floor) {
      return new OverconstrainedError(name, `'${name}' max ${o.max} is below the smallest supported value, ${floor}`);
    }
  }
  return null;
}

class DisplayFailure {
  constructor(readonly error: unknown) {}
}

/** screen-capture#dom-mediadevices-getdisplaymedia */
export function getDisplayMedia(ctx: DeviceContext, options: unknown): Promise<MediaStream> {
  let o: DisplayMediaStreamOptions;
  try {
    o = convertDisplayMediaStreamOptions(options);
  } catch (e) {
    return Promise.reject(e);
  }
  // 1. Let mediaDevices be this. 2. The controller, if any.
  const controller = o.controller ?? null;
  // 3. A controller can be used for one call only.
  if (controller !== null) {
    if (!bindController(controller)) return Promise.reject(domException('InvalidStateError', 'this CaptureController was already used with getDisplayMedia()'));
  }
  // 4. Transient activation.
  if (!ctx.hasTransientActivation()) {
    return Promise.reject(domException('InvalidStateError', 'getDisplayMedia() requires transient activation (a user gesture)'));
  }
  // 5-6. constraints = [audio, video].
  const constraints = { audio: o.audio, video: o.video };
  // 7. Video cannot be turned off.
  if (constraints.video === false) return Promise.reject(new TypeError(`${CONTEXT}: video must be requested`));
  // 8. Checks on each dictionary.
  for (const which of ['audio', 'video'] as const) {
    const cs = constraints[which];
    if (typeof cs !== 'object') continue;
    const error = checkDisplayConstraints(cs, which);
    if (error) return Promise.reject(error);
  }
  // 9. requestedMediaTypes: video, and audio unless false (an audio track only where a surface shares audio; see the header).
  // 10. The document must be fully active and have focus.
  if (!ctx.fullyActive) return Promise.reject(domException('InvalidStateError', 'the document is not fully active'));
  if (!ctx.focused) return Promise.reject(domException('InvalidStateError', 'the document does not have focus'));
  // 11-13. The rest runs in parallel; the promise settles in a task.
  const audio = constraints.audio === false ? null : constraints.audio === true ? {} : constraints.audio;
  return displaySteps(ctx, o, constraints.video === true ? {} : constraints.video, audio, controller).then(
    async ({ stream, finalize }) => {
      await nextTask();
      // 12.8.3 then 12.9: the finalize task is queued in the task that resolves p, so the
      // script's reaction to p (a setFocusBehavior() call) runs before it.
      if (finalize) queueTask(finalize);
      return stream;
    },
    async (e: unknown) => {
      await nextTask();
      throw e instanceof DisplayFailure ? e.error : e;
    },
  );
}

async function listSurfaces(providers: readonly DisplayProvider[]): Promise<{ surface: DisplaySurfaceDescriptor; provider: DisplayProvider }[]> {
  const lists = await Promise.all(
    providers.map(async (provider) => {
      try {
        return (await provider.list()).map((surface) => ({ surface, provider }));
      } catch {
        // A provider that cannot list offers nothing.
        return [];
      }
    }),
  );
  return lists.flat();
}

/** The displaySurface values the constraint prefers (they only order the choices). */
function preferredSurfaceTypes(cs: MediaTrackConstraints): string[] {
  const v = (cs as Record<string, unknown>).displaySurface;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'object' && v !== null) {
    const ideal = (v as Record<string, unknown>).ideal;
    if (typeof ideal === 'string') return [ideal];
    if (Array.isArray(ideal)) return ideal.filter((x): x is string => typeof x === 'string');
  }
  return [];
}

type DisplayAudioSelection = Exclude<ReturnType<typeof selectDisplayAudioSettings>, { failedConstraint: string }>;

const permissionFailure = (why: string): DisplayFailure => new DisplayFailure(domException('NotAllowedError', why));

/** Whether the user is offered the audio of a surface, given the application's hints. */
function audioOffered(surface: DisplaySurfaceDescriptor, o: DisplayMediaStreamOptions): boolean {
  if (!surface.audio) return false;
  if (surface.displaySurface === 'monitor') return o.systemAudio !== 'exclude';
  if (surface.displaySurface === 'window') return o.windowAudio !== 'exclude';
  return true;
}

function openFailure(label: string, e: unknown): DisplayFailure {
  // Granted, but access failed: a lock is NotReadableError, anything else AbortError.
  const name = e instanceof DeviceOpenError && e.reason === 'lock' ? 'NotReadableError' : 'AbortError';
  return new DisplayFailure(domException(name, `could not start capturing ${label}: ${e instanceof Error ? e.message : String(e)}`));
}

async function displaySteps(
  ctx: DeviceContext,
  o: DisplayMediaStreamOptions,
  videoConstraints: MediaTrackConstraints,
  audioConstraints: MediaTrackConstraints | null,
  controller: CaptureController | null,
): Promise<{ stream: MediaStream; finalize: (() => void) | null }> {
  // 12.1 For each requested type: sources available, permission not denied (audio: see the header).
  const surfaces = await listSurfaces(ctx.displayProviders);
  if (surfaces.length === 0) throw new DisplayFailure(domException('NotFoundError', 'no display surface is available to capture'));
  if (ctx.permissions.query('display-capture') === 'denied') throw permissionFailure('the display-capture permission is denied');
  // 12.2 The permissions policy ("display-capture", default allowlist self).
  if (!ctx.policy['display-capture']) throw permissionFailure("the document is not allowed to use the 'display-capture' feature");
  // 12.3 Prompt the user to choose a display surface.
  const preferred = preferredSurfaceTypes(videoConstraints);
  const offered = [...surfaces].sort((a, b) => Number(preferred.includes(b.surface.displaySurface)) - Number(preferred.includes(a.surface.displaySurface)));
  let answer: 'granted' | 'denied';
  try {
    answer = await ctx.permissions.request({
      name: 'display-capture',
      devices: offered.map(({ surface }) => ({ label: surface.label, internalId: surface.internalId })),
    });
  } catch (e) {
    throw permissionFailure(`the display-capture prompt failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (answer === 'denied') throw permissionFailure('the user did not choose a display surface to share');
  if (ctx.unloaded) throw new DisplayFailure(domException('InvalidStateError', 'the document was unloaded'));
  const { surface, provider } = offered[0]!;
  const deviceId = ctx.identity.deviceId('display', surface.internalId);
  const space: DisplaySpace = { surface, deviceId };
  // 12.6 (ahead of opening, with the same outcome): the constraints select the track's settings.
  const selection = selectDisplaySettings(space, videoConstraints, 'always', false);
  if ('failedConstraint' in selection) {
    const failed = selection.failedConstraint;
    throw new DisplayFailure(new OverconstrainedError(failed, failed ? `the display cannot satisfy the '${failed}' constraint` : 'the display cannot satisfy the constraints'));
  }
  let engine: DisplayEngineSource;
  try {
    engine = await provider.open(surface, { cursor: selection.cursor }, ctx.clock);
  } catch (e) {
    throw openFailure(surface.label, e);
  }
  // The audio shared with the surface: at most one track, only when asked for and offered.
  let audio: { engine: EngineSource; space: DisplayAudioSpace; selection: DisplayAudioSelection } | null = null;
  if (audioConstraints !== null && provider.openAudio && audioOffered(surface, o)) {
    let audioEngine: EngineSource;
    try {
      audioEngine = await provider.openAudio(surface, ctx.clock);
    } catch (e) {
      engine.stop();
      throw openFailure(`the audio of ${surface.label}`, e);
    }
    const config = audioEngine.config;
    const mode = config && config.kind === 'audio' ? config.mode : { sampleRate: 48000, channelCount: 2, sampleSize: 16 };
    const audioSpace: DisplayAudioSpace = {
      deviceId: ctx.identity.deviceId('display-audio', surface.internalId),
      sampleRate: mode.sampleRate,
      channelCount: mode.channelCount,
      sampleSize: mode.sampleSize,
    };
    // 12.6 for the audio track.
    const chosen = selectDisplayAudioSettings(audioSpace, audioConstraints, { restrictOwnAudio: false, suppressLocalAudioPlayback: false }, false);
    if ('failedConstraint' in chosen) {
      engine.stop();
      audioEngine.stop();
      const failed = chosen.failedConstraint;
      throw new DisplayFailure(new OverconstrainedError(failed, failed ? `the shared audio cannot satisfy the '${failed}' constraint` : 'the shared audio cannot satisfy the constraints'));
    }
    audio = { engine: audioEngine, space: audioSpace, selection: chosen };
  }
  if (ctx.unloaded) {
    engine.stop();
    audio?.engine.stop();
    throw new DisplayFailure(domException('InvalidStateError', 'the document was unloaded'));
  }
  // The user granted; "granted" is never stored. The surface is live in this document.
  ctx.devicesLiveMap.set(deviceId, true);
  ctx.devicesAccessibleMap.set(deviceId, true);
  // 12.4 The stream; 12.5 one video track on the chosen source, tied to this MediaDevices.
  const source = createDisplayTrackSource(ctx, engine, space);
  const stream = new MediaStream();
  const track: MediaStreamTrack = constructTrack(source, {
    source,
    readyState: 'live',
    enabled: true,
    constraints: structuredCloneOf(videoConstraints),
    settings: selection.settings,
    format: selection.format,
  });
  addTrackSilently(stream, track);
  if (audio) {
    const audioSource = createDisplayAudioTrackSource(ctx, audio.engine, audio.space, audio.selection.state, surface.label);
    ctx.devicesLiveMap.set(audio.space.deviceId, true);
    ctx.devicesAccessibleMap.set(audio.space.deviceId, true);
    const audioTrack = constructTrack(audioSource, {
      source: audioSource,
      readyState: 'live',
      enabled: true,
      constraints: structuredCloneOf(audioConstraints!),
      settings: audio.selection.settings,
      format: audio.selection.format,
    });
    addTrackSilently(stream, audioTrack);
  }
  // 12.7 A capture-session. 12.8 Bind the controller to it.
  let finalize: (() => void) | null = null;
  if (controller !== null) {
    finalize = startCaptureSession(controller, source, surface.displaySurface, ctx.clock);
    ctx.captureControllers.add(controller);
    source.onStopped.push(() => ctx.captureControllers.delete(controller));
  }
  // 12.9 Resolve (in a task, with the finalize task queued then).
  return { stream, finalize };
}

/** Ties a display source to the document (M#dfn-tie-track-source-to-mediadevices): unloading stops it. */
function tie(ctx: DeviceContext, source: TrackSource, deviceId: string): void {
  observeSource(source);
  ctx.mediaStreamTrackSources.add(source);
  source.onStopped.push(() => {
    ctx.mediaStreamTrackSources.delete(source);
    ctx.devicesLiveMap.set(deviceId, false);
    ctx.devicesAccessibleMap.set(deviceId, false);
  });
}

/** The spec-layer source of the audio shared with a surface: four settings dictionaries (restrictOwnAudio x suppressLocalAudioPlayback). */
function createDisplayAudioTrackSource(ctx: DeviceContext, engine: EngineSource, space: DisplayAudioSpace, initial: DisplayAudioState, label: string): TrackSource {
  // Nothing this document plays reaches the synthetic system audio, so both only show in the settings.
  let state = initial;
  const constrainable: ConstrainableSpace = {
    select(constraints, shared) {
      // Clones share the source: its state is fixed while another track uses it.
      const r = selectDisplayAudioSettings(space, constraints, state, shared);
      if ('failedConstraint' in r) return r;
      return { settings: r.settings, format: r.format, commit: () => (state = r.state) };
    },
    capabilities() {
      return displayAudioCapabilities(space);
    },
  };
  const source: TrackSource = {
    engine,
    kind: 'audio',
    label: `Audio of ${label}`,
    device: null,
    space: constrainable,
    capabilities: {},
    permission: null,
    liveTracks: new Set(),
    stopped: false,
    onStopped: [],
    trackClass: null,
    trackArgs: [],
    cloneSteps: null,
  };
  tie(ctx, source, space.deviceId);
  return source;
}

/** The spec-layer source of a display track: a settings space of its own, tied to the document. */
function createDisplayTrackSource(ctx: DeviceContext, engine: DisplayEngineSource, space: DisplaySpace): TrackSource {
  const constrainable: ConstrainableSpace = {
    select(constraints, shared) {
      const r = selectDisplaySettings(space, constraints, engine.cursor as CursorMode, shared);
      if ('failedConstraint' in r) return r;
      return { settings: r.settings, format: r.format, commit: () => engine.setCursor(r.cursor) };
    },
    capabilities(settings) {
      return displayCapabilities(space, settings);
    },
  };
  const source: TrackSource = {
    engine,
    kind: 'video',
    label: space.surface.label,
    device: null,
    space: constrainable,
    capabilities: {},
    permission: null,
    liveTracks: new Set(),
    stopped: false,
    onStopped: [],
    trackClass: null,
    trackArgs: [],
    cloneSteps: null,
  };
  tie(ctx, source, space.deviceId);
  return source;
}
