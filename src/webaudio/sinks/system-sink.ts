/**
 * The machine's sound output through the sound server: `pacat --playback` fed raw float32
 * frames on stdin. The pipe's backpressure paces the renderer (it never pushes further ahead than
 * pacat consumes). If `pactl info` fails there is no sound server and open() rejects.
 */
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

export class SystemSink implements AudioSink {
  readonly wantsData = true;
  readonly outputLatency: number;
  readonly #latencyMs: number;
  #child: ChildProcess | null = null;
  #drain: (() => void) | null = null;
  #error: ((m: string) => void) | null = null;
  #closing = false;
  #channels = 1;

  constructor(latencyMs = 40) {
    this.#latencyMs = latencyMs;
    this.outputLatency = latencyMs / 1000;
  }

  async open(sampleRate: number, channels: number): Promise<void> {
    this.#channels = channels;
    if (!soundServerAvailable()) throw new Error('no sound server is running (`pactl info` failed)');
    const child = spawn(
      'pacat',
      ['--playback', '--raw', '--format=float32le', `--rate=${sampleRate}`, `--channels=${channels}`, `--latency-msec=${this.#latencyMs}`],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.#child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin!.on('error', () => {
      // Reported through 'exit' below.
    });
    await new Promise<void>((resolve, reject) => {
      const onSpawnError = (e: Error): void => reject(new Error(`cannot start pacat: ${e.message}`));
      child.once('error', onSpawnError);
      child.once('spawn', () => {
        child.off('error', onSpawnError);
        resolve();
      });
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
    const bytes = Buffer.from(interleaved.slice(0, frames * this.#channels).buffer);
    return child.stdin.write(bytes);
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
