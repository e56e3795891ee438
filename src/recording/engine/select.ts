/**
 * Which engine records: the WebAssembly libav.js one (always there: WebM VP8 / VP9 + Opus, Ogg
 * Opus) or the system's ffmpeg (faster, multi-threaded, and MP4 / H.264 / AAC / AV1 where its
 * encoders allow). ffmpeg is used when it is found, unless told otherwise:
 *
 * - `MEDIACAPTURE_RECORDER_ENGINE=wasm|ffmpeg|auto` (environment, read at every choice; default
 *   auto) sets it for the process;
 * - the non-standard `engine: 'wasm' | 'ffmpeg' | 'auto'` member of MediaRecorderOptions sets it
 *   for one recorder;
 * - `MEDIACAPTURE_FFMPEG=/path/to/ffmpeg` names the binary (default: `ffmpeg` on PATH).
 *
 * The binary is probed once per path, synchronously (isTypeSupported is synchronous), and its
 * encoder list (`ffmpeg -hide_banner -encoders`) decides what it can produce.
 */
import { spawnSync } from 'node:child_process';
import { WASM_CAPABILITIES, type AudioCodec, type Capabilities, type Container, type VideoCodec } from '../mime-type.js';

export type EngineName = 'wasm' | 'ffmpeg';
export type EngineOption = EngineName | 'auto';
export const ENGINE_OPTIONS: readonly EngineOption[] = ['auto', 'wasm', 'ffmpeg'];
export const ENGINE_ENV = 'MEDIACAPTURE_RECORDER_ENGINE';
export const FFMPEG_ENV = 'MEDIACAPTURE_FFMPEG';

export interface FFmpegInfo {
  /** What was run (a name looked up on PATH, or a path). */
  readonly path: string;
  /** major * 100 + minor, or Infinity for a build that does not say (a git snapshot). */
  readonly version: number;
  readonly versionText: string;
  /** Encoder names (`libvpx`, `libx264`, `aac`, ...). */
  readonly encoders: ReadonlySet<string>;
  /** What it can record, by container. */
  readonly capabilities: Capabilities;
  /** The AV1 encoder used, if any (libaom is preferred: a real-time mode, and key frames where asked). */
  readonly av1Encoder: 'libsvtav1' | 'libaom-av1' | null;
}

const probed = new Map<string, FFmpegInfo | string>();

/** ffmpeg's `-encoders` lines: " V....D libvpx   libvpx VP8 (codec vp8)". */
export function parseEncoderList(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*[VAS][A-Z.]{5}\s+(\S+)\s/.exec(line);
    if (m && m[1] !== '=') names.add(m[1]!);
  }
  return names;
}

/** What an ffmpeg with these encoders can record. */
export function ffmpegCapabilities(encoders: ReadonlySet<string>): Capabilities {
  const video = (c: VideoCodec, has: boolean) => (has ? [c] : []);
  const av1 = encoders.has('libsvtav1') || encoders.has('libaom-av1');
  const webmVideo = new Set<VideoCodec>([...video('vp8', encoders.has('libvpx')), ...video('vp9', encoders.has('libvpx-vp9')), ...video('av1', av1)]);
  const opus = encoders.has('libopus');
  const opusSet = new Set<AudioCodec>(opus ? ['opus'] : []);
  const mp4Audio = new Set<AudioCodec>([...(encoders.has('aac') ? ['aac' as const] : []), ...(opus ? ['opus' as const] : [])]);
  const mp4Video = new Set<VideoCodec>([...video('h264', encoders.has('libx264')), ...video('av1', av1)]);
  const caps = new Map<Container, { video: ReadonlySet<VideoCodec>; audio: ReadonlySet<AudioCodec> }>();
  if (webmVideo.size > 0 || opus) caps.set('webm', { video: webmVideo, audio: opusSet });
  if (opus) caps.set('ogg', { video: new Set(), audio: opusSet });
  if (mp4Video.size > 0 || mp4Audio.size > 0) caps.set('mp4', { video: mp4Video, audio: mp4Audio });
  caps.set('wav', WASM_CAPABILITIES.get('wav')!);
  return caps;
}

/** The ffmpeg to use, probed once per path; a string says why there is none. */
export function ffmpegInfo(): FFmpegInfo | string {
  const path = process.env[FFMPEG_ENV] || 'ffmpeg';
  let info = probed.get(path);
  if (info === undefined) {
    info = probe(path);
    probed.set(path, info);
  }
  return info;
}

function probe(path: string): FFmpegInfo | string {
  // The engine writes to ffmpeg's pipes synchronously through their file descriptors, which
  // Node has for pipes on POSIX systems only.
  if (process.platform === 'win32') return 'the ffmpeg recording engine needs POSIX pipes (it does not run on Windows)';
  const run = (args: string[]) => spawnSync(path, args, { encoding: 'utf8', timeout: 15_000, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 8 << 20 });
  const v = run(['-hide_banner', '-version']);
  if (v.error) return `${path} cannot be run (${(v.error as NodeJS.ErrnoException).code ?? v.error.message})`;
  if (v.status !== 0) return `${path} -version exited with ${v.status ?? v.signal}`;
  const firstLine = v.stdout.split('\n')[0] ?? '';
  const m = /^ffmpeg version n?(\d+)\.(\d+)/.exec(firstLine);
  if (!/^ffmpeg version /.test(firstLine)) return `${path} is not ffmpeg (it says ${JSON.stringify(firstLine.slice(0, 60))})`;
  const version = m ? Number(m[1]) * 100 + Number(m[2]) : Infinity;
  if (version < 404) return `${path} is ffmpeg ${m![1]}.${m![2]}; recording needs 4.4 or later`;
  const e = run(['-hide_banner', '-encoders']);
  if (e.status !== 0) return `${path} -encoders exited with ${e.status ?? e.signal}`;
  const encoders = parseEncoderList(e.stdout);
  return {
    path,
    version,
    versionText: firstLine.replace(/ Copyright.*/, ''),
    encoders,
    capabilities: ffmpegCapabilities(encoders),
    av1Encoder: encoders.has('libaom-av1') ? 'libaom-av1' : encoders.has('libsvtav1') ? 'libsvtav1' : null,
  };
}

export type EngineChoice =
  | { readonly engine: 'wasm'; readonly capabilities: Capabilities }
  | { readonly engine: 'ffmpeg'; readonly capabilities: Capabilities; readonly ffmpeg: FFmpegInfo }
  /** The engine asked for cannot run: nothing but WAV can be recorded, and `reason` says why. */
  | { readonly engine: null; readonly capabilities: Capabilities; readonly reason: string };

const WAV_ONLY: Capabilities = new Map([['wav', WASM_CAPABILITIES.get('wav')!]]);

/** The engine for `option` (a recorder's `engine` member), else the environment's, else auto. */
export function chooseEngine(option: EngineOption | undefined = undefined): EngineChoice {
  let wanted: EngineOption;
  if (option !== undefined) wanted = option;
  else {
    const env = process.env[ENGINE_ENV];
    if (env !== undefined && env !== '' && !(ENGINE_OPTIONS as readonly string[]).includes(env)) {
      return { engine: null, capabilities: WAV_ONLY, reason: `${ENGINE_ENV}=${JSON.stringify(env)} is not one of ${ENGINE_OPTIONS.join(', ')}` };
    }
    wanted = (env || 'auto') as EngineOption;
  }
  if (wanted === 'wasm') return { engine: 'wasm', capabilities: WASM_CAPABILITIES };
  const info = ffmpegInfo();
  if (typeof info !== 'string') return { engine: 'ffmpeg', capabilities: info.capabilities, ffmpeg: info };
  if (wanted === 'auto') return { engine: 'wasm', capabilities: WASM_CAPABILITIES };
  return { engine: null, capabilities: WAV_ONLY, reason: `the ffmpeg recording engine was asked for, but ${info}` };
}
