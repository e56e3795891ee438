/**
 * Encoded audio file → linear PCM, for decodeAudioData's decoding thread. The container is
 * found by sniffing (src/media/containers/sniff.ts); WAV and AIFF are read here, the codecs are
 * decoded by WebAssembly builds of the reference decoders from the npm registry:
 *
 *   MP3 (and MPEG audio in MP4/Matroska)   mpg123-decoder (mpg123, LGPL-2.1 / wrapper MIT)
 *   Vorbis (Ogg, Matroska)                 @wasm-audio-decoders/ogg-vorbis (libvorbis, BSD / MIT)
 *   Opus (Ogg, Matroska, MP4)              opus-decoder (libopus, BSD / MIT)
 *   FLAC (native, Ogg, Matroska, MP4)      @wasm-audio-decoders/flac (libFLAC, BSD / MIT)
 *   AAC (MP4, ADTS)                        @audio/aac-decode (FAAD2, GPL-2.0): an optional peer
 *                                          dependency, loaded only when AAC is met and installed
 *
 * Opus is demuxed here for every container, so pre-skip and end trimming (Ogg granule
 * position, Matroska DiscardPadding, MP4 edit list) give the exact decoded length.
 * Everything here throws DecodeFailure (or any Error) for data it cannot decode.
 */
import { parseWav } from '../../media/codecs/wav.js';
import { parseAiff } from '../../media/codecs/aiff.js';
import { id3Length, mpegFrameLength, sniffAudioContainer } from '../../media/containers/sniff.js';
import { concat, parseOgg, writeOgg, type OggStream } from '../../media/containers/ogg.js';
import { demuxMatroskaAudio } from '../../media/containers/matroska.js';
import { demuxMp4Audio } from '../../media/containers/mp4.js';

export class DecodeFailure extends Error {
  override name = 'DecodeFailure';
}

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** What was decoded, e.g. 'Opus in Ogg' (for messages and tests). */
  format: string;
  /** Errors the decoder reported and decoded past. */
  warnings: string[];
}

interface LibraryResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

/** The optional AAC decoder; its absence is reported by name. */
export const AAC_PACKAGE = '@audio/aac-decode';

function result(r: LibraryResult, format: string): DecodedAudio {
  if (r.samplesDecoded === 0 || r.channelData.length === 0 || !(r.sampleRate > 0)) {
    const why = r.errors.length > 0 ? `: ${r.errors[0]!.message}` : '';
    throw new DecodeFailure(`${format}: no audio could be decoded${why}`);
  }
  const channels = r.channelData.map((c) => (c.length === r.samplesDecoded ? c : c.subarray(0, r.samplesDecoded)));
  return { sampleRate: r.sampleRate, channels, format, warnings: r.errors.map((e) => e.message) };
}

/** Keep `length` frames starting at `start` (each clamped to what there is). */
function trim(d: DecodedAudio, start: number, length: number | null): DecodedAudio {
  const frames = d.channels[0]!.length;
  const s = Math.max(0, Math.min(frames, Math.round(start)));
  const e = length === null ? frames : Math.max(s, Math.min(frames, s + Math.round(length)));
  if (s === 0 && e === frames) return d;
  if (e === s) throw new DecodeFailure(`${d.format}: nothing is left after trimming`);
  return { ...d, channels: d.channels.map((c) => c.subarray(s, e)) };
}

// ---- codecs ----

/** Whether the first MPEG audio frame header in `b` (from `at`) says single-channel. */
function mpegIsMono(b: Uint8Array, at: number): boolean {
  for (let i = at; i + 4 <= b.length && i < at + 65536; i++) {
    if (mpegFrameLength(b, i) > 0) return b[i + 3]! >> 6 === 3;
  }
  return false;
}

async function decodeMpeg(data: Uint8Array | Uint8Array[], gapless: boolean, format: string): Promise<DecodedAudio> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const d = new MPEGDecoder({ enableGapless: gapless });
  await d.ready;
  try {
    const r = result(Array.isArray(data) ? d.decodeFrames(data) : d.decode(data), format);
    // mpg123-decoder always hands back two channels; a mono stream is one.
    const first = Array.isArray(data) ? data[0] : data;
    const mono = first !== undefined && mpegIsMono(first, Array.isArray(data) ? 0 : id3Length(first));
    return mono && r.channels.length === 2 ? { ...r, channels: [r.channels[0]!] } : r;
  } finally {
    d.free();
  }
}

/**
 * Vorbis channel order (used by Vorbis and by Opus mapping family 1) to the order Web Audio and
 * WAV use (L, R, C, LFE, then the surrounds): output channel i is input channel ORDER[n][i].
 */
const VORBIS_TO_WEB_AUDIO: Record<number, number[]> = {
  3: [0, 2, 1],
  5: [0, 2, 1, 3, 4],
  6: [0, 2, 1, 5, 3, 4],
  7: [0, 2, 1, 6, 5, 3, 4],
  8: [0, 2, 1, 7, 5, 6, 3, 4],
};

function fromVorbisOrder(d: DecodedAudio): DecodedAudio {
  const order = VORBIS_TO_WEB_AUDIO[d.channels.length];
  return order ? { ...d, channels: order.map((i) => d.channels[i]!) } : d;
}

async function decodeFlacFile(data: Uint8Array, format: string): Promise<DecodedAudio> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const d = new FLACDecoder();
  await d.ready;
  try {
    const r = await d.decodeFile(data);
    // The library scales an N-bit code k to k / (2^(N-1) - 1); WAV, AIFF and browsers use
    // k / 2^(N-1). Recover k and rescale, so FLAC decodes sample-exact to its WAV original.
    if (r.bitDepth >= 2 && r.bitDepth <= 32) {
      const max = 2 ** (r.bitDepth - 1);
      const from = max - 1;
      for (const c of r.channelData) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i]! * from) / max;
    }
    return result(r, format);
  } finally {
    d.free();
  }
}

async function decodeOggVorbisFile(data: Uint8Array, format: string): Promise<DecodedAudio> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const d = new OggVorbisDecoder();
  await d.ready;
  try {
    return fromVorbisOrder(result(await d.decodeFile(data), format));
  } finally {
    d.free();
  }
}

interface OpusConfig {
  channels: number;
  preSkip: number;
  mappingFamily: number;
  streamCount: number;
  coupledStreamCount: number;
  mapping: number[];
}

/** The OpusHead identification header (Ogg, Matroska CodecPrivate; little-endian). */
function parseOpusHead(b: Uint8Array): OpusConfig {
  const magic = String.fromCharCode(...b.subarray(0, 8));
  if (magic !== 'OpusHead' || b.length < 19) throw new DecodeFailure('Opus: no OpusHead header');
  return opusConfigAt(b, 8, true, 'OpusHead');
}

/** The MP4 'dOps' box body (big-endian; the same fields as OpusHead, without the magic). */
function parseDOps(b: Uint8Array): OpusConfig {
  if (b.length < 11) throw new DecodeFailure('Opus: dOps box is too short');
  return opusConfigAt(b, 0, false, 'dOps');
}

/**
 * The fields OpusHead and 'dOps' share, from `base` (OpusHead: after its 8-byte magic, fields
 * little-endian; dOps: from 0, big-endian): version, channels, pre-skip, input rate, gain,
 * mapping family, then for a family other than 0 the stream counts and channel mapping.
 */
function opusConfigAt(b: Uint8Array, base: number, littleEndian: boolean, what: string): OpusConfig {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const channels = b[base + 1]!;
  const family = b[base + 10]!;
  const config: OpusConfig = { channels, preSkip: view.getUint16(base + 2, littleEndian), mappingFamily: family, streamCount: 1, coupledStreamCount: channels > 1 ? 1 : 0, mapping: channels > 1 ? [0, 1] : [0] };
  if (family !== 0) {
    if (b.length < base + 13 + channels) throw new DecodeFailure(`Opus: the ${what} channel mapping table is truncated`);
    config.streamCount = b[base + 11]!;
    config.coupledStreamCount = b[base + 12]!;
    config.mapping = [...b.subarray(base + 13, base + 13 + channels)];
  }
  if (channels === 0) throw new DecodeFailure('Opus: zero channels');
  return config;
}

/**
 * Decode Opus packets at 48 kHz. The decoder drops nothing; the caller trims: the output starts
 * `preSkip` frames in and lasts `length` frames (null: to the end).
 */
async function decodeOpusPackets(packets: Uint8Array[], config: OpusConfig, start: number, length: number | null, format: string): Promise<DecodedAudio> {
  const { OpusDecoder } = await import('opus-decoder');
  const d = new OpusDecoder({
    channels: config.channels,
    streamCount: config.streamCount,
    coupledStreamCount: config.coupledStreamCount,
    channelMappingTable: config.mapping,
    preSkip: 0,
  });
  await d.ready;
  try {
    const r = trim(result(d.decodeFrames(packets), format), start, length);
    // Family 0 is mono or stereo; family 1 uses the Vorbis order; others have no defined order.
    return config.mappingFamily === 1 ? fromVorbisOrder(r) : r;
  } finally {
    d.free();
  }
}

/** AAC through the optional peer dependency (GPL-2.0, so never installed by this package). */
async function decodeAac(data: Uint8Array, format: string): Promise<DecodedAudio> {
  let mod: { default: (src: Uint8Array) => Promise<{ channelData: Float32Array[]; sampleRate: number }> };
  try {
    mod = (await import(AAC_PACKAGE)) as typeof mod;
  } catch {
    throw new DecodeFailure(`${format}: decoding AAC needs the optional package ${AAC_PACKAGE} (GPL-2.0), which is not installed (npm install ${AAC_PACKAGE})`);
  }
  const r = await mod.default(data);
  const frames = r.channelData[0]?.length ?? 0;
  return result({ channelData: r.channelData, samplesDecoded: frames, sampleRate: r.sampleRate, errors: [] }, format);
}

// ---- containers ----

async function decodeOgg(bytes: Uint8Array): Promise<DecodedAudio> {
  const streams = parseOgg(bytes);
  const kind = (s: OggStream): string => {
    const p = s.packets[0]?.data;
    if (!p) return '';
    if (String.fromCharCode(...p.subarray(0, 8)) === 'OpusHead') return 'opus';
    if (p[0] === 1 && String.fromCharCode(...p.subarray(1, 7)) === 'vorbis') return 'vorbis';
    if (p[0] === 0x7f && String.fromCharCode(...p.subarray(1, 5)) === 'FLAC') return 'flac';
    return '';
  };
  // The first audio stream in the file.
  const stream = streams.find((s) => kind(s) !== '');
  if (!stream) throw new DecodeFailure('Ogg: no Opus, Vorbis or FLAC stream');
  switch (kind(stream)) {
    case 'opus': {
      const config = parseOpusHead(stream.packets[0]!.data);
      const audio = stream.packets.slice(2).map((p) => p.data);
      if (audio.length === 0) throw new DecodeFailure('Opus in Ogg: no audio packets');
      // The last granule position counts 48 kHz samples including pre-skip (RFC 7845 §4).
      const length = stream.lastGranule > config.preSkip ? stream.lastGranule - config.preSkip : null;
      return decodeOpusPackets(audio, config, config.preSkip, length, 'Opus in Ogg');
    }
    case 'vorbis':
      return decodeOggVorbisFile(streams.length === 1 ? bytes : rewrap(stream), 'Vorbis in Ogg');
    default:
      return decodeFlacFile(streams.length === 1 ? bytes : rewrap(stream), 'FLAC in Ogg');
  }
}

/** One logical stream of a multiplexed Ogg file, alone in an Ogg file of its own. */
function rewrap(s: OggStream): Uint8Array {
  // Headers as the codec mappings lay them out (identification alone, then the rest up to the
  // first audio packet); audio packets one to a page, with the granule positions they had.
  const headers = s.packets[0]!.data[0] === 0x7f ? 1 + ((s.packets[0]!.data[7]! << 8) | s.packets[0]!.data[8]!) : 3;
  const groups = [{ packets: [s.packets[0]!.data], granule: 0 }, { packets: s.packets.slice(1, headers).map((p) => p.data), granule: 0 }];
  for (const p of s.packets.slice(headers)) groups.push({ packets: [p.data], granule: p.granule });
  if (groups.length > 2) groups[groups.length - 1]!.granule = Math.max(0, s.lastGranule);
  return writeOgg(groups.filter((g) => g.packets.length > 0));
}

/** Matroska's CodecPrivate for Vorbis: Xiph-laced identification, comment and setup headers. */
function vorbisHeaders(cp: Uint8Array | null): Uint8Array[] {
  if (cp === null || cp.length < 3 || cp[0] !== 2) throw new DecodeFailure('Vorbis in Matroska: malformed CodecPrivate');
  let at = 1;
  const sizes: number[] = [];
  for (let i = 0; i < 2; i++) {
    let size = 0;
    let v: number;
    do {
      if (at >= cp.length) throw new DecodeFailure('Vorbis in Matroska: truncated CodecPrivate');
      v = cp[at++]!;
      size += v;
    } while (v === 255);
    sizes.push(size);
  }
  const a = cp.subarray(at, at + sizes[0]!);
  const b = cp.subarray(at + sizes[0]!, at + sizes[0]! + sizes[1]!);
  const c = cp.subarray(at + sizes[0]! + sizes[1]!);
  if (a.length !== sizes[0] || b.length !== sizes[1] || c.length === 0) throw new DecodeFailure('Vorbis in Matroska: truncated CodecPrivate');
  return [a, b, c];
}

/** A native FLAC stream from STREAMINFO-first metadata blocks and the frames. */
function flacFile(metadata: Uint8Array, frames: Uint8Array[]): Uint8Array {
  const head = metadata.length >= 4 && String.fromCharCode(...metadata.subarray(0, 4)) === 'fLaC' ? [metadata] : [new Uint8Array([0x66, 0x4c, 0x61, 0x43]), metadata];
  return concat([...head, ...frames]);
}

async function decodeMatroska(bytes: Uint8Array): Promise<DecodedAudio> {
  const t = demuxMatroskaAudio(bytes);
  const format = (codec: string): string => `${codec} in Matroska`;
  switch (t.codecId) {
    case 'A_OPUS': {
      const config = t.codecPrivate ? parseOpusHead(t.codecPrivate) : { channels: t.channels, preSkip: 0, mappingFamily: 0, streamCount: 1, coupledStreamCount: t.channels > 1 ? 1 : 0, mapping: t.channels > 1 ? [0, 1] : [0] };
      // CodecDelay (ns) is the pre-skip at 48 kHz; it agrees with OpusHead when both are there.
      const skip = t.codecDelay > 0 ? Math.round((t.codecDelay * 48000) / 1e9) : config.preSkip;
      const padding = Math.round((t.discardPadding * 48000) / 1e9);
      const d = await decodeOpusPackets(t.frames, config, skip, null, format('Opus'));
      return padding > 0 ? trim(d, 0, d.channels[0]!.length - padding) : d;
    }
    case 'A_VORBIS': {
      const headers = vorbisHeaders(t.codecPrivate);
      // The rewritten stream has no timing of its own (Matroska gives none for Vorbis): audio
      // pages carry no granule position but the last, which lies past any real one so the
      // decoder trims nothing.
      const groups = [{ packets: [headers[0]!], granule: 0 }, { packets: [headers[1]!, headers[2]!], granule: 0 }, ...t.frames.map((f) => ({ packets: [f], granule: -1 }))];
      groups[groups.length - 1]!.granule = 2 ** 52;
      return decodeOggVorbisFile(writeOgg(groups), format('Vorbis'));
    }
    case 'A_FLAC':
      if (!t.codecPrivate) throw new DecodeFailure('FLAC in Matroska: no CodecPrivate');
      return decodeFlacFile(flacFile(t.codecPrivate, t.frames), format('FLAC'));
    case 'A_MPEG/L3':
    case 'A_MPEG/L2':
    case 'A_MPEG/L1':
      return decodeMpeg(concat(t.frames), false, format('MPEG audio'));
    case 'A_AAC':
      throw new DecodeFailure(`${format('AAC')}: AAC is decoded from MP4 and ADTS only`);
    default:
      throw new DecodeFailure(`Matroska: codec ${JSON.stringify(t.codecId)} is not supported`);
  }
}

async function decodeMp4(bytes: Uint8Array): Promise<DecodedAudio> {
  const t = demuxMp4Audio(bytes);
  // Encoder delay and padding from the edit list, converted from track timescale to frames.
  const edit = (rate: number, defaultStart: number): { start: number; length: number | null } => {
    const k = t.timescale > 0 ? rate / t.timescale : 1;
    const start = t.editStart !== null ? t.editStart * k : defaultStart;
    const length = t.editDuration !== null ? t.editDuration * k : t.duration > 0 ? t.duration * k - start : null;
    return { start, length };
  };
  switch (t.format) {
    case 'Opus': {
      if (!t.config) throw new DecodeFailure('Opus in MP4: no dOps box');
      const config = parseDOps(t.config);
      const { start, length } = edit(48000, config.preSkip);
      return decodeOpusPackets(t.samples, config, start, length, 'Opus in MP4');
    }
    case 'fLaC': {
      if (!t.config || t.config.length < 4 + 38) throw new DecodeFailure('FLAC in MP4: no dfLa box');
      return decodeFlacFile(flacFile(t.config.subarray(4), t.samples), 'FLAC in MP4');
    }
    case '.mp3':
      return mp4Mpeg();
    case 'mp4a':
      if (t.objectType === 0x6b || t.objectType === 0x69) return mp4Mpeg();
      if (t.objectType === 0x40 || t.objectType === 0x66 || t.objectType === 0x67 || t.objectType === 0x68) {
        // FAAD2 drops its first frame's output, which takes away the usual 1024 frames of
        // encoder priming; the rest of the edit list (the end padding) is trimmed here.
        const d = await decodeAac(bytes, 'AAC in MP4');
        const { start, length } = edit(d.sampleRate, 1024);
        return trim(d, Math.max(0, start - 1024), length);
      }
      throw new DecodeFailure(`MP4: mp4a with object type 0x${t.objectType.toString(16)} is not supported`);
    default:
      throw new DecodeFailure(`MP4: sample entry '${t.format}' is not supported`);
  }
  async function mp4Mpeg(): Promise<DecodedAudio> {
    const d = await decodeMpeg(t.samples, false, 'MP3 in MP4');
    const { start, length } = edit(d.sampleRate, 0);
    return trim(d, start, length);
  }
}

/** Decode a whole encoded audio file (the container is found by sniffing). */
export async function decodeAudioFile(bytes: Uint8Array): Promise<DecodedAudio> {
  const container = sniffAudioContainer(bytes);
  switch (container) {
    case 'wav': {
      const w = parseWav(bytes);
      return { sampleRate: w.sampleRate, channels: w.channels, format: 'WAV', warnings: [] };
    }
    case 'aiff': {
      const a = parseAiff(bytes);
      return { sampleRate: a.sampleRate, channels: a.channels, format: 'AIFF', warnings: [] };
    }
    case 'mp3':
      return decodeMpeg(bytes, true, 'MP3');
    case 'flac':
      return decodeFlacFile(bytes, 'FLAC');
    case 'ogg':
      return decodeOgg(bytes);
    case 'matroska':
      return decodeMatroska(bytes);
    case 'mp4':
      return decodeMp4(bytes);
    case 'adts':
      return decodeAac(bytes, 'AAC (ADTS)');
    case null:
      throw new DecodeFailure('the data is not in an audio format that can be recognised (WAV, AIFF, MP3, Ogg, FLAC, WebM/Matroska, MP4, AAC)');
  }
}
