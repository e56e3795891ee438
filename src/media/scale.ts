// Plane scaling for crop-and-scale between a source's native frame size and a track's
// constrained size. Separable two-pass filter with fixed-point weights: an area (box)
// filter when shrinking by RATIO_BOX or more, bilinear otherwise. Filter tables (and, for
// ratios with a short period, generated row kernels) are cached per geometry and the
// intermediate row is reused, so steady-state calls do not allocate.

export interface PlaneView { data: Uint8Array; offset: number; stride: number; width: number; height: number }
export interface Rect { x: number; y: number; width: number; height: number }

const WEIGHT_BITS = 14;
const WEIGHT_ONE = 1 << WEIGHT_BITS;
/** The vertically filtered intermediate row keeps this many extra fraction bits. */
const MID_BITS = 7;
/** Shrink factors at or above this use the area filter; below it, bilinear. */
const RATIO_BOX = 1.25;

interface FilterTable {
  srcStart: number; srcLength: number; dstLength: number; // cache key
  maxTaps: number;
  /** largest tap count of any output (weights beyond an output's count are zero) */
  taps: number;
  /** first source index per output sample */
  first: Int32Array;
  count: Int32Array;
  /** maxTaps weights per output sample, summing to WEIGHT_ONE exactly */
  weights: Int32Array;
  /** true when every output takes one source sample at weight one (pure copy) */
  identity: boolean;
  /** lowest and highest source index any output reads */
  lo: number; hi: number;
  /** Generated kernels for the periodic part of the table, per samples-per-pixel (null: none). */
  kernels: Array<PeriodicKernel | null | undefined>;
}

type KernelFn = (m: Uint16Array, d: Uint8Array, o: number, s: number, periods: number) => void;

interface PeriodicKernel {
  /** outputs [start, end) are computed by fn; end - start is a whole number of periods */
  start: number; end: number; periods: number;
  fn: KernelFn;
}

const CACHE_SIZE = 24;
const cache: FilterTable[] = [];
let cacheNext = 0;

function filterTable(srcStart: number, srcLength: number, dstLength: number, srcLimit: number): FilterTable {
  for (let i = 0; i < cache.length; i++) {
    const t = cache[i];
    if (t.srcStart === srcStart && t.srcLength === srcLength && t.dstLength === dstLength) return t;
  }
  const t = buildTable(srcStart, srcLength, dstLength, srcLimit);
  if (cache.length < CACHE_SIZE) cache.push(t);
  else { cache[cacheNext] = t; cacheNext = (cacheNext + 1) % CACHE_SIZE; }
  return t;
}

function buildTable(srcStart: number, srcLength: number, dstLength: number, srcLimit: number): FilterTable {
  const scale = srcLength / dstLength;
  const box = scale >= RATIO_BOX;
  const maxTaps = box ? Math.ceil(scale) + 2 : 2;
  const first = new Int32Array(dstLength);
  const count = new Int32Array(dstLength);
  const weights = new Int32Array(dstLength * maxTaps);
  const fw = new Float64Array(maxTaps);
  // Samples outside the rectangle (but inside the plane) are never read: edges clamp to the rect.
  const minIdx = Math.max(0, Math.floor(srcStart));
  const maxIdx = Math.min(srcLimit - 1, Math.max(minIdx, Math.ceil(srcStart + srcLength) - 1));
  let identity = true;
  let lo = Infinity, hi = -Infinity;
  let taps = 1;
  for (let i = 0; i < dstLength; i++) {
    let n = 0;
    let f0 = 0;
    if (box) {
      // Output i covers [a, b) in source coordinates; weight = overlap with each source sample.
      const a = srcStart + i * scale;
      const b = a + scale;
      f0 = Math.max(minIdx, Math.floor(a));
      const f1 = Math.min(maxIdx, Math.ceil(b) - 1);
      for (let k = f0; k <= f1 && n < maxTaps; k++) {
        const ov = Math.min(b, k + 1) - Math.max(a, k);
        fw[n++] = ov > 0 ? ov : 0;
      }
    } else {
      // Sample at the output pixel centre mapped into source coordinates.
      let c = srcStart + (i + 0.5) * scale - 0.5;
      if (c < minIdx) c = minIdx;
      if (c > maxIdx) c = maxIdx;
      f0 = Math.floor(c);
      const frac = c - f0;
      if (frac === 0 || f0 + 1 > maxIdx) { fw[n++] = 1; }
      else { fw[n++] = 1 - frac; fw[n++] = frac; }
    }
    // Normalise to fixed point with an exact sum so constant input stays constant.
    let total = 0;
    for (let k = 0; k < n; k++) total += fw[k];
    let sum = 0, big = 0;
    for (let k = 0; k < n; k++) {
      const w = total > 0 ? Math.round(fw[k] / total * WEIGHT_ONE) : (k === 0 ? WEIGHT_ONE : 0);
      weights[i * maxTaps + k] = w;
      sum += w;
      if (w > weights[i * maxTaps + big]) big = k;
    }
    weights[i * maxTaps + big] += WEIGHT_ONE - sum;
    // Trim zero-weight taps at the ends.
    let s = 0;
    while (s < n - 1 && weights[i * maxTaps + s] === 0) s++;
    let e = n;
    while (e > s + 1 && weights[i * maxTaps + e - 1] === 0) e--;
    if (s > 0) for (let k = s; k < e; k++) weights[i * maxTaps + k - s] = weights[i * maxTaps + k];
    // Zero the unused tail so loops may run a fixed tap count.
    for (let k = e - s; k < maxTaps; k++) weights[i * maxTaps + k] = 0;
    first[i] = f0 + s;
    count[i] = e - s;
    if (count[i] !== 1 || first[i] !== minIdx + i) identity = false;
    if (count[i] > taps) taps = count[i];
    if (first[i] < lo) lo = first[i];
    if (first[i] + count[i] - 1 > hi) hi = first[i] + count[i] - 1;
  }
  return { srcStart, srcLength, dstLength, maxTaps, taps, first, count, weights, identity, lo, hi, kernels: [] };
}

let mid = new Uint16Array(0);

function checkPlane(p: PlaneView, spp: number, name: string): void {
  if (!(p.width > 0 && p.height > 0 && Number.isInteger(p.width) && Number.isInteger(p.height))) {
    throw new RangeError(`scalePlane: ${name} plane size ${p.width}x${p.height} is not a positive integer size`);
  }
  if (p.stride < p.width * spp) throw new RangeError(`scalePlane: ${name} stride ${p.stride} is less than width*${spp}`);
  const end = p.offset + (p.height - 1) * p.stride + p.width * spp;
  if (p.offset < 0 || end > p.data.length) {
    throw new RangeError(`scalePlane: ${name} plane needs ${end} bytes but its data has ${p.data.length}`);
  }
}

/**
 * Resample the rectangle `srcRect` of `src` (in pixels, may be fractional) into the whole of `dst`.
 * `samplesPerPixel` is 1 for a planar plane (Y, U, V), 2 for interleaved UV (NV12), 4 for RGBA/BGRA;
 * interleaved components are filtered independently.
 */
export function scalePlane(src: PlaneView, srcRect: Rect, dst: PlaneView, samplesPerPixel: 1 | 2 | 4): void {
  const spp = samplesPerPixel;
  if (spp !== 1 && spp !== 2 && spp !== 4) throw new RangeError(`scalePlane: samplesPerPixel must be 1, 2 or 4, got ${spp}`);
  checkPlane(src, spp, 'source');
  checkPlane(dst, spp, 'destination');
  const { x, y, width, height } = srcRect;
  if (!(width > 0 && height > 0 && x >= 0 && y >= 0 && x + width <= src.width && y + height <= src.height)) {
    throw new RangeError(`scalePlane: source rect ${x},${y} ${width}x${height} is empty or outside the ${src.width}x${src.height} plane`);
  }
  const dw = dst.width, dh = dst.height;
  const sd = src.data, dd = dst.data;
  const sStride = src.stride, dStride = dst.stride;

  // Same-size integer copy: row copies.
  if (width === dw && height === dh && Number.isInteger(x) && Number.isInteger(y)) {
    const rowBytes = dw * spp;
    for (let r = 0; r < dh; r++) {
      const so = src.offset + (y + r) * sStride + x * spp;
      dd.set(sd.subarray(so, so + rowBytes), dst.offset + r * dStride);
    }
    return;
  }

  const ht = filterTable(x, width, dw, src.width);
  const vt = filterTable(y, height, dh, src.height);
  // Vertical pass first, one output row at a time, over only the columns the horizontal
  // filter reads; the row is kept with MID_BITS extra fraction bits. Then the horizontal pass.
  const colLo = ht.lo * spp;
  const rowLen = (ht.hi - ht.lo + 1) * spp;
  // Slack past the row lets fixed-count tap loops read (zero-weighted) samples beyond it.
  const midLen = rowLen + (ht.maxTaps + 1) * spp;
  if (mid.length < midLen) mid = new Uint16Array(midLen);
  const m = mid;
  const vFirst = vt.first, vCount = vt.count, vW = vt.weights, vTaps = vt.maxTaps;
  const vShift = WEIGHT_BITS - MID_BITS;
  const vRound = 1 << (vShift - 1);
  const hFirst = ht.first;
  const hShift = WEIGHT_BITS + MID_BITS;
  const midRound = 1 << (MID_BITS - 1);
  for (let j = 0; j < dh; j++) {
    const n = vCount[j];
    const wo = j * vTaps;
    const s0 = src.offset + vFirst[j] * sStride + colLo;
    const drow = dst.offset + j * dStride;
    if (n === 1) {
      if (ht.identity) { dd.set(sd.subarray(s0, s0 + rowLen), drow); continue; }
      for (let i = 0; i < rowLen; i++) m[i] = sd[s0 + i] << MID_BITS;
    } else if (n === 2) {
      const w0 = vW[wo], w1 = vW[wo + 1];
      const s1 = s0 + sStride;
      for (let i = 0; i < rowLen; i++) m[i] = (w0 * sd[s0 + i] + w1 * sd[s1 + i] + vRound) >> vShift;
    } else if (n === 3) {
      const w0 = vW[wo], w1 = vW[wo + 1], w2 = vW[wo + 2];
      const s1 = s0 + sStride, s2 = s1 + sStride;
      for (let i = 0; i < rowLen; i++) m[i] = (w0 * sd[s0 + i] + w1 * sd[s1 + i] + w2 * sd[s2 + i] + vRound) >> vShift;
    } else {
      for (let i = 0; i < rowLen; i++) {
        let acc = vRound;
        for (let k = 0, q = s0 + i; k < n; k++, q += sStride) acc += vW[wo + k] * sd[q];
        m[i] = acc >> vShift;
      }
    }
    if (ht.identity) {
      for (let i = 0; i < rowLen; i++) dd[drow + i] = (m[i] + midRound) >> MID_BITS;
      continue;
    }
    const k = ht.kernels[spp] === undefined ? (ht.kernels[spp] = periodicKernel(ht, spp, hShift)) : ht.kernels[spp];
    if (k) {
      horizontal(ht, m, dd, drow, spp, 0, k.start, hShift);
      k.fn(m, dd, drow + k.start * spp, (hFirst[k.start] - ht.lo) * spp, k.periods);
      horizontal(ht, m, dd, drow, spp, k.end, dw, hShift);
    } else {
      horizontal(ht, m, dd, drow, spp, 0, dw, hShift);
    }
  }
}

/** Horizontal filter of outputs [from, to) of one row from `m` (which starts at source ht.lo). */
function horizontal(ht: FilterTable, m: Uint16Array, dd: Uint8Array, drow: number, spp: number, from: number, to: number,
  shift: number): void {
  const hFirst = ht.first, hCount = ht.count, hW = ht.weights, hTaps = ht.maxTaps, base = ht.lo;
  const round = 1 << (shift - 1);
  if (spp === 1) {
    const taps = ht.taps;
    if (taps === 2) {
      for (let i = from, w = from * hTaps; i < to; i++, w += hTaps) {
        const p = hFirst[i] - base;
        dd[drow + i] = (hW[w] * m[p] + hW[w + 1] * m[p + 1] + round) >> shift;
      }
    } else if (taps === 3) {
      for (let i = from, w = from * hTaps; i < to; i++, w += hTaps) {
        const p = hFirst[i] - base;
        dd[drow + i] = (hW[w] * m[p] + hW[w + 1] * m[p + 1] + hW[w + 2] * m[p + 2] + round) >> shift;
      }
    } else {
      for (let i = from; i < to; i++) {
        const c = hCount[i];
        const w = i * hTaps;
        const p = hFirst[i] - base;
        let acc = round;
        for (let k = 0; k < c; k++) acc += hW[w + k] * m[p + k];
        dd[drow + i] = acc >> shift;
      }
    }
    return;
  }
  for (let i = from; i < to; i++) {
    const c = hCount[i];
    const w = i * hTaps;
    const p = (hFirst[i] - base) * spp;
    const o = drow + i * spp;
    for (let ch = 0; ch < spp; ch++) {
      let acc = round;
      for (let k = 0, q = p + ch; k < c; k++, q += spp) acc += hW[w + k] * m[q];
      dd[o + ch] = acc >> shift;
    }
  }
}

const MAX_PERIOD = 40;
let kernelsUnavailable = false;

/**
 * When the table repeats every q outputs (a rational ratio p:q with small q), generate a
 * row kernel with the period unrolled and the weights as constants; this runs several times
 * faster than the table-driven loop. Returns null when there is no usable period or code
 * generation is not permitted in this runtime.
 */
function periodicKernel(t: FilterTable, spp: number, shift: number): PeriodicKernel | null {
  if (kernelsUnavailable || t.identity) return null;
  const n = t.dstLength;
  if (!Number.isInteger(t.srcLength) || !Number.isInteger(n)) return null;
  let a = t.srcLength, b = n;
  while (b) { const r = a % b; a = b; b = r; }
  const q = n / a, p = t.srcLength / a;
  if (q > MAX_PERIOD || n < 2 * q) return null;
  const { first, count, weights, maxTaps } = t;
  const same = (i: number, j: number): boolean => {
    if (first[i] !== first[j] + p || count[i] !== count[j]) return false;
    for (let k = 0; k < count[i]; k++) if (weights[i * maxTaps + k] !== weights[j * maxTaps + k]) return false;
    return true;
  };
  // Edge outputs may be clamped; try a few starting points and keep the longest periodic run.
  let best: { start: number; periods: number } | null = null;
  for (let start = 0; start <= Math.min(q, 3) && start + q <= n; start++) {
    let i = start + q;
    while (i < n && same(i, i - q)) i++;
    const periods = Math.floor((i - start) / q);
    if (periods >= 2 && (!best || periods > best.periods)) best = { start, periods };
  }
  if (!best) return null;
  const round = 1 << (shift - 1);
  const lines: string[] = [];
  for (let k = 0; k < q; k++) {
    const i = best.start + k;
    const rel = first[i] - first[best.start];
    for (let ch = 0; ch < spp; ch++) {
      const terms: string[] = [];
      for (let tap = 0; tap < count[i]; tap++) {
        const w = weights[i * maxTaps + tap];
        if (w !== 0) terms.push(`${w} * m[s + ${(rel + tap) * spp + ch}]`);
      }
      lines.push(`d[o + ${k * spp + ch}] = (${terms.join(' + ') || '0'} + ${round}) >> ${shift};`);
    }
  }
  const body = `for (let n = 0; n < periods; n++, o += ${q * spp}, s += ${p * spp}) {\n${lines.join('\n')}\n}`;
  let fn: KernelFn;
  try {
    fn = new Function('m', 'd', 'o', 's', 'periods', body) as KernelFn;
  } catch {
    kernelsUnavailable = true;
    return null;
  }
  return { start: best.start, end: best.start + best.periods * q, periods: best.periods, fn };
}

/**
 * The centred crop of a srcW x srcH frame that has the aspect ratio of dstW x dstH (crop-and-scale:
 * no stretching, no letterboxing). With `align` > 1, x, y, width and height are multiples of it
 * (2 keeps I420/NV12 chroma sited on whole samples).
 */
export function cropRectFor(srcW: number, srcH: number, dstW: number, dstH: number, align = 1): Rect {
  if (!(srcW > 0 && srcH > 0 && dstW > 0 && dstH > 0)) {
    throw new RangeError(`cropRectFor: sizes must be positive, got ${srcW}x${srcH} -> ${dstW}x${dstH}`);
  }
  let width = srcW, height = srcH;
  // Compare aspect ratios exactly with integer cross-multiplication.
  if (srcW * dstH > dstW * srcH) width = Math.min(srcW, Math.round(srcH * dstW / dstH));
  else if (srcW * dstH < dstW * srcH) height = Math.min(srcH, Math.round(srcW * dstH / dstW));
  if (align > 1) {
    width = Math.max(align, Math.floor(width / align) * align);
    height = Math.max(align, Math.floor(height / align) * align);
    width = Math.min(width, Math.floor(srcW / align) * align || srcW);
    height = Math.min(height, Math.floor(srcH / align) * align || srcH);
  }
  let x = Math.floor((srcW - width) / 2);
  let y = Math.floor((srcH - height) / 2);
  if (align > 1) { x -= x % align; y -= y % align; }
  return { x, y, width, height };
}
