/**
 * The V4L2 DeviceProvider: the machine's cameras (/dev/video*), listed through ffmpeg's format
 * report (see formats.ts) with labels from sysfs, and captured by an ffmpeg child that writes raw
 * I420 frames to its stdout. Nodes that are not capture devices (metadata nodes, encoders) give
 * no formats and are left out. /dev is watched for cameras appearing and disappearing.
 *
 * The capture process runs only while the source has outputs; if it exits on its own (camera
 * unplugged, driver error) the source ends, and so do its tracks.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '../../media/clock.js';
import { DeviceOpenError, type DeviceDescriptor, type DeviceProvider, type EngineSource, type SourceConfig, type VideoMode } from '../types.js';
import { BaseSource } from '../base-source.js';
import { startCaptureProcess, exitReason, type CaptureProcess } from '../capture-process.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createVideoFrame } from '../../media/video-frame.js';
import { tightFrameSize } from '../../media/pixel-format.js';
import { ffmpegCaptureArguments, parseV4l2Formats, v4l2Modes, type V4l2Mode } from './formats.js';
import { physicalDeviceKey } from './sysfs.js';

/** How long open() waits for the first frame. */
const OPEN_TIMEOUT_MS = 10000;

/** Runs a program and resolves with its stderr (ffmpeg reports formats there and exits non-zero). */
export type CommandRunner = (cmd: string, args: readonly string[]) => Promise<string>;

export interface V4l2ProviderOptions {
  /** Where device nodes live. Default "/dev". */
  devDir?: string;
  /** sysfs class directory for labels. Default "/sys/class/video4linux". */
  sysDir?: string;
  /** Runs ffmpeg for listing (tests give canned reports). */
  run?: CommandRunner;
  /** The ffmpeg program. Default "ffmpeg". */
  ffmpeg?: string;
}

const defaultRunner: CommandRunner = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: 10000, maxBuffer: 4 * 1024 * 1024 }, (_err, _stdout, stderr) => resolve(String(stderr ?? '')));
  });

/** Maps ffmpeg's failure output to the reason getUserMedia reports. */
export function cameraOpenFailureReason(stderr: string): 'lock' | 'other' {
  return /busy|in use|EBUSY/i.test(stderr) ? 'lock' : 'other';
}

interface Camera {
  readonly descriptor: DeviceDescriptor;
  readonly path: string;
  readonly modes: readonly V4l2Mode[];
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Starts ffmpeg; `ready` resolves at the first bytes and rejects (DeviceOpenError) if it fails first. */
function startCapture(ffmpeg: string, path: string, mode: V4l2Mode): CaptureProcess {
  return startCaptureProcess(ffmpeg, ffmpegCaptureArguments(path, mode), {
    what: path,
    failureReason: cameraOpenFailureReason,
    timeoutMs: OPEN_TIMEOUT_MS,
  });
}

/**
 * A V4L2 camera being captured by ffmpeg. Frame n since capture started is stamped n / fps after
 * the start time on the source clock: the camera paces delivery, the stamps stay regular (and
 * monotonic under any clock, a VirtualClock included).
 */
export class V4l2Source extends BaseSource {
  readonly #path: string;
  readonly #ffmpeg: string;
  readonly #modes: readonly V4l2Mode[];
  #capture: CaptureProcess | null;
  #captureMode: V4l2Mode;
  #frame: Uint8Array = new Uint8Array(0);
  #filled = 0;
  #free: Uint8Array[] = [];
  #expectedExit: ChildProcess | null = null;
  /** Frames delivered since start, and the start time (µs on the source clock). */
  #count = 0;
  #baseUs = 0;

  constructor(path: string, capture: CaptureProcess, mode: V4l2Mode, modes: readonly V4l2Mode[], clock: Clock, ffmpeg: string) {
    super('video', clock, { kind: 'video', mode: { width: mode.width, height: mode.height, frameRate: mode.frameRate } });
    this.#path = path;
    this.#ffmpeg = ffmpeg;
    this.#modes = modes;
    this.#capture = capture;
    this.#captureMode = mode;
  }

  get pid(): number | null {
    return this.#capture?.child.pid ?? null;
  }

  protected start(): void {
    const config = this.config;
    if (!config || config.kind !== 'video') return;
    const mode = findMode(this.#modes, config.mode) ?? this.#captureMode;
    let cap = this.#capture;
    if (cap && (cap.child.exitCode !== null || cap.child.signalCode !== null || !sameSize(mode, this.#captureMode) || mode.frameRate !== this.#captureMode.frameRate)) {
      this.#kill(cap.child);
      cap = null;
    }
    if (!cap) {
      cap = startCapture(this.#ffmpeg, this.#path, mode);
      cap.ready.catch(() => undefined);
    }
    this.#capture = cap;
    if (!sameSize(mode, this.#captureMode) || this.#frame.length === 0) {
      this.#free = [];
      this.#frame = new Uint8Array(tightFrameSize('I420', mode.width, mode.height));
    }
    this.#captureMode = mode;
    this.#filled = 0;
    this.#count = 0;
    this.#baseUs = Math.round(this.clock.now() * 1000);
    const child = cap.child;
    const current = cap;
    child.stdout!.on('data', (bytes: Buffer) => {
      if (this.#capture?.child === child) this.#receive(bytes);
    });
    child.stdout!.resume();
    child.once('exit', (code, signal) => {
      if (this.#expectedExit === child || this.#capture?.child !== child) return;
      this.#capture = null;
      const why = exitReason(current.stderr(), code, signal);
      this.endSource(`capture from ${this.#path} stopped: ${why}`);
    });
  }

  protected halt(): void {
    const cap = this.#capture;
    this.#capture = null;
    if (cap) this.#kill(cap.child);
  }

  override stop(): void {
    super.stop();
    // A source stopped before any track used it still holds the process open() started.
    this.halt();
  }

  #kill(child: ChildProcess): void {
    this.#expectedExit = child;
    child.stdout?.removeAllListeners('data');
    child.stdout?.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  #receive(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      const size = this.#frame.length;
      const take = Math.min(size - this.#filled, bytes.length - at);
      this.#frame.set(bytes.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === size) {
        this.#filled = 0;
        const full = this.#frame;
        this.#frame = this.#free.pop() ?? new Uint8Array(size);
        if (this.hasConsumers) this.emit(this.#wrap(full));
        else this.#free.push(full);
        if (!this.running) return;
      }
    }
  }

  #wrap(data: Uint8Array) {
    const mode = this.#captureMode;
    const buffer = FrameBuffer.adopt(data, () => {
      // Buffers of an earlier frame size are dropped; a few are kept for reuse.
      if (data.length === this.#frame.length && this.#free.length < 4) this.#free.push(data);
    });
    return createVideoFrame(buffer, {
      format: 'I420',
      codedWidth: mode.width,
      codedHeight: mode.height,
      timestamp: this.#baseUs + Math.round((this.#count++ * 1e6) / mode.frameRate),
      duration: Math.round(1e6 / mode.frameRate),
    });
  }
}

function sameSize(a: VideoMode, b: VideoMode): boolean {
  return a.width === b.width && a.height === b.height;
}

function findMode(modes: readonly V4l2Mode[], mode: VideoMode): V4l2Mode | null {
  const m = modes.find((x) => sameSize(x, mode));
  return m ? { ...m, frameRate: mode.frameRate } : null;
}

export class V4l2Provider implements DeviceProvider {
  readonly name = 'v4l2';
  readonly #devDir: string;
  readonly #sysDir: string;
  readonly #run: CommandRunner;
  readonly #ffmpeg: string;
  /** Per node path, the last listing (formats do not change while a camera stays plugged in). */
  #cache = new Map<string, Camera | null>();

  constructor(options: V4l2ProviderOptions = {}) {
    this.#devDir = options.devDir ?? '/dev';
    this.#sysDir = options.sysDir ?? '/sys/class/video4linux';
    this.#ffmpeg = options.ffmpeg ?? 'ffmpeg';
    this.#run = options.run ?? defaultRunner;
  }

  /** The /dev/video* nodes, in number order. */
  #nodes(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.#devDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => /^video\d+$/.test(n))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  }

  async list(): Promise<readonly DeviceDescriptor[]> {
    const nodes = this.#nodes();
    const cache = new Map<string, Camera | null>();
    const cameras = await Promise.all(
      nodes.map(async (node) => {
        const path = join(this.#devDir, node);
        const known = this.#cache.get(path);
        const camera = known !== undefined ? known : await this.#describe(node, path);
        cache.set(path, camera);
        return camera;
      }),
    );
    this.#cache = cache;
    const out: DeviceDescriptor[] = [];
    for (const c of cameras) {
      if (!c) continue;
      out.push(out.length === 0 ? c.descriptor : { ...c.descriptor, isDefault: false });
    }
    return out;
  }

  async #describe(node: string, path: string): Promise<Camera | null> {
    const report = await this.#run(this.#ffmpeg, ['-hide_banner', '-f', 'v4l2', '-list_formats', 'all', '-i', path]);
    const modes = v4l2Modes(parseV4l2Formats(report));
    if (modes.length === 0) return null;
    const sys = join(this.#sysDir, node);
    const label = readText(join(sys, 'name')) ?? node;
    let groupKey = `v4l2-group:${path}`;
    try {
      // Keyed like sound devices with a sysfs path, so a webcam's camera and microphone share a groupId.
      const real = realpathSync(join(sys, 'device'));
      // Paths are taken relative to the sysfs root (the class directory's grandparent), as sound servers report them.
      const root = realpathSync(resolve(this.#sysDir, '..', '..'));
      const physical = physicalDeviceKey(real.startsWith(root + '/') ? real.slice(root.length) : real);
      if (physical) groupKey = `hw-group:${physical}`;
    } catch {
      // No sysfs entry: the node is its own group.
    }
    return {
      path,
      modes,
      descriptor: Object.freeze({
        kind: 'videoinput',
        internalId: `v4l2:${path}`,
        label,
        groupKey,
        isDefault: true,
        video: Object.freeze({
          modes: Object.freeze(modes.map((m) => Object.freeze({ width: m.width, height: m.height, frameRate: m.frameRate }))),
          facingMode: Object.freeze([]),
          backgroundBlur: Object.freeze([false]),
        }),
      }),
    };
  }

  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    if (config.kind !== 'video') throw new DeviceOpenError(`${device.label}: an ${config.kind} configuration was given to a camera`, 'other');
    const camera = [...this.#cache.values()].find((c) => c?.descriptor.internalId === device.internalId);
    if (!camera) throw new DeviceOpenError(`camera ${device.label} is not connected`, 'other');
    const mode = findMode(camera.modes, config.mode) ?? camera.modes[0]!;
    const capture = startCapture(this.#ffmpeg, camera.path, mode);
    await capture.ready;
    return new V4l2Source(camera.path, capture, mode, camera.modes, clock, this.#ffmpeg);
  }

  watch(onChange: () => void): () => void {
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(this.#devDir, { persistent: false }, (_event, name) => {
        if (name === null) this.#cache.clear();
        else if (/^video\d+$/.test(String(name))) this.#cache.delete(join(this.#devDir, String(name)));
        else return;
        onChange();
      });
      watcher.on('error', () => undefined);
    } catch {
      // Nothing to watch (no /dev on this system): no hot-plug reports.
    }
    return () => {
      watcher?.close();
      watcher = null;
    };
  }
}
