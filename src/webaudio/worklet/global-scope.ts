/**
 * AudioWorkletGlobalScope (webaudio#AudioWorkletGlobalScope), render side. One per context that
 * uses its audioWorklet, living on the thread that renders the context (the realtime render
 * worker, or the main thread for an OfflineAudioContext). Its global object is a separate realm
 * (node:vm), so module code sees `registerProcessor`, `sampleRate`, `currentFrame`, … as globals
 * and none of the host's globals; processors and the Float32Arrays they are handed belong to it.
 */
import vm from 'node:vm';
import { TextEncoder, TextDecoder } from 'node:util';
import { domString, enumeration, float, isIterableObject, dictionary, requiredMember } from '../../webidl/index.js';
import type { FromScope, ModuleRecord, ParamDescriptorData, ScopePorts, ToScope, MessagePort } from './protocol.js';

const MAX_FLOAT = 3.4028234663852886e38;

export interface ScopeOptions {
  sampleRate: number;
  quantumSize: number;
  ports: ScopePorts;
}

interface PendingConstruction {
  port: MessagePort;
}

/** The realm's own constructors, so script handed arrays and objects sees its intrinsics. */
export interface RealmIntrinsics {
  Float32Array: Float32ArrayConstructor;
  newArray(items: unknown[]): unknown[];
  newObject(): Record<string, unknown>;
}

type ProcessorCtor = new (options: unknown) => object;

export class WorkletGlobalScope {
  readonly sampleRate: number;
  readonly quantumSize: number;
  readonly realm: RealmIntrinsics;
  /** node name to processor constructor map */
  readonly #ctors = new Map<string, ProcessorCtor>();
  /** Descriptors registered with each name (the render side's copy). */
  readonly descriptors = new Map<string, ParamDescriptorData[]>();
  /** pending processor construction data */
  #pending: PendingConstruction | null = null;
  readonly #context: vm.Context;
  readonly #modules = new Map<string, { exports: object; error: unknown }>();
  readonly #control: MessagePort;
  readonly #user: MessagePort;
  /** Supplies [[current frame]] of the quantum being rendered. */
  frameSource: () => number = () => 0;
  readonly #processorPorts = new WeakMap<object, MessagePort>();
  /** Every processor port handed out, closed with the scope. */
  readonly #allPorts = new Set<MessagePort>();

  constructor(opts: ScopeOptions) {
    this.sampleRate = Math.fround(opts.sampleRate);
    this.quantumSize = opts.quantumSize;
    this.#control = opts.ports.control;
    this.#user = opts.ports.user;
    const scope = this;
    const ports = this.#processorPorts;

    // webaudio#AudioWorkletProcessor
    class AudioWorkletProcessor {
      constructor() {
        // webaudio#dom-audioworkletprocessor-audioworkletprocessor
        const pending = scope.#pending;
        if (pending === null) throw new TypeError("Failed to construct 'AudioWorkletProcessor': AudioWorkletProcessor cannot be constructed outside the construction of an AudioWorkletNode");
        scope.#pending = null;
        ports.set(this, pending.port);
      }
      get port(): MessagePort {
        const p = ports.get(this);
        if (p === undefined) throw new TypeError("Failed to read the 'port' property from 'AudioWorkletProcessor': Illegal invocation");
        return p;
      }
    }
    Object.defineProperty(AudioWorkletProcessor.prototype, Symbol.toStringTag, { value: 'AudioWorkletProcessor', configurable: true });
    Object.defineProperty(AudioWorkletProcessor.prototype, 'port', { ...Object.getOwnPropertyDescriptor(AudioWorkletProcessor.prototype, 'port')!, enumerable: true });

    const registerProcessor = function registerProcessor(name: unknown, processorCtor: unknown): void {
      if (arguments.length < 2) throw new TypeError(`Failed to execute 'registerProcessor' on 'AudioWorkletGlobalScope': 2 arguments required, but only ${arguments.length} present`);
      scope.#register(name, processorCtor);
    };

    const sandbox: Record<string, unknown> = {};
    const ro = (name: string, get: () => unknown): void => {
      Object.defineProperty(sandbox, name, { get, enumerable: true, configurable: true });
    };
    ro('currentFrame', () => scope.frameSource());
    ro('currentTime', () => scope.frameSource() / scope.sampleRate);
    ro('sampleRate', () => scope.sampleRate);
    ro('renderQuantumSize', () => scope.quantumSize);
    ro('port', () => scope.#user);
    const value = (name: string, v: unknown): void => {
      Object.defineProperty(sandbox, name, { value: v, writable: true, enumerable: false, configurable: true });
    };
    value('registerProcessor', registerProcessor);
    value('AudioWorkletProcessor', AudioWorkletProcessor);
    value('console', console);
    value('TextEncoder', TextEncoder);
    value('TextDecoder', TextDecoder);
    value('MessagePort', (opts.ports.user as object).constructor);
    this.#context = vm.createContext(sandbox, { name: 'AudioWorkletGlobalScope', codeGeneration: { strings: true, wasm: true } });
    const intrinsics = vm.runInContext(
      '({ Float32Array, newArray: (items) => Array.from(items), newObject: () => ({}) })',
      this.#context,
    ) as RealmIntrinsics;
    this.realm = intrinsics;

    this.#control.on('message', (m: ToScope) => {
      if (m.t === 'add') void this.#add(m.id, m.modules, m.root);
    });
    // The control side keeps the process alive while it waits; the scope never does.
    this.#control.unref();
  }

  #send(m: FromScope): void {
    this.#control.postMessage(m);
  }

  /** webaudio#dom-audioworkletglobalscope-registerprocessor */
  #register(nameArg: unknown, processorCtor: unknown): void {
    const where = "Failed to execute 'registerProcessor' on 'AudioWorkletGlobalScope'";
    const name = domString(nameArg, `${where}: parameter 1`);
    // 1-2.
    if (name === '') throw new DOMException(`${where}: the processor name cannot be empty`, 'NotSupportedError');
    if (this.#ctors.has(name)) throw new DOMException(`${where}: a processor named '${name}' is already registered`, 'NotSupportedError');
    // 3. IsConstructor.
    if (!isConstructor(processorCtor)) throw new TypeError(`${where}: parameter 2 is not a constructor`);
    // 4-5.
    const prototype = (processorCtor as { prototype: unknown }).prototype;
    if (typeof prototype !== 'object' || prototype === null) throw new TypeError(`${where}: the constructor's prototype is not an object`);
    // 6-7.
    const raw = (processorCtor as { parameterDescriptors?: unknown }).parameterDescriptors;
    const descriptors: ParamDescriptorData[] = [];
    if (raw !== undefined) {
      if (!isIterableObject(raw)) throw new TypeError(`${where}: parameterDescriptors is not iterable`);
      const names = new Set<string>();
      for (const item of raw as Iterable<unknown>) {
        const d = convertDescriptor(item, `${where}: parameterDescriptors`);
        if (names.has(d.name)) throw new DOMException(`${where}: duplicate parameter name '${d.name}'`, 'NotSupportedError');
        names.add(d.name);
        if (!(d.minValue <= d.defaultValue && d.defaultValue <= d.maxValue)) {
          throw new DOMException(`${where}: parameter '${d.name}' has defaultValue ${d.defaultValue} outside [${d.minValue}, ${d.maxValue}]`, 'InvalidStateError');
        }
        descriptors.push(d);
      }
    }
    // 8-9.
    this.#ctors.set(name, processorCtor as ProcessorCtor);
    this.descriptors.set(name, descriptors);
    this.#send({ t: 'registered', name, descriptors });
  }

  /** Evaluates a fetched module graph (dependencies first); each URL runs once per scope. */
  async #add(id: number, modules: ModuleRecord[], root: string): Promise<void> {
    const compiled: { rec: ModuleRecord; fn: Function }[] = [];
    for (const rec of modules) {
      if (this.#modules.has(rec.url)) continue;
      try {
        compiled.push({ rec, fn: vm.runInContext(rec.code, this.#context, { filename: rec.url }) as Function });
      } catch (e) {
        const err = e as Error;
        this.#send({ t: 'failed', id, name: err?.name === 'SyntaxError' ? 'SyntaxError' : 'AbortError', message: `${err?.message ?? String(e)} in ${rec.url.slice(0, 80)}` });
        return;
      }
    }
    for (const { rec, fn } of compiled) {
      const exports = this.realm.newObject();
      const record = { exports, error: undefined as unknown };
      this.#modules.set(rec.url, record);
      const failedDep = rec.deps.map((d) => this.#modules.get(d)).find((m) => m === undefined || m.error !== undefined);
      if (failedDep !== undefined) {
        record.error = failedDep?.error ?? new Error('dependency missing');
        continue;
      }
      const importDep = (i: number): object => this.#modules.get(rec.deps[i]!)!.exports;
      try {
        await fn.call(undefined, importDep, exports, Object.assign(this.realm.newObject(), { url: rec.url }));
      } catch (e) {
        // html#run-a-module-script: the error is reported, the addModule() promise still resolves.
        record.error = e;
        console.error(`Uncaught error in worklet module ${rec.url.slice(0, 120)}:`, e);
      }
    }
    void root;
    this.#send({ t: 'added', id });
  }

  /**
   * webaudio#AudioWorkletProcessor-instantiation: constructs the processor registered as `name`
   * with `options`, the transferred `port` in the pending construction data. Throws what the
   * constructor throws.
   */
  construct(name: string, options: unknown, port: MessagePort): object {
    const ctor = this.#ctors.get(name);
    if (ctor === undefined) throw new DOMException(`no processor named '${name}' is registered in this AudioWorkletGlobalScope`, 'InvalidStateError');
    this.#pending = { port };
    this.#allPorts.add(port);
    try {
      const obj = Reflect.construct(ctor, [options]) as object;
      if (typeof obj !== 'object' || obj === null) throw new TypeError(`the constructor of processor '${name}' did not return an object`);
      return obj;
    } finally {
      this.#pending = null;
    }
  }

  /** Processors constructed ahead of their render half (by the node's port), or their error. */
  readonly #early = new WeakMap<MessagePort, { instance: object } | { error: unknown }>();

  /** Constructs now, for a render half that will adopt() the result through `port`. */
  constructEarly(name: string, options: unknown, port: MessagePort): { instance: object } | { error: unknown } {
    let r: { instance: object } | { error: unknown };
    try {
      r = { instance: this.construct(name, options, port) };
    } catch (error) {
      r = { error };
    }
    this.#early.set(port, r);
    return r;
  }

  /** The processor constructed early for `port`, if there was one (taken once). */
  adopt(port: MessagePort): { instance: object } | { error: unknown } | undefined {
    const r = this.#early.get(port);
    this.#early.delete(port);
    return r;
  }

  /** Closes the scope's ports (the context is done). */
  close(): void {
    this.#control.close();
    this.#user.close();
    for (const p of this.#allPorts) p.close();
    this.#allPorts.clear();
  }
}

function isConstructor(v: unknown): boolean {
  if (typeof v !== 'function') return false;
  try {
    // A Proxy whose construct trap never runs: throws iff v has no [[Construct]].
    Reflect.construct(String, [], v as new () => unknown);
    return true;
  } catch {
    return false;
  }
}

/** Converts one AudioParamDescriptor (webaudio#AudioParamDescriptor); members in lexicographic order. */
function convertDescriptor(item: unknown, where: string): ParamDescriptorData {
  const d = dictionary(item, `${where}: element`);
  const automationRate = d.automationRate === undefined ? 'a-rate' : enumeration(d.automationRate, ['a-rate', 'k-rate'] as const, `${where}: member automationRate of AudioParamDescriptor`);
  const defaultValue = d.defaultValue === undefined ? 0 : float(d.defaultValue, `${where}: member defaultValue of AudioParamDescriptor`);
  const maxValue = d.maxValue === undefined ? MAX_FLOAT : float(d.maxValue, `${where}: member maxValue of AudioParamDescriptor`);
  const minValue = d.minValue === undefined ? -MAX_FLOAT : float(d.minValue, `${where}: member minValue of AudioParamDescriptor`);
  const name = domString(requiredMember(d, 'name', 'AudioParamDescriptor'), `${where}: member name of AudioParamDescriptor`);
  return { name, defaultValue, minValue, maxValue, automationRate };
}
