/** VideoColorSpace (webcodecs#video-color-space-interface). */
import { dictionary, enumeration, boolean, toStringTag, exposeMembers, brand } from '../webidl/index.js';

export const VIDEO_COLOR_PRIMARIES = ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432'] as const;
export const VIDEO_TRANSFER_CHARACTERISTICS = ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg'] as const;
export const VIDEO_MATRIX_COEFFICIENTS = ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'] as const;

export type VideoColorPrimaries = (typeof VIDEO_COLOR_PRIMARIES)[number];
export type VideoTransferCharacteristics = (typeof VIDEO_TRANSFER_CHARACTERISTICS)[number];
export type VideoMatrixCoefficients = (typeof VIDEO_MATRIX_COEFFICIENTS)[number];

export interface ColorSpaceValues {
  primaries: VideoColorPrimaries | null;
  transfer: VideoTransferCharacteristics | null;
  matrix: VideoMatrixCoefficients | null;
  fullRange: boolean | null;
}

const slots = new WeakMap<object, ColorSpaceValues>();

/** Converts a VideoColorSpaceInit dictionary (members nullable, defaulting to null). */
export function readColorSpaceInit(value: unknown, context: string): ColorSpaceValues {
  const d = dictionary(value, context);
  const fullRange = d['fullRange'];
  const matrix = d['matrix'];
  const primaries = d['primaries'];
  const transfer = d['transfer'];
  return {
    fullRange: fullRange === undefined || fullRange === null ? null : boolean(fullRange),
    matrix: matrix === undefined || matrix === null ? null : enumeration(matrix, VIDEO_MATRIX_COEFFICIENTS, `${context}.matrix`),
    primaries: primaries === undefined || primaries === null ? null : enumeration(primaries, VIDEO_COLOR_PRIMARIES, `${context}.primaries`),
    transfer: transfer === undefined || transfer === null ? null : enumeration(transfer, VIDEO_TRANSFER_CHARACTERISTICS, `${context}.transfer`),
  };
}

export class VideoColorSpace {
  constructor(init: unknown = {}) {
    // webcodecs#dom-videocolorspace-videocolorspace
    slots.set(this, readColorSpaceInit(init, "Failed to construct 'VideoColorSpace'"));
  }
  get primaries(): VideoColorPrimaries | null {
    return brand(slots, this, 'VideoColorSpace', 'primaries').primaries;
  }
  get transfer(): VideoTransferCharacteristics | null {
    return brand(slots, this, 'VideoColorSpace', 'transfer').transfer;
  }
  get matrix(): VideoMatrixCoefficients | null {
    return brand(slots, this, 'VideoColorSpace', 'matrix').matrix;
  }
  get fullRange(): boolean | null {
    return brand(slots, this, 'VideoColorSpace', 'fullRange').fullRange;
  }
  toJSON(): ColorSpaceValues {
    const s = brand(slots, this, 'VideoColorSpace', 'toJSON');
    return { primaries: s.primaries, transfer: s.transfer, matrix: s.matrix, fullRange: s.fullRange };
  }
}
toStringTag(VideoColorSpace, 'VideoColorSpace');
exposeMembers(VideoColorSpace, ['primaries', 'transfer', 'matrix', 'fullRange', 'toJSON']);

/** webcodecs#srgb-color-space */
export const SRGB: ColorSpaceValues = Object.freeze({ primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
/** webcodecs#display-p3-color-space */
export const DISPLAY_P3: ColorSpaceValues = Object.freeze({ primaries: 'smpte432', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
/** webcodecs#rec709-color-space */
export const REC709: ColorSpaceValues = Object.freeze({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });

export function colorSpaceFrom(values: ColorSpaceValues): VideoColorSpace {
  return new VideoColorSpace(values);
}
