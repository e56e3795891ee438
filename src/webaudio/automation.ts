/**
 * The AudioParam automation timeline (webaudio#AudioParam, webaudio#computation-of-value).
 *
 * The same code runs on both sides: the control side uses it to validate calls and to
 * rewrite events for cancelAndHoldAtTime(); the render side replays the same operations (they
 * are deterministic given the same inputs, including the `now` each one carries) and samples
 * the resulting curve at every sample frame.
 */

export const enum EventType {
  SetValue = 0,
  LinearRamp = 1,
  ExponentialRamp = 2,
  SetTarget = 3,
  ValueCurve = 4,
}

export interface AutomationEvent {
  type: EventType;
  /** Automation event time (seconds). */
  time: number;
  /** SetValue / ramp end value / SetTarget target. */
  value: number;
  /** SetTarget time constant. */
  timeConstant: number;
  /** ValueCurve: the copied curve and its original duration (sampling uses it even when truncated). */
  curve: Float32Array | null;
  duration: number;
  /** ValueCurve: when the curve stops (time + duration, or earlier after cancelAndHoldAtTime). */
  end: number;
  /** Ramps: the context time when the ramp was scheduled (decides how it follows a SetTarget). */
  insertTime: number;
}

/** A serialisable timeline operation, sent from control to render side. */
export type AutomationOp =
  | { op: 'insert'; event: AutomationEvent; now: number }
  | { op: 'cancel'; time: number }
  | { op: 'cancelAndHold'; time: number }
  | { op: 'base'; value: number };

export function makeEvent(type: EventType, time: number, value: number, extra: Partial<AutomationEvent> = {}): AutomationEvent {
  return {
    type,
    time,
    value,
    timeConstant: extra.timeConstant ?? 0,
    curve: extra.curve ?? null,
    duration: extra.duration ?? 0,
    end: extra.end ?? time,
    insertTime: extra.insertTime ?? 0,
  };
}

function isRamp(e: AutomationEvent | undefined): boolean {
  return e !== undefined && (e.type === EventType.LinearRamp || e.type === EventType.ExponentialRamp);
}

function curveValue(e: AutomationEvent, t: number): number {
  const curve = e.curve!;
  const n = curve.length;
  if (t >= e.time + e.duration) return curve[n - 1]!;
  // webaudio#dom-audioparam-setvaluecurveattime: k = floor((N-1)/TD * (t - T0)), then
  // interpolate linearly between V[k] and V[k+1].
  const pos = ((n - 1) / e.duration) * (t - e.time);
  const k = Math.floor(pos);
  if (k >= n - 1) return curve[n - 1]!;
  if (k < 0) return curve[0]!;
  const v0 = curve[k]!;
  return v0 + (curve[k + 1]! - v0) * (pos - k);
}

export class AutomationTimeline {
  readonly events: AutomationEvent[] = [];
  /** The intrinsic value before the first event (the `value` attribute's default). */
  baseValue: number;
  /** Cached value of the timeline at events[i].time computed from events before i. */
  #startValues: number[] = [];
  #cursor = 0;

  constructor(baseValue: number) {
    this.baseValue = baseValue;
  }

  #changed(): void {
    this.#startValues.length = 0;
    this.#cursor = 0;
    this.version++;
  }

  /** Bumped by every change to the events or the base value. */
  version = 0;

  /**
   * Set by sample() when it returned true: the value stays `constantValue` at every later frame
   * too (no event after the quantum start, and nothing still moving), until the timeline changes.
   */
  settled = false;

  /** Index at which an event at `time` is inserted: after every event at or before `time`. */
  #insertionIndex(time: number): number {
    return this.upperBound(time);
  }

  /**
   * The number of events at or before `time` (the index of the first event after it): a binary
   * search, with a fast answer for the common case of a time after every event.
   */
  upperBound(time: number): number {
    const ev = this.events;
    let hi = ev.length;
    if (hi === 0 || ev[hi - 1]!.time <= time) return hi;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ev[mid]!.time <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The ValueCurve whose active interval [T, end) contains `time`, if any
   * (webaudio#AudioParam: events may not be scheduled inside a curve).
   */
  curveContaining(time: number): AutomationEvent | undefined {
    // No event may lie strictly inside a curve's interval, so only the events sharing the latest
    // time at or before `time` can be a curve that contains it.
    const ev = this.events;
    let i = this.upperBound(time) - 1;
    if (i < 0) return undefined;
    const latest = ev[i]!.time;
    for (; i >= 0 && ev[i]!.time === latest; i--) {
      const e = ev[i]!;
      if (e.type === EventType.ValueCurve && time >= e.time && time < e.end) return e;
    }
    return undefined;
  }

  /** True if some event has a time strictly inside (start, end). */
  hasEventInside(start: number, end: number): boolean {
    const next = this.events[this.upperBound(start)];
    return next !== undefined && next.time < end;
  }

  get length(): number {
    return this.events.length;
  }

  apply(op: AutomationOp): void {
    switch (op.op) {
      case 'insert':
        this.insert(op.event, op.now);
        break;
      case 'cancel':
        this.cancel(op.time);
        break;
      case 'cancelAndHold':
        this.cancelAndHold(op.time);
        break;
      case 'base':
        this.baseValue = op.value;
        this.#changed();
        break;
    }
  }

  insert(event: AutomationEvent, now: number): void {
    const i = this.#insertionIndex(event.time);
    this.events.splice(i, 0, event);
    if (event.type === EventType.ValueCurve) {
      // The implicit setValueAtTime(V[N-1], T0 + TD) so later automation starts from the
      // curve's end (webaudio#dom-audioparam-setvaluecurveattime).
      const last = event.curve![event.curve!.length - 1]!;
      const end = makeEvent(EventType.SetValue, event.time + event.duration, last);
      this.events.splice(this.#insertionIndex(end.time), 0, end);
    }
    this.#prune(now);
    this.#changed();
  }

  /**
   * Drops events that can no longer influence any value at or after `now`: everything before
   * the last SetValue at or before `now` (a SetValue fixes the value from its time on, and a
   * following ramp starts from it). Both sides prune at the same operations with the same `now`.
   */
  #prune(now: number): void {
    const ev = this.events;
    let keep = -1;
    for (let i = this.upperBound(now) - 1; i > 0; i--) {
      if (ev[i]!.type === EventType.SetValue) {
        keep = i;
        break;
      }
    }
    if (keep > 0) {
      // Keep the timeline's value before `keep` as the base so nothing observable changes.
      this.baseValue = ev[keep]!.value;
      ev.splice(0, keep);
    }
  }

  /** webaudio#dom-audioparam-cancelscheduledvalues */
  cancel(cancelTime: number): void {
    const ev = this.events;
    let w = 0;
    for (let r = 0; r < ev.length; r++) {
      const e = ev[r]!;
      const remove =
        e.time >= cancelTime || (e.type === EventType.ValueCurve && cancelTime >= e.time && cancelTime <= e.time + e.duration);
      if (!remove) ev[w++] = e;
    }
    ev.length = w;
    this.#changed();
  }

  /** webaudio#dom-audioparam-cancelandholdattime */
  cancelAndHold(tc: number): void {
    const ev = this.events;
    const held = this.valueAt(tc);
    // 1-2. E1: last event with time <= tc; E2: first event with time > tc.
    const i2 = this.upperBound(tc);
    const e1 = i2 > 0 ? ev[i2 - 1] : undefined;
    const e2 = ev[i2];
    if (e2 !== undefined && isRamp(e2)) {
      // 3.1 Rewrite E2 as the same kind of ramp ending at tc with the value it has there.
      const rewritten = { ...e2, time: tc, value: held };
      ev.length = i2;
      ev.push(rewritten);
      this.#changed();
      return;
    }
    if (e1 !== undefined) {
      if (e1.type === EventType.SetTarget) {
        // 4.1 Insert setValueAtTime(value of the SetTarget at tc, tc).
        ev.length = i2;
        ev.push(makeEvent(EventType.SetValue, tc, held));
        this.#changed();
        return;
      }
      if (e1.type === EventType.ValueCurve && tc <= e1.time + e1.duration) {
        // 4.2 Truncate the curve at tc, still sampling it with its original duration.
        ev[i2 - 1] = { ...e1, end: tc };
      }
    }
    // 5. Remove all events after tc.
    ev.length = i2;
    this.#changed();
  }

  /** The value at events[i].time produced by the events before i. */
  #startValue(i: number): number {
    const cache = this.#startValues;
    const cached = cache[i];
    if (cached !== undefined) return cached;
    // Fill the cache upwards from the last known value, so a long chain of ramps or targets is
    // walked iteratively (each step needs only the one before it) and never recursively.
    let j = i;
    while (j > 0 && cache[j - 1] === undefined) j--;
    for (; j <= i; j++) cache[j] = this.#valueWith(j, this.events[j]!.time, j);
    return cache[i]!;
  }

  /** (T0, V0) for the ramp at index i (webaudio#dom-audioparam-linearramptovalueattime). */
  #rampStart(i: number, out: { t0: number; v0: number }): void {
    const ramp = this.events[i]!;
    const prev = this.events[i - 1];
    if (prev === undefined) {
      out.t0 = ramp.insertTime;
      out.v0 = this.baseValue;
    } else if (prev.type === EventType.SetTarget) {
      if (prev.time >= ramp.insertTime) {
        // The SetTarget had not started: the ramp replaces it, starting from the value
        // just before it.
        out.t0 = prev.time;
        out.v0 = this.#startValue(i - 1);
      } else {
        out.t0 = ramp.insertTime;
        out.v0 = this.#targetValue(i - 1, ramp.insertTime);
      }
    } else if (prev.type === EventType.ValueCurve) {
      out.t0 = prev.end;
      out.v0 = curveValue(prev, prev.end);
    } else {
      out.t0 = prev.time;
      out.v0 = prev.value;
    }
  }

  #targetValue(i: number, t: number): number {
    const e = this.events[i]!;
    const v0 = this.#startValue(i);
    if (e.timeConstant === 0) return e.value;
    return e.value + (v0 - e.value) * Math.exp(-(t - e.time) / e.timeConstant);
  }

  readonly #ramp = { t0: 0, v0: 0 };

  /**
   * Value at time t given that `idx` events (indices < idx) are at or before t, considering
   * only events with index < limit as "next" candidates.
   */
  #valueWith(idx: number, t: number, limit: number): number {
    const ev = this.events;
    const next = idx < limit ? ev[idx] : undefined;
    if (next !== undefined && isRamp(next)) {
      const r = this.#ramp;
      this.#rampStart(idx, r);
      const { t0, v0 } = r;
      const v1 = next.value;
      const t1 = next.time;
      if (t1 <= t0) return v1;
      if (t < t0) return v0;
      const f = (t - t0) / (t1 - t0);
      if (next.type === EventType.LinearRamp) return v0 + (v1 - v0) * f;
      // webaudio#dom-audioparam-exponentialramptovalueattime
      if (v0 === 0 || v0 * v1 < 0) return v0;
      return v0 * Math.pow(v1 / v0, f);
    }
    if (idx === 0) return this.baseValue;
    const prev = ev[idx - 1]!;
    switch (prev.type) {
      case EventType.SetValue:
      case EventType.LinearRamp:
      case EventType.ExponentialRamp:
        return prev.value;
      case EventType.SetTarget:
        return this.#targetValue(idx - 1, t);
      case EventType.ValueCurve:
        return curveValue(prev, t < prev.end ? t : prev.end);
    }
  }

  /** The intrinsic value at time t (seconds). */
  valueAt(t: number): number {
    return this.#valueWith(this.upperBound(t), t, this.events.length);
  }

  /**
   * Fills out[0..frames) with the intrinsic values at sample frames startFrame.. (a-rate),
   * or with the value at startFrame everywhere (k-rate). Returns true if every value is equal.
   */
  fill(out: Float32Array, startFrame: number, frames: number, sampleRate: number, kRate: boolean): boolean {
    if (!this.sample(out, startFrame, frames, sampleRate, kRate)) return false;
    out.fill(this.constantValue, 0, frames);
    return true;
  }

  /**
   * The value of the last quantum sample() found constant (intrinsic, before clamping). Reading it
   * is only meaningful right after sample() returned true.
   */
  constantValue = 0;

  /**
   * Samples the quantum starting at startFrame. If the intrinsic value is the same for every
   * frame (always so for k-rate), returns true, sets `constantValue` and leaves `out` untouched,
   * so a caller holding that value already writes nothing. Otherwise writes the value of every
   * frame into out[0..frames) and returns false. Time only moves forward between calls, so a
   * cursor avoids searching from the start.
   */
  sample(out: Float32Array, startFrame: number, frames: number, sampleRate: number, kRate: boolean): boolean {
    const ev = this.events;
    const n = ev.length;
    if (n === 0) {
      this.constantValue = this.baseValue;
      this.settled = true;
      return true;
    }
    let idx = this.#cursor;
    const t0 = startFrame / sampleRate;
    if (idx === 0 || ev[idx - 1]!.time > t0) idx = this.upperBound(t0);
    else while (idx < n && ev[idx]!.time <= t0) idx++;
    this.#cursor = idx;
    const first = this.#valueWith(idx, t0, n);
    // Constant for the whole quantum if nothing changes between here and its end.
    const tEnd = (startFrame + frames - 1) / sampleRate;
    const next = ev[idx];
    const prev = idx > 0 ? ev[idx - 1] : undefined;
    const varying =
      prev !== undefined && (prev.type === EventType.SetTarget || (prev.type === EventType.ValueCurve && t0 < prev.end));
    if (kRate || ((next === undefined || next.time > tEnd) && !isRamp(next) && !varying)) {
      this.constantValue = first;
      this.settled = next === undefined && !varying;
      return true;
    }
    out[0] = first;
    for (let i = 1; i < frames; i++) {
      const t = (startFrame + i) / sampleRate;
      while (idx < n && ev[idx]!.time <= t) idx++;
      if (idx === n) {
        // Past the last event: a SetValue or a finished ramp holds its value for the rest of the
        // quantum (what #valueWith returns for every remaining frame), so fill instead of sampling.
        const last = ev[n - 1]!.type;
        if (last === EventType.SetValue || last === EventType.LinearRamp || last === EventType.ExponentialRamp) {
          out.fill(ev[n - 1]!.value, i, frames);
          break;
        }
      }
      out[i] = this.#valueWith(idx, t, n);
    }
    this.#cursor = idx;
    return false;
  }
}
