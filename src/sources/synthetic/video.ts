/**
 * The synthetic camera: an I420 test pattern at the mode's size and rate. Colour bars (rendered
 * once) with a bar sweeping across, and the frame counter and timestamp (ms) drawn in a built-in
 * digit font, with the counter also block-coded in the middle of the picture for machines (readFrameCounter()). Frame n is stamped round(n * 1e6 / fps) µs after start and delivered when its period
 * ends, (n + 1) / fps seconds after start.
 *
 * Frames are pooled: a recycled buffer only has the regions that changed since its last use
 * restored from the background and redrawn (the sweeping bar and the text box).
 */
import type { Clock } from '../../media/clock.js';
import type { SourceConfig, VideoMode } from '../types.js';
import { ClockedSource } from '../clocked-source.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createVideoFrame } from '../../media/video-frame.js';
import { tightFrameSize, tightLayout } from '../../media/pixel-format.js';

export interface SyntheticVideoOptions {
  /** Draw the frame counter and timestamp (default true). */
  drawText?: boolean;
}

/** 3x5 digit glyphs, one row per entry, bit 2 = leftmost column. */
const DIGITS: readonly (readonly number[])[] = [
  [7, 5, 5, 5, 7],
  [2, 6, 2, 2, 7],
  [7, 1, 7, 4, 7],
  [7, 1, 7, 1, 7],
  [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7],
  [7, 4, 7, 5, 7],
  [7, 1, 1, 1, 1],
  [7, 5, 7, 5, 7],
  [7, 5, 7, 1, 7],
];

/** BT.709 limited-range YUV of 75% colour bars: white, yellow, cyan, green, magenta, red, blue, black. */
const BARS: readonly (readonly [number, number, number])[] = [
  [180, 128, 128],
  [168, 44, 136],
  [145, 147, 44],
  [133, 63, 52],
  [63, 193, 204],
  [51, 109, 212],
  [28, 212, 120],
  [16, 128, 128],
];

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Slot {
  data: Uint8Array;
  /** Regions drawn over the background when this buffer was last used. */
  dirty: Rect[];
}

/** The 3x5 glyph of digit `d` (rows top to bottom, bit 2 = leftmost column); ink is luma 235 on a luma-16 box. */
export function digitGlyph(d: number): readonly number[] {
  return DIGITS[d]!;
}

/**
 * The block code: a set marker cell, 16 bits of the frame counter (most significant first), a
 * 4-bit check, a clear marker cell (so flat black or white pictures never read as a number).
 */
const CODE_CELLS = 22;

function counterBits(n: number): number {
  const c = n & 0xffff;
  const check = (c ^ (c >> 4) ^ (c >> 8) ^ (c >> 12)) & 0xf;
  return (1 << 21) | (c << 5) | (check << 1);
}

/**
 * Reads the block-coded frame counter (modulo 65536) from the luma plane of a synthetic-camera
 * picture of `width` x `height`, also after lossy coding: each cell's centre is averaged and
 * compared with mid-grey. Returns null when the check bits disagree (no code, or too damaged).
 */
export function readFrameCounter(luma: Uint8Array, width: number, height: number, stride: number = width): number | null {
  const code = codeLayout(width, height);
  if (!code) return null;
  const { cell } = code;
  const inset = cell >= 4 ? Math.floor(cell / 4) : 0;
  let bits = 0;
  for (let i = 0; i < CODE_CELLS; i++) {
    const x0 = code.x + i * cell + inset, y0 = code.y + inset;
    const x1 = code.x + (i + 1) * cell - inset, y1 = code.y + cell - inset;
    let sum = 0, count = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, count++) sum += luma[y * stride + x]!;
    bits = (bits << 1) | (sum / count > 125 ? 1 : 0);
  }
  const value = (bits >>> 5) & 0xffff;
  return counterBits(value) === bits ? value : null;
}

/**
 * Where the code is: a row of square cells centred in the picture, the cell size following the
 * width (so a 640x480 picture cropped to 640x360, or 1280x720 scaled to 640x360, keeps it).
 */
function codeLayout(width: number, height: number): { x: number; y: number; cell: number } | null {
  const cell = 2 * Math.max(1, Math.floor(width / 160));
  const x = Math.floor(width / 2) - (CODE_CELLS * cell) / 2;
  const y = Math.floor(height / 2) - cell / 2;
  if (x < cell / 2 || y < cell / 2 || y + cell * 1.5 > height) return null;
  return { x, y, cell };
}

export class SyntheticVideoSource extends ClockedSource {
  readonly #drawText: boolean;
  #mode: VideoMode | null = null;
  #background = new Uint8Array(0);
  #free: Slot[] = [];
  #size = 0;
  #generation = 0;

  constructor(config: SourceConfig & { kind: 'video' }, clock: Clock, options: SyntheticVideoOptions = {}) {
    super('video', clock, config);
    this.#drawText = options.drawText ?? true;
  }

  setDeviceMuted(muted: boolean): void {
    this.setMuted(muted);
  }

  protected override prepare(): boolean {
    const config = this.config;
    if (!config || config.kind !== 'video') return false;
    const mode = config.mode;
    if (!(mode.width > 0 && mode.height > 0 && mode.frameRate > 0)) throw new RangeError(`invalid video mode ${mode.width}x${mode.height}@${mode.frameRate}`);
    if (!this.#mode || this.#mode.width !== mode.width || this.#mode.height !== mode.height) {
      this.#renderBackground(mode.width, mode.height);
      this.#free = [];
      this.#generation++;
    }
    this.#mode = mode;
    return true;
  }

  #renderBackground(w: number, h: number): void {
    this.#size = tightFrameSize('I420', w, h);
    const bg = new Uint8Array(this.#size);
    const [yL, uL, vL] = tightLayout('I420', w, h);
    const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
    for (let x = 0; x < w; x++) {
      const bar = BARS[Math.min(BARS.length - 1, Math.floor((x * BARS.length) / w))]!;
      bg[yL!.offset + x] = bar[0];
    }
    for (let y = 1; y < h; y++) bg.copyWithin(yL!.offset + y * w, yL!.offset, yL!.offset + w);
    for (let x = 0; x < cw; x++) {
      const bar = BARS[Math.min(BARS.length - 1, Math.floor((x * 2 * BARS.length) / w))]!;
      bg[uL!.offset + x] = bar[1];
      bg[vL!.offset + x] = bar[2];
    }
    for (let y = 1; y < ch; y++) {
      bg.copyWithin(uL!.offset + y * cw, uL!.offset, uL!.offset + cw);
      bg.copyWithin(vL!.offset + y * cw, vL!.offset, vL!.offset + cw);
    }
    this.#background = bg;
  }

  /** Frame n is delivered once its frame period has elapsed (as a camera hands over an exposed frame). */
  protected dueOffsetMs(n: number): number {
    return ((n + 1) * 1000) / this.#mode!.frameRate;
  }

  protected produce(n: number): void {
    if (this.hasConsumers) this.emit(this.#render(n));
  }

  #takeSlot(): Slot {
    const slot = this.#free.pop();
    if (slot) return slot;
    const data = new Uint8Array(this.#size);
    data.set(this.#background);
    return { data, dirty: [] };
  }

  #render(n: number) {
    const mode = this.#mode!;
    const w = mode.width, h = mode.height;
    const slot = this.#takeSlot();
    const data = slot.data;
    // Restore what the previous use drew, then draw this frame's changes.
    for (const r of slot.dirty) this.#restore(data, r);
    slot.dirty = [];
    const timestampUs = this.startUs + Math.round((n * 1e6) / mode.frameRate);
    const barW = Math.max(2, (Math.floor(w / 32) + 1) & ~1);
    const span = Math.max(1, w - barW);
    const bx = (Math.floor(((n * 4) % (2 * span)) / 2) * 2) % span;
    const bar: Rect = { x: bx & ~1, y: 0, w: barW, h };
    this.#fill(data, bar, 235, 128, 128);
    slot.dirty.push(bar);
    if (this.#drawText) {
      const scale = Math.max(1, Math.floor(h / 90));
      const lines = [String(n).padStart(6, '0'), String(Math.floor(timestampUs / 1000)).padStart(9, '0')];
      const glyphW = 4 * scale;
      const boxW = Math.min(w, (Math.max(...lines.map((l) => l.length)) * glyphW + 2 * scale + 1) & ~1 || 2);
      const boxH = Math.min(h, (lines.length * 6 * scale + 2 * scale + 1) & ~1 || 2);
      const box: Rect = { x: 0, y: 0, w: boxW, h: boxH };
      this.#fill(data, box, 16, 128, 128);
      slot.dirty.push(box);
      for (let l = 0; l < lines.length; l++) {
        const text = lines[l]!;
        for (let c = 0; c < text.length; c++) this.#glyph(data, w, h, text.charCodeAt(c) - 48, scale + c * glyphW, scale + l * 6 * scale, scale);
      }
      // The block code, centred so that centre crops (4:3 <-> 16:9) and scaling keep it readable.
      const code = codeLayout(w, h);
      if (code) {
        const bits = counterBits(n);
        const m = code.cell >> 1;
        const back: Rect = { x: (code.x - m) & ~1, y: (code.y - m) & ~1, w: (CODE_CELLS * code.cell + 2 * m + 2) & ~1, h: (code.cell + 2 * m + 2) & ~1 };
        this.#fill(data, back, 16, 128, 128);
        slot.dirty.push(back);
        for (let i = 0; i < CODE_CELLS; i++) {
          if (bits & (1 << (CODE_CELLS - 1 - i))) this.#fill(data, { x: code.x + i * code.cell, y: code.y, w: code.cell, h: code.cell }, 235, 128, 128);
        }
      }
    }
    const generation = this.#generation;
    const buffer = FrameBuffer.adopt(data, () => {
      if (generation === this.#generation && this.#free.length < 8) this.#free.push(slot);
    });
    return createVideoFrame(buffer, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: timestampUs, duration: Math.round(1e6 / mode.frameRate) });
  }

  #glyph(data: Uint8Array, w: number, h: number, digit: number, x0: number, y0: number, scale: number): void {
    const rows = DIGITS[digit];
    if (!rows) return;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (!(rows[r]! & (4 >> c))) continue;
        for (let dy = 0; dy < scale; dy++) {
          const y = y0 + r * scale + dy;
          if (y >= h) break;
          const x = x0 + c * scale;
          if (x >= w) break;
          data.fill(235, y * w + x, y * w + Math.min(w, x + scale));
        }
      }
    }
  }

  #fill(data: Uint8Array, r: Rect, Y: number, U: number, V: number): void {
    const w = this.#mode!.width, h = this.#mode!.height;
    const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
    const x1 = Math.min(w, r.x + r.w), y1 = Math.min(h, r.y + r.h);
    for (let y = r.y; y < y1; y++) data.fill(Y, y * w + r.x, y * w + x1);
    const uOff = w * h, vOff = uOff + cw * ch;
    for (let y = r.y >> 1; y < Math.ceil(y1 / 2); y++) {
      data.fill(U, uOff + y * cw + (r.x >> 1), uOff + y * cw + Math.ceil(x1 / 2));
      data.fill(V, vOff + y * cw + (r.x >> 1), vOff + y * cw + Math.ceil(x1 / 2));
    }
  }

  #restore(data: Uint8Array, r: Rect): void {
    const bg = this.#background;
    const w = this.#mode!.width, h = this.#mode!.height;
    const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
    const x1 = Math.min(w, r.x + r.w), y1 = Math.min(h, r.y + r.h);
    for (let y = r.y; y < y1; y++) data.set(bg.subarray(y * w + r.x, y * w + x1), y * w + r.x);
    const uOff = w * h, vOff = uOff + cw * ch;
    const cx0 = r.x >> 1, cx1 = Math.ceil(x1 / 2);
    for (let y = r.y >> 1; y < Math.ceil(y1 / 2); y++) {
      data.set(bg.subarray(uOff + y * cw + cx0, uOff + y * cw + cx1), uOff + y * cw + cx0);
      data.set(bg.subarray(vOff + y * cw + cx0, vOff + y * cw + cx1), vOff + y * cw + cx0);
    }
  }
}
