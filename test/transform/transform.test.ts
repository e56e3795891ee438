import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VideoTrackGenerator } from '../../src/transform/video-track-generator.js';
import { MediaStreamTrackGenerator } from '../../src/transform/media-stream-track-generator.js';
import { MediaStreamTrackProcessor, processorQueueLength } from '../../src/transform/media-stream-track-processor.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { AudioData } from '../../src/media/audio-data.js';
import { framePlaneStats } from '../../src/media/frame-buffer.js';
import { VirtualClock } from '../../src/media/clock.js';
import { SyntheticVideoSource } from '../../src/sources/synthetic/video.js';
import { createTrack } from '../../src/stream/internals.js';
import { MediaStreamTrack } from '../../src/stream/media-stream-track.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

function pattern(w: number, h: number, seed: number): Uint8Array {
  const out = new Uint8Array(w * h * 3 / 2);
  for (let i = 0; i < out.length; i++) out[i] = (i * 7 + seed * 13) & 0xff;
  return out;
}

async function bytesOf(frame: VideoFrame): Promise<Uint8Array> {
  const b = new Uint8Array(frame.allocationSize());
  await frame.copyTo(b);
  return b;
}

describe('VideoTrackGenerator -> track -> MediaStreamTrackProcessor', () => {
  test('round trip keeps pixels and timestamps, without copying', async () => {
    const gen = new VideoTrackGenerator();
    assert.equal(gen.track.kind, 'video');
    assert.ok(gen.track instanceof MediaStreamTrack);
    const proc = new MediaStreamTrackProcessor({ track: gen.track, maxBufferSize: 10 });
    const writer = gen.writable.getWriter();
    const reader = proc.readable.getReader();
    const sent: Uint8Array[] = [];
    const copied = framePlaneStats().bytesCopied;
    for (let i = 0; i < 5; i++) {
      const data = pattern(16, 8, i);
      sent.push(data);
      const f = new VideoFrame(data.slice().buffer, { format: 'I420', codedWidth: 16, codedHeight: 8, timestamp: i * 1000, duration: 1000, transfer: [] });
      await writer.write(f);
      assert.equal(f.format, null, 'a written frame is closed');
    }
    const copiedBefore = framePlaneStats().bytesCopied;
    for (let i = 0; i < 5; i++) {
      const { value, done } = await reader.read();
      assert.equal(done, false);
      const frame = value as VideoFrame;
      assert.equal(frame.timestamp, i * 1000);
      assert.equal(frame.duration, 1000);
      assert.deepEqual(await bytesOf(frame), sent[i]);
      frame.close();
    }
    // Only the constructor copies (user data into a frame): 5 frames of 192 bytes.
    assert.equal(copiedBefore - copied, 5 * 192);
    assert.equal(proc.totalFrames, 5);
    assert.equal(proc.discardedFrames, 0);
    gen.track.stop();
    const end = await reader.read();
    assert.equal(end.done, true, 'the track ending closes the readable');
    await assert.rejects(writer.write(new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 })));
  });

  test('writable rejects non-frames and closed frames', async () => {
    const gen = new VideoTrackGenerator();
    const w = gen.writable.getWriter();
    await assert.rejects(w.write('nope'), TypeError);
    const gen2 = new VideoTrackGenerator();
    const w2 = gen2.writable.getWriter();
    const f = new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 });
    f.close();
    await assert.rejects(w2.write(f), TypeError);
    gen.track.stop();
    gen2.track.stop();
  });

  test('closing the writable ends the track (ended fires)', async () => {
    const gen = new VideoTrackGenerator();
    const clone = gen.track.clone();
    let ended = 0;
    gen.track.addEventListener('ended', () => ended++);
    clone.addEventListener('ended', () => ended++);
    await gen.writable.close();
    await tick();
    await tick();
    assert.equal(gen.track.readyState, 'ended');
    assert.equal(clone.readyState, 'ended');
    assert.equal(ended, 2);
  });

  test('muted: frames are not sent, and the track becomes muted', async () => {
    const gen = new VideoTrackGenerator();
    const proc = new MediaStreamTrackProcessor({ track: gen.track, maxBufferSize: 5 });
    const writer = gen.writable.getWriter();
    let mutes = 0;
    gen.track.addEventListener('mute', () => mutes++);
    gen.muted = true;
    gen.muted = false;
    gen.muted = true;
    assert.equal(gen.muted, true);
    const f = new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 });
    await writer.write(f);
    assert.equal(f.format, null, 'closed although not sent');
    assert.equal(proc.totalFrames, 0);
    await tick();
    await tick();
    await tick();
    assert.equal(gen.track.muted, true);
    assert.equal(mutes, 1, 'one settled change');
    gen.track.stop();
  });

  test('a clone constrained to another size gets scaled frames', async () => {
    const gen = new VideoTrackGenerator();
    const clone = gen.track.clone();
    const p1 = new MediaStreamTrackProcessor({ track: gen.track });
    const p2 = new MediaStreamTrackProcessor({ track: clone });
    const writer = gen.writable.getWriter();
    await writer.write(new VideoFrame(pattern(16, 8, 1), { format: 'I420', codedWidth: 16, codedHeight: 8, timestamp: 5 }));
    const r1 = await p1.readable.getReader().read();
    const r2 = await p2.readable.getReader().read();
    const a = r1.value as VideoFrame, b = r2.value as VideoFrame;
    assert.equal(a.timestamp, 5);
    assert.equal(b.timestamp, 5);
    assert.deepEqual(await bytesOf(a), await bytesOf(b), 'both clones share the unadapted frame');
    a.close();
    b.close();
    gen.track.stop();
    clone.stop();
  });
});

describe('MediaStreamTrackGenerator', () => {
  test('is a MediaStreamTrack; video round trip; frames after stop are closed', async () => {
    const gen = new MediaStreamTrackGenerator({ kind: 'video' });
    assert.ok(gen instanceof MediaStreamTrack);
    assert.ok(gen instanceof MediaStreamTrackGenerator);
    assert.equal(gen.kind, 'video');
    assert.equal(Object.prototype.toString.call(gen), '[object MediaStreamTrackGenerator]');
    const proc = new MediaStreamTrackProcessor({ track: gen });
    const writer = gen.writable.getWriter();
    const data = pattern(8, 4, 3);
    await writer.write(new VideoFrame(data, { format: 'I420', codedWidth: 8, codedHeight: 4, timestamp: 77 }));
    const { value } = await proc.readable.getReader().read();
    assert.equal((value as VideoFrame).timestamp, 77);
    assert.deepEqual(await bytesOf(value as VideoFrame), data);
    (value as VideoFrame).close();
    gen.stop();
    const live = framePlaneStats().live;
    const late = new VideoFrame(data, { format: 'I420', codedWidth: 8, codedHeight: 4, timestamp: 78 });
    await writer.write(late);
    assert.equal(late.format, null, 'written after the track ended: closed');
    assert.equal(framePlaneStats().live, live, 'and its storage released');
  });

  test('audio round trip keeps samples and timestamps', async () => {
    const gen = new MediaStreamTrackGenerator({ kind: 'audio' });
    assert.equal(gen.kind, 'audio');
    const proc = new MediaStreamTrackProcessor({ track: gen, maxBufferSize: 4 });
    const writer = gen.writable.getWriter();
    const samples = new Float32Array(960).map((_, i) => Math.sin(i / 10) / 2);
    await writer.write(new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 2, timestamp: 10_000, data: samples }));
    const { value } = await proc.readable.getReader().read();
    const a = value as AudioData;
    assert.equal(a.timestamp, 10_000);
    assert.equal(a.numberOfChannels, 2);
    const out = new Float32Array(480);
    a.copyTo(out, { planeIndex: 1 });
    assert.deepEqual(out, samples.subarray(480));
    a.close();
    await assert.rejects(writer.write(new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 })), TypeError);
    gen.stop();
  });

  test('init is validated', () => {
    assert.throws(() => new MediaStreamTrackGenerator({ kind: 'text' }), TypeError);
    assert.throws(() => new MediaStreamTrackGenerator({}), TypeError);
  });

  test('accepts frames of another WebCodecs implementation (same shape)', async () => {
    const gen = new MediaStreamTrackGenerator({ kind: 'video' });
    const proc = new MediaStreamTrackProcessor({ track: gen });
    const inner = new VideoFrame(pattern(4, 2, 9), { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 3 });
    let closed = false;
    const foreign = {
      format: 'I420',
      codedWidth: 4,
      codedHeight: 2,
      timestamp: 3,
      duration: null,
      visibleRect: { x: 0, y: 0, width: 4, height: 2 },
      allocationSize: () => inner.allocationSize(),
      copyTo: (d: Uint8Array) => inner.copyTo(d),
      close: () => {
        closed = true;
      },
    };
    await gen.writable.getWriter().write(foreign);
    assert.equal(closed, true);
    const { value } = await proc.readable.getReader().read();
    assert.deepEqual(await bytesOf(value as VideoFrame), pattern(4, 2, 9));
    (value as VideoFrame).close();
    inner.close();
    gen.stop();
  });
});

describe('MediaStreamTrackProcessor', () => {
  test('a reader that never reads: at most maxBufferSize frames for 10 virtual minutes, memory flat', async () => {
    const clock = new VirtualClock();
    const src = new SyntheticVideoSource({ kind: 'video', mode: { width: 64, height: 48, frameRate: 30 } }, clock);
    const track = createTrack(src, { kind: 'video', label: 'synthetic camera' });
    const live0 = framePlaneStats().live;
    const proc = new MediaStreamTrackProcessor({ track, maxBufferSize: 3 });
    void proc.readable;
    const lives: number[] = [];
    for (let minute = 0; minute < 10; minute++) {
      for (let s = 0; s < 60; s++) clock.advance(1000);
      assert.ok(processorQueueLength(proc) <= 3);
      lives.push(framePlaneStats().live - live0);
    }
    assert.deepEqual(lives, new Array(10).fill(3), 'exactly the 3 queued frames are alive');
    assert.equal(proc.totalFrames, 10 * 60 * 30);
    assert.equal(proc.discardedFrames, 10 * 60 * 30 - 3);
    // The newest frames are the ones kept.
    const reader = proc.readable.getReader();
    const r = await reader.read();
    assert.equal((r.value as VideoFrame).timestamp, Math.round(((18000 - 3) * 1e6) / 30));
    (r.value as VideoFrame).close();
    track.stop();
    assert.equal(framePlaneStats().live, live0);
    assert.equal(clock.pendingTimers, 0);
  });

  test('default maxBufferSize is 1: the newest frame wins', async () => {
    const gen = new VideoTrackGenerator();
    const proc = new MediaStreamTrackProcessor({ track: gen.track });
    const w = gen.writable.getWriter();
    for (let i = 0; i < 3; i++) await w.write(new VideoFrame(pattern(2, 2, i), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: i }));
    assert.equal(proc.discardedFrames, 2);
    const { value } = await proc.readable.getReader().read();
    assert.equal((value as VideoFrame).timestamp, 2);
    (value as VideoFrame).close();
    gen.track.stop();
  });

  test('cancel disconnects from the track and closes queued frames', async () => {
    const gen = new VideoTrackGenerator();
    const proc = new MediaStreamTrackProcessor({ track: gen.track, maxBufferSize: 4 });
    const w = gen.writable.getWriter();
    const live = framePlaneStats().live;
    await w.write(new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 }));
    assert.equal(framePlaneStats().live, live + 1);
    await proc.readable.cancel();
    assert.equal(framePlaneStats().live, live);
    await w.write(new VideoFrame(pattern(2, 2, 0), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 1 }));
    assert.equal(proc.totalFrames, 1);
    gen.track.stop();
  });

  test('init validation', () => {
    assert.throws(() => new (MediaStreamTrackProcessor as unknown as new () => unknown)(), TypeError);
    assert.throws(() => new MediaStreamTrackProcessor({ track: {} as never }), TypeError);
    const gen = new VideoTrackGenerator();
    assert.throws(() => new MediaStreamTrackProcessor({ track: gen.track, maxBufferSize: 70000 }), TypeError);
    gen.track.stop();
  });
});
