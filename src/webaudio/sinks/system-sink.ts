/**
 * The machine's sound output through the sound server: `pacat --playback` fed raw float32
 * frames on stdin. The pipe's backpressure paces the renderer (it never pushes further ahead than
 * pacat consumes). If `pactl info` fails there is no sound server and open() rejects.
 */
import { clearTimeout, setTimeout } from 'node:timers';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { AudioSink } from './types.js';

export function soundServerAvailable(): boolean {
  try {
    const r = spawnSync('pactl', ['info'], { stdio: 'ignore', timeout: 3000 });
    return r.status === 0;
  } catch {
    return false;
  }
}

/** Chunks in the write ring: many times what backpressure lets be in flight (about 16 KiB). */
const RING_CHUNKS = 256;

/** How long open() waits for the sound server to start playing the stream. */
const START_TIMEOUT_MS = 10000;

export class SystemSink implements AudioSink {
  readonly wantsData = true;
  readonly outputLatency: number;
  readonly #latencyMs: number;
  #child: ChildProcess | null = null;
  #drain: (() => void) | null = null;
  #error: ((m: string) => void) | null = null;
  #closing = false;
  #channels = 1;
  readonly #ring: { floats: Float32Array; bytes: Uint8Array }[] = [];
  #ringIndex = 0;

  readonly #device: string | undefined;

  constructor(latencyMs = 40, device?: string) {
    this.#latencyMs = latencyMs;
    this.#device = device;
    this.outputLatency = latencyMs / 1000;
  }

  async open(sampleRate: number, channels: number): Promise<void> {
    this.#channels = channels;
    if (!soundServerAvailable()) throw new Error('no sound server is running (`pactl info` failed)');
    // -v makes pacat say when the server starts playing the stream ("Stream started."): the sink
    // is open only then, so the context's clock starts with the sound. A sound server can take a
    // second or more to start a new stream; until then nothing is heard and time does not move.
    const child = spawn(
      'pacat',
      [
        '-v', '--playback', '--raw', '--format=float32le', `--rate=${sampleRate}`, `--channels=${channels}`, `--latency-msec=${this.#latencyMs}`,
        ...(this.#device === undefined ? [] : [`--device=${this.#device}`]),
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.#child = child;
    let stderr = '';
    let onStderr: (() => void) | null = null;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      // Keep messages for error reports, not the periodic "Time: …" status lines.
      for (const line of d.split(/[\r\n]+/)) {
        if (line.trim() !== '' && !line.startsWith('Time:') && stderr.length < 4096) stderr += `${line.trim()}\n`;
      }
      onStderr?.();
    });
    child.stdin!.on('error', () => {
      // Reported through 'exit' below.
    });
    await new Promise<void>((resolve, reject) => {
      const done = (err: Error | null): void => {
        clearTimeout(timer);
        onStderr = null;
        child.off('error', onSpawnError);
        child.off('exit', onExit);
        if (err) {
          this.#child = null;
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          reject(err);
        } else resolve();
      };
      const onSpawnError = (e: Error): void => done(new Error(`cannot start pacat: ${e.message}`));
      const onExit = (code: number | null): void => done(new Error(`pacat exited (code ${code})${stderr ? `: ${stderr.trim()}` : ''}`));
      onStderr = () => {
        if (/Stream started/.test(stderr)) done(null);
      };
      const timer = setTimeout(() => done(new Error(`the sound server did not start playing within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once('error', onSpawnError);
      child.once('exit', onExit);
      // The stream starts once its pre-buffer is full: one latency's worth of silence.
      child.stdin!.write(Buffer.alloc(Math.ceil((sampleRate * this.#latencyMs) / 1000) * channels * 4));
    });
    child.on('exit', (code) => {
      this.#child = null;
      if (!this.#closing) this.#error?.(`pacat exited (code ${code})${stderr ? `: ${stderr.trim()}` : ''}`);
    });
    child.stdin!.on('drain', () => {
      const cb = this.#drain;
      this.#drain = null;
      cb?.();
    });
  }

  write(interleaved: Float32Array, frames: number): boolean {
    const child = this.#child;
    if (child === null || child.stdin === null || child.stdin.destroyed) return true;
    const n = frames * this.#channels;
    // A chunk stays referenced by the pipe until written. Backpressure bounds how many are in
    // flight (write() returns false past the stream's 16 KiB mark and rendering waits for
    // 'drain'), so a ring of chunks far larger than that is reused without allocating.
    let chunk = this.#ring[this.#ringIndex];
    if (chunk === undefined || chunk.floats.length !== n) {
      const floats = new Float32Array(n);
      chunk = { floats, bytes: new Uint8Array(floats.buffer) };
      this.#ring[this.#ringIndex] = chunk;
    }
    this.#ringIndex = (this.#ringIndex + 1) % RING_CHUNKS;
    for (let i = 0; i < n; i++) chunk.floats[i] = interleaved[i]!;
    return child.stdin.write(chunk.bytes);
  }

  onDrain(callback: () => void): void {
    this.#drain = callback;
  }

  onError(callback: (message: string) => void): void {
    this.#error = callback;
  }

  async close(): Promise<void> {
    this.#closing = true;
    const child = this.#child;
    this.#child = null;
    if (child === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  }
}
