/**
 * The display surfaces a MediaDevices offers to getDisplayMedia, from a DisplayConfig:
 *
 *   { "source": "synthetic" }        the synthetic desktop (the default), 1920x1080 at 30 fps
 *   { "source": "x11" }              the X11 screen in DISPLAY (or "x11Display"), through ffmpeg's x11grab
 *   { "source": "auto" }             the X11 screen when DISPLAY is set and ffmpeg can grab it, else synthetic
 *   { "source": "none" }             no display surface at all (getDisplayMedia rejects with NotFoundError)
 *
 * Other members: "width", "height" (synthetic), "frameRate" (both), "displaySurface"
 * ('monitor' | 'window' | 'browser', synthetic; what the surface reports itself as), "label"
 * (synthetic), "audio" (synthetic: true to share "system audio" with the surface, a quiet
 * 440 + 660 Hz chord at 48 kHz stereo, when getDisplayMedia asks for audio; default false, as
 * Chrome gives no audio for a screen on Linux), "x11Display", "ffmpeg" (x11). Also read as the "display" member of
 * MEDIACAPTURE_DEVICES for zero-code use.
 */
import type { Clock } from '../../media/clock.js';
import { videoFormatProblem } from '../../media/limits.js';
import { DeviceOpenError, type EngineSource } from '../types.js';
import { SyntheticDisplaySource } from './synthetic-display.js';
import { SyntheticAudioSource } from '../synthetic/audio.js';
import { X11DisplayProvider } from './x11.js';
import {
  CURSOR_MODES,
  DISPLAY_SURFACE_TYPES,
  type DisplayEngineSource,
  type DisplayOpenOptions,
  type DisplayProvider,
  type DisplaySurfaceDescriptor,
  type DisplaySurfaceType,
} from './types.js';

export interface DisplayConfig {
  source?: 'synthetic' | 'x11' | 'auto' | 'none';
  width?: number;
  height?: number;
  frameRate?: number;
  displaySurface?: DisplaySurfaceType;
  label?: string;
  audio?: boolean;
  x11Display?: string;
  ffmpeg?: string;
}

const LABELS: Record<DisplaySurfaceType, string> = { monitor: 'Synthetic Screen', window: 'Synthetic Window', browser: 'Synthetic Tab' };

/** The synthetic desktop as the one display surface. */
export class SyntheticDisplayProvider implements DisplayProvider {
  readonly name = 'synthetic-display';
  readonly #surface: DisplaySurfaceDescriptor;
  readonly #open = new Set<SyntheticDisplaySource>();

  constructor(config: Omit<DisplayConfig, 'source' | 'x11Display' | 'ffmpeg'> = {}) {
    const width = config.width ?? 1920;
    const height = config.height ?? 1080;
    const frameRate = config.frameRate ?? 30;
    const displaySurface = config.displaySurface ?? 'monitor';
    this.#surface = Object.freeze({
      internalId: 'synthetic-display:0',
      label: config.label ?? LABELS[displaySurface],
      displaySurface,
      logicalSurface: true,
      width,
      height,
      frameRate,
      cursor: CURSOR_MODES,
      audio: config.audio === true,
    });
  }

  async list(): Promise<readonly DisplaySurfaceDescriptor[]> {
    return [this.#surface];
  }

  /** The surface becomes inaccessible (true: e.g. minimized) or accessible again: capturing tracks are muted meanwhile. */
  setAccessible(accessible: boolean): void {
    if (typeof accessible !== 'boolean') throw new TypeError('setAccessible: expected a boolean');
    for (const s of this.openSources) s.setSurfaceAccessible(accessible);
  }

  /** The surface closes for good: capturing tracks end. */
  closeSurface(): void {
    for (const s of this.openSources) s.closeSurface();
  }

  /** Sources opened and not stopped yet (tests check that stopping tracks releases them). */
  get openSources(): readonly SyntheticDisplaySource[] {
    return [...this.#open].filter((s) => !s.stopped);
  }

  async open(surface: DisplaySurfaceDescriptor, options: DisplayOpenOptions, clock: Clock): Promise<DisplayEngineSource> {
    if (surface.internalId !== this.#surface.internalId) throw new DeviceOpenError(`${surface.label} is not a surface of this provider`, 'other');
    const source = new SyntheticDisplaySource(surface, clock, options.cursor);
    for (const s of this.#open) if (s.stopped) this.#open.delete(s);
    this.#open.add(source);
    return source;
  }

  /** The "system audio" shared with the synthetic desktop: a quiet two-tone chord, 48 kHz stereo. */
  async openAudio(surface: DisplaySurfaceDescriptor, clock: Clock): Promise<EngineSource> {
    if (surface.internalId !== this.#surface.internalId || !this.#surface.audio) throw new DeviceOpenError(`${surface.label} shares no audio`, 'other');
    return new SyntheticAudioSource({ kind: 'audio', mode: SYSTEM_AUDIO_MODE }, clock, { signal: 'tone', toneFrequency: [440, 660], amplitude: 0.25 });
  }
}

/** The synthetic system audio's format. */
export const SYSTEM_AUDIO_MODE = Object.freeze({ sampleRate: 48000, channelCount: 2, sampleSize: 16, latency: 0.01 });

/** "auto": the X11 screen if it can be grabbed, else the synthetic desktop. */
class AutoDisplayProvider implements DisplayProvider {
  readonly name = 'auto-display';
  readonly #x11: X11DisplayProvider;
  readonly #synthetic: SyntheticDisplayProvider;

  constructor(x11: X11DisplayProvider, synthetic: SyntheticDisplayProvider) {
    this.#x11 = x11;
    this.#synthetic = synthetic;
  }

  async list(): Promise<readonly DisplaySurfaceDescriptor[]> {
    const screens = await this.#x11.list();
    return screens.length > 0 ? screens : this.#synthetic.list();
  }

  open(surface: DisplaySurfaceDescriptor, options: DisplayOpenOptions, clock: Clock): Promise<DisplayEngineSource> {
    return surface.internalId.startsWith('x11:') ? this.#x11.open(surface, options, clock) : this.#synthetic.open(surface, options, clock);
  }

  openAudio(surface: DisplaySurfaceDescriptor, clock: Clock): Promise<EngineSource> {
    return this.#synthetic.openAudio(surface, clock);
  }
}

function fail(where: string, what: string): never {
  throw new TypeError(`${where}: ${what}`);
}

/** Throws a TypeError naming the member if `config` is not a DisplayConfig. */
export function validateDisplayConfig(config: unknown, where: string): asserts config is DisplayConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(where, 'expected an object');
  const c = config as Record<string, unknown>;
  const known = ['source', 'width', 'height', 'frameRate', 'displaySurface', 'label', 'audio', 'x11Display', 'ffmpeg'];
  for (const k of Object.keys(c)) if (!known.includes(k)) fail(where, `unknown member '${k}'`);
  if (c.source !== undefined && !['synthetic', 'x11', 'auto', 'none'].includes(c.source as string)) {
    fail(`${where}.source`, `expected 'synthetic', 'x11', 'auto' or 'none', got ${JSON.stringify(c.source)}`);
  }
  for (const k of ['width', 'height'] as const) {
    if (c[k] !== undefined && !(typeof c[k] === 'number' && Number.isInteger(c[k]) && (c[k] as number) > 0)) fail(`${where}.${k}`, `expected a positive integer, got ${JSON.stringify(c[k])}`);
  }
  if (c.frameRate !== undefined && !(typeof c.frameRate === 'number' && c.frameRate >= 1 && c.frameRate <= 1000)) {
    fail(`${where}.frameRate`, `expected a number within [1, 1000], got ${JSON.stringify(c.frameRate)}`);
  }
  const problem = videoFormatProblem((c.width as number | undefined) ?? 1920, (c.height as number | undefined) ?? 1080, (c.frameRate as number | undefined) ?? 30);
  if (problem) fail(where, problem);
  if (c.displaySurface !== undefined && !DISPLAY_SURFACE_TYPES.includes(c.displaySurface as DisplaySurfaceType)) {
    fail(`${where}.displaySurface`, `expected 'monitor', 'window' or 'browser', got ${JSON.stringify(c.displaySurface)}`);
  }
  if (c.audio !== undefined && typeof c.audio !== 'boolean') fail(`${where}.audio`, `expected a boolean, got ${JSON.stringify(c.audio)}`);
  for (const k of ['label', 'x11Display', 'ffmpeg'] as const) if (c[k] !== undefined && typeof c[k] !== 'string') fail(`${where}.${k}`, 'expected a string');
}

/** The display providers a configuration describes (validated first). */
export function createDisplayProviders(config: DisplayConfig | undefined, where = 'display'): DisplayProvider[] {
  const c: DisplayConfig = config ?? {};
  validateDisplayConfig(c, where);
  const source = c.source ?? 'synthetic';
  if (source === 'none') return [];
  const x11 = (): X11DisplayProvider => {
    const options: ConstructorParameters<typeof X11DisplayProvider>[0] = {};
    if (c.x11Display !== undefined) options.display = c.x11Display;
    if (c.frameRate !== undefined) options.frameRate = c.frameRate;
    if (c.ffmpeg !== undefined) options.ffmpeg = c.ffmpeg;
    return new X11DisplayProvider(options);
  };
  if (source === 'x11') return [x11()];
  const synthetic = new SyntheticDisplayProvider(c);
  if (source === 'auto') return [new AutoDisplayProvider(x11(), synthetic)];
  return [synthetic];
}
