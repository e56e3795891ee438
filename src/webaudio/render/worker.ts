/**
 * Entry point of the render worker for a realtime AudioContext: owns the RenderEngine (through
 * RealtimeRenderer) and the sink, applies control batches between quanta, and answers lifecycle
 * requests in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
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

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer ?? []);

const renderer = new RealtimeRenderer({
  sampleRate: init.sampleRate,
  quantumSize: init.quantumSize,
  channels: init.channels,
  leadFrames: init.leadFrames,
  state: new SharedState(init.stateBuffer),
  post: (msg, transfer) => send({ t: 'render', msg }, transfer),
});

let streamSink: StreamSink | null = null;

function makeSink(config: SinkConfig): AudioSink {
  switch (config.type) {
    case 'system':
      return new SystemSink(config.latencyMs);
    case 'file':
      return new WavFileSink(config.path, config.format ?? 'f32');
    case 'stream':
      streamSink = new StreamSink(config.format ?? 'f32le', (chunk) => send({ t: 'chunk', data: chunk }, [chunk]));
      return streamSink;
    default:
      return new NoneSink();
  }
}

async function acquire(config: SinkConfig): Promise<AudioSink> {
  const sink = makeSink(config);
  await sink.open(init.sampleRate, init.channels);
  sink.onError((message) => {
    renderer.stop();
    send({ t: 'sinkError', message });
  });
  return sink;
}

// Requests are handled strictly in order; control batches are applied at once (between quanta).
let chain: Promise<void> = Promise.resolve();

async function handle(m: ToWorker): Promise<void> {
  switch (m.t) {
    case 'start': {
      try {
        renderer.setSink(await acquire(m.sink));
      } catch (e) {
        send({ t: 'sinkFailed', id: m.id, message: (e as Error).message });
        return;
      }
      renderer.start();
      send({ t: 'running', id: m.id });
      return;
    }
    case 'suspend':
      renderer.stop();
      send({ t: 'suspended', id: m.id });
      return;
    case 'resume':
      if (renderer.sink === null) {
        // No sink yet (construction failed to acquire one): fall back to rendering silently.
        renderer.setSink(new NoneSink());
      }
      renderer.start();
      send({ t: 'running', id: m.id });
      return;
    case 'setSink': {
      const wasRunning = renderer.running;
      renderer.stop();
      if (wasRunning) send({ t: 'suspended', id: -1 });
      const old = renderer.sink;
      renderer.setSink(null);
      await old?.close();
      try {
        renderer.setSink(await acquire(m.sink));
      } catch (e) {
        send({ t: 'sinkFailed', id: m.id, message: (e as Error).message });
        renderer.setSink(new NoneSink());
        if (wasRunning) {
          renderer.start();
          send({ t: 'running', id: -1 });
        }
        return;
      }
      send({ t: 'sinkChanged', id: m.id });
      if (wasRunning) {
        renderer.start();
        send({ t: 'running', id: -1 });
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
        send({ t: 'closed', id: m.id });
      }
      return;
    }
    default:
      return;
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'batch') {
    renderer.applyBatch(m.batch);
    return;
  }
  if (m.t === 'worklet') {
    renderer.engine.worklet = new WorkletGlobalScope({ sampleRate: init.sampleRate, quantumSize: init.quantumSize, ports: m.ports });
    return;
  }
  if (m.t === 'streamBlocked') {
    streamSink?.setBlocked(m.blocked);
    return;
  }
  chain = chain.then(() => handle(m)).catch((e) => send({ t: 'render', msg: { t: 'error', message: String(e) } }));
});
