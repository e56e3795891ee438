import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PIXEL_FORMATS, VIDEO_PIXEL_FORMATS, planeSize, tightFrameSize, tightLayout, verifyRectOffsetAlignment, isVideoPixelFormat } from '../../src/media/pixel-format.js';
import { VideoFrame } from '../../src/media/video-frame.js';

test('plane counts and opaque equivalents follow webcodecs#pixel-format', () => {
  const planes: Record<string, number> = { I420: 3, I420A: 4, I422: 3, I444: 3, NV12: 2, RGBA: 1, RGBX: 1, BGRA: 1, BGRX: 1, I444AP12: 4 };
  for (const [f, n] of Object.entries(planes)) assert.equal(PIXEL_FORMATS[f as keyof typeof PIXEL_FORMATS].planes.length, n, f);
  assert.equal(PIXEL_FORMATS.I420A.opaque, 'I420');
  assert.equal(PIXEL_FORMATS.RGBA.opaque, 'RGBX');
  assert.equal(PIXEL_FORMATS.BGRA.opaque, 'BGRX');
  assert.equal(PIXEL_FORMATS.I444.opaque, 'I444');
  assert.equal(VIDEO_PIXEL_FORMATS.length, 23);
  assert.ok(isVideoPixelFormat('NV12'));
  assert.ok(!isVideoPixelFormat('YUY2'));
  assert.ok(!isVideoPixelFormat('toString'));
});

test('tight sizes for odd dimensions round chroma up', () => {
  // 5x3 I420: Y 15, U and V ceil(5/2) * ceil(3/2) = 3 * 2 = 6 each.
  assert.equal(tightFrameSize('I420', 5, 3), 15 + 6 + 6);
  assert.deepEqual(tightLayout('I420', 5, 3), [{ offset: 0, stride: 5 }, { offset: 15, stride: 3 }, { offset: 21, stride: 3 }]);
  // I422: chroma rows are full height.
  assert.equal(tightFrameSize('I422', 5, 3), 15 + 9 + 9);
  // NV12: one UV plane of ceil(w/2) two-byte elements per row.
  assert.deepEqual(planeSize('NV12', 1, 5, 3), { columns: 3, rows: 2, rowBytes: 6 });
  assert.equal(tightFrameSize('RGBA', 5, 3), 60);
  // 10-bit formats take two bytes per sample.
  assert.equal(tightFrameSize('I420P10', 4, 2), 2 * (8 + 2 + 2));
  assert.equal(tightFrameSize('I444A', 2, 2), 16);
});

test('rect offset alignment follows sub-sampling', () => {
  assert.equal(verifyRectOffsetAlignment('I420', 2, 2), true);
  assert.equal(verifyRectOffsetAlignment('I420', 1, 2), false);
  assert.equal(verifyRectOffsetAlignment('I420', 2, 1), false);
  assert.equal(verifyRectOffsetAlignment('I422', 2, 1), true, '4:2:2 is not sub-sampled vertically');
  assert.equal(verifyRectOffsetAlignment('I444', 1, 1), true);
  assert.equal(verifyRectOffsetAlignment('RGBA', 3, 7), true);
  assert.equal(verifyRectOffsetAlignment(null, 3, 7), true);
});

test('allocationSize agrees with the tables for every 8-bit format at an odd size', () => {
  for (const f of ['I420', 'I420A', 'I422', 'I444', 'NV12', 'RGBA', 'BGRX'] as const) {
    const size = tightFrameSize(f, 7, 5);
    const frame = new VideoFrame(new Uint8Array(size), { format: f, codedWidth: 7, codedHeight: 5, timestamp: 0 });
    assert.equal(frame.allocationSize(), size, f);
    frame.close();
  }
});
