/**
 * `mediacapture record` on the default synthetic devices: WebM read back by ffprobe (skipped with
 * the reason printed where FFmpeg is absent), WAV, Y4M and PNG outputs parsed here, and the
 * virtual clock.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '../../src/media/codecs/wav.js';
import { Y4mReader } from '../../src/media/codecs/y4m.js';
import { decodePng } from '../../src/media/codecs/png.js';
import { CLI, cleanEnv, runCli, runJson, hasTool } from './run-cli.js';
import { MediaRecorder } from '../../src/recording/media-recorder.js';

const noFfprobe = hasTool('ffprobe') ? false : 'ffprobe is not installed (apt-get install ffmpeg)';
if (noFfprobe) console.log(`# cli record: WebM/Ogg checks skipped: ${noFfprobe}`);

const root = mkdtempSync(join(tmpdir(), 'mediacapture-cli-rec-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, `d${++n}`);
  return d;
};

interface Summary {
  format: string;
  mimeType: string | null;
  file: string;
  files?: string[];
  bytes?: number;
  duration: number;
  stoppedBy: string;
  audio?: { label: string; sampleRate: number; channelCount: number; seconds: number; peakDbfs: number | null };
  video?: { label: string; width: number; height: number; frameRate: number; frames: number; averageFps: number; dropped: number };
}

function ffprobe(file: string): { streams: Array<Record<string, string | number>>; format: Record<string, string> } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' }));
}

describe('mediacapture record', () => {
  test('--audio --video --duration 3 --out <dir> writes a VP8 + Opus WebM of about 3 s', { skip: noFfprobe }, async () => {
    const dir = freshDir();
    const r = await runCli(['record', '--audio', '--video', '--duration', '3', '--out', `${dir}/`]);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(dir);
    assert.equal(files.length, 1, `one file in ${dir}: ${files.join(', ')}`);
    assert.match(files[0]!, /^recording-\d{8}-\d{6}\.webm$/);
    const file = join(dir, files[0]!);
    assert.match(r.stdout, new RegExp(`recorded 3\\.\\d s to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(video/webm;codecs=vp8,opus`));
    const info = ffprobe(file);
    assert.equal(info.format['format_name'], 'matroska,webm');
    const codecs = info.streams.map((s) => s['codec_name']).sort();
    assert.deepEqual(codecs, ['opus', 'vp8']);
    const video = info.streams.find((s) => s['codec_type'] === 'video')!;
    assert.equal(video['width'], 640);
    assert.equal(video['height'], 480);
    const seconds = Number(info.format['duration']);
    assert.ok(Math.abs(seconds - 3) < 0.5, `duration ${seconds} s, about 3 s`);
    assert.equal(statSync(file).size, Number(info.format['size']));
  });

  test('--format wav records the microphone as PCM: its 440 Hz tone at -6 dBFS, for the duration', async () => {
    const file = join(root, 'tone.wav');
    const s = await runJson<Summary>(['record', '--audio', '--duration', '2', '--out', file, '--json']);
    assert.equal(s.file, file);
    assert.match(s.mimeType!, /^audio\/wav/);
    const wav = parseWav(new Uint8Array(readFileSync(file)));
    assert.equal(wav.sampleRate, 48000);
    assert.equal(wav.channels.length, 1);
    const samples = wav.channels[0]!;
    const seconds = samples.length / wav.sampleRate;
    assert.ok(Math.abs(seconds - 2) < 0.1, `${seconds} s of audio`);
    assert.equal(s.bytes, statSync(file).size);
    let peak = 0, crossings = 0;
    for (let i = 0; i < samples.length; i++) {
      peak = Math.max(peak, Math.abs(samples[i]!));
      if (i > 0 && samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
    }
    assert.ok(Math.abs(peak - 0.5) < 0.01, `peak ${peak}`);
    assert.ok(Math.abs(crossings / seconds - 440) < 5, `${crossings / seconds} Hz`);
    // The meter on the track saw the same level.
    assert.ok(Math.abs(s.audio!.peakDbfs! - 20 * Math.log10(0.5)) < 0.2, `meter peak ${s.audio!.peakDbfs} dBFS`);
  });

  test('--format y4m writes the camera\'s raw frames at the size and rate asked for', async () => {
    const file = join(root, 'raw.y4m');
    const s = await runJson<Summary>(['record', '--video', '--width', '320', '--height', '240', '--fps', '10', '--duration', '2', '--virtual-clock', '--out', file, '--json']);
    const y4m = new Y4mReader(new Uint8Array(readFileSync(file)));
    assert.equal(y4m.header.width, 320);
    assert.equal(y4m.header.height, 240);
    assert.deepEqual(y4m.header.frameRate, { num: 10, den: 1 });
    assert.ok(Math.abs(y4m.frameCount - 20) <= 1, `${y4m.frameCount} frames for 2 s at 10 fps`);
    assert.equal(s.video!.frames, y4m.frameCount);
    assert.equal(s.video!.dropped, 0, 'a virtual-clock recording drops nothing');
    // The synthetic camera's pattern moves: the first and last frames differ.
    const first = y4m.frame(0).y, last = y4m.frame(y4m.frameCount - 1).y;
    let differing = 0;
    for (let i = 0; i < first.length; i++) if (first[i] !== last[i]) differing++;
    assert.ok(differing > first.length / 100, `${differing} of ${first.length} luma samples changed`);
  });

  test('--format png writes one decodable PNG per frame into the directory', async () => {
    const dir = freshDir();
    const s = await runJson<Summary>(['record', '--format', 'png', '--width', '160', '--height', '120', '--fps', '5', '--duration', '1', '--virtual-clock', '--out', dir, '--json']);
    const files = readdirSync(dir).sort();
    assert.ok(files.length >= 4 && files.length <= 6, `${files.length} frames for 1 s at 5 fps`);
    assert.deepEqual(s.files!.map((f) => f.slice(dir.length + 1)), files);
    assert.equal(files[0], 'frame-000001.png');
    const images = files.map((f) => decodePng(new Uint8Array(readFileSync(join(dir, f)))));
    for (const img of images) assert.deepEqual([img.width, img.height], [160, 120]);
    assert.notDeepEqual(images[0]!.rgba, images[images.length - 1]!.rgba, 'the frames are not all the same picture');
  });

  test('--virtual-clock records two minutes of Ogg Opus without waiting two minutes of wall time', { skip: noFfprobe }, async () => {
    const file = join(root, 'long.ogg');
    const s = await runJson<Summary>(['record', '--audio', '--duration', '120', '--virtual-clock', '--out', file, '--json']);
    assert.equal(s.duration, 120);
    const info = ffprobe(file);
    assert.equal(info.streams[0]!['codec_name'], 'opus');
    const seconds = Number(info.format['duration']);
    assert.ok(Math.abs(seconds - 120) < 0.5, `duration ${seconds} s`);
  });

  test('without --duration it records until interrupted, then finishes the file and exits 0', async () => {
    const file = join(root, 'until-interrupt.wav');
    const child = spawn(process.execPath, [CLI, 'record', '--audio', '--out', file, '--json'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The first one-second slice reaching the file means the recording is under way.
    for (let i = 0; i < 600 && !(existsSync(file) && statSync(file).size > 44); i++) await sleep(100);
    assert.ok(existsSync(file) && statSync(file).size > 44, `the recording started: ${stderr}`);
    child.kill('SIGINT');
    const code = await closed;
    assert.equal(code, 0, stderr);
    const s = JSON.parse(stdout) as Summary;
    assert.equal(s.stoppedBy, 'interrupt');
    const wav = parseWav(new Uint8Array(readFileSync(file)));
    const seconds = wav.channels[0]!.length / wav.sampleRate;
    assert.ok(seconds >= 1, `${seconds} s recorded`);
    assert.ok(Math.abs(seconds - s.duration) < 0.1, `the header's length (${seconds} s) is the recording's (${s.duration} s)`);
  });

  test('what a format cannot hold, an unknown format or codec, and --virtual-clock without --duration are usage errors', async () => {
    const cases: Array<[string[], RegExp, number, Record<string, string>?]> = [
      [['record', '--video', '--format', 'wav', '--duration', '1'], /WAV holds audio only/, 2],
      [['record', '--audio', '--out', join(root, 'x.y4m'), '--duration', '1'], /Y4M holds video only/, 2],
      [['record', '--format', 'mkv', '--duration', '1'], /--format "mkv" is not one of/, 2],
      [['record', '--codec', 'h264', '--duration', '1'], /--codec "h264" is not one of vp8, vp9, av1 for webm/, 2],
      [['record', '--format', 'y4m', '--out', '-', '--duration', '1'], /--out - writes webm, mp4, ogg or wav, not y4m/, 2],
      [['record', '--format', 'mp4', '--duration', '1'], /cannot be recorded here: it needs the ffmpeg recording engine/, 2, { MEDIACAPTURE_RECORDER_ENGINE: 'wasm' }],
      [['record', '--virtual-clock'], /--virtual-clock needs --duration/, 2],
      [['record', '--duration', '-1'], /--duration must be a positive/, 2],
      [['record', '--out', join(root, 'no', 'such', 'dir', 'a.webm'), '--duration', '1'], /does not exist/, 1],
    ];
    for (const [args, message, code, env] of cases) {
      const r = await runCli(args, cleanEnv(env));
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '', 'nothing is recorded');
    }
  });

  test('--out - writes the recording alone to stdout (ffprobe reads it from the pipe); the summary goes to stderr', { skip: noFfprobe }, async () => {
    const cli = spawn(process.execPath, [CLI, 'record', '--audio', '--video', '--width', '320', '--height', '240', '--duration', '3', '--virtual-clock', '--out', '-', '--json'],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => chunks.push(d));
    cli.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => cli.on('close', (c) => resolve(c)));
    assert.equal(code, 0, stderr);
    const bytes = Buffer.concat(chunks);
    // stderr holds the JSON summary and nothing on stdout but the WebM itself (EBML magic first).
    const s = JSON.parse(stderr) as Summary;
    assert.equal(s.file, '-');
    assert.equal(s.bytes, bytes.length);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
    // ffprobe reading the pipe, as `mediacapture record --out - | ffprobe -` would.
    const probe = spawn('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height:packet=pts_time,duration_time', '-of', 'json', '-i', 'pipe:0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let json = '';
    probe.stdout.setEncoding('utf8').on('data', (d: string) => (json += d));
    probe.stdin.end(bytes);
    assert.equal(await new Promise((resolve) => probe.on('close', resolve)), 0);
    const info = JSON.parse(json) as { streams: Array<{ codec_name: string; width?: number }>; packets: Array<{ pts_time: string; duration_time?: string }> };
    assert.deepEqual(info.streams.map((x) => x.codec_name).sort(), ['opus', 'vp8']);
    assert.equal(info.streams.find((x) => x.width !== undefined)!.width, 320);
    const end = Math.max(...info.packets.map((p) => Number(p.pts_time) + Number(p.duration_time ?? 0)));
    assert.ok(Math.abs(end - 3) <= 0.1, `the media ends at ${end} s`);
  });

  test('--out - with WAV: the PCM on stdout, a summary line on stderr', async () => {
    const cli = spawn(process.execPath, [CLI, 'record', '--audio', '--format', 'wav', '--duration', '2', '--virtual-clock', '--out', '-'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => chunks.push(d));
    cli.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    assert.equal(await new Promise((resolve) => cli.on('close', resolve)), 0, stderr);
    assert.match(stderr, /^recorded 2\.0 s to stdout \(audio\/wav/);
    const bytes = Buffer.concat(chunks);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
    // A stream: the header went out before the sizes were known; the data is 2 s of 48 kHz s16.
    assert.equal(bytes.length - 44, 2 * 48000 * 2);
  });

  const mp4 = MediaRecorder.isTypeSupported('video/mp4;codecs=avc1,mp4a') ? false : 'no ffmpeg with libx264 and aac on this machine';
  test('--format mp4 records fragmented H.264 + AAC with the ffmpeg engine', { skip: noFfprobe || mp4 }, async () => {
    const file = join(root, 'clip.mp4');
    const s = await runJson<Summary>(['record', '--duration', '2', '--virtual-clock', '--out', file, '--json']);
    assert.match(s.mimeType!, /^video\/mp4;codecs=avc1\.[0-9a-f]{6},mp4a\.40\.2$/i);
    const info = ffprobe(file);
    assert.deepEqual(info.streams.map((x) => x['codec_name']).sort(), ['aac', 'h264']);
    assert.ok(Math.abs(Number(info.format['duration']) - 2) <= 0.1, `duration ${info.format['duration']}`);
  });
});
