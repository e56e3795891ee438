import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameRateDecimator } from '../../src/sources/frame-rate-decimator.js';

/** Feeds `frames` source timestamps (whole µs, as sources stamp them) and counts the kept ones. */
function count(sourceRate: number, trackRate: number, frames: number, startUs = 0): { kept: number; firstLost: number } {
  const d = new FrameRateDecimator();
  let kept = 0;
  let firstLost = -1;
  for (let n = 0; n < frames; n++) {
    const ts = startUs + Math.round((n * 1e6) / sourceRate);
    if (d.keep(ts, trackRate)) kept++;
    else if (firstLost < 0) firstLost = n;
  }
  return { kept, firstLost };
}

const HOURS = (h: number, fps: number): number => Math.round(h * 3600 * fps);

test('a track at its source rate keeps every frame for 30 hours (30 fps) and 24 hours (60 fps)', () => {
  assert.deepEqual(count(30, 30, HOURS(30, 30)), { kept: HOURS(30, 30), firstLost: -1 });
  assert.deepEqual(count(60, 60, HOURS(24, 60)), { kept: HOURS(24, 60), firstLost: -1 });
});

test('NTSC rates (30000/1001) are kept exactly, from a start time far into the clock', () => {
  const ntsc = 30000 / 1001;
  const frames = HOURS(20, ntsc);
  assert.equal(count(ntsc, ntsc, frames, 5e12).kept, frames);
});

test('60 fps decimated to 30 keeps exactly every other frame for 24 hours', () => {
  const frames = HOURS(24, 60);
  assert.equal(count(60, 30, frames).kept, frames / 2);
});

test('60 fps decimated to 24 keeps two frames in five', () => {
  const frames = 60 * 3600;
  assert.equal(count(60, 24, frames).kept, (frames * 2) / 5);
});

test('after a gap the schedule restarts from the next frame instead of bursting', () => {
  const d = new FrameRateDecimator();
  const kept: number[] = [];
  for (const ts of [0, 33333, 66667, 1_000_000, 1_016_667, 1_033_333, 1_050_000, 1_066_667]) if (d.keep(ts, 30)) kept.push(ts);
  // 30 fps from a 60 fps stream after the gap: 1.0 s, then every other frame.
  assert.deepEqual(kept, [0, 33333, 66667, 1_000_000, 1_033_333, 1_066_667]);
});
