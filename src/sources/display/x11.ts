/**
 * The X11 screen as a display surface, captured by an ffmpeg child (x11grab) that writes raw
 * I420 frames to its stdout. The screen's size is read from ffmpeg's report on one grabbed frame
 * (no other X tool is needed). The capture process runs only while the source has outputs; it is
 * killed when the last track stops, and if it exits on its own (the X server went away) the
 * source ends, and so do its tracks.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import type { Clock } from '../../media/clock.js';
import { BaseSource } from '../base-source.js';
import { DeviceOpenError } from '../types.js';
import { startCaptureProcess, exitReason, type CaptureProcess } from '../capture-process.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createVideoFrame } from '../../media/video-frame.js';
import { tightFrameSize } from '../../media/pixel-format.js';
import type { CursorMode, DisplayEngineSource, DisplayOpenOptions, DisplayProvider, DisplaySurfaceDescriptor } from './types.js';

/** How long open() waits for the first frame. */
const OPEN_TIMEOUT_MS = 10000;

/** x11grab draws the pointer or not; it cannot follow its motion. */
const X11_CURSOR_MODES: readonly CursorMode[] = Object.freeze(['always', 'never']);

/** Runs a program; resolves with its exit status and stderr (a command that cannot start gives code null). */
export type X11CommandRunner = (cmd: string, args: readonly string[]) => Promise<{ code: number | null; stderr: string }>;

const defaultRunner: X11CommandRunner = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: 15000, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stderr: String(stderr ?? '') });
    });
  });

/** The screen size in ffmpeg's report on an x11grab input, or null. */
export function parseX11GrabSize(report: string): { width: number; height: number } | null {
  const input = report.indexOf('x11grab');
  if (input < 0) return null;
  const m = /Video:[^\n]*?,\s*(\d{1,5})x(\d{1,5})\b/.exec(report.slice(input));
  if (!m) return null;
  const width = Number(m[1]), height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The ffmpeg arguments that grab `display` at a size and rate as raw I420 on stdout. */
export function x11GrabArguments(display: string, width: number, height: number, frameRate: number, cursor: CursorMode): string[] {
  return [
    '-hide_banner',
    '-loglevel', 'error',
    '-nostdin',
    '-f', 'x11grab',
    '-draw_mouse', cursor === 'never' ? '0' : '1',
    '-framerate', String(frameRate),
    '-video_size', `${width}x${height}`,
    '-i', display,
    '-f', 'rawvideo',
    '-pix_fmt', 'yuv420p',
    'pipe:1',
  ];
}

export interface X11ProviderOptions {
  /** The X display ("host:display.screen"). Default: the DISPLAY environment variable. */
  display?: string;
  /** Capture rate. Default 30. */
  frameRate?: number;
  /** The ffmpeg program. Default "ffmpeg". */
  ffmpeg?: string;
  /** Runs ffmpeg for the size probe (tests give canned reports). */
  run?: X11CommandRunner;
}

/**
 * An X11 screen being captured. Frame n since capture started is stamped n / fps after the start
 * time on the source clock (ffmpeg paces delivery, the stamps stay regular under any clock).
 */
export class X11DisplaySource extends BaseSource implements DisplayEngineSource {
  readonly #display: string;
  readonly #ffmpeg: string;
  readonly #width: number;
  readonly #height: number;
  readonly #frameRate: number;
  #cursor: CursorMode;
  #capture: CaptureProcess | null;
  #frame: Uint8Array;
  #filled = 0;
  #free: Uint8Array[] = [];
  #expectedExit = new WeakSet<ChildProcess>();
  #count = 0;
  #baseUs = 0;

  constructor(display: string, surface: DisplaySurfaceDescriptor, capture: CaptureProcess, cursor: CursorMode, clock: Clock, ffmpeg: string) {
    super('video', clock, { kind: 'video', mode: { width: surface.width, height: surface.height, frameRate: surface.frameRate } });
    this.#display = display;
    this.#ffmpeg = ffmpeg;
    this.#width = surface.width;
    this.#height = surface.height;
    this.#frameRate = surface.frameRate;
    this.#cursor = cursor;
    this.#capture = capture;
    this.#frame = new Uint8Array(tightFrameSize('I420', surface.width, surface.height));
  }

  /** The capture process's pid while it runs. */
  get pid(): number | null {
    return this.#capture?.child.pid ?? null;
  }

  get cursor(): CursorMode {
    return this.#cursor;
  }

  setCursor(mode: CursorMode): void {
    if (mode === this.#cursor) return;
    this.#cursor = mode === 'never' ? 'never' : 'always';
    // x11grab decides at start: restart the grab with the new setting.
    if (this.running) {
      this.halt();
      this.start();
    } else if (this.#capture) {
      this.#kill(this.#capture.child);
      this.#capture = null;
    }
  }

  /** The screen's size never changes under a capture. */
  override configure(): void {}

  protected start(): void {
    let cap = this.#capture;
    if (cap && (cap.child.exitCode !== null || cap.child.signalCode !== null)) cap = null;
    if (!cap) {
      cap = startCaptureProcess(this.#ffmpeg, x11GrabArguments(this.#display, this.#width, this.#height, this.#frameRate, this.#cursor), {
        what: `X display ${this.#display}`,
        failureReason: () => 'other',
        timeoutMs: OPEN_TIMEOUT_MS,
      });
      cap.ready.catch(() => undefined);
    }
    this.#capture = cap;
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
      if (this.#expectedExit.has(child) || this.#capture?.child !== child) return;
      this.#capture = null;
      this.endSource(`capture of X display ${this.#display} stopped: ${exitReason(current.stderr(), code, signal)}`);
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
    this.#expectedExit.add(child);
    child.stdout?.removeAllListeners('data');
    child.stdout?.destroy();
    child.stderr?.destroy();
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
    const free = this.#free;
    const buffer = FrameBuffer.adopt(data, () => {
      if (free.length < 4) free.push(data);
    });
    return createVideoFrame(buffer, {
      format: 'I420',
      codedWidth: this.#width,
      codedHeight: this.#height,
      timestamp: this.#baseUs + Math.round((this.#count++ * 1e6) / this.#frameRate),
      duration: Math.round(1e6 / this.#frameRate),
    });
  }
}

/** The X11 screen named by `display` (or DISPLAY), when ffmpeg can grab it. */
export class X11DisplayProvider implements DisplayProvider {
  readonly name = 'x11';
  readonly #display: string | undefined;
  readonly #frameRate: number;
  readonly #ffmpeg: string;
  readonly #run: X11CommandRunner;
  #probe: Promise<DisplaySurfaceDescriptor | null> | null = null;
  #problem = '';

  constructor(options: X11ProviderOptions = {}) {
    this.#display = options.display ?? process.env.DISPLAY;
    this.#frameRate = options.frameRate ?? 30;
    this.#ffmpeg = options.ffmpeg ?? 'ffmpeg';
    this.#run = options.run ?? defaultRunner;
    if (!(this.#frameRate > 0 && this.#frameRate <= 1000)) throw new TypeError(`x11 display: frameRate must be within (0, 1000], got ${this.#frameRate}`);
  }

  /** Why the screen is not listed ("" when it is, or before the first list()). */
  get problem(): string {
    return this.#problem;
  }

  async list(): Promise<readonly DisplaySurfaceDescriptor[]> {
    this.#probe ??= this.#describe();
    const surface = await this.#probe;
    // A failed probe is retried next time (the X server may have come up since).
    if (!surface) this.#probe = null;
    return surface ? [surface] : [];
  }

  async #describe(): Promise<DisplaySurfaceDescriptor | null> {
    const display = this.#display;
    if (!display) {
      this.#problem = 'no X display (DISPLAY is not set)';
      return null;
    }
    const { code, stderr } = await this.#run(this.#ffmpeg, ['-hide_banner', '-nostdin', '-f', 'x11grab', '-i', display, '-frames:v', '1', '-f', 'null', '-']);
    const size = parseX11GrabSize(stderr);
    if (code === null && !size) {
      this.#problem = `cannot run ${this.#ffmpeg} to grab X display ${display}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
      return null;
    }
    if (!size) {
      this.#problem = `ffmpeg cannot grab X display ${display}: ${stderr.trim().split('\n').pop() ?? `exit status ${code}`}`;
      return null;
    }
    this.#problem = '';
    return Object.freeze({
      internalId: `x11:${display}`,
      label: `X11 screen ${display}`,
      displaySurface: 'monitor',
      logicalSurface: true,
      width: size.width,
      height: size.height,
      frameRate: this.#frameRate,
      cursor: X11_CURSOR_MODES,
      // The screen's sound is the sound server's business (a monitor source there), not x11grab's.
      audio: false,
    });
  }

  async open(surface: DisplaySurfaceDescriptor, options: DisplayOpenOptions, clock: Clock): Promise<DisplayEngineSource> {
    if (surface.internalId !== `x11:${this.#display}`) throw new DeviceOpenError(`${surface.label} is not a screen of this provider`, 'other');
    const cursor: CursorMode = options.cursor === 'never' ? 'never' : 'always';
    const capture = startCaptureProcess(this.#ffmpeg, x11GrabArguments(this.#display!, surface.width, surface.height, surface.frameRate, cursor), {
      what: `X display ${this.#display}`,
      failureReason: () => 'other',
      timeoutMs: OPEN_TIMEOUT_MS,
    });
    await capture.ready;
    return new X11DisplaySource(this.#display!, surface, capture, cursor, clock, this.#ffmpeg);
  }
}
