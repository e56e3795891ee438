// RIFF/WAVE reading and writing: WAVE_FORMAT_PCM (8-bit unsigned, 16/24/32-bit signed),
// WAVE_FORMAT_IEEE_FLOAT (32/64-bit) and WAVE_FORMAT_EXTENSIBLE carrying either.
// Samples are exchanged as planar Float32 in [-1, 1): integer code k of an N-bit format maps to
// k / 2^(N-1), and encoding rounds x * 2^(N-1) and clamps, so decode(encode(decode(x))) is exact.

import { open, type FileHandle } from 'node:fs/promises';

export type WavSampleFormat = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

export interface WavInfo {
  sampleRate: number;
  channelCount: number;
  sampleFormat: WavSampleFormat;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Bytes of sample data (whole frames only). */
  dataBytes: number;
  frames: number;
}

export interface WavData {
  sampleRate: number;
  channels: Float32Array[];
  sampleFormat: WavSampleFormat;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Thrown for malformed or unsupported WAV data. */
export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

function bytesPerSample(f: WavSampleFormat): number {
  switch (f) {
    case 'u8': return 1;
    case 's16': return 2;
    case 's24': return 3;
    case 's32': case 'f32': return 4;
    case 'f64': return 8;
  }
}

/**
 * Parse the RIFF header and chunk list; find 'fmt ' and 'data'. `bytes` may be just the first
 * part of a file (enough to reach the data chunk header) when `fileSize` gives the full length;
 * then data bounds are checked against fileSize.
 */
export function parseWavHeader(bytes: Uint8Array, fileSize = bytes.length): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new WavFormatError(`WAV: ${bytes.length} bytes is too short for a RIFF header`);
  if (fourcc(bytes, 0) !== 'RIFF') throw new WavFormatError("WAV: expected 'RIFF' at byte 0 (this is not a WAV file)");
  if (fourcc(bytes, 8) !== 'WAVE') throw new WavFormatError("WAV: expected the RIFF form type 'WAVE' at byte 8");
  let pos = 12;
  let fmt: { format: WavSampleFormat; channels: number; rate: number; blockAlign: number } | undefined;
  while (pos + 8 <= bytes.length) {
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new WavFormatError(`WAV: 'fmt ' chunk of ${size} bytes is truncated or too small`);
      fmt = parseFmt(view, body, size);
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError("WAV: 'data' chunk comes before any 'fmt ' chunk");
      const available = fileSize - body;
      let dataBytes: number;
      if (size === UNKNOWN_SIZE || size === 0) {
        // Written by a streaming writer that never patched the size: the data runs to the end.
        dataBytes = available;
      } else {
        if (size > available) throw new WavFormatError(`WAV: 'data' chunk declares ${size} bytes but only ${available} remain (truncated file)`);
        dataBytes = size;
      }
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      return {
        sampleRate: fmt.rate, channelCount: fmt.channels, sampleFormat: fmt.format, blockAlign: fmt.blockAlign,
        dataOffset: body, dataBytes: frames * fmt.blockAlign, frames,
      };
    }
    pos = body + size + (size & 1);
  }
  throw new WavFormatError(fmt ? "WAV: no 'data' chunk found" : "WAV: no 'fmt ' chunk found");
}

function parseFmt(view: DataView, at: number, size: number) {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const rate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new WavFormatError(`WAV: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has ${size} bytes, needs 40`);
    // The sub-format GUID starts with the plain format tag.
    tag = view.getUint16(at + 24, true);
  }
  if (channels === 0) throw new WavFormatError('WAV: channel count is 0');
  if (rate === 0) throw new WavFormatError('WAV: sample rate is 0');
  let format: WavSampleFormat;
  if (tag === FORMAT_PCM) {
    const byBits: Record<number, WavSampleFormat> = { 8: 'u8', 16: 's16', 24: 's24', 32: 's32' };
    const f = byBits[bits];
    if (!f) throw new WavFormatError(`WAV: unsupported PCM sample size of ${bits} bits (supported: 8, 16, 24, 32)`);
    format = f;
  } else if (tag === FORMAT_FLOAT) {
    if (bits !== 32 && bits !== 64) throw new WavFormatError(`WAV: unsupported float sample size of ${bits} bits (supported: 32, 64)`);
    format = bits === 32 ? 'f32' : 'f64';
  } else {
    throw new WavFormatError(`WAV: unsupported format tag 0x${tag.toString(16)} (supported: PCM, IEEE float, extensible)`);
  }
  if (blockAlign !== channels * bytesPerSample(format)) {
    throw new WavFormatError(`WAV: block align ${blockAlign} does not match ${channels} channels of ${format}`);
  }
  return { format, channels, rate, blockAlign };
}

/**
 * Decode `frames` interleaved frames starting at `bytes[byteOffset]` into planar `out`
 * (out[c][outOffset + i]).
 */
export function decodeWavSamples(bytes: Uint8Array, byteOffset: number, format: WavSampleFormat, channelCount: number,
  frames: number, out: Float32Array[], outOffset = 0): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bps = bytesPerSample(format);
  const stride = bps * channelCount;
  if (byteOffset + frames * stride > bytes.length) {
    throw new WavFormatError(`WAV: ${frames} frames at byte ${byteOffset} run past the end of the ${bytes.length}-byte buffer`);
  }
  for (let c = 0; c < channelCount; c++) {
    const o = out[c];
    let p = byteOffset + c * bps;
    switch (format) {
      case 'u8': for (let i = 0; i < frames; i++, p += stride) o[outOffset + i] = (bytes[p] - 128) / 128; break;
      case 's16': for (let i = 0; i < frames; i++, p += stride) o[outOffset + i] = view.getInt16(p, true) / 32768; break;
      case 's24':
        for (let i = 0; i < frames; i++, p += stride) {
          const v = ((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8;
          o[outOffset + i] = v / 8388608;
        }
        break;
      case 's32': for (let i = 0; i < frames; i++, p += stride) o[outOffset + i] = view.getInt32(p, true) / 2147483648; break;
      case 'f32': for (let i = 0; i < frames; i++, p += stride) o[outOffset + i] = view.getFloat32(p, true); break;
      case 'f64': for (let i = 0; i < frames; i++, p += stride) o[outOffset + i] = view.getFloat64(p, true); break;
    }
  }
}

/** Decode a whole WAV file held in memory. */
export function parseWav(bytes: Uint8Array): WavData {
  const info = parseWavHeader(bytes);
  const channels = Array.from({ length: info.channelCount }, () => new Float32Array(info.frames));
  decodeWavSamples(bytes, info.dataOffset, info.sampleFormat, info.channelCount, info.frames, channels);
  return { sampleRate: info.sampleRate, channels, sampleFormat: info.sampleFormat };
}

function quantize(x: number, scale: number): number {
  // NaN becomes silence; everything else rounds and clamps to the code range.
  const v = Math.round(x * scale);
  return v >= scale ? scale - 1 : v < -scale ? -scale : v === v ? v : 0;
}

/** Interleave and encode `frames` frames of planar audio (no header). */
export function encodeWavSamples(channels: readonly Float32Array[], frames: number, format: WavSampleFormat,
  inputOffset = 0): Uint8Array {
  const n = channels.length;
  const bps = bytesPerSample(format);
  const out = new Uint8Array(frames * n * bps);
  const view = new DataView(out.buffer);
  const stride = n * bps;
  for (let c = 0; c < n; c++) {
    const x = channels[c];
    if (x.length < inputOffset + frames) throw new RangeError(`WAV encode: channel ${c} holds ${x.length} frames, fewer than ${inputOffset + frames}`);
    let p = c * bps;
    switch (format) {
      case 'u8': for (let i = 0; i < frames; i++, p += stride) out[p] = quantize(x[inputOffset + i], 128) + 128; break;
      case 's16': for (let i = 0; i < frames; i++, p += stride) view.setInt16(p, quantize(x[inputOffset + i], 32768), true); break;
      case 's24':
        for (let i = 0; i < frames; i++, p += stride) {
          const v = quantize(x[inputOffset + i], 8388608);
          out[p] = v & 255; out[p + 1] = (v >> 8) & 255; out[p + 2] = (v >> 16) & 255;
        }
        break;
      case 's32': for (let i = 0; i < frames; i++, p += stride) view.setInt32(p, quantize(x[inputOffset + i], 2147483648), true); break;
      case 'f32': for (let i = 0; i < frames; i++, p += stride) view.setFloat32(p, x[inputOffset + i], true); break;
      case 'f64': for (let i = 0; i < frames; i++, p += stride) view.setFloat64(p, x[inputOffset + i], true); break;
    }
  }
  return out;
}

const HEADER_BYTES = 44;

/**
 * The 44-byte canonical header. `dataBytes` undefined means "unknown length" (streaming): both
 * sizes are written as 0xFFFFFFFF, which readers (including parseWav) take as "to end of file".
 */
export function wavHeader(sampleRate: number, channelCount: number, format: WavSampleFormat, dataBytes?: number): Uint8Array {
  if (!(Number.isInteger(sampleRate) && sampleRate > 0 && sampleRate <= 0xffffffff)) throw new RangeError(`WAV: sample rate ${sampleRate} is not a positive integer`);
  if (!(Number.isInteger(channelCount) && channelCount > 0 && channelCount <= 0xffff)) throw new RangeError(`WAV: channel count ${channelCount} is not valid`);
  const bps = bytesPerSample(format);
  if (bps === undefined) throw new RangeError(`WAV: unknown sample format '${format}'`);
  const h = new Uint8Array(HEADER_BYTES);
  const v = new DataView(h.buffer);
  const put = (at: number, s: string) => { for (let i = 0; i < 4; i++) h[at + i] = s.charCodeAt(i); };
  const size = dataBytes === undefined ? UNKNOWN_SIZE : Math.min(dataBytes, UNKNOWN_SIZE - 36);
  put(0, 'RIFF');
  v.setUint32(4, dataBytes === undefined ? UNKNOWN_SIZE : 36 + size + (size & 1), true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format === 'f32' || format === 'f64' ? FORMAT_FLOAT : FORMAT_PCM, true);
  v.setUint16(22, channelCount, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channelCount * bps, true);
  v.setUint16(32, channelCount * bps, true);
  v.setUint16(34, bps * 8, true);
  put(36, 'data');
  v.setUint32(40, size, true);
  return h;
}

function checkChannels(channels: readonly Float32Array[], what: string): number {
  if (channels.length === 0) throw new RangeError(`${what}: no channels given`);
  const frames = channels[0].length;
  for (let c = 1; c < channels.length; c++) {
    if (channels[c].length !== frames) throw new RangeError(`${what}: channel ${c} has ${channels[c].length} frames, channel 0 has ${frames}`);
  }
  return frames;
}

/** Encode whole planar audio as a WAV file in memory. */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number, sampleFormat: WavSampleFormat = 's16'): Uint8Array {
  const frames = checkChannels(channels, 'encodeWav');
  const header = wavHeader(sampleRate, channels.length, sampleFormat, frames * channels.length * bytesPerSample(sampleFormat));
  const data = encodeWavSamples(channels, frames, sampleFormat);
  const out = new Uint8Array(header.length + data.length + (data.length & 1));
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

/**
 * Incremental encoder for pushing WAV into a stream: header() first (sizes marked unknown
 * unless the total is given), then encode() for each block of audio.
 */
export class WavEncoder {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly sampleFormat: WavSampleFormat;
  #bytes = 0;

  constructor(sampleRate: number, channelCount: number, sampleFormat: WavSampleFormat = 's16') {
    wavHeader(sampleRate, channelCount, sampleFormat); // validates
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.sampleFormat = sampleFormat;
  }

  header(totalFrames?: number): Uint8Array {
    const bytes = totalFrames === undefined ? undefined : totalFrames * this.channelCount * bytesPerSample(this.sampleFormat);
    return wavHeader(this.sampleRate, this.channelCount, this.sampleFormat, bytes);
  }

  encode(channels: readonly Float32Array[], frames = channels[0]?.length ?? 0, offset = 0): Uint8Array {
    if (channels.length !== this.channelCount) throw new RangeError(`WavEncoder.encode: got ${channels.length} channels, expected ${this.channelCount}`);
    const data = encodeWavSamples(channels, frames, this.sampleFormat, offset);
    this.#bytes += data.length;
    return data;
  }

  /** Sample bytes encoded so far. */
  get dataBytes(): number { return this.#bytes; }
}

/**
 * Streams WAV to a file; the header's sizes are patched on close(). Calls are queued, so
 * write() need not be awaited between calls, but close() must be awaited before reading the file.
 */
export class WavFileWriter {
  readonly path: string;
  readonly #encoder: WavEncoder;
  #handle: Promise<FileHandle>;
  #queue: Promise<void>;
  #position = HEADER_BYTES;
  #closed = false;

  constructor(path: string, sampleRate: number, channelCount: number, sampleFormat: WavSampleFormat = 's16') {
    this.path = path;
    this.#encoder = new WavEncoder(sampleRate, channelCount, sampleFormat);
    this.#handle = open(path, 'w');
    const header = this.#encoder.header();
    this.#queue = this.#handle.then(async (h) => { await h.write(header, 0, header.length, 0); });
    // A failed open is reported by the next write()/close(); avoid an unhandled rejection meanwhile.
    this.#queue.catch(() => {});
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#encoder.dataBytes / (this.#encoder.channelCount * bytesPerSample(this.#encoder.sampleFormat));
  }

  write(channels: readonly Float32Array[], frames?: number, offset = 0): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`WavFileWriter: ${this.path} is already closed`));
    let data: Uint8Array;
    try {
      data = this.#encoder.encode(channels, frames ?? channels[0]?.length ?? 0, offset);
    } catch (e) {
      return Promise.reject(e);
    }
    const at = this.#position;
    this.#position += data.length;
    const p = this.#queue.then(async () => { const h = await this.#handle; await h.write(data, 0, data.length, at); });
    this.#queue = p;
    p.catch(() => {});
    return p;
  }

  /** Patch the header with the final sizes and close the file. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#queue;
    this.#closed = true;
    const dataBytes = this.#position - HEADER_BYTES;
    const fmt = this.#encoder;
    const done = this.#queue.finally(async () => {
      let h: FileHandle;
      try { h = await this.#handle; } catch { return; }
      try {
        if (dataBytes & 1) await h.write(new Uint8Array(1), 0, 1, this.#position);
        const header = wavHeader(fmt.sampleRate, fmt.channelCount, fmt.sampleFormat, dataBytes);
        await h.write(header, 0, header.length, 0);
      } finally {
        await h.close();
      }
    });
    this.#queue = done;
    return done;
  }
}
