/**
 * The synthetic display: the desktop picture of desktop.ts as I420 frames at the display's size
 * and rate, produced on the source's clock like the synthetic camera (frame n stamped
 * round(n * 1e6 / fps) µs after the start and delivered when its period ends). Tracks get their
 * own size and rate from the per-track outputs (downscaling, decimation).
 *
 * Frames are pooled: a recycled buffer only has what was drawn over the still background at its
 * last use restored (the drifting window, the taskbar text, the cursor) and redrawn.
 */
import type { Clock } from '../../media/clock.js';
import { ClockedSource } from '../clocked-source.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createVideoFrame } from '../../media/video-frame.js';
import { tightFrameSize } from '../../media/pixel-format.js';
import { digitGlyph } from '../synthetic/video.js';
import {
  I420Canvas,
  cursorRect,
  cursorState,
  desktopLayout,
  drawCursor,
  drawWindow,
  movingWindowRect,
  renderBackground,
  type DesktopLayout,
  type Rect,
} from './desktop.js';
import type { CursorMode, DisplayEngineSource } from './types.js';

interface Slot {
  data: Uint8Array;
  /** Regions drawn over the background when this buffer was last used. */
  dirty: Rect[];
}

export interface SyntheticDisplayMode {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
}

export class SyntheticDisplaySource extends ClockedSource implements DisplayEngineSource {
  readonly #mode: SyntheticDisplayMode;
  readonly #layout: DesktopLayout;
  readonly #size: number;
  #cursor: CursorMode;
  #background: Uint8Array | null = null;
  #free: Slot[] = [];

  constructor(mode: SyntheticDisplayMode, clock: Clock, cursor: CursorMode = 'always') {
    super('video', clock, { kind: 'video', mode: { width: mode.width, height: mode.height, frameRate: mode.frameRate } });
    if (!(Number.isInteger(mode.width) && mode.width > 0 && Number.isInteger(mode.height) && mode.height > 0 && mode.frameRate > 0)) {
      throw new RangeError(`invalid display mode ${mode.width}x${mode.height}@${mode.frameRate}`);
    }
    this.#mode = mode;
    this.#layout = desktopLayout(mode.width, mode.height);
    this.#size = tightFrameSize('I420', mode.width, mode.height);
    this.#cursor = cursor;
  }

  get cursor(): CursorMode {
    return this.#cursor;
  }

  setCursor(mode: CursorMode): void {
    this.#cursor = mode;
  }

  /**
   * The surface becomes inaccessible for a while (minimized, a screen lock) or accessible again:
   * its tracks are muted and get black frames meanwhile (screen-capture#closed-and-minimized-display-surfaces).
   */
  setSurfaceAccessible(accessible: boolean): void {
    this.setMuted(!accessible);
  }

  /** The surface went away for good (its window closed): the tracks end. */
  closeSurface(): void {
    this.endSource('the display surface was closed');
  }

  /** The display's geometry (for tests that look for the windows and the cursor). */
  get layout(): DesktopLayout {
    return this.#layout;
  }

  /** The display's size never changes: a configuration is accepted only if it is the display's own. */
  override configure(): void {}

  protected override prepare(): boolean {
    if (!this.#background) {
      const bg = new Uint8Array(this.#size);
      renderBackground(new I420Canvas(bg, this.#mode.width, this.#mode.height), this.#layout);
      this.#background = bg;
    }
    return true;
  }

  /** Frame n is delivered once its frame period has elapsed. */
  protected dueOffsetMs(n: number): number {
    return ((n + 1) * 1000) / this.#mode.frameRate;
  }

  protected produce(n: number): void {
    if (this.hasConsumers) this.emit(this.#render(n));
  }

  #takeSlot(): Slot {
    const slot = this.#free.pop();
    if (slot) return slot;
    const data = new Uint8Array(this.#size);
    data.set(this.#background!);
    return { data, dirty: [] };
  }

  #render(n: number) {
    const { width: w, height: h, frameRate } = this.#mode;
    const layout = this.#layout;
    const slot = this.#takeSlot();
    const canvas = new I420Canvas(slot.data, w, h);
    const bg = this.#background!;
    for (const r of slot.dirty) canvas.copyFrom(bg, r);
    slot.dirty = [];
    const tMs = (n * 1000) / frameRate;
    const timestampUs = this.startUs + Math.round((n * 1e6) / frameRate);
    // The drifting window.
    const win = movingWindowRect(layout, tMs);
    drawWindow(canvas, win, layout.moving.title, h / 1080);
    slot.dirty.push(win);
    // The taskbar text: frame counter and the clock (minutes:seconds since the start).
    const text = this.#drawTaskbarText(canvas, n, Math.floor(tMs / 1000));
    if (text) slot.dirty.push(text);
    // The cursor, on top of everything.
    const cursor = cursorState(layout, tMs, this.#cursor);
    if (cursor.visible) {
      drawCursor(canvas, layout, cursor.x, cursor.y);
      slot.dirty.push(cursorRect(layout, cursor.x, cursor.y));
    }
    const free = this.#free;
    const buffer = FrameBuffer.adopt(slot.data, () => {
      if (free.length < 8) free.push(slot);
    });
    return createVideoFrame(buffer, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: timestampUs, duration: Math.round(1e6 / frameRate) });
  }

  /** Draws "NNNNNN MM:SS" at the taskbar's right end; returns the region it covers. */
  #drawTaskbarText(canvas: I420Canvas, n: number, seconds: number): Rect | null {
    const layout = this.#layout;
    const tb = layout.taskbar;
    const k = layout.textScale;
    const counter = String(n % 1_000_000).padStart(6, '0');
    const clock = `${String(Math.floor(seconds / 60) % 100).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
    const glyphs = `${counter} ${clock}`;
    const advance = 4 * k;
    const textW = glyphs.length * advance;
    const x0 = tb.x + tb.w - textW - 2 * k;
    const y0 = tb.y + Math.max(0, Math.floor((tb.h - 5 * k) / 2));
    if (x0 < 0 || 5 * k > tb.h) return null;
    const box: Rect = { x: x0, y: y0, w: textW, h: 5 * k };
    for (let i = 0; i < glyphs.length; i++) {
      const ch = glyphs[i]!;
      const gx = x0 + i * advance;
      if (ch === ':') {
        canvas.luma(gx + k, y0 + k, k, k, 235);
        canvas.luma(gx + k, y0 + 3 * k, k, k, 235);
        continue;
      }
      if (ch === ' ') continue;
      const rows = digitGlyph(ch.charCodeAt(0) - 48);
      for (let r = 0; r < 5; r++) {
        for (let c = 0; c < 3; c++) if (rows[r]! & (4 >> c)) canvas.luma(gx + c * k, y0 + r * k, k, k, 235);
      }
    }
    return box;
  }
}
