/**
 * The EventTarget every interface of ours extends. It is the platform's EventTarget with one
 * difference that a browser has and Node's lacks: an exception thrown by a listener is *reported*
 * (dom#concept-event-listener-inner-invoke step 10, "report the exception") and dispatch goes on,
 * instead of being re-thrown on the next tick, which ends a Node process that has no
 * 'uncaughtException' handler. Reporting goes through reportException(): an `error` event on the
 * global object where it is an EventTarget (jsdom, happy-dom), else the process's
 * 'uncaughtException' handlers when there are any, else the console.
 *
 * Listeners are wrapped once per (listener, type, capture) — the identity the DOM uses to find a
 * listener — so adding the same listener twice is still one listener and removing it works.
 */
import { reportException } from './index.js';
import type { AddEventListenerOptions, EventListenerOrEventListenerObject } from './dom-types.js';

type Listener = EventListenerOrEventListenerObject;
type Wrapper = (this: EventTarget, event: Event) => void;

const wrappers = new WeakMap<object, Map<string, Wrapper>>();
/** Every wrapper made; the platform itself removes wrappers (for `once` and `signal`). */
const isWrapper = new WeakSet<object>();

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === 'boolean' ? options : Boolean(options?.capture);
}

function wrapperFor(listener: Listener, type: string, capture: boolean, create: boolean): Wrapper | undefined {
  const key = `${capture ? 'c' : 'b'}:${type}`;
  let perListener = wrappers.get(listener);
  let w = perListener?.get(key);
  if (w || !create) return w;
  w = function (this: EventTarget, event: Event): void {
    try {
      if (typeof listener === 'function') {
        listener.call(this, event);
      } else {
        // dom#concept-event-listener-inner-invoke: handleEvent is looked up at each call.
        const handle = listener.handleEvent;
        if (typeof handle !== 'function') throw new TypeError(`the listener for '${type}' has no handleEvent() method`);
        handle.call(listener, event);
      }
    } catch (error) {
      reportException(error);
    }
  };
  if (!perListener) {
    perListener = new Map();
    wrappers.set(listener, perListener);
  }
  perListener.set(key, w);
  isWrapper.add(w);
  return w;
}

export class MediaEventTarget extends EventTarget {
  override addEventListener(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions): void {
    if (listener === null || (typeof listener !== 'function' && typeof listener !== 'object')) {
      // Let the platform answer null / invalid listeners exactly as it does.
      super.addEventListener(type, listener as Listener | null, options);
      return;
    }
    const t = String(type);
    super.addEventListener(t, wrapperFor(listener, t, captureOf(options), true)!, options);
  }

  override removeEventListener(type: string, listener: Listener | null, options?: boolean | EventListenerOptions): void {
    if (listener === null || (typeof listener !== 'function' && typeof listener !== 'object') || isWrapper.has(listener)) {
      super.removeEventListener(type, listener as Listener | null, options);
      return;
    }
    const t = String(type);
    const w = wrapperFor(listener, t, captureOf(options), false);
    // Pass capture as a dictionary: Node's EventTarget ignores a bare boolean here.
    if (w) super.removeEventListener(t, w, { capture: captureOf(options) });
  }
}
