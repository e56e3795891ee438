// YUV4MPEG2 (.y4m): a text stream header line, then for each frame a 'FRAME' line followed by
// the raw planes (Y, then Cb, then Cr; 8 bits per sample). Reading works on bytes in memory or by
// random access on a file; writing produces bytes or streams to a file.

import { open, type FileHandle } from 'node:fs/promises';
import { TextEncoder } from 'node:util';

export type Y4mColorspace = '420jpeg' | '420paldv' | '420mpeg2' | '420' | '422' | '444' | 'mono';
export type Y4mInterlace = 'p' | 't' | 'b' | 'm' | '?';

export interface Y4mHeader {
  width: number;
  height: number;
  frameRate: { num: number; den: number };
  /** 0:0 when unknown */
  pixelAspect: { num: number; den: number };
  interlace: Y4mInterlace;
  colorspace: Y4mColorspace;
  /** X tags, without the leading 'X' (e.g. 'COLORRANGE=FULL'). */
  extensions: string[];
}

export interface Y4mFrame {
  /** Y plane then U then V, contiguous (mono: Y only). */
  data: Uint8Array;
  y: Uint8Array;
  /** Empty for mono. */
  u: Uint8Array;
  v: Uint8Array;
  /** Parameters given on the FRAME line (rarely used). */
  params: string[];
}

export class Y4mFormatError extends Error {
  override name = 'Y4mFormatError';
}

const MAGIC = 'YUV4MPEG2';
const FRAME_TAG = 'FRAME';
const MAX_LINE = 4096;
const COLORSPACES: readonly string[] = ['420jpeg', '420paldv', '420mpeg2', '420', '422', '444', 'mono'];

/** Chroma plane size for a colorspace. */
export function y4mChromaSize(h: Pick<Y4mHeader, 'width' | 'height' | 'colorspace'>): { width: number; height: number } {
  switch (h.colorspace) {
    case 'mono': return { width: 0, height: 0 };
    case '444': return { width: h.width, height: h.height };
    case '422': return { width: (h.width + 1) >> 1, height: h.height };
    default: return { width: (h.width + 1) >> 1, height: (h.height + 1) >> 1 };
  }
}

/** Bytes of plane data per frame. */
export function y4mFrameBytes(h: Pick<Y4mHeader, 'width' | 'height' | 'colorspace'>): number {
  const c = y4mChromaSize(h);
  return h.width * h.height + 2 * c.width * c.height;
}

function ratio(tok: string, what: string): { num: number; den: number } {
  const m = /^(\d+):(\d+)$/.exec(tok);
  if (!m) throw new Y4mFormatError(`Y4M: the ${what} tag is not of the form N:D`);
  return { num: Number(m[1]), den: Number(m[2]) };
}

/** Parse the stream header line (without the newline). */
export function parseY4mHeaderLine(line: string): Y4mHeader {
  const toks = line.split(' ').filter((t) => t.length > 0);
  if (toks[0] !== MAGIC) throw new Y4mFormatError(`Y4M: stream does not start with '${MAGIC}'`);
  let width = 0, height = 0;
  let frameRate = { num: 30, den: 1 };
  let pixelAspect = { num: 0, den: 0 };
  let interlace: Y4mInterlace = 'p';
  let colorspace: Y4mColorspace = '420jpeg';
  const extensions: string[] = [];
  for (const t of toks.slice(1)) {
    const v = t.slice(1);
    switch (t[0]) {
      case 'W': width = Number(v); break;
      case 'H': height = Number(v); break;
      case 'F': frameRate = ratio(v, 'frame rate'); break;
      case 'A': pixelAspect = ratio(v, 'pixel aspect'); break;
      case 'I':
        if (!['p', 't', 'b', 'm', '?'].includes(v)) throw new Y4mFormatError('Y4M: the I (interlacing) tag is not one of p, t, b, m, ?');
        interlace = v as Y4mInterlace;
        break;
      case 'C':
        if (!COLORSPACES.includes(v)) throw new Y4mFormatError(`Y4M: the C (colorspace) tag is not a supported colorspace (${COLORSPACES.join(', ')})`);
        colorspace = v as Y4mColorspace;
        break;
      case 'X': extensions.push(v); break;
      default: throw new Y4mFormatError('Y4M: the header holds a tag other than W, H, F, A, I, C and X');
    }
  }
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Y4mFormatError('Y4M: the header needs W and H tags holding positive integers');
  }
  if (frameRate.num === 0 || frameRate.den === 0) throw new Y4mFormatError(`Y4M: frame rate ${frameRate.num}:${frameRate.den} is not valid`);
  return { width, height, frameRate, pixelAspect, interlace, colorspace, extensions };
}

/** Find the newline that ends a line starting at `from`; -1 if none within MAX_LINE. */
function lineEnd(bytes: Uint8Array, from: number): number {
  const lim = Math.min(bytes.length, from + MAX_LINE);
  for (let i = from; i < lim; i++) if (bytes[i] === 10) return i;
  return -1;
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function parseFrameLine(line: string, at: number): string[] {
  if (line !== FRAME_TAG && !line.startsWith(FRAME_TAG + ' ')) {
    throw new Y4mFormatError(`Y4M: expected a FRAME line at byte ${at}`);
  }
  return line.slice(FRAME_TAG.length).split(' ').filter((t) => t.length > 0);
}

function frameViews(data: Uint8Array, h: Y4mHeader, params: string[]): Y4mFrame {
  const ys = h.width * h.height;
  const c = y4mChromaSize(h);
  const cs = c.width * c.height;
  return { data, y: data.subarray(0, ys), u: data.subarray(ys, ys + cs), v: data.subarray(ys + cs, ys + 2 * cs), params };
}

/** Whether the colour range extension says full range (XCOLORRANGE=FULL). */
export function y4mFullRange(h: Y4mHeader): boolean {
  return h.extensions.some((e) => e.toUpperCase() === 'COLORRANGE=FULL');
}

/** A Y4M stream held in memory; frames are views into it (no copy). */
export class Y4mReader {
  readonly header: Y4mHeader;
  readonly frameBytes: number;
  readonly #bytes: Uint8Array;
  /** byte offset of each frame's data and its FRAME parameters */
  readonly #offsets: number[] = [];
  readonly #params: string[][] = [];

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    const end = lineEnd(bytes, 0);
    if (end < 0) throw new Y4mFormatError('Y4M: no header line found');
    this.header = parseY4mHeaderLine(latin1(bytes, 0, end));
    this.frameBytes = y4mFrameBytes(this.header);
    let pos = end + 1;
    while (pos < bytes.length) {
      const e = lineEnd(bytes, pos);
      if (e < 0) throw new Y4mFormatError(`Y4M: FRAME line at byte ${pos} has no end`);
      const params = parseFrameLine(latin1(bytes, pos, e), pos);
      const data = e + 1;
      if (data + this.frameBytes > bytes.length) {
        throw new Y4mFormatError(`Y4M: frame ${this.#offsets.length} at byte ${data} is truncated (${bytes.length - data} of ${this.frameBytes} bytes)`);
      }
      this.#offsets.push(data);
      this.#params.push(params);
      pos = data + this.frameBytes;
    }
  }

  get frameCount(): number { return this.#offsets.length; }

  frame(index: number): Y4mFrame {
    if (!(Number.isInteger(index) && index >= 0 && index < this.#offsets.length)) {
      throw new RangeError(`Y4M: frame ${index} does not exist (${this.#offsets.length} frames)`);
    }
    const at = this.#offsets[index];
    return frameViews(this.#bytes.subarray(at, at + this.frameBytes), this.header, this.#params[index]);
  }
}

/**
 * Random access to frames of a .y4m file without loading it. When the first frame's line is a
 * bare 'FRAME' and the file size is a whole number of such frames, offsets are computed;
 * otherwise every FRAME line is scanned once on open.
 */
export class Y4mFileReader {
  readonly path: string;
  readonly header: Y4mHeader;
  readonly frameBytes: number;
  readonly frameCount: number;
  #handle: FileHandle | undefined;
  readonly #offsets: Float64Array;
  readonly #params: Map<number, string[]>;

  private constructor(path: string, handle: FileHandle, header: Y4mHeader, offsets: Float64Array, params: Map<number, string[]>) {
    this.path = path;
    this.#handle = handle;
    this.header = header;
    this.frameBytes = y4mFrameBytes(header);
    this.frameCount = offsets.length;
    this.#offsets = offsets;
    this.#params = params;
  }

  static async open(path: string): Promise<Y4mFileReader> {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      const head = new Uint8Array(Math.min(size, MAX_LINE));
      await handle.read(head, 0, head.length, 0);
      const end = lineEnd(head, 0);
      if (end < 0) throw new Y4mFormatError(`Y4M: ${path} has no header line`);
      const header = parseY4mHeaderLine(latin1(head, 0, end));
      const fb = y4mFrameBytes(header);
      const start = end + 1;
      const params = new Map<number, string[]>();
      const line = new Uint8Array(MAX_LINE);
      const firstLen = (await handle.read(line, 0, Math.min(MAX_LINE, Math.max(0, size - start)), start)).bytesRead;
      const firstEnd = lineEnd(line.subarray(0, firstLen), 0);
      const uniform = firstEnd === FRAME_TAG.length && (size - start) % (fb + FRAME_TAG.length + 1) === 0;
      let offsets: Float64Array;
      if (size === start) {
        offsets = new Float64Array(0);
      } else if (uniform) {
        const n = (size - start) / (fb + FRAME_TAG.length + 1);
        offsets = new Float64Array(n);
        for (let i = 0; i < n; i++) offsets[i] = start + i * (fb + FRAME_TAG.length + 1) + FRAME_TAG.length + 1;
      } else {
        const list: number[] = [];
        let pos = start;
        while (pos < size) {
          const got = (await handle.read(line, 0, Math.min(MAX_LINE, size - pos), pos)).bytesRead;
          const e = lineEnd(line.subarray(0, got), 0);
          if (e < 0) throw new Y4mFormatError(`Y4M: FRAME line at byte ${pos} has no end`);
          const p = parseFrameLine(latin1(line, 0, e), pos);
          const data = pos + e + 1;
          if (data + fb > size) throw new Y4mFormatError(`Y4M: frame ${list.length} at byte ${data} is truncated`);
          if (p.length) params.set(list.length, p);
          list.push(data);
          pos = data + fb;
        }
        offsets = Float64Array.from(list);
      }
      return new Y4mFileReader(path, handle, header, offsets, params);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Byte offset of frame `index`'s plane data. */
  frameOffset(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.frameCount)) {
      throw new RangeError(`Y4M: frame ${index} does not exist in ${this.path} (${this.frameCount} frames)`);
    }
    return this.#offsets[index];
  }

  /** Read frame `index`, into `into` (at least frameBytes long) when given, else a new buffer. */
  async readFrame(index: number, into?: Uint8Array): Promise<Y4mFrame> {
    const at = this.frameOffset(index);
    const h = this.#handle;
    if (!h) throw new Error(`Y4M: ${this.path} is closed`);
    if (into && into.length < this.frameBytes) throw new RangeError(`Y4M: buffer of ${into.length} bytes is smaller than a frame (${this.frameBytes})`);
    const data = into ? into.subarray(0, this.frameBytes) : new Uint8Array(this.frameBytes);
    const { bytesRead } = await h.read(data, 0, this.frameBytes, at);
    if (bytesRead !== this.frameBytes) throw new Y4mFormatError(`Y4M: frame ${index} of ${this.path} is truncated`);
    return frameViews(data, this.header, this.#params.get(index) ?? []);
  }

  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    if (h) await h.close();
  }
}

/** The stream header line including its newline. */
export function encodeY4mHeader(h: Partial<Y4mHeader> & { width: number; height: number }): Uint8Array {
  const full = parseY4mHeaderLine(headerLine(h)); // validates
  return new TextEncoder().encode(headerLine(full) + '\n');
}

function headerLine(h: Partial<Y4mHeader> & { width: number; height: number }): string {
  const f = h.frameRate ?? { num: 30, den: 1 };
  const a = h.pixelAspect ?? { num: 1, den: 1 };
  let s = `${MAGIC} W${h.width} H${h.height} F${f.num}:${f.den} I${h.interlace ?? 'p'} A${a.num}:${a.den} C${h.colorspace ?? '420jpeg'}`;
  for (const x of h.extensions ?? []) s += ` X${x}`;
  return s;
}

/**
 * Produces a Y4M stream: header() once, then frame() per picture (Y, U, V planes tightly packed,
 * or one contiguous buffer holding all three).
 */
export class Y4mWriter {
  readonly header: Y4mHeader;
  readonly frameBytes: number;

  constructor(header: Partial<Y4mHeader> & { width: number; height: number }) {
    this.header = parseY4mHeaderLine(headerLine(header));
    this.frameBytes = y4mFrameBytes(this.header);
  }

  headerBytes(): Uint8Array {
    return encodeY4mHeader(this.header);
  }

  frame(planes: Uint8Array | readonly Uint8Array[], params: readonly string[] = []): Uint8Array {
    const line = FRAME_TAG + params.map((p) => ' ' + p).join('') + '\n';
    const out = new Uint8Array(line.length + this.frameBytes);
    for (let i = 0; i < line.length; i++) out[i] = line.charCodeAt(i);
    const list = planes instanceof Uint8Array ? [planes] : planes;
    let n = 0;
    for (const p of list) n += p.length;
    if (n !== this.frameBytes) throw new RangeError(`Y4M: frame planes hold ${n} bytes, a ${this.header.width}x${this.header.height} ${this.header.colorspace} frame needs ${this.frameBytes}`);
    let at = line.length;
    for (const p of list) { out.set(p, at); at += p.length; }
    return out;
  }
}

/** A whole Y4M file in memory. */
export function encodeY4m(header: Partial<Y4mHeader> & { width: number; height: number }, frames: ReadonlyArray<Uint8Array | readonly Uint8Array[]>): Uint8Array {
  const w = new Y4mWriter(header);
  const parts = [w.headerBytes(), ...frames.map((f) => w.frame(f))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * Streams a Y4M file to `path`. Writes are queued in call order; await close() before reading
 * the file.
 */
export class Y4mFileWriter {
  readonly path: string;
  readonly #writer: Y4mWriter;
  readonly #handle: Promise<FileHandle>;
  #queue: Promise<void>;
  #frames = 0;
  #closed = false;

  constructor(path: string, header: Partial<Y4mHeader> & { width: number; height: number }) {
    this.path = path;
    this.#writer = new Y4mWriter(header);
    this.#handle = open(path, 'w');
    const head = this.#writer.headerBytes();
    this.#queue = this.#handle.then(async (h) => { await h.write(head); });
    this.#queue.catch(() => {});
  }

  get header(): Y4mHeader { return this.#writer.header; }

  /** Frames accepted so far. */
  get frames(): number { return this.#frames; }

  write(planes: Uint8Array | readonly Uint8Array[], params: readonly string[] = []): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`Y4mFileWriter: ${this.path} is already closed`));
    let bytes: Uint8Array;
    try {
      bytes = this.#writer.frame(planes, params);
    } catch (e) {
      return Promise.reject(e);
    }
    this.#frames++;
    const p = this.#queue.then(async () => { await (await this.#handle).write(bytes); });
    this.#queue = p;
    p.catch(() => {});
    return p;
  }

  /** Flush and close. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#queue;
    this.#closed = true;
    this.#queue = this.#queue.finally(async () => {
      let h: FileHandle;
      try { h = await this.#handle; } catch { return; }
      await h.close();
    });
    return this.#queue;
  }
}
