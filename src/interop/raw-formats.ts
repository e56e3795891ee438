/** Raw byte formats of the Node stream interop and their WebCodecs equivalents. */
import type { AudioSampleFormat } from '../media/audio-data.js';
import { isVideoPixelFormat, type VideoPixelFormat } from '../media/pixel-format.js';

/** Interleaved little-endian PCM, named as ffmpeg names them. */
export type RawAudioFormat = 'f32le' | 's16le' | 's32le' | 'u8';

export const RAW_AUDIO_FORMATS: Readonly<Record<RawAudioFormat, AudioSampleFormat>> = {
  f32le: 'f32',
  s16le: 's16',
  s32le: 's32',
  u8: 'u8',
};

export function rawAudioFormat(value: unknown, context: string): RawAudioFormat {
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(RAW_AUDIO_FORMATS, value)) return value as RawAudioFormat;
  throw new TypeError(`${context}: format must be one of ${Object.keys(RAW_AUDIO_FORMATS).join(', ')}, got ${JSON.stringify(value)}`);
}

export function rawPixelFormat(value: unknown, context: string): VideoPixelFormat {
  if (isVideoPixelFormat(value)) return value;
  throw new TypeError(`${context}: pixelFormat ${JSON.stringify(value)} is not a VideoPixelFormat`);
}

export function positiveNumber(value: unknown, context: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${context} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  }
  return value;
}
