/**
 * Entry point of a render thread (render/render-host.ts starts it). It hosts one session per
 * realtime AudioContext attached to it: each owns a RenderEngine (through RealtimeRenderer), its
 * sink and its AudioWorkletGlobalScope, talks to its context over its own MessagePort, applies
 * control batches between quanta and answers lifecycle requests in order. A failure inside one
 * session is reported to that context alone and stops only its rendering.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import '../nodes/all.js';
import { NoneSink } from '../sinks/none-sink.js';
import { StreamSink } from '../sinks/stream-sink.js';
import { SystemSink } from '../sinks/system-sink.js';
import type { AudioSink, SinkConfig } from '../sinks/types.js';
import { WavFileSink } from '../sinks/wav-file-sink.js';
import { SharedState } from './protocol.js';
import { RealtimeRenderer } from './realtime-renderer.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';
import { WorkletGlobalScope } from '../worklet/global-scope.js';

class Session {
  readonly #port: MessagePort;
  readonly #init: WorkerInit;
  readonly #renderer: RealtimeRenderer;
  #streamSink: StreamSink | null = null;
  #scope: WorkletGlobalScope | null = null;
  /** Requests are handled strictly in order; control batches are applied at once (between quanta). */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(port: MessagePort, init: WorkerInit) {
    this.#port = port;
    this.#init = init;
    this.#renderer = new RealtimeRenderer({
      sampleRate: init.sampleRate,
      quantumSize: init.quantumSize,
      channels: init.channels,
      leadFrames: init.leadFrames,
      state: new SharedState(init.stateBuffer),
      post: (msg, transfer) => this.#send({ t: 'render', msg }, transfer),
      onFatal: (e) => this.#fatal(e),
    });
    port.on('message', (m: ToWorker | { t: 'detach' }) => {
      try {
        this.#onMessage(m);
      } catch (e) {
        this.#fatal(e);
      }
    });
  }

  #send(m: FromWorker, transfer?: ArrayBuffer[]): void {
    if (!this.#closed) this.#port.postMessage(m, transfer ?? []);
  }

  /** Something in this session threw where nothing else catches it: stop rendering, report it. */
  #fatal(e: unknown): void {
    this.#renderer.stop();
    this.#send({ t: 'render', msg: { t: 'error', message: `the render thread failed: ${e instanceof Error ? e.message : String(e)}` } });
  }

  #makeSink(config: SinkConfig): AudioSink {
    switch (config.type) {
      case 'system':
        return new SystemSink(config.latencyMs, config.device);
      case 'file':
        return new WavFileSink(config.path, config.format ?? 'f32');
      case 'stream':
        this.#streamSink = new StreamSink(config.format ?? 'f32le', (chunk) => this.#send({ t: 'chunk', data: chunk }, [chunk]));
        return this.#streamSink;
      default:
        return new NoneSink();
    }
  }

  async #acquire(config: SinkConfig): Promise<AudioSink> {
    const sink = this.#makeSink(config);
    await sink.open(this.#init.sampleRate, this.#init.channels);
    sink.onError((message) => {
      this.#renderer.stop();
      this.#send({ t: 'sinkError', message });
    });
    return sink;
  }

  #onMessage(m: ToWorker | { t: 'detach' }): void {
    switch (m.t) {
      case 'batch':
        this.#renderer.applyBatch(m.batch);
        return;
      case 'worklet':
        this.#scope = new WorkletGlobalScope({ sampleRate: this.#init.sampleRate, quantumSize: this.#init.quantumSize, ports: m.ports });
        this.#renderer.engine.worklet = this.#scope;
        return;
      case 'streamBlocked':
        this.#streamSink?.setBlocked(m.blocked);
        return;
      case 'detach':
        this.#dispose();
        return;
      default:
        this.#chain = this.#chain.then(() => this.#handle(m)).catch((e) => this.#fatal(e));
    }
  }

  async #handle(m: ToWorker): Promise<void> {
    const renderer = this.#renderer;
    switch (m.t) {
      case 'start': {
        try {
          renderer.setSink(await this.#acquire(m.sink));
        } catch (e) {
          this.#send({ t: 'sinkFailed', id: m.id, message: (e as Error).message });
          return;
        }
        renderer.start();
        this.#send({ t: 'running', id: m.id });
        return;
      }
      case 'suspend':
        renderer.stop();
        this.#send({ t: 'suspended', id: m.id });
        return;
      case 'resume':
        if (renderer.sink === null) {
          // No sink yet (construction failed to acquire one): fall back to rendering silently.
          renderer.setSink(new NoneSink());
        }
        renderer.start();
        this.#send({ t: 'running', id: m.id });
        return;
      case 'setSink': {
        const wasRunning = renderer.running;
        renderer.stop();
        if (wasRunning) this.#send({ t: 'suspended', id: -1 });
        const old = renderer.sink;
        renderer.setSink(null);
        await old?.close();
        try {
          renderer.setSink(await this.#acquire(m.sink));
        } catch (e) {
          this.#send({ t: 'sinkFailed', id: m.id, message: (e as Error).message });
          renderer.setSink(new NoneSink());
          if (wasRunning) {
            renderer.start();
            this.#send({ t: 'running', id: -1 });
          }
          return;
        }
        this.#send({ t: 'sinkChanged', id: m.id });
        if (wasRunning) {
          renderer.start();
          this.#send({ t: 'running', id: -1 });
        }
        return;
      }
      case 'close': {
        renderer.stop();
        const sink = renderer.sink;
        renderer.setSink(null);
        try {
          await sink?.close();
        } finally {
          this.#send({ t: 'closed', id: m.id });
        }
        return;
      }
      default:
        return;
    }
  }

  /** The context let go of this session: release everything it still holds. */
  #dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#renderer.stop();
    const sink = this.#renderer.sink;
    this.#renderer.setSink(null);
    void sink?.close().catch(() => {});
    this.#scope?.close();
    this.#scope = null;
    this.#port.close();
  }
}

parentPort!.on('message', (m: { t: 'attach'; init: WorkerInit; port: MessagePort }) => {
  if (m.t === 'attach') new Session(m.port, m.init);
});
// The host holds its messages until this arrives (see RenderThread in render-host.ts).
parentPort!.postMessage({ t: 'ready' });
