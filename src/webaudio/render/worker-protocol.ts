/** Lifecycle messages between an AudioContext and its render worker (besides control batches). */
import type { SinkConfig } from '../sinks/types.js';
import type { ControlBatch, RenderMessage } from './protocol.js';
import type { ScopePorts } from '../worklet/protocol.js';

export interface WorkerInit {
  sampleRate: number;
  quantumSize: number;
  channels: number;
  leadFrames: number;
  stateBuffer: SharedArrayBuffer;
}

export type ToWorker =
  | { t: 'batch'; batch: ControlBatch }
  /** Acquire `sink` and start rendering; `id` correlates the reply. */
  | { t: 'start'; id: number; sink: SinkConfig }
  | { t: 'suspend'; id: number }
  | { t: 'resume'; id: number }
  | { t: 'close'; id: number }
  | { t: 'setSink'; id: number; sink: SinkConfig }
  | { t: 'streamBlocked'; blocked: boolean }
  /** Create the context's AudioWorkletGlobalScope on this thread. */
  | { t: 'worklet'; ports: ScopePorts };

export type FromWorker =
  | { t: 'render'; msg: RenderMessage }
  /** Rendering started (after start/resume/setSink); `id` is the request it answers. */
  | { t: 'running'; id: number }
  | { t: 'suspended'; id: number }
  | { t: 'closed'; id: number }
  /** Sink acquisition failed for request `id`. */
  | { t: 'sinkFailed'; id: number; message: string }
  /** setSinkId: the new sink is in place (before rendering restarts). */
  | { t: 'sinkChanged'; id: number }
  /** A running sink failed (device lost). */
  | { t: 'sinkError'; message: string }
  | { t: 'chunk'; data: ArrayBuffer };
