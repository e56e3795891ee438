/**
 * AudioData (webcodecs#audiodata-interface). Samples live in a reference-counted FrameBuffer;
 * clone() shares it, close() drops this object's reference. copyTo() converts between every
 * AudioSampleFormat (through a float value per sample).
 */
import { dictionary, requiredMember, enumeration, unsignedLong, longLong, float, toStringTag, exposeMembers, illegalInvocation, describe } from '../webidl/index.js';
import { FrameBuffer, countCopy } from './frame-buffer.js';
import { bytesOf, readTransferList, detachAndTake, isDetached } from './buffer-source.js';

export const AUDIO_SAMPLE_FORMATS = ['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar'] as const;
export type AudioSampleFormat = (typeof AUDIO_SAMPLE_FORMATS)[number];

/** Bytes per sample of a format (webcodecs#audio-sample-type). */
export function bytesPerSample(format: AudioSampleFormat): number {
  switch (format) {
    case 'u8':
    case 'u8-planar':
      return 1;
    case 's16':
    case 's16-planar':
      return 2;
    default:
      return 4;
  }
}

/** webcodecs#planar */
export function isPlanar(format: AudioSampleFormat): boolean {
  return format.endsWith('-planar');
}

interface AudioState {
  detached: boolean;
  buffer: FrameBuffer | null;
  /** Byte offset of the samples in buffer.data. */
  offset: number;
  format: AudioSampleFormat | null;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  timestamp: number;
}

// Internal slots live in a #private field (a WeakMap costs an ephemeron entry per frame, which
// dominates on the media path); these accessors are bound inside the class.
let stateOf: (value: unknown) => AudioState | undefined;
let setState: (target: AudioData, state: AudioState) => void;

function slotsOf(self: unknown, member: string): AudioState {
  const s = stateOf(self);
  if (s === undefined) throw illegalInvocation('AudioData', member);
  return s;
}
const INTERNAL_CONSTRUCT = Symbol('AudioData.internal');

function invalidState(member: string): DOMException {
  return new DOMException(`AudioData.${member}: the AudioData is closed`, 'InvalidStateError');
}

interface CopyOptions {
  planeIndex: number;
  frameOffset: number;
  frameCount: number | undefined;
  format: AudioSampleFormat | undefined;
}

function readCopyToOptions(value: unknown, ctx: string): CopyOptions {
  const d = dictionary(value, `${ctx}: options`);
  const format = d['format'] === undefined ? undefined : enumeration(d['format'], AUDIO_SAMPLE_FORMATS, `${ctx}: options.format`);
  const frameCount = d['frameCount'] === undefined ? undefined : unsignedLong(d['frameCount'], `${ctx}: options.frameCount`, { enforceRange: true });
  const frameOffset = d['frameOffset'] === undefined ? 0 : unsignedLong(d['frameOffset'], `${ctx}: options.frameOffset`, { enforceRange: true });
  const planeIndex = unsignedLong(requiredMember(d, 'planeIndex', 'AudioDataCopyToOptions'), `${ctx}: options.planeIndex`, { enforceRange: true });
  return { planeIndex, frameOffset, frameCount, format };
}

/** webcodecs#compute-copy-element-count */
function computeCopyElementCount(s: AudioState, o: CopyOptions, ctx: string): number {
  // 1-2.
  const destFormat = o.format ?? s.format!;
  // 3-4.
  if (!isPlanar(destFormat) && o.planeIndex > 0) throw new RangeError(`${ctx}: planeIndex ${o.planeIndex} is out of range for interleaved ${destFormat} (only plane 0)`);
  if (isPlanar(destFormat) && o.planeIndex >= s.numberOfChannels) {
    throw new RangeError(`${ctx}: planeIndex ${o.planeIndex} is out of range for ${s.numberOfChannels} channel(s)`);
  }
  // 5. Every conversion is supported.
  // 6-9.
  const frameCount = s.numberOfFrames;
  if (o.frameOffset >= frameCount) throw new RangeError(`${ctx}: frameOffset ${o.frameOffset} is not less than the ${frameCount} frames`);
  let copyFrameCount = frameCount - o.frameOffset;
  if (o.frameCount !== undefined) {
    if (o.frameCount > copyFrameCount) throw new RangeError(`${ctx}: frameCount ${o.frameCount} exceeds the ${copyFrameCount} frames available from frameOffset ${o.frameOffset}`);
    copyFrameCount = o.frameCount;
  }
  // 10-12.
  return isPlanar(destFormat) ? copyFrameCount : copyFrameCount * s.numberOfChannels;
}

type Reader = (i: number) => number;

/** A reader of sample `i` (element index in the source layout) as a float in [-1, 1). */
function sampleReader(data: Uint8Array, byteOffset: number, format: AudioSampleFormat): Reader {
  const dv = new DataView(data.buffer, data.byteOffset + byteOffset);
  switch (format) {
    case 'u8':
    case 'u8-planar':
      return (i) => (dv.getUint8(i) - 128) / 128;
    case 's16':
    case 's16-planar':
      return (i) => dv.getInt16(i * 2, true) / 32768;
    case 's32':
    case 's32-planar':
      return (i) => dv.getInt32(i * 4, true) / 2147483648;
    default:
      return (i) => dv.getFloat32(i * 4, true);
  }
}

type Writer = (i: number, v: number) => void;

function sampleWriter(dest: Uint8Array, format: AudioSampleFormat): Writer {
  const dv = new DataView(dest.buffer, dest.byteOffset, dest.byteLength);
  switch (format) {
    case 'u8':
    case 'u8-planar':
      return (i, v) => dv.setUint8(i, clampInt(Math.round(v * 128 + 128), 0, 255));
    case 's16':
    case 's16-planar':
      return (i, v) => dv.setInt16(i * 2, clampInt(Math.round(v * 32768), -32768, 32767), true);
    case 's32':
    case 's32-planar':
      return (i, v) => dv.setInt32(i * 4, clampInt(Math.round(v * 2147483648), -2147483648, 2147483647), true);
    default:
      return (i, v) => dv.setFloat32(i * 4, v, true);
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export class AudioData {
  #state: AudioState | undefined;

  static {
    stateOf = (value) => (typeof value === 'object' && value !== null && #state in value ? (value as AudioData).#state : undefined);
    setState = (target, state) => {
      target.#state = state;
    };
  }

  /** webcodecs#dom-audiodata-audiodata */
  constructor(init: unknown) {
    if ((init as unknown) === INTERNAL_CONSTRUCT) return;
    const ctx = "Failed to construct 'AudioData'";
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const d = dictionary(init, `${ctx}: init`);
    // WebIDL conversion, members in lexicographic order.
    const data = requiredMember(d, 'data', 'AudioDataInit');
    const bytes = bytesOf(data, `${ctx}: init.data`);
    const format = enumeration(requiredMember(d, 'format', 'AudioDataInit'), AUDIO_SAMPLE_FORMATS, `${ctx}: init.format`);
    const numberOfChannels = unsignedLong(requiredMember(d, 'numberOfChannels', 'AudioDataInit'), `${ctx}: init.numberOfChannels`, { enforceRange: true });
    const numberOfFrames = unsignedLong(requiredMember(d, 'numberOfFrames', 'AudioDataInit'), `${ctx}: init.numberOfFrames`, { enforceRange: true });
    const sampleRate = float(requiredMember(d, 'sampleRate', 'AudioDataInit'), `${ctx}: init.sampleRate`);
    const timestamp = longLong(requiredMember(d, 'timestamp', 'AudioDataInit'), `${ctx}: init.timestamp`, { enforceRange: true });
    const transfer = d['transfer'];
    // 1. webcodecs#valid-audiodatainit
    if (sampleRate <= 0) throw new TypeError(`${ctx}: sampleRate must be greater than 0, got ${sampleRate}`);
    if (numberOfFrames === 0) throw new TypeError(`${ctx}: numberOfFrames must be non-zero`);
    if (numberOfChannels === 0) throw new TypeError(`${ctx}: numberOfChannels must be non-zero`);
    const totalSize = numberOfFrames * numberOfChannels * bytesPerSample(format);
    if (bytes.byteLength < totalSize) {
      throw new TypeError(`${ctx}: data has ${bytes.byteLength} bytes, ${numberOfFrames} frames x ${numberOfChannels} channels of ${format} need ${totalSize}`);
    }
    // 2-3.
    const transferList = readTransferList(transfer, ctx);
    // 4.7-4.10
    let buffer: FrameBuffer;
    let offset = 0;
    const dataBuffer = bytes.buffer;
    if (dataBuffer instanceof ArrayBuffer && transferList.includes(dataBuffer) && bytes.byteOffset % 4 === 0) {
      const taken = detachAndTake(dataBuffer);
      buffer = FrameBuffer.adopt(new Uint8Array(taken));
      offset = bytes.byteOffset;
    } else {
      buffer = FrameBuffer.allocate(totalSize);
      buffer.data.set(bytes.subarray(0, totalSize));
      countCopy(totalSize);
    }
    // 5.
    for (const ab of transferList) detachIfLive(ab);
    setState(this, { detached: false, buffer, offset, format, sampleRate, numberOfFrames, numberOfChannels, timestamp });
  }

  get format(): AudioSampleFormat | null {
    return slotsOf(this, 'format').format;
  }
  get sampleRate(): number {
    return slotsOf(this, 'sampleRate').sampleRate;
  }
  get numberOfFrames(): number {
    return slotsOf(this, 'numberOfFrames').numberOfFrames;
  }
  get numberOfChannels(): number {
    return slotsOf(this, 'numberOfChannels').numberOfChannels;
  }
  /** webcodecs#dom-audiodata-duration */
  get duration(): number {
    const s = slotsOf(this, 'duration');
    if (s.sampleRate === 0) return 0;
    return Math.trunc((s.numberOfFrames / s.sampleRate) * 1_000_000);
  }
  get timestamp(): number {
    return slotsOf(this, 'timestamp').timestamp;
  }

  /** webcodecs#dom-audiodata-allocationsize */
  allocationSize(options: unknown): number {
    const ctx = "Failed to execute 'allocationSize' on 'AudioData'";
    const s = slotsOf(this, 'allocationSize');
    const o = readCopyToOptions(options, ctx);
    if (s.detached) throw invalidState('allocationSize');
    const count = computeCopyElementCount(s, o, ctx);
    return bytesPerSample(o.format ?? s.format!) * count;
  }

  /** webcodecs#dom-audiodata-copyto */
  copyTo(destination: unknown, options: unknown): void {
    const ctx = "Failed to execute 'copyTo' on 'AudioData'";
    const s = slotsOf(this, 'copyTo');
    const dest = bytesOf(destination, `${ctx}: destination`);
    const o = readCopyToOptions(options, ctx);
    // 1-2.
    if (s.detached) throw invalidState('copyTo');
    const count = computeCopyElementCount(s, o, ctx);
    // 3-6.
    const srcFormat = s.format!;
    const destFormat = o.format ?? srcFormat;
    const bps = bytesPerSample(destFormat);
    if (bps * count > dest.byteLength) throw new RangeError(`${ctx}: destination has ${dest.byteLength} bytes, ${bps * count} needed`);
    // 7-9.
    const channels = s.numberOfChannels;
    const frames = s.numberOfFrames;
    const srcBps = bytesPerSample(srcFormat);
    const src = s.buffer!.data;
    const copyFrames = isPlanar(destFormat) ? count : count / channels;
    if (destFormat === srcFormat) {
      // Same layout: a straight byte copy of the region.
      const start = isPlanar(srcFormat) ? (o.planeIndex * frames + o.frameOffset) * srcBps : o.frameOffset * channels * srcBps;
      dest.set(src.subarray(s.offset + start, s.offset + start + count * srcBps));
      return;
    }
    const read = sampleReader(src, s.offset, srcFormat);
    const write = sampleWriter(dest, destFormat);
    const srcPlanar = isPlanar(srcFormat);
    // Element index of (frame f, channel c) in the source layout.
    const at = srcPlanar ? (f: number, c: number) => c * frames + f : (f: number, c: number) => f * channels + c;
    if (isPlanar(destFormat)) {
      const c = o.planeIndex;
      for (let i = 0; i < copyFrames; i++) write(i, read(at(o.frameOffset + i, c)));
    } else {
      let k = 0;
      for (let i = 0; i < copyFrames; i++) for (let c = 0; c < channels; c++) write(k++, read(at(o.frameOffset + i, c)));
    }
  }

  /** webcodecs#dom-audiodata-clone */
  clone(): AudioData {
    const s = slotsOf(this, 'clone');
    if (s.detached) throw invalidState('clone');
    // webcodecs#clone-audiodata
    s.buffer!.retain();
    return newAudioData({ ...s });
  }

  /** webcodecs#dom-audiodata-close */
  close(): void {
    closeState(slotsOf(this, 'close'));
  }
}
toStringTag(AudioData, 'AudioData');
exposeMembers(AudioData, ['format', 'sampleRate', 'numberOfFrames', 'numberOfChannels', 'duration', 'timestamp', 'allocationSize', 'copyTo', 'clone', 'close']);

/** Detaches a transferred buffer unless the adoption above already did. */
function detachIfLive(ab: ArrayBuffer): void {
  if (!isDetached(ab)) detachAndTake(ab);
}

function newAudioData(state: AudioState): AudioData {
  const a = new (AudioData as unknown as new (token: symbol) => AudioData)(INTERNAL_CONSTRUCT);
  setState(a, state);
  return a;
}

/** webcodecs#close-audiodata */
function closeState(s: AudioState): void {
  if (s.detached) return;
  const b = s.buffer;
  s.detached = true;
  s.buffer = null;
  s.sampleRate = 0;
  s.numberOfFrames = 0;
  s.numberOfChannels = 0;
  s.format = null;
  b?.release();
}

export interface AudioDataDescriptor {
  format: AudioSampleFormat;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  /** Microseconds. */
  timestamp: number;
  /** Byte offset of the samples in the buffer (a multiple of 4 for 32-bit formats). */
  offset?: number;
}

/**
 * Makes an AudioData over `buffer` without copying; it takes over one reference the caller holds.
 */
export function createAudioData(buffer: FrameBuffer, desc: AudioDataDescriptor): AudioData {
  return newAudioData({
    detached: false,
    buffer,
    offset: desc.offset ?? 0,
    format: desc.format,
    sampleRate: Math.fround(desc.sampleRate),
    numberOfFrames: desc.numberOfFrames,
    numberOfChannels: desc.numberOfChannels,
    timestamp: desc.timestamp,
  });
}

/** A new f32-planar AudioData with `channels` zeroed planes of `frames` samples; returns it and its plane views. */
export function allocateAudioData(sampleRate: number, channels: number, frames: number, timestamp: number): { data: AudioData; planes: Float32Array[] } {
  const buffer = FrameBuffer.allocate(frames * channels * 4);
  const planes: Float32Array[] = [];
  for (let c = 0; c < channels; c++) planes.push(new Float32Array(buffer.data.buffer, buffer.data.byteOffset + c * frames * 4, frames));
  return { data: createAudioData(buffer, { format: 'f32-planar', sampleRate, numberOfFrames: frames, numberOfChannels: channels, timestamp }), planes };
}

export interface AudioDataInternals {
  readonly buffer: FrameBuffer;
  readonly offset: number;
  readonly format: AudioSampleFormat;
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  readonly timestamp: number;
}

export function audioDataInternals(value: unknown): AudioDataInternals | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = stateOf(value);
  if (!s || s.detached || !s.buffer || !s.format) return null;
  return { buffer: s.buffer, offset: s.offset, format: s.format, sampleRate: s.sampleRate, numberOfFrames: s.numberOfFrames, numberOfChannels: s.numberOfChannels, timestamp: s.timestamp };
}

/**
 * The samples as one Float32Array per channel: views into the storage for aligned f32-planar
 * data (no copy), otherwise converted copies.
 */
export function audioDataChannels(value: AudioDataLike): Float32Array[] {
  const s = stateOf(value);
  const frames = value.numberOfFrames;
  const channels = value.numberOfChannels;
  if (s && !s.detached && s.format === 'f32-planar' && (s.buffer!.data.byteOffset + s.offset) % 4 === 0) {
    const base = s.buffer!.data.byteOffset + s.offset;
    const out: Float32Array[] = [];
    for (let c = 0; c < channels; c++) out.push(new Float32Array(s.buffer!.data.buffer, base + c * frames * 4, frames));
    return out;
  }
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const plane = new Float32Array(frames);
    value.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
    out.push(plane);
  }
  return out;
}

export function isOwnAudioData(value: unknown): value is AudioData {
  return stateOf(value) !== undefined;
}

export function isDetachedAudioData(value: unknown): boolean {
  const s = stateOf(value);
  return s !== undefined && s.detached;
}

/** Any object with the WebCodecs AudioData shape (another runtime's AudioData). */
export interface AudioDataLike {
  readonly format: string | null;
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  readonly timestamp: number;
  copyTo(dest: ArrayBufferView | ArrayBuffer, options: { planeIndex: number; frameOffset?: number; frameCount?: number; format?: string }): void;
  close(): void;
}

export function isAudioDataLike(value: unknown): value is AudioDataLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['copyTo'] === 'function' && typeof v['close'] === 'function' && typeof v['numberOfFrames'] === 'number' && typeof v['sampleRate'] === 'number';
}

/** An AudioData of this implementation with the samples of `value` (ours: a clone; foreign: an f32-planar copy). */
export function importAudioData(value: unknown): AudioData {
  if (isOwnAudioData(value)) return value.clone();
  if (!isAudioDataLike(value)) throw new TypeError(`${describe(value)} is not an AudioData`);
  const { data, planes } = allocateAudioData(value.sampleRate, value.numberOfChannels, value.numberOfFrames, value.timestamp);
  for (let c = 0; c < planes.length; c++) value.copyTo(planes[c]!, { planeIndex: c, format: 'f32-planar' });
  countCopy(value.numberOfFrames * value.numberOfChannels * 4);
  return data;
}
