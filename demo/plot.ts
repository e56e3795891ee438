// A small RGBA raster with lines, rectangles and 5x7 bitmap text, and a spectrum plotter built on
// it (for demos and visual checks; not a general graphics library).

import { encodePng } from 'mediacapture';

/** [r, g, b] or [r, g, b, a], 0..255; alpha blends source-over. */
export type Rgba = readonly [number, number, number] | readonly [number, number, number, number];

// Glyph rows, top to bottom, 5 bits each (bit 4 = leftmost column).
const FONT: Record<string, readonly number[]> = {
  '0': [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e], '1': [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  '2': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f], '3': [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  '4': [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02], '5': [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  '6': [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e], '7': [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  '8': [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e], '9': [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  A: [0x0e, 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11], B: [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e], D: [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
  E: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f], F: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
  G: [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f], H: [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e], J: [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
  K: [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11], L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11], N: [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e], P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  Q: [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d], R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  S: [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e], T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e], V: [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
  W: [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a], X: [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
  Y: [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04], Z: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
  '-': [0, 0, 0, 0x1f, 0, 0, 0], '.': [0, 0, 0, 0, 0, 0x0c, 0x0c], ',': [0, 0, 0, 0, 0x0c, 0x04, 0x08],
  ':': [0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0], '(': [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
  ')': [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08], '/': [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
  '%': [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03], '+': [0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0],
  '=': [0, 0, 0x1f, 0, 0x1f, 0, 0], '_': [0, 0, 0, 0, 0, 0, 0x1f], ' ': [0, 0, 0, 0, 0, 0, 0],
  '?': [0x0e, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal advance per character at scale 1 (glyph plus one column of spacing). */
export const GLYPH_ADVANCE = 6;

export function glyph(ch: string): readonly number[] {
  return FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT['?'];
}

export class Raster {
  readonly width: number;
  readonly height: number;
  /** RGBA, rows top to bottom, width*4 bytes per row. */
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: Rgba = [0, 0, 0, 255]) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new RangeError(`Raster: size ${width}x${height} is not a positive integer size`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    const [r, g, b, a = 255] = background;
    for (let i = 0; i < this.data.length; i += 4) { this.data[i] = r; this.data[i + 1] = g; this.data[i + 2] = b; this.data[i + 3] = a; }
  }

  /** Plot one pixel (clipped; non-integer coordinates round). */
  pixel(x: number, y: number, c: Rgba): void {
    x = Math.round(x); y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4, d = this.data;
    const a = c[3] ?? 255;
    if (a >= 255) { d[o] = c[0]; d[o + 1] = c[1]; d[o + 2] = c[2]; d[o + 3] = 255; return; }
    const k = a / 255;
    d[o] = Math.round(c[0] * k + d[o] * (1 - k));
    d[o + 1] = Math.round(c[1] * k + d[o + 1] * (1 - k));
    d[o + 2] = Math.round(c[2] * k + d[o + 2] * (1 - k));
    d[o + 3] = Math.round(a + d[o + 3] * (1 - k));
  }

  get(x: number, y: number): [number, number, number, number] {
    const o = (y * this.width + x) * 4;
    return [this.data[o], this.data[o + 1], this.data[o + 2], this.data[o + 3]];
  }

  /** Fill the rectangle [x, x+w) x [y, y+h), clipped. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgba): void {
    const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w)), y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.pixel(xx, yy, c);
  }

  /** A one-pixel line from (x0, y0) to (x1, y1) inclusive (Bresenham), clipped. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
    x0 = Math.round(x0); y0 = Math.round(y0); x1 = Math.round(x1); y1 = Math.round(y1);
    if (![x0, y0, x1, y1].every(Number.isFinite)) return;
    const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.pixel(x0, y0, c);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x0 += sx; }
      if (e2 <= dx) { err += dx; y0 += sy; }
    }
  }

  /** Connected line segments through the points. */
  polyline(points: ReadonlyArray<readonly [number, number]>, c: Rgba): void {
    if (points.length === 1) this.pixel(points[0][0], points[0][1], c);
    for (let i = 1; i < points.length; i++) this.line(points[i - 1][0], points[i - 1][1], points[i][0], points[i][1], c);
  }

  /**
   * Text with the built-in 5x7 font, top-left corner at (x, y); letters are drawn as capitals.
   * Returns the width drawn.
   */
  text(x: number, y: number, s: string, c: Rgba, scale = 1): number {
    let cx = Math.round(x);
    const y0 = Math.round(y);
    for (const ch of s) {
      const g = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        const bits = g[r];
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (bits & (0x10 >> col)) this.fillRect(cx + col * scale, y0 + r * scale, scale, scale, c);
        }
      }
      cx += GLYPH_ADVANCE * scale;
    }
    return textWidth(s, scale);
  }

  toPng(): Uint8Array {
    return encodePng(this.data, this.width, this.height);
  }
}

/** Width in pixels of `s` drawn at `scale` (no trailing spacing column). */
export function textWidth(s: string, scale = 1): number {
  const n = [...s].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

export interface SpectrumSeries {
  label: string;
  color: Rgba;
  /** Bin k is frequency k * sampleRate / (2 * length), as AnalyserNode.getFloatFrequencyData. */
  magnitudesDb: Float32Array;
  sampleRate: number;
}

export interface SpectrumPlotOptions {
  series: readonly SpectrumSeries[];
  width?: number;
  height?: number;
  minDb?: number;
  maxDb?: number;
  minHz?: number;
  maxHz?: number;
  logFrequency?: boolean;
  title?: string;
  background?: Rgba;
  foreground?: Rgba;
  grid?: Rgba;
}

/** Plot area geometry of a spectrum raster, for callers that want to annotate it. */
export interface PlotFrame { left: number; top: number; right: number; bottom: number }

export function spectrumPlotFrame(width: number, height: number, hasTitle: boolean): PlotFrame {
  return { left: 48, top: hasTitle ? 20 : 8, right: width - 10, bottom: height - 24 };
}

function niceStep(range: number, maxTicks: number): number {
  const raw = range / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function hzLabel(f: number): string {
  if (f >= 1000) {
    const k = f / 1000;
    return (Number.isInteger(k) ? String(k) : k.toFixed(1)) + 'K';
  }
  return Number.isInteger(f) ? String(f) : f.toFixed(1);
}

/** Spectra as lines over a dB / Hz grid with tick labels and a legend. */
export function plotSpectra(opts: SpectrumPlotOptions): Raster {
  const width = opts.width ?? 800, height = opts.height ?? 400;
  const minDb = opts.minDb ?? -120, maxDb = opts.maxDb ?? 0;
  const nyquist = Math.max(1, ...opts.series.map((s) => s.sampleRate / 2));
  const log = opts.logFrequency ?? true;
  const minHz = opts.minHz ?? (log ? 20 : 0), maxHz = opts.maxHz ?? nyquist;
  if (!(maxDb > minDb)) throw new RangeError(`plotSpectra: maxDb ${maxDb} must exceed minDb ${minDb}`);
  if (!(maxHz > minHz) || (log && !(minHz > 0))) throw new RangeError(`plotSpectra: frequency range ${minHz}..${maxHz} Hz is not valid${log ? ' for a log axis' : ''}`);
  const bg = opts.background ?? [16, 16, 24, 255];
  const fg = opts.foreground ?? [220, 220, 220, 255];
  const gridC = opts.grid ?? [60, 60, 76, 255];
  const r = new Raster(width, height, bg);
  const f = spectrumPlotFrame(width, height, !!opts.title);
  const pw = f.right - f.left, ph = f.bottom - f.top;
  if (pw < 10 || ph < 10) throw new RangeError(`plotSpectra: ${width}x${height} is too small to plot in`);
  const xOf = (hz: number) => f.left + pw * (log ? Math.log(hz / minHz) / Math.log(maxHz / minHz) : (hz - minHz) / (maxHz - minHz));
  const hzOf = (x: number) => (log ? minHz * (maxHz / minHz) ** ((x - f.left) / pw) : minHz + (x - f.left) / pw * (maxHz - minHz));
  const yOf = (db: number) => f.top + ph * (maxDb - db) / (maxDb - minDb);

  // dB grid and labels
  const dbStep = niceStep(maxDb - minDb, Math.max(2, Math.floor(ph / 30)));
  for (let db = Math.ceil(minDb / dbStep) * dbStep; db <= maxDb + 1e-9; db += dbStep) {
    const y = Math.round(yOf(db));
    r.line(f.left, y, f.right, y, gridC);
    const label = String(Math.round(db * 100) / 100);
    r.text(f.left - 4 - textWidth(label), y - 3, label, fg);
  }
  // frequency grid and labels
  const ticks: Array<[number, boolean]> = [];
  if (log) {
    for (let dec = 10 ** Math.floor(Math.log10(minHz)); dec <= maxHz; dec *= 10) {
      for (let m = 1; m < 10; m++) {
        const hz = dec * m;
        if (hz >= minHz && hz <= maxHz) ticks.push([hz, m === 1 || (m === 2 || m === 5) && pw / Math.log10(maxHz / minHz) > 150]);
      }
    }
  } else {
    const step = niceStep(maxHz - minHz, Math.max(2, Math.floor(pw / 70)));
    for (let hz = Math.ceil(minHz / step) * step; hz <= maxHz + 1e-9; hz += step) ticks.push([hz, true]);
  }
  let lastLabelEnd = -Infinity;
  for (const [hz, labelled] of ticks) {
    const x = Math.round(xOf(hz));
    r.line(x, f.top, x, f.bottom, gridC);
    if (labelled) {
      const label = hzLabel(hz);
      const lx = x - (textWidth(label) >> 1);
      if (lx > lastLabelEnd + 4) { r.text(lx, f.bottom + 5, label, fg); lastLabelEnd = lx + textWidth(label); }
    }
  }
  r.text(f.right - textWidth('HZ'), f.bottom + 15, 'HZ', fg);
  r.text(2, f.top - 8 < 0 ? 0 : f.top - 8, 'DB', fg);
  // axes
  r.line(f.left, f.top, f.left, f.bottom, fg);
  r.line(f.left, f.bottom, f.right, f.bottom, fg);
  if (opts.title) r.text(f.left + ((pw - textWidth(opts.title)) >> 1), 6, opts.title, fg);

  // series: per pixel column, the peak of the bins the column spans (or interpolation between
  // bins when bins are wider than a column)
  for (const s of opts.series) {
    const n = s.magnitudesDb.length;
    if (n === 0) continue;
    const binHz = s.sampleRate / (2 * n);
    const pts: Array<[number, number]> = [];
    for (let x = f.left; x <= f.right; x++) {
      const lo = hzOf(x - 0.5), hi = hzOf(x + 0.5);
      const b0 = Math.max(0, Math.ceil(lo / binHz)), b1 = Math.min(n - 1, Math.floor(hi / binHz));
      let db: number;
      if (b1 >= b0) {
        db = -Infinity;
        for (let b = b0; b <= b1; b++) if (s.magnitudesDb[b] > db) db = s.magnitudesDb[b];
      } else {
        const pos = hzOf(x) / binHz;
        if (pos > n - 1) continue;
        const i = Math.floor(pos), t = pos - i;
        db = s.magnitudesDb[i] * (1 - t) + s.magnitudesDb[Math.min(n - 1, i + 1)] * t;
      }
      if (!Number.isFinite(db) && db !== -Infinity) continue;
      const y = Math.min(f.bottom, Math.max(f.top, yOf(Math.max(db, minDb))));
      pts.push([x, y]);
    }
    r.polyline(pts, s.color);
  }

  // legend (top right inside the plot)
  if (opts.series.length) {
    const lw = Math.max(...opts.series.map((s) => textWidth(s.label))) + 22;
    const lh = opts.series.length * 11 + 5;
    const lx = f.right - lw - 4, ly = f.top + 4;
    r.fillRect(lx, ly, lw, lh, [bg[0], bg[1], bg[2], 255]);
    r.line(lx, ly, lx + lw - 1, ly, gridC); r.line(lx, ly + lh - 1, lx + lw - 1, ly + lh - 1, gridC);
    r.line(lx, ly, lx, ly + lh - 1, gridC); r.line(lx + lw - 1, ly, lx + lw - 1, ly + lh - 1, gridC);
    opts.series.forEach((s, i) => {
      const y = ly + 4 + i * 11;
      r.fillRect(lx + 4, y + 1, 10, 5, s.color);
      r.text(lx + 18, y, s.label, fg);
    });
  }
  return r;
}
