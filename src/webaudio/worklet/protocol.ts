/**
 * Messages between an AudioWorklet (control side) and its AudioWorkletGlobalScope (render side)
 * over a private MessagePort, so the same exchange works across the realtime render worker and
 * in-process for an OfflineAudioContext.
 */

/** A fetched module ready to run: `code` evaluates to an async function (see module-loader.ts). */
export interface ModuleRecord {
  url: string;
  code: string;
  /** Resolved URLs of the modules it imports, in the order its code refers to them. */
  deps: string[];
}

/** Converted AudioParamDescriptor (webaudio#AudioParamDescriptor). */
export interface ParamDescriptorData {
  name: string;
  defaultValue: number;
  minValue: number;
  maxValue: number;
  automationRate: 'a-rate' | 'k-rate';
}

export type ToScope = { t: 'add'; id: number; modules: ModuleRecord[]; root: string };

export type FromScope =
  /** registerProcessor() succeeded (webaudio#dom-audioworkletglobalscope-registerprocessor step 9). */
  | { t: 'registered'; name: string; descriptors: ParamDescriptorData[] }
  /** The module graph of request `id` has been evaluated. */
  | { t: 'added'; id: number }
  /** The module graph of request `id` could not be compiled: `name` is the error's name. */
  | { t: 'failed'; id: number; name: string; message: string };

/** The ports an AudioWorklet hands its global scope when the scope is created. */
export interface ScopePorts {
  /** The private management port (ToScope in, FromScope out). */
  control: MessagePort;
  /** AudioWorkletGlobalScope.port (webaudio#dom-audioworkletglobalscope-port). */
  user: MessagePort;
}

/** Node's MessagePort, as the type the DOM typings call MessagePort. */
export type MessagePort = import('node:worker_threads').MessagePort;
