/**
 * WebIDL conversion of the constraint dictionaries, as a browser's bindings do it
 * (mediacapture-main#constraint-types, checklist item 3): dictionary members are read once each,
 * in WebIDL order (inherited members first, then code-unit order); unknown members are never
 * read; unions are resolved with the WebIDL "ES to union" steps; the result is a fresh plain
 * object holding only the members that were present.
 */
import { dictionary, describe, domString, double, boolean, unsignedLong } from '../webidl/index.js';
import { CONSTRAINT_SET_MEMBERS, PROPERTIES, SUPPORTED_NAMES, type ConstraintType } from './properties.js';
import type { MediaTrackConstraints, MediaTrackConstraintSet, MediaTrackSupportedConstraints } from './types.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/**
 * WebIDL GetMethod(V, @@iterator): undefined when absent, TypeError when present but not callable.
 * Used by the union steps (the @@iterator getter is read exactly once).
 */
function iteratorMethod(v: object, context: string): ((this: unknown) => Iterator<unknown>) | undefined {
  const method = (v as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'function') throw new TypeError(`${context}: @@iterator of ${describe(v)} is not callable`);
  return method as (this: unknown) => Iterator<unknown>;
}

/** WebIDL "create a sequence from an iterable" with an already-read @@iterator method. */
function sequenceFrom<T>(v: object, method: (this: unknown) => Iterator<unknown>, context: string, convert: (item: unknown, ctx: string) => T): T[] {
  const iterator = method.call(v);
  if (!isObject(iterator)) throw new TypeError(`${context}: @@iterator did not return an object`);
  const next = (iterator as Iterator<unknown>).next;
  const out: T[] = [];
  for (let i = 0; ; i++) {
    const r = (next as (this: unknown) => unknown).call(iterator);
    if (!isObject(r)) throw new TypeError(`${context}: iterator result is not an object`);
    if ((r as IteratorResult<unknown>).done) return out;
    out.push(convert((r as IteratorResult<unknown>).value, `${context}[${i}]`));
  }
}

function stringOrSequence(v: unknown, context: string): string | string[] {
  // (DOMString or sequence<DOMString>): an object with @@iterator is a sequence, anything else a string.
  if (isObject(v)) {
    const method = iteratorMethod(v, context);
    if (method !== undefined) return sequenceFrom(v, method, context, domString);
  }
  return domString(v, context);
}

/** Reads the listed members of a dictionary in order; calls `set` for each present one. */
function readMembers(dict: Obj, names: readonly string[], set: (name: string, value: unknown) => void): void {
  for (const name of names) {
    const v = dict[name];
    if (v !== undefined) set(name, v);
  }
}

// ConstrainULongRange : ULongRange, ConstrainDoubleRange : DoubleRange: inherited max/min first.
const RANGE_MEMBERS = ['max', 'min', 'exact', 'ideal'] as const;
const PARAM_MEMBERS = ['exact', 'ideal'] as const;

function convertULong(v: unknown, context: string): number | Obj {
  // ([Clamp] unsigned long or ConstrainULongRange)
  if (v === null || isObject(v)) {
    const d = dictionary(v, context);
    const out: Obj = {};
    readMembers(d, RANGE_MEMBERS, (m, x) => (out[m] = unsignedLong(x, `${context}.${m}`, { clamp: true })));
    return out;
  }
  return unsignedLong(v, context, { clamp: true });
}

function convertDouble(v: unknown, context: string): number | Obj {
  // (double or ConstrainDoubleRange)
  if (v === null || isObject(v)) {
    const d = dictionary(v, context);
    const out: Obj = {};
    readMembers(d, RANGE_MEMBERS, (m, x) => (out[m] = double(x, `${context}.${m}`)));
    return out;
  }
  return double(v, context);
}

function convertBoolean(v: unknown, context: string): boolean | Obj {
  // (boolean or ConstrainBooleanParameters): no string or numeric member type, so any other
  // primitive goes through ToBoolean.
  if (v === null || isObject(v)) {
    const d = dictionary(v, context);
    const out: Obj = {};
    readMembers(d, PARAM_MEMBERS, (m, x) => (out[m] = boolean(x)));
    return out;
  }
  return boolean(v);
}

function convertString(v: unknown, context: string): string | string[] | Obj {
  // (DOMString or sequence<DOMString> or ConstrainDOMStringParameters)
  if (v === null) return {};
  if (isObject(v)) {
    const method = iteratorMethod(v, context);
    if (method !== undefined) return sequenceFrom(v, method, context, domString);
    const d = dictionary(v, context);
    const out: Obj = {};
    readMembers(d, PARAM_MEMBERS, (m, x) => (out[m] = stringOrSequence(x, `${context}.${m}`)));
    return out;
  }
  return domString(v, context);
}

function booleanOrString(v: unknown, context: string): boolean | string {
  // (boolean or DOMString): booleans stay booleans, everything else becomes a string.
  return typeof v === 'boolean' ? v : domString(v, context);
}

function convertBooleanOrString(v: unknown, context: string): boolean | string | Obj {
  // (boolean or DOMString or ConstrainBooleanOrDOMStringParameters)
  if (v === null || isObject(v)) {
    const d = dictionary(v, context);
    const out: Obj = {};
    readMembers(d, PARAM_MEMBERS, (m, x) => (out[m] = booleanOrString(x, `${context}.${m}`)));
    return out;
  }
  return booleanOrString(v, context);
}

const CONVERTERS: Record<ConstraintType, (v: unknown, context: string) => unknown> = {
  ulong: convertULong,
  double: convertDouble,
  boolean: convertBoolean,
  string: convertString,
  booleanOrString: convertBooleanOrString,
};

/** Converts a value to MediaTrackConstraintSet (mediacapture-main#dom-mediatrackconstraintset). */
export function convertMediaTrackConstraintSet(value: unknown, context: string): MediaTrackConstraintSet {
  const d = dictionary(value, context);
  const out: Obj = {};
  convertSetMembers(d, out, context);
  return out as MediaTrackConstraintSet;
}

function convertSetMembers(d: Obj, out: Obj, context: string): void {
  readMembers(d, CONSTRAINT_SET_MEMBERS, (name, v) => {
    out[name] = CONVERTERS[PROPERTIES.get(name)!.type](v, `${context}.${name}`);
  });
}

/** Converts a value to MediaTrackConstraints (mediacapture-main#media-track-constraints). */
export function convertMediaTrackConstraints(value: unknown, context: string): MediaTrackConstraints {
  const d = dictionary(value, context);
  const out: Obj = {};
  // Inherited MediaTrackConstraintSet members come before the dictionary's own `advanced`.
  convertSetMembers(d, out, context);
  const advanced = d.advanced;
  if (advanced !== undefined) {
    const ctx = `${context}.advanced`;
    if (!isObject(advanced)) throw new TypeError(`${ctx}: cannot convert ${describe(advanced)} to a sequence`);
    const method = iteratorMethod(advanced, ctx);
    if (method === undefined) throw new TypeError(`${ctx}: ${describe(advanced)} is not iterable`);
    out.advanced = sequenceFrom(advanced, method, ctx, convertMediaTrackConstraintSet);
  }
  return out as MediaTrackConstraints;
}

function convertBooleanOrConstraints(v: unknown, context: string): boolean | MediaTrackConstraints {
  // (boolean or MediaTrackConstraints): null and objects are dictionaries, the rest ToBoolean.
  if (v === null || isObject(v)) return convertMediaTrackConstraints(v, context);
  return boolean(v);
}

/** Converts a value to MediaStreamConstraints (mediacapture-main#mediastreamconstraints); both members default to false. */
export function convertMediaStreamConstraints(
  value: unknown,
  context: string,
): { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints } {
  const d = dictionary(value, context);
  const a = d.audio;
  const audio = a === undefined ? false : convertBooleanOrConstraints(a, `${context}.audio`);
  const v = d.video;
  const video = v === undefined ? false : convertBooleanOrConstraints(v, `${context}.video`);
  return { audio, video };
}

/**
 * mediacapture-main#dom-mediadevices-getsupportedconstraints: a fresh dictionary with `true` for
 * every constrainable property we implement (all of mediacapture-main's) and nothing else.
 */
export function supportedConstraints(): MediaTrackSupportedConstraints {
  const out: Record<string, boolean> = {};
  // Dictionary-to-JS conversion emits members in WebIDL order (code-unit order).
  for (const name of [...SUPPORTED_NAMES].sort()) out[name] = true;
  return out as MediaTrackSupportedConstraints;
}
