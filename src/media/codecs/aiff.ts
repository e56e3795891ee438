// AIFF and AIFF-C reading: uncompressed integer PCM (8 to 32 bits, big-endian, or little-endian
// 'sowt'), 32/64-bit float ('fl32', 'fl64') and unsigned 8-bit ('raw '). Samples come out as
// planar Float32 in [-1, 1), integer code k of an N-bit format as k / 2^(N-1), as for WAV.

export class AiffFormatError extends Error {
  override name = 'AiffFormatError';
}

export interface AiffData {
  sampleRate: number;
  channels: Float32Array[];
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** An IEEE 754 80-bit extended float (the COMM sample rate). */
function extended(view: DataView, at: number): number {
  const se = view.getUint16(at);
  const hi = view.getUint32(at + 2);
  const lo = view.getUint32(at + 6);
  const exp = (se & 0x7fff) - 16383 - 63;
  const mant = hi * 2 ** 32 + lo;
  const v = mant * 2 ** exp;
  return se & 0x8000 ? -v : v;
}

export function parseAiff(bytes: Uint8Array): AiffData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'FORM') throw new AiffFormatError('AIFF: no FORM header');
  const kind = fourcc(bytes, 8);
  if (kind !== 'AIFF' && kind !== 'AIFC') throw new AiffFormatError(`AIFF: FORM type '${kind}'`);
  let comm: { channels: number; frames: number; bits: number; rate: number; compression: string } | null = null;
  let ssnd: { at: number; end: number } | null = null;
  const formEnd = Math.min(bytes.length, 8 + view.getUint32(4));
  let at = 12;
  while (at + 8 <= formEnd) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4);
    const body = at + 8;
    const end = Math.min(body + size, bytes.length);
    if (id === 'COMM') {
      if (size < 18 || body + 18 > bytes.length) throw new AiffFormatError('AIFF: COMM chunk is too short');
      comm = {
        channels: view.getUint16(body),
        frames: view.getUint32(body + 2),
        bits: view.getUint16(body + 6),
        rate: extended(view, body + 8),
        compression: kind === 'AIFC' && size >= 22 ? fourcc(bytes, body + 18) : 'NONE',
      };
    } else if (id === 'SSND') {
      if (body + 8 > bytes.length) throw new AiffFormatError('AIFF: SSND chunk is too short');
      ssnd = { at: body + 8 + view.getUint32(body), end };
    }
    at = body + size + (size & 1);
  }
  if (comm === null) throw new AiffFormatError('AIFF: no COMM chunk');
  if (ssnd === null) throw new AiffFormatError('AIFF: no SSND chunk');
  const { channels: ch, bits, rate } = comm;
  const compression = comm.compression;
  if (ch < 1) throw new AiffFormatError('AIFF: no channels');
  if (!(rate > 0 && Number.isFinite(rate))) throw new AiffFormatError(`AIFF: sample rate ${rate}`);
  let width: number;
  let read: (p: number) => number;
  switch (compression) {
    case 'NONE':
    case 'twos':
    case 'sowt': {
      if (bits < 1 || bits > 32) throw new AiffFormatError(`AIFF: ${bits}-bit samples`);
      width = Math.ceil(bits / 8);
      const little = compression === 'sowt';
      const scale = 2 ** (8 * width - 1);
      read = (p) => {
        let v = 0;
        for (let i = 0; i < width; i++) v = v * 256 + bytes[little ? p + width - 1 - i : p + i]!;
        if (v >= scale) v -= 2 * scale;
        return v / scale;
      };
      break;
    }
    case 'raw ':
      width = 1;
      read = (p) => (bytes[p]! - 128) / 128;
      break;
    case 'fl32':
    case 'FL32':
      width = 4;
      read = (p) => view.getFloat32(p);
      break;
    case 'fl64':
    case 'FL64':
      width = 8;
      read = (p) => view.getFloat64(p);
      break;
    default:
      throw new AiffFormatError(`AIFF-C compression '${compression}' is not supported`);
  }
  const available = Math.floor(Math.max(0, ssnd.end - ssnd.at) / (width * ch));
  const frames = Math.min(comm.frames, available);
  const channels = Array.from({ length: ch }, () => new Float32Array(frames));
  let p = ssnd.at;
  for (let i = 0; i < frames; i++) for (let c = 0; c < ch; c++, p += width) channels[c]![i] = read(p);
  return { sampleRate: rate, channels };
}
