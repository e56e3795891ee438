import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { spawn, spawnSync } from 'node:child_process';
import { trackFromReadable, trackToReadable } from '../../src/interop/index.js';
import { VirtualClock } from '../../src/media/clock.js';
import { SyntheticVideoSource } from '../../src/sources/synthetic/video.js';
import { SyntheticAudioSource } from '../../src/sources/synthetic/audio.js';
import { createTrack, getTrackOutput } from '../../src/stream/internals.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import { framePlaneStats } from '../../src/media/frame-buffer.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Random float32 samples (deterministic LCG), as bytes. */
function noise(samples: number, seed = 1): Buffer {
  const f = new Float32Array(samples);
  let x = seed;
  for (let i = 0; i < samples; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    f[i] = (x / 2 ** 32) * 2 - 1;
  }
  return Buffer.from(f.buffer);
}

/** Collects a readable while advancing a virtual clock until it ends. */
async function drain(out: Readable, clock: VirtualClock, stepMs: number, maxSteps = 100_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let ended = false;
  out.on('data', (c: Buffer) => chunks.push(c));
  out.on('end', () => (ended = true));
  for (let i = 0; i < maxSteps && !ended; i++) {
    clock.advance(stepMs);
    await tick();
  }
  assert.ok(ended, 'the readable ended');
  return Buffer.concat(chunks);
}

describe('Node stream round trips', () => {
  test('audio f32le: bytes in == bytes out (with a final partial chunk)', async () => {
    const clock = new VirtualClock();
    const input = noise(48000 / 2 + 123, 7);
    const track = trackFromReadable(Readable.from([input.subarray(0, 1000), input.subarray(1000)]), { kind: 'audio', format: 'f32le', sampleRate: 48000, channelCount: 1, clock });
    assert.equal(track.kind, 'audio');
    const out = trackToReadable(track, { format: 'f32le' });
    const bytes = await drain(out, clock, 10);
    assert.equal(bytes.length, input.length);
    assert.ok(bytes.equals(input));
    assert.equal(track.readyState, 'ended', 'the input ending ends the track');
    assert.equal(clock.pendingTimers, 0);
  });

  test('audio s16le stereo in, f32le mono out: speakers down-mix of the decoded samples', async () => {
    const clock = new VirtualClock();
    const frames = 480 * 3;
    const s16 = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      s16[2 * i] = (i * 37) % 20000 - 10000;
      s16[2 * i + 1] = (i * 91) % 30000 - 15000;
    }
    const track = trackFromReadable(Readable.from([Buffer.from(s16.buffer)]), { kind: 'audio', format: 's16le', sampleRate: 48000, channelCount: 2, clock });
    const out = trackToReadable(track, { format: 'f32le', channelCount: 1 });
    const bytes = await drain(out, clock, 10);
    const mono = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    assert.equal(mono.length, frames);
    for (let i = 0; i < frames; i += 17) {
      const expected = Math.fround(0.5 * (s16[2 * i]! / 32768 + s16[2 * i + 1]! / 32768));
      assert.ok(Math.abs(mono[i]! - expected) < 1e-6);
    }
  });

  test('audio resampled on the way out: 48 kHz in, 16 kHz s16le out keeps a 1 kHz tone', async () => {
    const clock = new VirtualClock();
    const f = new Float32Array(48000);
    for (let i = 0; i < f.length; i++) f[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000);
    const track = trackFromReadable(Readable.from([Buffer.from(f.buffer)]), { kind: 'audio', format: 'f32le', sampleRate: 48000, channelCount: 1, clock });
    const bytes = await drain(trackToReadable(track, { format: 's16le', sampleRate: 16000 }), clock, 10);
    const out = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    // One second in, about one second out (less the resampler's latency).
    assert.ok(out.length > 15_800 && out.length <= 16_000, `got ${out.length} samples`);
    // Away from the edges the tone is there: 16 samples per period, so out[n] ~ -out[n + 8].
    let err = 0;
    for (let n = 4000; n < 12000; n++) err = Math.max(err, Math.abs(out[n]! + out[n + 8]!));
    assert.ok(err < 0.02 * 32768, `half-period antisymmetry error ${err}`);
    const peak = Math.max(...out.subarray(4000, 12000));
    assert.ok(Math.abs(peak - 0.5 * 32768) < 0.03 * 32768, `peak ${peak}`);
  });

  test('video I420: frames in == frames out, timestamps from the frame index', async () => {
    const clock = new VirtualClock();
    const w = 32, h = 16, n = 12;
    const size = w * h * 1.5;
    const input = Buffer.alloc(size * n);
    for (let i = 0; i < input.length; i++) input[i] = (i * 31 + (i >> 7)) & 0xff;
    const track = trackFromReadable(Readable.from([input]), { kind: 'video', width: w, height: h, frameRate: 25, pixelFormat: 'I420', clock });
    const stamps: number[] = [];
    getTrackOutput(track).subscribe({ frame(f: unknown) { stamps.push((f as VideoFrame).timestamp); (f as VideoFrame).close(); }, end() {} });
    const out = trackToReadable(track, { pixelFormat: 'I420', maxQueuedFrames: 100 });
    const bytes = await drain(out, clock, 40);
    assert.ok(bytes.equals(input));
    // Stamped from the clock time of the first frame plus the frame index.
    assert.deepEqual(stamps.map((t) => t - stamps[0]!), Array.from({ length: n }, (_, i) => i * 40_000));
  });

  test('video to RGBA conversion on the way out', async () => {
    const clock = new VirtualClock();
    const frame = Buffer.alloc(4 * 2 * 1.5);
    frame.fill(235, 0, 8); // white luma
    frame.fill(128, 8);
    const track = trackFromReadable(Readable.from([frame]), { kind: 'video', width: 4, height: 2, frameRate: 10, pixelFormat: 'I420', clock });
    const bytes = await drain(trackToReadable(track, { pixelFormat: 'RGBA' }), clock, 100);
    assert.equal(bytes.length, 4 * 2 * 4);
    for (let i = 0; i < 8; i++) assert.deepEqual([...bytes.subarray(i * 4, i * 4 + 4)], [255, 255, 255, 255]);
  });
});

describe('backpressure', () => {
  test('video: a reader that never reads keeps at most maxQueuedFrames, dropping the oldest', () => {
    const clock = new VirtualClock();
    const src = new SyntheticVideoSource({ kind: 'video', mode: { width: 32, height: 24, frameRate: 30 } }, clock);
    const track = createTrack(src, { kind: 'video', label: 'cam' });
    const live = framePlaneStats().live;
    const out = trackToReadable(track, { pixelFormat: 'I420', maxQueuedFrames: 3 });
    clock.advance(10_000);
    assert.equal(out.queuedFrames, 3);
    assert.equal(out.droppedFrames, 297);
    assert.equal(framePlaneStats().live - live, 3);
    out.destroy();
    assert.equal(framePlaneStats().live, live);
    track.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  test('audio: buffered up to maxBufferMs, then chunks are dropped and counted', () => {
    const clock = new VirtualClock();
    const src = new SyntheticAudioSource({ kind: 'audio', mode: { sampleRate: 48000, channelCount: 1, sampleSize: 16, latency: 0 } }, clock);
    const track = createTrack(src, { kind: 'audio', label: 'mic' });
    const out = trackToReadable(track, { format: 's16le', maxBufferMs: 200 });
    clock.advance(1000);
    assert.equal(out.queuedFrames, 20);
    assert.equal(out.droppedFrames, 80 * 480);
    out.destroy();
    track.stop();
  });

  test('trackFromReadable pauses its input while consumers hold frames, and resumes as they catch up', async () => {
    const clock = new VirtualClock();
    const w = 8, h = 8;
    const size = w * h * 1.5;
    const input = new Readable({ read() {} });
    for (let i = 0; i < 40; i++) input.push(Buffer.alloc(size, i));
    const track = trackFromReadable(input, { kind: 'video', width: w, height: h, frameRate: 10, pixelFormat: 'I420', clock, maxInFlight: 4, maxQueued: 2 });
    const held: VideoFrame[] = [];
    getTrackOutput(track).subscribe({ frame: (f: unknown) => held.push(f as VideoFrame), end() {} });
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      await tick();
    }
    assert.equal(held.length, 4, 'delivery stops at maxInFlight held frames');
    const t0 = held[0]!.timestamp;
    assert.deepEqual(held.map((f) => f.timestamp - t0), [0, 100_000, 200_000, 300_000]);
    assert.equal(input.isPaused(), true);
    for (const f of held.splice(0)) f.close();
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await tick();
    }
    assert.ok(held.length > 0, 'delivery resumed');
    assert.equal(held[0]!.timestamp - t0, 400_000, 'the next frame in sequence: none were lost');
    for (const f of held.splice(0)) f.close();
    track.stop();
    await tick();
    assert.equal(input.destroyed, true, 'the last track ending destroys the input');
    assert.equal(clock.pendingTimers, 0);
  });

  test('bad options are TypeErrors', () => {
    const r = Readable.from([]);
    assert.throws(() => trackFromReadable(r, { kind: 'audio', format: 'f64le' as never, sampleRate: 48000, channelCount: 1 }), TypeError);
    assert.throws(() => trackFromReadable(r, { kind: 'video', width: 0, height: 2, frameRate: 30, pixelFormat: 'I420' }), TypeError);
    assert.throws(() => trackFromReadable({} as Readable, { kind: 'video', width: 2, height: 2, frameRate: 30, pixelFormat: 'I420' }), TypeError);
    assert.throws(() => trackToReadable({} as never, { format: 'f32le' }), TypeError);
  });
});

describe('ffmpeg', () => {
  test('f32le through ffmpeg stays bit-exact', async (t) => {
    if (spawnSync('ffmpeg', ['-version']).status !== 0) {
      t.skip('ffmpeg is not installed');
      return;
    }
    const clock = new VirtualClock();
    const input = noise(48000, 3);
    const track = trackFromReadable(Readable.from([input]), { kind: 'audio', format: 'f32le', sampleRate: 48000, channelCount: 1, clock });
    const out = trackToReadable(track, { format: 'f32le' });
    const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'f32le', '-ar', '48000', '-ac', '1', '-i', 'pipe:0', '-f', 'f32le', 'pipe:1'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const chunks: Buffer[] = [];
      ff.stdout.on('data', (c: Buffer) => chunks.push(c));
      const exited = new Promise<number | null>((resolve) => ff.on('close', (code) => resolve(code)));
      out.pipe(ff.stdin);
      let done = false;
      out.on('end', () => (done = true));
      // Real milliseconds between steps let the pipes to and from ffmpeg move.
      for (let i = 0; i < 10_000 && !done; i++) {
        clock.advance(10);
        await new Promise((r) => setTimeout(r, 1));
      }
      assert.ok(done);
      assert.equal(await exited, 0);
      const result = Buffer.concat(chunks);
      assert.equal(result.length, input.length);
      assert.ok(result.equals(input), 'bit-exact');
    } finally {
      if (ff.exitCode === null && ff.pid !== undefined) process.kill(ff.pid);
    }
  });
});
