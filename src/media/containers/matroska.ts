/**
 * Matroska / WebM (EBML) demuxing of the first audio track, for decoding: the track's codec,
 * its private data, the codec delay and the frames of its blocks in file order, each with the
 * discard padding its BlockGroup gives. The walk is flat (master elements are entered, all else
 * skipped), so the unknown-size Segments and Clusters that live recorders write are read too.
 */
import { ContainerError } from './ogg.js';

export interface MatroskaAudioTrack {
  number: number;
  codecId: string;
  codecPrivate: Uint8Array | null;
  /** Nanoseconds of codec delay (Opus pre-skip), 0 if absent. */
  codecDelay: number;
  sampleRate: number;
  channels: number;
  frames: Uint8Array[];
  /** Nanoseconds to drop from the end of the decoded output (the sum of DiscardPadding). */
  discardPadding: number;
}

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  Cluster: 0x1f43b675,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  Audio: 0xe1,
  BlockGroup: 0xa0,
  Block: 0xa1,
  SimpleBlock: 0xa3,
  DiscardPadding: 0x75a2,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecDelay: 0x56aa,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  ContentEncodings: 0x6d80,
} as const;

const MASTERS = new Set<number>([ID.Segment, ID.Cluster, ID.Tracks, ID.TrackEntry, ID.Audio, ID.BlockGroup]);

/** A variable-length EBML integer at `at`: its value (markers removed) and length. */
function vint(b: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
  if (at >= b.length) throw new ContainerError(`Matroska: truncated at byte ${at}`);
  const first = b[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8) throw new ContainerError(`Matroska: invalid element header at byte ${at}`);
  if (at + length > b.length) throw new ContainerError(`Matroska: truncated at byte ${at}`);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[at + i]!;
    if (b[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function uint(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + i]!;
  return v;
}

function sint(b: Uint8Array, at: number, n: number): number {
  if (n === 0) return 0;
  const u = uint(b, at, n);
  return b[at]! & 0x80 ? u - 2 ** (8 * n) : u;
}

function float(b: Uint8Array, at: number, n: number): number {
  const view = new DataView(b.buffer, b.byteOffset + at, n);
  return n === 4 ? view.getFloat32(0) : n === 8 ? view.getFloat64(0) : 0;
}

/** The frames of one (Simple)Block body, unlaced. Returns the track number too. */
function blockFrames(b: Uint8Array): { track: number; frames: Uint8Array[] } {
  const t = vint(b, 0, false);
  let at = t.length + 3; // timecode (2) + flags (1)
  if (at > b.length) throw new ContainerError('Matroska: truncated block header');
  const lacing = (b[at - 1]! >> 1) & 3;
  if (lacing === 0) return { track: t.value, frames: [b.subarray(at)] };
  const count = b[at++]! + 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    // Xiph lacing: each size but the last as a run of 255s and a final byte.
    for (let i = 0; i < count - 1; i++) {
      let size = 0;
      let v: number;
      do {
        if (at >= b.length) throw new ContainerError('Matroska: truncated lacing');
        v = b[at++]!;
        size += v;
      } while (v === 255);
      sizes.push(size);
    }
  } else if (lacing === 3) {
    // EBML lacing: the first size, then signed differences.
    const first = vint(b, at, false);
    at += first.length;
    sizes.push(first.value);
    for (let i = 1; i < count - 1; i++) {
      const d = vint(b, at, false);
      at += d.length;
      const delta = d.value - (2 ** (7 * d.length - 1) - 1);
      sizes.push(sizes[i - 1]! + delta);
    }
  } else {
    const each = (b.length - at) / count;
    if (!Number.isInteger(each)) throw new ContainerError('Matroska: fixed lacing of unequal frames');
    for (let i = 0; i < count - 1; i++) sizes.push(each);
  }
  const frames: Uint8Array[] = [];
  for (const size of sizes) {
    if (size < 0 || at + size > b.length) throw new ContainerError('Matroska: lace sizes exceed the block');
    frames.push(b.subarray(at, at + size));
    at += size;
  }
  frames.push(b.subarray(at));
  return { track: t.value, frames };
}

interface TrackInfo {
  number: number;
  type: number;
  codecId: string;
  codecPrivate: Uint8Array | null;
  codecDelay: number;
  sampleRate: number;
  channels: number;
  encoded: boolean;
}

export function demuxMatroskaAudio(bytes: Uint8Array): MatroskaAudioTrack {
  const tracks: TrackInfo[] = [];
  let audio: TrackInfo | null = null;
  const frames: Uint8Array[] = [];
  let discardPadding = 0;
  let lastBlockWasAudio = false;
  let at = 0;
  let sawEbml = false;
  const decoder = new TextDecoder();
  while (at < bytes.length) {
    let id: ReturnType<typeof vint>;
    let size: ReturnType<typeof vint>;
    try {
      id = vint(bytes, at, true);
      size = vint(bytes, at + id.length, false);
    } catch (e) {
      if (audio !== null && frames.length > 0) break; // a truncated tail ends the file
      throw e;
    }
    const bodyAt = at + id.length + size.length;
    if (id.value === ID.EBML) sawEbml = true;
    if (MASTERS.has(id.value)) {
      if (id.value === ID.TrackEntry) {
        tracks.push({ number: 0, type: 0, codecId: '', codecPrivate: null, codecDelay: 0, sampleRate: 8000, channels: 1, encoded: false });
      }
      if (id.value === ID.BlockGroup) lastBlockWasAudio = false;
      at = bodyAt; // enter
      continue;
    }
    if (size.unknown) throw new ContainerError(`Matroska: element 0x${id.value.toString(16)} of unknown size`);
    const end = bodyAt + size.value;
    if (end > bytes.length) {
      if (audio !== null && frames.length > 0) break;
      throw new ContainerError(`Matroska: element 0x${id.value.toString(16)} runs past the end of the data`);
    }
    const track = tracks[tracks.length - 1];
    const n = size.value;
    switch (id.value) {
      case ID.TrackNumber: if (track) track.number = uint(bytes, bodyAt, n); break;
      case ID.TrackType: if (track) track.type = uint(bytes, bodyAt, n); break;
      case ID.CodecID: if (track) track.codecId = decoder.decode(bytes.subarray(bodyAt, end)).replace(/\0+$/, ''); break;
      case ID.CodecPrivate: if (track) track.codecPrivate = bytes.subarray(bodyAt, end); break;
      case ID.CodecDelay: if (track) track.codecDelay = uint(bytes, bodyAt, n); break;
      case ID.SamplingFrequency: if (track) track.sampleRate = float(bytes, bodyAt, n); break;
      case ID.Channels: if (track) track.channels = uint(bytes, bodyAt, n); break;
      case ID.ContentEncodings: if (track) track.encoded = true; break;
      case ID.SimpleBlock:
      case ID.Block: {
        if (audio === null) {
          audio = tracks.find((t) => t.type === 2) ?? null;
          if (audio === null) throw new ContainerError('Matroska: no audio track');
          if (audio.encoded) throw new ContainerError('Matroska: compressed or encrypted tracks are not supported');
        }
        const block = blockFrames(bytes.subarray(bodyAt, end));
        lastBlockWasAudio = block.track === audio.number;
        if (lastBlockWasAudio) frames.push(...block.frames);
        break;
      }
      case ID.DiscardPadding:
        if (lastBlockWasAudio) discardPadding += Math.max(0, sint(bytes, bodyAt, n));
        break;
    }
    at = end;
  }
  if (!sawEbml) throw new ContainerError('Matroska: no EBML header');
  if (audio === null) audio = tracks.find((t) => t.type === 2) ?? null;
  if (audio === null) throw new ContainerError('Matroska: no audio track');
  if (frames.length === 0) throw new ContainerError('Matroska: the audio track has no frames');
  return {
    number: audio.number,
    codecId: audio.codecId,
    codecPrivate: audio.codecPrivate,
    codecDelay: audio.codecDelay,
    sampleRate: audio.sampleRate,
    channels: audio.channels,
    frames,
    discardPadding,
  };
}
