/**
 * The source behind a CanvasCaptureMediaStreamTrack: it reads the canvas's pixels when a frame is
 * requested and the canvas was painted with new content
 * (mediacapture-fromelement#dom-htmlcanvaselement-capturestream).
 *
 * "Painted" here: a canvas is painted in the task after something was drawn to it (the drawing
 * methods of its 2D context report it, canvas-2d.ts), and at each activation of the frame-rate
 * timer. A context whose methods cannot be wrapped is compared by a pixel hash at each of those
 * moments instead. Frames are RGBA when some pixel is not opaque, RGBX otherwise (alpha kept,
 * mediacapture-fromelement: "the alpha channel content ... must be captured and preserved").
 */
import type { Clock, ClockTimer } from '../media/clock.js';
import { BaseSource } from '../sources/base-source.js';
import { FrameBuffer } from '../media/frame-buffer.js';
import { createVideoFrame } from '../media/video-frame.js';
import { queueTask } from '../stream/tasks.js';
import { type CanvasLike, type Context2DLike, drawingIsTracked, isOpaque, isOriginClean, onDrawn, pixelHash, readCanvasPixels } from './canvas-2d.js';

export class CanvasSource extends BaseSource {
  readonly canvas: CanvasLike;
  readonly #ctx: Context2DLike;
  /** null: no frameRequestRate given (a frame at every paint). */
  readonly #rate: number | null;
  readonly #tracked: boolean;
  /** [[frameCaptureRequested]] (kept per source: clones of a track share it). */
  #requested = true;
  /** New content was drawn since the last frame. The canvas's content at creation counts as new. */
  #dirty = true;
  #paintQueued = false;
  #lastHash: number | null = null;
  #lastSize = '';
  #timer: ClockTimer | null = null;
  #timerIndex = 0;
  #timerStartMs = 0;
  #stopDrawn: (() => void) | null = null;
  #frames = 0;
  #taintedSeen = false;

  constructor(canvas: CanvasLike, ctx: Context2DLike, rate: number | null, clock: Clock) {
    super('video', clock, null);
    this.canvas = canvas;
    this.#ctx = ctx;
    this.#rate = rate;
    this.#tracked = drawingIsTracked(ctx);
  }

  /** Frames sent so far. */
  get framesSent(): number {
    return this.#frames;
  }

  protected start(): void {
    this.#stopDrawn = onDrawn(this.#ctx, () => {
      this.#dirty = true;
      this.#queuePaint();
    });
    if (this.#rate !== null && this.#rate > 0) {
      this.#timerIndex = 0;
      this.#timerStartMs = this.clock.now();
      this.#armTimer();
    }
    // The track requests a frame when created, even at rate 0: it comes with the first paint.
    this.#queuePaint();
  }

  protected halt(): void {
    this.#stopDrawn?.();
    this.#stopDrawn = null;
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** mediacapture-fromelement#dom-canvascapturemediastreamtrack-requestframe */
  requestFrame(): void {
    if (!this.running) return;
    this.#requested = true;
    this.#queuePaint();
  }

  /** The timer at 1/frameRequestRate: due times come from the index, so nothing drifts. */
  #armTimer(): void {
    const rate = this.#rate!;
    const due = this.#timerStartMs + ((this.#timerIndex + 1) * 1000) / rate;
    this.#timer = this.clock.schedule(due, () => {
      this.#timer = null;
      this.#timerIndex++;
      this.#requested = true;
      this.#paint();
      if (this.running) this.#armTimer();
    });
  }

  #queuePaint(): void {
    if (this.#paintQueued) return;
    this.#paintQueued = true;
    queueTask(() => {
      this.#paintQueued = false;
      if (this.running) this.#paint();
    });
  }

  /** The steps run each time the captured canvas is painted. */
  #paint(): void {
    // mediacapture-fromelement: once the canvas is not origin-clean the track is muted and gets no
    // new frames (the flag never comes back).
    if (!isOriginClean(this.canvas)) {
      if (!this.#taintedSeen) {
        this.#taintedSeen = true;
        this.setMuted(true);
      }
      return;
    }
    if (!this.#requested) return;
    const size = `${this.canvas.width}x${this.canvas.height}`;
    if (size !== this.#lastSize) this.#dirty = true;
    if (!this.#tracked) this.#dirty = true; // decided below by the pixel hash
    if (!this.#dirty) return;
    const pixels = readCanvasPixels(this.canvas, this.#ctx);
    if (!pixels) return;
    if (!this.#tracked) {
      const hash = pixelHash(pixels.data);
      if (hash === this.#lastHash && size === this.#lastSize) return;
      this.#lastHash = hash;
    }
    this.#lastSize = size;
    this.#dirty = false;
    // 1.1 A new frame with what was painted.
    const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.width * pixels.height * 4);
    const buffer = FrameBuffer.adopt(data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice(), () => {});
    const frame = createVideoFrame(buffer, {
      format: isOpaque(data) ? 'RGBX' : 'RGBA',
      codedWidth: pixels.width,
      codedHeight: pixels.height,
      timestamp: Math.round(this.clock.now() * 1000),
      duration: this.#rate ? Math.round(1e6 / this.#rate) : null,
    });
    this.#frames++;
    // 1.2 With a frameRequestRate, the request is satisfied until the next one.
    if (this.#rate !== null) this.#requested = false;
    this.emit(frame);
  }
}
