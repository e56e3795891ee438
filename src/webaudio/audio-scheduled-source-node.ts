/** AudioScheduledSourceNode (webaudio#AudioScheduledSourceNode): start/stop/onended. */
import { AudioNode, nodeCore, nodeId, postToProcessor, type NodeDescriptor } from './audio-node.js';
import { invalidState } from './errors.js';
import { INTERNAL, brand, defineEventHandler, double, exposeMembers, illegalConstructor, toStringTag } from '../webidl/index.js';
import type { BaseAudioContext } from './base-audio-context.js';

interface SourceSlots {
  started: boolean;
  stopped: boolean;
  ended: boolean;
}

const slots = new WeakMap<object, SourceSlots>();

export class AudioScheduledSourceNode extends AudioNode {
  declare onended: ((ev: Event) => unknown) | null;

  constructor(token?: unknown, context?: BaseAudioContext, desc?: NodeDescriptor, options?: Record<string, unknown>) {
    if (token !== INTERNAL) throw illegalConstructor('AudioScheduledSourceNode');
    super(INTERNAL, context, desc, options);
    slots.set(this, { started: false, stopped: false, ended: false });
  }

  /** webaudio#dom-audioscheduledsourcenode-start */
  start(when: unknown = 0): void {
    const s = brand(slots, this, 'AudioScheduledSourceNode', 'start');
    const where = `Failed to execute 'start' on '${this.constructor.name}'`;
    // 1. [[source started]] already true.
    if (s.started) throw invalidState(`${where}: start() may only be called once`);
    // 2. Parameter constraints.
    const w = double(when, `${where}: parameter 1`);
    if (w < 0) throw new RangeError(`${where}: when must not be negative, got ${w}`);
    this.startMessage(w);
  }

  /** @internal Subclasses with extra start() arguments validate them, then call this. */
  protected startMessage(when: number, extra: { offset?: number; duration?: number } = {}): void {
    const s = slots.get(this)!;
    // 3-4. [[source started]] = true; queue the start control message.
    s.started = true;
    const core = nodeCore(this);
    core.listeners.set(nodeId(this), this);
    postToProcessor(this, { t: 'start', when, ...extra });
    // Step 5 (start a suspended context that is allowed to start) never applies here: a context
    // starts on construction unless its sink failed, and then starting it again would fail too.
  }

  /** @internal */
  protected assertStartable(where: string): void {
    if (brand(slots, this, 'AudioScheduledSourceNode', 'start').started) throw invalidState(`${where}: start() may only be called once`);
  }

  /** webaudio#dom-audioscheduledsourcenode-stop */
  stop(when: unknown = 0): void {
    const s = brand(slots, this, 'AudioScheduledSourceNode', 'stop');
    const where = `Failed to execute 'stop' on '${this.constructor.name}'`;
    if (!s.started) throw invalidState(`${where}: cannot call stop() before start()`);
    const w = double(when, `${where}: parameter 1`);
    if (w < 0) throw new RangeError(`${where}: when must not be negative, got ${w}`);
    s.stopped = true;
    postToProcessor(this, { t: 'stop', when: w });
  }

  /** @internal Render messages: 'ended' fires the ended event (already in its own task). */
  onRenderMessage(msg: unknown): void {
    const s = slots.get(this)!;
    if ((msg as { t?: string }).t === 'ended' && !s.ended) {
      s.ended = true;
      nodeCore(this).listeners.delete(nodeId(this));
      this.dispatchEvent(new Event('ended'));
      return;
    }
    this.handleRenderMessage(msg);
  }

  /** @internal */
  protected handleRenderMessage(_msg: unknown): void {}
}

toStringTag(AudioScheduledSourceNode, 'AudioScheduledSourceNode');
exposeMembers(AudioScheduledSourceNode, ['start', 'stop']);
defineEventHandler(AudioScheduledSourceNode, 'ended', 'AudioScheduledSourceNode');
