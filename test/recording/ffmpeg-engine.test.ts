/**
 * The system-ffmpeg recording engine: every format it produces read back by ffprobe (codec, size,
 * duration, stream parameters) and decoded by ffmpeg; slices, pauses, a long advance() in one
 * call; the child process gone after stop, after the tracks end, after a failure and when the
 * script exits; ffmpeg's stderr in the error event; the engine switches; isTypeSupported against
 * the encoder list ffmpeg prints. Skipped, with the reason printed, where ffmpeg is absent.
 */
import { test, describe, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaRecorder } from '../../src/recording/media-recorder.js';
import { recordToFile } from '../../src/recording/record-to-file.js';
import type { BlobEvent } from '../../src/recording/blob-event.js';
import { VirtualClock } from '../../src/media/clock.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { ffmpegArguments, runningFFmpegPids } from '../../src/recording/engine/ffmpeg-writer.js';
import { ENGINE_ENV, FFMPEG_ENV, ffmpegCapabilities, parseEncoderList } from '../../src/recording/engine/select.js';
import { isTypeSupported } from '../../src/recording/mime-type.js';
import type { MediaStream } from '../../src/stream/media-stream.js';
import { stopAll } from '../devices/helpers.js';
import { ffmpegMissing, probe, streamEnd, decodeAll } from '../support/ffmpeg.js';

const skip = ffmpegMissing;
if (skip) console.log(`# ffmpeg-engine: skipped: ${skip}`);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mediacapture-ffmpeg-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const savedEnv = { engine: process.env[ENGINE_ENV], ffmpeg: process.env[FFMPEG_ENV] };
afterEach(() => {
  for (const [key, value] of [[ENGINE_ENV, savedEnv.engine], [FFMPEG_ENV, savedEnv.ffmpeg]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
let n = 0;

/** The encoders the system ffmpeg lists, read here independently of the library. */
const encoders: Set<string> = skip ? new Set() : new Set(
  execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).split('\n')
    .map((l) => /^ [VAS][A-Z.]{5} (\S+)/.exec(l)?.[1]).filter((x): x is string => x !== undefined),
);
const hasAv1 = encoders.has('libaom-av1') || encoders.has('libsvtav1');

/** Whether `pid` still runs (a zombie waiting for a reaper that never comes does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) if (!alive(pid)) return true;
  return !alive(pid);
}

interface Recorded {
  file: string;
  blobs: Blob[];
  type: string;
  errors: string[];
  pids: number[];
  events: string[];
}

interface RecordOptions {
  timeslice?: number;
  /** Called once recording started, with the clock; returns when done advancing (default: ms in 100 ms steps). */
  drive?: (clock: VirtualClock, rec: MediaRecorder, stream: MediaStream) => void;
}

async function record(constraints: MediaStreamConstraints, options: object, ms: number, how: RecordOptions = {}): Promise<Recorded> {
  const clock = new VirtualClock();
  const md = createMediaDevices({ clock });
  const stream = (await md.mediaDevices.getUserMedia(constraints)) as unknown as MediaStream;
  const rec = new MediaRecorder(stream, { engine: 'ffmpeg', ...options });
  const blobs: Blob[] = [];
  const errors: string[] = [];
  const events: string[] = [];
  rec.ondataavailable = (e: BlobEvent) => {
    events.push('dataavailable');
    blobs.push(e.data);
  };
  rec.onerror = (e) => {
    events.push('error');
    errors.push((e as Event & { message: string }).message);
  };
  const stopped = new Promise((r) => rec.addEventListener('stop', r));
  rec.start(how.timeslice);
  await new Promise((r) => rec.addEventListener('start', r));
  const pids = runningFFmpegPids();
  if (how.drive) how.drive(clock, rec, stream);
  else for (let t = 0; t < ms; t += 100) clock.advance(100);
  if (rec.state !== 'inactive') rec.stop();
  await stopped;
  events.push('stop');
  stopAll(stream as unknown as globalThis.MediaStream);
  const file = join(dir, `r${++n}`);
  writeFileSync(file, new Uint8Array(await new Blob(blobs).arrayBuffer()));
  return { file, blobs, type: blobs[0]?.type ?? '', errors, pids, events };
}

function near(actual: number, expected: number, what: string, tolerance = 0.1): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

interface Format {
  mimeType: string;
  needs: boolean;
  container: RegExp;
  video?: string;
  audio?: string;
  channels?: number;
}

const FORMATS: Format[] = [
  { mimeType: 'video/webm;codecs=vp8,opus', needs: encoders.has('libvpx') && encoders.has('libopus'), container: /webm/, video: 'vp8', audio: 'opus' },
  { mimeType: 'video/webm;codecs=vp9,opus', needs: encoders.has('libvpx-vp9') && encoders.has('libopus'), container: /webm/, video: 'vp9', audio: 'opus' },
  { mimeType: 'video/webm;codecs=av1,opus', needs: hasAv1 && encoders.has('libopus'), container: /webm/, video: 'av1', audio: 'opus' },
  { mimeType: 'audio/webm;codecs=opus', needs: encoders.has('libopus'), container: /webm/, audio: 'opus' },
  { mimeType: 'audio/ogg;codecs=opus', needs: encoders.has('libopus'), container: /^ogg$/, audio: 'opus', channels: 2 },
  { mimeType: 'video/mp4;codecs=avc1.64001E,mp4a.40.2', needs: encoders.has('libx264') && encoders.has('aac'), container: /mp4/, video: 'h264', audio: 'aac' },
  { mimeType: 'video/mp4;codecs=av01,opus', needs: hasAv1 && encoders.has('libopus'), container: /mp4/, video: 'av1', audio: 'opus' },
  { mimeType: 'audio/mp4;codecs=mp4a.40.2', needs: encoders.has('aac'), container: /mp4/, audio: 'aac', channels: 2 },
];

describe('ffmpeg engine: every format it produces plays', { skip }, () => {
  for (const f of FORMATS) {
    test(`${f.mimeType}: codecs, size, duration, stream parameters`, { skip: f.needs ? false : 'ffmpeg lacks an encoder for it' }, async () => {
      const video = f.video ? { width: 320, height: 240, frameRate: 30 } : false;
      const r = await record({ video, audio: f.audio ? { channelCount: f.channels ?? 1 } : false }, { mimeType: f.mimeType }, 2000);
      assert.deepEqual(r.errors, []);
      assert.equal(r.blobs.length, 1);
      assert.equal(r.pids.length, 1, 'one ffmpeg child while recording');
      assert.match(r.type, new RegExp(`^${f.mimeType.split(';')[0]!.replace('/', '\\/')};codecs=`));
      const p = probe(r.file);
      assert.match(p.format['format_name']!, f.container);
      near(Number(p.format['duration']), 2, 'duration in the header');
      const v = p.streams.find((s) => s['codec_type'] === 'video');
      const a = p.streams.find((s) => s['codec_type'] === 'audio');
      assert.equal(p.streams.length, (f.video ? 1 : 0) + (f.audio ? 1 : 0));
      if (f.video) {
        assert.equal(v?.['codec_name'], f.video);
        assert.deepEqual([v!['width'], v!['height'], v!['pix_fmt']], [320, 240, 'yuv420p']);
        near(streamEnd(r.file, 'v'), 2, 'video end');
        const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', r.file], { encoding: 'utf8' });
        near(Number(frames.trim()), 60, 'video frames', 2);
      }
      if (f.audio) {
        assert.equal(a?.['codec_name'], f.audio);
        assert.equal(a!['sample_rate'], '48000');
        assert.equal(a!['channels'], f.channels ?? 1);
        near(streamEnd(r.file, 'a'), 2, 'audio end');
      }
      if (f.container.source === 'mp4') {
        // Fragmented as browsers write it: movie extends box up front, fragments after.
        const bytes = readFileSync(r.file).toString('latin1');
        assert.ok(bytes.includes('mvex') && bytes.includes('moof'), 'fragmented MP4 (mvex + moof)');
        assert.ok(bytes.indexOf('moov') < bytes.indexOf('moof'));
      }
      decodeAll(r.file);
      assert.ok(await gone(r.pids[0]!), 'the ffmpeg child is gone after stop');
    });
  }

  for (const [mimeType, has] of [['video/webm;codecs=vp9', encoders.has('libvpx-vp9')], ['video/mp4;codecs=avc1', encoders.has('libx264')], ['video/webm;codecs=av1', encoders.has('libaom-av1')]] as const) {
    test(`${mimeType}: key frames where videoKeyFrameIntervalDuration puts them`, { skip: has ? false : 'ffmpeg lacks the encoder (SVT-AV1 alone keeps its own interval)' }, async () => {
      const r = await record({ video: { width: 320, height: 240, frameRate: 30 } }, { mimeType, videoKeyFrameIntervalDuration: 500 }, 2000);
      const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', r.file], { encoding: 'utf8' });
      const keys = out.trim().split('\n').map((l) => l.split(',')).filter(([, f]) => f!.startsWith('K')).map(([t]) => Math.round(Number(t) * 10) / 10);
      assert.deepEqual(keys, [0, 0.5, 1, 1.5]);
    });
  }

  test('bitrates are honoured', { skip: encoders.has('libx264') && encoders.has('aac') ? false : 'needs libx264 and aac' }, async () => {
    const rate = (file: string, kind: 'v' | 'a') => {
      const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', kind, '-show_entries', 'packet=size', '-of', 'csv=p=0', file], { encoding: 'utf8' });
      return (out.trim().split('\n').reduce((s, x) => s + Number(x), 0) * 8) / 4;
    };
    // H.264: libvpx's real-time mode has a floor (about 130 kb/s at 640x480 for this camera)
    // and the synthetic picture needs little more, so VP8 cannot show a range; x264 can.
    const low = await record({ video: true, audio: true }, { mimeType: 'video/mp4;codecs=avc1,mp4a', videoBitsPerSecond: 50_000, audioBitsPerSecond: 32_000 }, 4000);
    const high = await record({ video: true, audio: true }, { mimeType: 'video/mp4;codecs=avc1,mp4a', videoBitsPerSecond: 1_000_000, audioBitsPerSecond: 160_000 }, 4000);
    const [lv, hv, la, ha] = [rate(low.file, 'v'), rate(high.file, 'v'), rate(low.file, 'a'), rate(high.file, 'a')];
    const kb = (x: number) => `${Math.round(x / 1000)} kb/s`;
    assert.ok(lv < 50_000 * 1.5, `video at 50 kb/s came out at ${kb(lv)}`);
    // The synthetic picture is simple: 1 Mb/s is more than it needs ("well above", not 1 Mb/s).
    assert.ok(hv > lv * 2.5, `video at 1 Mb/s (${kb(hv)}) should be well above 50 kb/s (${kb(lv)})`);
    assert.ok(la < 32_000 * 1.3, `audio at 32 kb/s came out at ${kb(la)}`);
    assert.ok(ha > 160_000 * 0.6 && ha < 160_000 * 1.3, `audio at 160 kb/s came out at ${kb(ha)}`);
  });

  test('the bitrates reach the encoders\' options', () => {
    const info = { path: 'ffmpeg', version: 501, versionText: '', encoders: new Set<string>(), capabilities: new Map(), av1Encoder: 'libaom-av1' as const };
    const video = { codec: 'vp8' as const, width: 640, height: 480, frameRate: 30, bitsPerSecond: 777_000, keyFrameIntervalMs: 2000, keyFrameIntervalCount: null };
    const audio = { codec: 'opus' as const, sampleRate: 48000, channelCount: 1, bitsPerSecond: 55_000, bitrateMode: 'constant' as const };
    const args = ffmpegArguments(info, { container: 'webm', video, audio }, 1, 'out.webm');
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(after('-b:v'), '777000');
    assert.equal(after('-b:a'), '55000');
    assert.equal(after('-vbr'), 'off');
    assert.equal(after('-c:v'), 'libvpx');
    assert.equal(args.at(-1), 'out.webm');
    assert.ok(!args.some((a) => /[;&|`$]/.test(a) && !a.startsWith('expr:')), 'no shell syntax needed');
  });
});

describe('ffmpeg engine: time line, slices, backpressure', { skip: skip || (encoders.has('libvpx') && encoders.has('libopus') ? false : 'needs libvpx and libopus') }, () => {
  test('timeslice: several dataavailable events that join into one file of the right length', async () => {
    const r = await record({ video: { width: 320, height: 240 }, audio: true }, { mimeType: 'video/webm' }, 4000, { timeslice: 500 });
    assert.ok(r.blobs.length >= 8, `${r.blobs.length} dataavailable events`);
    assert.ok(r.blobs.filter((b) => b.size > 0).length >= 3, `sizes ${r.blobs.map((b) => b.size).join(' ')}`);
    near(streamEnd(r.file, 'v'), 4, 'video end');
    near(streamEnd(r.file, 'a'), 4, 'audio end');
    decodeAll(r.file);
  });

  test('recordToFile with slices: every container ends up with its duration in the header', async () => {
    const types = ['video/webm', 'audio/ogg', ...(encoders.has('libx264') && encoders.has('aac') ? ['video/mp4', 'audio/mp4'] : [])];
    for (const mimeType of types) {
      const clock = new VirtualClock();
      const stream = await createMediaDevices({ clock }).mediaDevices.getUserMedia({ audio: true, video: mimeType.startsWith('video') ? { width: 320, height: 240 } : false });
      const rec = new MediaRecorder(stream, { mimeType, engine: 'ffmpeg' });
      const file = join(dir, `file${++n}`);
      const done = recordToFile(rec, file);
      rec.start(250);
      await new Promise((r) => rec.addEventListener('start', r));
      for (let t = 0; t < 3000; t += 100) {
        clock.advance(100);
        await new Promise((r) => setImmediate(r));
      }
      rec.stop();
      const result = await done;
      stopAll(stream);
      assert.equal(result.size, statSync(file).size);
      near(Number(probe(file).format['duration']), 3, `${mimeType} duration`);
      decodeAll(file);
    }
  });

  test('requestData() hands out what ffmpeg wrote so far; the rest comes at stop', async () => {
    const r = await record({ audio: true }, { mimeType: 'audio/ogg' }, 0, {
      drive: (clock, rec) => {
        for (let t = 0; t < 3000; t += 100) clock.advance(100);
        rec.requestData();
        for (let t = 0; t < 1000; t += 100) clock.advance(100);
      },
    });
    assert.equal(r.blobs.length, 2);
    near(Number(probe(r.file).format['duration']), 4, 'duration');
  });

  test('a pause leaves no gap: 1 s, a paused second, 1 s make 2 s, audio and video together', async () => {
    const r = await record({ video: { width: 320, height: 240 }, audio: true }, { mimeType: 'video/webm' }, 0, {
      drive: (clock, rec) => {
        for (let t = 0; t < 1000; t += 100) clock.advance(100);
        rec.pause();
        clock.advance(1000);
        rec.resume();
        for (let t = 0; t < 1000; t += 100) clock.advance(100);
      },
    });
    near(Number(probe(r.file).format['duration']), 2, 'duration');
    near(streamEnd(r.file, 'v'), 2, 'video end');
    near(streamEnd(r.file, 'a'), 2, 'audio end');
  });

  test('20 s of media in one advance() call: the writes wait for ffmpeg and nothing locks up', async () => {
    const r = await record({ video: { width: 320, height: 240 }, audio: true }, { mimeType: 'video/webm' }, 0, { drive: (clock) => clock.advance(20_000) });
    assert.deepEqual(r.errors, []);
    near(Number(probe(r.file).format['duration']), 20, 'duration');
  });

  test('the last track ending stops the recording and the child', async () => {
    const r = await record({ video: { width: 320, height: 240 }, audio: true }, { mimeType: 'video/webm' }, 0, {
      drive: (clock, _rec, stream) => {
        for (let t = 0; t < 1000; t += 100) clock.advance(100);
        for (const t of stream.getTracks()) t.stop();
      },
    });
    assert.deepEqual(r.events, ['dataavailable', 'stop']);
    near(Number(probe(r.file).format['duration']), 1, 'duration');
    assert.ok(await gone(r.pids[0]!));
  });

  test('a track added while recording abandons it (InvalidModificationError) and kills the child', async () => {
    const r = await record({ video: { width: 320, height: 240 }, audio: true }, { mimeType: 'video/webm' }, 0, {
      drive: (clock, _rec, stream) => {
        for (let t = 0; t < 500; t += 100) clock.advance(100);
        stream.addTrack(stream.getAudioTracks()[0]!.clone());
      },
    });
    assert.equal(r.errors.length, 1);
    assert.equal(r.events[0], 'error');
    assert.ok(await gone(r.pids[0]!), 'killed');
  });
});

describe('ffmpeg engine: failures and process hygiene', { skip }, () => {
  /** A stand-in for ffmpeg: says it is 5.1 with VP8 + Opus, reads `readBytes` of input, fails. */
  function fakeFFmpeg(readBytes: number): string {
    const path = join(dir, `fake-ffmpeg-${++n}.sh`);
    writeFileSync(path, `#!/bin/sh
case "$*" in
  *-version*) echo "ffmpeg version 5.1.0-fake"; exit 0 ;;
  *-encoders*) printf ' V....D libvpx               libvpx VP8 (codec vp8)\\n A..... libopus              libopus Opus (codec opus)\\n'; exit 0 ;;
esac
head -c ${readBytes} > /dev/null
echo "fake encoder: the codec exploded" >&2
exit 1
`);
    chmodSync(path, 0o755);
    return path;
  }

  test('ffmpeg failing mid-recording: error (UnknownError) with its stderr, then the data and stop; the child is gone', async () => {
    process.env[FFMPEG_ENV] = fakeFFmpeg(2_000_000);
    const r = await record({ video: true, audio: true }, { mimeType: 'video/webm' }, 3000);
    assert.deepEqual(r.events, ['error', 'dataavailable', 'stop']);
    assert.match(r.errors[0]!, /the codec exploded/);
    assert.ok(await gone(r.pids[0]!));
  });

  test('ffmpeg failing at the end (nothing written): the error comes before the data at stop', async () => {
    process.env[FFMPEG_ENV] = fakeFFmpeg(1 << 30);
    const r = await record({ audio: true }, { mimeType: 'audio/webm' }, 500);
    assert.deepEqual(r.events, ['error', 'dataavailable', 'stop']);
    assert.match(r.errors[0]!, /could not finish the webm file.*exited with 1.*the codec exploded/s);
  });

  test('a script that stops its tracks exits by itself, leaving a complete file and no ffmpeg', () => {
    const out = join(dir, 'script.webm');
    const script = `
      import { createMediaDevices, MediaRecorder, recordToFile } from ${JSON.stringify(join(root, 'dist/src/index.js'))};
      const md = createMediaDevices({});
      const stream = await md.mediaDevices.getUserMedia({ audio: true, video: { width: 160, height: 120 } });
      const rec = new MediaRecorder(stream, { mimeType: 'video/webm', engine: 'ffmpeg' });
      const done = recordToFile(rec, ${JSON.stringify(out)});
      rec.start(200);
      setTimeout(() => stream.getTracks().forEach((t) => t.stop()), 700);
      const { size } = await done;
      console.log(JSON.stringify({ size }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `exited with ${r.status} (signal ${r.signal}): ${r.stderr}`);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!) as { size: number };
    assert.ok(last.size > 1000);
    const p = probe(out);
    assert.ok(Number(p.format['duration']) > 0.3 && Number(p.format['duration']) < 1.5, `duration ${p.format['duration']}`);
  });

  test('a script that exits mid-recording takes its ffmpeg with it', async () => {
    const script = `
      import { createMediaDevices, MediaRecorder } from ${JSON.stringify(join(root, 'dist/src/index.js'))};
      import { runningFFmpegPids } from ${JSON.stringify(join(root, 'dist/src/recording/engine/ffmpeg-writer.js'))};
      const md = createMediaDevices({});
      const stream = await md.mediaDevices.getUserMedia({ audio: true, video: { width: 160, height: 120 } });
      const rec = new MediaRecorder(stream, { mimeType: 'video/webm', engine: 'ffmpeg' });
      rec.onstart = () => setTimeout(() => {
        console.log(JSON.stringify({ pids: runningFFmpegPids() }));
        process.exit(0);
      }, 300);
      rec.start();
    `;
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TMPDIR: tmp } });
    assert.equal(r.status, 0, r.stderr);
    const { pids } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { pids: number[] };
    assert.equal(pids.length, 1);
    assert.ok(await gone(pids[0]!), `ffmpeg ${pids[0]} outlived its parent`);
    assert.deepEqual(readdirSync(tmp), [], 'nothing left in the temporary directory');
  });
});

describe('ffmpeg engine: nothing left behind when the process is killed', { skip: skip || (process.platform === 'linux' ? false : 'reads /proc') }, () => {
  test('SIGKILL mid-recording: ffmpeg ends by itself and the temporary directory is already gone', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const script = `
      import { createMediaDevices, MediaRecorder } from ${JSON.stringify(join(root, 'dist/src/index.js'))};
      import { runningFFmpegPids } from ${JSON.stringify(join(root, 'dist/src/recording/engine/ffmpeg-writer.js'))};
      import { readdirSync, readlinkSync } from 'node:fs';
      const md = createMediaDevices({});
      const stream = await md.mediaDevices.getUserMedia({ audio: true, video: { width: 160, height: 120 } });
      const rec = new MediaRecorder(stream, { mimeType: 'video/webm', engine: 'ffmpeg' });
      rec.onstart = () => setTimeout(() => {
        const [pid] = runningFFmpegPids();
        const files = readdirSync('/proc/' + pid + '/fd').map((fd) => { try { return readlinkSync('/proc/' + pid + '/fd/' + fd); } catch { return ''; } });
        console.log(JSON.stringify({ pid, files, left: readdirSync(${JSON.stringify(tmp)}) }));
        process.kill(process.pid, 'SIGKILL');
      }, 500);
      rec.start(100);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TMPDIR: tmp } });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const { pid, files, left } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { pid: number; files: string[]; left: string[] };
    assert.deepEqual(left, [], 'the temporary directory is removed while recording');
    assert.ok(files.some((f) => /recording\.webm \(deleted\)$/.test(f)), `ffmpeg writes to the removed file: ${files.join(', ')}`);
    assert.ok(await gone(pid, 10_000), `ffmpeg ${pid} outlived its killed parent`);
  });
});

describe('engine choice and isTypeSupported', { skip }, () => {
  test('the encoder list decides what the ffmpeg engine can produce', () => {
    const list = parseEncoderList(' V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC (codec h264)\n A..... aac                  AAC (Advanced Audio Coding)\n');
    assert.deepEqual([...list], ['libx264', 'aac']);
    const caps = ffmpegCapabilities(list);
    assert.equal(isTypeSupported('video/mp4;codecs=avc1,mp4a.40.2', false, caps), true);
    assert.equal(isTypeSupported('video/mp4;codecs=av01', false, caps), false);
    assert.equal(isTypeSupported('video/webm', false, caps), false);
    assert.equal(isTypeSupported('audio/ogg', false, caps), false);
    assert.equal(isTypeSupported('audio/wav', false, caps), true);
  });

  test('MediaRecorder.isTypeSupported answers true exactly for what this ffmpeg can encode', () => {
    process.env[ENGINE_ENV] = 'ffmpeg';
    const av1 = hasAv1;
    const table: Array<[string, boolean]> = [
      ['video/webm', encoders.has('libvpx') || encoders.has('libvpx-vp9') || av1],
      ['video/webm;codecs=vp8,opus', encoders.has('libvpx') && encoders.has('libopus')],
      ['video/webm;codecs=vp9', encoders.has('libvpx-vp9')],
      ['video/webm;codecs=av1', av1],
      ['video/webm;codecs=av01.0.04M.08,opus', av1 && encoders.has('libopus')],
      ['audio/webm;codecs=opus', encoders.has('libopus')],
      ['audio/ogg;codecs=opus', encoders.has('libopus')],
      ['video/mp4', encoders.has('libx264') || av1],
      ['video/mp4;codecs=avc1.42E01E,mp4a.40.2', encoders.has('libx264') && encoders.has('aac')],
      ['video/mp4;codecs=av01,opus', av1 && encoders.has('libopus')],
      ['audio/mp4;codecs=mp4a.40.2', encoders.has('aac')],
      ['audio/mp4;codecs=opus', encoders.has('libopus')],
      ['audio/wav', true],
      ['video/mp4;codecs=hvc1', false],
      ['video/webm;codecs=h264', false],
      ['audio/ogg;codecs=vorbis', false],
      ['video/x-matroska', false],
    ];
    for (const [type, expected] of table) assert.equal(MediaRecorder.isTypeSupported(type), expected, type);
  });

  test('MEDIACAPTURE_RECORDER_ENGINE=wasm: only what the WebAssembly engine makes, and no child process', async () => {
    process.env[ENGINE_ENV] = 'wasm';
    assert.equal(MediaRecorder.isTypeSupported('video/mp4'), false);
    assert.equal(MediaRecorder.isTypeSupported('video/webm;codecs=av1'), false);
    assert.equal(MediaRecorder.isTypeSupported('video/webm;codecs=vp9,opus'), true);
    const r = await record({ audio: true }, { mimeType: 'audio/webm', engine: undefined }, 500);
    assert.deepEqual(r.pids, []);
    near(Number(probe(r.file).format['duration']), 0.5, 'duration');
    // The option wins over the environment.
    const o = await record({ audio: true }, { mimeType: 'audio/webm', engine: 'ffmpeg' }, 500);
    assert.equal(o.pids.length, 1);
  });

  test('MEDIACAPTURE_RECORDER_ENGINE=ffmpeg: a recording runs ffmpeg', async () => {
    process.env[ENGINE_ENV] = 'ffmpeg';
    const r = await record({ audio: true }, { mimeType: 'audio/webm', engine: undefined }, 500);
    assert.equal(r.pids.length, 1);
    assert.ok(await gone(r.pids[0]!));
  });

  test('a bad engine setting or a missing ffmpeg is a clear NotSupportedError; auto falls back to WebAssembly', async () => {
    const clock = new VirtualClock();
    const stream = await createMediaDevices({ clock }).mediaDevices.getUserMedia({ audio: true });
    process.env[ENGINE_ENV] = 'native';
    assert.throws(() => new MediaRecorder(stream, { mimeType: 'audio/webm' }), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError' && /MEDIACAPTURE_RECORDER_ENGINE="native"/.test(e.message));
    const rec = new MediaRecorder(stream);
    assert.throws(() => rec.start(), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError' && /MEDIACAPTURE_RECORDER_ENGINE/.test(e.message));
    assert.equal(rec.state, 'inactive');
    process.env[ENGINE_ENV] = 'ffmpeg';
    process.env[FFMPEG_ENV] = join(dir, 'no-such-ffmpeg');
    assert.throws(() => new MediaRecorder(stream, { mimeType: 'audio/webm' }), (e: unknown) => e instanceof DOMException && /no-such-ffmpeg cannot be run/.test(e.message));
    // WAV needs no engine.
    assert.doesNotThrow(() => new MediaRecorder(stream, { mimeType: 'audio/wav' }));
    process.env[ENGINE_ENV] = 'auto';
    assert.equal(MediaRecorder.isTypeSupported('video/mp4'), false);
    assert.equal(MediaRecorder.isTypeSupported('audio/webm'), true);
    stopAll(stream);
  });
});
