/**
 * The decoding thread of the process (control side): every decodeAudioData call of every
 * context is decoded on one shared worker_threads Worker, started on first use. The thread
 * holds the process open only while it has work; once idle it is unref'd and ended after a
 * short grace period, so a script that decodes and returns exits on its own.
 *
 * Nothing that happens to a decoder can take the caller down or leave it waiting: a failure
 * inside a decoder rejects that call; a thread that dies (a WebAssembly abort, out of memory)
 * or does not answer in time (see jobTimeoutMs) rejects every call it was running, and the
 * next call starts a new thread. Where no worker can be started (the module was inlined by a
 * bundler and its worker file has no file: URL) decoding runs in-process instead.
 */
import { clearTimeout, setTimeout } from 'node:timers';
import { srcUrl } from '../../self-url.js';
import { Worker } from 'node:worker_threads';
import type { DecodeJobResult } from './decode-job.js';
import type { DecodeReady, DecodeReply, DecodeRequest } from './protocol.js';

/** How long an idle decoding thread is kept for the next call. */
const IDLE_MS = 2000;

/** The longest a call may take before its thread is deemed stuck: 30 s plus 30 s per MB of input. */
function jobTimeoutMs(bytes: number): number {
  const env = Number(process.env.MEDIACAPTURE_DECODE_TIMEOUT_MS);
  if (Number.isFinite(env) && env > 0) return env;
  return 30_000 + 30_000 * (bytes / 1e6);
}

interface Job {
  resolve(r: DecodeJobResult): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

class DecodeThread {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();
  #idle: NodeJS.Timeout | null = null;
  dead = false;
  /**
   * Requests held until the thread's module has loaded and says it is ready: Deno drops a
   * message that reaches parentPort before a listener is attached (Node queues it), and the
   * entry attaches its listener only once the dynamic import() of the module has finished.
   */
  #pending: { request: DecodeRequest; bytes: ArrayBuffer }[] | null = [];

  constructor(entry: string) {
    // Started from a one-line script, as the render threads are (inherited --input-type flags).
    this.worker = new Worker(`import(${JSON.stringify(entry)});`, { eval: true });
    this.worker.unref();
    this.worker.on('message', (m: DecodeReply | DecodeReady) => {
      if ('ready' in m) {
        const pending = this.#pending ?? [];
        this.#pending = null;
        for (const p of pending) this.worker.postMessage(p.request, [p.bytes]);
        return;
      }
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.#finish(m.id, job);
      if (m.ok) job.resolve({ channels: m.channels, format: m.format, warnings: m.warnings });
      else job.reject(new Error(m.message));
    });
    this.worker.on('error', (e) => this.#gone(`the decoding thread failed: ${e.message}`));
    this.worker.on('exit', (code) => this.#gone(`the decoding thread exited unexpectedly (code ${code})`));
  }

  run(id: number, bytes: ArrayBuffer, rate: number): Promise<DecodeJobResult> {
    const limit = jobTimeoutMs(bytes.byteLength);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(`decoding took longer than ${Math.round(limit)} ms; the decoding thread was ended`);
      }, limit);
      timer.unref();
      if (this.jobs.size === 0) {
        this.#cancelIdle();
        this.worker.ref(); // a pending decode keeps the process alive, as a pending promise of I/O does
      }
      this.jobs.set(id, { resolve, reject, timer });
      const request: DecodeRequest = { id, bytes, rate };
      if (this.#pending !== null) this.#pending.push({ request, bytes });
      else this.worker.postMessage(request, [bytes]);
    });
  }

  /** End the thread, rejecting what it was doing with `reason`. */
  kill(reason: string): void {
    this.#gone(reason);
    void this.worker.terminate();
  }

  #finish(id: number, job: Job): void {
    clearTimeout(job.timer);
    this.jobs.delete(id);
    if (this.jobs.size > 0 || this.dead) return;
    this.worker.unref();
    this.#idle = setTimeout(() => {
      this.#idle = null;
      if (this.jobs.size === 0 && !this.dead) {
        this.dead = true;
        if (thread === this) thread = null;
        this.worker.removeAllListeners('exit');
        this.worker.removeAllListeners('error');
        void this.worker.terminate();
      }
    }, IDLE_MS);
    this.#idle.unref();
  }

  #gone(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    if (thread === this) thread = null;
    this.#cancelIdle();
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) {
      clearTimeout(job.timer);
      job.reject(new Error(reason));
    }
  }

  #cancelIdle(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
  }
}

let thread: DecodeThread | null = null;
let nextId = 1;

function workerEntry(): string | null {
  const url = srcUrl('webaudio/decode/worker.js');
  return url.protocol === 'file:' ? url.href : null;
}

/**
 * Decode `bytes` (an encoded file; the buffer is transferred) to planar channels at `rate`.
 * Rejects with an Error saying why when the data cannot be decoded.
 */
export async function decodeOnThread(bytes: ArrayBuffer, rate: number): Promise<DecodeJobResult> {
  const entry = workerEntry();
  if (entry !== null) {
    if (thread === null || thread.dead) {
      try {
        thread = new DecodeThread(entry);
      } catch {
        thread = null;
      }
    }
    if (thread !== null) return thread.run(nextId++, bytes, rate);
  }
  const { runDecodeJob } = await import('./decode-job.js');
  return runDecodeJob(new Uint8Array(bytes), rate);
}

/** The running decoding thread, if any (for tests). */
export function decodingThread(): Worker | null {
  return thread !== null && !thread.dead ? thread.worker : null;
}
