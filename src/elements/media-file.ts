/**
 * A media file opened for playback by a media element (`src`): its duration, a video decoder that
 * hands out frames in presentation order, and its audio decoded to PCM.
 *
 *   WebM / Matroska   video: VP8 or VP9, demuxed and decoded by libav.js (FFmpeg's demuxer and
 *                     libvpx compiled to WebAssembly, the package the recorder encodes with);
 *                     audio: Opus, Vorbis, FLAC, through the decoding thread of decodeAudioData
 *   Y4M               video (the file-backed camera's format)
 *   WAV, AIFF, MP3, Ogg (Vorbis / Opus / FLAC), FLAC, MP4 / M4A audio: the decoding thread
 *   anything else ffmpeg reads (MP4 / MOV with H.264 / HEVC / AV1, WebM with AV1, Ogg Theora,
 *                     AVI, AAC without its optional decoder...): the system's ffmpeg, where
 *                     installed (media-file-ffmpeg.ts)
 *
 * Video is decoded a few frames ahead of playback, so a long file does not sit in memory as
 * pictures; audio is decoded whole (as decodeAudioData does). Anything else fails with
 * MediaFileError, whose message says what was found.
 */
import { setImmediate } from 'node:timers';
import { decodeOnThread } from '../webaudio/decode/decode-host.js';
import { FrameBuffer } from '../media/frame-buffer.js';
import { createVideoFrame, type VideoFrame } from '../media/video-frame.js';
import { Y4mReader, y4mFullRange } from '../media/codecs/y4m.js';
import { y4mPixelFormat } from '../sources/file/y4m-source.js';
import { ffmpegTools, openWithFfmpeg } from './media-file-ffmpeg.js';

/** Runs the operations given to it one after another, each after the previous one settled. */
export function oneAtATime(): <T>(op: () => Promise<T>) => Promise<T> {
  let busy: Promise<unknown> = Promise.resolve();
  return <T>(op: () => Promise<T>): Promise<T> => {
    const run = busy.then(op, op);
    busy = run.catch(() => undefined);
    return run;
  };
}

export class MediaFileError extends Error {
  override name = 'MediaFileError';
}

/** Decoded pictures of a file's video track, in presentation order. */
export interface FileVideo {
  readonly width: number;
  readonly height: number;
  /** The next frame (timestamp: its presentation time in microseconds from the file's start), or null at the end. */
  next(): Promise<VideoFrame | null>;
  /** Starts over from the first frame. */
  rewind(): Promise<void>;
  close(): void;
}

export interface FileAudio {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

export interface MediaFile {
  /** Seconds; Infinity when the container does not say and there is video to decode. */
  readonly duration: number;
  readonly video: FileVideo | null;
  readonly audio: FileAudio | null;
  /** What was opened, e.g. "VP8 video and Vorbis audio in WebM". */
  readonly description: string;
  close(): void;
}

/** The sample rate audio is decoded at when the file does not force one (the decoder resamples). */
const AUDIO_RATE = 48000;

export async function openMediaFile(bytes: Uint8Array): Promise<MediaFile> {
  if (bytes.length === 0) throw new MediaFileError('the resource is empty');
  if (startsWith(bytes, 'YUV4MPEG2 ')) return openY4m(bytes);
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return openMatroska(bytes);
  const audio = await decodeAudio(bytes);
  const tools = ffmpegTools();
  // Containers that may hold video the built-in decoders do not read, or audio they could not
  // decode: the system's ffmpeg, where there is one.
  if (typeof tools !== 'string' && (audio === null || mayHoldVideo(bytes)) && !looksLikeText(bytes)) {
    try {
      const viaFfmpeg = await openWithFfmpeg(bytes, tools, audio?.audio ?? null);
      if (viaFfmpeg.video || audio === null) return viaFfmpeg;
      viaFfmpeg.close();
    } catch (e) {
      if (audio === null) throw new MediaFileError(`the resource is not a media format that can be played here (${sniffName(bytes)}; ${(e as Error).message})`);
    }
  }
  if (audio === null) {
    const hint = typeof tools === 'string' ? `; with ffmpeg installed more formats play (${tools})` : '';
    throw new MediaFileError(`the resource is not a media format that can be played here (${sniffName(bytes)})${hint}`);
  }
  return {
    duration: audio.audio.channels[0]!.length / audio.audio.sampleRate,
    video: null,
    audio: audio.audio,
    description: audio.format,
    close() {},
  };
}

/** MP4 / MOV, Ogg (Theora), AVI, MPEG-TS, FLV: containers that may carry video. */
function mayHoldVideo(bytes: Uint8Array): boolean {
  const at = (i: number, text: string): boolean => bytes.length >= i + text.length && startsWith(bytes.subarray(i), text);
  return at(4, 'ftyp') || at(4, 'moov') || at(4, 'mdat') || at(0, 'OggS') || (at(0, 'RIFF') && at(8, 'AVI ')) || at(0, 'FLV') || (bytes[0] === 0x47 && bytes[188] === 0x47);
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function looksLikeText(bytes: Uint8Array): boolean {
  return startsWith(bytes, '<') || startsWith(bytes, '\ufeff') || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
}

function sniffName(bytes: Uint8Array): string {
  if (looksLikeText(bytes)) return 'it looks like text or HTML';
  if (bytes.length >= 12 && bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70) return 'MP4 with no audio that decodes here; H.264 and other MP4 video are not decoded';
  return `first bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

async function decodeAudio(bytes: Uint8Array): Promise<{ audio: FileAudio; format: string } | null> {
  // The decoding thread takes the buffer over: give it a copy.
  const copy = bytes.slice().buffer;
  try {
    const r = await decodeOnThread(copy, AUDIO_RATE);
    if (r.channels.length === 0 || r.channels[0]!.length === 0) return null;
    return { audio: { sampleRate: AUDIO_RATE, channels: r.channels }, format: r.format };
  } catch {
    return null;
  }
}

// ---- Y4M ----------------------------------------------------------------------------------------

function openY4m(bytes: Uint8Array): MediaFile {
  let reader: Y4mReader;
  try {
    reader = new Y4mReader(bytes);
  } catch (e) {
    throw new MediaFileError((e as Error).message);
  }
  const h = reader.header;
  if (reader.frameCount === 0) throw new MediaFileError('Y4M: the file holds no frames');
  const format = y4mPixelFormat(h);
  if (h.colorspace === 'mono') throw new MediaFileError('Y4M: monochrome files are not played by media elements');
  const fullRange = y4mFullRange(h);
  const periodUs = (1e6 * h.frameRate.den) / h.frameRate.num;
  let n = 0;
  const video: FileVideo = {
    width: h.width,
    height: h.height,
    async next() {
      if (n >= reader.frameCount) return null;
      const i = n++;
      const timestamp = Math.round(i * periodUs);
      return createVideoFrame(FrameBuffer.adopt(reader.frame(i).data), {
        format,
        codedWidth: h.width,
        codedHeight: h.height,
        timestamp,
        duration: Math.round((i + 1) * periodUs) - timestamp,
        ...(fullRange ? { colorSpace: { primaries: null, transfer: null, matrix: null, fullRange: true } } : {}),
      });
    },
    async rewind() {
      n = 0;
    },
    close() {},
  };
  return { duration: (reader.frameCount * periodUs) / 1e6, video, audio: null, description: 'Y4M video', close() {} };
}

// ---- WebM / Matroska ------------------------------------------------------------------------------

/** The part of libav.js used here (its asynchronous calls, on the calling thread). */
interface LibAV {
  AVERROR_EOF: number;
  EAGAIN: number;
  AV_LOG_QUIET: number;
  av_log_set_level(level: number): Promise<void>;
  writeFile(name: string, data: Uint8Array): Promise<void>;
  unlink(name: string): Promise<void>;
  ff_init_demuxer_file(name: string): Promise<[number, LibAVStream[]]>;
  AVFormatContext_duration(ctx: number): Promise<number>;
  av_packet_alloc(): Promise<number>;
  av_packet_free_js(pkt: number): Promise<void>;
  ff_read_frame_multi(ctx: number, pkt: number, opts: { limit: number }): Promise<[number, Record<number, unknown[]>]>;
  ff_init_decoder(codec: number, config: { codecpar: number }): Promise<[number, number, number, number]>;
  /** Throws (without printing) for a packet the decoder refuses when ignoreErrors is false. */
  ff_decode_multi(ctx: number, pkt: number, frame: number, packets: unknown[], config: { fin: boolean; ignoreErrors: boolean }): Promise<LibAVFrame[]>;
  ff_free_decoder(ctx: number, pkt: number, frame: number): Promise<void>;
  avformat_close_input_js(ctx: number): Promise<void>;
}

interface LibAVStream {
  index: number;
  codec_type: number;
  codec_id: number;
  codecpar: number;
  time_base_num: number;
  time_base_den: number;
}

interface LibAVFrame {
  data: Uint8Array;
  layout?: { offset: number; stride: number }[];
  format: number;
  width: number;
  height: number;
  pts?: number;
  ptshi?: number;
}

const AVMEDIA_TYPE_VIDEO = 0;
const AVMEDIA_TYPE_AUDIO = 1;
const AV_PIX_FMT_YUV420P = 0;
/** FFmpeg's codec ids for the video codecs its libvpx decoders take. */
const VIDEO_CODECS: Record<number, string> = { 139: 'VP8', 167: 'VP9' };
/** Bytes of packets read per demuxer call. */
const READ_LIMIT = 64 * 1024;

let libavPromise: Promise<LibAV> | null = null;
let fileCounter = 0;

function loadLibAV(): Promise<LibAV> {
  libavPromise ??= (async () => {
    const m = (await import('@libav.js/variant-webm-vp9')) as unknown as { default?: unknown };
    const mod = (m.default ?? m) as { LibAV(opts: { noworker: boolean }): Promise<LibAV> };
    const libav = await mod.LibAV({ noworker: true });
    await libav.av_log_set_level(libav.AV_LOG_QUIET);
    return libav;
  })();
  libavPromise.catch(() => {
    libavPromise = null;
  });
  return libavPromise;
}

interface Demuxer {
  fmt: number;
  readPkt: number;
  stream: LibAVStream;
  dec: [number, number, number];
  eof: boolean;
  /** Packets read and not yet decoded, and whether the demuxer reached the end. */
  packets: unknown[];
  readEnd: boolean;
  /** Packets the decoder refused (corrupt data), skipped. */
  skipped: number;
}

async function openMatroska(bytes: Uint8Array): Promise<MediaFile> {
  const libav = await loadLibAV();
  const name = `media-${++fileCounter}.webm`;
  await libav.writeFile(name, bytes);
  let closed = false;
  let probe: [number, LibAVStream[]];
  try {
    probe = await libav.ff_init_demuxer_file(name);
  } catch (e) {
    await libav.unlink(name).catch(() => undefined);
    throw new MediaFileError(`WebM: the file cannot be demuxed (${describeError(e)})`);
  }
  const [probeCtx, streams] = probe;
  const durationUs = await libav.AVFormatContext_duration(probeCtx);
  await libav.avformat_close_input_js(probeCtx);
  const videoStream = streams.find((s) => s.codec_type === AVMEDIA_TYPE_VIDEO) ?? null;
  const hasAudio = streams.some((s) => s.codec_type === AVMEDIA_TYPE_AUDIO);
  if (videoStream && VIDEO_CODECS[videoStream.codec_id] === undefined) {
    await libav.unlink(name).catch(() => undefined);
    const tools = ffmpegTools();
    if (typeof tools !== 'string') return openWithFfmpeg(bytes, tools, null);
    throw new MediaFileError(`WebM: the video codec (FFmpeg codec id ${videoStream.codec_id}) is not VP8 or VP9, and there is no ffmpeg to decode it (${tools})`);
  }
  const audio = hasAudio ? await decodeAudio(bytes) : null;
  if (hasAudio && audio === null && !videoStream) {
    await libav.unlink(name).catch(() => undefined);
    throw new MediaFileError('WebM: the audio track cannot be decoded');
  }
  if (!videoStream && !audio) {
    await libav.unlink(name).catch(() => undefined);
    throw new MediaFileError('WebM: the file has neither a video nor an audio track');
  }

  let video: FileVideo | null = null;
  if (videoStream) {
    let demuxer: Demuxer | null = null;
    const queue: VideoFrame[] = [];
    let width = 0;
    let height = 0;
    const tb = videoStream.time_base_num / videoStream.time_base_den;
    const open = async (): Promise<Demuxer> => {
      const [fmt, s] = await libav.ff_init_demuxer_file(name);
      const stream = s.find((x) => x.index === videoStream.index)!;
      const [, c, pkt, frame] = await libav.ff_init_decoder(stream.codec_id, { codecpar: stream.codecpar });
      return { fmt, readPkt: await libav.av_packet_alloc(), stream, dec: [c, pkt, frame], eof: false, packets: [], readEnd: false, skipped: 0 };
    };
    const release = async (d: Demuxer): Promise<void> => {
      await libav.ff_free_decoder(d.dec[0], d.dec[1], d.dec[2]);
      await libav.av_packet_free_js(d.readPkt);
      await libav.avformat_close_input_js(d.fmt);
    };
    const toFrame = (f: LibAVFrame): VideoFrame | null => {
      if (f.format !== AV_PIX_FMT_YUV420P || !f.layout || f.layout.length < 3) return null;
      const pts = (f.ptshi ?? 0) * 0x100000000 + (f.pts ?? 0);
      return createVideoFrame(FrameBuffer.adopt(f.data), {
        format: 'I420',
        codedWidth: f.width,
        codedHeight: f.height,
        planes: f.layout.slice(0, 3).map((l) => ({ offset: l.offset, stride: l.stride })),
        timestamp: Math.round(pts * tb * 1e6),
      });
    };
    /** Reads and decodes until at least one frame is queued or the file ends. */
    /**
     * Reads and decodes until at least one frame is queued or the file ends. Packets are decoded
     * one per call, and the event loop gets a turn after each: a packet the decoder refuses is
     * skipped (libav.js would print it with ignoreErrors), and a long run of large frames does not
     * hold the thread.
     */
    const fill = async (d: Demuxer): Promise<void> => {
      while (queue.length === 0 && !d.eof && !closed) {
        if (d.packets.length === 0 && !d.readEnd) {
          const [res, packets] = await libav.ff_read_frame_multi(d.fmt, d.readPkt, { limit: READ_LIMIT });
          const eof = res === libav.AVERROR_EOF;
          if (res !== 0 && !eof && res !== -libav.EAGAIN) throw new MediaFileError(`WebM: reading failed (libav error ${res})`);
          d.packets.push(...(packets[d.stream.index] ?? []));
          if (eof) d.readEnd = true;
          continue;
        }
        const last = d.packets.length === 0;
        const batch = last ? [] : [d.packets.shift()];
        let frames: LibAVFrame[] = [];
        try {
          frames = await libav.ff_decode_multi(d.dec[0], d.dec[1], d.dec[2], batch, { fin: last, ignoreErrors: false });
        } catch {
          d.skipped++;
        }
        for (const f of frames) {
          const vf = toFrame(f);
          if (vf) queue.push(vf);
        }
        if (last) d.eof = true;
        await new Promise<void>((r) => setImmediate(r));
      }
    };
    demuxer = await open();
    await fill(demuxer);
    const first = queue[0];
    if (!first) {
      await release(demuxer);
      await libav.unlink(name).catch(() => undefined);
      throw new MediaFileError(`WebM: no ${VIDEO_CODECS[videoStream.codec_id]} frame could be decoded`);
    }
    width = first.displayWidth;
    height = first.displayHeight;
    // One decoding operation at a time: calls made while one runs wait for it.
    const serial = oneAtATime();
    video = {
      width,
      height,
      next: () =>
        serial(async () => {
          if (closed || !demuxer) return null;
          await fill(demuxer);
          return queue.shift() ?? null;
        }),
      rewind: () =>
        serial(async () => {
          if (closed) return;
          for (const f of queue.splice(0)) f.close();
          if (demuxer) await release(demuxer);
          demuxer = null;
          demuxer = await open();
        }),
      close() {
        if (closed) return;
        closed = true;
        for (const f of queue.splice(0)) f.close();
        void serial(async () => {
          if (demuxer) await release(demuxer);
          demuxer = null;
          await libav.unlink(name).catch(() => undefined);
        });
      },
    };
  } else {
    await libav.unlink(name).catch(() => undefined);
  }

  const audioSeconds = audio ? audio.audio.channels[0]!.length / audio.audio.sampleRate : 0;
  const known = Number.isFinite(durationUs) && durationUs > 0 && durationUs < 2 ** 53 ? durationUs / 1e6 : null;
  const duration = known !== null ? Math.max(known, audioSeconds) : video ? Infinity : audioSeconds;
  const parts: string[] = [];
  if (videoStream) parts.push(`${VIDEO_CODECS[videoStream.codec_id]} video`);
  if (audio) parts.push(`audio (${audio.format})`);
  return {
    duration,
    video,
    audio: audio?.audio ?? null,
    description: `${parts.join(' and ')} in WebM`,
    close() {
      video?.close();
    },
  };
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
