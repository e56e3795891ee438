/**
 * AudioWorkletNode and AudioParamMap (webaudio#AudioWorkletNode), with the render half that runs
 * the script's AudioWorkletProcessor in the context's AudioWorkletGlobalScope.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { AudioNode, contextArg, nodeCore, nodeId, nodeOptions, nodeParam } from '../audio-node.js';
import { setInitialValue, type AudioParam } from '../audio-param.js';
import { coreOf, type RenderMessageTarget } from '../context-core.js';
import { indexSize, invalidState, notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import type { WorkletGlobalScope } from '../worklet/global-scope.js';
import { errorEventClass, type ErrorEventShape } from '../../webidl/error-event.js';
import { structuredCloneOf } from '../../webidl/structured-clone.js';
import { queueTask } from '../../stream/tasks.js';
import {
  INTERNAL,
  brand,
  defineEventHandler,
  dictionary,
  domString,
  double,
  exposeMembers,
  illegalConstructor,
  sequence,
  toStringTag,
  unsignedLong,
} from '../../webidl/index.js';

/** Beyond the spec: inputs / outputs per node, so a typo cannot allocate millions of buses. */
const MAX_PORTS = 1024;
const MAX_CHANNELS = 32;

const mapSlots = new WeakMap<object, Map<string, AudioParam>>();

/** webaudio#AudioParamMap: readonly maplike<DOMString, AudioParam>. */
export class AudioParamMap {
  constructor(token?: unknown, entries?: Map<string, AudioParam>) {
    if (token !== INTERNAL || entries === undefined) throw illegalConstructor('AudioParamMap');
    mapSlots.set(this, entries);
  }
  get size(): number {
    return brand(mapSlots, this, 'AudioParamMap', 'size').size;
  }
  get(key: unknown): AudioParam | undefined {
    return brand(mapSlots, this, 'AudioParamMap', 'get').get(domString(key, "Failed to execute 'get' on 'AudioParamMap': parameter 1"));
  }
  has(key: unknown): boolean {
    return brand(mapSlots, this, 'AudioParamMap', 'has').has(domString(key, "Failed to execute 'has' on 'AudioParamMap': parameter 1"));
  }
  entries(): IterableIterator<[string, AudioParam]> {
    return brand(mapSlots, this, 'AudioParamMap', 'entries').entries();
  }
  keys(): IterableIterator<string> {
    return brand(mapSlots, this, 'AudioParamMap', 'keys').keys();
  }
  values(): IterableIterator<AudioParam> {
    return brand(mapSlots, this, 'AudioParamMap', 'values').values();
  }
  forEach(callback: (value: AudioParam, key: string, parent: AudioParamMap) => void, thisArg?: unknown): void {
    const m = brand(mapSlots, this, 'AudioParamMap', 'forEach');
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'forEach' on 'AudioParamMap': parameter 1 is not a function");
    for (const [k, v] of m) (callback as Function).call(thisArg, v, k, this);
  }
  [Symbol.iterator](): IterableIterator<[string, AudioParam]> {
    return brand(mapSlots, this, 'AudioParamMap', 'entries').entries();
  }
}
toStringTag(AudioParamMap, 'AudioParamMap');
exposeMembers(AudioParamMap, ['size', 'get', 'has', 'entries', 'keys', 'values', 'forEach']);
// webidl#es-map-iterator: @@iterator is the entries function itself.
Object.defineProperty(AudioParamMap.prototype, Symbol.iterator, { value: AudioParamMap.prototype.entries, writable: true, configurable: true, enumerable: false });
// webidl#es-forEach: forEach(callback, optional thisArg) has length 1.
Object.defineProperty(AudioParamMap.prototype.forEach, 'length', { value: 1 });

interface NodeSlots {
  parameters: AudioParamMap;
  port: MessagePort;
}

const slots = new WeakMap<object, NodeSlots>();

/** What the render half receives in the 'create' message. */
interface WorkletCreate {
  name: string;
  /** serializedOptions (already structured-cloned on the control side). */
  options: unknown;
  port: MessagePort;
  /** Fixed channel count per output, or null where it follows the input (1 in, 1 out). */
  outputChannels: (number | null)[];
  params: string[];
}

export class AudioWorkletNode extends AudioNode {
  declare onprocessorerror: ((ev: ErrorEventShape) => unknown) | null;

  /** webaudio#dom-audioworkletnode-audioworkletnode */
  constructor(context: unknown, name: unknown, options?: unknown) {
    const where = "Failed to construct 'AudioWorkletNode'";
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    const ctx = contextArg(context, 'AudioWorkletNode');
    const nodeName = domString(name, `${where}: parameter 2`);
    const d = dictionary(options, `${where}: parameter 3`);
    const nodeOpts = nodeOptions(d, 'AudioWorkletNode');
    const member = (m: string): string => `${where}: member ${m} of AudioWorkletNodeOptions`;
    const numberOfInputs = d.numberOfInputs === undefined ? 1 : unsignedLong(d.numberOfInputs, member('numberOfInputs'));
    const numberOfOutputs = d.numberOfOutputs === undefined ? 1 : unsignedLong(d.numberOfOutputs, member('numberOfOutputs'));
    const outputChannelCount =
      d.outputChannelCount === undefined ? undefined : sequence(d.outputChannelCount, member('outputChannelCount'), (v, c) => unsignedLong(v, c));
    let parameterData: Record<string, number> | undefined;
    if (d.parameterData !== undefined) parameterData = recordOfDouble(d.parameterData, member('parameterData'));
    let processorOptions: object | undefined;
    if (d.processorOptions !== undefined && d.processorOptions !== null) {
      if (typeof d.processorOptions !== 'object' && typeof d.processorOptions !== 'function') throw new TypeError(`${member('processorOptions')} is not an object`);
      processorOptions = d.processorOptions as object;
    } else if (d.processorOptions === null) {
      throw new TypeError(`${member('processorOptions')} is not an object`);
    }

    // 1. The name must have been registered through addModule().
    const core = coreOf(ctx);
    const descriptors = core.workletProcessors.get(nodeName);
    if (descriptors === undefined) {
      throw invalidState(`${where}: AudioWorkletNode cannot be created: the node name '${nodeName}' is not defined in AudioWorkletGlobalScope`);
    }
    // 4. webaudio#configuring-channels-with-audioworkletnodeoptions
    if (numberOfInputs === 0 && numberOfOutputs === 0) throw notSupported(`${where}: numberOfInputs and numberOfOutputs cannot both be 0`);
    if (numberOfInputs > MAX_PORTS || numberOfOutputs > MAX_PORTS) throw notSupported(`${where}: at most ${MAX_PORTS} inputs and outputs are supported`);
    const outputChannels: (number | null)[] = [];
    if (outputChannelCount !== undefined) {
      for (const n of outputChannelCount) {
        if (n === 0 || n > MAX_CHANNELS) throw notSupported(`${where}: outputChannelCount values must be between 1 and ${MAX_CHANNELS}, got ${n}`);
      }
      if (outputChannelCount.length !== numberOfOutputs) {
        throw indexSize(`${where}: outputChannelCount has ${outputChannelCount.length} values but numberOfOutputs is ${numberOfOutputs}`);
      }
      outputChannels.push(...outputChannelCount);
    } else {
      const follows = numberOfInputs === 1 && numberOfOutputs === 1;
      for (let k = 0; k < numberOfOutputs; k++) outputChannels.push(follows ? null : 1);
    }
    // 5-10. The port pair and the serialized options (DataCloneError for what cannot be cloned).
    const optionsObject: Record<string, unknown> = {};
    for (const k of ['channelCount', 'channelCountMode', 'channelInterpretation'] as const) if (nodeOpts[k] !== undefined) optionsObject[k] = nodeOpts[k];
    optionsObject.numberOfInputs = numberOfInputs;
    optionsObject.numberOfOutputs = numberOfOutputs;
    if (outputChannelCount !== undefined) optionsObject.outputChannelCount = outputChannelCount;
    if (parameterData !== undefined) optionsObject.parameterData = parameterData;
    if (processorOptions !== undefined) optionsObject.processorOptions = processorOptions;
    const serializedOptions = structuredCloneOf(optionsObject);
    const channel = new MessageChannel();
    const create: WorkletCreate = {
      name: nodeName,
      options: serializedOptions,
      port: channel.port2,
      outputChannels,
      params: descriptors.map((p) => p.name),
    };
    // 3. Initialize the AudioNode (its channel options are validated there).
    super(INTERNAL, ctx, {
      kind: 'AudioWorkletNode',
      numberOfInputs,
      numberOfOutputs,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: descriptors.map((p) => ({ name: p.name, defaultValue: p.defaultValue, minValue: p.minValue, maxValue: p.maxValue, automationRate: p.automationRate })),
      processorOptions: create,
      transfer: [channel.port2],
    }, nodeOpts);
    // 12. parameters, with parameterData as initial values.
    const map = new Map<string, AudioParam>();
    for (const p of descriptors) map.set(p.name, nodeParam(this, p.name));
    if (parameterData !== undefined) {
      for (const [k, v] of Object.entries(parameterData)) {
        const param = map.get(k);
        if (param !== undefined) setInitialValue(param, v);
      }
    }
    slots.set(this, { parameters: new AudioParamMap(INTERNAL, map), port: channel.port1 });
    // processorerror arrives from the render half; the node stays collectable meanwhile.
    const ref = new WeakRef(this);
    const target: RenderMessageTarget = {
      onRenderMessage: (msg) => {
        const node = ref.deref();
        if (node !== undefined) node.#onRenderMessage(msg);
      },
    };
    nodeCore(this).listeners.set(nodeId(this), target);
    // webaudio#AudioWorkletProcessor-instantiation, where the scope lives on this thread.
    const local = core.localWorklet;
    if (local !== null) {
      const r = local.constructEarly(nodeName, serializedOptions, channel.port2);
      if ('error' in r) {
        const event = { t: 'processorerror', message: messageOf(r.error), ...errorLocation(r.error) };
        queueTask(() => this.#onRenderMessage(event));
      }
    }
  }

  #onRenderMessage(msg: unknown): void {
    const m = msg as { t: string; message: string; filename: string; lineno: number; colno: number };
    if (m.t !== 'processorerror') return;
    const ErrorEvent = errorEventClass();
    this.dispatchEvent(new ErrorEvent('processorerror', { message: m.message, filename: m.filename, lineno: m.lineno, colno: m.colno } as never));
  }

  /** webaudio#dom-audioworkletnode-parameters */
  get parameters(): AudioParamMap {
    return brand(slots, this, 'AudioWorkletNode', 'parameters').parameters;
  }

  /** webaudio#dom-audioworkletnode-port */
  get port(): MessagePort {
    return brand(slots, this, 'AudioWorkletNode', 'port').port;
  }
}

toStringTag(AudioWorkletNode, 'AudioWorkletNode');
exposeMembers(AudioWorkletNode, ['parameters', 'port']);
defineEventHandler(AudioWorkletNode, 'processorerror', 'AudioWorkletNode');

/** WebIDL record<DOMString, double>: own enumerable string keys, each value a finite double. */
function recordOfDouble(value: unknown, context: string): Record<string, number> {
  if (typeof value !== 'object' || value === null) {
    if (typeof value !== 'function') throw new TypeError(`${context} is not an object`);
  }
  const out: Record<string, number> = {};
  const obj = value as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(obj)) {
    if (typeof key !== 'string') continue;
    const desc = Reflect.getOwnPropertyDescriptor(obj, key);
    if (desc === undefined || !desc.enumerable) continue;
    out[key] = double(obj[key], `${context}['${key}']`);
  }
  return out;
}

// ---- render half ----

/** Where an error was thrown in a worklet module (first stack frame with a module URL). */
function errorLocation(e: unknown): { filename: string; lineno: number; colno: number } {
  const stack = typeof e === 'object' && e !== null ? String((e as { stack?: unknown }).stack ?? '') : '';
  for (const line of stack.split('\n')) {
    const m = /((?:file|data|blob|https?):[^\s()]*?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m) return { filename: m[1]!.length > 200 ? `${m[1]!.slice(0, 200)}…` : m[1]!, lineno: Number(m[2]), colno: Number(m[3]) };
  }
  return { filename: '', lineno: 0, colno: 0 };
}

function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const name = String((e as { name?: unknown }).name ?? 'Error');
    return `Uncaught ${name}: ${String((e as { message: unknown }).message)}`;
  }
  return `Uncaught ${String(e)}`;
}

const enum ProcState {
  /** [[callable process]] is true. */
  Callable,
  /** An exception was thrown: silence for the rest of its life. */
  Failed,
}

class WorkletNodeProcessor implements AudioProcessor {
  readonly #qs: number;
  readonly #post: ProcessorInit['post'];
  readonly #create: WorkletCreate;
  readonly #scope: WorkletGlobalScope | null;
  #obj: object | null = null;
  #state = ProcState.Callable;
  /** webaudio#active-source */
  #activeSource = true;
  readonly #numberOfInputs: number;
  // Arrays handed to process(), reused until a channel count changes or an array is detached.
  #inputs: readonly unknown[] = [];
  readonly #inputArrays: (Float32Array[] | null)[] = [];
  #outputs: readonly unknown[] = [];
  readonly #outputArrays: Float32Array[][] = [];
  #parameters: object;
  readonly #paramArrays: Float32Array[] = [];
  #empty: readonly unknown[] | null = null;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    this.#post = init.post;
    this.#create = init.options as WorkletCreate;
    this.#scope = init.worklet ?? null;
    this.#numberOfInputs = init.numberOfInputs;
    this.#parameters = {};
    const scope = this.#scope;
    if (scope === null) {
      this.#fail(new DOMException('the context has no AudioWorkletGlobalScope', 'InvalidStateError'));
      return;
    }
    const realm = scope.realm;
    this.#empty = Object.freeze(realm.newArray([]));
    for (let i = 0; i < init.numberOfInputs; i++) this.#inputArrays.push(null);
    this.#inputs = Object.freeze(realm.newArray(this.#inputArrays.map(() => this.#empty)));
    for (let k = 0; k < init.numberOfOutputs; k++) this.#outputArrays.push([]);
    this.#parameters = this.#buildParameters([]);
    // webaudio#AudioWorkletProcessor-instantiation step 8 (unless the node's thread already did).
    const early = scope.adopt(this.#create.port);
    if (early !== undefined) {
      if ('instance' in early) this.#obj = early.instance;
      else {
        // processorerror was fired when the node was made.
        this.#state = ProcState.Failed;
        this.#activeSource = false;
      }
      return;
    }
    try {
      this.#obj = scope.construct(this.#create.name, this.#create.options, this.#create.port);
    } catch (e) {
      this.#fail(e);
    }
  }

  get finished(): boolean {
    // Failed, or a node without inputs that stopped being an active source: never sounds again.
    return this.#state === ProcState.Failed || (this.#numberOfInputs === 0 && !this.#activeSource);
  }

  get tailActive(): boolean {
    return this.#state === ProcState.Callable && this.#activeSource;
  }

  #fail(e: unknown): void {
    this.#state = ProcState.Failed;
    this.#activeSource = false;
    this.#post({ t: 'processorerror', message: messageOf(e), ...errorLocation(e) });
  }

  #buildParameters(constant: boolean[]): object {
    const realm = this.#scope!.realm;
    const obj = realm.newObject();
    const names = this.#create.params;
    for (let j = 0; j < names.length; j++) {
      const len = constant[j] === false ? this.#qs : 1;
      let arr = this.#paramArrays[j];
      if (arr === undefined || arr.length !== len) {
        arr = new realm.Float32Array(len);
        this.#paramArrays[j] = arr;
      }
      obj[names[j]!] = arr;
    }
    return Object.freeze(obj);
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[]): void {
    if (this.#state !== ProcState.Callable || this.#obj === null) {
      for (const o of outputs) o.makeSilent();
      return;
    }
    const qs = this.#qs;
    const realm = this.#scope!.realm;
    // webaudio#AudioNode-actively-processing: an input is live when something sounding feeds it.
    let anyInput = false;
    let inputsChanged = false;
    for (let i = 0; i < inputs.length; i++) {
      const bus = inputs[i]!;
      const live = !bus.silent;
      let arrs = this.#inputArrays[i]!;
      if (!live) {
        if (arrs !== null) {
          this.#inputArrays[i] = null;
          inputsChanged = true;
        }
        continue;
      }
      anyInput = true;
      const n = bus.numberOfChannels;
      if (arrs === null || arrs.length !== n || !allOfLength(arrs, qs)) {
        arrs = [];
        for (let c = 0; c < n; c++) arrs.push(new realm.Float32Array(qs));
        this.#inputArrays[i] = arrs;
        inputsChanged = true;
      }
      for (let c = 0; c < n; c++) arrs[c]!.set(bus.channels[c]!);
    }
    if (!this.#activeSource && !anyInput) {
      // Not actively processing: one channel of silence, and process() is not called.
      for (const o of outputs) o.makeSilent();
      return;
    }
    if (inputsChanged) {
      this.#inputs = Object.freeze(realm.newArray(this.#inputArrays.map((a) => (a === null ? this.#empty : Object.freeze(realm.newArray(a))))));
    }
    // Outputs: zero-filled; channel counts fixed, or following the input for 1 in / 1 out.
    let outputsChanged = false;
    for (let k = 0; k < outputs.length; k++) {
      const fixed = this.#create.outputChannels[k];
      const n = fixed ?? (inputs.length > 0 ? inputs[0]!.numberOfChannels : 1);
      let arrs = this.#outputArrays[k]!;
      if (arrs.length !== n || !allOfLength(arrs, qs)) {
        arrs = [];
        for (let c = 0; c < n; c++) arrs.push(new realm.Float32Array(qs));
        this.#outputArrays[k] = arrs;
        outputsChanged = true;
      } else {
        for (let c = 0; c < n; c++) arrs[c]!.fill(0);
      }
    }
    if (outputsChanged || this.#outputs.length !== outputs.length) {
      this.#outputs = Object.freeze(realm.newArray(this.#outputArrays.map((a) => Object.freeze(realm.newArray(a)))));
    }
    // Parameters: one value when constant over the quantum, else one per frame.
    let reshape = false;
    for (let j = 0; j < params.length; j++) {
      const arr = this.#paramArrays[j];
      const want = params[j]!.constant ? 1 : qs;
      if (arr === undefined || arr.length !== want) reshape = true;
    }
    if (reshape) this.#parameters = this.#buildParameters(params.map((p) => p.constant));
    for (let j = 0; j < params.length; j++) {
      const p = params[j]!;
      const arr = this.#paramArrays[j]!;
      if (arr.length === 1) arr[0] = p.values[0]!;
      else arr.set(p.values);
    }
    // webaudio#rendering-loop step 4.4: Get(O, "process"), IsCallable, Call.
    const obj = this.#obj;
    let result: unknown;
    try {
      const fn = (obj as { process?: unknown }).process;
      if (typeof fn !== 'function') throw new TypeError("Failed to execute 'process' on 'AudioWorkletProcessor': process is not a function");
      result = fn.call(obj, this.#inputs, this.#outputs, this.#parameters);
    } catch (e) {
      this.#fail(e);
      for (const o of outputs) o.makeSilent();
      return;
    }
    this.#activeSource = Boolean(result);
    // A buffer containing copies of the outputs is made available for reading.
    for (let k = 0; k < outputs.length; k++) {
      const out = outputs[k]!;
      const arrs = this.#outputArrays[k]!;
      out.setChannelCount(arrs.length);
      for (let c = 0; c < arrs.length; c++) {
        const src = arrs[c]!;
        const dst = out.channels[c]!;
        if (src.length === qs) dst.set(src);
        else dst.fill(0); // transferred away by the script
      }
      out.silent = false;
    }
  }
}

/** Whether every array still has `length` frames (none was transferred away); no closure per quantum. */
function allOfLength(arrays: readonly Float32Array[], length: number): boolean {
  for (let i = 0; i < arrays.length; i++) if (arrays[i]!.length !== length) return false;
  return true;
}

registerProcessor('AudioWorkletNode', (init) => new WorkletNodeProcessor(init));

