/**
 * The render-side node registry. Each node file registers the processor for its kind; the
 * engine creates processors by kind when a 'create' control message arrives. Nothing here
 * knows the list of nodes, so adding a node never edits a central switch.
 */
import type { Bus } from './bus.js';
import type { WorkletGlobalScope } from '../worklet/global-scope.js';

export interface ParamBuffer {
  /** quantumSize computed values (intrinsic + inputs, clamped to the nominal range). */
  readonly values: Float32Array;
  /** True if every value in `values` is the same (k-rate, or no automation in this quantum). */
  readonly constant: boolean;
}

export interface ProcessorInit {
  readonly sampleRate: number;
  readonly quantumSize: number;
  readonly numberOfInputs: number;
  readonly numberOfOutputs: number;
  /** Options the control side sent in the 'create' message (node-specific, structured-cloned). */
  readonly options: any;
  /**
   * The params of the nodes named in the create message's `reads`, in that order: the same
   * ParamBuffer objects those nodes' processors see, computed for the current quantum before
   * this processor runs.
   */
  readonly reads?: readonly (readonly ParamBuffer[])[];
  /** Sends a node-specific message to the control object (its onRenderMessage()). */
  post(msg: unknown, transfer?: ArrayBuffer[]): void;
  /** The context's AudioWorkletGlobalScope, once its audioWorklet has been used. */
  readonly worklet?: WorkletGlobalScope | null;
}

export interface AudioProcessor {
  /**
   * Renders one quantum starting at context frame `frame`. `inputs` are already up/down-mixed
   * per the node's channel settings; the processor sets each output's channel count and fills
   * it (set `bus.silent = false` when writing sound). Must not allocate in steady state.
   */
  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void;
  /** Node-specific control messages (attribute changes, start/stop, buffers...). */
  onMessage?(msg: any): void;
  /** True once the processor can never produce sound again (an ended source). */
  readonly finished?: boolean;
  /**
   * True while the output can still sound with silent input (a tail, e.g. a reverb ringing
   * out): a released node left without inputs is kept until this turns false.
   */
  readonly tailActive?: boolean;
  /**
   * Nodes that may break a cycle (DelayNode): when part of a cycle the engine renders the
   * output first (before any other node in the quantum) and feeds the input last.
   */
  readonly breaksCycles?: boolean;
  processOutputPhase?(outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void;
  processInputPhase?(inputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void;
  /**
   * Told whether the node has at least one input or output connection (ScriptProcessorNode only
   * fires audioprocess then). Called when the graph changes.
   */
  setConnected?(connected: boolean): void;
  /** Told whether the node currently sits in a cycle (DelayNode clamps its delay then). */
  setInCycle?(inCycle: boolean): void;
}

export type ProcessorFactory = (init: ProcessorInit) => AudioProcessor;

const factories = new Map<string, ProcessorFactory>();

export function registerProcessor(kind: string, factory: ProcessorFactory): void {
  factories.set(kind, factory);
}

export function processorFactory(kind: string): ProcessorFactory | undefined {
  return factories.get(kind);
}
