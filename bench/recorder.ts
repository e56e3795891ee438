/**
 * Recording benchmark: the encoding cost of 1280x720 30 fps VP8 + 48 kHz Opus WebM, as a fraction
 * of real time (CPU seconds spent per second of media), against the system `ffmpeg` encoding the
 * same frames and samples with the same libvpx / libopus settings in the same run.
 *
 * Ours: a synthetic 720p30 camera and microphone on a VirtualClock, recorded by MediaRecorder
 * (`video/webm;codecs=vp8,opus`, 2.5 Mb/s video, 128 kb/s audio) with recordToFile(); the clock
 * is advanced as fast as the recorder takes it, and CPU time is process.cpuUsage() over that span.
 * The peer: the same camera frames (I420) and microphone samples (f32le), captured first through
 * MediaStreamTrackProcessor into raw files (not timed), encoded by `ffmpeg -benchmark` with
 * libvpx deadline=realtime cpu-used=8 static-thresh=1000 lag-in-frames=0 auto-alt-ref=0 and one
 * encoder thread (ours is single-threaded WebAssembly), then also with ffmpeg's default threads,
 * then with the ffmpeg engine's settings (cpu-used 16, one thread) for that engine's ratio;
 * its figure is ffmpeg's reported user + system time. Both files are checked with ffprobe: VP8 +
 * Opus, 1280x720, the same number of video frames, duration within 0.1 s of the span (file
 * sizes are shown: both encoders aim at the same bitrates). Our figure also includes drawing the
 * synthetic camera's frames, which ffmpeg reads ready-made.
 *
 * Ours is measured with both recording engines: the WebAssembly one (all on this thread) and the
 * system-ffmpeg one, whose figure is this process's CPU plus the ffmpeg child's (user + system,
 * read through a wrapper script that runs ffmpeg and prints the shell's `times` for it).
 *
 * `recorder-hour` (runRecorderHourBench): the figure, a virtual-clock hour (default;
 * RECORDER_HOUR_SECONDS) of getUserMedia({audio: true, video: true}), 640x480 30 fps, recorded to
 * WebM VP8 + Opus with the ffmpeg engine: wall time, this process's CPU, ffmpeg's CPU, and the
 * file's duration; then how long this process takes to make the same frames with no recorder,
 * which bounds what any encoder could reach.
 *
 * Run alone: node dist/bench/recorder.js (RECORDER_BENCH_SECONDS, default 10).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync, statSync, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMediaDevices } from '../src/devices/create-media-devices.js';
import { VirtualClock } from '../src/media/clock.js';
import { MediaRecorder } from '../src/recording/media-recorder.js';
import { recordToFile } from '../src/recording/record-to-file.js';
import { MediaStreamTrackProcessor } from '../src/transform/media-stream-track-processor.js';
import type { MediaStream } from '../src/stream/media-stream.js';
import type { VideoFrame } from '../src/media/video-frame.js';
import type { AudioData } from '../src/media/audio-data.js';
import type { EngineName } from '../src/recording/engine/select.js';

const W = 1280, H = 720, FPS = 30, RATE = 48000;
const VIDEO_BPS = 2_500_000, AUDIO_BPS = 128_000;

function devices(): { md: ReturnType<typeof createMediaDevices>; clock: VirtualClock } {
  const clock = new VirtualClock();
  const md = createMediaDevices({
    clock,
    devices: {
      cameras: [{ label: 'Bench camera', modes: [{ width: W, height: H, frameRate: FPS }] }],
      microphones: [{ label: 'Bench microphone' }],
    },
  });
  return { md, clock };
}

/** The default synthetic devices (a 640x480 30 fps camera, a mono microphone). */
function defaultDevices(): { md: ReturnType<typeof createMediaDevices>; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { md: createMediaDevices({ clock }), clock };
}

const constraints = { video: { width: W, height: H, frameRate: FPS }, audio: { channelCount: 1, sampleRate: RATE } };

/**
 * A stand-in for ffmpeg that runs the real one and appends its CPU time (the shell's `times` for
 * its children: user and system seconds) to `timesFile`.
 */
function ffmpegWithTimes(dir: string, timesFile: string): string {
  const path = join(dir, 'ffmpeg-timed.sh');
  writeFileSync(path, `#!/bin/sh\nffmpeg "$@"\nstatus=$?\ntimes >> '${timesFile}'\nexit $status\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The CPU seconds of the last run the wrapper logged. */
function lastChildCpu(timesFile: string): number {
  if (!existsSync(timesFile)) return NaN;
  const line = readFileSync(timesFile, 'utf8').trim().split('\n').pop() ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

interface OursResult {
  /** This process. */
  cpu: number;
  /** The ffmpeg child (ffmpeg engine only). */
  childCpu: number;
  wall: number;
  file: string;
}

async function ours(seconds: number, dir: string, engine: EngineName, timesFile?: string, defaults = false): Promise<OursResult> {
  const { md, clock } = defaults ? defaultDevices() : devices();
  const constraintsUsed = defaults ? { audio: true, video: true } : constraints;
  const stream = (await md.mediaDevices.getUserMedia(constraintsUsed)) as unknown as MediaStream;
  const rec = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8,opus', videoBitsPerSecond: VIDEO_BPS, audioBitsPerSecond: AUDIO_BPS, engine });
  const file = join(dir, `ours-${engine}.webm`);
  const done = recordToFile(rec, file);
  const wall0 = performance.now();
  const before = process.cpuUsage();
  rec.start(1000);
  await new Promise((r) => rec.addEventListener('start', r));
  for (let t = 0; t < seconds * 1000; t += 100) {
    clock.advance(100);
    // Let dataavailable and file writes run between steps, as they would in real time.
    await new Promise((r) => setImmediate(r));
  }
  rec.stop();
  await done;
  const used = process.cpuUsage(before);
  const wall = (performance.now() - wall0) / 1000;
  for (const t of stream.getTracks()) t.stop();
  md.controller.unload();
  return { cpu: (used.user + used.system) / 1e6, childCpu: timesFile ? lastChildCpu(timesFile) : 0, wall, file };
}

/** The same devices' frames and samples over `seconds`, written raw for ffmpeg. */
async function captureRaw(seconds: number, dir: string): Promise<{ video: string; audio: string; frames: number }> {
  const { md, clock } = devices();
  const stream = (await md.mediaDevices.getUserMedia(constraints)) as unknown as MediaStream;
  const video = join(dir, 'in.yuv');
  const audio = join(dir, 'in.f32');
  const vfd = openSync(video, 'w');
  const afd = openSync(audio, 'w');
  const vReader = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0]!, maxBufferSize: 60000 }).readable.getReader();
  const aReader = new MediaStreamTrackProcessor({ track: stream.getAudioTracks()[0]!, maxBufferSize: 60000 }).readable.getReader();
  const wantFrames = seconds * FPS;
  const wantSamples = seconds * RATE;
  let frames = 0;
  let samples = 0;
  const buf = new Uint8Array((W * H * 3) / 2);
  const vLoop = (async () => {
    while (frames < wantFrames) {
      const { value, done } = await vReader.read();
      if (done) break;
      const f = value as VideoFrame;
      await f.copyTo(buf, { format: 'I420' });
      f.close();
      writeSync(vfd, buf);
      frames++;
    }
  })();
  const aLoop = (async () => {
    while (samples < wantSamples) {
      const { value, done } = await aReader.read();
      if (done) break;
      const a = value as AudioData;
      const n = Math.min(a.numberOfFrames, wantSamples - samples);
      const pcm = new Float32Array(a.numberOfFrames);
      a.copyTo(pcm, { planeIndex: 0, format: 'f32-planar' });
      a.close();
      writeSync(afd, new Uint8Array(pcm.buffer, 0, n * 4));
      samples += n;
    }
  })();
  for (let t = 0; frames < wantFrames || samples < wantSamples; t += 100) {
    if (t > seconds * 1000 + 5000) throw new Error('the synthetic devices produced too little media');
    clock.advance(100);
    await new Promise((r) => setImmediate(r));
  }
  for (const t of stream.getTracks()) t.stop();
  await Promise.all([vLoop, aLoop]);
  closeSync(vfd);
  closeSync(afd);
  md.controller.unload();
  return { video, audio, frames };
}

function ffmpegEncode(raw: { video: string; audio: string }, out: string, threads: number | null, cpuUsed = 8): { cpu: number } | { error: string } {
  const args = [
    '-hide_banner', '-nostdin', '-y', '-benchmark',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-r', String(FPS), '-i', raw.video,
    '-f', 'f32le', '-ar', String(RATE), '-ac', '1', '-i', raw.audio,
    '-c:v', 'libvpx', '-b:v', String(VIDEO_BPS), '-deadline', 'realtime', '-cpu-used', String(cpuUsed), '-static-thresh', '1000',
    '-lag-in-frames', '0', '-auto-alt-ref', '0', '-g', '100000',
    ...(threads === null ? [] : ['-threads', String(threads)]),
    '-c:a', 'libopus', '-b:a', String(AUDIO_BPS), '-application', 'audio',
    out,
  ];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) return { error: `ffmpeg failed: ${r.stderr.split('\n').slice(-3).join(' | ')}` };
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(r.stderr);
  if (m === null) return { error: 'ffmpeg printed no -benchmark line' };
  return { cpu: Number(m[1]) + Number(m[2]) };
}

interface Probe {
  codecs: string;
  size: string;
  videoFrames: number;
  duration: number;
  bytes: number;
}

function probe(file: string): Probe | { error: string } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_name,width,height,nb_read_packets:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim() };
  const j = JSON.parse(r.stdout) as { streams: { codec_name: string; width?: number; height?: number; nb_read_packets?: string }[]; format: { duration?: string } };
  const v = j.streams.find((s) => s.width !== undefined);
  let duration = Number(j.format.duration);
  if (!Number.isFinite(duration)) {
    // Last packet end, when the container carries no duration.
    const p = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    duration = Math.max(...p.stdout.trim().split('\n').map((l) => l.split(',').map(Number).reduce((a, b) => a + (b || 0), 0)));
  }
  return {
    codecs: j.streams.map((s) => s.codec_name).sort().join('+'),
    size: v ? `${v.width}x${v.height}` : 'none',
    videoFrames: Number(v?.nb_read_packets ?? 0),
    duration,
    bytes: statSync(file).size,
  };
}

function describe(p: Probe | { error: string }): string {
  return 'error' in p ? `unreadable: ${p.error}` : `${p.codecs} ${p.size}, ${p.videoFrames} video frames, ${p.duration.toFixed(3)} s, ${(p.bytes / 1e6).toFixed(2)} MB`;
}

export async function runRecorderBench(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.RECORDER_BENCH_SECONDS ?? 10);
  const out: Record<string, number | string> = { media_seconds: seconds, stream: `${W}x${H} ${FPS} fps VP8 ${VIDEO_BPS / 1e6} Mb/s + mono 48 kHz Opus ${AUDIO_BPS / 1000} kb/s, WebM` };
  const dir = mkdtempSync(join(tmpdir(), 'mc-rec-bench-'));
  try {
    progress('ours (WebAssembly engine): MediaRecorder on a virtual clock');
    const o = await ours(seconds, dir, 'wasm');
    out.ours_cpu_s = round(o.cpu);
    out.ours_fraction_of_realtime = round(o.cpu / seconds);
    const po = probe(o.file);
    out.ours_output = describe(po);
    const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
    if (!hasFfmpeg) {
      out.ffmpeg = 'unavailable: ffmpeg is not installed (apt-get install ffmpeg)';
      return out;
    }
    out.ffmpeg_version = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.replace(/ Copyright.*/, '');
    progress('ours (ffmpeg engine): MediaRecorder on a virtual clock');
    const timesFile = join(dir, 'times.log');
    const savedPath = process.env['MEDIACAPTURE_FFMPEG'];
    process.env['MEDIACAPTURE_FFMPEG'] = ffmpegWithTimes(dir, timesFile);
    let of: OursResult;
    try {
      of = await ours(seconds, dir, 'ffmpeg', timesFile);
    } finally {
      if (savedPath === undefined) delete process.env['MEDIACAPTURE_FFMPEG'];
      else process.env['MEDIACAPTURE_FFMPEG'] = savedPath;
    }
    out.ours_ffmpeg_engine_cpu_s = round(of.cpu + of.childCpu);
    out.ours_ffmpeg_engine_split = `this process ${round(of.cpu)} CPU-s + ffmpeg child ${round(of.childCpu)} CPU-s; ${round(of.wall)} s wall`;
    out.ours_ffmpeg_engine_fraction_of_realtime = round((of.cpu + of.childCpu) / seconds);
    out.ours_ffmpeg_engine_output = describe(probe(of.file));
    progress('ffmpeg: capturing the same media raw (not timed)');
    const raw = await captureRaw(seconds, dir);
    // The first two with the WebAssembly engine's libvpx settings (cpu-used 8), the last with
    // the ffmpeg engine's (cpu-used 16, one thread).
    for (const [key, threads, cpuUsed] of [['ffmpeg_1_thread', 1, 8], ['ffmpeg_default_threads', null, 8], ['ffmpeg_engine_settings', 1, 16]] as const) {
      progress(`${key}: encoding`);
      const file = join(dir, `${key}.webm`);
      const f = ffmpegEncode(raw, file, threads, cpuUsed);
      if ('error' in f) {
        out[key] = f.error;
        continue;
      }
      out[`${key}_cpu_s`] = round(f.cpu);
      out[`${key}_fraction_of_realtime`] = round(f.cpu / seconds);
      const pf = probe(file);
      out[`${key}_output`] = describe(pf);
      const same =
        !('error' in po) && !('error' in pf) &&
        po.codecs === pf.codecs && po.size === pf.size && po.videoFrames === pf.videoFrames &&
        Math.abs(po.duration - seconds) <= 0.1 && Math.abs(pf.duration - seconds) <= 0.1;
      out[`${key}_outputs_match`] = same ? 'yes (codecs, size, frame count, duration)' : 'NO';
      if (cpuUsed === 8) out[`cpu_ratio_ours_over_${key}`] = round(o.cpu / f.cpu);
      else out[`cpu_ratio_ours_ffmpeg_engine_over_${key}`] = round((of.cpu + of.childCpu) / f.cpu);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The figure: a virtual-clock hour of the default camera (640x480 30 fps) and microphone
 * to WebM VP8 + Opus with the ffmpeg engine, then the same hour's frames made with no recorder.
 */
export async function runRecorderHourBench(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env['RECORDER_HOUR_SECONDS'] ?? 3600);
  const out: Record<string, number | string> = { media_seconds: seconds, stream: 'getUserMedia({audio: true, video: true}): 640x480 30 fps + mono 48 kHz, WebM VP8 + Opus, ffmpeg engine' };
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
    out.ffmpeg = 'unavailable: ffmpeg is not installed (apt-get install ffmpeg)';
    return out;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mc-rec-hour-'));
  const timesFile = join(dir, 'times.log');
  const savedPath = process.env['MEDIACAPTURE_FFMPEG'];
  process.env['MEDIACAPTURE_FFMPEG'] = ffmpegWithTimes(dir, timesFile);
  try {
    progress(`recording ${seconds} s of virtual time`);
    const r = await ours(seconds, dir, 'ffmpeg', timesFile, true);
    out.wall_s = round(r.wall);
    out.this_process_cpu_s = round(r.cpu);
    out.ffmpeg_cpu_s = round(r.childCpu);
    out.cpu_s_per_media_s = round((r.cpu + r.childCpu) / seconds);
    out.output = describe(probe(r.file));
    progress('the same media with no recorder (frame production alone)');
    const { md, clock } = defaultDevices();
    const stream = (await md.mediaDevices.getUserMedia({ audio: true, video: true })) as unknown as MediaStream;
    const reader = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0]!, maxBufferSize: 1000 }).readable.getReader();
    let frames = 0;
    const loop = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        (value as VideoFrame).close();
        frames++;
      }
    })();
    const wall0 = performance.now();
    const before = process.cpuUsage();
    for (let t = 0; t < seconds * 1000; t += 100) {
      clock.advance(100);
      await new Promise((res) => setImmediate(res));
    }
    const used = process.cpuUsage(before);
    out.frames_alone_wall_s = round((performance.now() - wall0) / 1000);
    out.frames_alone_cpu_s = round((used.user + used.system) / 1e6);
    out.frames_alone_count = frames;
    for (const t of stream.getTracks()) t.stop();
    await loop;
    md.controller.unload();
    return out;
  } finally {
    if (savedPath === undefined) delete process.env['MEDIACAPTURE_FFMPEG'];
    else process.env['MEDIACAPTURE_FFMPEG'] = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
}

function progress(s: string): void {
  process.stderr.write(`  [recorder] ${s}\n`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRecorderBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
