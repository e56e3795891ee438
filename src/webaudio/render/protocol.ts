/**
 * Messages between the control side (AudioNode / AudioParam objects script sees) and the
 * render side (RenderEngine). Every message is structured-cloneable, so the same protocol runs
 * in-process (OfflineAudioContext: the batch is handed to the engine directly) and across a
 * worker_threads boundary (AudioContext: batches travel by postMessage).
 *
 * Control messages are queued during a task and delivered as one batch, applied by the engine
 * at the start of the next render quantum (webaudio#control-message-queue). Each batch carries
 * a sequence number; the engine publishes the last one it applied in the shared state so the
 * control side knows when values it set have reached the render side.
 */
import type { AutomationOp } from '../automation.js';

export const enum ChannelCountModeCode {
  Max = 0,
  ClampedMax = 1,
  Explicit = 2,
}

export const enum InterpretationCode {
  Speakers = 0,
  Discrete = 1,
}

export interface ParamInit {
  id: number;
  defaultValue: number;
  minValue: number;
  maxValue: number;
  kRate: boolean;
}

export type ControlMessage =
  | {
      t: 'create';
      id: number;
      kind: string;
      inputs: number;
      outputs: number;
      channelCount: number;
      mode: ChannelCountModeCode;
      interp: InterpretationCode;
      params: ParamInit[];
      options: unknown;
      /**
       * Nodes whose computed AudioParams this node's processor reads (a PannerNode reads its
       * context's AudioListener): they are rendered before it, as if they were inputs.
       */
      reads?: number[];
    }
  /** output/input -1 = every output/input (disconnect wildcards); dst -1 = every destination. */
  | { t: 'connect'; src: number; output: number; dst: number; input: number }
  | { t: 'disconnect'; src: number; output: number; dst: number; input: number }
  | { t: 'connectParam'; src: number; output: number; param: number }
  /** param -1 = every param connection of that output. */
  | { t: 'disconnectParam'; src: number; output: number; param: number }
  | { t: 'channels'; id: number; channelCount: number; mode: ChannelCountModeCode; interp: InterpretationCode }
  | { t: 'param'; id: number; op: AutomationOp }
  | { t: 'paramRate'; id: number; kRate: boolean }
  /** A node-specific message, delivered to its processor's onMessage(). */
  | { t: 'node'; id: number; msg: unknown }
  /** The control object is gone; drop the render node once it can no longer make sound. */
  | { t: 'release'; id: number };

export interface ControlBatch {
  seq: number;
  messages: ControlMessage[];
  /** MessagePorts the messages carry (AudioWorkletNode processor ports), moved with the batch. */
  transfer?: import('node:worker_threads').MessagePort[];
}

export type RenderMessage =
  /** A node-specific message from a processor to its control object. */
  | { t: 'node'; id: number; msg: unknown }
  | { t: 'error'; message: string };

/** Layout of the state the render side publishes (a SharedArrayBuffer when realtime). */
export const STATE_FRAME = 0;
export const STATE_APPLIED_SEQ = 1;
export const STATE_UNDERRUNS = 2;
export const STATE_OUTPUT_LATENCY = 3;
export const STATE_PERF_TIME = 4;
export const STATE_HEADER_SLOTS = 8;
export const PARAM_SLOTS = 8192;

export class SharedState {
  readonly buffer: SharedArrayBuffer;
  readonly header: Float64Array;
  readonly params: Float32Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(STATE_HEADER_SLOTS * 8 + PARAM_SLOTS * 4);
    this.header = new Float64Array(this.buffer, 0, STATE_HEADER_SLOTS);
    this.params = new Float32Array(this.buffer, STATE_HEADER_SLOTS * 8, PARAM_SLOTS);
  }
}
