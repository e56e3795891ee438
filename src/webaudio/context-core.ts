/**
 * Control-side state shared by a context and its nodes/params: id allocation, the control
 * message queue, and the published render state. Not exposed to script; reached through
 * `coreOf(context)`.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ParamDescriptorData, ScopePorts } from './worklet/protocol.js';
import type { WorkletGlobalScope } from './worklet/global-scope.js';
import { SharedState, STATE_APPLIED_SEQ, STATE_FRAME, type ControlBatch, type ControlMessage, type RenderMessage } from './render/protocol.js';

export type ContextState = 'suspended' | 'running' | 'closed';

export interface RenderMessageTarget {
  onRenderMessage(msg: unknown): void;
}

export class ContextCore {
  readonly sampleRate: number;
  readonly quantumSize: number;
  readonly state: SharedState;
  /** [[control thread state]] */
  controlState: ContextState = 'suspended';
  /** The `state` attribute, which follows [[control thread state]] from queued tasks. */
  stateAttr: ContextState = 'suspended';
  readonly offline: boolean;
  #nextNodeId = 0;
  #nextParamId = 0;
  #queue: ControlMessage[] = [];
  #transfer: MessagePort[] = [];
  #seq = 0;
  #flushQueued = false;
  /** Set by a realtime context: delivers a batch to the render side. Offline pulls instead. */
  deliver: ((batch: ControlBatch) => void) | null = null;
  /** Control objects that expect render messages, by node id (held strongly while listening). */
  readonly listeners = new Map<number, RenderMessageTarget>();
  onRenderError: ((message: string) => void) | null = null;
  /**
   * Creates the context's AudioWorkletGlobalScope on the render side with these ports (set by
   * the context: the render worker, or in-process for an OfflineAudioContext).
   */
  attachWorklet: ((ports: ScopePorts) => void) | null = null;
  /**
   * The AudioWorkletGlobalScope when it lives on this thread (an OfflineAudioContext): processors
   * are then constructed with their node, as browsers do, not when rendering starts.
   */
  localWorklet: WorkletGlobalScope | null = null;
  /** webaudio#node-name-to-parameter-descriptor-map */
  readonly workletProcessors = new Map<string, ParamDescriptorData[]>();

  constructor(sampleRate: number, offline: boolean, quantumSize = 128) {
    this.sampleRate = sampleRate;
    this.quantumSize = quantumSize;
    this.offline = offline;
    this.state = new SharedState();
  }

  nextNodeId(): number {
    return this.#nextNodeId++;
  }

  nextParamId(): number {
    return this.#nextParamId++;
  }

  get currentFrame(): number {
    return this.state.header[STATE_FRAME]!;
  }

  /** webaudio#dom-baseaudiocontext-currenttime */
  get currentTime(): number {
    return this.state.header[STATE_FRAME]! / this.sampleRate;
  }

  /** Sequence number the next delivered batch will carry. */
  get pendingSeq(): number {
    return this.#seq + 1;
  }

  /** True once the render side has applied the batch with this sequence number. */
  applied(seq: number): boolean {
    return this.state.header[STATE_APPLIED_SEQ]! >= seq;
  }

  send(msg: ControlMessage, transfer?: MessagePort[]): void {
    if (this.controlState === 'closed') return;
    this.#queue.push(msg);
    if (transfer !== undefined) this.#transfer.push(...transfer);
    if (this.deliver !== null && !this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Takes the queued messages as one batch (or null if none). */
  takeBatch(): ControlBatch | null {
    if (this.#queue.length === 0) return null;
    const batch: ControlBatch = { seq: ++this.#seq, messages: this.#queue };
    this.#queue = [];
    if (this.#transfer.length > 0) {
      batch.transfer = this.#transfer;
      this.#transfer = [];
    }
    return batch;
  }

  flush(): void {
    this.#flushQueued = false;
    const batch = this.takeBatch();
    if (batch !== null && this.deliver !== null) this.deliver(batch);
  }

  dispatchRenderMessage(msg: RenderMessage): void {
    if (msg.t === 'node') {
      this.listeners.get(msg.id)?.onRenderMessage(msg.msg);
    } else if (msg.t === 'error') {
      this.onRenderError?.(msg.message);
    }
  }
}

const cores = new WeakMap<object, ContextCore>();

export function setCore(context: object, core: ContextCore): void {
  cores.set(context, core);
}

export function coreOf(context: object): ContextCore {
  const c = cores.get(context);
  if (c === undefined) throw new TypeError('not a BaseAudioContext');
  return c;
}

export function hasCore(context: unknown): boolean {
  return typeof context === 'object' && context !== null && cores.has(context);
}
