/**
 * The sound-server DeviceProvider: the server's sources as microphones and its sinks as audio
 * outputs (see pactl.ts), captured through `parec`. The recorder writes interleaved float32 at
 * the requested rate and channel count (the server converts); the source cuts that stream into
 * 10 ms f32-planar AudioData chunks stamped from the sample count since capture started, on the
 * source clock's time line.
 *
 * The recorder process runs only while the source has outputs. If it exits on its own (the
 * device was unplugged, the module unloaded, the server went away) the source ends, and so do
 * its tracks.
 */
import type { ChildProcess } from 'node:child_process';
import type { Clock } from '../../media/clock.js';
import { DeviceOpenError, type AudioMode, type DeviceDescriptor, type DeviceProvider, type EngineSource, type SourceConfig } from '../types.js';
import { BaseSource } from '../base-source.js';
import { startCaptureProcess, exitReason, type CaptureProcess } from '../capture-process.js';
import { AudioChunkPool } from '../audio-chunk-pool.js';
import { describePulseDevices, pulseNameOf, readPulseState, watchPulse } from './pactl.js';

const CHUNKS_PER_SECOND = 100;
/** How long open() waits for the recorder to deliver its first bytes before giving up. */
const OPEN_TIMEOUT_MS = 5000;

export interface PulseProviderOptions {
  /** Environment for the clients (PULSE_SERVER, XDG_RUNTIME_DIR...). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** parec's arguments for capturing `name` in `mode`. */
export function parecArguments(name: string, mode: Pick<AudioMode, 'sampleRate' | 'channelCount'>): string[] {
  return ['--raw', '--format=float32le', `--rate=${mode.sampleRate}`, `--channels=${mode.channelCount}`, '--latency-msec=10', '-d', name];
}

/** Maps a recorder's failure output to the reason getUserMedia reports. */
export function openFailureReason(stderr: string): 'lock' | 'other' {
  return /busy|in use|EBUSY|access denied/i.test(stderr) ? 'lock' : 'other';
}

type Recorder = CaptureProcess;

/** Starts parec; `ready` resolves at the first bytes and rejects (DeviceOpenError) if it fails first. */
function startRecorder(name: string, mode: AudioMode, env: NodeJS.ProcessEnv): Recorder {
  return startCaptureProcess('parec', parecArguments(name, mode), {
    env,
    what: `sound-server source '${name}'`,
    failureReason: openFailureReason,
    timeoutMs: OPEN_TIMEOUT_MS,
  });
}

/** A sound-server source being recorded by parec. */
export class PulseSource extends BaseSource {
  readonly #name: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #pool = new AudioChunkPool();
  #recorder: Recorder | null;
  #mode: AudioMode;
  /** Interleaved float32 staging for the chunk being assembled. */
  #staging = new Uint8Array(0);
  #stagingFloats = new Float32Array(0);
  #filled = 0;
  #chunk = 0;
  #baseUs = 0;
  #expectedExit: ChildProcess | null = null;

  readonly #activity: ((source: PulseSource, active: boolean) => void) | null;

  /**
   * Takes over a recorder that is already running (from open()); it is used on the first start().
   * `activity` hears when capture starts and stops (the provider watches the device meanwhile).
   */
  constructor(name: string, recorder: Recorder, mode: AudioMode, clock: Clock, env: NodeJS.ProcessEnv, activity: ((source: PulseSource, active: boolean) => void) | null = null) {
    super('audio', clock, { kind: 'audio', mode });
    this.#name = name;
    this.#recorder = recorder;
    this.#mode = mode;
    this.#env = env;
    this.#activity = activity;
  }

  /** The server-side name of the captured source. */
  get deviceName(): string {
    return this.#name;
  }

  /**
   * The device is gone from the server. The server would move the recording to another source;
   * a browser ends the track instead (mediacapture-main#ends-nostop).
   */
  deviceRemoved(): void {
    this.endSource(`the sound-server source '${this.#name}' was removed`);
  }

  /** The recorder's process id while one runs (for diagnostics and leak checks). */
  get pid(): number | null {
    return this.#recorder?.child.pid ?? null;
  }

  protected start(): void {
    const config = this.config;
    if (!config || config.kind !== 'audio') return;
    const mode = config.mode;
    let rec = this.#recorder;
    if (rec && (rec.child.exitCode !== null || rec.child.signalCode !== null || !sameMode(mode, this.#mode))) {
      this.#kill(rec);
      rec = null;
    }
    if (!rec) {
      rec = startRecorder(this.#name, mode, this.#env);
      // A failure to restart ends the source (observed through the exit handler below).
      rec.ready.catch(() => undefined);
    } else {
      // Audio buffered before capture started belongs to no track: drop it.
      rec.child.stdout!.read();
    }
    this.#recorder = rec;
    this.#mode = mode;
    this.#activity?.(this, true);
    const maxFrames = Math.ceil(mode.sampleRate / CHUNKS_PER_SECOND);
    if (this.#staging.length !== maxFrames * mode.channelCount * 4) {
      this.#staging = new Uint8Array(maxFrames * mode.channelCount * 4);
      this.#stagingFloats = new Float32Array(this.#staging.buffer);
    }
    this.#filled = 0;
    this.#chunk = 0;
    this.#baseUs = Math.round(this.clock.now() * 1000);
    const child = rec.child;
    child.stdout!.on('data', (bytes: Buffer) => {
      if (this.#recorder?.child === child) this.#receive(bytes);
    });
    child.stdout!.resume();
    child.once('exit', (code, signal) => {
      if (this.#expectedExit === child || this.#recorder?.child !== child) return;
      this.#recorder = null;
      const why = exitReason(rec!.stderr(), code, signal);
      this.endSource(`the sound-server recorder for '${this.#name}' stopped: ${why}`);
    });
    child.once('error', () => {
      if (this.#recorder?.child !== child) return;
      this.#recorder = null;
      this.endSource(`the sound-server recorder for '${this.#name}' failed`);
    });
  }

  protected halt(): void {
    const rec = this.#recorder;
    this.#recorder = null;
    if (rec) this.#kill(rec);
    this.#activity?.(this, false);
  }

  override stop(): void {
    super.stop();
    // A source stopped before any track used it still holds the recorder open() started.
    this.halt();
  }

  #kill(rec: Recorder): void {
    const child = rec.child;
    this.#expectedExit = child;
    child.stdout?.removeAllListeners('data');
    child.stdout?.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  #frameAt(chunk: number): number {
    return Math.floor((chunk * this.#mode.sampleRate) / CHUNKS_PER_SECOND);
  }

  #receive(bytes: Buffer): void {
    const channels = this.#mode.channelCount;
    let at = 0;
    while (at < bytes.length) {
      const want = (this.#frameAt(this.#chunk + 1) - this.#frameAt(this.#chunk)) * channels * 4;
      const take = Math.min(want - this.#filled, bytes.length - at);
      this.#staging.set(bytes.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === want) {
        this.#filled = 0;
        const k = this.#chunk++;
        if (this.hasConsumers) this.emit(this.#render(k));
        if (!this.running) return;
      }
    }
  }

  /** Deinterleaves the staged chunk k into planar floats. */
  #render(k: number) {
    const mode = this.#mode;
    const first = this.#frameAt(k);
    const frames = this.#frameAt(k + 1) - first;
    const channels = mode.channelCount;
    const src = this.#stagingFloats;
    const dst = this.#pool.acquire(channels, Math.ceil(mode.sampleRate / CHUNKS_PER_SECOND));
    for (let c = 0; c < channels; c++) {
      const base = c * frames;
      for (let i = 0, j = c; i < frames; i++, j += channels) dst[base + i] = src[j]!;
    }
    return this.#pool.wrap(mode.sampleRate, channels, frames, this.#baseUs + Math.round((first * 1e6) / mode.sampleRate));
  }
}

function sameMode(a: AudioMode, b: AudioMode): boolean {
  return a.sampleRate === b.sampleRate && a.channelCount === b.channelCount;
}

export class PulseProvider implements DeviceProvider {
  readonly name = 'pulse';
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: PulseProviderOptions = {}) {
    this.#env = options.env ?? process.env;
  }

  /** The server's devices; [] when no sound server answers. */
  async list(): Promise<readonly DeviceDescriptor[]> {
    try {
      return describePulseDevices(await readPulseState(this.#env));
    } catch {
      return [];
    }
  }

  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    if (device.kind !== 'audioinput') throw new DeviceOpenError(`${device.label} is not a microphone and cannot be captured`, 'other');
    if (config.kind !== 'audio') throw new DeviceOpenError(`${device.label}: a ${config.kind} configuration was given to a microphone`, 'other');
    let name: string;
    try {
      name = pulseNameOf(device);
    } catch (e) {
      throw new DeviceOpenError((e as Error).message, 'other');
    }
    const recorder = startRecorder(name, config.mode, this.#env);
    await recorder.ready;
    return new PulseSource(name, recorder, config.mode, clock, this.#env, this.#activity);
  }

  /** Capturing sources; while there are any, the server is watched for their devices going away. */
  readonly #capturing = new Set<PulseSource>();
  #unwatchRemovals: (() => void) | null = null;

  readonly #activity = (source: PulseSource, active: boolean): void => {
    if (active) this.#capturing.add(source);
    else this.#capturing.delete(source);
    if (this.#capturing.size > 0 && !this.#unwatchRemovals) {
      this.#unwatchRemovals = watchPulse(() => void this.#checkRemovals(), this.#env);
    } else if (this.#capturing.size === 0 && this.#unwatchRemovals) {
      this.#unwatchRemovals();
      this.#unwatchRemovals = null;
    }
  };

  async #checkRemovals(): Promise<void> {
    let names: Set<string>;
    try {
      names = new Set((await readPulseState(this.#env)).sources.map((s) => s.name));
    } catch {
      // The server itself went away: the recorders exit and end their sources.
      return;
    }
    for (const source of [...this.#capturing]) if (!names.has(source.deviceName)) source.deviceRemoved();
  }

  watch(onChange: () => void): () => void {
    return watchPulse(onChange, this.#env);
  }
}
