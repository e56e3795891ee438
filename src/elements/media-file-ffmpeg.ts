/**
 * Media files the built-in decoders do not read (MP4 / MOV with H.264, HEVC or AV1, Ogg Theora,
 * AVI, MPEG-TS, WebM with AV1, AAC without its optional decoder...), decoded by the system's
 * ffmpeg when there is one (the one the recorder uses: MEDIACAPTURE_FFMPEG or `ffmpeg` on PATH;
 * ffprobe is looked up beside it).
 *
 * The bytes are written to a private temporary file (MP4 and MOV need to seek). ffprobe reports
 * the streams and duration; video is read from one ffmpeg child as raw I420 at the stream's
 * average frame rate (variable-rate video is made constant), a few frames ahead of playback, the
 * child paused by backpressure in between; audio is decoded whole by another child to 48 kHz
 * float. close() kills the children and removes the file.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FrameBuffer } from '../media/frame-buffer.js';
import { createVideoFrame, type VideoFrame } from '../media/video-frame.js';
import { ffmpegInfo } from '../recording/engine/select.js';
import { MediaFileError, oneAtATime, type FileAudio, type FileVideo, type MediaFile } from './media-file.js';

const AUDIO_RATE = 48000;
/** Decoded frames held ahead before the child is paused. */
const AHEAD_FRAMES = 4;
const PROBE_TIMEOUT_MS = 15_000;

/** Temporary directories of files still open: removed at exit too, if the script never unloads them. */
const openDirs = new Set<string>();
let exitHook = false;
function track(dir: string): void {
  openDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of openDirs) rmSync(d, { recursive: true, force: true });
  });
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
}

/** The ffmpeg binary and its ffprobe, or a string saying why there is none. */
export function ffmpegTools(): { ffmpeg: string; ffprobe: string } | string {
  const info = ffmpegInfo();
  if (typeof info === 'string') return info;
  const path = info.path;
  const ffprobe = path.includes('/') ? join(dirname(path), basename(path).replace(/ffmpeg/, 'ffprobe')) : path.replace(/ffmpeg/, 'ffprobe');
  return { ffmpeg: path, ffprobe };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new MediaFileError(`${basename(command)} failed: ${(stderr || err.message).trim().split('\n').slice(-1)[0]}`));
      else resolve(stdout);
    });
  });
}

function rate(text: string | undefined): number | null {
  if (!text) return null;
  const [n, d] = text.split('/').map(Number);
  const r = d ? n! / d : n!;
  return Number.isFinite(r) && r > 0 && r < 1000 ? r : null;
}

/**
 * Opens `bytes` with ffmpeg. `audio` is the audio when the built-in decoders already have it
 * (then ffmpeg decodes only the video). Throws MediaFileError when ffmpeg cannot read it.
 */
export async function openWithFfmpeg(bytes: Uint8Array, tools: { ffmpeg: string; ffprobe: string }, audio: FileAudio | null): Promise<MediaFile> {
  const dir = await mkdtemp(join(tmpdir(), 'mediacapture-play-'));
  track(dir);
  const file = join(dir, 'media');
  const children = new Set<ChildProcess>();
  let closed = false;
  let video: FileVideo | null = null;
  const cleanup = (): void => {
    closed = true;
    video?.close();
    for (const c of children) c.kill('SIGKILL');
    children.clear();
    void rm(dir, { recursive: true, force: true }).then(() => openDirs.delete(dir));
  };
  try {
    await writeFile(file, bytes);
    const probed = JSON.parse(await run(tools.ffprobe, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file])) as {
      streams?: ProbeStream[];
      format?: { duration?: string; format_name?: string };
    };
    const streams = probed.streams ?? [];
    const v = streams.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0 && (s.height ?? 0) > 0) ?? null;
    const a = streams.find((s) => s.codec_type === 'audio') ?? null;
    if (!v && !a) throw new MediaFileError(`ffmpeg finds no audio or video stream in it (${probed.format?.format_name ?? 'unknown format'})`);
    let fileAudio = audio;
    if (!fileAudio && a) fileAudio = await decodeAudio(tools.ffmpeg, file, a.channels ?? 2, children);
    const fps = v ? (rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) ?? 30) : 0;
    video = v ? videoReader(tools.ffmpeg, file, v.width!, v.height!, fps, children, () => closed) : null;
    const stated = Number(probed.format?.duration);
    const audioSeconds = fileAudio ? fileAudio.channels[0]!.length / fileAudio.sampleRate : 0;
    const duration = Number.isFinite(stated) && stated > 0 ? Math.max(stated, audioSeconds) : video ? Infinity : audioSeconds;
    const parts = [v ? `${v.codec_name ?? 'unknown'} video` : null, a ? `${a.codec_name ?? 'unknown'} audio` : null].filter(Boolean);
    return {
      duration,
      video,
      audio: fileAudio,
      description: `${parts.join(' and ')} in ${probed.format?.format_name ?? 'a container'} (through ffmpeg)`,
      close: cleanup,
    };
  } catch (e) {
    cleanup();
    throw e instanceof MediaFileError ? e : new MediaFileError((e as Error).message);
  }
}

function decodeAudio(ffmpeg: string, file: string, channels: number, children: Set<ChildProcess>): Promise<FileAudio | null> {
  const n = Math.max(1, Math.min(8, channels));
  return new Promise((resolve) => {
    const child = spawn(ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-ac', String(n), '-ar', String(AUDIO_RATE), 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.add(child);
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      children.delete(child);
      const all = Buffer.concat(chunks);
      const frames = Math.floor(all.length / (4 * n));
      if (code !== 0 && frames === 0) return resolve(null);
      const out = Array.from({ length: n }, () => new Float32Array(frames));
      const view = new Float32Array(all.buffer, all.byteOffset, Math.floor(all.byteLength / 4));
      for (let i = 0; i < frames; i++) for (let c = 0; c < n; c++) out[c]![i] = view[i * n + c]!;
      resolve(frames > 0 ? { sampleRate: AUDIO_RATE, channels: out } : null);
    });
  });
}

function videoReader(ffmpeg: string, file: string, width: number, height: number, fps: number, children: Set<ChildProcess>, isClosed: () => boolean): FileVideo {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const frameBytes = width * height + 2 * cw * ch;
  const periodUs = 1e6 / fps;
  let child: ChildProcess | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ended = false;
  let index = 0;
  let wake: (() => void) | null = null;

  const stop = (): void => {
    if (child) {
      child.stdout!.removeAllListeners();
      child.kill('SIGKILL');
      children.delete(child);
      child = null;
    }
    // A next() waiting for bytes of the stopped child looks again (and sees closed, or the new one).
    wake?.();
  };
  // One operation at a time: a rewind must not start while a next() reads the previous child.
  const serial = oneAtATime();
  const begin = (): void => {
    stop();
    pending = [];
    pendingBytes = 0;
    ended = false;
    index = 0;
    const c = spawn(ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-r', String(fps), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = c;
    children.add(c);
    c.stdout!.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= frameBytes * AHEAD_FRAMES) c.stdout!.pause();
      wake?.();
    });
    c.stdout!.on('end', () => {
      ended = true;
      wake?.();
    });
    c.on('error', () => {
      ended = true;
      wake?.();
    });
    c.on('close', () => children.delete(c));
  };
  const takeFrame = (): Uint8Array => {
    const out = new Uint8Array(frameBytes);
    let at = 0;
    while (at < frameBytes) {
      const head = pending[0]!;
      const n = Math.min(head.length, frameBytes - at);
      out.set(head.subarray(0, n), at);
      at += n;
      if (n === head.length) pending.shift();
      else pending[0] = head.subarray(n);
    }
    pendingBytes -= frameBytes;
    if (pendingBytes < frameBytes * AHEAD_FRAMES) child?.stdout!.resume();
    return out;
  };
  begin();
  return {
    width,
    height,
    next: () => serial(async () => {
      for (;;) {
        if (isClosed()) return null;
        if (pendingBytes >= frameBytes) break;
        if (ended) return null;
        child?.stdout!.resume();
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
      const i = index++;
      const timestamp = Math.round(i * periodUs);
      return createVideoFrame(FrameBuffer.adopt(takeFrame()), {
        format: 'I420',
        codedWidth: width,
        codedHeight: height,
        timestamp,
        duration: Math.round((i + 1) * periodUs) - timestamp,
      }) as VideoFrame;
    }),
    rewind: () =>
      serial(async () => {
        if (!isClosed()) begin();
      }),
    close() {
      stop();
    },
  };
}
