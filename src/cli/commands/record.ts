/**
 * `mediacapture record`: captures the chosen devices for a while and writes WebM (VP8/VP9/AV1 +
 * Opus), MP4 (H.264/AV1 + AAC), Ogg Opus or WAV through MediaRecorder and recordToFile() (or to
 * stdout with `--out -`), or raw frames (Y4M, PNG stills) through a MediaStreamTrackProcessor.
 * Meters on the tracks feed the progress line and the summary (audio peak level, video frame
 * rate).
 */
import { basename, extname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MediaRecorder, recordToFile, VirtualClock, type MediaStream, type MediaStreamTrack, type RecordingFile } from '../../index.js';
import { formatOptions, type OptionSpec, type ParsedOptions } from '../args.js';
import { UsageError } from '../errors.js';
import { CONSTRAINT_OPTIONS, DEVICE_OPTIONS, buildConstraints, capture, openMedia, requestedKinds, stopStream, type Media } from '../media.js';
import { PngSink, Y4mSink } from '../frames.js';
import { AudioMeter, FrameTap, VideoMeter, formatDbfs, type AudioFrame, type VideoFrameLike } from '../taps.js';
import { ensureDirectory, namesDirectory, outputPath } from '../paths.js';
import type { Output } from '../output.js';

export type Format = 'webm' | 'mp4' | 'ogg' | 'wav' | 'y4m' | 'png';
const FORMATS: readonly Format[] = ['webm', 'mp4', 'ogg', 'wav', 'y4m', 'png'];
const EXTENSIONS: Record<string, Format> = { '.webm': 'webm', '.mp4': 'mp4', '.m4a': 'mp4', '.ogg': 'ogg', '.opus': 'ogg', '.wav': 'wav', '.y4m': 'y4m' };
/** What each format can hold. */
const HOLDS: Record<Format, { audio: boolean; video: boolean }> = {
  webm: { audio: true, video: true },
  mp4: { audio: true, video: true },
  ogg: { audio: true, video: false },
  wav: { audio: true, video: false },
  y4m: { audio: false, video: true },
  png: { audio: false, video: true },
};

/** The video codecs of --codec, per format, the default first, with their MIME names. */
const CODECS: Partial<Record<Format, Record<string, string>>> = {
  webm: { vp8: 'vp8', vp9: 'vp9', av1: 'av1' },
  mp4: { h264: 'avc1', av1: 'av01' },
};
/** `--out -`: the recording's bytes go to stdout. */
const STDOUT = '-';

/** Media per MediaRecorder slice written to the file. */
const TIMESLICE_MS = 1000;
/** How far a virtual-clock recording advances between waits for its writers. */
const VIRTUAL_STEP_MS = 100;

export const OPTIONS: readonly OptionSpec[] = [
  ...CONSTRAINT_OPTIONS,
  { name: 'duration', type: 'number', value: '<s>', help: 'how long to record, in seconds (default: until Ctrl-C)' },
  { name: 'out', type: 'string', value: '<file|dir|->', help: 'the file, or a directory for recording-<time>.<ext> (default: .);\nfor --format png, the directory the frames go to; - writes the\nwebm, mp4, ogg or wav bytes to stdout (the summary goes to stderr)' },
  { name: 'format', type: 'string', value: '<fmt>', help: 'webm, mp4, ogg (Opus), wav, y4m (raw I420) or png (one file per\nframe); default: from the --out extension, else webm' },
  { name: 'codec', type: 'string', value: '<codec>', help: 'the video codec: webm vp8 (default), vp9 or av1; mp4 h264 (default)\nor av1 (mp4 and av1 need the ffmpeg recording engine)' },
  { name: 'virtual-clock', type: 'flag', help: 'run the devices on a virtual clock: as fast as encoding goes\n(synthetic and file devices; needs --duration)' },
  { name: 'json', type: 'flag', help: 'print the summary as JSON' },
  ...DEVICE_OPTIONS,
  { name: 'help', type: 'flag', short: 'h', help: 'print this help' },
];

export const HELP = `Usage: mediacapture record [--audio [device]] [--video [device]] [constraints] --duration <s> --out <file|dir> [options]

Captures with getUserMedia() and writes:
  webm   VP8, VP9 or AV1 video and Opus audio (MediaRecorder)
  mp4    H.264 or AV1 video and AAC audio, fragmented (MediaRecorder, ffmpeg engine)
  ogg    Opus audio (MediaRecorder)
  wav    PCM audio (MediaRecorder)
  y4m    raw I420 video frames (MediaStreamTrackProcessor), one YUV4MPEG2 file
  png    one PNG still per video frame, <out>/frame-000001.png, ...
Without --audio or --video, records what the format holds (both for webm). On a terminal a
progress line shows the time, the audio peak level (dBFS) and the video frame rate; the summary
follows on stdout (on stderr with --out -, where stdout carries the recording alone: a stream,
so a WebM has no duration in its header and a WAV no sizes).

Options:
${formatOptions(OPTIONS)}

Examples:
  mediacapture record --audio --video --duration 10 --out clip.webm
  mediacapture record --video "Synthetic Camera" --width 1280 --height 720 --fps 30 --format y4m --duration 2 --out raw/
  mediacapture record --audio --duration 3600 --virtual-clock --out hour.ogg
  mediacapture record --audio --video --duration 5 --out - | ffplay -`;

interface Plan {
  format: Format;
  kinds: Array<'audio' | 'video'>;
  mimeType: string | null;
}

async function plan(options: ParsedOptions): Promise<Plan> {
  const out = options.get('out') as string | undefined;
  const toStdout = out === STDOUT;
  let format = options.get('format') as string | undefined;
  if (format !== undefined && !FORMATS.includes(format as Format)) throw new UsageError(`--format ${JSON.stringify(format)} is not one of ${FORMATS.join(', ')}`);
  const fromExtension = out !== undefined && !toStdout && !(await namesDirectory(out)) ? extname(out).toLowerCase() : '';
  if (fromExtension === '.png') throw new UsageError('PNG frames go into a directory: --format png --out <dir>');
  const implied = EXTENSIONS[fromExtension];
  if (format === undefined) format = implied ?? 'webm';
  else if (implied && implied !== format) throw new UsageError(`--out ${JSON.stringify(out)} is a .${implied} name but --format is ${format}`);
  const f = format as Format;
  if (toStdout && (f === 'y4m' || f === 'png')) throw new UsageError(`--out - writes webm, mp4, ogg or wav, not ${f}`);
  let kinds = requestedKinds(options);
  if (kinds.length === 0) kinds = (['audio', 'video'] as const).filter((k) => HOLDS[f][k]);
  for (const k of kinds) if (!HOLDS[f][k]) throw new UsageError(`${f.toUpperCase()} holds ${HOLDS[f].audio ? 'audio' : 'video'} only; drop --${k} or choose another --format`);
  const codec = options.get('codec') as string | undefined;
  const codecs = CODECS[f];
  if (codec !== undefined) {
    if (!codecs || !kinds.includes('video')) throw new UsageError('--codec is for WebM or MP4 video');
    if (!(codec in codecs)) throw new UsageError(`--codec ${JSON.stringify(codec)} is not one of ${Object.keys(codecs).join(', ')} for ${f}`);
  }
  let mimeType: string | null = null;
  if (codecs) {
    const video = codecs[codec ?? Object.keys(codecs)[0]!]!;
    const audio = f === 'mp4' ? 'mp4a' : 'opus';
    mimeType = kinds.includes('video') ? `video/${f};codecs=${kinds.includes('audio') ? `${video},${audio}` : video}` : `audio/${f};codecs=${audio}`;
  } else if (f === 'ogg') mimeType = 'audio/ogg;codecs=opus';
  else if (f === 'wav') mimeType = 'audio/wav';
  if (mimeType !== null && !MediaRecorder.isTypeSupported(mimeType)) {
    throw new UsageError(`${mimeType} cannot be recorded here: ${f === 'mp4' || codec === 'av1' ? 'it needs the ffmpeg recording engine (an ffmpeg with the encoder on PATH)' : 'the recording engine lacks its encoder'}`);
  }
  return { format: f, kinds, mimeType };
}

function clockTime(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

export interface RecordSummary {
  format: Format;
  mimeType: string | null;
  /** The file written (webm, ogg, wav, y4m), or the frames' directory (png). */
  file: string;
  /** png: the frame files. */
  files?: string[];
  bytes?: number;
  /** Seconds of capture (media time). */
  duration: number;
  stoppedBy: 'duration' | 'interrupt' | 'ended';
  audio?: { label: string; sampleRate: number; channelCount: number; seconds: number; peakDbfs: number | null; rmsDbfs: number | null };
  video?: { label: string; width: number; height: number; frameRate: number; frames: number; averageFps: number; dropped: number };
}

export async function run(options: ParsedOptions, out: Output): Promise<number> {
  const virtual = options.get('virtual-clock') === true;
  const duration = options.get('duration') as number | undefined;
  if (duration !== undefined && !(duration > 0)) throw new UsageError('--duration must be a positive number of seconds');
  if (virtual && duration === undefined) throw new UsageError('--virtual-clock needs --duration (a virtual clock never reaches Ctrl-C)');
  const p = await plan(options);
  const media = openMedia(options, virtual);
  const constraints = await buildConstraints(media.mediaDevices, options, p.kinds);
  // The output is checked before the devices start.
  let target: string;
  if (p.format === 'png') {
    target = (options.get('out') as string | undefined) ?? '.';
    await ensureDirectory(target);
  } else if (options.get('out') === STDOUT) target = STDOUT;
  else target = await outputPath(options.get('out') as string | undefined, 'recording', p.format);

  const stream = await capture(media.mediaDevices, constraints);
  try {
    return await recordStream(stream, media, p, target, duration, options, out);
  } finally {
    stopStream(stream);
  }
}

async function recordStream(stream: MediaStream, media: Media, p: Plan, target: string, duration: number | undefined, options: ParsedOptions, out: Output): Promise<number> {
  const audioTrack = stream.getAudioTracks()[0] ?? null;
  const videoTrack = stream.getVideoTracks()[0] ?? null;
  const audioMeter = audioTrack ? new AudioMeter() : null;
  const videoMeter = videoTrack ? new VideoMeter() : null;
  const videoSettings = videoTrack?.getSettings();
  const y4m = p.format === 'y4m' ? new Y4mSink(target, videoSettings?.frameRate ?? 30) : null;
  const png = p.format === 'png' ? new PngSink(target) : null;
  const buffer = (kind: 'audio' | 'video') => (media.virtual ? 1000 : kind === 'audio' ? 500 : 90);
  const taps: Array<FrameTap<AudioFrame> | FrameTap<VideoFrameLike>> = [];
  let failure: unknown = null;
  let stopRequested: RecordSummary['stoppedBy'] | null = null;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const requestStop = (why: RecordSummary['stoppedBy']) => {
    stopRequested ??= why;
    wake();
  };
  const fail = (e: unknown) => {
    failure ??= e;
    requestStop('ended');
  };

  const tracks = stream.getTracks() as MediaStreamTrack[];
  const onEnded = () => {
    if (tracks.every((t) => t.readyState === 'ended')) requestStop('ended');
  };
  for (const t of tracks) t.addEventListener('ended', onEnded);

  const clock = media.clock;
  let t0 = clock.now();
  let recorder: MediaRecorder | null = null;
  let file: Promise<RecordingFile> | null = null;
  // The meters and frame writers see the media from the recording's start on (the recorder's
  // first encoding, of what came while it loaded, holds the event loop up: the queues cover it).
  if (audioTrack && audioMeter) taps.push(new FrameTap<AudioFrame>(audioTrack, [audioMeter.handle], buffer('audio')));
  if (videoTrack && videoMeter) {
    const handlers = [videoMeter.handle, ...(y4m ? [y4m.handle] : []), ...(png ? [png.handle] : [])];
    taps.push(new FrameTap<VideoFrameLike>(videoTrack, handlers, buffer('video')));
  }
  for (const tap of taps) tap.done.catch(fail);
  // --out -: the slices go to stdout in order, each write waited for (the reader sets the pace).
  let piped: Promise<void> = Promise.resolve();
  let pipedBytes = 0;
  if (p.mimeType) {
    recorder = new MediaRecorder(stream, { mimeType: p.mimeType });
    if (target === STDOUT) {
      let type = '';
      recorder.addEventListener('dataavailable', (e) => {
        const blob = (e as Event & { data: Blob }).data;
        type ||= blob.type;
        piped = piped.then(async () => {
          if (failure) return;
          const bytes = new Uint8Array(await blob.arrayBuffer());
          pipedBytes += bytes.length;
          await out.data(bytes);
        }).catch(fail);
      });
      const stoppedRecorder = recorder;
      file = new Promise<RecordingFile>((resolve) => stoppedRecorder.addEventListener('stop', () => resolve(piped.then(() => ({ path: STDOUT, size: pipedBytes, type }))), { once: true }));
    } else file = recordToFile(recorder, target);
    file.catch(fail);
    recorder.addEventListener('error', (e) => fail((e as Event & { error?: unknown }).error ?? new Error('the recorder failed')));
    const started = new Promise<void>((resolve) => {
      recorder!.addEventListener('start', () => resolve(), { once: true });
      recorder!.addEventListener('error', () => resolve(), { once: true });
    });
    // Recording starts here; `start` fires once the encoders are loaded, and the media of the
    // meantime is in the file too, so the recording's time runs from here.
    recorder.start(TIMESLICE_MS);
    await started;
    if (failure) throw failure;
  }

  const onInterrupt = () => requestStop('interrupt');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const durationMs = duration === undefined ? Infinity : duration * 1000;
  const what = p.format === 'png' ? `${basename(target)}/frame-*.png` : target === STDOUT ? 'stdout' : basename(target);
  const showProgress = () => {
    const parts = [`recording ${clockTime(clock.now() - t0)}${Number.isFinite(durationMs) ? ` / ${clockTime(durationMs)}` : ''}`];
    if (audioMeter) parts.push(`audio ${formatDbfs(audioMeter.currentDbfs)}`);
    if (videoMeter) parts.push(`video ${videoMeter.currentFps.toFixed(1)} fps`);
    parts.push(`-> ${what}${media.virtual ? ' (virtual clock)' : ''}${Number.isFinite(durationMs) ? '' : '  Ctrl-C stops'}`);
    out.progress(parts.join('  '));
  };
  const ticker = out.interactive ? setInterval(showProgress, 200) : null;
  let timer: { cancel(): void } | null = null;
  let endedAt = t0;
  try {
    if (clock instanceof VirtualClock) {
      // Advance in steps, waiting for the taps to handle what each step produced; the recorder
      // encodes inside advance() and its slices reach the file in the turns in between.
      while (stopRequested === null && clock.now() - t0 < durationMs) {
        clock.advance(Math.min(VIRTUAL_STEP_MS, t0 + durationMs - clock.now()));
        await Promise.all(taps.map((t) => t.idle()));
        await piped;
        await nextTurn();
      }
      requestStop('duration');
    } else {
      if (Number.isFinite(durationMs)) timer = clock.schedule(t0 + durationMs, () => requestStop('duration'));
      await stopped;
    }
    endedAt = clock.now();
    if (recorder && recorder.state !== 'inactive') recorder.stop();
    const written = file ? await file.catch((e: unknown) => { fail(e); return null; }) : null;
    stopStream(stream);
    await Promise.all(taps.map((t) => t.done.catch(() => {})));
    await y4m?.close();
    out.clearProgress();
    if (failure) throw failure;

    const summary: RecordSummary = {
      format: p.format,
      mimeType: written?.type ?? p.mimeType,
      file: target,
      duration: Math.round(endedAt - t0) / 1000,
      stoppedBy: stopRequested ?? 'duration',
    };
    if (written) summary.bytes = written.size;
    if (png) summary.files = png.files;
    if (audioTrack && audioMeter) {
      const s = audioTrack.getSettings();
      summary.audio = {
        label: audioTrack.label,
        sampleRate: s.sampleRate ?? audioMeter.sampleRate,
        channelCount: s.channelCount ?? audioMeter.channels,
        seconds: Math.round(audioMeter.seconds * 1000) / 1000,
        peakDbfs: Number.isFinite(audioMeter.peakDbfs) ? Math.round(audioMeter.peakDbfs * 10) / 10 : null,
        rmsDbfs: Number.isFinite(audioMeter.rmsDbfs) ? Math.round(audioMeter.rmsDbfs * 10) / 10 : null,
      };
    }
    if (videoTrack && videoMeter && videoSettings) {
      const size = y4m?.size ?? videoMeter.size;
      summary.video = {
        label: videoTrack.label,
        width: size.width || (videoSettings.width ?? 0),
        height: size.height || (videoSettings.height ?? 0),
        frameRate: videoSettings.frameRate ?? 0,
        frames: y4m ? y4m.frames : png ? png.files.length : videoMeter.frames,
        averageFps: Math.round(videoMeter.averageFps * 100) / 100,
        dropped: taps.reduce((n, t) => n + t.dropped, 0),
      };
    }
    printSummary(summary, options.get('json') === true, out, target === STDOUT);
    return 0;
  } finally {
    if (ticker) clearInterval(ticker);
    timer?.cancel();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    for (const t of tracks) t.removeEventListener('ended', onEnded);
    if (recorder && recorder.state !== 'inactive') recorder.stop();
    await Promise.all(taps.map((t) => t.close()));
  }
}

function printSummary(s: RecordSummary, json: boolean, out: Output, stdoutTaken: boolean): void {
  // With the recording on stdout, nothing else may go there.
  const say = (line: string) => (stdoutTaken ? out.stderr(line) : out.stdout(line));
  if (json) {
    say(JSON.stringify(s, null, 2));
    return;
  }
  const size = s.bytes !== undefined ? `, ${megabytes(s.bytes)}` : '';
  const where = s.format === 'png' ? `${s.files?.length ?? 0} PNG frames in ${s.file}` : `${s.file === STDOUT ? 'stdout' : s.file} (${s.mimeType ?? 'video/x-yuv4mpeg'}${size})`;
  const why = s.stoppedBy === 'interrupt' ? ' (interrupted)' : s.stoppedBy === 'ended' ? ' (the tracks ended)' : '';
  say(`recorded ${s.duration.toFixed(1)} s${why} to ${where}`);
  if (s.audio) say(`  audio: ${s.audio.label}, ${s.audio.sampleRate} Hz, ${s.audio.channelCount} ch; peak ${formatDbfs(s.audio.peakDbfs ?? -Infinity)}, rms ${formatDbfs(s.audio.rmsDbfs ?? -Infinity)}`);
  if (s.video) say(`  video: ${s.video.label}, ${s.video.width}x${s.video.height} at ${s.video.frameRate} fps; ${s.video.frames} frames (${s.video.averageFps.toFixed(1)} fps measured${s.video.dropped ? `, ${s.video.dropped} dropped` : ''})`);
}
