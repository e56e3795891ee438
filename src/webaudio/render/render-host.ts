/**
 * The render threads of the process (control side). Every realtime AudioContext renders on a
 * shared worker_threads Worker instead of one of its own: a context attaches a session to a
 * thread of the pool and talks to it over a private MessageChannel, so its messages, replies
 * and failures stay its own (one context's error, suspend or close never reaches another).
 *
 * The pool has MEDIACAPTURE_RENDER_THREADS threads (default: the cores less one, at least one,
 * at most four); a context goes to the thread with the fewest sessions. A thread without
 * sessions is ended after a short grace period (so create / close loops reuse it) and never
 * keeps the process alive: each session's port holds the event loop open while its context
 * needs it. If a thread dies, every context on it is told (its 'exit' handler runs) and the next
 * context starts a new thread.
 */
import { EventEmitter } from 'node:events';
import { setTimeout, clearTimeout } from 'node:timers';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { WorkerInit } from './worker-protocol.js';
import { srcUrl } from '../../self-url.js';

/** How long an idle render thread is kept for the next context. */
const IDLE_MS = 2000;

function poolSize(): number {
  const env = Number(process.env.MEDIACAPTURE_RENDER_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

class RenderThread {
  readonly worker: Worker;
  readonly links = new Set<RenderLink>();
  #idle: NodeJS.Timeout | null = null;
  dead = false;
  /**
   * Messages for the thread, held until its module has loaded and says 'ready'. Node queues
   * what is posted before the worker listens, but Deno drops a message that reaches parentPort
   * before a listener is attached, which happens here: the entry is a dynamic import() of the
   * module that attaches it (slow the first time, while Deno fills its caches).
   */
  #pending: { m: unknown; transfer: TransferListItem[] }[] | null = [];

  constructor(onGone: (t: RenderThread) => void) {
    // The worker inherits the parent's flags (Node leaves out those a worker cannot take, and
    // test runners pass many). It starts from a one-line script that imports the render module:
    // a worker started from a file would reject an inherited --input-type (`node
    // --input-type=module -e …`), which is valid for a script.
    const entry = srcUrl('./webaudio/render/worker.js').href;
    this.worker = new Worker(`import(${JSON.stringify(entry)});`, { eval: true });
    // Listening before unref(): Node refs a worker's port when its first 'message' listener is
    // added, so one added after unref() would keep the process alive.
    const onReady = (m: { t?: string }): void => {
      if (m?.t !== 'ready' || this.#pending === null) return;
      this.worker.off('message', onReady);
      const pending = this.#pending;
      this.#pending = null;
      for (const p of pending) this.worker.postMessage(p.m, p.transfer);
    };
    this.worker.on('message', onReady);
    this.worker.unref();
    const gone = (reason: string): void => {
      if (this.dead) return;
      this.dead = true;
      this.#cancelIdle();
      onGone(this);
      for (const link of [...this.links]) link.threadGone(reason);
      this.links.clear();
    };
    this.worker.on('error', (e) => gone(`the render thread failed: ${e.message}`));
    this.worker.on('exit', (code) => gone(`the render thread exited unexpectedly (code ${code})`));
  }

  attach(link: RenderLink, init: WorkerInit, port: MessagePort): void {
    this.#cancelIdle();
    this.links.add(link);
    const m = { t: 'attach', init, port };
    if (this.#pending !== null) this.#pending.push({ m, transfer: [port] });
    else this.worker.postMessage(m, [port]);
  }

  detach(link: RenderLink): void {
    if (!this.links.delete(link) || this.links.size > 0 || this.dead) return;
    this.#idle = setTimeout(() => {
      this.#idle = null;
      if (this.links.size === 0 && !this.dead) {
        this.dead = true;
        this.worker.removeAllListeners('exit');
        this.worker.removeAllListeners('error');
        void this.worker.terminate();
        const i = pool.indexOf(this);
        if (i >= 0) pool.splice(i, 1);
      }
    }, IDLE_MS);
    this.#idle.unref();
  }

  #cancelIdle(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
  }
}

const pool: RenderThread[] = [];

function pickThread(): RenderThread {
  const size = poolSize();
  let best: RenderThread | null = null;
  for (const t of pool) if (!t.dead && (best === null || t.links.size < best.links.size)) best = t;
  if (best !== null && (pool.length >= size || best.links.size === 0)) return best;
  const t = new RenderThread((dead) => {
    const i = pool.indexOf(dead);
    if (i >= 0) pool.splice(i, 1);
  });
  pool.push(t);
  return t;
}

/**
 * One context's session on a render thread. Speaks the worker protocol like a Worker would:
 * postMessage, 'message', and 'exit' / 'error' when the thread is lost.
 */
export class RenderLink extends EventEmitter {
  readonly #port: MessagePort;
  readonly #thread: RenderThread;
  #open = true;

  constructor(init: WorkerInit) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#thread = pickThread();
    port1.on('message', (m) => this.emit('message', m));
    this.#thread.attach(this, init, port2);
  }

  /** The Worker this session runs on (for fault-injection tests). */
  get thread(): Worker {
    return this.#thread.worker;
  }

  postMessage(m: unknown, transfer?: readonly TransferListItem[]): void {
    if (this.#open) this.#port.postMessage(m, transfer as TransferListItem[] | undefined);
  }

  /** Keeps the process alive (while the context renders or waits on its thread). */
  ref(): void {
    if (this.#open) this.#port.ref();
  }

  unref(): void {
    if (this.#open) this.#port.unref();
  }

  /** Ends the session (the worker side has already released its sink). */
  terminate(): Promise<void> {
    if (this.#open) {
      this.#open = false;
      this.#port.postMessage({ t: 'detach' });
      this.#port.close();
      this.#thread.detach(this);
    }
    return Promise.resolve();
  }

  /** @internal The thread died: report it as a Worker would, with the exit event. */
  threadGone(reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#port.close();
    this.emit('exit', reason);
  }
}

/** Threads currently running (for tests). */
export function renderThreadCount(): number {
  return pool.filter((t) => !t.dead).length;
}
