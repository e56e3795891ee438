/**
 * AudioNode, control side (webaudio#AudioNode): connection bookkeeping and validation,
 * channel configuration, and the 'create' message that builds the render half.
 */
import { AudioParam, isAudioParam, paramCore, paramId, paramInit, setInitialValue, type ParamDescriptor } from './audio-param.js';
import { coreOf, hasCore, type ContextCore } from './context-core.js';
import { indexSize, invalidAccess, notSupported } from './errors.js';
import { ChannelCountModeCode, InterpretationCode } from './render/protocol.js';
import { INTERNAL, brand, domString, exposeMembers, illegalConstructor, illegalInvocation, toStringTag, unsignedLong } from '../webidl/index.js';
import type { BaseAudioContext } from './base-audio-context.js';
import { MediaEventTarget } from '../webidl/event-target.js';

export type ChannelCountMode = 'max' | 'clamped-max' | 'explicit';
export type ChannelInterpretation = 'speakers' | 'discrete';

const MODES: readonly ChannelCountMode[] = ['max', 'clamped-max', 'explicit'];
const INTERPS: readonly ChannelInterpretation[] = ['speakers', 'discrete'];

/** What a node type declares when it initialises its AudioNode part. */
export interface NodeDescriptor {
  /** Render processor kind (registered with registerProcessor). */
  kind: string;
  numberOfInputs: number;
  numberOfOutputs: number;
  channelCount: number;
  channelCountMode: ChannelCountMode;
  channelInterpretation: ChannelInterpretation;
  params?: ParamDescriptor[];
  /** Node-specific options for the processor (structured-cloneable). */
  processorOptions?: unknown;
  /** Render node ids whose params the processor reads (ProcessorInit.reads). */
  reads?: number[];
  /** MessagePorts inside processorOptions, moved to the render side with the 'create' message. */
  transfer?: import('node:worker_threads').MessagePort[];
  /** Node-specific rules for channel settings; throw to reject a value. */
  checkChannelCount?(value: number): void;
  checkChannelCountMode?(value: ChannelCountMode): void;
  checkChannelInterpretation?(value: ChannelInterpretation): void;
}

interface NodeSlots {
  context: BaseAudioContext;
  core: ContextCore;
  id: number;
  desc: NodeDescriptor;
  channelCount: number;
  mode: ChannelCountMode;
  interp: ChannelInterpretation;
  params: Map<string, AudioParam>;
  /** Outgoing connections: "output:dstId:input" and "output:param:paramId". */
  nodeConnections: Map<string, { output: number; node: AudioNode; input: number }>;
  paramConnections: Map<string, { output: number; param: AudioParam }>;
}

const slots = new WeakMap<object, NodeSlots>();

// The holdings reach the context only weakly: a registry keeps its holdings alive until the
// target is collected, and a strong core -> context -> destination node path from them would keep
// every node of the context (and so the context) alive forever.
const released = new FinalizationRegistry<{ core: WeakRef<ContextCore>; id: number }>(({ core, id }) => {
  core.deref()?.send({ t: 'release', id });
});

export class AudioNode extends MediaEventTarget {
  constructor(token?: unknown, context?: BaseAudioContext, desc?: NodeDescriptor, options?: Record<string, unknown>) {
    super();
    if (token !== INTERNAL || context === undefined || desc === undefined) throw illegalConstructor('AudioNode');
    const core = coreOf(context);
    const id = core.nextNodeId();
    const s: NodeSlots = {
      context,
      core,
      id,
      desc,
      channelCount: desc.channelCount,
      mode: desc.channelCountMode,
      interp: desc.channelInterpretation,
      params: new Map(),
      nodeConnections: new Map(),
      paramConnections: new Map(),
    };
    // webaudio#audionode-constructor-init step 3: channel options, validated as the attributes are.
    const name = this.constructor.name;
    if (options !== undefined) {
      if (options.channelCount !== undefined) {
        const v = unsignedLong(options.channelCount, `${name}: member channelCount of AudioNodeOptions`);
        checkChannelCount(s, v);
        s.channelCount = v;
      }
      if (options.channelCountMode !== undefined) {
        const v = enumMember(options.channelCountMode, MODES, `${name}: member channelCountMode of AudioNodeOptions`);
        desc.checkChannelCountMode?.(v);
        s.mode = v;
      }
      if (options.channelInterpretation !== undefined) {
        const v = enumMember(options.channelInterpretation, INTERPS, `${name}: member channelInterpretation of AudioNodeOptions`);
        desc.checkChannelInterpretation?.(v);
        s.interp = v;
      }
    }
    for (const p of desc.params ?? []) s.params.set(p.name, new AudioParam(INTERNAL, core, id, p));
    slots.set(this, s);
    core.send({
      t: 'create',
      id,
      kind: desc.kind,
      inputs: desc.numberOfInputs,
      outputs: desc.numberOfOutputs,
      channelCount: s.channelCount,
      mode: modeCode(s.mode),
      interp: s.interp === 'discrete' ? InterpretationCode.Discrete : InterpretationCode.Speakers,
      params: [...s.params.values()].map(paramInit),
      options: desc.processorOptions ?? null,
      ...(desc.reads === undefined ? {} : { reads: desc.reads }),
    }, desc.transfer);
    released.register(this, { core: new WeakRef(core), id });
  }

  connect(destinationNode: AudioNode, output?: number, input?: number): AudioNode;
  connect(destinationParam: AudioParam, output?: number): void;
  // Any other argument (a lib.dom AudioNode or AudioParam among them: code typed for the browser
  // passes those) is converted at run time; the result is the node, or undefined for a param.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connect(destination: unknown, output?: unknown, input?: unknown): any;
  connect(destination: unknown, output: unknown = 0, input: unknown = 0): AudioNode | undefined {
    const s = brand(slots, this, 'AudioNode', 'connect');
    const ctx = "Failed to execute 'connect' on 'AudioNode'";
    if (isAudioParam(destination)) {
      // webaudio#dom-audionode-connect-destinationparam-output
      const out = unsignedLong(output, `${ctx}: parameter 2`);
      if (paramCore(destination) !== s.core) throw invalidAccess(`${ctx}: the AudioParam belongs to a different BaseAudioContext`);
      if (out >= s.desc.numberOfOutputs) throw indexSize(`${ctx}: output index ${out} is out of range (node has ${s.desc.numberOfOutputs} outputs)`);
      const key = `${out}:${paramId(destination)}`;
      if (!s.paramConnections.has(key)) {
        s.paramConnections.set(key, { output: out, param: destination });
        s.core.send({ t: 'connectParam', src: s.id, output: out, param: paramId(destination) });
      }
      return undefined;
    }
    const d = typeof destination === 'object' && destination !== null ? slots.get(destination) : undefined;
    if (d === undefined) throw new TypeError(`${ctx}: parameter 1 is not of type 'AudioNode' or 'AudioParam'`);
    // webaudio#dom-audionode-connect
    const out = unsignedLong(output, `${ctx}: parameter 2`);
    const inp = unsignedLong(input, `${ctx}: parameter 3`);
    if (d.core !== s.core) throw invalidAccess(`${ctx}: cannot connect to an AudioNode of a different BaseAudioContext`);
    if (out >= s.desc.numberOfOutputs) throw indexSize(`${ctx}: output index ${out} is out of range (node has ${s.desc.numberOfOutputs} outputs)`);
    if (inp >= d.desc.numberOfInputs) throw indexSize(`${ctx}: input index ${inp} is out of range (destination has ${d.desc.numberOfInputs} inputs)`);
    const key = `${out}:${d.id}:${inp}`;
    if (!s.nodeConnections.has(key)) {
      s.nodeConnections.set(key, { output: out, node: destination as AudioNode, input: inp });
      s.core.send({ t: 'connect', src: s.id, output: out, dst: d.id, input: inp });
    }
    return destination as AudioNode;
  }

  disconnect(destinationOrOutput?: unknown, output?: unknown, input?: unknown): void {
    const s = brand(slots, this, 'AudioNode', 'disconnect');
    const ctx = "Failed to execute 'disconnect' on 'AudioNode'";
    const argc = arguments.length;
    const nOut = s.desc.numberOfOutputs;
    // WebIDL overload resolution: only a call without arguments is disconnect(); an explicit
    // undefined selects disconnect(unsigned long output) with output 0.
    if (argc === 0) {
      // webaudio#dom-audionode-disconnect: every outgoing connection.
      s.nodeConnections.clear();
      s.paramConnections.clear();
      s.core.send({ t: 'disconnect', src: s.id, output: -1, dst: -1, input: -1 });
      s.core.send({ t: 'disconnectParam', src: s.id, output: -1, param: -1 });
      return;
    }
    const target = destinationOrOutput;
    if (isAudioParam(target)) {
      const pid = paramId(target);
      let out = -1;
      if (argc >= 2) {
        out = unsignedLong(output, `${ctx}: parameter 2`);
        if (out >= nOut) throw indexSize(`${ctx}: output index ${out} is out of range (node has ${nOut} outputs)`);
      }
      let found = false;
      for (const [key, c] of s.paramConnections) {
        if (c.param === target && (out === -1 || c.output === out)) {
          s.paramConnections.delete(key);
          found = true;
        }
      }
      if (!found) throw invalidAccess(`${ctx}: this node is not connected to the given AudioParam${out === -1 ? '' : ` from output ${out}`}`);
      s.core.send({ t: 'disconnectParam', src: s.id, output: out, param: pid });
      return;
    }
    const d = typeof target === 'object' && target !== null ? slots.get(target) : undefined;
    if (d === undefined) {
      // disconnect(unsigned long output)
      const out = unsignedLong(target, `${ctx}: parameter 1`);
      if (out >= nOut) throw indexSize(`${ctx}: output index ${out} is out of range (node has ${nOut} outputs)`);
      for (const [key, c] of s.nodeConnections) if (c.output === out) s.nodeConnections.delete(key);
      for (const [key, c] of s.paramConnections) if (c.output === out) s.paramConnections.delete(key);
      s.core.send({ t: 'disconnect', src: s.id, output: out, dst: -1, input: -1 });
      s.core.send({ t: 'disconnectParam', src: s.id, output: out, param: -1 });
      return;
    }
    let out = -1;
    let inp = -1;
    if (argc >= 2) {
      out = unsignedLong(output, `${ctx}: parameter 2`);
      if (out >= nOut) throw indexSize(`${ctx}: output index ${out} is out of range (node has ${nOut} outputs)`);
    }
    if (argc >= 3) {
      inp = unsignedLong(input, `${ctx}: parameter 3`);
      if (inp >= d.desc.numberOfInputs) throw indexSize(`${ctx}: input index ${inp} is out of range (destination has ${d.desc.numberOfInputs} inputs)`);
    }
    let found = false;
    for (const [key, c] of s.nodeConnections) {
      if (c.node === target && (out === -1 || c.output === out) && (inp === -1 || c.input === inp)) {
        s.nodeConnections.delete(key);
        found = true;
      }
    }
    if (!found) throw invalidAccess(`${ctx}: this node is not connected to the given destination${out === -1 ? '' : ` from output ${out}`}${inp === -1 ? '' : ` to input ${inp}`}`);
    s.core.send({ t: 'disconnect', src: s.id, output: out, dst: d.id, input: inp });
  }

  get context(): BaseAudioContext {
    return brand(slots, this, 'AudioNode', 'context').context;
  }

  get numberOfInputs(): number {
    return brand(slots, this, 'AudioNode', 'numberOfInputs').desc.numberOfInputs;
  }

  get numberOfOutputs(): number {
    return brand(slots, this, 'AudioNode', 'numberOfOutputs').desc.numberOfOutputs;
  }

  get channelCount(): number {
    return brand(slots, this, 'AudioNode', 'channelCount').channelCount;
  }

  set channelCount(v: unknown) {
    const s = brand(slots, this, 'AudioNode', 'channelCount');
    const n = unsignedLong(v, "Failed to set the 'channelCount' property on 'AudioNode'");
    checkChannelCount(s, n);
    s.channelCount = n;
    sendChannels(s);
  }

  get channelCountMode(): ChannelCountMode {
    return brand(slots, this, 'AudioNode', 'channelCountMode').mode;
  }

  set channelCountMode(v: unknown) {
    const s = brand(slots, this, 'AudioNode', 'channelCountMode');
    const str = domString(v, "Failed to set the 'channelCountMode' property on 'AudioNode'");
    if (!(MODES as readonly string[]).includes(str)) return; // invalid enum values are ignored
    s.desc.checkChannelCountMode?.(str as ChannelCountMode);
    s.mode = str as ChannelCountMode;
    sendChannels(s);
  }

  get channelInterpretation(): ChannelInterpretation {
    return brand(slots, this, 'AudioNode', 'channelInterpretation').interp;
  }

  set channelInterpretation(v: unknown) {
    const s = brand(slots, this, 'AudioNode', 'channelInterpretation');
    const str = domString(v, "Failed to set the 'channelInterpretation' property on 'AudioNode'");
    if (!(INTERPS as readonly string[]).includes(str)) return;
    s.desc.checkChannelInterpretation?.(str as ChannelInterpretation);
    s.interp = str as ChannelInterpretation;
    sendChannels(s);
  }
}

function modeCode(m: ChannelCountMode): ChannelCountModeCode {
  return m === 'max' ? ChannelCountModeCode.Max : m === 'clamped-max' ? ChannelCountModeCode.ClampedMax : ChannelCountModeCode.Explicit;
}

function sendChannels(s: NodeSlots): void {
  s.core.send({
    t: 'channels',
    id: s.id,
    channelCount: s.channelCount,
    mode: modeCode(s.mode),
    interp: s.interp === 'discrete' ? InterpretationCode.Discrete : InterpretationCode.Speakers,
  });
}

/** webaudio#dom-audionode-channelcount: 0 or more than 32 is NotSupportedError, then node rules. */
function checkChannelCount(s: NodeSlots, n: number): void {
  if (s.desc.checkChannelCount) {
    s.desc.checkChannelCount(n);
    return;
  }
  if (n === 0 || n > 32) throw notSupported(`channelCount must be between 1 and 32, got ${n}`);
}

function enumMember<T extends string>(v: unknown, values: readonly T[], context: string): T {
  const str = domString(v, context);
  if (!(values as readonly string[]).includes(str)) {
    throw new TypeError(`${context}: '${str}' is not a valid enumeration value (expected one of ${values.map((x) => `'${x}'`).join(', ')})`);
  }
  return str as T;
}

// ---- internal helpers for node implementations ----

export function nodeId(node: AudioNode): number {
  return slots.get(node)!.id;
}

export function nodeCore(node: AudioNode): ContextCore {
  return slots.get(node)!.core;
}

export function nodeParam(node: AudioNode, name: string): AudioParam {
  const s = slots.get(node);
  if (s === undefined) throw illegalInvocation('AudioNode', name);
  return s.params.get(name)!;
}

/** Sends a node-specific message to this node's processor. */
export function postToProcessor(node: AudioNode, msg: unknown): void {
  const s = slots.get(node)!;
  s.core.send({ t: 'node', id: s.id, msg });
}

/**
 * Applies AudioParam members of an options dictionary (already converted) as initial values
 * (webaudio#audionode-constructor-init step 3.1).
 */
export function initParams(node: AudioNode, values: Record<string, number | undefined>): void {
  for (const [name, v] of Object.entries(values)) {
    if (v !== undefined) setInitialValue(nodeParam(node, name), v);
  }
}

/** Converts the first constructor argument: a BaseAudioContext, else TypeError. */
export function contextArg(context: unknown, iface: string): BaseAudioContext {
  if (!hasCore(context)) throw new TypeError(`Failed to construct '${iface}': parameter 1 is not of type 'BaseAudioContext'`);
  return context as BaseAudioContext;
}

/**
 * Converts the AudioNodeOptions members of an options dictionary (WebIDL order: channelCount,
 * channelCountMode, channelInterpretation) for the AudioNode constructor, which then applies the
 * range rules. Call it before converting the node's own members, as a dictionary's inherited
 * members are converted first.
 */
export function nodeOptions(dict: Record<string, unknown>, iface = 'AudioNode'): Record<string, unknown> {
  const where = `Failed to construct '${iface}'`;
  const channelCount = dict.channelCount === undefined ? undefined : unsignedLong(dict.channelCount, `${where}: member channelCount of AudioNodeOptions`);
  const channelCountMode = dict.channelCountMode === undefined ? undefined : enumMember(dict.channelCountMode, MODES, `${where}: member channelCountMode of AudioNodeOptions`);
  const channelInterpretation =
    dict.channelInterpretation === undefined ? undefined : enumMember(dict.channelInterpretation, INTERPS, `${where}: member channelInterpretation of AudioNodeOptions`);
  return { channelCount, channelCountMode, channelInterpretation };
}

toStringTag(AudioNode, 'AudioNode');
exposeMembers(AudioNode, ['connect', 'disconnect', 'context', 'numberOfInputs', 'numberOfOutputs', 'channelCount', 'channelCountMode', 'channelInterpretation']);

