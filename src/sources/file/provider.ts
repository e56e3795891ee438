/**
 * The file-backed DeviceProvider: WAV files as microphones and Y4M files as cameras, looped and
 * paced by the clock. Each file's header is read when the provider is made, so a missing or
 * unsupported file is reported at configuration time; the media is loaded when the device is
 * opened. A device's only native mode is its file's format.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Clock } from '../../media/clock.js';
import { DeviceOpenError, type DeviceDescriptor, type DeviceProvider, type EngineSource, type SourceConfig } from '../types.js';
import { parseWav, parseWavHeader, type WavSampleFormat } from '../../media/codecs/wav.js';
import { Y4mReader, parseY4mHeaderLine } from '../../media/codecs/y4m.js';
import { WavFileSource } from './wav-source.js';
import { audioFormatProblem, videoFormatProblem } from '../../media/limits.js';
import { Y4mFileSource } from './y4m-source.js';

export interface FileMicrophoneConfig {
  /** Path of a WAV file (PCM 8/16/24/32-bit or float), relative to the provider's base directory. */
  file: string;
  /** Stable internal id. Default "file-mic<N>". */
  id?: string;
  /** Default: the file's name. */
  label?: string;
  group?: string;
}

export interface FileCameraConfig {
  /** Path of a Y4M file (4:2:0, 4:2:2, 4:4:4 or mono). */
  file: string;
  id?: string;
  label?: string;
  group?: string;
  /** VideoFacingModeEnum values to report. Default []. */
  facingMode?: string | string[];
}

export interface FileDevicesConfig {
  microphones?: FileMicrophoneConfig[];
  cameras?: FileCameraConfig[];
  /** Directory relative paths are resolved against. Default: the working directory. */
  baseDir?: string;
}

const FACING_MODES = ['user', 'environment', 'left', 'right'];
const HEADER_PROBE_BYTES = 64 * 1024;

interface FileDevice {
  readonly descriptor: DeviceDescriptor;
  readonly path: string;
}

/** Raised for a path that is not a regular file (a FIFO, a device, a socket, a directory). */
class NotAFileError extends Error {}

/**
 * Opens a path for reading only if it is a regular file. The open itself never blocks: a FIFO
 * opened for reading without O_NONBLOCK waits for a writer forever, freezing the whole process.
 */
function openRegularFile(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let ok = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const what = st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
      throw new NotAFileError(`it is ${what}, not a regular file`);
    }
    ok = true;
    return fd;
  } finally {
    if (!ok) closeSync(fd);
  }
}

function readWhole(path: string): Uint8Array {
  const fd = openRegularFile(path);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readHead(path: string, bytes: number): { head: Uint8Array; size: number } {
  const fd = openRegularFile(path);
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, bytes));
    let got = 0;
    while (got < head.length) {
      const n = readSync(fd, head, got, head.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { head: head.subarray(0, got), size };
  } finally {
    closeSync(fd);
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOENT') return 'the file does not exist';
  if (err && err.code === 'EACCES') return 'permission denied';
  if (err && err.code === 'EISDIR') return 'it is a directory';
  if (e instanceof NotAFileError) return e.message;
  return err instanceof Error ? err.message : String(e);
}

function sampleSizeOf(format: WavSampleFormat): number {
  switch (format) {
    case 'u8':
      return 8;
    case 's16':
      return 16;
    case 's24':
      return 24;
    case 'f64':
      return 64;
    default:
      return 32;
  }
}

function checkEntry(entry: unknown, where: string): asserts entry is { file: string; id?: unknown; label?: unknown; group?: unknown } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new TypeError(`${where}: expected an object with a 'file' member`);
  const e = entry as Record<string, unknown>;
  if (typeof e['file'] !== 'string' || e['file'] === '') throw new TypeError(`${where}.file: expected a non-empty path string`);
  for (const k of ['id', 'label', 'group']) {
    if (e[k] !== undefined && typeof e[k] !== 'string') throw new TypeError(`${where}.${k}: expected a string`);
  }
}

/** Reads a WAV file's header and makes its microphone descriptor; throws a TypeError naming the file. */
function wavDevice(m: FileMicrophoneConfig, index: number, baseDir: string, where: string): FileDevice {
  checkEntry(m, where);
  const path = resolve(baseDir, m.file);
  let info;
  try {
    const { head, size } = readHead(path, HEADER_PROBE_BYTES);
    info = parseWavHeader(head, size);
  } catch (e) {
    throw new TypeError(`${where}: cannot use ${JSON.stringify(m.file)} (${path}) as a microphone: ${describeError(e)}`);
  }
  if (info.frames === 0) throw new TypeError(`${where}: ${JSON.stringify(m.file)} holds no audio samples`);
  const problem = audioFormatProblem(info.sampleRate, info.channelCount);
  if (problem) throw new TypeError(`${where}: cannot use ${JSON.stringify(m.file)} as a microphone: ${problem}`);
  const id = m.id ?? `file-mic${index}`;
  return {
    path,
    descriptor: Object.freeze({
      kind: 'audioinput',
      internalId: `file:${id}`,
      label: m.label ?? basename(path),
      groupKey: `file-group:${m.group ?? id}`,
      isDefault: index === 0,
      audio: Object.freeze({
        modes: Object.freeze([
          Object.freeze({ sampleRate: info.sampleRate, channelCount: info.channelCount, sampleSize: sampleSizeOf(info.sampleFormat), latency: 0.01 }),
        ]),
        echoCancellation: Object.freeze([false]),
        autoGainControl: Object.freeze([false]),
        noiseSuppression: Object.freeze([false]),
      }),
    }),
  };
}

/** Reads a Y4M file's header line and makes its camera descriptor; throws a TypeError naming the file. */
function y4mDevice(c: FileCameraConfig, index: number, baseDir: string, where: string): FileDevice {
  checkEntry(c, where);
  const path = resolve(baseDir, c.file);
  const facing = c.facingMode === undefined ? [] : Array.isArray(c.facingMode) ? c.facingMode : [c.facingMode];
  for (const f of facing) if (!FACING_MODES.includes(f)) throw new TypeError(`${where}.facingMode: unknown facing mode ${JSON.stringify(f)}`);
  let header;
  try {
    const { head } = readHead(path, 4096);
    const end = head.indexOf(10);
    if (end < 0) throw new Error('no YUV4MPEG2 header line found');
    header = parseY4mHeaderLine(String.fromCharCode(...head.subarray(0, end)));
  } catch (e) {
    throw new TypeError(`${where}: cannot use ${JSON.stringify(c.file)} (${path}) as a camera: ${describeError(e)}`);
  }
  const problem = videoFormatProblem(header.width, header.height, header.frameRate.num / header.frameRate.den);
  if (problem) throw new TypeError(`${where}: cannot use ${JSON.stringify(c.file)} as a camera: ${problem}`);
  const id = c.id ?? `file-cam${index}`;
  return {
    path,
    descriptor: Object.freeze({
      kind: 'videoinput',
      internalId: `file:${id}`,
      label: c.label ?? basename(path),
      groupKey: `file-group:${c.group ?? id}`,
      isDefault: index === 0,
      video: Object.freeze({
        modes: Object.freeze([Object.freeze({ width: header.width, height: header.height, frameRate: header.frameRate.num / header.frameRate.den })]),
        facingMode: Object.freeze([...facing]),
        backgroundBlur: Object.freeze([false]),
      }),
    }),
  };
}

export class FileProvider implements DeviceProvider {
  readonly name = 'file';
  readonly #devices: readonly FileDevice[];

  /** Validates the configuration and reads every file's header; throws a TypeError naming the bad entry. */
  constructor(config: FileDevicesConfig = {}, where = 'file devices') {
    if (typeof config !== 'object' || config === null) throw new TypeError(`${where}: expected an object`);
    const baseDir = config.baseDir ?? process.cwd();
    const devices: FileDevice[] = [];
    const mics = config.microphones ?? [];
    const cams = config.cameras ?? [];
    if (!Array.isArray(mics)) throw new TypeError(`${where}.microphones: expected an array`);
    if (!Array.isArray(cams)) throw new TypeError(`${where}.cameras: expected an array`);
    mics.forEach((m, i) => devices.push(wavDevice(m, i, baseDir, `${where}.microphones[${i}]`)));
    cams.forEach((c, i) => devices.push(y4mDevice(c, i, baseDir, `${where}.cameras[${i}]`)));
    const seen = new Set<string>();
    for (const d of devices) {
      if (seen.has(d.descriptor.internalId)) throw new TypeError(`${where}: two devices have the id ${JSON.stringify(d.descriptor.internalId.slice(5))}`);
      seen.add(d.descriptor.internalId);
    }
    this.#devices = devices;
  }

  async list(): Promise<readonly DeviceDescriptor[]> {
    return this.#devices.map((d) => d.descriptor);
  }

  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    const entry = this.#devices.find((d) => d.descriptor.internalId === device.internalId);
    if (!entry) throw new DeviceOpenError(`file device ${device.internalId} is not configured`, 'other');
    let bytes: Uint8Array;
    try {
      bytes = readWhole(entry.path);
    } catch (e) {
      throw new DeviceOpenError(`${entry.path} cannot be read: ${describeError(e)}`, 'other');
    }
    try {
      if (entry.descriptor.kind === 'audioinput') {
        const wav = parseWav(bytes);
        const mode = entry.descriptor.audio!.modes[0]!;
        if (wav.channels.length === 0 || wav.channels[0]!.length === 0) throw new Error('the file holds no audio samples');
        // The file may have changed since its header was read: check its format again.
        const audioProblem = audioFormatProblem(wav.sampleRate, wav.channels.length);
        if (audioProblem) throw new Error(audioProblem);
        // The file is the only native mode; a request for another is served at the file's format.
        const native: SourceConfig = { kind: 'audio', mode: config.kind === 'audio' && sameAudio(config.mode, mode) ? config.mode : mode };
        return new WavFileSource({ sampleRate: wav.sampleRate, channels: wav.channels }, native as SourceConfig & { kind: 'audio' }, clock);
      }
      const reader = new Y4mReader(bytes);
      if (reader.frameCount === 0) throw new Error('the file holds no frames');
      const h = reader.header;
      const videoProblem = videoFormatProblem(h.width, h.height, h.frameRate.num / h.frameRate.den);
      if (videoProblem) throw new Error(videoProblem);
      const mode = entry.descriptor.video!.modes[0]!;
      return new Y4mFileSource(reader, { kind: 'video', mode }, clock);
    } catch (e) {
      if (e instanceof DeviceOpenError) throw e;
      throw new DeviceOpenError(`${entry.path} cannot be played: ${describeError(e)}`, 'other');
    }
  }
}

function sameAudio(a: { sampleRate: number; channelCount: number }, b: { sampleRate: number; channelCount: number }): boolean {
  return a.sampleRate === b.sampleRate && a.channelCount === b.channelCount;
}
