/**
 * The synthetic device set: which fake microphones, cameras and speakers exist, and how they look.
 *
 * Configured through the API (createSyntheticProvider(config)) or, for zero-code use, through the
 * MEDIACAPTURE_DEVICES environment variable holding the same configuration as JSON:
 *
 *   MEDIACAPTURE_DEVICES='{"microphones": 2, "cameras": [{"label": "Rear", "facingMode": "environment"}]}'
 *
 * Format (every member optional):
 *   {
 *     "microphones": <count> | [ <microphone>, ... ],   // default 1
 *     "cameras":     <count> | [ <camera>, ... ],       // default 1
 *     "speakers":    <count> | [ { "id", "label", "group" }, ... ]   // audiooutput devices, default 0
 *   }
 *   <microphone> = { "id": string, "label": string, "group": string,
 *                    "modes": [{ "sampleRate", "channelCount", "sampleSize", "latency" }, ...],
 *                    "echoCancellation": [true, false], "autoGainControl": [...], "noiseSuppression": [...],
 *                    "signal": "tone" | "pink-noise" | "white-noise",   // default "tone"
 *                    "toneFrequency": Hz | [Hz, ...],   // one tone or several summed (default 440)
 *                    "amplitude": 0..1,                 // peak level (default 0.5)
 *                    "beepOnMs": ms, "beepOffMs": ms }  // on/off pattern (default: continuous)
 *   <camera>     = { "id", "label", "group", "modes": [{ "width", "height", "frameRate" }, ...],
 *                    "facingMode": "user" | "environment" | "left" | "right" | [..] | [],
 *                    "backgroundBlur": [false] }
 * The first device of each kind is the system default. Devices sharing a "group" belong to one
 * physical device (same groupId). Omitted members take the defaults below.
 *
 * createMediaDevices() reads two more things from the same JSON (see MediaDevicesConfig in
 * src/devices/create-media-devices.ts) before the rest reaches this file:
 *   "real": true                                   // also the machine's sound-server and V4L2 devices, listed first
 *   <microphone> = { "file": "speech.wav", "id", "label", "group" }   // a looped WAV file
 *   <camera>     = { "file": "clip.y4m", "id", "label", "group", "facingMode" }   // a looped Y4M file
 */
import { audioFormatProblem, videoFormatProblem } from '../../media/limits.js';
import type { AudioMode, DeviceDescriptor, VideoMode } from '../types.js';
import type { SyntheticSignal } from './audio.js';
import type { SyntheticSignalOptions } from './producer.js';

export interface SyntheticMicrophoneConfig {
  /** Stable internal id (script only ever sees a hash of it). Default "mic<N>". */
  id?: string;
  label?: string;
  /** Devices with the same group belong to one physical device. Default: the device's own id. */
  group?: string;
  modes?: AudioMode[];
  echoCancellation?: (boolean | string)[];
  autoGainControl?: boolean[];
  noiseSuppression?: boolean[];
  /** What the microphone hears (default 'tone'). */
  signal?: SyntheticSignal;
  /** Tone frequency in Hz, or several tones summed (default 440). */
  toneFrequency?: number | number[];
  /** Peak level, 0..1 (default 0.5). */
  amplitude?: number;
  /** Beep pattern: signal for beepOnMs, silence for beepOffMs (default: continuous). */
  beepOnMs?: number;
  beepOffMs?: number;
}

export interface SyntheticCameraConfig {
  id?: string;
  label?: string;
  group?: string;
  /** Native modes; the first is the default. */
  modes?: VideoMode[];
  facingMode?: string | string[];
  backgroundBlur?: boolean[];
}

export interface SyntheticSpeakerConfig {
  id?: string;
  label?: string;
  group?: string;
}

export interface SyntheticDevicesConfig {
  microphones?: number | SyntheticMicrophoneConfig[];
  cameras?: number | SyntheticCameraConfig[];
  speakers?: number | SyntheticSpeakerConfig[];
}

export const DEFAULT_AUDIO_MODES: readonly AudioMode[] = Object.freeze([
  { sampleRate: 48000, channelCount: 1, sampleSize: 16, latency: 0.01 },
  { sampleRate: 48000, channelCount: 2, sampleSize: 16, latency: 0.01 },
]);

export const DEFAULT_VIDEO_MODES: readonly VideoMode[] = Object.freeze([
  { width: 640, height: 480, frameRate: 30 },
  { width: 320, height: 240, frameRate: 30 },
  { width: 1280, height: 720, frameRate: 30 },
  { width: 1280, height: 720, frameRate: 60 },
  { width: 1920, height: 1080, frameRate: 30 },
  { width: 1920, height: 1080, frameRate: 60 },
]);

const FACING_MODES = ['user', 'environment', 'left', 'right'];

/** Per-device signal knobs the provider hands to the generator, keyed by internal id. */
export interface SyntheticDevice {
  readonly descriptor: DeviceDescriptor;
  readonly signal?: SyntheticSignalOptions;
}

export const ENV_VARIABLE = 'MEDIACAPTURE_DEVICES';

/** Reads MEDIACAPTURE_DEVICES; undefined when unset or empty. Invalid JSON throws a TypeError naming the variable. */
export function configFromEnvironment(env: Record<string, string | undefined> = process.env): SyntheticDevicesConfig | undefined {
  const raw = env[ENV_VARIABLE];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new TypeError(`${ENV_VARIABLE} is not valid JSON (${(e as Error).message}): ${JSON.stringify(raw.slice(0, 80))}`);
  }
  validateConfig(parsed, ENV_VARIABLE);
  return parsed as SyntheticDevicesConfig;
}

function fail(where: string, what: string): never {
  throw new TypeError(`${where}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkCount(v: unknown, where: string): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 64) fail(where, `expected an integer count 0..64, got ${v}`);
    return;
  }
  if (!Array.isArray(v)) fail(where, 'expected a count or an array of device objects');
  v.forEach((d, i) => {
    if (!isObject(d)) fail(`${where}[${i}]`, 'expected an object');
  });
}

function positive(v: unknown, where: string, integer: boolean): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    fail(where, `expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
}

function optString(v: unknown, where: string): void {
  if (v !== undefined && typeof v !== 'string') fail(where, 'expected a string');
}

function boolList(v: unknown, where: string, allowStrings = false): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0) fail(where, 'expected a non-empty array');
  for (const x of v) {
    if (typeof x === 'boolean') continue;
    if (allowStrings && (x === 'all' || x === 'remote-only')) continue;
    fail(where, `unexpected value ${JSON.stringify(x)}`);
  }
}

/** Throws a TypeError naming the offending member if `config` is not a valid SyntheticDevicesConfig. */
export function validateConfig(config: unknown, where = 'synthetic devices'): asserts config is SyntheticDevicesConfig {
  if (config === undefined) return;
  if (!isObject(config)) fail(where, 'expected an object');
  for (const key of Object.keys(config)) {
    if (key !== 'microphones' && key !== 'cameras' && key !== 'speakers') fail(where, `unknown member '${key}'`);
  }
  if (config.microphones !== undefined) {
    checkCount(config.microphones, `${where}.microphones`);
    if (Array.isArray(config.microphones)) {
      config.microphones.forEach((m: Record<string, unknown>, i) => {
        const w = `${where}.microphones[${i}]`;
        optString(m.id, `${w}.id`);
        optString(m.label, `${w}.label`);
        optString(m.group, `${w}.group`);
        if (m.modes !== undefined) {
          if (!Array.isArray(m.modes) || m.modes.length === 0) fail(`${w}.modes`, 'expected a non-empty array');
          m.modes.forEach((mode: unknown, j) => {
            if (!isObject(mode)) fail(`${w}.modes[${j}]`, 'expected an object');
            positive(mode.sampleRate, `${w}.modes[${j}].sampleRate`, true);
            positive(mode.channelCount, `${w}.modes[${j}].channelCount`, true);
            positive(mode.sampleSize, `${w}.modes[${j}].sampleSize`, true);
            const audioProblem = audioFormatProblem(mode.sampleRate as number, mode.channelCount as number);
            if (audioProblem) fail(`${w}.modes[${j}]`, audioProblem);
            if (typeof mode.latency !== 'number' || !(mode.latency >= 0) || !Number.isFinite(mode.latency)) {
              fail(`${w}.modes[${j}].latency`, 'expected a number of seconds >= 0');
            }
          });
        }
        boolList(m.echoCancellation, `${w}.echoCancellation`, true);
        boolList(m.autoGainControl, `${w}.autoGainControl`);
        boolList(m.noiseSuppression, `${w}.noiseSuppression`);
        if (m.signal !== undefined && !['tone', 'pink-noise', 'white-noise'].includes(m.signal as string)) {
          fail(`${w}.signal`, "expected 'tone', 'pink-noise' or 'white-noise'");
        }
        if (Array.isArray(m.toneFrequency)) {
          if (m.toneFrequency.length === 0) fail(`${w}.toneFrequency`, 'expected at least one frequency');
          m.toneFrequency.forEach((f: unknown, j: number) => positive(f, `${w}.toneFrequency[${j}]`, false));
        } else if (m.toneFrequency !== undefined) positive(m.toneFrequency, `${w}.toneFrequency`, false);
        if (m.amplitude !== undefined && !(typeof m.amplitude === 'number' && m.amplitude >= 0 && m.amplitude <= 1)) {
          fail(`${w}.amplitude`, 'expected a number within [0, 1]');
        }
        for (const k of ['beepOnMs', 'beepOffMs'] as const) {
          if (m[k] !== undefined && !(typeof m[k] === 'number' && (m[k] as number) >= 0 && Number.isFinite(m[k]))) fail(`${w}.${k}`, 'expected a number of milliseconds >= 0');
        }
      });
    }
  }
  if (config.cameras !== undefined) {
    checkCount(config.cameras, `${where}.cameras`);
    if (Array.isArray(config.cameras)) {
      config.cameras.forEach((c: Record<string, unknown>, i) => {
        const w = `${where}.cameras[${i}]`;
        optString(c.id, `${w}.id`);
        optString(c.label, `${w}.label`);
        optString(c.group, `${w}.group`);
        if (c.modes !== undefined) {
          if (!Array.isArray(c.modes) || c.modes.length === 0) fail(`${w}.modes`, 'expected a non-empty array');
          c.modes.forEach((mode: unknown, j) => {
            if (!isObject(mode)) fail(`${w}.modes[${j}]`, 'expected an object');
            positive(mode.width, `${w}.modes[${j}].width`, true);
            positive(mode.height, `${w}.modes[${j}].height`, true);
            positive(mode.frameRate, `${w}.modes[${j}].frameRate`, false);
            const videoProblem = videoFormatProblem(mode.width as number, mode.height as number, mode.frameRate as number);
            if (videoProblem) fail(`${w}.modes[${j}]`, videoProblem);
          });
        }
        if (c.facingMode !== undefined) {
          const list = Array.isArray(c.facingMode) ? c.facingMode : [c.facingMode];
          for (const f of list) if (!FACING_MODES.includes(f as string)) fail(`${w}.facingMode`, `unknown facing mode ${JSON.stringify(f)}`);
        }
        boolList(c.backgroundBlur, `${w}.backgroundBlur`);
      });
    }
  }
  if (config.speakers !== undefined) {
    checkCount(config.speakers, `${where}.speakers`);
    if (Array.isArray(config.speakers)) {
      config.speakers.forEach((s: Record<string, unknown>, i) => {
        optString(s.id, `${where}.speakers[${i}].id`);
        optString(s.label, `${where}.speakers[${i}].label`);
        optString(s.group, `${where}.speakers[${i}].group`);
      });
    }
  }
}

function expand<T extends object>(v: number | T[] | undefined, fallback: number): T[] {
  if (v === undefined) return Array.from({ length: fallback }, () => ({}) as T);
  if (typeof v === 'number') return Array.from({ length: v }, () => ({}) as T);
  return v;
}

function numbered(base: string, i: number): string {
  return i === 0 ? base : `${base} ${i + 1}`;
}

/** Builds the device list a configuration describes (validating it first). */
export function buildDevices(config: SyntheticDevicesConfig = {}): SyntheticDevice[] {
  validateConfig(config);
  const out: SyntheticDevice[] = [];
  expand<SyntheticMicrophoneConfig>(config.microphones, 1).forEach((m, i) => out.push(microphone(m, i, i === 0)));
  expand<SyntheticCameraConfig>(config.cameras, 1).forEach((c, i) => out.push(camera(c, i, i === 0)));
  expand<SyntheticSpeakerConfig>(config.speakers, 0).forEach((s, i) => out.push(speaker(s, i, i === 0)));
  return out;
}

export function microphone(m: SyntheticMicrophoneConfig, index: number, isDefault: boolean): SyntheticDevice {
  const id = m.id ?? `mic${index}`;
  return {
    descriptor: Object.freeze({
      kind: 'audioinput',
      internalId: `synthetic:${id}`,
      label: m.label ?? numbered('Synthetic Microphone', index),
      groupKey: `synthetic-group:${m.group ?? id}`,
      isDefault,
      audio: Object.freeze({
        modes: Object.freeze((m.modes ?? DEFAULT_AUDIO_MODES).map((x) => Object.freeze({ ...x }))),
        echoCancellation: Object.freeze([...(m.echoCancellation ?? [true, false])]),
        autoGainControl: Object.freeze([...(m.autoGainControl ?? [true, false])]),
        noiseSuppression: Object.freeze([...(m.noiseSuppression ?? [true, false])]),
      }),
    }),
    signal: {
      ...(m.signal !== undefined ? { signal: m.signal } : {}),
      ...(m.toneFrequency !== undefined ? { toneFrequency: Array.isArray(m.toneFrequency) ? [...m.toneFrequency] : m.toneFrequency } : {}),
      ...(m.amplitude !== undefined ? { amplitude: m.amplitude } : {}),
      ...(m.beepOnMs !== undefined ? { beepOnMs: m.beepOnMs } : {}),
      ...(m.beepOffMs !== undefined ? { beepOffMs: m.beepOffMs } : {}),
    },
  };
}

export function camera(c: SyntheticCameraConfig, index: number, isDefault: boolean): SyntheticDevice {
  const id = c.id ?? `cam${index}`;
  const facing = c.facingMode === undefined ? ['user'] : Array.isArray(c.facingMode) ? c.facingMode : [c.facingMode];
  return {
    descriptor: Object.freeze({
      kind: 'videoinput',
      internalId: `synthetic:${id}`,
      label: c.label ?? numbered('Synthetic Camera', index),
      groupKey: `synthetic-group:${c.group ?? id}`,
      isDefault,
      video: Object.freeze({
        modes: Object.freeze((c.modes ?? DEFAULT_VIDEO_MODES).map((x) => Object.freeze({ ...x }))),
        facingMode: Object.freeze([...facing]),
        backgroundBlur: Object.freeze([...(c.backgroundBlur ?? [false])]),
      }),
    }),
  };
}

export function speaker(s: SyntheticSpeakerConfig, index: number, isDefault: boolean): SyntheticDevice {
  const id = s.id ?? `spk${index}`;
  return {
    descriptor: Object.freeze({
      kind: 'audiooutput',
      internalId: `synthetic:${id}`,
      label: s.label ?? numbered('Synthetic Speaker', index),
      groupKey: `synthetic-group:${s.group ?? id}`,
      isDefault,
    }),
  };
}
