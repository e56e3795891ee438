/**
 * WebIDL conversions and interface plumbing shared by every spec interface.
 * Primitive conversions come from webidl-conversions; this module adds dictionaries, enums,
 * sequences, brand checks and the "illegal constructor" guard, with errors that name the
 * interface, member and value that were wrong.
 */
import { IDL_LENGTHS } from './lengths.js';
import conversions from 'webidl-conversions';

export interface ConvOptions {
  context: string;
}

export function unsignedLong(value: unknown, context: string, opts: { clamp?: boolean; enforceRange?: boolean } = {}): number {
  return conversions['unsigned long'](value, { context, ...opts });
}

export function long(value: unknown, context: string, opts: { clamp?: boolean; enforceRange?: boolean } = {}): number {
  return conversions.long(value, { context, ...opts });
}

export function unsignedLongLong(value: unknown, context: string, opts: { clamp?: boolean; enforceRange?: boolean } = {}): number {
  return conversions['unsigned long long'](value, { context, ...opts });
}

export function longLong(value: unknown, context: string, opts: { clamp?: boolean; enforceRange?: boolean } = {}): number {
  return conversions['long long'](value, { context, ...opts });
}

export function unsignedShort(value: unknown, context: string, opts: { clamp?: boolean; enforceRange?: boolean } = {}): number {
  return conversions['unsigned short'](value, { context, ...opts });
}

/** `double`: finite only (TypeError for NaN/Infinity). */
export function double(value: unknown, context: string): number {
  return conversions.double(value, { context });
}

export function unrestrictedDouble(value: unknown, context: string): number {
  return conversions['unrestricted double'](value, { context });
}

export function float(value: unknown, context: string): number {
  return conversions.float(value, { context });
}

export function unrestrictedFloat(value: unknown, context: string): number {
  return conversions['unrestricted float'](value, { context });
}

export function boolean(value: unknown): boolean {
  return conversions.boolean(value);
}

export function domString(value: unknown, context: string): string {
  return conversions.DOMString(value, { context });
}

export function usvString(value: unknown, context: string): string {
  return conversions.USVString(value, { context });
}

/** A WebIDL enumeration: converts to DOMString, then TypeError unless it is one of `values`. */
export function enumeration<T extends string>(value: unknown, values: readonly T[], context: string): T {
  const s = domString(value, context);
  if (!(values as readonly string[]).includes(s)) {
    throw new TypeError(`${context}: '${s}' is not a valid enumeration value (expected one of ${values.map((v) => `'${v}'`).join(', ')})`);
  }
  return s as T;
}

/**
 * The first step of converting a dictionary: undefined/null give an empty view, objects are
 * read member by member (getters may throw; that propagates), anything else is a TypeError.
 */
export function dictionary(value: unknown, context: string): Record<string, unknown> {
  if (value === undefined || value === null) return Object.create(null) as Record<string, unknown>;
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${context}: cannot convert ${describe(value)} to a dictionary`);
  }
  return value as Record<string, unknown>;
}

/** Reads a required dictionary member, TypeError if it is undefined. */
export function requiredMember(dict: Record<string, unknown>, name: string, dictName: string): unknown {
  const v = dict[name];
  if (v === undefined) throw new TypeError(`${dictName}: required member '${name}' is missing`);
  return v;
}

/** A WebIDL sequence<T>: any iterable object (not a string), each element converted. */
export function sequence<T>(value: unknown, context: string, convert: (item: unknown, context: string) => T): T[] {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw new TypeError(`${context}: cannot convert ${describe(value)} to a sequence`);
  }
  const iter = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iter !== 'function') throw new TypeError(`${context}: ${describe(value)} is not iterable`);
  const out: T[] = [];
  let i = 0;
  for (const item of value as Iterable<unknown>) {
    out.push(convert(item, `${context}[${i}]`));
    i++;
  }
  return out;
}

/** True if `value` is an object whose @@iterator is callable (the WebIDL union test for sequences). */
export function isIterableObject(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** A short, safe description of a value for error messages (never calls user code). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return Array.isArray(value) ? 'an array' : 'an object';
  }
}

/**
 * Guard for interfaces whose constructors script must not call: internal code passes this
 * token as the first argument; anything else throws "Illegal constructor".
 */
export const INTERNAL: unique symbol = Symbol('mediacapture.internal');

export function illegalConstructor(name: string): TypeError {
  return new TypeError(`Illegal constructor: ${name} cannot be constructed by script`);
}

/** TypeError for a method or accessor invoked on an object of the wrong interface. */
export function illegalInvocation(iface: string, member: string): TypeError {
  return new TypeError(`'${member}' called on an object that does not implement interface ${iface}`);
}

/**
 * Brand check: returns the internal state registered for `self`, or throws TypeError.
 * Use one WeakMap per interface: `const slots = new WeakMap<Track, TrackSlots>()`.
 */
export function brand<S>(slots: WeakMap<object, S>, self: unknown, iface: string, member: string): S {
  const s = typeof self === 'object' && self !== null ? slots.get(self) : undefined;
  if (s === undefined) throw illegalInvocation(iface, member);
  return s;
}

/** Sets Symbol.toStringTag on a class prototype as WebIDL does (non-writable, configurable). */
export function toStringTag(ctor: { prototype: object }, name: string): void {
  Object.defineProperty(ctor.prototype, Symbol.toStringTag, { value: name, writable: false, enumerable: false, configurable: true });
  const n = constructorLength(name);
  if (n !== undefined) Object.defineProperty(ctor, 'length', { value: n, configurable: true });
}

/** The IDL `length` of `iface`'s operation `member`, if the IDL lists it (own keys only). */
function idlMemberLength(iface: string, member: string): number | undefined {
  const lengths = Object.hasOwn(IDL_LENGTHS, iface) ? IDL_LENGTHS[iface] : undefined;
  return lengths !== undefined && Object.hasOwn(lengths, member) ? lengths[member] : undefined;
}

/**
 * webidl#es-interface-call: the interface object's `length` is the shortest constructor
 * overload's required argument count, and 0 for an interface declared without a constructor.
 * Undefined for interfaces the IDL tables do not know.
 */
function constructorLength(iface: string): number | undefined {
  if (!Object.hasOwn(IDL_LENGTHS, iface)) return undefined;
  return idlMemberLength(iface, 'constructor') ?? 0;
}

/** Gives an operation installed by hand the `length` the IDL of `iface` gives it. */
export function idlLength<F extends Function>(iface: string, name: string, fn: F): F {
  const n = idlMemberLength(iface, name);
  if (n !== undefined) Object.defineProperty(fn, 'length', { value: n, configurable: true });
  return fn;
}

/**
 * Makes the listed prototype members enumerable, as WebIDL defines attributes and operations
 * (class syntax makes them non-enumerable).
 */
export function exposeMembers(ctor: { prototype: object; name?: string }, names: readonly string[]): void {
  // webidl#es-operations: an operation's (and the constructor's) `length` is the number of
  // required arguments of its shortest overload, whatever the implementation declares.
  const iface = ctor.name ?? '';
  const ctorLength = constructorLength(iface);
  if (ctorLength !== undefined) Object.defineProperty(ctor, 'length', { value: ctorLength, configurable: true });
  for (const name of names) {
    const desc = Object.getOwnPropertyDescriptor(ctor.prototype, name);
    if (!desc) continue;
    Object.defineProperty(ctor.prototype, name, { ...desc, enumerable: true });
    const n = idlMemberLength(iface, name);
    if (n !== undefined && typeof desc.value === 'function') Object.defineProperty(desc.value, 'length', { value: n, configurable: true });
  }
}

/**
 * An EventHandler IDL attribute (onfoo) backed by an event listener, per HTML's event handler
 * processing: setting a non-callable value (other than null) stores null; the listener is
 * registered once, in the position of the first non-null assignment.
 */
export function defineEventHandler(ctor: { prototype: EventTarget }, type: string, iface: string): void {
  const handlers = new WeakMap<EventTarget, { fn: ((this: EventTarget, ev: Event) => unknown) | null; registered: boolean }>();
  const prop = `on${type}`;
  Object.defineProperty(ctor.prototype, prop, {
    configurable: true,
    enumerable: true,
    get(this: EventTarget) {
      if (!(this instanceof EventTarget)) throw illegalInvocation(iface, prop);
      return handlers.get(this)?.fn ?? null;
    },
    set(this: EventTarget, value: unknown) {
      if (!(this instanceof EventTarget)) throw illegalInvocation(iface, prop);
      let state = handlers.get(this);
      if (!state) {
        state = { fn: null, registered: false };
        handlers.set(this, state);
      }
      state.fn = typeof value === 'function' || (typeof value === 'object' && value !== null) ? (value as (ev: Event) => unknown) : null;
      if (state.fn && !state.registered) {
        state.registered = true;
        const s = state;
        const target = this;
        this.addEventListener(type, (ev: Event) => {
          const fn = s.fn;
          if (typeof fn === 'function') {
            const ret = fn.call(target, ev);
            if (ret === false) ev.preventDefault();
          }
        });
      }
    },
  });
}

/** Reports an exception thrown by a user callback without letting it escape into engine code. */
export function reportException(error: unknown): void {
  queueMicrotask(() => {
    // html#report-the-exception: an ErrorEvent at the global object, where it is an EventTarget
    // (jsdom, happy-dom); a listener that cancels it has handled the error.
    const g = globalThis as unknown as { dispatchEvent?: (e: Event) => boolean; ErrorEvent?: new (type: string, init: object) => Event };
    if (typeof g.dispatchEvent === 'function' && typeof g.ErrorEvent === 'function') {
      let handled = false;
      try {
        const message = error instanceof Error ? error.message : String(error);
        handled = !g.dispatchEvent(new g.ErrorEvent('error', { error, message, cancelable: true }));
      } catch {
        // A foreign global whose dispatch fails: fall through to the process-level report.
      }
      if (handled) return;
    }
    // Re-throwing from a microtask gives it the same treatment as an error in an event listener.
    if (typeof process !== 'undefined' && process.listenerCount?.('uncaughtException') === 0) {
      console.error(error);
      return;
    }
    throw error;
  });
}
