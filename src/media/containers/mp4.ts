/**
 * ISO BMFF (MP4, M4A, 3GP) demuxing of the first sound track, for decoding: its sample entry
 * (the codec and its configuration box), the byte ranges of its samples from the sample table
 * (stsz, stsc, stco/co64) or from movie fragments (moof/traf/trun), and the presentation window
 * its edit list gives, so encoder delay and padding can be trimmed.
 */
import { ContainerError } from './ogg.js';

export interface Mp4AudioTrack {
  /** The sample entry type: 'Opus', 'fLaC', 'mp4a', '.mp3', ... */
  format: string;
  timescale: number;
  channels: number;
  sampleRate: number;
  /** The codec configuration: dOps or dfLa body; for mp4a the DecoderSpecificInfo. */
  config: Uint8Array | null;
  /** For mp4a: the esds objectTypeIndication (0x40 AAC, 0x6B / 0x69 MPEG audio). */
  objectType: number;
  samples: Uint8Array[];
  /** Total duration of the samples in `timescale` units. */
  duration: number;
  /** From the edit list: media time where presentation starts, and how long it lasts (timescale units); null when absent. */
  editStart: number | null;
  editDuration: number | null;
}

interface Box {
  type: string;
  at: number; // body start
  end: number;
}

function* boxes(b: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) throw new ContainerError(`MP4: truncated '${type}' box`);
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header) throw new ContainerError(`MP4: '${type}' box of size ${size}`);
    const end = at + size;
    if (end > to) {
      // A box cut short: only the mdat at the very end may be (its samples are checked later).
      if (type === 'mdat') {
        yield { type, at: at + header, end: to };
        return;
      }
      throw new ContainerError(`MP4: '${type}' box runs past its parent`);
    }
    yield { type, at: at + header, end };
    at = end;
  }
}

function child(b: Uint8Array, parent: Box, type: string, skip = 0): Box | null {
  for (const box of boxes(b, parent.at + skip, parent.end)) if (box.type === type) return box;
  return null;
}

function need(box: Box | null, what: string): Box {
  if (box === null) throw new ContainerError(`MP4: no '${what}' box`);
  return box;
}

/** An MPEG-4 descriptor length (up to four 7-bit bytes). */
function descriptor(b: Uint8Array, at: number, end: number): { tag: number; at: number; end: number } {
  const tag = b[at++]!;
  let len = 0;
  for (let i = 0; i < 4 && at < end; i++) {
    const c = b[at++]!;
    len = (len << 7) | (c & 0x7f);
    if (!(c & 0x80)) break;
  }
  return { tag, at, end: Math.min(end, at + len) };
}

function parseEsds(b: Uint8Array, box: Box): { objectType: number; config: Uint8Array | null } {
  // FullBox header (4), then ES_Descriptor (tag 3).
  let d = descriptor(b, box.at + 4, box.end);
  if (d.tag !== 3) throw new ContainerError('MP4: esds without an ES_Descriptor');
  const flags = b[d.at + 2]!;
  let at = d.at + 3;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + b[at]!;
  if (flags & 0x20) at += 2;
  d = descriptor(b, at, d.end);
  if (d.tag !== 4) throw new ContainerError('MP4: esds without a DecoderConfigDescriptor');
  const objectType = b[d.at]!;
  let config: Uint8Array | null = null;
  if (d.at + 13 < d.end) {
    const s = descriptor(b, d.at + 13, d.end);
    if (s.tag === 5) config = b.subarray(s.at, s.end);
  }
  return { objectType, config };
}

function soundTrack(b: Uint8Array, moov: Box): Box | null {
  for (const trak of boxes(b, moov.at, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = child(b, trak, 'mdia');
    const hdlr = mdia && child(b, mdia, 'hdlr');
    if (hdlr && String.fromCharCode(...b.subarray(hdlr.at + 8, hdlr.at + 12)) === 'soun') return trak;
  }
  return null;
}

export function demuxMp4Audio(bytes: Uint8Array): Mp4AudioTrack {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const file: Box = { type: '', at: 0, end: bytes.length };
  const moov = need(child(bytes, file, 'moov'), 'moov');
  const trak = soundTrack(bytes, moov);
  if (trak === null) throw new ContainerError('MP4: no sound track');
  const tkhd = need(child(bytes, trak, 'tkhd'), 'tkhd');
  const trackId = view.getUint32(tkhd.at + (bytes[tkhd.at] === 1 ? 20 : 12));
  const mdia = need(child(bytes, trak, 'mdia'), 'mdia');
  const mdhd = need(child(bytes, mdia, 'mdhd'), 'mdhd');
  const timescale = view.getUint32(mdhd.at + (bytes[mdhd.at] === 1 ? 20 : 12));
  const stbl = need(child(bytes, need(child(bytes, mdia, 'minf'), 'minf'), 'stbl'), 'stbl');

  // Sample description: the first entry of stsd (FullBox + entry count).
  const stsd = need(child(bytes, stbl, 'stsd'), 'stsd');
  const entry = boxes(bytes, stsd.at + 8, stsd.end).next().value as Box | undefined;
  if (!entry) throw new ContainerError('MP4: empty sample description');
  const version = view.getUint16(entry.at + 8);
  const channels = view.getUint16(entry.at + 16);
  let sampleRate = view.getUint32(entry.at + 24) / 65536;
  // AudioSampleEntry body: 28 bytes, plus QuickTime sound description v1 (16) / v2 (36) extensions.
  const inner = entry.at + 28 + (version === 1 ? 16 : version === 2 ? 36 : 0);
  if (version === 2) sampleRate = view.getFloat64(entry.at + 32);
  let config: Uint8Array | null = null;
  let objectType = 0;
  const format = entry.type;
  const sub: Box = { type: entry.type, at: inner, end: entry.end };
  if (format === 'Opus') config = bodyOf(bytes, need(child(bytes, sub, 'dOps'), 'dOps'));
  else if (format === 'fLaC') config = bodyOf(bytes, need(child(bytes, sub, 'dfLa'), 'dfLa'));
  else if (format === 'mp4a') {
    const esds = child(bytes, sub, 'esds') ?? (child(bytes, sub, 'wave') && child(bytes, need(child(bytes, sub, 'wave'), 'wave'), 'esds'));
    if (esds) ({ objectType, config } = parseEsds(bytes, esds));
  }

  // Sample sizes and offsets from the sample table.
  const samples: Uint8Array[] = [];
  let duration = 0;
  const stsz = child(bytes, stbl, 'stsz');
  const stco = child(bytes, stbl, 'stco') ?? child(bytes, stbl, 'co64');
  const stsc = child(bytes, stbl, 'stsc');
  const stts = child(bytes, stbl, 'stts');
  if (stsz && stco && stsc) {
    const fixed = view.getUint32(stsz.at + 4);
    const count = view.getUint32(stsz.at + 8);
    const sizeAt = (i: number): number => (fixed !== 0 ? fixed : view.getUint32(stsz.at + 12 + 4 * i));
    if (fixed === 0 && stsz.at + 12 + 4 * count > stsz.end) throw new ContainerError('MP4: stsz is truncated');
    const wide = stco.type === 'co64';
    const chunks = view.getUint32(stco.at + 4);
    if (stco.at + 8 + chunks * (wide ? 8 : 4) > stco.end) throw new ContainerError('MP4: chunk offset table is truncated');
    const chunkOffset = (c: number): number =>
      wide ? view.getUint32(stco.at + 8 + 8 * c) * 2 ** 32 + view.getUint32(stco.at + 12 + 8 * c) : view.getUint32(stco.at + 8 + 4 * c);
    const runs = view.getUint32(stsc.at + 4);
    if (stsc.at + 8 + runs * 12 > stsc.end) throw new ContainerError('MP4: stsc is truncated');
    let s = 0;
    for (let r = 0; r < runs && s < count; r++) {
      const firstChunk = view.getUint32(stsc.at + 8 + 12 * r) - 1;
      const perChunk = view.getUint32(stsc.at + 12 + 12 * r);
      const nextFirst = r + 1 < runs ? view.getUint32(stsc.at + 8 + 12 * (r + 1)) - 1 : chunks;
      for (let c = firstChunk; c < nextFirst && c < chunks && s < count; c++) {
        let off = chunkOffset(c);
        for (let k = 0; k < perChunk && s < count; k++, s++) {
          const size = sizeAt(s);
          if (off + size > bytes.length) {
            if (samples.length === 0) throw new ContainerError('MP4: sample data lies past the end of the file');
            s = count; // truncated file: keep the samples that are whole
            break;
          }
          samples.push(bytes.subarray(off, off + size));
          off += size;
        }
      }
      // A table of more samples than the file has bytes is damaged (and would exhaust memory).
      if (samples.length > bytes.length) throw new ContainerError('MP4: the sample table lists more samples than the file can hold');
    }
    if (stts) {
      const n = view.getUint32(stts.at + 4);
      let taken = 0;
      for (let i = 0; i < n && stts.at + 16 + 8 * i <= stts.end; i++) {
        const c = Math.min(view.getUint32(stts.at + 8 + 8 * i), samples.length - taken);
        duration += c * view.getUint32(stts.at + 12 + 8 * i);
        taken += c;
      }
    }
  }
  // Movie fragments (fragmented MP4, as recorders write it).
  const trex = (() => {
    const mvex = child(bytes, moov, 'mvex');
    if (!mvex) return null;
    for (const b of boxes(bytes, mvex.at, mvex.end)) if (b.type === 'trex' && view.getUint32(b.at + 4) === trackId) return b;
    return null;
  })();
  for (const moof of boxes(bytes, 0, bytes.length)) {
    if (moof.type !== 'moof') continue;
    for (const traf of boxes(bytes, moof.at, moof.end)) {
      if (traf.type !== 'traf') continue;
      const tfhd = need(child(bytes, traf, 'tfhd'), 'tfhd');
      if (view.getUint32(tfhd.at + 4) !== trackId) continue;
      const tf = view.getUint32(tfhd.at) & 0xffffff;
      let p = tfhd.at + 8;
      let base = moof.at - 8; // default-base-is-moof (and the usual layout)
      if (tf & 1) {
        base = view.getUint32(p) * 2 ** 32 + view.getUint32(p + 4);
        p += 8;
      }
      if (tf & 2) p += 4;
      let defDuration = trex ? view.getUint32(trex.at + 12) : 0;
      let defSize = trex ? view.getUint32(trex.at + 16) : 0;
      if (tf & 8) {
        defDuration = view.getUint32(p);
        p += 4;
      }
      if (tf & 0x10) defSize = view.getUint32(p);
      let dataEnd = base;
      for (const trun of boxes(bytes, traf.at, traf.end)) {
        if (trun.type !== 'trun') continue;
        const rf = view.getUint32(trun.at) & 0xffffff;
        const count = view.getUint32(trun.at + 4);
        let q = trun.at + 8;
        let off = dataEnd;
        if (rf & 1) {
          off = base + view.getInt32(q);
          q += 4;
        }
        if (rf & 4) q += 4;
        for (let i = 0; i < count; i++) {
          if (q > trun.end) throw new ContainerError('MP4: trun is truncated');
          let d = defDuration;
          let size = defSize;
          if (rf & 0x100) { d = view.getUint32(q); q += 4; }
          if (rf & 0x200) { size = view.getUint32(q); q += 4; }
          if (rf & 0x400) q += 4;
          if (rf & 0x800) q += 4;
          if (off + size > bytes.length) break;
          samples.push(bytes.subarray(off, off + size));
          if (samples.length > bytes.length) throw new ContainerError('MP4: the fragments list more samples than the file can hold');
          duration += d;
          off += size;
        }
        dataEnd = off;
      }
    }
  }
  if (samples.length === 0) throw new ContainerError('MP4: the sound track has no samples');

  // Edit list: the first non-empty edit gives where presentation starts and its length.
  let editStart: number | null = null;
  let editDuration: number | null = null;
  const edts = child(bytes, trak, 'edts');
  const elst = edts && child(bytes, edts, 'elst');
  const mvhd = child(bytes, moov, 'mvhd');
  if (elst && mvhd) {
    const movieScale = view.getUint32(mvhd.at + (bytes[mvhd.at] === 1 ? 20 : 12));
    const v1 = bytes[elst.at] === 1;
    const n = view.getUint32(elst.at + 4);
    let p = elst.at + 8;
    for (let i = 0; i < n && p + (v1 ? 20 : 12) <= elst.end; i++, p += v1 ? 20 : 12) {
      const segment = v1 ? view.getUint32(p) * 2 ** 32 + view.getUint32(p + 4) : view.getUint32(p);
      const mediaTime = v1 ? view.getInt32(p + 8) * 2 ** 32 + view.getUint32(p + 12) : view.getInt32(p + 4);
      if (mediaTime < 0) continue; // an empty edit (a leading gap)
      editStart = mediaTime;
      // Fragmented files often leave segment_duration 0: the whole track.
      editDuration = segment > 0 && movieScale > 0 ? Math.round((segment * timescale) / movieScale) : null;
      break;
    }
  }
  return { format, timescale, channels, sampleRate, config, objectType, samples, duration, editStart, editDuration };
}

/** A box's body (for a FullBox, version and flags included). */
function bodyOf(b: Uint8Array, box: Box): Uint8Array {
  return b.subarray(box.at, box.end);
}
