/**
 * RecordRTC (the most used recording library) on its MediaStreamRecorder path, under the
 * polyfill. RecordRTC rewrites globals when it loads outside a browser (navigator, window,
 * document), so each case runs in a child process of its own.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegMissing, probe, streamEnd, decodeAll } from '../support/ffmpeg.js';

const skip = ffmpegMissing;
if (skip) console.log(`# recordrtc: skipped: ${skip}`);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mediacapture-recordrtc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  type: string;
  size: number;
  slices: number[];
  state: string;
  /** Wall-clock seconds between startRecording() and the stopRecording() callback. */
  elapsed: number;
}

/** Browser-style page code: getUserMedia, then RecordRTC with the given options for `ms`. */
function runPage(options: string, ms: number, out: string): Outcome {
  const script = `
    import { installPolyfill } from ${JSON.stringify(join(root, 'dist/src/index.js'))};
    import { createRequire } from 'node:module';
    import { writeFileSync } from 'node:fs';
    installPolyfill();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
    const RecordRTC = createRequire(${JSON.stringify(join(root, 'package.json'))})('recordrtc');
    const slices = [];
    const recorder = new RecordRTC(stream, { ...${options}, recorderType: RecordRTC.MediaStreamRecorder,
      disableLogs: true, ondataavailable: (b) => slices.push(b.size) });
    const t0 = performance.now();
    recorder.startRecording();
    setTimeout(() => recorder.stopRecording(async () => {
      const elapsed = (performance.now() - t0) / 1000;
      const blob = recorder.getBlob();
      writeFileSync(${JSON.stringify(out)}, new Uint8Array(await blob.arrayBuffer()));
      stream.getTracks().forEach((t) => t.stop());
      console.log(JSON.stringify({ type: blob.type, size: blob.size, slices, state: recorder.getState(), elapsed }));
    }), ${ms});
  `;
  // No process.exit in the page: the child must end by itself once its tracks are stopped.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `child exited with ${r.status} (signal ${r.signal}): ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Outcome;
}

describe('RecordRTC MediaStreamRecorder under the polyfill', { skip }, () => {
  test('video with timeSlice: slices arrive, the joined Blob is VP8 + Opus WebM as long as the recording', () => {
    const file = join(dir, 'sliced.webm');
    const o = runPage(`{ type: 'video', mimeType: 'video/webm;codecs=vp8', timeSlice: 500 }`, 1500, file);
    assert.equal(o.state, 'stopped');
    assert.equal(o.type, 'video/webm;codecs=vp8');
    assert.ok(o.slices.length >= 3, `${o.slices.length} slices`);
    assert.equal(o.slices.reduce((a, b) => a + b, 0), o.size, 'the final Blob is the slices joined');
    const p = probe(file);
    const v = p.streams.find((s) => s['codec_type'] === 'video')!;
    const a = p.streams.find((s) => s['codec_type'] === 'audio')!;
    assert.equal(v['codec_name'], 'vp8');
    assert.deepEqual([v['width'], v['height']], [320, 240]);
    assert.equal(a['codec_name'], 'opus');
    // A real clock: the recording spans the time between start and stop (less start-up latency).
    const end = streamEnd(file, 'a');
    assert.ok(end <= o.elapsed + 0.05 && end >= o.elapsed - 0.4, `audio ends at ${end} s, recorded for ${o.elapsed} s`);
    decodeAll(file);
  });

  test('audio only, no timeSlice: one Blob of Opus in WebM whose header carries the duration', () => {
    const file = join(dir, 'audio.webm');
    const o = runPage(`{ type: 'audio', mimeType: 'audio/webm;codecs=opus' }`, 1000, file);
    assert.equal(o.type, 'audio/webm;codecs=opus');
    assert.equal(o.slices.length, 0, 'RecordRTC reports slices only when given a timeSlice');
    assert.ok(o.size > 1000, `${o.size} bytes`);
    const p = probe(file);
    assert.equal(p.streams.length, 1);
    assert.equal(p.streams[0]!['codec_name'], 'opus');
    const duration = Number(p.format['duration']);
    assert.ok(duration <= o.elapsed + 0.05 && duration >= o.elapsed - 0.4, `duration ${duration} s, recorded for ${o.elapsed} s`);
  });
});
