/**
 * CanvasCaptureMediaStreamTrack and HTMLCanvasElement.captureStream()
 * (mediacapture-fromelement#the-canvascapturemediastreamtrack,
 * mediacapture-fromelement#dom-htmlcanvaselement-capturestream), for any canvas with a 2D context
 * found by shape (canvas-2d.ts). A canvas that is not origin-clean cannot be captured, and a
 * captured one that loses the flag is muted from then on (canvas-2d.ts, canvas-source.ts).
 */
import { MediaStreamTrack } from '../stream/media-stream-track.js';
import { MediaStream } from '../stream/media-stream.js';
import { createTrack, INTERNAL } from '../stream/internals.js';
import { brand, describe, double, exposeMembers, toStringTag } from '../webidl/index.js';
import { RealClock, type Clock } from '../media/clock.js';
import { CanvasSource } from './canvas-source.js';
import { context2DOf, isCanvasLike, isOriginClean, notOriginClean } from './canvas-2d.js';

interface CanvasTrackSlots {
  readonly canvas: object;
  readonly source: CanvasSource;
}

const slots = new WeakMap<object, CanvasTrackSlots>();
let defaultClock: Clock | null = null;

/** The clock canvas capture runs on when none is given (installElements({ clock }) sets it). */
export function setCanvasCaptureClock(clock: Clock | null): void {
  defaultClock = clock;
}

export class CanvasCaptureMediaStreamTrack extends MediaStreamTrack {
  /** Not constructible by script: made by captureStream() (and clone()). */
  constructor(token?: unknown, construction?: unknown, canvas?: unknown, source?: unknown) {
    super(token, construction);
    if (token !== INTERNAL || !(source instanceof CanvasSource) || typeof canvas !== 'object' || canvas === null) {
      throw new TypeError('Illegal constructor');
    }
    slots.set(this, { canvas, source });
  }

  /** mediacapture-fromelement#dom-canvascapturemediastreamtrack-canvas */
  get canvas(): unknown {
    return brand(slots, this, 'CanvasCaptureMediaStreamTrack', 'canvas').canvas;
  }

  /** mediacapture-fromelement#dom-canvascapturemediastreamtrack-requestframe */
  requestFrame(): void {
    const s = brand(slots, this, 'CanvasCaptureMediaStreamTrack', 'requestFrame');
    if (this.readyState === 'live') s.source.requestFrame();
    return undefined;
  }
}
toStringTag(CanvasCaptureMediaStreamTrack, 'CanvasCaptureMediaStreamTrack');
exposeMembers(CanvasCaptureMediaStreamTrack, ['canvas', 'requestFrame']);

export interface CaptureStreamOptions {
  /** The clock frames are timed on (default: the one set by installElements, else a real clock). */
  clock?: Clock;
}

/**
 * mediacapture-fromelement#dom-htmlcanvaselement-capturestream for `canvas` (a canvas element or a
 * canvas library's canvas). `frameRequestRate` is the IDL's optional double.
 */
export function captureCanvasStream(canvas: unknown, frameRequestRate?: unknown, options: CaptureStreamOptions = {}): MediaStream {
  const ctxName = "Failed to execute 'captureStream' on 'HTMLCanvasElement'";
  if (!isCanvasLike(canvas)) throw new TypeError(`${ctxName}: ${describe(canvas)} is not a canvas (no getContext, width and height)`);
  // mediacapture-fromelement#dom-htmlcanvaselement-capturestream: a canvas that is not origin-clean: SecurityError.
  if (!isOriginClean(canvas)) throw notOriginClean(ctxName);
  const rate = frameRequestRate === undefined ? null : double(frameRequestRate, `${ctxName}: parameter 1`);
  // A negative frameRequestRate: NotSupportedError.
  if (rate !== null && rate < 0) throw new DOMException(`${ctxName}: the frameRequestRate (${rate}) is negative`, 'NotSupportedError');
  const ctx = context2DOf(canvas);
  if (!ctx) throw new DOMException(`${ctxName}: only canvases with a 2D context that can read pixels (getImageData) can be captured here`, 'NotSupportedError');
  const clock = options.clock ?? defaultClock ?? (defaultClock = new RealClock());
  const source = new CanvasSource(canvas, ctx, rate, clock);
  const settings: Record<string, unknown> = { width: canvas.width, height: canvas.height };
  if (rate !== null) settings['frameRate'] = rate;
  const track = createTrack(source, {
    kind: 'video',
    label: '',
    settings,
    trackClass: CanvasCaptureMediaStreamTrack as never,
    trackArgs: [canvas, source],
  });
  return new MediaStream([track]);
}
