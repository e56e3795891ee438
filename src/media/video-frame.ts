/**
 * VideoFrame (webcodecs#videoframe-interface). Pixel data lives in a reference-counted
 * FrameBuffer; clone() shares it and close() drops this frame's reference.
 *
 * The (image, init) constructor accepts a VideoFrame of this implementation: Node has no canvas or
 * image elements. Producers make frames over their own buffers with createVideoFrame() (no copy).
 */
import {
  dictionary,
  requiredMember,
  enumeration,
  unsignedLong,
  longLong,
  unsignedLongLong,
  double,
  boolean,
  sequence,
  toStringTag,
  exposeMembers,
  illegalInvocation,
  describe,
} from '../webidl/index.js';
import { FrameBuffer, countCopy } from './frame-buffer.js';
import { PIXEL_FORMATS, VIDEO_PIXEL_FORMATS, type VideoPixelFormat, tightLayout, verifyRectOffsetAlignment, isVideoPixelFormat } from './pixel-format.js';
import { makeRect, readRectInit, type DOMRectInitLike } from './dom-rect.js';
import { VideoColorSpace, readColorSpaceInit, SRGB, REC709, DISPLAY_P3, type ColorSpaceValues } from './video-color-space.js';
import { bytesOf, readTransferList, detachAndTake } from './buffer-source.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';
import type { DOMRectReadOnly } from '../webidl/dom-types.js';

export interface PlaneLayout {
  offset: number;
  stride: number;
}

interface FrameState {
  detached: boolean;
  buffer: FrameBuffer | null;
  /** Where each plane starts in buffer.data, and its row stride in bytes. */
  planes: PlaneLayout[];
  format: VideoPixelFormat | null;
  codedWidth: number;
  codedHeight: number;
  visibleLeft: number;
  visibleTop: number;
  visibleWidth: number;
  visibleHeight: number;
  rotation: number;
  flip: boolean;
  displayWidth: number;
  displayHeight: number;
  duration: number | null;
  timestamp: number;
  colorSpace: ColorSpaceValues;
  colorSpaceObject: VideoColorSpace | null;
  metadata: Record<string, unknown>;
}

// Internal slots live in a #private field (a WeakMap costs an ephemeron entry per frame, which
// dominates on the media path); these accessors are bound inside the class.
let stateOf: (value: unknown) => FrameState | undefined;
let setState: (target: VideoFrame, state: FrameState) => void;

function slotsOf(self: unknown, member: string): FrameState {
  const s = stateOf(self);
  if (s === undefined) throw illegalInvocation('VideoFrame', member);
  return s;
}

const RGB_FORMATS: readonly VideoPixelFormat[] = ['RGBA', 'RGBX', 'BGRA', 'BGRX'];

function invalidState(member: string): DOMException {
  return new DOMException(`VideoFrame.${member}: the frame is closed`, 'InvalidStateError');
}

/** webcodecs#videoframe-parse-rotation */
function parseRotation(rotation: number): number {
  const aligned = Math.floor(rotation / 90 + 0.5) * 90;
  const fullTurns = Math.floor(aligned / 360) * 360;
  return aligned - fullTurns;
}

/** webcodecs#videoframe-add-rotations */
function addRotations(baseRotation: number, baseFlip: boolean, rotation: number): number {
  const combined = baseFlip ? baseRotation - rotation : baseRotation + rotation;
  return combined - Math.floor(combined / 360) * 360;
}

function rectIsBad(r: DOMRectInitLike): boolean {
  return [r.x, r.y, r.width, r.height].some((v) => !Number.isFinite(v) || v < 0);
}

/** webcodecs#videoframe-parse-visible-rect */
function parseVisibleRect(defaultRect: DOMRectInitLike, overrideRect: DOMRectInitLike | undefined, codedWidth: number, codedHeight: number, format: VideoPixelFormat | null, context: string): DOMRectInitLike {
  let source = defaultRect;
  if (overrideRect !== undefined) {
    if (rectIsBad(overrideRect)) throw new TypeError(`${context}: rect members must be finite and non-negative`);
    if (overrideRect.width === 0 || overrideRect.height === 0) throw new TypeError(`${context}: rect width and height must be non-zero`);
    if (overrideRect.x + overrideRect.width > codedWidth) throw new TypeError(`${context}: rect x + width (${overrideRect.x + overrideRect.width}) exceeds the coded width ${codedWidth}`);
    if (overrideRect.y + overrideRect.height > codedHeight) throw new TypeError(`${context}: rect y + height (${overrideRect.y + overrideRect.height}) exceeds the coded height ${codedHeight}`);
    source = overrideRect;
  }
  if (!verifyRectOffsetAlignment(format, Math.trunc(source.x), Math.trunc(source.y))) {
    throw new TypeError(`${context}: rect offset (${source.x}, ${source.y}) is not aligned to the sub-sampling of ${format}`);
  }
  return source;
}

interface ComputedPlaneLayout {
  destinationOffset: number;
  destinationStride: number;
  sourceTop: number;
  sourceHeight: number;
  sourceLeftBytes: number;
  sourceWidthBytes: number;
}

interface CombinedLayout {
  allocationSize: number;
  computedLayouts: ComputedPlaneLayout[];
}

/** webcodecs#videoframe-compute-layout-and-allocation-size */
function computeLayoutAndAllocationSize(rect: DOMRectInitLike, format: VideoPixelFormat, layout: PlaneLayout[] | undefined, context: string): CombinedLayout {
  const planes = PIXEL_FORMATS[format].planes;
  // 1-2.
  if (layout !== undefined && layout.length !== planes.length) {
    throw new TypeError(`${context}: layout has ${layout.length} planes but ${format} has ${planes.length}`);
  }
  let minAllocationSize = 0;
  const computedLayouts: ComputedPlaneLayout[] = [];
  const endOffsets: number[] = [];
  const x = Math.trunc(rect.x), y = Math.trunc(rect.y), w = Math.trunc(rect.width), h = Math.trunc(rect.height);
  for (let i = 0; i < planes.length; i++) {
    const plane = planes[i]!;
    // 7.6-7.9
    const c: ComputedPlaneLayout = {
      sourceTop: Math.ceil(y / plane.subY),
      sourceHeight: Math.ceil(h / plane.subY),
      sourceLeftBytes: Math.floor(x / plane.subX) * plane.sampleBytes,
      // Step 7.9 says integer division; for odd widths that would drop the last chroma column the
      // pixel format defines (columns round up, as rows do in 7.7), so the width rounds up too.
      sourceWidthBytes: Math.ceil(w / plane.subX) * plane.sampleBytes,
      destinationOffset: 0,
      destinationStride: 0,
    };
    if (layout !== undefined) {
      const pl = layout[i]!;
      // 7.10.2
      if (pl.stride < c.sourceWidthBytes) throw new TypeError(`${context}: layout[${i}].stride ${pl.stride} is less than the ${c.sourceWidthBytes} bytes of a row`);
      c.destinationOffset = pl.offset;
      c.destinationStride = pl.stride;
    } else {
      // 7.11: tight packing.
      c.destinationOffset = minAllocationSize;
      c.destinationStride = c.sourceWidthBytes;
    }
    // 7.12-7.14
    const planeSize = c.destinationStride * c.sourceHeight;
    const planeEnd = planeSize + c.destinationOffset;
    if (planeSize > 0xffffffff || planeEnd > 0xffffffff) throw new TypeError(`${context}: plane ${i} ends beyond 2^32 bytes`);
    endOffsets.push(planeEnd);
    minAllocationSize = Math.max(minAllocationSize, planeEnd);
    // 7.17-7.18: planes must not overlap.
    for (let e = 0; e < i; e++) {
      const earlier = computedLayouts[e]!;
      if (endOffsets[i]! <= earlier.destinationOffset || endOffsets[e]! <= c.destinationOffset) continue;
      throw new TypeError(`${context}: layout planes ${e} and ${i} overlap`);
    }
    computedLayouts.push(c);
  }
  return { allocationSize: minAllocationSize, computedLayouts };
}

function readPlaneLayouts(value: unknown, context: string): PlaneLayout[] {
  return sequence(value, context, (item, ctx) => {
    const d = dictionary(item, ctx);
    const offset = unsignedLong(requiredMember(d, 'offset', 'PlaneLayout'), `${ctx}.offset`, { enforceRange: true });
    const stride = unsignedLong(requiredMember(d, 'stride', 'PlaneLayout'), `${ctx}.stride`, { enforceRange: true });
    return { offset, stride };
  });
}

function cloneMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata === undefined || metadata === null) return {};
  // webcodecs#videoframe-copy-videoframe-metadata: a structured copy keeps the frame's metadata immutable.
  return structuredCloneOf(metadata) as Record<string, unknown>;
}

/** Fields of a frame made over an existing buffer by engine code. */
export interface VideoFrameDescriptor {
  format: VideoPixelFormat;
  codedWidth: number;
  codedHeight: number;
  timestamp: number;
  duration?: number | null;
  /** Plane offsets/strides in the buffer; tight packing when omitted. */
  planes?: PlaneLayout[];
  visibleRect?: DOMRectInitLike;
  displayWidth?: number;
  displayHeight?: number;
  colorSpace?: ColorSpaceValues;
  rotation?: number;
  flip?: boolean;
}

/**
 * Turns a CanvasImageSource that is not a VideoFrame into a frame owned by the caller (or null when
 * `image` is not of its kind); throws the constructor's errors for unusable images or a missing
 * timestamp. webcodecs#dom-videoframe-videoframe
 */
export type ImageSourceReader = (image: unknown, init: unknown) => VideoFrame | null;
const imageSourceReaders: ImageSourceReader[] = [];

/** Lets a higher layer (elements/) teach the VideoFrame constructor more CanvasImageSources. */
export function registerImageSourceReader(reader: ImageSourceReader): void {
  if (!imageSourceReaders.includes(reader)) imageSourceReaders.push(reader);
}

export class VideoFrame {
  #state: FrameState | undefined;

  static {
    stateOf = (value) => (typeof value === 'object' && value !== null && #state in value ? (value as VideoFrame).#state : undefined);
    setState = (target, state) => {
      target.#state = state;
    };
  }

  constructor(data: unknown, init?: unknown) {
    if (arguments.length === 1 && (data as unknown) === (INTERNAL_CONSTRUCT as unknown)) return;
    if (data instanceof VideoFrame || stateOf(data) !== undefined) {
      initFromOtherFrame(this, init, data as VideoFrame);
      return;
    }
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data) || (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)) {
      if (arguments.length < 2) throw new TypeError("Failed to construct 'VideoFrame': a VideoFrameBufferInit is required with a buffer");
      initFromBuffer(this, data, init);
      return;
    }
    // Other CanvasImageSources (canvases, video elements) come from readers registered by elements/.
    for (const read of imageSourceReaders) {
      const image = read(data, init);
      if (!image) continue;
      try {
        initFromOtherFrame(this, init, image);
      } finally {
        image.close();
      }
      return;
    }
    throw new TypeError(`Failed to construct 'VideoFrame': ${describe(data)} is neither a BufferSource nor a VideoFrame (no other CanvasImageSource exists here)`);
  }

  get format(): VideoPixelFormat | null {
    return slotsOf(this, 'format').format;
  }
  get codedWidth(): number {
    return slotsOf(this, 'codedWidth').codedWidth;
  }
  get codedHeight(): number {
    return slotsOf(this, 'codedHeight').codedHeight;
  }
  /** webcodecs#dom-videoframe-codedrect */
  get codedRect(): DOMRectReadOnly | null {
    const s = slotsOf(this, 'codedRect');
    if (s.detached) return null;
    return makeRect(0, 0, s.codedWidth, s.codedHeight);
  }
  /** webcodecs#dom-videoframe-visiblerect */
  get visibleRect(): DOMRectReadOnly | null {
    const s = slotsOf(this, 'visibleRect');
    if (s.detached) return null;
    return makeRect(s.visibleLeft, s.visibleTop, s.visibleWidth, s.visibleHeight);
  }
  get rotation(): number {
    return slotsOf(this, 'rotation').rotation;
  }
  get flip(): boolean {
    return slotsOf(this, 'flip').flip;
  }
  get displayWidth(): number {
    return slotsOf(this, 'displayWidth').displayWidth;
  }
  get displayHeight(): number {
    return slotsOf(this, 'displayHeight').displayHeight;
  }
  get duration(): number | null {
    return slotsOf(this, 'duration').duration;
  }
  get timestamp(): number {
    return slotsOf(this, 'timestamp').timestamp;
  }
  get colorSpace(): VideoColorSpace {
    const s = slotsOf(this, 'colorSpace');
    if (!s.colorSpaceObject) s.colorSpaceObject = new VideoColorSpace(s.colorSpace);
    return s.colorSpaceObject;
  }

  /** webcodecs#dom-videoframe-metadata */
  metadata(): Record<string, unknown> {
    const s = slotsOf(this, 'metadata');
    if (s.detached) throw invalidState('metadata');
    return cloneMetadata(s.metadata);
  }

  /** webcodecs#dom-videoframe-allocationsize */
  allocationSize(options: unknown = {}): number {
    const s = slotsOf(this, 'allocationSize');
    // 1-2.
    if (s.detached) throw invalidState('allocationSize');
    if (s.format === null) throw new DOMException('VideoFrame.allocationSize: the frame has no known pixel format', 'NotSupportedError');
    // 3-5.
    return parseCopyToOptions(s, options, "Failed to execute 'allocationSize' on 'VideoFrame'").layout.allocationSize;
  }

  /** webcodecs#dom-videoframe-copyto */
  copyTo(destination: unknown, options: unknown = {}): Promise<PlaneLayout[]> {
    const ctx = "Failed to execute 'copyTo' on 'VideoFrame'";
    let s: FrameState;
    let dest: Uint8Array;
    let parsed: ParsedCopyOptions;
    try {
      s = slotsOf(this, 'copyTo');
      dest = bytesOf(destination, `${ctx}: destination`);
      // 1-2.
      if (s.detached) throw invalidState('copyTo');
      if (s.format === null) throw new DOMException('VideoFrame.copyTo: the frame has no known pixel format', 'NotSupportedError');
      // 3-4.
      parsed = parseCopyToOptions(s, options, ctx);
      // 5.
      if (dest.byteLength < parsed.layout.allocationSize) {
        throw new TypeError(`${ctx}: destination has ${dest.byteLength} bytes, ${parsed.layout.allocationSize} needed`);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    // 6. RGB output: convert the visible rectangle, then copy from the converted frame.
    if (parsed.format !== s.format && RGB_FORMATS.includes(parsed.format)) {
      try {
        const rgb = convertToRGBFrame(s, parsed.format, parsed.colorSpace);
        const rs = stateOf(rgb)!;
        const layout = parseCopyToOptions(rs, { rect: parsed.rectOption, layout: parsed.layoutOption }, ctx).layout;
        const result = copyPlanes(rs, layout, dest);
        closeState(rs);
        return Promise.resolve(result);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    // 7-11. The copy runs now; the promise resolves with the layouts.
    return Promise.resolve(copyPlanes(s, parsed.layout, dest));
  }

  /** webcodecs#dom-videoframe-clone */
  clone(): VideoFrame {
    const s = slotsOf(this, 'clone');
    if (s.detached) throw invalidState('clone');
    return cloneState(s);
  }

  /** webcodecs#dom-videoframe-close */
  close(): void {
    closeState(slotsOf(this, 'close'));
  }
}
toStringTag(VideoFrame, 'VideoFrame');
exposeMembers(VideoFrame, [
  'format', 'codedWidth', 'codedHeight', 'codedRect', 'visibleRect', 'rotation', 'flip', 'displayWidth', 'displayHeight',
  'duration', 'timestamp', 'colorSpace', 'metadata', 'allocationSize', 'copyTo', 'clone', 'close',
]);

const INTERNAL_CONSTRUCT = Symbol('VideoFrame.internal');

function newFrame(state: FrameState): VideoFrame {
  const f = new (VideoFrame as unknown as new (token: symbol) => VideoFrame)(INTERNAL_CONSTRUCT);
  setState(f, state);
  return f;
}

/** webcodecs#clone-videoframe */
function cloneState(s: FrameState): VideoFrame {
  s.buffer?.retain();
  return newFrame({ ...s, planes: s.planes, colorSpaceObject: null });
}

/** webcodecs#close-videoframe */
function closeState(s: FrameState): void {
  if (s.detached) return;
  const buffer = s.buffer;
  // 1-6.
  s.buffer = null;
  s.detached = true;
  s.format = null;
  s.codedWidth = s.codedHeight = s.visibleLeft = s.visibleTop = s.visibleWidth = s.visibleHeight = 0;
  s.rotation = s.displayWidth = s.displayHeight = 0;
  s.flip = false;
  s.metadata = {};
  buffer?.release();
}

interface ParsedCopyOptions {
  layout: CombinedLayout;
  format: VideoPixelFormat;
  colorSpace: 'srgb' | 'display-p3';
  rectOption: DOMRectInitLike | undefined;
  layoutOption: PlaneLayout[] | undefined;
}

/** webcodecs#videoframe-parse-videoframecopytooptions */
function parseCopyToOptions(s: FrameState, options: unknown, ctx: string): ParsedCopyOptions {
  const d = dictionary(options, `${ctx}: options`);
  // Members in WebIDL order: colorSpace, format, layout, rect.
  const colorSpace = d['colorSpace'] === undefined ? 'srgb' : enumeration(d['colorSpace'], ['srgb', 'display-p3'] as const, `${ctx}: options.colorSpace`);
  const formatOption = d['format'] === undefined ? undefined : enumeration(d['format'], VIDEO_PIXEL_FORMATS, `${ctx}: options.format`);
  const layoutOption = d['layout'] === undefined ? undefined : readPlaneLayouts(d['layout'], `${ctx}: options.layout`);
  const rectOption = d['rect'] === undefined ? undefined : readRectInit(d['rect'], `${ctx}: options.rect`);
  // 1-5.
  const defaultRect = { x: s.visibleLeft, y: s.visibleTop, width: s.visibleWidth, height: s.visibleHeight };
  const parsedRect = parseVisibleRect(defaultRect, rectOption, s.codedWidth, s.codedHeight, s.format, ctx);
  // 8-10.
  let format: VideoPixelFormat;
  if (formatOption === undefined || formatOption === s.format) format = s.format!;
  else if (RGB_FORMATS.includes(formatOption)) format = formatOption;
  else throw new DOMException(`${ctx}: conversion from ${s.format} to ${formatOption} is not supported (only RGBA, RGBX, BGRA, BGRX)`, 'NotSupportedError');
  // 11.
  const layout = computeLayoutAndAllocationSize(parsedRect, format, layoutOption, ctx);
  return { layout, format, colorSpace, rectOption, layoutOption };
}

/** The row-by-row copy of webcodecs#dom-videoframe-copyto step 10. */
function copyPlanes(s: FrameState, combined: CombinedLayout, dest: Uint8Array): PlaneLayout[] {
  const src = s.buffer!.data;
  const out: PlaneLayout[] = [];
  for (let i = 0; i < combined.computedLayouts.length; i++) {
    const c = combined.computedLayouts[i]!;
    const sourceStride = s.planes[i]!.stride;
    let sourceOffset = s.planes[i]!.offset + c.sourceTop * sourceStride + c.sourceLeftBytes;
    let destinationOffset = c.destinationOffset;
    const rowBytes = c.sourceWidthBytes;
    out.push({ offset: destinationOffset, stride: rowBytes });
    if (rowBytes === sourceStride && rowBytes === c.destinationStride) {
      dest.set(src.subarray(sourceOffset, sourceOffset + rowBytes * c.sourceHeight), destinationOffset);
    } else {
      for (let row = 0; row < c.sourceHeight; row++) {
        dest.set(src.subarray(sourceOffset, sourceOffset + rowBytes), destinationOffset);
        sourceOffset += sourceStride;
        destinationOffset += c.destinationStride;
      }
    }
  }
  return out;
}

/** YUV -> RGB coefficients (Kr, Kb) for a matrix. */
function matrixCoefficients(matrix: string | null): [number, number] {
  switch (matrix) {
    case 'bt470bg':
    case 'smpte170m':
      return [0.299, 0.114];
    case 'bt2020-ncl':
      return [0.2627, 0.0593];
    default:
      return [0.2126, 0.0722];
  }
}

/**
 * webcodecs#videoframe-convert-to-rgb-frame. YUV is converted with the frame's matrix and range;
 * no gamut/transfer conversion is applied for the target colour space (it is only recorded).
 */
function convertToRGBFrame(s: FrameState, format: VideoPixelFormat, colorSpace: 'srgb' | 'display-p3'): VideoFrame {
  const width = s.visibleWidth;
  const height = s.visibleHeight;
  const buffer = FrameBuffer.allocate(width * height * 4);
  const out = buffer.data;
  const src = s.buffer!.data;
  const info = PIXEL_FORMATS[s.format!];
  const dstBGR = format === 'BGRA' || format === 'BGRX';
  const keepAlpha = format === 'RGBA' || format === 'BGRA';
  if (info.rgb) {
    const srcBGR = s.format === 'BGRA' || s.format === 'BGRX';
    const srcAlpha = info.hasAlpha;
    const p = s.planes[0]!;
    for (let y = 0; y < height; y++) {
      let si = p.offset + (s.visibleTop + y) * p.stride + s.visibleLeft * 4;
      let di = y * width * 4;
      for (let x = 0; x < width; x++, si += 4, di += 4) {
        const r = src[si + (srcBGR ? 2 : 0)]!, g = src[si + 1]!, b = src[si + (srcBGR ? 0 : 2)]!;
        out[di + (dstBGR ? 2 : 0)] = r;
        out[di + 1] = g;
        out[di + (dstBGR ? 0 : 2)] = b;
        out[di + 3] = keepAlpha && srcAlpha ? src[si + 3]! : 255;
      }
    }
  } else {
    const [kr, kb] = matrixCoefficients(s.colorSpace.matrix);
    const kg = 1 - kr - kb;
    const full = s.colorSpace.fullRange === true;
    const shift = info.bitDepth - 8;
    const wide = info.planes[0]!.sampleBytes === 2;
    const nv12 = s.format === 'NV12';
    const sample = (plane: number, col: number, row: number, component = 0): number => {
      const p = s.planes[plane]!;
      const pi = info.planes[plane]!;
      const idx = p.offset + row * p.stride + col * pi.sampleBytes + component;
      return wide ? (src[idx]! | (src[idx + 1]! << 8)) >> shift : src[idx]!;
    };
    for (let y = 0; y < height; y++) {
      const row = s.visibleTop + y;
      for (let x = 0; x < width; x++) {
        const col = s.visibleLeft + x;
        const Y = sample(0, col, row);
        const cx = Math.floor(col / info.planes[1]!.subX), cy = Math.floor(row / info.planes[1]!.subY);
        const U = nv12 ? sample(1, cx, cy, 0) : sample(1, cx, cy);
        const V = nv12 ? sample(1, cx, cy, 1) : sample(2, cx, cy);
        const yn = full ? Y / 255 : (Y - 16) / 219;
        const pb = full ? (U - 128) / 255 : (U - 128) / 224;
        const pr = full ? (V - 128) / 255 : (V - 128) / 224;
        const r = yn + 2 * (1 - kr) * pr;
        const b = yn + 2 * (1 - kb) * pb;
        const g = (yn - kr * r - kb * b) / kg;
        const di = (y * width + x) * 4;
        out[di + (dstBGR ? 2 : 0)] = clamp255(r * 255);
        out[di + 1] = clamp255(g * 255);
        out[di + (dstBGR ? 0 : 2)] = clamp255(b * 255);
        out[di + 3] = keepAlpha && info.hasAlpha ? sample(3, col, row) : 255;
      }
    }
  }
  countCopy(width * height * 4);
  return newFrame({
    detached: false,
    buffer,
    planes: [{ offset: 0, stride: width * 4 }],
    format,
    codedWidth: width,
    codedHeight: height,
    visibleLeft: 0,
    visibleTop: 0,
    visibleWidth: width,
    visibleHeight: height,
    rotation: s.rotation,
    flip: s.flip,
    displayWidth: s.displayWidth,
    displayHeight: s.displayHeight,
    duration: s.duration,
    timestamp: s.timestamp,
    colorSpace: colorSpace === 'display-p3' ? DISPLAY_P3 : SRGB,
    colorSpaceObject: null,
    metadata: {},
  });
}

function clamp255(v: number): number {
  const r = Math.round(v);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** webcodecs#videoframe-pick-color-space */
function pickColorSpace(override: ColorSpaceValues | undefined, format: VideoPixelFormat | null): ColorSpaceValues {
  if (override !== undefined) return override;
  if (format !== null && PIXEL_FORMATS[format].rgb) return SRGB;
  return REC709;
}

/** webcodecs#dom-videoframe-videoframe-data-init */
function initFromBuffer(self: VideoFrame, data: unknown, initValue: unknown): void {
  const ctx = "Failed to construct 'VideoFrame'";
  const bytes = bytesOf(data, `${ctx}: data`);
  const d = dictionary(initValue, `${ctx}: init`);
  // WebIDL conversion of VideoFrameBufferInit, members in lexicographic order.
  const codedHeight = unsignedLong(requiredMember(d, 'codedHeight', 'VideoFrameBufferInit'), `${ctx}: init.codedHeight`, { enforceRange: true });
  const codedWidth = unsignedLong(requiredMember(d, 'codedWidth', 'VideoFrameBufferInit'), `${ctx}: init.codedWidth`, { enforceRange: true });
  const colorSpace = d['colorSpace'] === undefined ? undefined : readColorSpaceInit(d['colorSpace'], `${ctx}: init.colorSpace`);
  const displayHeight = d['displayHeight'] === undefined ? undefined : unsignedLong(d['displayHeight'], `${ctx}: init.displayHeight`, { enforceRange: true });
  const displayWidth = d['displayWidth'] === undefined ? undefined : unsignedLong(d['displayWidth'], `${ctx}: init.displayWidth`, { enforceRange: true });
  const duration = d['duration'] === undefined ? null : unsignedLongLong(d['duration'], `${ctx}: init.duration`, { enforceRange: true });
  const flip = d['flip'] === undefined ? false : boolean(d['flip']);
  const format = enumeration(requiredMember(d, 'format', 'VideoFrameBufferInit'), VIDEO_PIXEL_FORMATS, `${ctx}: init.format`);
  const layout = d['layout'] === undefined ? undefined : readPlaneLayouts(d['layout'], `${ctx}: init.layout`);
  const metadata = d['metadata'];
  const rotationIn = d['rotation'] === undefined ? 0 : double(d['rotation'], `${ctx}: init.rotation`);
  const timestamp = longLong(requiredMember(d, 'timestamp', 'VideoFrameBufferInit'), `${ctx}: init.timestamp`, { enforceRange: true });
  const transfer = d['transfer'] === undefined ? [] : d['transfer'];
  const visibleRect = d['visibleRect'] === undefined ? undefined : readRectInit(d['visibleRect'], `${ctx}: init.visibleRect`);

  // 1. webcodecs#valid-videoframebufferinit
  if (codedWidth === 0 || codedHeight === 0) throw new TypeError(`${ctx}: codedWidth and codedHeight must be non-zero`);
  if (visibleRect !== undefined) {
    if (rectIsBad(visibleRect)) throw new TypeError(`${ctx}: visibleRect members must be finite and non-negative`);
    if (visibleRect.y + visibleRect.height > codedHeight) throw new TypeError(`${ctx}: visibleRect y + height exceeds codedHeight ${codedHeight}`);
    if (visibleRect.x + visibleRect.width > codedWidth) throw new TypeError(`${ctx}: visibleRect x + width exceeds codedWidth ${codedWidth}`);
  }
  if ((displayWidth === undefined) !== (displayHeight === undefined)) throw new TypeError(`${ctx}: displayWidth and displayHeight must be given together`);
  if (displayWidth === 0 || displayHeight === 0) throw new TypeError(`${ctx}: displayWidth and displayHeight must be non-zero`);
  // 2-6. The spec's default rect lists codedWidth as its height; the coded height is meant.
  const defaultRect = { x: 0, y: 0, width: codedWidth, height: codedHeight };
  const parsedRect = parseVisibleRect(defaultRect, visibleRect, codedWidth, codedHeight, format, ctx);
  // 7-11. Where the planes lie in `data`: the layout covers the whole coded frame.
  const combined = computeLayoutAndAllocationSize({ x: 0, y: 0, width: codedWidth, height: codedHeight }, format, layout, ctx);
  void parsedRect;
  if (bytes.byteLength < combined.allocationSize) {
    throw new TypeError(`${ctx}: data has ${bytes.byteLength} bytes, the ${format} ${codedWidth}x${codedHeight} layout needs ${combined.allocationSize}`);
  }
  // 12-13.
  const transferList = readTransferList(transfer, ctx);
  let buffer: FrameBuffer;
  let planes: PlaneLayout[];
  const dataBuffer = bytes.buffer;
  if (dataBuffer instanceof ArrayBuffer && transferList.includes(dataBuffer)) {
    // 14. Reference the caller's memory, which the transfer hands to the frame.
    const taken = detachAndTake(dataBuffer);
    for (const ab of transferList) if (ab !== dataBuffer) detachAndTake(ab);
    buffer = FrameBuffer.adopt(new Uint8Array(taken, bytes.byteOffset, bytes.byteLength));
    planes = combined.computedLayouts.map((c) => ({ offset: c.destinationOffset, stride: c.destinationStride }));
  } else {
    // 15. Copy into a tightly packed resource of the coded size.
    planes = tightLayout(format, codedWidth, codedHeight);
    const size = planes.length === 0 ? 0 : combined.computedLayouts.reduce((n, c) => n + c.sourceWidthBytes * c.sourceHeight, 0);
    buffer = FrameBuffer.allocate(size);
    const out = buffer.data;
    for (let i = 0; i < planes.length; i++) {
      const c = combined.computedLayouts[i]!;
      const dst = planes[i]!;
      for (let row = 0; row < c.sourceHeight; row++) {
        const so = c.destinationOffset + row * c.destinationStride;
        out.set(bytes.subarray(so, so + c.sourceWidthBytes), dst.offset + row * dst.stride);
      }
    }
    countCopy(size);
    // 16.
    for (const ab of transferList) detachAndTake(ab);
  }
  // 21.
  const vw = visibleRect !== undefined ? Math.trunc(visibleRect.width) : codedWidth;
  const vh = visibleRect !== undefined ? Math.trunc(visibleRect.height) : codedHeight;
  const rotation = parseRotation(rotationIn);
  let dw: number, dh: number;
  if (displayWidth !== undefined && displayHeight !== undefined) {
    dw = displayWidth;
    dh = displayHeight;
  } else if (rotation === 0 || rotation === 180) {
    dw = vw;
    dh = vh;
  } else {
    dw = vh;
    dh = vw;
  }
  setState(self, {
    detached: false,
    buffer,
    planes,
    format,
    codedWidth,
    codedHeight,
    visibleLeft: visibleRect !== undefined ? Math.trunc(visibleRect.x) : 0,
    visibleTop: visibleRect !== undefined ? Math.trunc(visibleRect.y) : 0,
    visibleWidth: vw,
    visibleHeight: vh,
    rotation,
    flip,
    displayWidth: dw,
    displayHeight: dh,
    duration,
    timestamp,
    colorSpace: pickColorSpace(colorSpace, format),
    colorSpaceObject: null,
    metadata: cloneMetadata(metadata),
  });
}

/** webcodecs#dom-videoframe-videoframe with a VideoFrame image (Initialize Frame From Other Frame). */
function initFromOtherFrame(self: VideoFrame, initValue: unknown, other: VideoFrame): void {
  const ctx = "Failed to construct 'VideoFrame'";
  const o = slotsOf(other, 'constructor');
  // Check the usability of the image argument: a closed frame is unusable.
  if (o.detached) throw new DOMException(`${ctx}: the source VideoFrame is closed`, 'InvalidStateError');
  const d = dictionary(initValue, `${ctx}: init`);
  const alpha = d['alpha'] === undefined ? 'keep' : enumeration(d['alpha'], ['keep', 'discard'] as const, `${ctx}: init.alpha`);
  const displayHeight = d['displayHeight'] === undefined ? undefined : unsignedLong(d['displayHeight'], `${ctx}: init.displayHeight`, { enforceRange: true });
  const displayWidth = d['displayWidth'] === undefined ? undefined : unsignedLong(d['displayWidth'], `${ctx}: init.displayWidth`, { enforceRange: true });
  const duration = d['duration'] === undefined ? undefined : unsignedLongLong(d['duration'], `${ctx}: init.duration`, { enforceRange: true });
  const flip = d['flip'] === undefined ? false : boolean(d['flip']);
  const metadata = d['metadata'];
  const rotationIn = d['rotation'] === undefined ? 0 : double(d['rotation'], `${ctx}: init.rotation`);
  const timestamp = d['timestamp'] === undefined ? undefined : longLong(d['timestamp'], `${ctx}: init.timestamp`, { enforceRange: true });
  const visibleRect = d['visibleRect'] === undefined ? undefined : readRectInit(d['visibleRect'], `${ctx}: init.visibleRect`);
  // 1-2.
  let format = o.format;
  if (alpha === 'discard' && format !== null) format = PIXEL_FORMATS[format].opaque;
  // 3-4. webcodecs#validate-videoframeinit
  if (visibleRect !== undefined) {
    if (!verifyRectOffsetAlignment(format, visibleRect.x, visibleRect.y)) throw new TypeError(`${ctx}: visibleRect offset is not aligned to the sub-sampling of ${format}`);
    if (rectIsBad(visibleRect)) throw new TypeError(`${ctx}: visibleRect members must be finite and non-negative`);
    if (visibleRect.width === 0 || visibleRect.height === 0) throw new TypeError(`${ctx}: visibleRect width and height must be non-zero`);
    if (visibleRect.y + visibleRect.height > o.codedHeight) throw new TypeError(`${ctx}: visibleRect y + height exceeds codedHeight ${o.codedHeight}`);
    if (visibleRect.x + visibleRect.width > o.codedWidth) throw new TypeError(`${ctx}: visibleRect x + width exceeds codedWidth ${o.codedWidth}`);
  }
  if ((displayWidth === undefined) !== (displayHeight === undefined)) throw new TypeError(`${ctx}: displayWidth and displayHeight must be given together`);
  if (displayWidth === 0 || displayHeight === 0) throw new TypeError(`${ctx}: displayWidth and displayHeight must be non-zero`);
  // 5-6.
  o.buffer!.retain();
  // 8-11. webcodecs#videoframe-initialize-visible-rect-orientation-and-display-size
  const defaultRect = { x: o.visibleLeft, y: o.visibleTop, width: o.visibleWidth, height: o.visibleHeight };
  const vr = visibleRect ?? defaultRect;
  const rotation = parseRotation(rotationIn);
  const combinedRotation = addRotations(o.rotation, o.flip, rotation);
  let dw: number, dh: number;
  if (displayWidth !== undefined && displayHeight !== undefined) {
    dw = displayWidth;
    dh = displayHeight;
  } else {
    const quarter = o.rotation === 90 || o.rotation === 270;
    const widthScale = (quarter ? o.displayHeight : o.displayWidth) / defaultRect.width;
    const heightScale = (quarter ? o.displayWidth : o.displayHeight) / defaultRect.height;
    const w = Math.round(Math.trunc(vr.width) * widthScale);
    const h = Math.round(Math.trunc(vr.height) * heightScale);
    if (rotation === 0 || rotation === 180) {
      dw = w;
      dh = h;
    } else {
      dw = h;
      dh = w;
    }
  }
  setState(self, {
    detached: false,
    buffer: o.buffer,
    planes: o.planes,
    format,
    codedWidth: o.codedWidth,
    codedHeight: o.codedHeight,
    visibleLeft: Math.trunc(vr.x),
    visibleTop: Math.trunc(vr.y),
    visibleWidth: Math.trunc(vr.width),
    visibleHeight: Math.trunc(vr.height),
    rotation: combinedRotation,
    flip: o.flip !== flip,
    displayWidth: dw,
    displayHeight: dh,
    // 12-13.
    duration: duration !== undefined ? duration : o.duration,
    timestamp: timestamp !== undefined ? timestamp : o.timestamp,
    colorSpace: o.colorSpace,
    colorSpaceObject: null,
    // 15.
    metadata: cloneMetadata(metadata),
  });
}

/**
 * Makes a frame over `buffer` without copying; the frame takes over one reference the caller holds
 * (call buffer.retain() first to keep using it).
 */
export function createVideoFrame(buffer: FrameBuffer, desc: VideoFrameDescriptor): VideoFrame {
  const planes = desc.planes ?? tightLayout(desc.format, desc.codedWidth, desc.codedHeight);
  const vr = desc.visibleRect ?? { x: 0, y: 0, width: desc.codedWidth, height: desc.codedHeight };
  return newFrame({
    detached: false,
    buffer,
    planes,
    format: desc.format,
    codedWidth: desc.codedWidth,
    codedHeight: desc.codedHeight,
    visibleLeft: vr.x,
    visibleTop: vr.y,
    visibleWidth: vr.width,
    visibleHeight: vr.height,
    rotation: desc.rotation ?? 0,
    flip: desc.flip ?? false,
    displayWidth: desc.displayWidth ?? vr.width,
    displayHeight: desc.displayHeight ?? vr.height,
    duration: desc.duration ?? null,
    timestamp: desc.timestamp,
    colorSpace: pickColorSpace(desc.colorSpace, desc.format),
    colorSpaceObject: null,
    metadata: {},
  });
}

/** Engine view of a frame of this implementation: its storage and layout. Null when closed or foreign. */
export interface VideoFrameInternals {
  readonly buffer: FrameBuffer;
  readonly planes: readonly PlaneLayout[];
  readonly format: VideoPixelFormat;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly visibleRect: DOMRectInitLike;
  readonly timestamp: number;
  readonly duration: number | null;
  readonly colorSpace: ColorSpaceValues;
}

export function videoFrameInternals(frame: unknown): VideoFrameInternals | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const s = stateOf(frame);
  if (!s || s.detached || s.buffer === null || s.format === null) return null;
  return {
    buffer: s.buffer,
    planes: s.planes,
    format: s.format,
    codedWidth: s.codedWidth,
    codedHeight: s.codedHeight,
    visibleRect: { x: s.visibleLeft, y: s.visibleTop, width: s.visibleWidth, height: s.visibleHeight },
    timestamp: s.timestamp,
    duration: s.duration,
    colorSpace: s.colorSpace,
  };
}

/** True for a VideoFrame of this implementation (open or closed). */
export function isOwnVideoFrame(value: unknown): value is VideoFrame {
  return stateOf(value) !== undefined;
}

/** True for a closed (detached) frame of this implementation. */
export function isDetachedVideoFrame(value: unknown): boolean {
  const s = stateOf(value);
  return s !== undefined && s.detached;
}

/** Closes a frame of this implementation by its slots (bypasses a patched close()). */
export function closeVideoFrame(frame: VideoFrame): void {
  const s = stateOf(frame);
  if (s) closeState(s);
}

/** Any object with the WebCodecs VideoFrame shape (another runtime's frames). */
export interface VideoFrameLike {
  readonly format: string | null;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly timestamp: number;
  readonly duration: number | null;
  readonly visibleRect: { x: number; y: number; width: number; height: number } | null;
  allocationSize(options?: object): number;
  copyTo(dest: Uint8Array, options?: object): Promise<PlaneLayout[]>;
  close(): void;
}

export function isVideoFrameLike(value: unknown): value is VideoFrameLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['copyTo'] === 'function' && typeof v['allocationSize'] === 'function' && typeof v['close'] === 'function' && 'codedWidth' in v && 'timestamp' in v;
}

/**
 * A frame of this implementation holding the pixels of `frame` (ours: a clone; another runtime's:
 * copied through its copyTo()). The visible rectangle becomes the new coded frame.
 */
export async function importVideoFrame(frame: unknown): Promise<VideoFrame> {
  if (isOwnVideoFrame(frame)) return frame.clone();
  if (!isVideoFrameLike(frame)) throw new TypeError(`${describe(frame)} is not a VideoFrame`);
  const format = frame.format;
  if (!isVideoPixelFormat(format)) throw new TypeError(`VideoFrame format ${String(format)} is not supported`);
  const vr = frame.visibleRect ?? { x: 0, y: 0, width: frame.codedWidth, height: frame.codedHeight };
  const size = frame.allocationSize();
  const buffer = FrameBuffer.allocate(size);
  const layout = await frame.copyTo(buffer.data);
  countCopy(size);
  return createVideoFrame(buffer, { format, codedWidth: vr.width, codedHeight: vr.height, timestamp: frame.timestamp, duration: frame.duration, planes: layout });
}

