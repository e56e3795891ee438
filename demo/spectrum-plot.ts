/**
 * out/spectrum.png: the averaged spectra drawn with demo/plot.ts, with the shelf's corner
 * frequency and the two measured bands marked, then enlarged so the 5x7 font is readable.
 */
import { Raster, plotSpectra, spectrumPlotFrame, textWidth, type Rgba } from './plot.js';

export interface PlotSeries {
  label: string;
  color: Rgba;
  /** Bin k at k * sampleRate / (2 * db.length) Hz, in dB. */
  db: Float32Array;
}

export interface SpectrumPlotInput {
  title: string;
  sampleRate: number;
  series: readonly PlotSeries[];
  /** The filter's corner frequency, drawn as a dashed line. */
  shelfHz?: number;
  /** Frequency bands to shade, e.g. the ones the summary measures. */
  bands?: ReadonlyArray<readonly [number, number]>;
  /** Size before enlarging. */
  width?: number;
  height?: number;
  /** Whole-pixel enlargement (default 2). */
  scale?: number;
}

const MIN_HZ = 20;
const MAX_HZ = 20000;

/**
 * The dB axis: from the quietest to the loudest bin of any series between MIN_HZ and `maxHz`,
 * widened to whole 10 dB steps with 10 dB of room on each side (at least 40 dB, at most 120 dB).
 */
export function dbRange(series: readonly PlotSeries[], sampleRate: number, maxHz: number): { minDb: number; maxDb: number } {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    const binHz = sampleRate / (2 * s.db.length);
    for (let k = Math.ceil(MIN_HZ / binHz); k < s.db.length && k * binHz <= maxHz; k++) {
      const v = s.db[k]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi === -Infinity) return { minDb: -120, maxDb: 0 };
  const maxDb = Math.ceil(hi / 10) * 10 + 10;
  const minDb = Math.min(maxDb - 40, Math.max(maxDb - 120, Math.floor(lo / 10) * 10 - 10));
  return { minDb, maxDb };
}

/** Nearest-neighbour enlargement by a whole factor. */
export function enlarge(src: Raster, scale: number): Raster {
  if (!(Number.isInteger(scale) && scale >= 1)) throw new RangeError(`enlarge: scale ${scale} is not a positive integer`);
  if (scale === 1) return src;
  const out = new Raster(src.width * scale, src.height * scale);
  const rowBytes = out.width * 4;
  for (let y = 0; y < src.height; y++) {
    const row = y * scale * rowBytes;
    for (let x = 0; x < src.width; x++) {
      const s = (y * src.width + x) * 4;
      for (let k = 0; k < scale; k++) out.data.set(src.data.subarray(s, s + 4), row + (x * scale + k) * 4);
    }
    for (let k = 1; k < scale; k++) out.data.copyWithin(row + k * rowBytes, row, row + rowBytes);
  }
  return out;
}

// plotSpectra's default background and grid colours: the only pixels a band's shading tints, so
// that the curves keep their exact colours.
const BACKGROUND = [16, 16, 24];
const GRID = [60, 60, 76];

function shadeBehind(r: Raster, x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(r.height, Math.round(y1)); y++) {
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(r.width, Math.round(x1)); x++) {
      const o = (y * r.width + x) * 4, d = r.data;
      const isBackground = d[o] === BACKGROUND[0] && d[o + 1] === BACKGROUND[1] && d[o + 2] === BACKGROUND[2];
      const isGrid = d[o] === GRID[0] && d[o + 1] === GRID[1] && d[o + 2] === GRID[2];
      if (isBackground || isGrid) r.pixel(x, y, c);
    }
  }
}

export function drawSpectrumPlot(input: SpectrumPlotInput): Raster {
  const width = input.width ?? 800, height = input.height ?? 400;
  const maxHz = Math.min(MAX_HZ, input.sampleRate / 2);
  const { minDb, maxDb } = dbRange(input.series, input.sampleRate, maxHz);
  const raster = plotSpectra({
    series: input.series.map((s) => ({ label: s.label, color: s.color, magnitudesDb: s.db, sampleRate: input.sampleRate })),
    width,
    height,
    minDb,
    maxDb,
    minHz: MIN_HZ,
    maxHz,
    logFrequency: true,
    title: input.title,
  });
  // The same frequency mapping plotSpectra uses (log axis over [MIN_HZ, maxHz]).
  const f = spectrumPlotFrame(width, height, true);
  const xOf = (hz: number) => f.left + (f.right - f.left) * Math.log(hz / MIN_HZ) / Math.log(maxHz / MIN_HZ);
  const fg: Rgba = [220, 220, 220];
  for (const [lo, hi] of input.bands ?? []) {
    const x0 = xOf(Math.max(lo, MIN_HZ)), x1 = xOf(Math.min(hi, maxHz));
    shadeBehind(raster, x0, f.top + 1, x1, f.bottom, [120, 200, 120, 28]);
    const label = `${lo >= 1000 ? `${lo / 1000}K` : lo}-${hi >= 1000 ? `${hi / 1000}K` : hi} HZ BAND`;
    raster.text((x0 + x1 - textWidth(label)) / 2, f.bottom - 11, label, [150, 220, 150]);
  }
  if (input.shelfHz !== undefined) {
    const x = Math.round(xOf(input.shelfHz));
    for (let y = f.top + 1; y < f.bottom; y += 6) raster.line(x, y, x, Math.min(f.bottom - 1, y + 2), fg);
    raster.text(x + 4, f.top + 4, `SHELF ${input.shelfHz >= 1000 ? `${input.shelfHz / 1000}K` : input.shelfHz} HZ`, fg);
  }
  return enlarge(raster, input.scale ?? 2);
}
