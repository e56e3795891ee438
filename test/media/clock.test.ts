import timers from 'node:timers';
import { syncBuiltinESMExports } from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealClock, VirtualClock } from '../../src/media/clock.js';

test('VirtualClock runs timers in due order, each seeing its own due time', () => {
  const clock = new VirtualClock();
  const seen: Array<[string, number]> = [];
  clock.schedule(30, () => seen.push(['c', clock.now()]));
  clock.schedule(10, () => seen.push(['a', clock.now()]));
  clock.schedule(10, () => seen.push(['b', clock.now()]));
  clock.advance(20);
  assert.deepEqual(seen, [['a', 10], ['b', 10]]);
  assert.equal(clock.now(), 20);
  clock.advance(10);
  assert.deepEqual(seen.at(-1), ['c', 30]);
  assert.equal(clock.pendingTimers, 0);
});

test('VirtualClock timers scheduled from a callback run within the same advance', () => {
  const clock = new VirtualClock();
  let count = 0;
  const tick = (due: number): void => {
    clock.schedule(due, () => {
      count++;
      tick(due + 1000 / 30);
    });
  };
  tick(0);
  clock.advance(10_000 - 1e-9);
  assert.equal(count, 300);
});

test('VirtualClock cancel() and argument checks', () => {
  const clock = new VirtualClock();
  let fired = false;
  const t = clock.schedule(5, () => (fired = true));
  t.cancel();
  clock.advance(10);
  assert.equal(fired, false);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(Number.NaN), RangeError);
  assert.throws(() => clock.advanceTo(5), RangeError);
});

test('RealClock fires at or after the due time and cancel prevents firing', async () => {
  const clock = new RealClock();
  const start = clock.now();
  const firedAt = await new Promise<number>((resolve) => clock.schedule(start + 15, () => resolve(clock.now())));
  assert.ok(firedAt >= start + 15, `fired at ${firedAt - start} ms`);
  let fired = false;
  clock.schedule(clock.now() + 5, () => (fired = true)).cancel();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fired, false);
});

test('RealClock waits for a far-future timer in setTimeout-sized steps, without busy polling', async () => {
  const clock = new RealClock();
  const delays: number[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on('warning', onWarning);
  // The clock takes setTimeout from node:timers (the global one may be a DOM's): spy on that.
  const original = timers.setTimeout;
  timers.setTimeout = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return original(fn, ms);
  }) as typeof setTimeout;
  syncBuiltinESMExports();
  let timer;
  try {
    timer = clock.schedule(clock.now() + 30 * 24 * 3600 * 1000, () => assert.fail("a timer thirty days away fired"));
  } finally {
    timers.setTimeout = original;
    syncBuiltinESMExports();
  }
  await new Promise((r) => setTimeout(r, 30));
  timer.cancel();
  process.off('warning', onWarning);
  // One arm of the longest delay setTimeout accepts; a 1 ms re-arm loop would have armed many.
  assert.deepEqual(delays, [0x7fffffff]);
  assert.deepEqual(warnings.filter((n) => n === 'TimeoutOverflowWarning'), []);
});

test('clock timers reject a NaN due time instead of never settling', () => {
  assert.throws(() => new RealClock().schedule(NaN, () => {}), RangeError);
  assert.throws(() => new VirtualClock().schedule(NaN, () => {}), RangeError);
});

test('VirtualClock keeps firing in order when a callback cancels many timers mid-advance', () => {
  const clock = new VirtualClock();
  const fired: number[] = [];
  const victims = Array.from({ length: 100 }, (_, i) => clock.schedule(50 + i, () => fired.push(-1)));
  clock.schedule(10, () => {
    fired.push(10);
    for (const v of victims) v.cancel(); // enough to compact the queue while advance() runs
    clock.schedule(20, () => fired.push(20));
  });
  clock.schedule(30, () => fired.push(30));
  clock.advance(200);
  assert.deepEqual(fired, [10, 20, 30]);
  assert.equal(clock.pendingTimers, 0);
});
