/**
 * The few lib.dom type names our declarations use that Node's own types (@types/node) do not
 * declare globally. Declaring them here lets the package's .d.ts files compile for a program
 * without the DOM lib; each is structurally the same as lib.dom's, so with the DOM lib present
 * values pass freely between the two.
 */

/** dom#dictdef-eventinit */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/** dom#dictdef-addeventlisteneroptions */
export interface AddEventListenerOptions extends EventListenerOptions {
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignal;
}

/** dom#callbackdef-eventlistener */
export type EventListenerOrEventListenerObject = ((evt: Event) => void) | { handleEvent(object: Event): void };

/** geometry-1#domrectreadonly */
export interface DOMRectReadOnly {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
  toJSON(): any;
}

/**
 * lib.dom's HTMLMediaElement in a program that loads the DOM lib, else `object`: the media
 * element a MediaElementAudioSourceNode reports is whatever element the page made (jsdom's,
 * happy-dom's or ours), which this package cannot name without the DOM lib.
 */
export type DomHTMLMediaElement = typeof globalThis extends { HTMLMediaElement: { prototype: infer T } } ? T : object;
