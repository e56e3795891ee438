import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../src/media/clock.js';
import { SyntheticDisplaySource } from '../../../src/sources/display/synthetic-display.js';
import { SyntheticDisplayProvider, createDisplayProviders } from '../../../src/sources/display/provider.js';
import { cursorInk, cursorRect, cursorState, movingWindowRect } from '../../../src/sources/display/desktop.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';
import { framePlaneStats } from '../../../src/media/frame-buffer.js';
import { Recorder, i420Planes } from '../helpers.js';

function open(width: number, height: number, frameRate: number, clock: VirtualClock, cursor: 'always' | 'never' | 'motion' = 'always') {
  return new SyntheticDisplaySource({ width, height, frameRate }, clock, cursor);
}

/** Luma pixels that differ between two frames, and their bounding box. */
function diff(a: Uint8Array, b: Uint8Array, w: number) {
  let n = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    n++;
    const x = i % w, y = Math.floor(i / w);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { n, x0, y0, x1, y1 };
}

describe('synthetic display', () => {
  test('1920x1080 at 30 fps by default: frames of that size, stamped round(n * 1e6 / 30)', () => {
    const clock = new VirtualClock();
    const provider = new SyntheticDisplayProvider();
    return provider.list().then(async ([surface]) => {
      assert.deepEqual([surface!.width, surface!.height, surface!.frameRate, surface!.displaySurface], [1920, 1080, 30, 'monitor']);
      const src = await provider.open(surface!, { cursor: 'always' }, clock);
      const out = src.createOutput(null);
      const sizes: string[] = [];
      const rec = new Recorder<VideoFrame>(false, (f) => sizes.push(`${f.codedWidth}x${f.codedHeight} ${f.format}`));
      out.subscribe(rec);
      clock.advance(1000);
      assert.equal(rec.timestamps.length, 30);
      assert.deepEqual(rec.timestamps.slice(0, 3), [0, 33333, 66667]);
      assert.ok(sizes.every((s) => s === '1920x1080 I420'));
      assert.equal(provider.openSources.length, 1);
      out.close();
      assert.equal(clock.pendingTimers, 0, 'the last output closing stops the producer');
      src.stop();
      assert.equal(provider.openSources.length, 0);
    });
  });

  test('a configured size and rate', async () => {
    const clock = new VirtualClock();
    const [provider] = createDisplayProviders({ width: 800, height: 600, frameRate: 10 });
    const [surface] = await provider!.list();
    const src = await provider!.open(surface!, { cursor: 'never' }, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    clock.advance(1000);
    assert.equal(rec.frames.length, 10);
    assert.deepEqual([rec.frames[0]!.displayWidth, rec.frames[0]!.displayHeight], [800, 600]);
    rec.closeAll();
    out.close();
    src.stop();
  });

  test('the picture moves: the drifting window is where movingWindowRect says, and moves between frames', async () => {
    const clock = new VirtualClock();
    const w = 640, h = 360;
    const src = open(w, h, 10, clock, 'never');
    const out = src.createOutput(null);
    const rec = new Recorder<VideoFrame>(true);
    out.subscribe(rec);
    clock.advance(2100); // frames 0..20, at 0, 100, ... 2000 ms
    const f0 = await i420Planes(rec.frames[0]!);
    const f20 = await i420Planes(rec.frames[20]!);
    const d = diff(f0.y, f20.y, w);
    assert.ok(d.n > 1000, `frames 2 s apart differ (${d.n} pixels)`);
    const a = movingWindowRect(src.layout, 0), b = movingWindowRect(src.layout, 2000);
    assert.ok(b.x > a.x, 'the window drifted right');
    // Outside the taskbar every changed pixel is in the old or the new window rectangle.
    const tb = src.layout.taskbar;
    for (let y = 0; y < tb.y; y++) {
      for (let x = 0; x < w; x++) {
        if (f0.y[y * w + x] === f20.y[y * w + x]) continue;
        const inA = x >= a.x && x < a.x + a.w && y >= a.y && y < a.y + a.h;
        const inB = x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h;
        assert.ok(inA || inB, `pixel ${x},${y} changed outside the window`);
      }
    }
    // The taskbar text (frame counter, clock) changes between consecutive frames.
    const f1 = await i420Planes(rec.frames[1]!);
    let taskbarChanged = 0;
    for (let i = tb.y * w; i < h * w; i++) if (f0.y[i] !== f1.y[i]) taskbarChanged++;
    assert.ok(taskbarChanged > 0, 'the frame counter changed');
    rec.closeAll();
    out.close();
  });

  test('cursor "always" draws the arrow at its position; "never" leaves the desktop there untouched', async () => {
    const clock = new VirtualClock();
    const w = 640, h = 360;
    const withCursor = open(w, h, 10, clock, 'always');
    const without = open(w, h, 10, clock, 'never');
    const oa = withCursor.createOutput(null), on = without.createOutput(null);
    const ra = new Recorder<VideoFrame>(true), rn = new Recorder<VideoFrame>(true);
    oa.subscribe(ra);
    on.subscribe(rn);
    clock.advance(1000);
    assert.equal(ra.frames.length, rn.frames.length);
    for (const n of [3, 7]) {
      const tMs = n * 100;
      const pa = await i420Planes(ra.frames[n]!), pn = await i420Planes(rn.frames[n]!);
      const c = cursorState(withCursor.layout, tMs, 'always');
      assert.equal(c.visible, true);
      const k = withCursor.layout.cursorScale;
      // Fill cells are white, outline cells black, in the "always" frame.
      let checked = 0;
      for (let r = 0; r < 19; r++) {
        for (let col = 0; col < 12; col++) {
          const ink = cursorInk(col, r);
          const x = c.x + col * k, y = c.y + r * k;
          if (ink === 0 || x >= w || y >= h) continue;
          assert.equal(pa.y[y * w + x], ink === 2 ? 235 : 16, `cursor cell ${col},${r}`);
          checked++;
        }
      }
      assert.ok(checked > 30);
      // The frames differ exactly within the cursor's rectangle.
      const d = diff(pa.y, pn.y, w);
      const rect = cursorRect(withCursor.layout, c.x, c.y);
      assert.ok(d.n > 0);
      assert.ok(d.x0 >= rect.x && d.x1 < rect.x + rect.w && d.y0 >= rect.y && d.y1 < rect.y + rect.h, `differences ${JSON.stringify(d)} outside ${JSON.stringify(rect)}`);
    }
    ra.closeAll();
    rn.closeAll();
    oa.close();
    on.close();
  });

  test('cursor "motion" shows the cursor while it moves and hides it once it rests', async () => {
    const clock = new VirtualClock();
    const w = 320, h = 180;
    const motion = open(w, h, 10, clock, 'motion');
    const never = open(w, h, 10, clock, 'never');
    const om = motion.createOutput(null), on = never.createOutput(null);
    const rm = new Recorder<VideoFrame>(true), rn = new Recorder<VideoFrame>(true);
    om.subscribe(rm);
    on.subscribe(rn);
    clock.advance(5000);
    // Moving at 1 s; resting (and past the linger) at 4.5 s.
    assert.equal(cursorState(motion.layout, 1000, 'motion').visible, true);
    assert.equal(cursorState(motion.layout, 4500, 'motion').visible, false);
    const moving = diff((await i420Planes(rm.frames[10]!)).y, (await i420Planes(rn.frames[10]!)).y, w);
    const resting = diff((await i420Planes(rm.frames[45]!)).y, (await i420Planes(rn.frames[45]!)).y, w);
    assert.ok(moving.n > 0, 'cursor drawn while moving');
    assert.equal(resting.n, 0, 'no cursor while resting');
    rm.closeAll();
    rn.closeAll();
    om.close();
    on.close();
  });

  test('setCursor() changes the next frames', async () => {
    const clock = new VirtualClock();
    const w = 320, h = 180;
    const src = open(w, h, 10, clock, 'always');
    const ref = open(w, h, 10, clock, 'never');
    const o = src.createOutput(null), or = ref.createOutput(null);
    const r = new Recorder<VideoFrame>(true), rr = new Recorder<VideoFrame>(true);
    o.subscribe(r);
    or.subscribe(rr);
    clock.advance(500);
    src.setCursor('never');
    clock.advance(500);
    assert.ok(diff((await i420Planes(r.frames[2]!)).y, (await i420Planes(rr.frames[2]!)).y, w).n > 0);
    assert.equal(diff((await i420Planes(r.frames[7]!)).y, (await i420Planes(rr.frames[7]!)).y, w).n, 0);
    r.closeAll();
    rr.closeAll();
    o.close();
    or.close();
  });

  test('frames are pooled and the source leaves nothing behind', () => {
    const clock = new VirtualClock();
    const src = open(640, 360, 30, clock);
    const out = src.createOutput(null);
    out.subscribe(new Recorder<VideoFrame>());
    const before = framePlaneStats();
    clock.advance(2000);
    const after = framePlaneStats();
    assert.equal(after.live, before.live, 'no buffers left alive');
    assert.equal(after.bytesAllocated - before.bytesAllocated, 0, 'pooled data is adopted, not allocated by the frame plane');
    src.stop();
    assert.equal(clock.pendingTimers, 0);
    assert.equal(src.outputCount, 0);
  });

  test('a downscaling output gets the whole desktop at its size (no crop for an aspect-preserving size)', async () => {
    const clock = new VirtualClock();
    const src = open(640, 360, 10, clock, 'never');
    const full = src.createOutput(null);
    const small = src.createOutput({ kind: 'video', width: 160, height: 90, frameRate: 10 });
    const rf = new Recorder<VideoFrame>(true), rs = new Recorder<VideoFrame>(true);
    full.subscribe(rf);
    small.subscribe(rs);
    clock.advance(100);
    const f = await i420Planes(rf.frames[0]!), s = await i420Planes(rs.frames[0]!);
    assert.deepEqual([rs.frames[0]!.displayWidth, rs.frames[0]!.displayHeight], [160, 90]);
    // Each small pixel matches the mean of its 4x4 block of the full frame (scaled, not cropped):
    // the error against the aligned blocks is small, and much larger against blocks shifted by one.
    const err = (shift: number): number => {
      let sum = 0, n = 0;
      for (let y = 2; y < 88; y++) {
        for (let x = 2; x < 158; x++) {
          let m = 0;
          for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) m += f.y[(4 * y + dy) * 640 + 4 * (x + shift) + dx]!;
          sum += Math.abs(s.y[y * 160 + x]! - m / 16);
          n++;
        }
      }
      return sum / n;
    };
    const aligned = err(0), shifted = err(1);
    assert.ok(aligned < 6, `mean error ${aligned}`);
    assert.ok(shifted > aligned * 1.5, `shifted ${shifted} vs aligned ${aligned}`);
    rf.closeAll();
    rs.closeAll();
    src.stop();
  });
});
