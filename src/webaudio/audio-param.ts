/**
 * AudioParam, control side (webaudio#AudioParam). Validates automation calls against a local
 * copy of the timeline and sends each operation to the render side, which replays it.
 */
import { AutomationTimeline, EventType, makeEvent, type AutomationOp } from './automation.js';
import type { ContextCore } from './context-core.js';
import { invalidState, notSupported } from './errors.js';
import { INTERNAL, brand, double, exposeMembers, float, illegalConstructor, sequence, toStringTag } from '../webidl/index.js';
import { PARAM_SLOTS } from './render/protocol.js';

export type AutomationRate = 'a-rate' | 'k-rate';

export const MOST_POSITIVE_SINGLE_FLOAT = 3.4028234663852886e38;

export interface ParamDescriptor {
  name: string;
  defaultValue: number;
  minValue?: number;
  maxValue?: number;
  automationRate?: AutomationRate;
  /** The rate cannot change to a-rate (webaudio#audioparam-automation-rate-constraints). */
  kRateOnly?: boolean;
  /** The rate setting is ignored. */
  rateFixed?: boolean;
}

interface ParamSlots {
  core: ContextCore;
  id: number;
  name: string;
  timeline: AutomationTimeline;
  defaultValue: number;
  minValue: number;
  maxValue: number;
  rate: AutomationRate;
  kRateOnly: boolean;
  rateFixed: boolean;
  /** [[current value]] as last set by script, valid until the render side has caught up. */
  localValue: number;
  localSeq: number;
  localFrame: number;
  ownerId: number;
}

const slots = new WeakMap<object, ParamSlots>();

export class AudioParam {
  constructor(token?: unknown, core?: ContextCore, ownerId?: number, desc?: ParamDescriptor) {
    if (token !== INTERNAL || core === undefined || desc === undefined) throw illegalConstructor('AudioParam');
    const f = Math.fround;
    const defaultValue = f(desc.defaultValue);
    slots.set(this, {
      core,
      id: core.nextParamId(),
      name: desc.name,
      timeline: new AutomationTimeline(defaultValue),
      defaultValue,
      minValue: f(desc.minValue ?? -MOST_POSITIVE_SINGLE_FLOAT),
      maxValue: f(desc.maxValue ?? MOST_POSITIVE_SINGLE_FLOAT),
      rate: desc.automationRate ?? 'a-rate',
      kRateOnly: desc.kRateOnly ?? false,
      rateFixed: desc.rateFixed ?? false,
      localValue: defaultValue,
      localSeq: Number.MAX_SAFE_INTEGER,
      localFrame: 0,
      ownerId: ownerId ?? -1,
    });
  }

  /** webaudio#dom-audioparam-value: [[current value]] */
  get value(): number {
    return currentValue(brand(slots, this, 'AudioParam', 'value'));
  }

  set value(v: unknown) {
    const s = brand(slots, this, 'AudioParam', 'value');
    const value = float(v, "Failed to set the 'value' property on 'AudioParam'");
    // Setting value = [[current value]] := v, then setValueAtTime(v, currentTime).
    s.localValue = value;
    s.localSeq = s.core.pendingSeq;
    s.localFrame = s.core.currentFrame;
    insert(s, makeEvent(EventType.SetValue, s.core.currentTime, value), 'value');
  }

  get automationRate(): AutomationRate {
    return brand(slots, this, 'AudioParam', 'automationRate').rate;
  }

  set automationRate(v: unknown) {
    const s = brand(slots, this, 'AudioParam', 'automationRate');
    const str = String(v);
    // An invalid enumeration value assigned to an attribute is ignored (WebIDL).
    if (str !== 'a-rate' && str !== 'k-rate') return;
    if (s.kRateOnly && str === 'a-rate') {
      throw invalidState(`AudioParam '${s.name}' must stay 'k-rate' (webaudio#audioparam-automation-rate-constraints)`);
    }
    if (s.rateFixed) return;
    if (s.rate === str) return;
    s.rate = str;
    s.core.send({ t: 'paramRate', id: s.id, kRate: str === 'k-rate' });
  }

  get defaultValue(): number {
    return brand(slots, this, 'AudioParam', 'defaultValue').defaultValue;
  }

  get minValue(): number {
    return brand(slots, this, 'AudioParam', 'minValue').minValue;
  }

  get maxValue(): number {
    return brand(slots, this, 'AudioParam', 'maxValue').maxValue;
  }

  setValueAtTime(value: unknown, startTime: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'setValueAtTime');
    const ctx = "Failed to execute 'setValueAtTime' on 'AudioParam'";
    const v = float(value, `${ctx}: parameter 1`);
    const t = time(s, startTime, `${ctx}: parameter 2 (startTime)`);
    insert(s, makeEvent(EventType.SetValue, t, v), 'setValueAtTime');
    return this;
  }

  linearRampToValueAtTime(value: unknown, endTime: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'linearRampToValueAtTime');
    const ctx = "Failed to execute 'linearRampToValueAtTime' on 'AudioParam'";
    const v = float(value, `${ctx}: parameter 1`);
    const t = time(s, endTime, `${ctx}: parameter 2 (endTime)`);
    ramp(s, EventType.LinearRamp, v, t, 'linearRampToValueAtTime');
    return this;
  }

  exponentialRampToValueAtTime(value: unknown, endTime: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'exponentialRampToValueAtTime');
    const ctx = "Failed to execute 'exponentialRampToValueAtTime' on 'AudioParam'";
    const v = float(value, `${ctx}: parameter 1`);
    if (v === 0) throw new RangeError(`${ctx}: the target value must not be 0`);
    const t = time(s, endTime, `${ctx}: parameter 2 (endTime)`);
    ramp(s, EventType.ExponentialRamp, v, t, 'exponentialRampToValueAtTime');
    return this;
  }

  setTargetAtTime(target: unknown, startTime: unknown, timeConstant: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'setTargetAtTime');
    const ctx = "Failed to execute 'setTargetAtTime' on 'AudioParam'";
    const v = float(target, `${ctx}: parameter 1`);
    const t = time(s, startTime, `${ctx}: parameter 2 (startTime)`);
    const tc = float(timeConstant, `${ctx}: parameter 3`);
    if (tc < 0) throw new RangeError(`${ctx}: timeConstant must be non-negative, got ${tc}`);
    insert(s, makeEvent(EventType.SetTarget, t, v, { timeConstant: tc }), 'setTargetAtTime');
    return this;
  }

  setValueCurveAtTime(values: unknown, startTime: unknown, duration: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'setValueCurveAtTime');
    const ctx = "Failed to execute 'setValueCurveAtTime' on 'AudioParam'";
    const curve = Float32Array.from(sequence(values, `${ctx}: parameter 1`, (x, c) => float(x, c)));
    const t = time(s, startTime, `${ctx}: parameter 2 (startTime)`);
    const d = double(duration, `${ctx}: parameter 3`);
    if (!(d > 0)) throw new RangeError(`${ctx}: duration must be strictly positive, got ${d}`);
    if (curve.length < 2) throw invalidState(`${ctx}: the curve needs at least 2 values, got ${curve.length}`);
    // Events strictly inside (T, T+D) are not allowed (webaudio#AudioParam rules).
    if (s.timeline.hasEventInside(t, t + d)) {
      throw notSupported(`${ctx}: the curve [${t}, ${t + d}) overlaps an already scheduled event`);
    }
    insert(s, makeEvent(EventType.ValueCurve, t, curve[0]!, { curve, duration: d, end: t + d }), 'setValueCurveAtTime');
    return this;
  }

  cancelScheduledValues(cancelTime: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'cancelScheduledValues');
    const t = time(s, cancelTime, "Failed to execute 'cancelScheduledValues' on 'AudioParam': parameter 1");
    op(s, { op: 'cancel', time: t });
    return this;
  }

  cancelAndHoldAtTime(cancelTime: unknown): AudioParam {
    const s = brand(slots, this, 'AudioParam', 'cancelAndHoldAtTime');
    const t = time(s, cancelTime, "Failed to execute 'cancelAndHoldAtTime' on 'AudioParam': parameter 1");
    op(s, { op: 'cancelAndHold', time: t });
    return this;
  }
}

/** A time argument: a finite double (TypeError), not negative (RangeError), clamped to currentTime. */
function time(s: ParamSlots, value: unknown, context: string): number {
  const t = double(value, context);
  if (t < 0) throw new RangeError(`${context}: time must not be negative, got ${t}`);
  return Math.max(t, s.core.currentTime);
}

function op(s: ParamSlots, o: AutomationOp): void {
  s.timeline.apply(o);
  s.core.send({ t: 'param', id: s.id, op: o });
}

function insert(s: ParamSlots, event: ReturnType<typeof makeEvent>, method: string): void {
  const inside = s.timeline.curveContaining(event.time);
  if (inside !== undefined) {
    throw notSupported(
      `Failed to execute '${method}' on 'AudioParam': time ${event.time} falls inside a value curve scheduled for [${inside.time}, ${inside.end})`,
    );
  }
  op(s, { op: 'insert', event, now: s.core.currentTime });
}

function ramp(s: ParamSlots, type: EventType, value: number, endTime: number, method: string): void {
  const now = s.core.currentTime;
  // With no preceding event a ramp starts as if setValueAtTime([[current value]], currentTime)
  // had been called (webaudio#dom-audioparam-linearramptovalueattime).
  const hasPrior = s.timeline.upperBound(endTime) > 0;
  if (!hasPrior) {
    const current = currentValue(s);
    insert(s, makeEvent(EventType.SetValue, now, current), method);
  }
  insert(s, makeEvent(type, endTime, value, { insertTime: now }), method);
}

function currentValue(s: ParamSlots): number {
  // The render side publishes [[current value]] each quantum; until it has rendered a quantum
  // after applying the latest set, the value script assigned is the current one.
  if (s.localSeq !== Number.MAX_SAFE_INTEGER && (!s.core.applied(s.localSeq) || s.core.currentFrame <= s.localFrame)) {
    return s.localValue;
  }
  if (s.id >= PARAM_SLOTS || s.core.currentFrame === 0) return s.localValue;
  return s.core.state.params[s.id]!;
}

/** Internal: the render-side descriptor of a param. */
export function paramInit(p: AudioParam): { id: number; defaultValue: number; minValue: number; maxValue: number; kRate: boolean } {
  const s = slots.get(p)!;
  return { id: s.id, defaultValue: s.defaultValue, minValue: s.minValue, maxValue: s.maxValue, kRate: s.rate === 'k-rate' };
}

export function paramId(p: AudioParam): number {
  return slots.get(p)!.id;
}

export function paramCore(p: unknown): ContextCore | undefined {
  return typeof p === 'object' && p !== null ? slots.get(p)?.core : undefined;
}

export function paramOwner(p: AudioParam): number {
  return slots.get(p)!.ownerId;
}

export function isAudioParam(v: unknown): v is AudioParam {
  return typeof v === 'object' && v !== null && slots.has(v);
}

/**
 * True if setting `value` now would fall inside a setValueCurveAtTime() curve (the `value`
 * setter would throw NotSupportedError). Lets the deprecated setPosition()/setOrientation()
 * methods check all their params before changing any.
 */
export function inValueCurve(p: AudioParam): boolean {
  const s = slots.get(p)!;
  return s.timeline.curveContaining(s.core.currentTime) !== undefined;
}

/** Sets the initial value from a node's options dictionary without scheduling an event. */
export function setInitialValue(p: AudioParam, value: number): void {
  const s = slots.get(p)!;
  const v = Math.fround(value);
  s.localValue = v;
  s.localSeq = s.core.pendingSeq;
  s.localFrame = s.core.currentFrame;
  s.timeline.apply({ op: 'base', value: v });
  s.core.send({ t: 'param', id: s.id, op: { op: 'base', value: v } });
}

toStringTag(AudioParam, 'AudioParam');
exposeMembers(AudioParam, [
  'value', 'automationRate', 'defaultValue', 'minValue', 'maxValue', 'setValueAtTime', 'linearRampToValueAtTime',
  'exponentialRampToValueAtTime', 'setTargetAtTime', 'setValueCurveAtTime', 'cancelScheduledValues', 'cancelAndHoldAtTime',
]);
