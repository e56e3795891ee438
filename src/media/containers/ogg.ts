/**
 * Ogg (RFC 3533) reading and writing, just enough for decoding: pages are parsed into the
 * packets of each logical bitstream with the granule position of the page each packet ends
 * on, and packets can be wrapped back into a fresh Ogg stream (to hand Matroska's Vorbis to
 * a decoder that reads Ogg).
 */

export class ContainerError extends Error {
  override name = 'ContainerError';
}

export interface OggPacket {
  data: Uint8Array;
  /** The granule position of the page this packet completes on (-1 when none). */
  granule: number;
}

export interface OggStream {
  serial: number;
  packets: OggPacket[];
  /** The granule position of the stream's last page with one. */
  lastGranule: number;
}

let crcTable: Uint32Array | null = null;

function oggCrc(b: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      crcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ b[i]!) & 0xff]!) >>> 0;
  return crc;
}

function granuleAt(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  if (hi === -1 && lo === 0xffffffff) return -1;
  return hi * 2 ** 32 + lo;
}

/** Every logical bitstream of an Ogg file, in the order their first pages appear. */
export function parseOgg(bytes: Uint8Array): OggStream[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const streams = new Map<number, OggStream & { partial: Uint8Array[] }>();
  let at = 0;
  while (at + 27 <= bytes.length) {
    if (view.getUint32(at) !== 0x4f676753) {
      if (streams.size === 0) throw new ContainerError(`Ogg: no page at byte ${at}`);
      break; // trailing junk ends the file
    }
    if (bytes[at + 4] !== 0) throw new ContainerError(`Ogg: page version ${bytes[at + 4]} at byte ${at}`);
    const flags = bytes[at + 5]!;
    const granule = granuleAt(view, at + 6);
    const serial = view.getUint32(at + 14, true);
    const segments = bytes[at + 26]!;
    const bodyAt = at + 27 + segments;
    if (bodyAt > bytes.length) break;
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[at + 27 + i]!;
    if (bodyAt + bodyLength > bytes.length) break; // a truncated last page is dropped
    let s = streams.get(serial);
    if (s === undefined) {
      s = { serial, packets: [], lastGranule: -1, partial: [] };
      streams.set(serial, s);
    }
    if (!(flags & 1)) s.partial = []; // not a continuation: drop any unfinished packet
    let p = bodyAt;
    let start = bodyAt;
    const ended: Uint8Array[] = [];
    for (let i = 0; i < segments; i++) {
      const lace = bytes[at + 27 + i]!;
      p += lace;
      if (lace < 255) {
        s.partial.push(bytes.subarray(start, p));
        ended.push(concat(s.partial));
        s.partial = [];
        start = p;
      }
    }
    if (start < p) s.partial.push(bytes.subarray(start, p));
    for (let i = 0; i < ended.length; i++) s.packets.push({ data: ended[i]!, granule: i === ended.length - 1 ? granule : -1 });
    if (granule !== -1) s.lastGranule = granule;
    at = bodyAt + bodyLength;
  }
  if (streams.size === 0) throw new ContainerError('Ogg: no complete page');
  return [...streams.values()].map(({ serial, packets, lastGranule }) => ({ serial, packets, lastGranule }));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/**
 * One Ogg logical stream. Each group of packets starts a new page (a packet or group too long
 * for one page continues on the next); the group's granule position (-1 for none) goes on the
 * page where it ends.
 */
export function writeOgg(groups: readonly { packets: readonly Uint8Array[]; granule: number }[], serial = 1): Uint8Array {
  const pages: Uint8Array[] = [];
  let seq = 0;
  groups.forEach((group, k) => {
    // The lacing values of the whole group, with the body bytes each covers.
    const laces: number[] = [];
    for (const p of group.packets) {
      let left = p.length;
      while (left >= 255) {
        laces.push(255);
        left -= 255;
      }
      laces.push(left);
    }
    const body = concat(group.packets.length ? [...group.packets] : [new Uint8Array(0)]);
    let lace = 0;
    let off = 0;
    let continued = false;
    do {
      const n = Math.min(255, laces.length - lace);
      let size = 0;
      for (let i = 0; i < n; i++) size += laces[lace + i]!;
      const last = lace + n === laces.length;
      const page = new Uint8Array(27 + n + size);
      const view = new DataView(page.buffer);
      page.set([0x4f, 0x67, 0x67, 0x53, 0], 0);
      page[5] = (continued ? 1 : 0) | (seq === 0 ? 2 : 0) | (last && k === groups.length - 1 ? 4 : 0);
      const g = last ? group.granule : -1;
      view.setUint32(6, g === -1 ? 0xffffffff : g % 2 ** 32, true);
      view.setUint32(10, g === -1 ? 0xffffffff : Math.floor(g / 2 ** 32), true);
      view.setUint32(14, serial, true);
      view.setUint32(18, seq++, true);
      page[26] = n;
      page.set(laces.slice(lace, lace + n), 27);
      page.set(body.subarray(off, off + size), 27 + n);
      view.setUint32(22, oggCrc(page), true);
      pages.push(page);
      // A page ending on a 255 lace leaves its packet to continue on the next page.
      continued = laces[lace + n - 1] === 255;
      lace += n;
      off += size;
    } while (lace < laces.length);
  });
  return concat(pages);
}
