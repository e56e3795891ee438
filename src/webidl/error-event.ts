/**
 * The ErrorEvent of HTML (html#errorevent), for the runtimes that have none (Node): the event
 * `error` that MediaRecorder fires, carrying a DOMException in `error`. Where the global has an
 * ErrorEvent built on this runtime's Event, that one is used so `instanceof ErrorEvent` holds.
 */
import type { EventInit } from './dom-types.js';

export interface ErrorEventShape extends Event {
  readonly message: string;
  readonly filename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly error: unknown;
}

class ErrorEventImpl extends Event implements ErrorEventShape {
  readonly #init: { message: string; filename: string; lineno: number; colno: number; error: unknown };
  constructor(type: string, init: { message?: string; filename?: string; lineno?: number; colno?: number; error?: unknown } & EventInit = {}) {
    super(type, init);
    this.#init = {
      message: String(init.message ?? ''),
      filename: String(init.filename ?? ''),
      lineno: (init.lineno ?? 0) >>> 0,
      colno: (init.colno ?? 0) >>> 0,
      error: init.error,
    };
  }
  get message(): string { return this.#init.message; }
  get filename(): string { return this.#init.filename; }
  get lineno(): number { return this.#init.lineno; }
  get colno(): number { return this.#init.colno; }
  get error(): unknown { return this.#init.error; }
}
Object.defineProperty(ErrorEventImpl.prototype, Symbol.toStringTag, { value: 'ErrorEvent', configurable: true });
Object.defineProperty(ErrorEventImpl, 'name', { value: 'ErrorEvent' });

type ErrorEventCtor = new (type: string, init?: { message?: string; error?: unknown } & EventInit) => ErrorEventShape;

/** The ErrorEvent class in use: the global one where there is one, else ours. */
export function errorEventClass(): ErrorEventCtor {
  const G = (globalThis as { ErrorEvent?: ErrorEventCtor }).ErrorEvent;
  // A DOM library's ErrorEvent that is not an Event of this runtime cannot be dispatched here.
  return typeof G === 'function' && G.prototype instanceof Event ? G : (ErrorEventImpl as ErrorEventCtor);
}

export { ErrorEventImpl as ErrorEvent };
