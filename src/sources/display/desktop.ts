/**
 * The picture of the synthetic display: a desktop with a gradient background, a taskbar holding
 * a frame counter and a clock, two still windows, one window drifting back and forth, and a mouse
 * cursor moving along a Lissajous path (it rests for 2 s out of every 5 s, so the "motion" cursor
 * mode has something to hide). Everything is a function of the desktop size and the time since
 * capture started, so a test can compute where anything is.
 */
import { rgbToYuv } from '../../media/color.js';
import type { CursorMode } from './types.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DesktopWindow {
  readonly frame: Rect;
  /** The title bar's colour (RGB). */
  readonly title: readonly [number, number, number];
}

export interface DesktopLayout {
  readonly width: number;
  readonly height: number;
  readonly taskbar: Rect;
  /** Windows drawn into the background once. */
  readonly stillWindows: readonly DesktopWindow[];
  /** The drifting window's size and row; its x comes from movingWindowRect(). */
  readonly moving: { readonly w: number; readonly h: number; readonly y: number; readonly title: readonly [number, number, number] };
  /** The cursor arrow's pixel scale (1 = 12x19 px). */
  readonly cursorScale: number;
  /** The taskbar text's pixel scale (a digit is 3x5 of these). */
  readonly textScale: number;
}

/** Cursor cycle: it moves for MOVE_MS, then rests, every CYCLE_MS. */
const CYCLE_MS = 5000;
const MOVE_MS = 3000;
/** "motion": the cursor stays visible this long after it stopped. */
const MOTION_LINGER_MS = 500;
/** The drifting window crosses the desktop in this long. */
const CROSSING_MS = 8000;

function even(x: number): number {
  return Math.max(0, Math.round(x / 2) * 2);
}

export function desktopLayout(width: number, height: number): DesktopLayout {
  const s = height / 1080;
  const tb = Math.min(height, Math.max(8, even(40 * s)));
  const usable = height - tb;
  const win = (fx: number, fy: number, fw: number, fh: number): Rect => ({
    x: even(fx * width),
    y: even(fy * usable),
    w: Math.max(2, even(fw * width)),
    h: Math.max(2, even(fh * usable)),
  });
  return {
    width,
    height,
    taskbar: { x: 0, y: height - tb, w: width, h: tb },
    stillWindows: [
      { frame: win(0.05, 0.06, 0.4, 0.45), title: [40, 90, 200] },
      { frame: win(0.52, 0.12, 0.38, 0.4), title: [40, 160, 80] },
    ],
    moving: { w: Math.max(2, even(0.3 * width)), h: Math.max(2, even(0.32 * usable)), y: even(0.58 * usable), title: [200, 90, 40] },
    cursorScale: Math.max(1, Math.round(s)),
    textScale: Math.max(1, Math.floor(tb / 8)),
  };
}

/** Where the drifting window is at `tMs` after the start. */
export function movingWindowRect(layout: DesktopLayout, tMs: number): Rect {
  const span = Math.max(0, layout.width - layout.moving.w);
  const period = 2 * CROSSING_MS;
  const phase = ((tMs % period) + period) % period;
  const f = phase < CROSSING_MS ? phase / CROSSING_MS : 2 - phase / CROSSING_MS;
  return { x: even(f * span), y: layout.moving.y, w: layout.moving.w, h: layout.moving.h };
}

/** The cursor's hot spot at `tMs`, and whether the given cursor mode draws it then. */
export function cursorState(layout: DesktopLayout, tMs: number, mode: CursorMode): { x: number; y: number; visible: boolean } {
  const cycle = Math.floor(tMs / CYCLE_MS);
  const inCycle = tMs - cycle * CYCLE_MS;
  // Path time: advances while moving, stands still while resting.
  const tau = cycle * MOVE_MS + Math.min(inCycle, MOVE_MS);
  const usable = layout.height - layout.taskbar.h;
  const x = Math.round(layout.width / 2 + 0.4 * layout.width * Math.sin((2 * Math.PI * tau) / 7000));
  const y = Math.round(usable / 2 + 0.4 * usable * Math.sin((2 * Math.PI * tau) / 4300 + 0.7));
  const visible = mode === 'always' || (mode === 'motion' && inCycle < MOVE_MS + MOTION_LINGER_MS);
  return { x, y, visible };
}

/** The arrow's shape at scale 1: per row, [first, last] filled column (12 x 19). */
const ARROW: readonly (readonly [number, number])[] = [
  [0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [0, 8], [0, 9], [0, 10], [0, 11],
  [0, 7], [0, 3], [0, 2], [4, 6], [4, 7], [5, 7], [5, 6],
];
const ARROW_W = 12;
const ARROW_H = ARROW.length;

/** The rectangle the cursor covers when its hot spot is at (x, y). */
export function cursorRect(layout: DesktopLayout, x: number, y: number): Rect {
  const k = layout.cursorScale;
  return { x, y, w: ARROW_W * k, h: ARROW_H * k };
}

/** Ink of the arrow at scale-1 cell (c, r): 0 none, 1 outline (black), 2 fill (white). */
function arrowCell(c: number, r: number): 0 | 1 | 2 {
  const inside = (cc: number, rr: number): boolean => {
    if (rr < 0 || rr >= ARROW_H) return false;
    const [a, b] = ARROW[rr]!;
    // Rows 15-18 are the tail, detached from the left edge.
    return cc >= a && cc <= b;
  };
  if (!inside(c, r)) return 0;
  return inside(c - 1, r) && inside(c + 1, r) && inside(c, r - 1) && inside(c, r + 1) ? 2 : 1;
}

const yuv = (rgb: readonly [number, number, number]): [number, number, number] => rgbToYuv(rgb[0], rgb[1], rgb[2]);

/** An I420 canvas over one frame buffer. */
export class I420Canvas {
  readonly width: number;
  readonly height: number;
  readonly #cw: number;
  readonly #uOff: number;
  readonly #vOff: number;
  data: Uint8Array;

  constructor(data: Uint8Array, width: number, height: number) {
    this.data = data;
    this.width = width;
    this.height = height;
    this.#cw = Math.ceil(width / 2);
    this.#uOff = width * height;
    this.#vOff = this.#uOff + this.#cw * Math.ceil(height / 2);
  }

  /** Clips a rectangle to the canvas; null when nothing is left. */
  clip(r: Rect): Rect | null {
    const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
    const x1 = Math.min(this.width, r.x + r.w), y1 = Math.min(this.height, r.y + r.h);
    return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
  }

  fill(rect: Rect, rgb: readonly [number, number, number]): void {
    const r = this.clip(rect);
    if (!r) return;
    const [Y, U, V] = yuv(rgb);
    const d = this.data, w = this.width, cw = this.#cw;
    for (let y = r.y; y < r.y + r.h; y++) d.fill(Y, y * w + r.x, y * w + r.x + r.w);
    const cx0 = r.x >> 1, cx1 = Math.ceil((r.x + r.w) / 2);
    for (let y = r.y >> 1; y < Math.ceil((r.y + r.h) / 2); y++) {
      d.fill(U, this.#uOff + y * cw + cx0, this.#uOff + y * cw + cx1);
      d.fill(V, this.#vOff + y * cw + cx0, this.#vOff + y * cw + cx1);
    }
  }

  /** Copies a rectangle (all three planes) from `from`, a canvas of the same size. */
  copyFrom(from: Uint8Array, rect: Rect): void {
    const r = this.clip(rect);
    if (!r) return;
    const d = this.data, w = this.width, cw = this.#cw;
    for (let y = r.y; y < r.y + r.h; y++) d.set(from.subarray(y * w + r.x, y * w + r.x + r.w), y * w + r.x);
    const cx0 = r.x >> 1, cx1 = Math.ceil((r.x + r.w) / 2);
    for (let y = r.y >> 1; y < Math.ceil((r.y + r.h) / 2); y++) {
      d.set(from.subarray(this.#uOff + y * cw + cx0, this.#uOff + y * cw + cx1), this.#uOff + y * cw + cx0);
      d.set(from.subarray(this.#vOff + y * cw + cx0, this.#vOff + y * cw + cx1), this.#vOff + y * cw + cx0);
    }
  }

  /** Sets luma only (text and cursor ink are grey, so chroma stays as is). */
  luma(x: number, y: number, w: number, h: number, value: number): void {
    const r = this.clip({ x, y, w, h });
    if (!r) return;
    for (let yy = r.y; yy < r.y + r.h; yy++) this.data.fill(value, yy * this.width + r.x, yy * this.width + r.x + r.w);
  }

  /** Neutral chroma over a rectangle (under grey ink). */
  neutralChroma(rect: Rect): void {
    const r = this.clip(rect);
    if (!r) return;
    const d = this.data, cw = this.#cw;
    const cx0 = r.x >> 1, cx1 = Math.ceil((r.x + r.w) / 2);
    for (let y = r.y >> 1; y < Math.ceil((r.y + r.h) / 2); y++) {
      d.fill(128, this.#uOff + y * cw + cx0, this.#uOff + y * cw + cx1);
      d.fill(128, this.#vOff + y * cw + cx0, this.#vOff + y * cw + cx1);
    }
  }
}

/** Draws a window: a title bar in its colour, a light body, a dark border. */
export function drawWindow(canvas: I420Canvas, frame: Rect, title: readonly [number, number, number], scale: number): void {
  const border = Math.max(1, Math.round(scale));
  const bar = Math.max(2, Math.round(28 * scale));
  canvas.fill(frame, [60, 60, 60]);
  canvas.fill({ x: frame.x + border, y: frame.y + border, w: frame.w - 2 * border, h: Math.min(bar, frame.h - 2 * border) }, title);
  canvas.fill({ x: frame.x + border, y: frame.y + border + bar, w: frame.w - 2 * border, h: frame.h - 2 * border - bar }, [236, 236, 232]);
  // A few "text lines" in the body.
  const line = Math.max(1, Math.round(6 * scale));
  for (let i = 0, y = frame.y + border + bar + 3 * line; y + line < frame.y + frame.h - 2 * line && i < 12; i++, y += 3 * line) {
    canvas.fill({ x: frame.x + 4 * line, y, w: Math.max(1, Math.round(((i * 37) % 50 + 40) / 100 * (frame.w - 8 * line))), h: line }, [150, 150, 160]);
  }
}

/** Renders the still part of the desktop (background, still windows, empty taskbar). */
export function renderBackground(canvas: I420Canvas, layout: DesktopLayout): void {
  const w = layout.width, h = layout.height;
  const usable = h - layout.taskbar.h;
  // Vertical gradient, dark teal to blue, in bands of 2 rows (chroma rows).
  for (let y = 0; y < usable; y += 2) {
    const f = usable > 1 ? y / (usable - 1) : 0;
    canvas.fill({ x: 0, y, w, h: Math.min(2, usable - y) }, [Math.round(20 + 30 * f), Math.round(70 + 40 * f), Math.round(110 + 90 * f)]);
  }
  const scale = h / 1080;
  for (const win of layout.stillWindows) drawWindow(canvas, win.frame, win.title, scale);
  canvas.fill(layout.taskbar, [32, 32, 36]);
  // A "start button".
  const tb = layout.taskbar;
  canvas.fill({ x: tb.x + Math.round(tb.h / 4), y: tb.y + Math.round(tb.h / 4), w: Math.max(1, Math.round(tb.h / 2)), h: Math.max(1, Math.round(tb.h / 2)) }, [80, 140, 230]);
}

/** Draws the arrow with its hot spot at (x, y). */
export function drawCursor(canvas: I420Canvas, layout: DesktopLayout, x: number, y: number): void {
  const k = layout.cursorScale;
  canvas.neutralChroma(cursorRect(layout, x, y));
  for (let r = 0; r < ARROW_H; r++) {
    for (let c = 0; c < ARROW_W; c++) {
      const ink = arrowCell(c, r);
      if (ink !== 0) canvas.luma(x + c * k, y + r * k, k, k, ink === 2 ? 235 : 16);
    }
  }
}

/** The arrow's ink at scale-1 cell (c, r), for tests that look for the cursor: 0 none, 1 outline, 2 fill. */
export function cursorInk(c: number, r: number): 0 | 1 | 2 {
  return arrowCell(c, r);
}
