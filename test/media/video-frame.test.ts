import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VideoFrame, createVideoFrame } from '../../src/media/video-frame.js';
import { FrameBuffer, framePlaneStats } from '../../src/media/frame-buffer.js';

/** I420 bytes where every sample encodes its plane and position: Y = (x + y*w) & 0xff, U = 100 + ..., V = 200 + ... */
function i420(w: number, h: number): Uint8Array {
  const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
  const out = new Uint8Array(w * h + 2 * cw * ch);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = (x + y * w) & 0xff;
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      out[w * h + y * cw + x] = (100 + x + y * cw) & 0xff;
      out[w * h + cw * ch + y * cw + x] = (200 + x + y * cw) & 0xff;
    }
  return out;
}

describe('VideoFrame construction', () => {
  test('buffer init sets the attributes the spec derives', () => {
    const f = new VideoFrame(i420(8, 4), { format: 'I420', codedWidth: 8, codedHeight: 4, timestamp: 1234, duration: 40 });
    assert.equal(f.format, 'I420');
    assert.equal(f.codedWidth, 8);
    assert.equal(f.codedHeight, 4);
    assert.equal(f.displayWidth, 8);
    assert.equal(f.displayHeight, 4);
    assert.equal(f.timestamp, 1234);
    assert.equal(f.duration, 40);
    assert.equal(f.rotation, 0);
    assert.equal(f.flip, false);
    assert.deepEqual([f.visibleRect!.x, f.visibleRect!.y, f.visibleRect!.width, f.visibleRect!.height], [0, 0, 8, 4]);
    assert.deepEqual([f.codedRect!.width, f.codedRect!.height], [8, 4]);
    // REC709 for YUV (webcodecs#videoframe-pick-color-space)
    assert.deepEqual(f.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
    assert.equal(Object.prototype.toString.call(f), '[object VideoFrame]');
    assert.deepEqual(Object.keys(f), []);
    f.close();
  });

  test('RGB frames default to sRGB; rotation 90 swaps display size', () => {
    const f = new VideoFrame(new Uint8Array(4 * 6 * 4), { format: 'RGBA', codedWidth: 4, codedHeight: 6, timestamp: 0, rotation: 80 });
    assert.deepEqual(f.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
    assert.equal(f.rotation, 90);
    assert.equal(f.displayWidth, 6);
    assert.equal(f.displayHeight, 4);
    f.close();
  });

  test('validation errors', () => {
    const data = i420(8, 4);
    const base = { format: 'I420', codedWidth: 8, codedHeight: 4, timestamp: 0 };
    assert.throws(() => new VideoFrame(data, { ...base, codedWidth: 0 }), TypeError);
    assert.throws(() => new VideoFrame(data, { ...base, format: 'YUY2' }), TypeError);
    assert.throws(() => new VideoFrame(data, { codedWidth: 8, codedHeight: 4, timestamp: 0 }), TypeError);
    assert.throws(() => new VideoFrame(data, { ...base, timestamp: undefined }), TypeError);
    assert.throws(() => new VideoFrame(data.subarray(0, 40), base), TypeError, 'too little data');
    assert.throws(() => new VideoFrame(data, { ...base, visibleRect: { x: 1, y: 0, width: 2, height: 2 } }), TypeError, 'odd x for I420');
    assert.throws(() => new VideoFrame(data, { ...base, visibleRect: { x: 0, y: 0, width: 10, height: 2 } }), TypeError);
    assert.throws(() => new VideoFrame(data, { ...base, displayWidth: 8 }), TypeError);
    assert.throws(() => new VideoFrame(data, { ...base, displayWidth: 0, displayHeight: 4 }), TypeError);
    assert.throws(() => new VideoFrame(data, { ...base, layout: [{ offset: 0, stride: 8 }] }), TypeError, 'layout plane count');
    assert.throws(() => new VideoFrame(data, { ...base, layout: [{ offset: 0, stride: 4 }, { offset: 32, stride: 4 }, { offset: 40, stride: 4 }] }), TypeError, 'stride too small');
    assert.throws(() => new VideoFrame(data, { ...base, layout: [{ offset: 0, stride: 8 }, { offset: 16, stride: 4 }, { offset: 40, stride: 4 }] }), TypeError, 'overlap');
    assert.throws(() => new VideoFrame(data, { ...base, codedWidth: 2 ** 32 }), TypeError, 'EnforceRange');
    assert.throws(() => new VideoFrame({} as unknown as ArrayBuffer, base), TypeError);
    const ab = new ArrayBuffer(48);
    assert.throws(() => new VideoFrame(ab, { ...base, transfer: [ab, ab] }), (e: unknown) => e instanceof DOMException && e.name === 'DataCloneError');
  });

  test('a custom input layout is read plane by plane', async () => {
    // Y with stride 10 (2 padding bytes), U and V with stride 6, planes in V, U, Y order.
    const w = 8, h = 4;
    const ref = i420(w, h);
    const data = new Uint8Array(200).fill(0xee);
    const vOff = 0, uOff = 20, yOff = 50;
    for (let y = 0; y < h; y++) data.set(ref.subarray(y * w, y * w + w), yOff + y * 10);
    for (let y = 0; y < 2; y++) {
      data.set(ref.subarray(32 + y * 4, 32 + y * 4 + 4), uOff + y * 6);
      data.set(ref.subarray(40 + y * 4, 40 + y * 4 + 4), vOff + y * 6);
    }
    const f = new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0, layout: [{ offset: yOff, stride: 10 }, { offset: uOff, stride: 6 }, { offset: vOff, stride: 6 }] });
    const out = new Uint8Array(f.allocationSize());
    assert.equal(out.length, 48);
    const layout = await f.copyTo(out);
    assert.deepEqual(layout, [{ offset: 0, stride: 8 }, { offset: 32, stride: 4 }, { offset: 40, stride: 4 }]);
    assert.deepEqual(out, ref);
    f.close();
  });

  test('transfer adopts the buffer without a copy and detaches it', () => {
    const bytes = i420(4, 4);
    const ab = bytes.buffer;
    const before = framePlaneStats().bytesCopied;
    const f = new VideoFrame(ab, { format: 'I420', codedWidth: 4, codedHeight: 4, timestamp: 0, transfer: [ab] });
    assert.equal(framePlaneStats().bytesCopied, before);
    assert.equal(ab.byteLength, 0);
    f.close();
  });
});

describe('VideoFrame copyTo / allocationSize', () => {
  test('rect copies the sub-rectangle of each plane', async () => {
    const w = 8, h = 6;
    const ref = i420(w, h);
    const f = new VideoFrame(ref, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
    const rect = { x: 2, y: 2, width: 4, height: 2 };
    const size = f.allocationSize({ rect });
    assert.equal(size, 4 * 2 + 2 * (2 * 1));
    const out = new Uint8Array(size);
    await f.copyTo(out, { rect });
    const expected: number[] = [];
    for (let y = 2; y < 4; y++) for (let x = 2; x < 6; x++) expected.push(ref[y * w + x]!);
    const cw = 4, ch = 3;
    for (const base of [w * h, w * h + cw * ch]) for (let y = 1; y < 2; y++) for (let x = 1; x < 3; x++) expected.push(ref[base + y * cw + x]!);
    assert.deepEqual([...out], expected);
    f.close();
  });

  test('destination layout with padding and reordered planes', async () => {
    const f = new VideoFrame(i420(4, 2), { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 0 });
    const layout = [{ offset: 20, stride: 6 }, { offset: 0, stride: 3 }, { offset: 10, stride: 2 }];
    assert.equal(f.allocationSize({ layout }), 32);
    const out = new Uint8Array(32).fill(0xaa);
    const res = await f.copyTo(out, { layout });
    assert.deepEqual(res, [{ offset: 20, stride: 4 }, { offset: 0, stride: 2 }, { offset: 10, stride: 2 }]);
    assert.deepEqual([...out.subarray(20, 24)], [0, 1, 2, 3]);
    assert.deepEqual([...out.subarray(26, 30)], [4, 5, 6, 7]);
    assert.equal(out[24], 0xaa);
    assert.deepEqual([...out.subarray(0, 2)], [100, 101]);
    assert.deepEqual([...out.subarray(10, 12)], [200, 201]);
  });

  test('errors: small destination, misaligned rect, unsupported format, closed', async () => {
    const f = new VideoFrame(i420(4, 4), { format: 'I420', codedWidth: 4, codedHeight: 4, timestamp: 0 });
    await assert.rejects(f.copyTo(new Uint8Array(10)), TypeError);
    assert.throws(() => f.allocationSize({ rect: { x: 1, y: 0, width: 2, height: 2 } }), TypeError);
    assert.throws(() => f.allocationSize({ rect: { x: 0, y: 0, width: 0, height: 2 } }), TypeError);
    assert.throws(() => f.allocationSize({ format: 'NV12' }), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
    f.close();
    assert.equal(f.format, null);
    assert.equal(f.codedWidth, 0);
    assert.equal(f.visibleRect, null);
    assert.equal(f.codedRect, null);
    assert.throws(() => f.allocationSize(), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
    assert.throws(() => f.clone(), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
    await assert.rejects(f.copyTo(new Uint8Array(100)), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
    f.close(); // idempotent
  });

  test('conversion to RGBA: limited-range BT.709 black, white and grey', async () => {
    const w = 2, h = 2;
    for (const [Y, rgb] of [[16, 0], [235, 255], [126, 128]] as const) {
      const data = new Uint8Array(6);
      data.fill(Y, 0, 4);
      data[4] = 128;
      data[5] = 128;
      const f = new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
      const out = new Uint8Array(f.allocationSize({ format: 'RGBA' }));
      assert.equal(out.length, 16);
      await f.copyTo(out, { format: 'RGBA' });
      // (Y - 16) / 219 * 255, rounded
      const expected = Math.round(((Y - 16) / 219) * 255);
      assert.equal(expected, rgb);
      for (let i = 0; i < 4; i++) assert.deepEqual([...out.subarray(i * 4, i * 4 + 4)], [rgb, rgb, rgb, 255]);
      f.close();
    }
  });

  test('BGRA to RGBA swaps red and blue', async () => {
    const f = new VideoFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), { format: 'BGRA', codedWidth: 2, codedHeight: 1, timestamp: 0 });
    const out = new Uint8Array(8);
    await f.copyTo(out, { format: 'RGBA' });
    assert.deepEqual([...out], [3, 2, 1, 4, 7, 6, 5, 8]);
    const x = new Uint8Array(8);
    await f.copyTo(x, { format: 'RGBX' });
    assert.deepEqual([...x], [3, 2, 1, 255, 7, 6, 5, 255]);
  });

  test('NV12 copies interleaved UV rows', async () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 50, 60, 70, 80]);
    const f = new VideoFrame(data, { format: 'NV12', codedWidth: 4, codedHeight: 2, timestamp: 0 });
    assert.equal(f.allocationSize(), 12);
    const out = new Uint8Array(12);
    assert.deepEqual(await f.copyTo(out), [{ offset: 0, stride: 4 }, { offset: 8, stride: 4 }]);
    assert.deepEqual(out, data);
  });
});

describe('VideoFrame clone / close / shared storage', () => {
  test('clone shares the buffer; storage is released after the last close', () => {
    const live0 = framePlaneStats().live;
    const f = new VideoFrame(i420(4, 4), { format: 'I420', codedWidth: 4, codedHeight: 4, timestamp: 7 });
    assert.equal(framePlaneStats().live, live0 + 1);
    const c = f.clone();
    assert.equal(framePlaneStats().live, live0 + 1);
    assert.equal(c.timestamp, 7);
    f.close();
    assert.equal(framePlaneStats().live, live0 + 1);
    assert.equal(c.codedWidth, 4);
    c.close();
    assert.equal(framePlaneStats().live, live0);
  });

  test('VideoFrame(frame, init) overrides timestamp and visibleRect and shares storage', async () => {
    const f = new VideoFrame(i420(8, 4), { format: 'I420', codedWidth: 8, codedHeight: 4, timestamp: 1 });
    const g = new VideoFrame(f, { timestamp: 99, visibleRect: { x: 2, y: 0, width: 4, height: 4 } });
    assert.equal(g.timestamp, 99);
    assert.equal(g.displayWidth, 4);
    assert.equal(g.displayHeight, 4);
    const out = new Uint8Array(g.allocationSize());
    await g.copyTo(out);
    assert.deepEqual([...out.subarray(0, 4)], [2, 3, 4, 5]);
    f.close();
    g.close();
    assert.throws(() => new VideoFrame(f), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
  });

  test('createVideoFrame wraps a buffer without copying', () => {
    const before = framePlaneStats();
    const buf = FrameBuffer.allocate(6);
    const f = createVideoFrame(buf, { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 5 });
    assert.equal(framePlaneStats().bytesCopied, before.bytesCopied);
    assert.equal(f.codedWidth, 2);
    f.close();
    assert.equal(buf.refs, 0);
  });

  test('metadata is a copy', () => {
    const f = new VideoFrame(i420(2, 2), { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0, metadata: { a: 1 } as never });
    const m = f.metadata();
    assert.deepEqual(m, { a: 1 });
    m['a'] = 2;
    assert.deepEqual(f.metadata(), { a: 1 });
    f.close();
  });
});

describe('VideoFrame orientation and alpha', () => {
  test('rotation and flip compose when a frame is made from another (Add Rotations)', () => {
    const f = new VideoFrame(new Uint8Array(8 * 4 * 4), { format: 'RGBA', codedWidth: 8, codedHeight: 4, timestamp: 0, rotation: 90, flip: true });
    assert.equal(f.rotation, 90);
    assert.equal(f.flip, true);
    assert.deepEqual([f.displayWidth, f.displayHeight], [4, 8]);
    // base flipped: combined = 90 - 90 = 0; flip toggles off.
    const g = new VideoFrame(f, { rotation: 90, flip: true });
    assert.equal(g.rotation, 0);
    assert.equal(g.flip, false);
    // -45 rounds to the nearest multiple of 90 with ties up: 0; 135 -> 180; 270.5 -> 270.
    for (const [r, want] of [[-45, 0], [135, 180], [270.5, 270], [-90, 270], [720, 0]] as const) {
      const h = new VideoFrame(new Uint8Array(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0, rotation: r });
      assert.equal(h.rotation, want, `rotation ${r}`);
      h.close();
    }
    f.close();
    g.close();
  });

  test('alpha: discard gives the equivalent opaque format over the same pixels', async () => {
    const data = new Uint8Array(tightI420A(2, 2));
    data.fill(7);
    const f = new VideoFrame(data, { format: 'I420A', codedWidth: 2, codedHeight: 2, timestamp: 0 });
    assert.equal(f.allocationSize(), 4 + 1 + 1 + 4);
    const g = new VideoFrame(f, { alpha: 'discard' });
    assert.equal(g.format, 'I420');
    assert.equal(g.allocationSize(), 6);
    const keep = new VideoFrame(f, {});
    assert.equal(keep.format, 'I420A');
    for (const x of [f, g, keep]) x.close();
  });
});

function tightI420A(w: number, h: number): number {
  return 2 * w * h + 2 * Math.ceil(w / 2) * Math.ceil(h / 2);
}
