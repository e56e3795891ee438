/**
 * The render side of a context: owns the graph of processors and turns control messages into
 * 128-frame quanta (webaudio#rendering-loop). The same engine runs in-process for
 * OfflineAudioContext and inside a worker for AudioContext.
 */
import { mixChannels, mixMonoSources } from '../../media/channel-mix.js';
import { AutomationTimeline } from '../automation.js';
import { Bus } from './bus.js';
import {
  ChannelCountModeCode,
  InterpretationCode,
  PARAM_SLOTS,
  STATE_APPLIED_SEQ,
  STATE_FRAME,
  type ControlBatch,
  type ControlMessage,
  type ParamInit,
  type RenderMessage,
  type SharedState,
} from './protocol.js';
import { processorFactory, type AudioProcessor, type ParamBuffer } from './registry.js';
import type { WorkletGlobalScope } from '../worklet/global-scope.js';

interface Connection {
  node: RenderNode;
  output: number;
}

class RenderParam implements ParamBuffer {
  readonly id: number;
  readonly timeline: AutomationTimeline;
  readonly defaultValue: number;
  readonly minValue: number;
  readonly maxValue: number;
  kRate: boolean;
  readonly values: Float32Array;
  constant = true;
  /** The value every element of `values` holds, or NaN when they differ (or were never written). */
  held = NaN;
  /** The timeline version whose settled value `values` holds (-1: sample it each quantum). */
  settledVersion = -1;
  readonly sources: Connection[] = [];
  readonly mixBus: Bus;

  constructor(init: ParamInit, quantumSize: number) {
    this.id = init.id;
    this.defaultValue = init.defaultValue;
    this.minValue = init.minValue;
    this.maxValue = init.maxValue;
    this.kRate = init.kRate;
    this.timeline = new AutomationTimeline(init.defaultValue);
    this.values = new Float32Array(quantumSize);
    this.mixBus = new Bus(quantumSize, 1);
  }
}

class InputPort {
  readonly sources: Connection[] = [];
  readonly bus: Bus;
  constructor(quantumSize: number) {
    this.bus = new Bus(quantumSize, 1);
  }
}

class RenderNode {
  readonly id: number;
  readonly kind: string;
  processor!: AudioProcessor;
  readonly inputs: InputPort[] = [];
  readonly inputBuses: Bus[] = [];
  readonly outputs: Bus[] = [];
  readonly params: RenderParam[] = [];
  /** Nodes whose params the processor reads: rendered before this one (ordering only). */
  readonly reads: RenderNode[] = [];
  channelCount: number;
  mode: ChannelCountModeCode;
  interp: InterpretationCode;
  /** Part of a cycle without a DelayNode: outputs silence (webaudio#cycles). */
  muted = false;
  /** A DelayNode inside a cycle: rendered in two phases. */
  splitPhase = false;
  released = false;

  constructor(msg: Extract<ControlMessage, { t: 'create' }>, quantumSize: number) {
    this.id = msg.id;
    this.kind = msg.kind;
    this.channelCount = msg.channelCount;
    this.mode = msg.mode;
    this.interp = msg.interp;
    for (let i = 0; i < msg.inputs; i++) {
      const port = new InputPort(quantumSize);
      this.inputs.push(port);
      this.inputBuses.push(port.bus);
    }
    for (let i = 0; i < msg.outputs; i++) this.outputs.push(new Bus(quantumSize, 1));
  }
}

export interface EngineOptions {
  sampleRate: number;
  quantumSize?: number;
  state: SharedState;
  post(msg: RenderMessage, transfer?: ArrayBuffer[]): void;
}

export class RenderEngine {
  readonly sampleRate: number;
  readonly quantumSize: number;
  readonly state: SharedState;
  frame = 0;
  readonly #post: EngineOptions['post'];
  readonly #nodes = new Map<number, RenderNode>();
  readonly #params = new Map<number, RenderParam>();
  #order: RenderNode[] = [];
  #splitNodes: RenderNode[] = [];
  #dirty = true;
  /** The destination node (id 0); its mixed input is the context's output. */
  #destination: RenderNode | undefined;
  readonly #silence: Bus;
  /** Processor messages are sent after the quantum, once its time has been published. */
  #outbox: { msg: RenderMessage; transfer: ArrayBuffer[] | undefined }[] = [];
  #worklet: WorkletGlobalScope | null = null;

  constructor(opts: EngineOptions) {
    this.sampleRate = opts.sampleRate;
    this.quantumSize = opts.quantumSize ?? 128;
    this.state = opts.state;
    this.#post = opts.post;
    this.#silence = new Bus(this.quantumSize, 1);
  }

  /** The context's AudioWorkletGlobalScope (set when its audioWorklet is first used). */
  get worklet(): WorkletGlobalScope | null {
    return this.#worklet;
  }

  set worklet(scope: WorkletGlobalScope | null) {
    this.#worklet = scope;
    // webaudio#dom-audioworkletglobalscope-currentframe: the frame of the quantum being rendered.
    if (scope !== null) scope.frameSource = () => this.frame;
  }

  get nodeCount(): number {
    return this.#nodes.size;
  }

  applyBatch(batch: ControlBatch): void {
    for (const m of batch.messages) {
      try {
        this.#apply(m);
      } catch (e) {
        this.#post({ t: 'error', message: `render side failed to apply '${m.t}': ${(e as Error).message}` });
      }
    }
    this.state.header[STATE_APPLIED_SEQ] = batch.seq;
  }

  #apply(m: ControlMessage): void {
    switch (m.t) {
      case 'create': {
        const factory = processorFactory(m.kind);
        if (factory === undefined) throw new Error(`no processor registered for '${m.kind}'`);
        const node = new RenderNode(m, this.quantumSize);
        const id = m.id;
        for (const r of m.reads ?? []) node.reads.push(this.#node(r));
        node.processor = factory({
          sampleRate: this.sampleRate,
          quantumSize: this.quantumSize,
          numberOfInputs: m.inputs,
          numberOfOutputs: m.outputs,
          options: m.options,
          reads: node.reads.map((r) => r.params),
          worklet: this.#worklet,
          post: (msg, transfer) => this.#outbox.push({ msg: { t: 'node', id, msg }, transfer }),
        });
        for (const p of m.params) {
          const rp = new RenderParam(p, this.quantumSize);
          node.params.push(rp);
          this.#params.set(p.id, rp);
          if (p.id < PARAM_SLOTS) this.state.params[p.id] = p.defaultValue;
        }
        this.#nodes.set(id, node);
        if (id === 0) this.#destination = node;
        this.#dirty = true;
        return;
      }
      case 'connect': {
        const src = this.#node(m.src);
        const dst = this.#node(m.dst);
        const port = dst.inputs[m.input]!;
        if (!port.sources.some((c) => c.node === src && c.output === m.output)) port.sources.push({ node: src, output: m.output });
        this.#dirty = true;
        return;
      }
      case 'disconnect': {
        const src = this.#node(m.src);
        for (const dst of m.dst === -1 ? this.#nodes.values() : [this.#node(m.dst)]) {
          dst.inputs.forEach((port, i) => {
            if (m.input !== -1 && m.input !== i) return;
            removeWhere(port.sources, (c) => c.node === src && (m.output === -1 || c.output === m.output));
          });
        }
        this.#dirty = true;
        return;
      }
      case 'connectParam': {
        const src = this.#node(m.src);
        const p = this.#param(m.param);
        if (!p.sources.some((c) => c.node === src && c.output === m.output)) p.sources.push({ node: src, output: m.output });
        this.#dirty = true;
        return;
      }
      case 'disconnectParam': {
        const src = this.#node(m.src);
        const params = m.param === -1 ? this.#params.values() : [this.#param(m.param)];
        for (const p of params) removeWhere(p.sources, (c) => c.node === src && (m.output === -1 || c.output === m.output));
        this.#dirty = true;
        return;
      }
      case 'channels': {
        const n = this.#node(m.id);
        n.channelCount = m.channelCount;
        n.mode = m.mode;
        n.interp = m.interp;
        return;
      }
      case 'param':
        this.#param(m.id).timeline.apply(m.op);
        return;
      case 'paramRate':
        this.#param(m.id).kRate = m.kRate;
        return;
      case 'node':
        this.#node(m.id).processor.onMessage?.(m.msg);
        this.#collect(this.#node(m.id));
        return;
      case 'release': {
        const n = this.#nodes.get(m.id);
        if (n && !n.released) {
          n.released = true;
          this.#releasedPending++;
          this.#collect(n);
        }
        return;
      }
    }
  }

  #node(id: number): RenderNode {
    const n = this.#nodes.get(id);
    if (n === undefined) throw new Error(`unknown node ${id}`);
    return n;
  }

  #param(id: number): RenderParam {
    const p = this.#params.get(id);
    if (p === undefined) throw new Error(`unknown AudioParam ${id}`);
    return p;
  }

  /**
   * A released node (its control object is gone) can be dropped once it can never sound again:
   * a source that has ended, or a processing node left with no inputs at all (nothing can ever
   * be connected to it again). DelayNodes keep their tail.
   */
  #collectable(n: RenderNode): boolean {
    if (!n.released || n.id === 0) return false;
    if (n.processor.finished === true) return true;
    if (n.processor.tailActive === true) return false;
    if (n.inputs.length === 0 || n.processor.breaksCycles) return false;
    for (const port of n.inputs) if (port.sources.length > 0) return false;
    for (const p of n.params) if (p.sources.length > 0) return false;
    return true;
  }

  #collect(n: RenderNode): void {
    if (!this.#collectable(n)) return;
    for (const other of this.#nodes.values()) {
      for (const port of other.inputs) removeWhere(port.sources, (c) => c.node === n);
    }
    for (const p of this.#params.values()) removeWhere(p.sources, (c) => c.node === n);
    for (const p of n.params) this.#params.delete(p.id);
    this.#nodes.delete(n.id);
    this.#releasedPending--;
    this.#dirty = true;
  }

  #collectFinished(): void {
    // Dropping one node can leave the nodes it fed without inputs: repeat until stable.
    let before: number;
    do {
      before = this.#nodes.size;
      for (const n of this.#nodes.values()) if (this.#collectable(n)) this.#collect(n);
    } while (this.#nodes.size < before);
  }

  /**
   * Orders the graph so every node renders after the nodes feeding it (webaudio#rendering-loop
   * step 4.2). Cycles through a DelayNode are broken at the delay; nodes in a cycle without
   * one are muted.
   */
  #rebuildOrder(): void {
    const nodes = [...this.#nodes.values()];
    const index = new Map<RenderNode, number>();
    nodes.forEach((n, i) => index.set(n, i));
    const deps = (n: RenderNode, breakAt: Set<RenderNode>): RenderNode[] => {
      const out: RenderNode[] = [];
      if (!breakAt.has(n)) for (const port of n.inputs) for (const c of port.sources) out.push(c.node);
      for (const p of n.params) for (const c of p.sources) out.push(c.node);
      for (const r of n.reads) if (this.#nodes.has(r.id)) out.push(r);
      return out;
    };
    let breakAt = new Set<RenderNode>();
    let sccs = tarjan(nodes, (n) => deps(n, breakAt));
    const cyclic = (scc: RenderNode[]): boolean => scc.length > 1 || deps(scc[0]!, breakAt).includes(scc[0]!);
    const splitters = new Set<RenderNode>();
    for (const scc of sccs) {
      if (!cyclic(scc)) continue;
      for (const n of scc) if (n.processor.breaksCycles) splitters.add(n);
    }
    if (splitters.size > 0) {
      breakAt = splitters;
      sccs = tarjan(nodes, (n) => deps(n, breakAt));
    }
    const feeding = new Set<RenderNode>();
    for (const n of nodes) {
      for (const port of n.inputs) for (const c of port.sources) feeding.add(c.node);
      for (const p of n.params) for (const c of p.sources) feeding.add(c.node);
    }
    for (const n of nodes) {
      if (n.processor.setConnected) n.processor.setConnected(feeding.has(n) || n.inputs.some((p) => p.sources.length > 0));
      n.muted = false;
      const split = splitters.has(n);
      if (split !== n.splitPhase) n.processor.setInCycle?.(split);
      n.splitPhase = split;
    }
    const order: RenderNode[] = [];
    for (const scc of sccs) {
      if (cyclic(scc)) for (const n of scc) n.muted = true;
      for (const n of scc) order.push(n);
    }
    this.#order = order;
    this.#splitNodes = [...splitters];
    this.#dirty = false;
  }

  /** Renders one quantum; returns the destination's input (the context output). */
  renderQuantum(): Bus {
    if (this.#dirty) this.#rebuildOrder();
    const frame = this.frame;
    for (const n of this.#splitNodes) {
      this.#computeParams(n, frame);
      n.processor.processOutputPhase!(n.outputs, n.params, frame);
    }
    for (const n of this.#order) this.#renderNode(n, frame);
    for (const n of this.#splitNodes) {
      this.#mixInputs(n);
      n.processor.processInputPhase!(n.inputBuses, n.params, frame);
    }
    this.frame = frame + this.quantumSize;
    this.state.header[STATE_FRAME] = this.frame;
    if (this.#outbox.length > 0) {
      const box = this.#outbox;
      this.#outbox = [];
      for (const o of box) this.#post(o.msg, o.transfer);
    }
    // Released sources that have ended are dropped every 64 quanta (cheap, bounded).
    if (this.#releasedPending > 0 && (this.frame / this.quantumSize) % 64 === 0) this.#collectFinished();
    const dest = this.#destination;
    return dest ? dest.inputs[0]!.bus : this.#silence;
  }

  #releasedPending = 0;

  #renderNode(n: RenderNode, frame: number): void {
    if (n.splitPhase) return;
    if (n.muted) {
      for (const o of n.outputs) o.makeSilent();
      return;
    }
    this.#mixInputs(n);
    this.#computeParams(n, frame);
    n.processor.process(n.inputBuses, n.outputs, n.params, frame);
  }

  /** Channel 0 of each non-silent mono source of the input being mixed (grown, never shrunk). */
  readonly #monoScratch: Float32Array[] = [];

  /** webaudio#channel-up-mixing-and-down-mixing: computedNumberOfChannels, then mix each connection. */
  #mixInputs(n: RenderNode): void {
    const inputs = n.inputs;
    const qs = this.quantumSize;
    const explicit = n.mode === ChannelCountModeCode.Explicit;
    const interp = n.interp === InterpretationCode.Discrete ? 'discrete' : 'speakers';
    for (let i = 0; i < inputs.length; i++) {
      const port = inputs[i]!;
      const bus = port.bus;
      const sources = port.sources;
      const ns = sources.length;
      if (ns === 0) {
        bus.setChannelCount(explicit ? n.channelCount : 1);
        bus.zero();
        continue;
      }
      let count: number;
      if (explicit) count = n.channelCount;
      else {
        let max = 1;
        for (let k = 0; k < ns; k++) {
          const c = sources[k]!;
          const ch = c.node.outputs[c.output]!.channels.length;
          if (ch > max) max = ch;
        }
        count = n.mode === ChannelCountModeCode.ClampedMax && n.channelCount < max ? n.channelCount : max;
      }
      if (ns === 1) {
        // The common case: one connection. With matching channels it passes through uncopied.
        const c = sources[0]!;
        const src = c.node.outputs[c.output]!;
        if (src.silent) {
          bus.setChannelCount(count);
          bus.zero();
        } else if (src.channels.length === count) {
          bus.borrow(src.channels);
        } else {
          bus.setChannelCount(count);
          mixChannels(src.channels, bus.channels, qs, interp, false);
          bus.silent = false;
        }
        continue;
      }
      bus.setChannelCount(count);
      // Many mono sources (the usual fan-in): sum them once, then up-mix the sum.
      const mono = this.#monoScratch;
      let live = 0;
      let allMono = true;
      for (let k = 0; k < ns; k++) {
        const c = sources[k]!;
        const src = c.node.outputs[c.output]!;
        if (src.silent) continue;
        if (src.channels.length !== 1) {
          allMono = false;
          break;
        }
        if (live === mono.length) mono.push(src.channels[0]!);
        else mono[live] = src.channels[0]!;
        live++;
      }
      if (allMono) {
        if (live === 0) bus.zero();
        else {
          mixMonoSources(mono, live, bus.channels, qs, interp);
          bus.silent = false;
        }
        continue;
      }
      bus.zero();
      for (let k = 0; k < ns; k++) {
        const c = sources[k]!;
        const src = c.node.outputs[c.output]!;
        if (src.silent) continue;
        mixChannels(src.channels, bus.channels, qs, interp, true);
        bus.silent = false;
      }
    }
  }

  /** webaudio#computation-of-value */
  #computeParams(n: RenderNode, frame: number): void {
    const qs = this.quantumSize;
    const params = n.params;
    const slots = this.state.params;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const values = p.values;
      const tl = p.timeline;
      const sources = p.sources;
      // An unconnected param whose timeline settled on a value and has not changed since: the
      // buffer and [[current value]] already hold everything this quantum needs.
      if (sources.length === 0 && tl.version === p.settledVersion) continue;
      // 1. The intrinsic value; when it is constant over the quantum nothing is written yet.
      let constant = tl.sample(values, frame, qs, this.sampleRate, p.kRate);
      // x: the constant value before clamping, as the float32 it would be stored as.
      let x = constant ? Math.fround(tl.constantValue) : values[0]!;
      // 2. [[current value]] = intrinsic value at the start of the quantum.
      if (p.id < PARAM_SLOTS) slots[p.id] = x;
      // 3. Add the input connections, down-mixed to mono.
      if (sources.length > 0) {
        const mono = p.mixBus;
        let any = false;
        for (let s = 0; s < sources.length; s++) {
          const c = sources[s]!;
          const src = c.node.outputs[c.output]!;
          if (src.silent) continue;
          if (!any) mono.zero();
          mixChannels(src.channels, mono.channels, qs, 'speakers', true);
          any = true;
        }
        if (any) {
          const m = mono.channels[0]!;
          if (p.kRate) {
            x = Math.fround(x + m[0]!);
          } else {
            if (constant) values.fill(x);
            for (let i = 0; i < qs; i++) values[i]! += m[i]!;
            constant = false;
          }
        }
      }
      // NaN becomes the default value; clamp to the nominal range.
      const lo = p.minValue;
      const hi = p.maxValue;
      const dv = p.defaultValue;
      if (constant) {
        const v = x !== x ? dv : x;
        const c = v < lo ? lo : v > hi ? hi : v;
        // The buffer already holds c in every frame when it held it last quantum.
        if (c !== p.held) {
          values.fill(c);
          p.held = c;
        }
        p.settledVersion = sources.length === 0 && tl.settled ? tl.version : -1;
      } else {
        p.held = NaN;
        p.settledVersion = -1;
        for (let i = 0; i < qs; i++) {
          const v = values[i]!;
          if (v !== v) values[i] = dv;
          else if (v < lo) values[i] = lo;
          else if (v > hi) values[i] = hi;
        }
      }
      p.constant = constant;
    }
  }
}

function removeWhere<T>(arr: T[], pred: (x: T) => boolean): void {
  let w = 0;
  for (let r = 0; r < arr.length; r++) if (!pred(arr[r]!)) arr[w++] = arr[r]!;
  arr.length = w;
}

/** Tarjan's strongly connected components; returns SCCs with dependencies before dependants. */
function tarjan<N>(nodes: N[], deps: (n: N) => N[]): N[][] {
  const idx = new Map<N, number>();
  const low = new Map<N, number>();
  const onStack = new Set<N>();
  const stack: N[] = [];
  const out: N[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (idx.has(root)) continue;
    // Iterative DFS so long chains cannot overflow the call stack.
    const work: { n: N; it: Iterator<N> }[] = [];
    const push = (n: N): void => {
      idx.set(n, counter);
      low.set(n, counter);
      counter++;
      stack.push(n);
      onStack.add(n);
      work.push({ n, it: deps(n)[Symbol.iterator]() });
    };
    push(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const d = step.value;
        if (!idx.has(d)) push(d);
        else if (onStack.has(d)) low.set(top.n, Math.min(low.get(top.n)!, idx.get(d)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.n;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.n)!));
      }
      if (low.get(top.n) === idx.get(top.n)) {
        const scc: N[] = [];
        let x: N;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          scc.push(x);
        } while (x !== top.n);
        out.push(scc);
      }
    }
  }
  return out;
}
