import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../src/media/clock.js';
import { createSyntheticSource } from '../../../src/sources/synthetic/producer.js';
import { SyntheticVideoSource, readFrameCounter } from '../../../src/sources/synthetic/video.js';
import type { DeviceDescriptor } from '../../../src/sources/types.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';
import { framePlaneStats } from '../../../src/media/frame-buffer.js';
import { Recorder, i420Planes } from '../helpers.js';

const camera: DeviceDescriptor = { kind: 'videoinput', internalId: 'synthetic:cam0', label: 'cam', groupKey: 'g', isDefault: true };

function open(width: number, height: number, frameRate: number, clock: VirtualClock) {
  return createSyntheticSource(camera, { kind: 'video', mode: { width, height, frameRate } }, clock) as SyntheticVideoSource;
}

describe('synthetic camera', () => {
  test('30 fps for 10 virtual seconds: 300 frames stamped round(n * 1e6 / 30)', () => {
    const clock = new VirtualClock();
    const src = open(64, 48, 30, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>();
    out.subscribe(rec);
    clock.advance(10_000);
    assert.equal(rec.timestamps.length, 300);
    for (let n = 0; n < 300; n++) assert.equal(rec.timestamps[n], Math.round((n * 1e6) / 30));
    assert.deepEqual(rec.timestamps.slice(0, 4), [0, 33333, 66667, 100000]);
    out.close();
    assert.equal(rec.ended, 1);
    assert.equal(clock.pendingTimers, 0, 'closing the last output cancels the producer timer');
  });

  test('one producer feeds a 1280x720 and a 320x240 output, each at its own size', async () => {
    const clock = new VirtualClock();
    const src = open(1280, 720, 30, clock);
    const big = src.createOutput({ kind: 'video', width: 1280, height: 720, frameRate: 30 });
    const small = src.createOutput({ kind: 'video', width: 320, height: 240, frameRate: 30 });
    const bigRec = new Recorder<VideoFrame>(true);
    const smallRec = new Recorder<VideoFrame>(true);
    big.subscribe(bigRec);
    small.subscribe(smallRec);
    clock.advance(100);
    assert.equal(bigRec.frames.length, 3);
    assert.equal(smallRec.frames.length, 3);
    for (const f of bigRec.frames) assert.deepEqual([f.codedWidth, f.codedHeight, f.displayWidth, f.displayHeight, f.format], [1280, 720, 1280, 720, 'I420']);
    for (const f of smallRec.frames) assert.deepEqual([f.codedWidth, f.codedHeight, f.displayWidth, f.displayHeight, f.format], [320, 240, 320, 240, 'I420']);
    assert.deepEqual(smallRec.timestamps, bigRec.timestamps);
    // The small output is a centred 4:3 crop: the bars at the big frame's horizontal centre are
    // at the small frame's centre too. Compare the luma of row centres (bars are flat vertically).
    const b = await i420Planes(bigRec.frames[2]!);
    const s = await i420Planes(smallRec.frames[2]!);
    const bigRow = 700, smallRow = 233; // below the text box, away from the sweep
    assert.equal(s.y[smallRow * 320 + 160], b.y[bigRow * 1280 + 640]);
    bigRec.closeAll();
    smallRec.closeAll();
    big.close();
    small.close();
    assert.equal(clock.pendingTimers, 0);
  });

  test('the frame counter is drawn: consecutive frames differ only in the text box and the sweep', async () => {
    const clock = new VirtualClock();
    const src = open(160, 120, 10, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    clock.advance(300);
    const [a, b] = [await i420Planes(rec.frames[1]!), await i420Planes(rec.frames[2]!)];
    let diffRows = 0;
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 160; x++) if (a.y[y * 160 + x] !== b.y[y * 160 + x]) {
        diffRows++;
        break;
      }
    }
    assert.ok(diffRows > 0, 'frames differ');
    // Last digit of the 6-digit counter (frame 1 vs 2) sits in the top rows: glyph "1" vs "2".
    // scale = max(1, floor(120 / 90)) = 1, digit 5 starts at x = 1 + 5 * 4 = 21, y = 1.
    const ink = (p: typeof a, x: number, y: number) => p.y[y * 160 + x] === 235;
    // "1" row 0 = 010, "2" row 0 = 111
    assert.deepEqual([ink(a, 21, 1), ink(a, 22, 1), ink(a, 23, 1)], [false, true, false]);
    assert.deepEqual([ink(b, 21, 1), ink(b, 22, 1), ink(b, 23, 1)], [true, true, true]);
    rec.closeAll();
    out.close();
  });

  test('the block-coded counter reads back each frame number, survives noise, and rejects damage', async () => {
    const clock = new VirtualClock();
    const src = open(640, 360, 30, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    // 70 frames: the pooled buffers are recycled, so stale codes would show up as wrong numbers.
    clock.advance(70_000 / 30);
    assert.equal(rec.frames.length, 70);
    for (let n = 0; n < 70; n++) {
      const p = await i420Planes(rec.frames[n]!);
      assert.equal(readFrameCounter(p.y, 640, 360), n);
      if (n === 37) {
        // Codec-like damage: +-40 of noise on every pixel still reads back.
        let seed = 1;
        const noisy = p.y.map((v) => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return Math.max(0, Math.min(255, v + (seed % 81) - 40));
        });
        assert.equal(readFrameCounter(noisy, 640, 360), 37);
        // A flipped cell fails the check instead of giving a wrong number.
        // 640 wide: cells of 8, the row of 22 centred: x from 320 - 88, y from 180 - 4.
        const cell = 8, cx = 232, cy = 176;
        const flipped = new Uint8Array(p.y);
        for (let y = cy; y < cy + cell; y++) for (let x = cx + 15 * cell; x < cx + 16 * cell; x++) flipped[y * 640 + x] = 255 - flipped[y * 640 + x]!;
        assert.equal(readFrameCounter(flipped, 640, 360), null);
      }
    }
    // The centre crop 640x480 -> 640x360 that getUserMedia makes for a 16:9 request keeps it readable.
    const src43 = open(640, 480, 30, new VirtualClock());
    const clock43 = (src43 as unknown as { clock: VirtualClock }).clock;
    const out43 = src43.createOutput({ kind: 'video', width: 640, height: 360, frameRate: 30 });
    const rec43 = new Recorder<VideoFrame>(true);
    out43.subscribe(rec43);
    clock43.advance(5000 / 30);
    assert.deepEqual(await Promise.all(rec43.frames.map(async (f) => readFrameCounter((await i420Planes(f)).y, 640, 360))), [0, 1, 2, 3, 4]);
    rec43.closeAll();
    out43.close();
    // Pictures without the code (flat grey, black, white) read as null.
    for (const y of [128, 16, 235]) assert.equal(readFrameCounter(new Uint8Array(640 * 360).fill(y), 640, 360), null);
    rec.closeAll();
    out.close();
  });

  test('frames are pooled: buffers are reused once consumers close them', () => {
    const clock = new VirtualClock();
    const src = open(320, 240, 30, clock);
    const out = src.createOutput(null);
    out.subscribe(new Recorder<VideoFrame>());
    const before = framePlaneStats();
    clock.advance(1000);
    const after = framePlaneStats();
    assert.equal(after.live, before.live, 'no buffers left alive');
    assert.equal(after.bytesAllocated - before.bytesAllocated, 0, 'pooled data is adopted, not allocated by the frame plane');
    out.close();
  });

  test('60 -> 30 keeps every other frame; 30 -> 10 every third', () => {
    const clock = new VirtualClock();
    const src60 = open(32, 24, 60, clock);
    const o30 = src60.createOutput({ kind: 'video', width: 32, height: 24, frameRate: 30 });
    const r30 = new Recorder<VideoFrame>();
    o30.subscribe(r30);
    const src30 = open(32, 24, 30, clock);
    const o10 = src30.createOutput({ kind: 'video', width: 32, height: 24, frameRate: 10 });
    const r10 = new Recorder<VideoFrame>();
    o10.subscribe(r10);
    clock.advance(1000);
    assert.deepEqual(r30.timestamps, Array.from({ length: 30 }, (_, i) => Math.round((2 * i * 1e6) / 60)));
    assert.deepEqual(r10.timestamps, Array.from({ length: 10 }, (_, i) => Math.round((3 * i * 1e6) / 30)));
    o30.close();
    o10.close();
    assert.equal(clock.pendingTimers, 0);
  });

  test('non-integral decimation 30 -> 24 keeps 24 frames a second', () => {
    const clock = new VirtualClock();
    const src = open(32, 24, 30, clock);
    const o = src.createOutput({ kind: 'video', width: 32, height: 24, frameRate: 24 });
    const r = new Recorder<VideoFrame>();
    o.subscribe(r);
    clock.advance(10_000);
    assert.equal(r.timestamps.length, 240);
    // Each kept frame is the first whose timestamp reaches its due time k / 24 s.
    const period = 1e6 / 24;
    let due = 0;
    const expected: number[] = [];
    for (let n = 0; n < 300; n++) {
      const ts = Math.round((n * 1e6) / 30);
      if (ts + 1 >= due) {
        expected.push(ts);
        due += period;
      }
    }
    assert.deepEqual(r.timestamps, expected);
    o.close();
  });

  test('a disabled track delivers black frames: Y=16, U=V=128 (limited range)', async () => {
    const clock = new VirtualClock();
    const src = open(64, 48, 30, clock);
    const out = src.createOutput({ kind: 'video', width: 32, height: 24, frameRate: 30 });
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    out.setEnabled(false);
    clock.advance(100);
    assert.equal(rec.frames.length, 3);
    for (const f of rec.frames) {
      assert.equal(f.codedWidth, 32);
      const p = await i420Planes(f);
      assert.ok(p.y.every((v) => v === 16));
      assert.ok(p.u.every((v) => v === 128) && p.v.every((v) => v === 128));
    }
    assert.deepEqual(rec.timestamps, [0, 33333, 66667]);
    rec.closeAll();
    out.setEnabled(true);
    clock.advance(34);
    const p = await i420Planes(rec.frames[0]!);
    assert.ok(!p.y.every((v) => v === 16), 'enabled again: the pattern is back');
    rec.closeAll();
    out.close();
  });

  test('a muted device delivers black; stop() ends every consumer and cancels timers', async () => {
    const clock = new VirtualClock();
    const src = open(16, 16, 10, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    const mutes: boolean[] = [];
    src.observer = { muted: (m) => mutes.push(m) };
    src.setDeviceMuted(true);
    assert.equal(src.muted, true);
    clock.advance(100);
    const p = await i420Planes(rec.frames[0]!);
    assert.ok(p.y.every((v) => v === 16));
    assert.deepEqual(mutes, [true]);
    rec.closeAll();
    src.stop();
    assert.equal(rec.ended, 1);
    assert.equal(clock.pendingTimers, 0);
    const late = src.createOutput(null);
    const lateRec = new Recorder<VideoFrame>();
    late.subscribe(lateRec);
    assert.equal(lateRec.ended, 1, 'an output of a stopped source is already ended');
  });
});

describe('synthetic camera on the real clock', () => {
  test('delivers frames in timestamp order and stops cleanly', async () => {
    const { RealClock } = await import('../../../src/media/clock.js');
    const src = createSyntheticSource(camera, { kind: 'video', mode: { width: 32, height: 24, frameRate: 50 } }, new RealClock());
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>();
    out.subscribe(rec);
    // Wait (bounded) until a few frames arrived.
    for (let i = 0; i < 500 && rec.timestamps.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(rec.timestamps.length >= 3);
    const first = rec.timestamps[0]!;
    rec.timestamps.forEach((t, n) => assert.equal(t - first, n * 20_000, 'frame n is stamped n periods after the first'));
    out.close();
    const count = rec.timestamps.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(rec.timestamps.length, count, 'no frames after the last output closed');
  });
});
