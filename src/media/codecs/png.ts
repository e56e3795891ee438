// PNG encoding (8-bit RGBA) and decoding (8-bit greyscale, grey+alpha, RGB, RGBA; not
// interlaced), enough for snapshots, test fixtures and image-file devices.

import { deflateSync, inflateSync } from 'node:zlib';

export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** CRC-32 (ISO 3309 / PNG) of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Encode 8-bit RGBA (rows of width*4 bytes, top to bottom) as PNG. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`encodePng: size ${width}x${height} is not a positive integer size`);
  }
  const rowBytes = width * 4;
  if (rgba.length < rowBytes * height) throw new RangeError(`encodePng: ${rgba.length} bytes given, ${width}x${height} RGBA needs ${rowBytes * height}`);
  const raw = new Uint8Array((rowBytes + 1) * height);
  const cand = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const cur = y * rowBytes;
    const prev = cur - rowBytes;
    const out = y * (rowBytes + 1);
    // Pick the filter with the smallest sum of absolute (signed) residuals, as libpng does.
    let bestScore = Infinity;
    for (let f = 0; f < 5; f++) {
      let score = 0;
      for (let i = 0; i < rowBytes; i++) {
        const x = rgba[cur + i];
        const a = i >= 4 ? rgba[cur + i - 4] : 0;
        const b = y > 0 ? rgba[prev + i] : 0;
        const c = i >= 4 && y > 0 ? rgba[prev + i - 4] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const r = (x - pred) & 255;
        cand[i] = r;
        score += r < 128 ? r : 256 - r;
      }
      if (score < bestScore) {
        bestScore = score;
        raw[out] = f;
        raw.set(cand, out + 1);
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width); v.setUint32(4, height);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const png = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { png.set(p, at); at += p.length; }
  return png;
}

export interface DecodedPng { width: number; height: number; rgba: Uint8Array }

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decode an 8-bit, non-interlaced greyscale / grey+alpha / RGB / RGBA PNG to RGBA. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) throw new PngFormatError('PNG: missing PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  while (pos + 12 <= bytes.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const end = pos + 8 + len;
    if (end + 4 > bytes.length) throw new PngFormatError(`PNG: chunk '${type}' at byte ${pos} is truncated`);
    if (crc32(bytes, pos + 4, end) !== view.getUint32(end)) throw new PngFormatError(`PNG: chunk '${type}' at byte ${pos} has a bad CRC`);
    const data = bytes.subarray(pos + 8, end);
    if (type === 'IHDR') {
      if (len !== 13) throw new PngFormatError('PNG: IHDR is not 13 bytes');
      width = view.getUint32(pos + 8); height = view.getUint32(pos + 12);
      const depth = data[8], colorType = data[9], interlace = data[12];
      if (depth !== 8) throw new PngFormatError(`PNG: bit depth ${depth} is not supported (only 8)`);
      if (!(colorType in CHANNELS)) throw new PngFormatError(`PNG: colour type ${colorType} is not supported (0, 2, 4, 6)`);
      if (interlace !== 0) throw new PngFormatError('PNG: interlaced images are not supported');
      if (width === 0 || height === 0) throw new PngFormatError(`PNG: image size ${width}x${height} is empty`);
      channels = CHANNELS[colorType];
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos = end + 4;
  }
  if (!channels) throw new PngFormatError('PNG: no IHDR chunk');
  if (!sawEnd) throw new PngFormatError('PNG: no IEND chunk (truncated file?)');
  const zipped = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of idat) { zipped.set(d, at); at += d.length; }
  let raw: Uint8Array;
  try {
    raw = inflateSync(zipped);
  } catch (e) {
    throw new PngFormatError(`PNG: image data does not inflate: ${(e as Error).message}`);
  }
  const bpp = channels;
  const rowBytes = width * bpp;
  if (raw.length < (rowBytes + 1) * height) throw new PngFormatError(`PNG: image data holds ${raw.length} bytes, ${(rowBytes + 1) * height} expected`);
  const pix = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (rowBytes + 1)];
    const src = y * (rowBytes + 1) + 1;
    const cur = y * rowBytes, prev = cur - rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? pix[cur + i - bpp] : 0;
      const b = y > 0 ? pix[prev + i] : 0;
      const c = i >= bpp && y > 0 ? pix[prev + i - bpp] : 0;
      let pred: number;
      switch (f) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: pred = paeth(a, b, c); break;
        default: throw new PngFormatError(`PNG: row ${y} has unknown filter type ${f}`);
      }
      pix[cur + i] = (raw[src + i] + pred) & 255;
    }
  }
  if (channels === 4) return { width, height, rgba: pix };
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0, q = 0; p < width * height; p++, q += channels) {
    const o = p * 4;
    if (channels === 1) { rgba[o] = rgba[o + 1] = rgba[o + 2] = pix[q]; rgba[o + 3] = 255; }
    else if (channels === 2) { rgba[o] = rgba[o + 1] = rgba[o + 2] = pix[q]; rgba[o + 3] = pix[q + 1]; }
    else { rgba[o] = pix[q]; rgba[o + 1] = pix[q + 1]; rgba[o + 2] = pix[q + 2]; rgba[o + 3] = 255; }
  }
  return { width, height, rgba };
}
