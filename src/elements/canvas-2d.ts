/**
 * What the elements need from canvases, found by shape (DESIGN.md: no canvas library is imported):
 * a canvas has width, height and getContext('2d'); its 2D context has getImageData, putImageData,
 * createImageData and drawImage. That fits @napi-rs/canvas, node-canvas (`canvas`), skia-canvas and
 * jsdom canvases backed by one of them.
 *
 * Two patches go onto a 2D context's prototype (once per prototype):
 * - the drawing methods report to listeners that the canvas was drawn to (canvas capture sends a
 *   frame only when new content was drawn, mediacapture-fromelement#dom-htmlcanvaselement-capturestream);
 * - drawImage() accepts a media element of ours (its current frame) and a VideoFrame of ours, which
 *   it draws through a scratch canvas of the same library;
 * - getImageData() throws SecurityError on a canvas that is not origin-clean (html#security-with-
 *   canvas-elements): drawing a CORS-cross-origin video, or such a canvas, onto a canvas clears
 *   its origin-clean flag. The library's own export methods (toBuffer(), encode()...) are not
 *   guarded; the HTML ones are (toDataURL() / toBlob() of patched canvases, captureStream(),
 *   new VideoFrame(canvas)).
 */
import { VideoFrame, isOwnVideoFrame } from '../media/video-frame.js';
import { elementStateOf, isPatchedMediaElement, HAVE_CURRENT_DATA } from './media-element-core.js';

export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface Context2DLike {
  getImageData(x: number, y: number, w: number, h: number): ImageDataLike;
  putImageData(data: ImageDataLike, x: number, y: number): void;
  createImageData(w: number, h: number): ImageDataLike;
  drawImage(image: unknown, ...args: number[]): void;
  readonly canvas?: unknown;
}

export interface CanvasLike {
  width: number;
  height: number;
  getContext(type: '2d', options?: unknown): Context2DLike | null;
}

export function isCanvasLike(value: unknown): value is CanvasLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['getContext'] === 'function' && typeof v['width'] === 'number' && typeof v['height'] === 'number';
}

export function isContext2DLike(value: unknown): value is Context2DLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['getImageData'] === 'function' && typeof v['putImageData'] === 'function' && typeof v['createImageData'] === 'function' && typeof v['drawImage'] === 'function';
}

/** The 2D context of a canvas, or null when it has another kind of context (or none can be made). */
export function context2DOf(canvas: CanvasLike): Context2DLike | null {
  let ctx: unknown;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    return null;
  }
  if (!isContext2DLike(ctx)) return null;
  patchContextPrototype(ctx);
  return ctx;
}

// ---- origin-clean -----------------------------------------------------------------------------

/** Canvases (library canvases, and the DOM elements backed by them) whose origin-clean flag is false. */
const tainted = new WeakSet<object>();

/** html#concept-canvas-origin-clean of `canvas` (a DOM canvas element counts with its backing canvas). */
export function isOriginClean(canvas: unknown): boolean {
  if (typeof canvas !== 'object' || canvas === null) return true;
  if (tainted.has(canvas)) return false;
  const backing = backingCanvases.get(canvas);
  return !(backing && tainted.has(backing));
}

function taint(ctx: Context2DLike): void {
  const c = ctx.canvas;
  if (typeof c === 'object' && c !== null) tainted.add(c);
}

export function notOriginClean(what: string): DOMException {
  return new DOMException(`${what}: the canvas has been tainted by cross-origin data`, 'SecurityError');
}

/** The libraries' own getImageData, per context prototype: the library's internal reads bypass the guard. */
const originalGetImageData = new WeakMap<object, Context2DLike['getImageData']>();

// ---- drawing notifications --------------------------------------------------------------------

/** The methods that change a 2D canvas's pixels (html#canvasrenderingcontext2d). */
const DRAWING_METHODS = [
  'fillRect', 'strokeRect', 'clearRect', 'fill', 'stroke', 'fillText', 'strokeText', 'drawImage', 'putImageData', 'reset', 'drawCanvas',
] as const;

const drawListeners = new WeakMap<object, Set<() => void>>();
const patchedPrototypes = new WeakSet<object>();
/** Prototypes whose drawing methods could not be wrapped: their canvases are compared by pixels. */
const unpatchable = new WeakSet<object>();

function notifyDrawn(ctx: object): void {
  const set = drawListeners.get(ctx);
  if (!set) return;
  for (const listener of set) listener();
}

/** Wraps the drawing methods and drawImage of `ctx`'s prototype. Returns false if it could not. */
export function patchContextPrototype(ctx: object): boolean {
  const proto = Object.getPrototypeOf(ctx) as Record<string, unknown> | null;
  if (!proto) return false;
  if (patchedPrototypes.has(proto)) return true;
  if (unpatchable.has(proto)) return false;
  try {
    for (const name of DRAWING_METHODS) {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (!desc || typeof desc.value !== 'function') continue;
      const original = desc.value as (...args: unknown[]) => unknown;
      const wrapped =
        name === 'drawImage'
          ? function drawImage(this: Context2DLike, image: unknown, ...rest: unknown[]): unknown {
              const resolved = resolveImageSource(this, image);
              if (resolved === SKIP) return undefined;
              const result = original.call(this, resolved, ...rest);
              notifyDrawn(this);
              return result;
            }
          : {
              [name](this: object, ...args: unknown[]): unknown {
                const result = original.apply(this, args);
                notifyDrawn(this);
                return result;
              },
            }[name]!;
      Object.defineProperty(proto, name, { ...desc, value: wrapped });
      if (proto[name] !== wrapped) throw new Error('not writable');
    }
    const get = Object.getOwnPropertyDescriptor(proto, 'getImageData');
    if (get && typeof get.value === 'function') {
      const original = get.value as Context2DLike['getImageData'];
      originalGetImageData.set(proto, original);
      const guarded = function getImageData(this: Context2DLike, ...args: [number, number, number, number]): ImageDataLike {
        // html#dom-context-2d-getimagedata step 2.
        if (!isOriginClean(this.canvas)) throw notOriginClean("Failed to execute 'getImageData' on 'CanvasRenderingContext2D'");
        return original.apply(this, args);
      };
      Object.defineProperty(proto, 'getImageData', { ...get, value: guarded });
    }
    patchedPrototypes.add(proto);
    return true;
  } catch {
    unpatchable.add(proto);
    return false;
  }
}

/** Calls `listener` each time something is drawn with `ctx`. Returns the function that stops it. */
export function onDrawn(ctx: object, listener: () => void): () => void {
  let set = drawListeners.get(ctx);
  if (!set) {
    set = new Set();
    drawListeners.set(ctx, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Whether drawing with `ctx` is reported (else the caller has to compare pixels). */
export function drawingIsTracked(ctx: object): boolean {
  const proto = Object.getPrototypeOf(ctx) as object | null;
  return proto !== null && patchedPrototypes.has(proto);
}

// ---- drawImage of media elements and frames ---------------------------------------------------

const SKIP = Symbol('skip');
/** A scratch canvas per element holding the frame last drawn from it. */
const scratch = new WeakMap<object, { frame: VideoFrame | object; canvas: CanvasLike }>();
/** jsdom canvas elements map to the library canvas behind them (patch-dom.ts registers them). */
export const backingCanvases = new WeakMap<object, CanvasLike>();

function resolveImageSource(ctx: Context2DLike, image: unknown): unknown {
  if (typeof image !== 'object' || image === null) return image;
  // Drawing a canvas that is not origin-clean taints this one (html#dom-context-2d-drawimage step 8).
  if (!isOriginClean(image)) taint(ctx);
  const backing = backingCanvases.get(image);
  if (backing) return backing;
  const state = elementStateOf(image);
  if (state) {
    // html#dom-context-2d-drawimage step 3: a video element below HAVE_CURRENT_DATA draws nothing.
    if (state.readyState < HAVE_CURRENT_DATA || !state.isVideo) return SKIP;
    const frame = state.frame;
    if (!frame) return SKIP;
    // A CORS-cross-origin video is drawn, and the canvas is no longer origin-clean.
    if (!state.originClean) taint(ctx);
    return frameCanvas(ctx, image, frame);
  }
  // A DOM media element that never loaded anything is at HAVE_NOTHING: nothing to draw either.
  if (isPatchedMediaElement(image)) return SKIP;
  if (isOwnVideoFrame(image)) return frameCanvas(ctx, image, image);
  return image;
}

/** A canvas of the context's own library showing `frame` (cached per source until its frame changes). */
function frameCanvas(ctx: Context2DLike, key: object, frame: VideoFrame): CanvasLike | typeof SKIP {
  const cached = scratch.get(key);
  if (cached && cached.frame === frame) return cached.canvas;
  const w = frame.displayWidth;
  const h = frame.displayHeight;
  const canvas = cached?.canvas ?? makeCanvasLike(ctx, w, h);
  if (!canvas) return SKIP;
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const c = canvas.getContext('2d');
  if (!c) return SKIP;
  const img = c.createImageData(w, h);
  frameToRGBA(frame, img.data);
  c.putImageData(img, 0, 0);
  scratch.set(key, { frame, canvas });
  return canvas;
}

/** A new canvas of the same library as `ctx` (its canvas's constructor takes width, height). */
function makeCanvasLike(ctx: Context2DLike, w: number, h: number): CanvasLike | null {
  const own = ctx.canvas as { constructor?: new (w: number, h: number) => unknown } | undefined;
  const Ctor = own?.constructor;
  if (typeof Ctor !== 'function') return null;
  try {
    const made = new Ctor(w, h);
    return isCanvasLike(made) ? made : null;
  } catch {
    return null;
  }
}

/** Writes `frame`'s visible pixels as RGBA into `out` (width*height*4 bytes), synchronously. */
export function frameToRGBA(frame: VideoFrame, out: Uint8ClampedArray | Uint8Array): void {
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const w = frame.displayWidth;
  const h = frame.displayHeight;
  const rect = frame.visibleRect!;
  if (rect.width === w && rect.height === h) {
    // copyTo() converts and copies before it returns; its promise only reports the layout.
    void frame.copyTo(bytes, { format: 'RGBA' }).catch(() => {});
    return;
  }
  // Display size differs from the visible size: convert, then scale by nearest sample.
  const tmp = new Uint8Array(rect.width * rect.height * 4);
  void frame.copyTo(tmp, { format: 'RGBA' }).catch(() => {});
  for (let y = 0; y < h; y++) {
    const sy = Math.min(rect.height - 1, Math.floor(((y + 0.5) * rect.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(rect.width - 1, Math.floor(((x + 0.5) * rect.width) / w));
      const si = (sy * rect.width + sx) * 4;
      const di = (y * w + x) * 4;
      bytes[di] = tmp[si]!;
      bytes[di + 1] = tmp[si + 1]!;
      bytes[di + 2] = tmp[si + 2]!;
      bytes[di + 3] = tmp[si + 3]!;
    }
  }
}

/** Reads a 2D canvas's pixels: RGBA, width*height*4 bytes (a copy). */
export function readCanvasPixels(canvas: CanvasLike, ctx: Context2DLike): { width: number; height: number; data: Uint8ClampedArray } | null {
  const width = canvas.width;
  const height = canvas.height;
  if (width === 0 || height === 0) return null;
  const proto = Object.getPrototypeOf(ctx) as object | null;
  const read = (proto && originalGetImageData.get(proto)) || ctx.getImageData;
  const img = read.call(ctx, 0, 0, width, height);
  return { width, height, data: img.data };
}

/** Whether every pixel is opaque (then the frame can be RGBX; otherwise alpha is kept as RGBA). */
export function isOpaque(data: Uint8ClampedArray | Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

/** FNV-1a over the pixels: the fallback "was it painted?" test for contexts that cannot be wrapped. */
export function pixelHash(data: Uint8ClampedArray | Uint8Array): number {
  let h = 0x811c9dc5;
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h >>> 0;
}

export { VideoFrame };
