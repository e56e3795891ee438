/**
 * Adds MediaStream playback to the media element classes of a DOM implementation (jsdom,
 * happy-dom), and canvas capture / a 2D context to its canvas element, found by shape: a window
 * with HTMLMediaElement, HTMLVideoElement, HTMLCanvasElement and Event. Nothing is imported.
 *
 * Patched elements follow media-element-core.ts: srcObject plays a MediaStream, and `src` (set
 * through the property, or a src attribute present when play() or load() is called) loads a media
 * file from the document's base URL, with the document's origin deciding what is cross-origin.
 * A src attribute set by setAttribute() or parsed from markup loads too (the document is watched).
 */
import { playbackQuality } from './video-playback-quality.js';
import {
  createElementState,
  elementStateOf,
  setSrcObject,
  mediaElementLoad,
  play,
  pause,
  currentTimeOf,
  hasEndedPlayback,
  requestVideoFrameCallback,
  cancelVideoFrameCallback,
  captureStream,
  seekTo,
  canPlayType,
  DOM_MEDIA_ELEMENT,
  NETWORK_EMPTY,
  HAVE_NOTHING,
  type MediaSourceChild,
  type ElementState,
} from './media-element-core.js';
import { backingCanvases, isCanvasLike, isOriginClean, notOriginClean, patchContextPrototype, type CanvasLike } from './canvas-2d.js';
import { captureCanvasStream } from './canvas-capture-media-stream-track.js';
import { queueTask } from '../stream/tasks.js';

type Ctor = { prototype: object } & (new (...args: never[]) => object);

export interface WindowLike {
  HTMLMediaElement?: Ctor;
  HTMLVideoElement?: Ctor;
  HTMLCanvasElement?: Ctor;
  Event?: new (type: string) => Event;
  Blob?: new (parts: unknown[], options?: { type?: string }) => unknown;
}

/** A canvas library, by shape: createCanvas(w, h) (@napi-rs/canvas, node-canvas) or a Canvas class (skia-canvas). */
export interface CanvasLibraryLike {
  createCanvas?(width: number, height: number): unknown;
  Canvas?: new (width: number, height: number) => unknown;
}

const PATCHED = Symbol.for('mediacapture.elements.patched');

function isPatched(proto: object): boolean {
  return Object.prototype.hasOwnProperty.call(proto, PATCHED);
}

function markPatched(proto: object): void {
  Object.defineProperty(proto, PATCHED, { value: true });
}

type Desc = PropertyDescriptor | undefined;

function findDescriptor(proto: object, name: string): Desc {
  for (let p: object | null = proto; p; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d;
  }
  return undefined;
}

function defineAccessor(proto: object, name: string, get: (this: object, original: Desc) => unknown, set?: (this: object, value: unknown, original: Desc) => void): void {
  const original = findDescriptor(proto, name);
  Object.defineProperty(proto, name, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      return get.call(this, original);
    },
    set: set
      ? function (this: object, value: unknown) {
          set.call(this, value, original);
        }
      : original?.set
        ? function (this: object, value: unknown) {
            original.set!.call(this, value);
          }
        : undefined,
  });
}

function defineMethod(proto: object, name: string, fn: (this: object, original: ((...args: unknown[]) => unknown) | undefined, ...args: unknown[]) => unknown): void {
  const d = findDescriptor(proto, name);
  const original = typeof d?.value === 'function' ? (d.value as (...args: unknown[]) => unknown) : undefined;
  Object.defineProperty(proto, name, {
    configurable: true,
    enumerable: true,
    writable: true,
    value: {
      [name](this: object, ...args: unknown[]) {
        return fn.call(this, original, ...args);
      },
    }[name],
  });
}

function originalGet(self: object, original: Desc): unknown {
  return original?.get ? original.get.call(self) : undefined;
}

/** The Event interface of the window that owns `el` (el.ownerDocument.defaultView), if any. */
function realmEvent(el: object): (new (type: string) => Event) | undefined {
  const view = (el as { ownerDocument?: { defaultView?: { Event?: unknown } | null } }).ownerDocument?.defaultView;
  return typeof view?.Event === 'function' ? (view.Event as new (type: string) => Event) : undefined;
}

interface ElementLike extends EventTarget {
  readonly tagName?: string;
  readonly children?: ArrayLike<ElementLike>;
  readonly parentNode?: ElementLike | null;
  getAttribute?(name: string): string | null;
}

/** The <source> children of a DOM media element, in tree order. */
function sourceChildren(el: object): MediaSourceChild[] {
  const children = (el as ElementLike).children;
  if (!children) return [];
  const out: MediaSourceChild[] = [];
  for (const c of Array.from(children)) {
    if (String(c.tagName).toUpperCase() !== 'SOURCE' || typeof c.getAttribute !== 'function') continue;
    out.push({ src: c.getAttribute('src'), type: c.getAttribute('type'), element: c });
  }
  return out;
}

/** The origin of `doc` (its URL's), or null when it has none that is a tuple origin. */
function documentOrigin(doc: { URL?: string; location?: { origin?: string } | null } | null | undefined): string | null {
  const fromLocation = doc?.location?.origin;
  if (typeof fromLocation === 'string' && fromLocation !== 'null') return fromLocation;
  if (typeof doc?.URL !== 'string') return null;
  try {
    const origin = new URL(doc.URL).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * html#location-of-the-media-resource: a src attribute set or changed in any way (the parser,
 * setAttribute(), innerHTML) runs the media element load algorithm. The window's document is
 * watched for that; media elements already in it with a src load now. (The src property's own
 * setter loads at once; the observer skips what it already loaded.)
 */
function watchSrcAttributes(window: WindowLike, stateFor: (el: object) => ElementState): void {
  const w = window as WindowLike & {
    document?: { querySelectorAll?(s: string): ArrayLike<object> } & object;
    MutationObserver?: new (cb: (records: { type: string; target: object; addedNodes: ArrayLike<object> }[]) => void) => { observe(target: object, options: object): void };
  };
  const Media = window.HTMLMediaElement!;
  const doc = w.document;
  if (!doc || typeof w.MutationObserver !== 'function') return;
  const consider = (el: object): void => {
    if (!(el instanceof Media)) return;
    const src = (el as { getAttribute(n: string): string | null }).getAttribute('src');
    if (src === null) return;
    const existing = elementStateOf(el);
    if (existing && existing.srcAtLoad === src) return;
    mediaElementLoad(existing ?? stateFor(el));
  };
  // A <source> inserted into a media element without src whose networkState is EMPTY starts the
  // resource selection algorithm (html#the-source-element).
  const sourceAdded = (node: object): void => {
    const n = node as ElementLike;
    if (String(n.tagName).toUpperCase() !== 'SOURCE') return;
    const parent = n.parentNode;
    if (!parent || !(parent instanceof Media) || parent.getAttribute?.('src') != null) return;
    const st = elementStateOf(parent) ?? stateFor(parent);
    if (st.networkState === NETWORK_EMPTY && st.srcObject === null) mediaElementLoad(st);
  };
  const within = (node: object): void => {
    sourceAdded(node);
    consider(node);
    const q = (node as { querySelectorAll?(s: string): ArrayLike<object> }).querySelectorAll;
    if (typeof q === 'function') {
      for (const el of Array.from(q.call(node, 'video[src], audio[src]'))) consider(el);
      for (const el of Array.from(q.call(node, 'video > source, audio > source'))) sourceAdded(el);
    }
  };
  within(doc);
  new w.MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') consider(r.target);
      else for (const n of Array.from(r.addedNodes)) within(n);
    }
  }).observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
}

/** Adds srcObject and src playback to window.HTMLMediaElement / HTMLVideoElement. Idempotent. */
export function patchMediaElements(window: WindowLike): boolean {
  const Media = window.HTMLMediaElement;
  if (typeof Media !== 'function' || !Media.prototype) return false;
  const proto = Media.prototype;
  if (isPatched(proto)) return true;
  const Video = window.HTMLVideoElement;
  const EventCtor = window.Event ?? Event;

  const stateFor = (el: object): ElementState => {
    const existing = elementStateOf(el);
    if (existing) return existing;
    const target = el as EventTarget & {
      hasAttribute?(name: string): boolean;
      getAttribute?(name: string): string | null;
      autoplay?: boolean;
      ownerDocument?: { baseURI?: string; URL?: string; location?: { origin?: string } | null } | null;
    };
    const isVideo = typeof Video === 'function' && el instanceof Video;
    const attr = (name: string): string | null => (typeof target.getAttribute === 'function' ? target.getAttribute(name) : null);
    const flag = (name: string): boolean => (typeof target.hasAttribute === 'function' ? target.hasAttribute(name) : false);
    return createElementState(
      target,
      {
        autoplay: () => (typeof target.hasAttribute === 'function' ? target.hasAttribute('autoplay') : Boolean(target.autoplay)),
        src: () => attr('src'),
        sources: () => sourceChildren(el),
        loop: () => flag('loop'),
        crossOrigin: () => {
          const v = attr('crossorigin');
          return v === null ? null : v.toLowerCase() === 'use-credentials' ? 'use-credentials' : 'anonymous';
        },
        baseURL: () => target.ownerDocument?.baseURI ?? target.ownerDocument?.URL ?? null,
        origin: () => documentOrigin(target.ownerDocument),
        volume: () => {
          const v = (target as { volume?: unknown }).volume;
          return typeof v === 'number' ? v : 1;
        },
        muted: () => (target as { muted?: unknown }).muted === true,
        // The element's own realm's Event: a DOM's dispatchEvent takes only its own events, and the
        // window patched here may expose another realm's Event (Node's, under a global-jsdom setup).
        makeEvent: (type) => new (realmEvent(el) ?? EventCtor)(type),
      },
      isVideo,
    );
  };
  defineAccessor(
    proto,
    'srcObject',
    function () {
      return elementStateOf(this)?.srcObject ?? null;
    },
    function (value) {
      setSrcObject(stateFor(this), value);
    },
  );
  defineAccessor(
    proto,
    'src',
    function (original) {
      return originalGet(this, original);
    },
    function (value, original) {
      original?.set?.call(this, value);
      // html#location-of-the-media-resource: setting src runs the media element load algorithm.
      mediaElementLoad(stateFor(this));
    },
  );
  defineMethod(proto, 'load', function () {
    mediaElementLoad(stateFor(this));
    return undefined;
  });
  defineMethod(proto, 'play', function () {
    try {
      return play(stateFor(this));
    } catch (e) {
      return Promise.reject(e);
    }
  });
  defineMethod(proto, 'pause', function () {
    pause(stateFor(this));
    return undefined;
  });
  defineMethod(proto, 'canPlayType', function (_original, type) {
    return canPlayType(String(type));
  });
  defineMethod(proto, 'captureStream', function () {
    // WebIDL operation steps: `this` must implement HTMLMediaElement.
    if (!(this instanceof Media)) throw new TypeError("captureStream: 'this' is not an HTMLMediaElement");
    return captureStream(stateFor(this));
  });
  const getters: Record<string, (s: ElementState) => unknown> = {
    paused: (s) => s.paused,
    readyState: (s) => s.readyState,
    networkState: (s) => s.networkState,
    duration: (s) => s.duration,
    ended: (s) => hasEndedPlayback(s),
    error: (s) => s.error,
    seeking: (s) => s.seeking,
    currentSrc: (s) => s.currentSrc,
  };
  for (const [name, get] of Object.entries(getters)) {
    defineAccessor(proto, name, function (original) {
      const s = elementStateOf(this);
      return s ? get(s) : originalGet(this, original);
    });
  }
  defineAccessor(
    proto,
    'currentTime',
    function (original) {
      const s = elementStateOf(this);
      return s ? currentTimeOf(s) : originalGet(this, original);
    },
    function (value) {
      // Seeks a src resource; mediacapture-main: setting currentTime on a MediaStream is ignored.
      const s = stateFor(this);
      const t = Number(value);
      if (!Number.isFinite(t)) throw new TypeError("Failed to set the 'currentTime' property on 'HTMLMediaElement': The provided double value is non-finite.");
      if (!s.stream) seekTo(s, t);
    },
  );
  Object.defineProperty(proto, DOM_MEDIA_ELEMENT, { value: true });
  markPatched(proto);
  watchSrcAttributes(window, stateFor);

  if (typeof Video === 'function' && Video.prototype && !isPatched(Video.prototype)) {
    const vp = Video.prototype;
    for (const [name, key] of [['videoWidth', 'videoWidth'], ['videoHeight', 'videoHeight']] as const) {
      defineAccessor(vp, name, function (original) {
        const s = elementStateOf(this);
        if (!s) return originalGet(this, original) ?? 0;
        return s.readyState === HAVE_NOTHING ? 0 : s[key];
      });
    }
    defineMethod(vp, 'requestVideoFrameCallback', function (_original, callback) {
      return requestVideoFrameCallback(stateFor(this), callback);
    });
    defineMethod(vp, 'cancelVideoFrameCallback', function (_original, handle) {
      cancelVideoFrameCallback(stateFor(this), Number(handle) >>> 0);
    });
    defineMethod(vp, 'getVideoPlaybackQuality', function () {
      return playbackQuality(stateFor(this).presentedFrames);
    });
    markPatched(vp);
  }
  return true;
}

/** Makes a canvas of `lib` (by shape). */
export function canvasFactory(lib: CanvasLibraryLike): (width: number, height: number) => CanvasLike {
  if (typeof lib?.createCanvas === 'function') {
    return (w, h) => {
      const c = lib.createCanvas!(w, h);
      if (!isCanvasLike(c)) throw new TypeError('the canvas library made something that is not a canvas');
      return c;
    };
  }
  if (typeof lib?.Canvas === 'function') {
    const C = lib.Canvas;
    return (w, h) => {
      const c = new C(w, h);
      if (!isCanvasLike(c)) throw new TypeError('the canvas library made something that is not a canvas');
      return c;
    };
  }
  throw new TypeError('a canvas library needs createCanvas(width, height) or a Canvas class');
}

/** Adds captureStream() to a canvas library's canvases and teaches its drawImage() our elements. */
export function patchCanvasLibrary(lib: CanvasLibraryLike): void {
  const make = canvasFactory(lib);
  const probe = make(1, 1);
  const proto = Object.getPrototypeOf(probe) as object;
  const ctx = probe.getContext('2d');
  if (ctx) patchContextPrototype(ctx);
  if (!isPatched(proto)) {
    defineMethod(proto, 'captureStream', function (_original, ...args) {
      return captureCanvasStream(this, ...(args.length > 0 ? [args[0]] : []));
    });
    // The library's HTML-named exports refuse a canvas that is not origin-clean, as a browser's do.
    for (const name of ['toDataURL', 'toBlob'] as const) {
      if (typeof (probe as unknown as Record<string, unknown>)[name] !== 'function') continue;
      defineMethod(proto, name, function (original, ...args) {
        if (!isOriginClean(this)) throw notOriginClean(`Failed to execute '${name}' on 'HTMLCanvasElement'`);
        return original!.apply(this, args);
      });
    }
    markPatched(proto);
  }
}

interface EncodableCanvas extends CanvasLike {
  toDataURL?(type?: string, quality?: unknown): string;
  toBuffer?(type?: string, quality?: unknown): Uint8Array;
  encodeSync?(format: string, quality?: unknown): Uint8Array;
}

const ENCODABLE = new Set(['image/png', 'image/jpeg', 'image/webp']);

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.byteLength > 0;
}

/**
 * The bytes of `canvas` encoded as `mime` for toBlob(). The libraries disagree on the quality
 * argument: @napi-rs/canvas's encodeSync() and toBuffer() take 0–100 (a browser's 0.92 there is
 * quality 1), node-canvas's toBuffer() takes `{ quality }` from 0 to 1 and ignores a bare number.
 * A type the library cannot encode (node-canvas has no WebP) gives PNG, as html#a-serialisation-
 * of-the-bitmap-as-a-file says for an unsupported type (the type returned is the one encoded).
 * Null when nothing could be encoded.
 */
function encodeCanvas(canvas: EncodableCanvas, mime: string, quality: unknown): { bytes: Uint8Array; type: string } | null {
  // html#dom-canvas-toblob: a quality outside 0..1 (or not a number) means the default.
  const q = typeof quality === 'number' && quality >= 0 && quality <= 1 ? quality : undefined;
  if (mime !== 'image/png') {
    try {
      const out =
        typeof canvas.encodeSync === 'function'
          ? q === undefined ? canvas.encodeSync(mime.slice(6)) : canvas.encodeSync(mime.slice(6), Math.round(q * 100))
          : typeof canvas.toBuffer === 'function'
            ? q === undefined ? canvas.toBuffer(mime) : canvas.toBuffer(mime, { quality: q })
            : null;
      if (isBytes(out)) return { bytes: out, type: mime };
    } catch {
      // Not encodable by this library: PNG below.
    }
  }
  const png = typeof canvas.encodeSync === 'function' ? canvas.encodeSync('png') : typeof canvas.toBuffer === 'function' ? canvas.toBuffer('image/png') : null;
  return isBytes(png) ? { bytes: png, type: 'image/png' } : null;
}

/**
 * window.HTMLCanvasElement gets captureStream(); with a canvas library it also gets a working
 * getContext('2d'), toDataURL() and toBlob() backed by one library canvas per element (jsdom has
 * none without node-canvas).
 */
export function patchCanvasElements(window: WindowLike, lib?: CanvasLibraryLike): boolean {
  const Canvas = window.HTMLCanvasElement;
  if (typeof Canvas !== 'function' || !Canvas.prototype) return false;
  const proto = Canvas.prototype;
  if (isPatched(proto)) return true;
  defineMethod(proto, 'captureStream', function (_original, ...args) {
    return captureCanvasStream(this, ...(args.length > 0 ? [args[0]] : []));
  });
  if (lib) {
    const make = canvasFactory(lib);
    const backingOf = (el: object): EncodableCanvas => {
      let b = backingCanvases.get(el) as EncodableCanvas | undefined;
      if (!b) {
        const e = el as { width: number; height: number };
        b = make(e.width, e.height) as EncodableCanvas;
        backingCanvases.set(el, b);
      }
      return b;
    };
    defineMethod(proto, 'getContext', function (_original, type) {
      // Only the 2D context exists here; other kinds are unsupported, so null (html#dom-canvas-getcontext).
      if (String(type) !== '2d') return null;
      const ctx = backingOf(this).getContext('2d');
      if (ctx) patchContextPrototype(ctx);
      return ctx;
    });
    for (const dim of ['width', 'height'] as const) {
      defineAccessor(
        proto,
        dim,
        function (original) {
          return originalGet(this, original);
        },
        function (value, original) {
          original?.set?.call(this, value);
          // Setting a dimension resets the bitmap (html#concept-canvas-set-bitmap-dimensions).
          const b = backingCanvases.get(this);
          if (b) b[dim] = (this as { [k in typeof dim]: number })[dim];
        },
      );
    }
    defineMethod(proto, 'toDataURL', function (_original, type, quality) {
      if (!isOriginClean(this)) throw notOriginClean("Failed to execute 'toDataURL' on 'HTMLCanvasElement'");
      const mime = typeof type === 'string' && ENCODABLE.has(type.toLowerCase()) ? type.toLowerCase() : 'image/png';
      const b = backingOf(this);
      if (b.width === 0 || b.height === 0) return 'data:,';
      if (typeof b.toDataURL !== 'function') throw new DOMException('toDataURL: the canvas library cannot encode images', 'NotSupportedError');
      return b.toDataURL(mime, quality);
    });
    defineMethod(proto, 'toBlob', function (_original, callback, type, quality) {
      if (typeof callback !== 'function') throw new TypeError("Failed to execute 'toBlob' on 'HTMLCanvasElement': parameter 1 is not of type 'BlobCallback'.");
      if (!isOriginClean(this)) throw notOriginClean("Failed to execute 'toBlob' on 'HTMLCanvasElement'");
      const mime = typeof type === 'string' && ENCODABLE.has(type.toLowerCase()) ? type.toLowerCase() : 'image/png';
      const b = backingOf(this);
      const encoded = b.width > 0 && b.height > 0 ? encodeCanvas(b, mime, quality) : null;
      const BlobCtor = (window.Blob ?? Blob) as new (parts: unknown[], options?: { type?: string }) => unknown;
      queueTask(() => (callback as (b: unknown) => void)(encoded ? new BlobCtor([encoded.bytes], { type: encoded.type }) : null));
      return undefined;
    });
  }
  markPatched(proto);
  return true;
}
