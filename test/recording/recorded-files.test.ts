/**
 * What MediaRecorder writes, read back by FFmpeg's ffprobe / ffmpeg (real players' demuxers and
 * decoders), with each recording engine: the WebAssembly one and the system ffmpeg. Skipped, with
 * the reason printed, where ffmpeg is not installed.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaRecorder } from '../../src/recording/media-recorder.js';
import { BlobEvent } from '../../src/recording/blob-event.js';
import { recordToFile } from '../../src/recording/record-to-file.js';
import { statSync } from 'node:fs';
import { VirtualClock } from '../../src/media/clock.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { stopAll } from '../devices/helpers.js';
import { ffmpegMissing, probe, streamEnd, decodeAll } from '../support/ffmpeg.js';
import type { EngineName } from '../../src/recording/engine/select.js';

const skip = ffmpegMissing;
if (skip) console.log(`# recorded-files: skipped: ${skip}`);

const dir = mkdtempSync(join(tmpdir(), 'mediacapture-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Recorded {
  file: string;
  slices: number;
  type: string;
}

/** Records `ms` of virtual time from the synthetic devices and writes the joined Blobs to a file. */
let engine: EngineName = 'wasm';

async function record(constraints: MediaStreamConstraints, options: object, ms: number, timeslice?: number, during?: (stream: MediaStream, clock: VirtualClock) => void): Promise<Recorded> {
  const clock = new VirtualClock();
  const md = createMediaDevices({ clock });
  const stream = await md.mediaDevices.getUserMedia(constraints);
  during?.(stream as unknown as MediaStream, clock);
  const rec = new MediaRecorder(stream, { ...options, engine });
  const blobs: Blob[] = [];
  rec.ondataavailable = (e: BlobEvent) => blobs.push(e.data);
  const stopped = new Promise((r) => rec.addEventListener('stop', r));
  rec.start(timeslice);
  await new Promise((r) => rec.addEventListener('start', r));
  for (let t = 0; t < ms; t += 100) clock.advance(100);
  rec.stop();
  await stopped;
  stopAll(stream);
  const file = join(dir, `r${++n}`);
  writeFileSync(file, new Uint8Array(await new Blob(blobs).arrayBuffer()));
  return { file, slices: blobs.length, type: blobs[0]!.type };
}

for (const which of ['wasm', 'ffmpeg'] as const) describe(`recorded files play in FFmpeg (${which} engine)`, { skip }, () => {
  before(() => {
    engine = which;
  });

  test('getUserMedia({audio, video}), start(1000), 3 s: three or more slices joined into VP8 + Opus WebM of 3 s', async () => {
    const r = await record({ audio: true, video: true }, {}, 3000, 1000);
    assert.ok(r.slices >= 3, `${r.slices} slices`);
    assert.equal(r.type, 'video/webm;codecs=vp8,opus');
    const p = probe(r.file);
    assert.match(p.format['format_name']!, /webm/);
    const v = p.streams.find((s) => s['codec_type'] === 'video')!;
    const a = p.streams.find((s) => s['codec_type'] === 'audio')!;
    assert.equal(v['codec_name'], 'vp8');
    assert.equal(v['width'], 640);
    assert.equal(v['height'], 480);
    assert.equal(a['codec_name'], 'opus');
    assert.equal(a['sample_rate'], '48000');
    // A sliced recording carries no Duration element (its header went out first, as in browsers):
    // the packets say how long it is.
    assert.ok(Math.abs(streamEnd(r.file, 'v') - 3) <= 0.1, `video ends at ${streamEnd(r.file, 'v')}`);
    assert.ok(Math.abs(streamEnd(r.file, 'a') - 3) <= 0.1, `audio ends at ${streamEnd(r.file, 'a')}`);
    decodeAll(r.file);
  });

  test('a recording delivered in one Blob has its duration in the header', async () => {
    const r = await record({ audio: true, video: true }, { mimeType: 'video/webm;codecs=vp8,opus' }, 2000);
    assert.equal(r.slices, 1);
    const p = probe(r.file);
    assert.ok(Math.abs(Number(p.format['duration']) - 2) <= 0.1, `duration ${p.format['duration']}`);
  });

  test('VP9 video, scaled sizes and an odd frame rate', async () => {
    const r = await record({ video: { width: 320, height: 240, frameRate: 15 } }, { mimeType: 'video/webm;codecs=vp9' }, 2000);
    const p = probe(r.file);
    assert.equal(p.streams.length, 1);
    assert.equal(p.streams[0]!['codec_name'], 'vp9');
    assert.equal(p.streams[0]!['width'], 320);
    assert.ok(Math.abs(Number(p.format['duration']) - 2) <= 0.1);
    decodeAll(r.file);
  });

  test('Opus in Ogg, stereo', async () => {
    const r = await record({ audio: { channelCount: 2 } }, { mimeType: 'audio/ogg;codecs=opus' }, 2000, 500);
    const p = probe(r.file);
    assert.equal(p.format['format_name'], 'ogg');
    assert.equal(p.streams[0]!['codec_name'], 'opus');
    assert.equal(p.streams[0]!['channels'], 2);
    assert.ok(Math.abs(Number(p.format['duration']) - 2) <= 0.1, `duration ${p.format['duration']}`);
    decodeAll(r.file);
  });

  test('WAV: exact duration', async () => {
    const r = await record({ audio: true }, { mimeType: 'audio/wav' }, 1500);
    const p = probe(r.file);
    assert.equal(p.streams[0]!['codec_name'], 'pcm_s16le');
    assert.equal(Number(p.format['duration']), 1.5);
  });

  test('a disabled camera records black', async () => {
    const r = await record({ video: true }, {}, 1000, undefined, (stream) => {
      stream.getVideoTracks()[0]!.enabled = false;
    });
    const luma = execFileSync('ffmpeg', ['-v', 'error', '-i', r.file, '-frames:v', '5', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 24 });
    assert.ok(luma.length >= 640 * 480);
    let max = 0;
    for (const y of luma) max = Math.max(max, y);
    assert.ok(max <= 20, `brightest luma ${max}`);
  });

  test('videoKeyFrameIntervalCount puts a key frame every N frames', async () => {
    const r = await record({ video: { frameRate: 30 } }, { videoKeyFrameIntervalCount: 10 }, 2000);
    const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', r.file], { encoding: 'utf8' });
    const keys = out.trim().split('\n').map((f, i) => (f.startsWith('K') ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(keys.slice(0, 4), [0, 10, 20, 30]);
  });

  test('recordToFile writes slices as they come and the late header bytes too: the file has its duration', async () => {
    for (const [mimeType, ms] of [['video/webm', 3000], ['audio/wav', 2500]] as const) {
      const clock = new VirtualClock();
      const md = createMediaDevices({ clock });
      const stream = await md.mediaDevices.getUserMedia(mimeType === 'audio/wav' ? { audio: true } : { audio: true, video: true });
      const rec = new MediaRecorder(stream, { mimeType, engine });
      const file = join(dir, `file${++n}`);
      const done = recordToFile(rec, file);
      rec.start(250);
      await new Promise((r) => rec.addEventListener('start', r));
      for (let t = 0; t < ms; t += 100) clock.advance(100);
      rec.stop();
      const result = await done;
      stopAll(stream);
      assert.equal(result.size, statSync(file).size);
      const p = probe(file);
      assert.ok(Math.abs(Number(p.format['duration']) - ms / 1000) <= 0.1, `${mimeType}: duration ${p.format['duration']}`);
      decodeAll(file);
    }
  });

  test('recordToFile refuses what is not a recorder or a path, and reports a file it cannot open', async () => {
    await assert.rejects(recordToFile({} as MediaRecorder, join(dir, 'x')), TypeError);
    await assert.rejects(recordToFile(new MediaRecorder(new (await import('../../src/stream/media-stream.js')).MediaStream()), ''), TypeError);
    const rec = new MediaRecorder(new (await import('../../src/stream/media-stream.js')).MediaStream());
    await assert.rejects(recordToFile(rec, join(dir, 'missing-dir', 'f.webm')), { code: 'ENOENT' });
  });
});
