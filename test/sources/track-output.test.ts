import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { TrackOutputImpl, fillBlack } from '../../src/sources/track-output.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { AudioData } from '../../src/media/audio-data.js';
import { framePlaneStats } from '../../src/media/frame-buffer.js';
import { tightFrameSize } from '../../src/media/pixel-format.js';
import { Recorder } from './helpers.js';

function host() {
  const closed: TrackOutputImpl[] = [];
  return { closed, outputClosed: (o: TrackOutputImpl) => closed.push(o) };
}

function rgbaFrame(w: number, h: number, ts: number, rgba: [number, number, number, number]): VideoFrame {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return new VideoFrame(data, { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: ts });
}

async function bytes(f: VideoFrame): Promise<Uint8Array> {
  const out = new Uint8Array(f.allocationSize());
  await f.copyTo(out);
  return out;
}

describe('TrackOutput', () => {
  test('unadapted frames are shared across consumers, never copied', () => {
    const h = host();
    const out = new TrackOutputImpl('video', h, null);
    const a = new Recorder<VideoFrame>(true), b = new Recorder<VideoFrame>(true);
    out.subscribe(a);
    out.subscribe(b);
    const f = rgbaFrame(4, 4, 10, [1, 2, 3, 4]);
    const before = framePlaneStats();
    out.push(f);
    f.close();
    const after = framePlaneStats();
    assert.equal(after.bytesCopied, before.bytesCopied);
    assert.equal(after.live, before.live, 'one buffer serves both consumers');
    assert.equal(a.frames.length, 1);
    assert.equal(b.frames.length, 1);
    assert.notEqual(a.frames[0], b.frames[0], 'each consumer owns its own frame object');
    a.closeAll();
    assert.equal(b.frames[0]!.codedWidth, 4, 'closing one consumer’s frame leaves the other’s');
    b.closeAll();
    assert.equal(framePlaneStats().live, before.live - 1);
  });

  test('RGBA scaling keeps a flat colour; black RGBA is 0,0,0,255', async () => {
    const out = new TrackOutputImpl('video', host(), { kind: 'video', width: 4, height: 2, frameRate: 0 });
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    const f = rgbaFrame(16, 8, 0, [10, 20, 30, 255]);
    out.push(f);
    out.setEnabled(false);
    out.push(f);
    f.close();
    const scaled = await bytes(rec.frames[0]!);
    assert.equal(rec.frames[0]!.codedWidth, 4);
    for (let i = 0; i < scaled.length; i += 4) assert.deepEqual([...scaled.subarray(i, i + 4)], [10, 20, 30, 255]);
    const black = await bytes(rec.frames[1]!);
    assert.equal(black.length, 4 * 2 * 4);
    for (let i = 0; i < black.length; i += 4) assert.deepEqual([...black.subarray(i, i + 4)], [0, 0, 0, 255]);
    rec.closeAll();
  });

  test('NV12 crop-and-scale keeps interleaved chroma', async () => {
    const out = new TrackOutputImpl('video', host(), { kind: 'video', width: 4, height: 4, frameRate: 0 });
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    // 8x4 NV12: luma 100, U 90, V 200 -> 4x4 (a centred 4x4 crop of the 8x4 picture, no scaling).
    const data = new Uint8Array(tightFrameSize('NV12', 8, 4));
    data.fill(100, 0, 32);
    for (let i = 32; i < data.length; i += 2) {
      data[i] = 90;
      data[i + 1] = 200;
    }
    const f = new VideoFrame(data, { format: 'NV12', codedWidth: 8, codedHeight: 4, timestamp: 0 });
    out.push(f);
    f.close();
    const o = await bytes(rec.frames[0]!);
    assert.equal(o.length, 16 + 8);
    assert.ok(o.subarray(0, 16).every((v) => v === 100));
    for (let i = 16; i < 24; i += 2) assert.deepEqual([o[i], o[i + 1]], [90, 200]);
    rec.closeAll();
  });

  test('black follows the colour range: full-range I420 black has Y = 0', () => {
    const d = new Uint8Array(6);
    fillBlack(d, 'I420', 2, 2, true);
    assert.deepEqual([...d], [0, 0, 0, 0, 128, 128]);
    fillBlack(d, 'I420', 2, 2, false);
    assert.deepEqual([...d], [16, 16, 16, 16, 128, 128]);
    const a = new Uint8Array(tightFrameSize('I420A', 2, 2));
    fillBlack(a, 'I420A', 2, 2, false);
    assert.deepEqual([...a], [16, 16, 16, 16, 128, 128, 255, 255, 255, 255], 'alpha opaque');
    const p10 = new Uint8Array(tightFrameSize('I420P10', 2, 2));
    fillBlack(p10, 'I420P10', 2, 2, false);
    // 16 << 2 = 64 and 128 << 2 = 512, little-endian.
    assert.deepEqual([...p10.subarray(0, 2)], [64, 0]);
    assert.deepEqual([...p10.subarray(8, 10)], [0, 2]);
  });

  test('audio: down-mix stereo to mono and disabled gives exact zeros', () => {
    const out = new TrackOutputImpl('audio', host(), { kind: 'audio', sampleRate: 8000, channelCount: 1 });
    const got: Float32Array[] = [];
    out.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        const p = new Float32Array(a.numberOfFrames);
        a.copyTo(p, { planeIndex: 0 });
        got.push(p);
        a.close();
      },
      end() {},
    });
    const src = new AudioData({ format: 'f32-planar', sampleRate: 8000, numberOfFrames: 2, numberOfChannels: 2, timestamp: 0, data: new Float32Array([0.5, 1, 0.25, -1]) });
    out.push(src);
    out.setEnabled(false);
    out.push(src);
    src.close();
    // speakers down-mix stereo -> mono: 0.5 * (L + R)
    assert.deepEqual([...got[0]!], [0.375, 0]);
    assert.deepEqual([...got[1]!], [0, 0]);
  });

  test('unsubscribe stops delivery; close ends consumers once and is idempotent', () => {
    const h = host();
    const out = new TrackOutputImpl('video', h, null);
    const rec = new Recorder<VideoFrame>();
    const other = new Recorder<VideoFrame>();
    const unsubscribe = out.subscribe(rec);
    out.subscribe(other);
    const f = rgbaFrame(2, 2, 5, [0, 0, 0, 0]);
    out.push(f);
    unsubscribe();
    out.push(f);
    f.close();
    assert.deepEqual(rec.timestamps, [5]);
    assert.deepEqual(other.timestamps, [5, 5]);
    out.close();
    out.close();
    assert.equal(h.closed.length, 1);
    assert.equal(other.ended, 1);
    assert.equal(rec.ended, 0, 'an unsubscribed consumer is not ended');
    const late = new Recorder<VideoFrame>();
    out.subscribe(late);
    assert.equal(late.ended, 1, 'subscribing to a closed output ends at once');
  });
});
