/**
 * Turns any 8-bit VideoFrame of this implementation into tightly packed I420 of one fixed size,
 * the picture a video encoder takes. A frame of another size is cropped to the target's aspect
 * ratio and scaled (as a browser's recorder keeps one coded size for the whole recording).
 */
import { videoFrameInternals, type VideoFrameInternals } from '../media/video-frame.js';
import { PIXEL_FORMATS } from '../media/pixel-format.js';
import { rgbaToI420 } from '../media/color.js';
import { scalePlane, cropRectFor, type PlaneView } from '../media/scale.js';

export class I420Picture {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly layout: readonly { offset: number; stride: number }[];

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
    this.data = new Uint8Array(width * height + 2 * cw * ch);
    this.layout = [
      { offset: 0, stride: width },
      { offset: width * height, stride: cw },
      { offset: width * height + cw * ch, stride: cw },
    ];
  }

  plane(i: 0 | 1 | 2): PlaneView {
    const sub = i === 0 ? 0 : 1;
    return {
      data: this.data,
      offset: this.layout[i]!.offset,
      stride: this.layout[i]!.stride,
      width: sub ? (this.width + 1) >> 1 : this.width,
      height: sub ? (this.height + 1) >> 1 : this.height,
    };
  }

  /** Black: Y 16, chroma 128 (limited range). */
  fillBlack(): void {
    this.data.fill(16, 0, this.width * this.height);
    this.data.fill(128, this.width * this.height);
  }
}

/** Why a frame cannot be recorded, or null when it can. */
export function unsupportedFrameReason(frame: unknown): string | null {
  const f = videoFrameInternals(frame);
  if (!f) return 'the frame is closed or not a VideoFrame of this library';
  const info = PIXEL_FORMATS[f.format];
  if (info.bitDepth !== 8) return `frames in ${f.format} (${info.bitDepth}-bit) cannot be recorded`;
  return null;
}

/** Converts `frame` into `out` (tight I420 of out's size). Throws for formats unsupportedFrameReason names. */
export function frameToI420(frame: unknown, out: I420Picture): void {
  const f = videoFrameInternals(frame);
  const reason = unsupportedFrameReason(frame);
  if (!f || reason) throw new TypeError(`MediaRecorder: ${reason}`);
  const { width: vw, height: vh } = f.visibleRect;
  if (vw === out.width && vh === out.height && (f.format === 'I420' || f.format === 'I420A') && f.visibleRect.x % 2 === 0 && f.visibleRect.y % 2 === 0) {
    copyI420(f, out);
    return;
  }
  // Bring the visible rectangle to I420 at its own size, then crop-and-scale to the target.
  const native = vw === out.width && vh === out.height ? out : new I420Picture(vw, vh);
  toI420SameSize(f, native);
  if (native === out) return;
  const crop = cropRectFor(vw, vh, out.width, out.height, 2);
  const cropChroma = { x: crop.x / 2, y: crop.y / 2, width: Math.min(crop.width / 2, native.plane(1).width), height: Math.min(crop.height / 2, native.plane(1).height) };
  scalePlane(native.plane(0), crop, out.plane(0), 1);
  scalePlane(native.plane(1), cropChroma, out.plane(1), 1);
  scalePlane(native.plane(2), cropChroma, out.plane(2), 1);
}

function copyRows(src: Uint8Array, srcOffset: number, srcStride: number, dst: Uint8Array, dstOffset: number, dstStride: number, rowBytes: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * srcStride;
    dst.set(src.subarray(s, s + rowBytes), dstOffset + r * dstStride);
  }
}

function copyI420(f: VideoFrameInternals, out: I420Picture): void {
  const src = f.buffer.data;
  const { x, y } = f.visibleRect;
  for (let p = 0; p < 3; p++) {
    const sub = p === 0 ? 1 : 2;
    const view = out.plane(p as 0 | 1 | 2);
    const layout = f.planes[p]!;
    copyRows(src, layout.offset + (y / sub) * layout.stride + x / sub, layout.stride, out.data, view.offset, view.stride, view.width, view.height);
  }
}

/** Converts the visible rectangle of `f` into `out`, which has the same size. */
function toI420SameSize(f: VideoFrameInternals, out: I420Picture): void {
  const src = f.buffer.data;
  const { x, y, width, height } = f.visibleRect;
  const fmt = f.format;
  const info = PIXEL_FORMATS[fmt];
  if (info.rgb) {
    const layout = f.planes[0]!;
    rgbaToI420(width, height, { data: src, offset: layout.offset + y * layout.stride + x * 4, stride: layout.stride },
      out.plane(0), out.plane(1), out.plane(2), { order: fmt === 'BGRA' || fmt === 'BGRX' ? 'bgra' : 'rgba' });
    return;
  }
  // Luma: a straight copy.
  const yl = f.planes[0]!;
  copyRows(src, yl.offset + y * yl.stride + x, yl.stride, out.data, 0, out.width, width, height);
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  if (fmt === 'NV12') {
    const uv = f.planes[1]!;
    const u = out.plane(1), v = out.plane(2);
    for (let r = 0; r < ch; r++) {
      const s = uv.offset + ((y >> 1) + r) * uv.stride + (x >> 1) * 2;
      for (let c = 0; c < cw; c++) {
        out.data[u.offset + r * u.stride + c] = src[s + 2 * c]!;
        out.data[v.offset + r * v.stride + c] = src[s + 2 * c + 1]!;
      }
    }
    return;
  }
  // Planar YUV with any chroma sub-sampling: resample each chroma plane to 4:2:0.
  const [, p1, p2] = info.planes;
  for (const [i, plane] of [[1, p1!], [2, p2!]] as const) {
    const l = f.planes[i]!;
    const pw = Math.ceil(f.codedWidth / plane.subX), ph = Math.ceil(f.codedHeight / plane.subY);
    const srcView: PlaneView = { data: src, offset: l.offset, stride: l.stride, width: pw, height: ph };
    const rect = { x: x / plane.subX, y: y / plane.subY, width: Math.min(width / plane.subX, pw), height: Math.min(height / plane.subY, ph) };
    scalePlane(srcView, rect, out.plane(i), 1);
  }
}
