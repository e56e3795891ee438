/**
 * The native engine: a system ffmpeg child process per recording (spawned without a shell, from
 * an argument array), which encodes and muxes on its own threads while this one makes frames.
 *
 * In: the pictures on stdin as a live Matroska stream of raw I420 (raw-matroska.ts: every picture
 * with its own timestamp, so variable timing survives), the audio as another of interleaved f32
 * on a second pipe (fd 3), contiguous from sample 0 (the session fills gaps with silence), each
 * block stamped with its exact sample position. `-copyts` keeps both on the recording's time line (ffmpeg
 * would otherwise move each input's first timestamp to zero separately and shift one against the
 * other); `passthrough` keeps every picture with its own time. ffmpeg reads each input on a
 * thread of its own into a bounded queue, and takes from whichever has data, so feeding them in
 * time order cannot lock up.
 *
 * The writes are synchronous: a write waits (polling the non-blocking pipe) while ffmpeg's queues
 * are full, so a virtual clock advanced in a loop runs at the encoder's speed, holding at most
 * the queues' worth of frames, just as the WebAssembly engine encodes inside advance().
 *
 * Out: ffmpeg writes the container to a temporary file, a seekable output, so its muxers do what
 * they do in the WebAssembly engine (which is the same FFmpeg code): WebM gets its Duration and
 * Cues at the end. Bytes go to the ByteOutput as they appear in the file (at flush(), i.e. when a
 * slice is cut, and at the end); what ffmpeg rewrote at the end inside bytes already handed out
 * (the header's Duration, SeekHead, sizes) is found by comparing the file's start with the copy
 * kept of it, and written again at its position, so the ByteCollector patches a file written by
 * recordToFile() as it does for the other engine. The file is made in os.tmpdir() and removed
 * from it as soon as both processes have it open; it holds the whole recording meanwhile (disk,
 * not memory), and disappears with the last descriptor even if this process is killed.
 *
 * ffmpeg's stderr goes to a log file beside it (also removed early, read through a descriptor),
 * quoted when ffmpeg fails. The child is killed when the recording is abandoned or fails, and
 * when this process exits; if this process is killed outright, ffmpeg sees its inputs end and
 * exits by itself.
 */
import { clearTimeout, setTimeout } from 'node:timers';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { h264Level } from '../mime-type.js';
import type { I420Picture } from '../i420.js';
import { rawMatroskaBlockHead, rawMatroskaHeader } from './raw-matroska.js';
import type { FFmpegInfo } from './select.js';
import type { ByteOutput, MediaWriter, WriterConfig } from './types.js';

/** The recording's start, where ffmpeg goes back at the end: kept to find what changed. */
const HEAD_COPY_BYTES = 1 << 20;
/** A write that makes no progress for this long means ffmpeg is stuck: the recording fails. */
const STALL_MS = 30_000;
/** How long finish() waits for ffmpeg to drain its encoders and write the trailer. */
const FINISH_TIMEOUT_MS = 120_000;
/** The most of ffmpeg's stderr quoted in an error. */
const STDERR_QUOTE = 2000;
const OPUS_RATE = 48000;
/** Memory ffmpeg's video input queue may hold (it counts pictures; this bounds their bytes). */
const VIDEO_QUEUE_BYTES = 48 << 20;

/** Every ffmpeg child still running, with its directory: killed and removed if this process exits first. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess, dir: string): void {
  running.set(child, dir);
  child.once('exit', () => running.delete(child));
  // A child that never started has no exit to wait for.
  child.once('error', () => {
    if (child.pid === undefined) running.delete(child);
  });
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [c, d] of running) {
      try {
        c.kill('SIGKILL');
        rmSync(d, { recursive: true, force: true });
      } catch {
        // already gone
      }
    }
  });
}

/** The pids of the ffmpeg children of recordings still open (for tests and diagnostics). */
export function runningFFmpegPids(): number[] {
  return [...running.keys()].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The parent's end of one of the child's input pipes, written synchronously. Node made it
 * non-blocking, so a full pipe answers EAGAIN: wait a little and try again.
 */
class SyncPipe {
  readonly #socket: Socket;
  readonly #fd: number;
  readonly #describe: () => string;
  #closed = false;

  constructor(socket: Socket, describe: () => string) {
    this.#socket = socket;
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) throw new Error('cannot reach the pipe to ffmpeg (no file descriptor on this platform)');
    this.#fd = fd;
    this.#describe = describe;
    // Only this class writes; the socket must not keep the process alive.
    socket.unref();
    socket.on('error', () => {});
  }

  write(bytes: Uint8Array): void {
    if (this.#closed) throw new Error('ffmpeg input already closed');
    let offset = 0;
    let waitMs = 0.05;
    let stalledSince = 0;
    while (offset < bytes.length) {
      let n = 0;
      try {
        n = writeSync(this.#fd, bytes, offset, bytes.length - offset);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw new Error(`ffmpeg stopped taking input (${code ?? String(e)})${this.#describe()}`);
      }
      if (n > 0) {
        offset += n;
        waitMs = 0.05;
        stalledSince = 0;
        continue;
      }
      const now = performance.now();
      if (stalledSince === 0) stalledSince = now;
      else if (now - stalledSince > STALL_MS) throw new Error(`ffmpeg took no input for ${STALL_MS / 1000} s${this.#describe()}`);
      Atomics.wait(sleeper, 0, 0, waitMs);
      waitMs = Math.min(2, waitMs * 2);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }
}

/** The key frame rule as an ffmpeg -force_key_frames expression (the session's rule, to the frame). */
function keyFrameExpression(config: NonNullable<WriterConfig['video']>): string {
  if (config.keyFrameIntervalCount != null) return `expr:if(isnan(prev_forced_n),1,gte(n,prev_forced_n+${Math.max(1, config.keyFrameIntervalCount)}))`;
  const seconds = (config.keyFrameIntervalMs ?? 2000) / 1000;
  // A hair under the interval: the frame exactly one interval on is due (floating point).
  return `expr:if(isnan(prev_forced_t),1,gte(t,prev_forced_t+${seconds}-0.0000005))`;
}

function videoArgs(info: FFmpegInfo, config: NonNullable<WriterConfig['video']>): string[] {
  const bitrate = ['-b:v', String(Math.max(1000, config.bitsPerSecond))];
  // Key frames come where the session's rule puts them, none in between.
  const keys = ['-force_key_frames:v', keyFrameExpression(config)];
  switch (config.codec) {
    case 'vp8':
      // The fastest real-time setting, on one thread: libvpx's VP8 threads cost more CPU than
      // they save wall time here (measured at 640x480 and 1280x720 beside this process's frame
      // making: 2.1 vs 3.0 CPU-s, 1.9 vs 2.6 s wall for two minutes of 640x480).
      return ['-c:v', 'libvpx', ...bitrate, '-deadline', 'realtime', '-cpu-used', '16', '-static-thresh', '1000', '-lag-in-frames', '0', '-auto-alt-ref', '0',
        '-threads', '1', '-g', String(1 << 30), ...keys];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', ...bitrate, '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-lag-in-frames', '0', '-g', String(1 << 30), ...keys];
    case 'h264': {
      const level = h264Level(config);
      return ['-c:v', 'libx264', ...bitrate, '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', `${Math.floor(level / 10)}.${level % 10}`,
        '-forced-idr', '1', '-g', String(1 << 30), ...keys];
    }
    case 'av1':
      if (info.av1Encoder === 'libaom-av1') return ['-c:v', 'libaom-av1', ...bitrate, '-usage', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-lag-in-frames', '0', '-g', '100000', ...keys];
      // SVT-AV1 (through ffmpeg before 6.0) ignores forced key frames: its own interval, in
      // frames at the nominal rate, stands in for the session's rule.
      return ['-c:v', 'libsvtav1', ...bitrate, '-preset', '12', '-svtav1-params', 'lookahead=0', '-g', String(svtKeyInterval(config))];
  }
}

function svtKeyInterval(config: NonNullable<WriterConfig['video']>): number {
  if (config.keyFrameIntervalCount != null) return Math.max(1, config.keyFrameIntervalCount);
  return Math.max(1, Math.round(((config.keyFrameIntervalMs ?? 2000) / 1000) * config.frameRate));
}

function audioArgs(config: NonNullable<WriterConfig['audio']>): string[] {
  const bitrate = ['-b:a', String(config.bitsPerSecond)];
  if (config.codec === 'aac') return ['-c:a', 'aac', ...bitrate];
  if (config.codec === 'opus') return ['-c:a', 'libopus', ...bitrate, '-vbr', config.bitrateMode === 'constant' ? 'off' : 'on', '-application', 'audio'];
  throw new TypeError(`the ffmpeg engine does not record ${config.codec} audio`);
}

/**
 * How long (ms) ffmpeg's clusters / pages / fragments may run: ffmpeg writes one out only when it
 * is complete, and flush() cannot make it end one, so they must be shorter than a slice for
 * every slice to carry media (at most a second, as browsers' clusters).
 */
function unitMs(config: WriterConfig): number {
  const slice = config.timesliceMs;
  return slice == null ? 1000 : Math.max(100, Math.min(1000, Math.round(slice / 2)));
}

function containerArgs(config: WriterConfig): string[] {
  const unit = unitMs(config);
  switch (config.container) {
    case 'webm': return ['-f', 'webm', '-cluster_time_limit', String(unit)];
    case 'ogg': return ['-f', 'ogg', '-page_duration', String(unit * 1000)];
    // Fragmented as browsers write it: an empty moov, then moof + mdat fragments (at each key
    // frame, and at least every `unit`), each fragment addressing its own start.
    case 'mp4': return ['-f', 'mp4', '-movflags', `${config.video ? 'frag_keyframe+' : ''}empty_moov+default_base_moof`, '-frag_duration', String(unit * 1000)];
    case 'wav': throw new TypeError('the WAV writer records audio/wav, not ffmpeg');
  }
}

/** The ffmpeg command line for `config`, writing to `outPath`. Exported for tests. */
export function ffmpegArguments(info: FFmpegInfo, config: WriterConfig, channels: number, outPath: string): string[] {
  const { video, audio } = config;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-copyts'];
  // Opening an input must not wait for its media: while ffmpeg reads one input to probe it, it
  // reads no other, and this process may be waiting to write to that other. The inputs say what
  // they are (the Matroska header ends with an empty cluster; raw audio is described here), so
  // nothing is probed. (Before 5.1 there is no switch for it: probe as little as allowed.)
  if (info.version >= 501) args.push('-nofind_stream_info');
  const probe = ['-probesize', '32', '-analyzeduration', '0'];
  let input = 0;
  const maps: string[] = [];
  if (video) {
    const frameBytes = video.width * video.height * 1.5;
    const queue = Math.max(4, Math.min(64, Math.floor(VIDEO_QUEUE_BYTES / frameBytes)));
    args.push('-thread_queue_size', String(queue), ...probe, '-f', 'matroska', '-i', 'pipe:0');
    maps.push('-map', `${input++}:v:0`);
  }
  if (audio) {
    args.push('-thread_queue_size', '1024', ...probe, '-f', 'matroska', '-i', video ? 'pipe:3' : 'pipe:0');
    maps.push('-map', `${input++}:a:0`);
  }
  args.push(...maps);
  if (video) {
    args.push(...videoArgs(info, video), '-pix_fmt', 'yuv420p', info.version >= 501 ? '-fps_mode:v' : '-vsync', 'passthrough', '-enc_time_base:v', '1:1000000');
  }
  if (audio) args.push(...audioArgs(audio));
  args.push(...containerArgs(config), '-flush_packets', '1', outPath);
  return args;
}

export async function createFFmpegWriter(config: WriterConfig, output: ByteOutput, info: FFmpegInfo): Promise<MediaWriter> {
  const { container, video, audio } = config;
  if (!video && !audio) throw new TypeError('a recording needs at least one track');
  if (container === 'ogg' && (video || !audio)) throw new TypeError('audio/ogg holds one audio track and no video');
  const channels = audio ? Math.max(1, Math.min(2, audio.channelCount)) : 0;
  const dir = mkdtempSync(join(tmpdir(), 'mediacapture-rec-'));
  const outPath = join(dir, `recording.${container}`);
  let logFd = -1;
  let outFd = -1;
  let child: ChildProcess | null = null;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  let videoPipe: SyncPipe | null = null;
  let audioPipe: SyncPipe | null = null;
  let cleaned = false;

  /** The end of ffmpeg's stderr, read through this process's own descriptor of the log. */
  const stderrText = (): string => {
    if (logFd < 0) return '';
    try {
      const size = fstatSync(logFd).size;
      const n = Math.min(size, STDERR_QUOTE);
      const buf = Buffer.alloc(n);
      readSync(logFd, buf, 0, n, size - n);
      return buf.toString('utf8').trim();
    } catch {
      return '';
    }
  };
  const describe = () => {
    const err = stderrText();
    const how = exit ? ` (ffmpeg exited with ${exit.code ?? exit.signal})` : '';
    return `${how}${err ? `: ${err}` : ''}`;
  };
  const cleanUp = () => {
    if (cleaned) return;
    cleaned = true;
    videoPipe?.close();
    audioPipe?.close();
    if (child && exit === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const fd of [outFd, logFd]) if (fd >= 0) closeSync(fd);
    outFd = logFd = -1;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // One descriptor, shared with the child as its stderr and read here by position.
    logFd = openSync(join(dir, 'stderr.log'), 'w+');
    const args = ffmpegArguments(info, config, channels, outPath);
    // stdin: video (or the audio alone); stdout: unused; stderr: the log; fd 3: audio.
    child = spawn(info.path, args, { stdio: ['pipe', 'ignore', logFd, ...(video && audio ? ['pipe' as const] : [])], windowsHide: true, env: { ...process.env, SVT_LOG: process.env['SVT_LOG'] ?? '1' } });
    const c = child;
    killOnExit(c, dir);
    c.unref();
    c.on('exit', (code, signal) => (exit = { code, signal }));
    // A failed kill() or a late spawn error must not become an uncaught 'error'.
    c.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      c.once('spawn', resolve);
      c.once('error', (e) => {
        spawnError = e;
        reject(new Error(`cannot run ${info.path}: ${e.message}`));
      });
    });
    const pipes = c.stdio as unknown as Array<Socket | null>;
    if (video) videoPipe = new SyncPipe(pipes[0]!, describe);
    if (audio) audioPipe = new SyncPipe(pipes[video ? 3 : 0]!, describe);
    // Both headers now: ffmpeg opens its inputs from them alone (see raw-matroska.ts).
    if (video) videoPipe!.write(rawMatroskaHeader({ kind: 'video', width: video.width, height: video.height, frameRate: video.frameRate }));
    if (audio) audioPipe!.write(rawMatroskaHeader({ kind: 'audio', sampleRate: OPUS_RATE, channels }));
  } catch (e) {
    cleanUp();
    throw e;
  }

  /** Bytes of the file handed to the output so far, and a copy of the first of them. */
  let delivered = 0;
  const head = new Uint8Array(HEAD_COPY_BYTES);
  let open = true;
  let interleaved = new Float32Array(0);
  let audioPosition = 0;
  let videoFrames = 0;

  /**
   * Opens the file once ffmpeg has created it, and then removes it and the directory from the
   * file system: ffmpeg and this process go on through their descriptors, and nothing is left
   * behind even if this process is killed (ffmpeg then sees its inputs end, finishes, and the
   * file goes with its last descriptor).
   */
  const openOutput = (): boolean => {
    if (outFd >= 0) return true;
    try {
      outFd = openSync(outPath, 'r');
    } catch {
      return false;
    }
    try {
      unlinkSync(outPath);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // removed at the end instead
    }
    return true;
  };

  /** Hands over what ffmpeg appended to the file since the last call. */
  const pull = () => {
    if (!openOutput()) return;
    const size = fstatSync(outFd).size;
    while (delivered < size) {
      const n = Math.min(size - delivered, 4 << 20);
      const buf = new Uint8Array(n);
      const got = readSync(outFd, buf, 0, n, delivered);
      if (got <= 0) break;
      const bytes = buf.subarray(0, got);
      if (delivered < HEAD_COPY_BYTES) head.set(bytes.subarray(0, HEAD_COPY_BYTES - delivered), delivered);
      output.write(delivered, bytes);
      delivered += got;
    }
  };

  /** After the trailer: what ffmpeg rewrote in the start of the file, written again in place. */
  const patchHead = () => {
    const n = Math.min(delivered, HEAD_COPY_BYTES);
    if (n === 0 || outFd < 0) return;
    const now = new Uint8Array(n);
    readSync(outFd, now, 0, n, 0);
    let i = 0;
    while (i < n) {
      if (now[i] === head[i]) {
        i++;
        continue;
      }
      let j = i + 1;
      // Runs closer than 16 bytes are written as one.
      for (let same = 0; j < n && same < 16; j++) same = now[j] === head[j] ? same + 1 : 0;
      output.write(i, now.slice(i, j));
      i = j;
    }
  };

  const fail = (e: unknown): never => {
    open = false;
    cleanUp();
    throw e instanceof Error ? e : new Error(String(e));
  };

  return {
    audioFormat: audio ? { sampleRate: OPUS_RATE, channelCount: channels, frameSize: 0 } : null,
    writeVideo(picture: I420Picture, timestampUs: number) {
      if (!open || !videoPipe) return;
      openOutput();
      try {
        videoPipe.write(rawMatroskaBlockHead(Math.round(timestampUs), picture.data.byteLength));
        videoPipe.write(picture.data);
      } catch (e) {
        fail(e);
      }
      videoFrames++;
    },
    writeAudio(planes: readonly Float32Array[], frames: number, position: number) {
      if (!open || !audioPipe || frames === 0) return;
      openOutput();
      // The session hands over contiguous audio: the sample count is the timestamp.
      if (position !== audioPosition) fail(new RangeError(`ffmpeg writer: audio at sample ${position}, expected ${audioPosition}`));
      const n = frames * channels;
      if (interleaved.length < n) interleaved = new Float32Array(n);
      for (let c = 0; c < channels; c++) {
        const p = planes[c]!;
        for (let i = 0; i < frames; i++) interleaved[i * channels + c] = p[i]!;
      }
      try {
        // Microseconds round-trip to the exact sample (a sample is 20.8 µs).
        audioPipe.write(rawMatroskaBlockHead(Math.round((position * 1e6) / OPUS_RATE), n * 4));
        audioPipe.write(new Uint8Array(interleaved.buffer, 0, n * 4));
      } catch (e) {
        fail(e);
      }
      audioPosition += frames;
    },
    flush() {
      if (!open) return;
      pull();
    },
    async finish() {
      if (!open) return;
      try {
        // ffmpeg cannot set up a stream that never got a frame (stop right after start): give
        // it the least there can be, one black picture / one Opus frame of silence at 0.
        if (video && videoFrames === 0) {
          const black = new Uint8Array(video.width * video.height + 2 * ((video.width + 1) >> 1) * ((video.height + 1) >> 1));
          black.fill(16, 0, video.width * video.height).fill(128, video.width * video.height);
          videoPipe!.write(rawMatroskaBlockHead(0, black.length));
          videoPipe!.write(black);
        }
        if (audio && audioPosition === 0) {
          const silence = new Uint8Array(960 * channels * 4);
          audioPipe!.write(rawMatroskaBlockHead(0, silence.length));
          audioPipe!.write(silence);
        }
      } catch (e) {
        fail(e);
      }
      open = false;
      try {
        videoPipe?.close();
        audioPipe?.close();
        const c = child!;
        // Until ffmpeg has written the trailer, it holds the process open.
        c.ref();
        if (exit === null && !spawnError) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              c.kill('SIGKILL');
              resolve();
            }, FINISH_TIMEOUT_MS);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        const done = exit as { code: number | null; signal: NodeJS.Signals | null } | null;
        if (!done || done.code !== 0) throw new Error(`ffmpeg could not finish the ${container} file${describe()}`);
        pull();
        patchHead();
      } finally {
        cleanUp();
      }
    },
    dispose() {
      open = false;
      cleanUp();
    },
  };
}
