// Y'CbCr <-> R'G'B' conversion for whole frames (I420, NV12 <-> RGBA/BGRA), BT.601 and BT.709
// matrices, limited ("video", Y' 16..235, C 16..240) or full (0..255) range. Chroma is 2x2
// subsampled: decoding replicates each chroma sample over its 2x2 block, encoding averages the
// block. Fixed-point per-configuration lookup tables; no allocation per call after first use.

export type ColorMatrix = 'bt601' | 'bt709';

export interface ColorOptions {
  /** Default 'bt601' (what most cameras and VideoFrame's default 'smpte170m' use). */
  matrix?: ColorMatrix;
  /** Default false: limited range. */
  fullRange?: boolean;
  /** Byte order of the packed side. Default 'rgba'. Alpha is written as 255. */
  order?: 'rgba' | 'bgra';
}

export interface Plane { data: Uint8Array; offset: number; stride: number }

const KR: Record<ColorMatrix, number> = { bt601: 0.299, bt709: 0.2126 };
const KB: Record<ColorMatrix, number> = { bt601: 0.114, bt709: 0.0722 };
const FIX = 16;
const ONE = 1 << FIX;
const HALF = 1 << (FIX - 1);

interface Tables {
  /** decode: Y' code -> scaled luma */
  y: Int32Array;
  /** decode: Cr -> R, Cr -> G, Cb -> G, Cb -> B contributions */
  crR: Int32Array; crG: Int32Array; cbG: Int32Array; cbB: Int32Array;
  /** encode coefficients (scaled by ONE) */
  yr: number; yg: number; yb: number; ySlope: number; yOff: number;
  ur: number; ug: number; ub: number;
  vr: number; vg: number; vb: number;
}

const tableCache: Array<Tables | undefined> = [];

function tables(matrix: ColorMatrix, full: boolean): Tables {
  const kr = KR[matrix], kb = KB[matrix], kg = 1 - kr - kb;
  if (kr === undefined) throw new TypeError(`color: unknown matrix '${matrix}'`);
  const key = (matrix === 'bt709' ? 2 : 0) + (full ? 1 : 0);
  let t = tableCache[key];
  if (t) return t;
  const yScale = full ? 1 : 255 / 219, yOff = full ? 0 : 16;
  const cScale = full ? 1 : 255 / 224;
  const y = new Int32Array(256), crR = new Int32Array(256), crG = new Int32Array(256), cbG = new Int32Array(256), cbB = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    y[i] = Math.round((i - yOff) * yScale * ONE) + HALF; // rounding folded into the luma term
    const c = (i - 128) * cScale;
    crR[i] = Math.round(2 * (1 - kr) * c * ONE);
    cbB[i] = Math.round(2 * (1 - kb) * c * ONE);
    crG[i] = Math.round((-2 * (1 - kr) * kr / kg) * c * ONE);
    cbG[i] = Math.round((-2 * (1 - kb) * kb / kg) * c * ONE);
  }
  const ys = full ? 1 : 219 / 255, cs = full ? 1 : 224 / 255;
  t = {
    y, crR, crG, cbG, cbB,
    yr: Math.round(kr * ys * ONE), yg: Math.round(kg * ys * ONE), yb: Math.round(kb * ys * ONE),
    ySlope: ys, yOff: (yOff << FIX) + HALF,
    ur: Math.round((-kr / (2 * (1 - kb))) * cs * ONE), ug: Math.round((-kg / (2 * (1 - kb))) * cs * ONE), ub: Math.round(0.5 * cs * ONE),
    vr: Math.round(0.5 * cs * ONE), vg: Math.round((-kg / (2 * (1 - kr))) * cs * ONE), vb: Math.round((-kb / (2 * (1 - kr))) * cs * ONE),
  };
  tableCache[key] = t;
  return t;
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function checkSize(width: number, height: number, fn: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`${fn}: size ${width}x${height} is not a positive integer size`);
  }
}

function checkPlane(p: Plane, rows: number, rowBytes: number, fn: string, name: string): void {
  if (p.stride < rowBytes) throw new RangeError(`${fn}: ${name} stride ${p.stride} is less than ${rowBytes}`);
  const end = p.offset + (rows - 1) * p.stride + rowBytes;
  if (p.offset < 0 || end > p.data.length) throw new RangeError(`${fn}: ${name} plane needs ${end} bytes, has ${p.data.length}`);
}

/**
 * Shared decode loop: `uvStep` is 1 for planar U/V, 2 for interleaved UV (then u and v are the
 * same plane with v offset by one byte).
 */
function yuvToPacked(width: number, height: number, y: Plane, u: Plane, v: Plane, uvStep: number, out: Plane,
  opts: ColorOptions | undefined): void {
  const t = tables(opts?.matrix ?? 'bt601', opts?.fullRange ?? false);
  const bgra = opts?.order === 'bgra';
  const ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;
  const yt = t.y, crR = t.crR, crG = t.crG, cbG = t.cbG, cbB = t.cbB;
  const yd = y.data, ud = u.data, vd = v.data, od = out.data;
  for (let row = 0; row < height; row++) {
    const yo = y.offset + row * y.stride;
    const uo = u.offset + (row >> 1) * u.stride;
    const vo = v.offset + (row >> 1) * v.stride;
    let o = out.offset + row * out.stride;
    // Two luma samples share each chroma sample: look the chroma terms up once per pair.
    for (let x = 0, cx = 0; x < width; x += 2, cx += uvStep) {
      const cb = ud[uo + cx], cr = vd[vo + cx];
      const rc = crR[cr], gc = crG[cr] + cbG[cb], bc = cbB[cb];
      let l = yt[yd[yo + x]];
      let r = (l + rc) >> FIX, g = (l + gc) >> FIX, b = (l + bc) >> FIX;
      od[o + ri] = r < 0 ? 0 : r > 255 ? 255 : r;
      od[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      od[o + bi] = b < 0 ? 0 : b > 255 ? 255 : b;
      od[o + 3] = 255;
      o += 4;
      if (x + 1 === width) break;
      l = yt[yd[yo + x + 1]];
      r = (l + rc) >> FIX; g = (l + gc) >> FIX; b = (l + bc) >> FIX;
      od[o + ri] = r < 0 ? 0 : r > 255 ? 255 : r;
      od[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      od[o + bi] = b < 0 ? 0 : b > 255 ? 255 : b;
      od[o + 3] = 255;
      o += 4;
    }
  }
}

function packedToYuv(width: number, height: number, src: Plane, y: Plane, u: Plane, v: Plane, uvStep: number,
  opts: ColorOptions | undefined): void {
  const t = tables(opts?.matrix ?? 'bt601', opts?.fullRange ?? false);
  const bgra = opts?.order === 'bgra';
  const ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;
  const sd = src.data, yd = y.data, ud = u.data, vd = v.data;
  const { yr, yg, yb, yOff, ur, ug, ub, vr, vg, vb } = t;
  for (let row = 0; row < height; row++) {
    let s = src.offset + row * src.stride;
    const yo = y.offset + row * y.stride;
    for (let x = 0; x < width; x++, s += 4) {
      yd[yo + x] = clamp8((yr * sd[s + ri] + yg * sd[s + 1] + yb * sd[s + bi] + yOff) >> FIX);
    }
  }
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  const cOff4 = ((128 << FIX) + HALF) * 4;
  for (let cy = 0; cy < ch; cy++) {
    const r0 = src.offset + 2 * cy * src.stride;
    const r1 = 2 * cy + 1 < height ? r0 + src.stride : r0;
    const uo = u.offset + cy * u.stride, vo = v.offset + cy * v.stride;
    for (let cx = 0; cx < cw; cx++) {
      const a = 8 * cx;
      const b = 2 * cx + 1 < width ? a + 4 : a;
      // Sum of the 2x2 block (edge blocks repeat their last row/column); the shift by FIX + 2
      // divides by ONE and averages the four in one step.
      const R = sd[r0 + a + ri] + sd[r0 + b + ri] + sd[r1 + a + ri] + sd[r1 + b + ri];
      const G = sd[r0 + a + 1] + sd[r0 + b + 1] + sd[r1 + a + 1] + sd[r1 + b + 1];
      const B = sd[r0 + a + bi] + sd[r0 + b + bi] + sd[r1 + a + bi] + sd[r1 + b + bi];
      ud[uo + cx * uvStep] = clamp8((ur * R + ug * G + ub * B + cOff4) >> (FIX + 2));
      vd[vo + cx * uvStep] = clamp8((vr * R + vg * G + vb * B + cOff4) >> (FIX + 2));
    }
  }
}

/** I420 (planar Y, U, V; chroma ceil(w/2) x ceil(h/2)) to packed RGBA (or BGRA). */
export function i420ToRgba(width: number, height: number, y: Plane, u: Plane, v: Plane, out: Plane, opts?: ColorOptions): void {
  checkSize(width, height, 'i420ToRgba');
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  checkPlane(y, height, width, 'i420ToRgba', 'Y'); checkPlane(u, ch, cw, 'i420ToRgba', 'U');
  checkPlane(v, ch, cw, 'i420ToRgba', 'V'); checkPlane(out, height, width * 4, 'i420ToRgba', 'output');
  yuvToPacked(width, height, y, u, v, 1, out, opts);
}

/** NV12 (planar Y, interleaved UV) to packed RGBA (or BGRA). */
export function nv12ToRgba(width: number, height: number, y: Plane, uv: Plane, out: Plane, opts?: ColorOptions): void {
  checkSize(width, height, 'nv12ToRgba');
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  checkPlane(y, height, width, 'nv12ToRgba', 'Y'); checkPlane(uv, ch, cw * 2, 'nv12ToRgba', 'UV');
  checkPlane(out, height, width * 4, 'nv12ToRgba', 'output');
  yuvToPacked(width, height, y, uv, { data: uv.data, offset: uv.offset + 1, stride: uv.stride }, 2, out, opts);
}

/** Packed RGBA (or BGRA; alpha ignored) to I420. */
export function rgbaToI420(width: number, height: number, rgba: Plane, y: Plane, u: Plane, v: Plane, opts?: ColorOptions): void {
  checkSize(width, height, 'rgbaToI420');
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  checkPlane(rgba, height, width * 4, 'rgbaToI420', 'input');
  checkPlane(y, height, width, 'rgbaToI420', 'Y'); checkPlane(u, ch, cw, 'rgbaToI420', 'U');
  checkPlane(v, ch, cw, 'rgbaToI420', 'V');
  packedToYuv(width, height, rgba, y, u, v, 1, opts);
}

/** Packed RGBA (or BGRA; alpha ignored) to NV12. */
export function rgbaToNv12(width: number, height: number, rgba: Plane, y: Plane, uv: Plane, opts?: ColorOptions): void {
  checkSize(width, height, 'rgbaToNv12');
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  checkPlane(rgba, height, width * 4, 'rgbaToNv12', 'input');
  checkPlane(y, height, width, 'rgbaToNv12', 'Y'); checkPlane(uv, ch, cw * 2, 'rgbaToNv12', 'UV');
  packedToYuv(width, height, rgba, y, uv, { data: uv.data, offset: uv.offset + 1, stride: uv.stride }, 2, opts);
}

/** One pixel, for callers that need a single colour (e.g. filling a frame): [Y, Cb, Cr]. */
export function rgbToYuv(r: number, g: number, b: number, opts?: ColorOptions): [number, number, number] {
  const m = opts?.matrix ?? 'bt601';
  const full = opts?.fullRange ?? false;
  const kr = KR[m], kb = KB[m];
  if (kr === undefined) throw new TypeError(`rgbToYuv: unknown matrix '${m}'`);
  const kg = 1 - kr - kb;
  const ey = (kr * r + kg * g + kb * b) / 255;
  const cb = (b / 255 - ey) / (2 * (1 - kb)), cr = (r / 255 - ey) / (2 * (1 - kr));
  const ys = full ? 255 : 219, yo = full ? 0 : 16, cs = full ? 255 : 224;
  return [clamp8(Math.round(yo + ys * ey)), clamp8(Math.round(128 + cs * cb)), clamp8(Math.round(128 + cs * cr))];
}
