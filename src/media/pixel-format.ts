/**
 * VideoPixelFormat plane tables (webcodecs#pixel-format): for each format, its planes with the
 * bytes per sample and the horizontal/vertical sub-sampling factors, whether it carries alpha,
 * its equivalent opaque format, and whether it is an RGB format.
 */

export const VIDEO_PIXEL_FORMATS = [
  'I420', 'I420P10', 'I420P12', 'I420A', 'I420AP10', 'I420AP12',
  'I422', 'I422P10', 'I422P12', 'I422A', 'I422AP10', 'I422AP12',
  'I444', 'I444P10', 'I444P12', 'I444A', 'I444AP10', 'I444AP12',
  'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX',
] as const;

export type VideoPixelFormat = (typeof VIDEO_PIXEL_FORMATS)[number];

export interface PlaneInfo {
  /** Bytes per sample in this plane (2 for NV12's interleaved UV element, 4 for RGBA). */
  readonly sampleBytes: number;
  /** Horizontal sub-sampling factor (webcodecs#sub-sampling-factor). */
  readonly subX: number;
  /** Vertical sub-sampling factor. */
  readonly subY: number;
}

export interface PixelFormatInfo {
  readonly planes: readonly PlaneInfo[];
  readonly hasAlpha: boolean;
  /** webcodecs#equivalent-opaque-format */
  readonly opaque: VideoPixelFormat;
  /** webcodecs#rgb-format */
  readonly rgb: boolean;
  /** Significant bits per sample (8, 10 or 12). */
  readonly bitDepth: number;
}

function yuv(subX: number, subY: number, bytes: number, alpha: boolean, opaque: VideoPixelFormat, bitDepth: number): PixelFormatInfo {
  const luma: PlaneInfo = { sampleBytes: bytes, subX: 1, subY: 1 };
  const chroma: PlaneInfo = { sampleBytes: bytes, subX, subY };
  const planes = alpha ? [luma, chroma, chroma, luma] : [luma, chroma, chroma];
  return { planes, hasAlpha: alpha, opaque, rgb: false, bitDepth };
}

function packed(alpha: boolean, opaque: VideoPixelFormat): PixelFormatInfo {
  return { planes: [{ sampleBytes: 4, subX: 1, subY: 1 }], hasAlpha: alpha, opaque, rgb: true, bitDepth: 8 };
}

export const PIXEL_FORMATS: Readonly<Record<VideoPixelFormat, PixelFormatInfo>> = {
  I420: yuv(2, 2, 1, false, 'I420', 8),
  I420P10: yuv(2, 2, 2, false, 'I420P10', 10),
  I420P12: yuv(2, 2, 2, false, 'I420P12', 12),
  I420A: yuv(2, 2, 1, true, 'I420', 8),
  I420AP10: yuv(2, 2, 2, true, 'I420P10', 10),
  I420AP12: yuv(2, 2, 2, true, 'I420P12', 12),
  I422: yuv(2, 1, 1, false, 'I422', 8),
  I422P10: yuv(2, 1, 2, false, 'I422P10', 10),
  I422P12: yuv(2, 1, 2, false, 'I422P12', 12),
  I422A: yuv(2, 1, 1, true, 'I422', 8),
  // The spec text names I420P10/I420P10 as the opaque forms of I422AP10/I422AP12, an evident
  // copy slip (the opaque form keeps the chroma layout); the 4:2:2 forms are used.
  I422AP10: yuv(2, 1, 2, true, 'I422P10', 10),
  I422AP12: yuv(2, 1, 2, true, 'I422P12', 12),
  I444: yuv(1, 1, 1, false, 'I444', 8),
  I444P10: yuv(1, 1, 2, false, 'I444P10', 10),
  I444P12: yuv(1, 1, 2, false, 'I444P12', 12),
  I444A: yuv(1, 1, 1, true, 'I444', 8),
  I444AP10: yuv(1, 1, 2, true, 'I444P10', 10),
  I444AP12: yuv(1, 1, 2, true, 'I444P12', 12),
  NV12: { planes: [{ sampleBytes: 1, subX: 1, subY: 1 }, { sampleBytes: 2, subX: 2, subY: 2 }], hasAlpha: false, opaque: 'NV12', rgb: false, bitDepth: 8 },
  RGBA: packed(true, 'RGBX'),
  RGBX: packed(false, 'RGBX'),
  BGRA: packed(true, 'BGRX'),
  BGRX: packed(false, 'BGRX'),
};

export function isVideoPixelFormat(v: unknown): v is VideoPixelFormat {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PIXEL_FORMATS, v);
}

/** Number of sample rows/columns of `plane` for a `width` x `height` image (rounded up). */
export function planeSize(format: VideoPixelFormat, plane: number, width: number, height: number): { columns: number; rows: number; rowBytes: number } {
  const p = PIXEL_FORMATS[format].planes[plane]!;
  const columns = Math.ceil(width / p.subX);
  const rows = Math.ceil(height / p.subY);
  return { columns, rows, rowBytes: columns * p.sampleBytes };
}

/** Byte size of a tightly packed `width` x `height` image in `format`. */
export function tightFrameSize(format: VideoPixelFormat, width: number, height: number): number {
  let total = 0;
  for (let i = 0; i < PIXEL_FORMATS[format].planes.length; i++) {
    const s = planeSize(format, i, width, height);
    total += s.rowBytes * s.rows;
  }
  return total;
}

/** Offsets and strides of a tightly packed image, planes in order. */
export function tightLayout(format: VideoPixelFormat, width: number, height: number): { offset: number; stride: number }[] {
  const out: { offset: number; stride: number }[] = [];
  let offset = 0;
  for (let i = 0; i < PIXEL_FORMATS[format].planes.length; i++) {
    const s = planeSize(format, i, width, height);
    out.push({ offset, stride: s.rowBytes });
    offset += s.rowBytes * s.rows;
  }
  return out;
}

/** webcodecs#videoframe-verify-rect-offset-alignment */
export function verifyRectOffsetAlignment(format: VideoPixelFormat | null, x: number, y: number): boolean {
  if (format === null) return true;
  for (const p of PIXEL_FORMATS[format].planes) {
    if (x % p.subX !== 0 || y % p.subY !== 0) return false;
  }
  return true;
}
