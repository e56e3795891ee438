import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, ClockTimer } from '../../src/media/clock.js';
import { ClockedSource } from '../../src/sources/clocked-source.js';

/** A real-time-like clock (virtual = false) whose time and timers the test drives by hand. */
class ManualRealClock implements Clock {
  readonly virtual = false;
  time = 0;
  timers: Array<{ due: number; cb: () => void; cancelled: boolean }> = [];
  now(): number {
    return this.time;
  }
  schedule(due: number, cb: () => void): ClockTimer {
    const t = { due, cb, cancelled: false };
    this.timers.push(t);
    return { cancel: () => void (t.cancelled = true) };
  }
  /** Fires the earliest pending timer that is due (a wake-up of the event loop). */
  wake(): boolean {
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.timers.sort((a, b) => a.due - b.due);
    const t = this.timers[0];
    if (!t || t.due > this.time) return false;
    this.timers.shift();
    t.cb();
    return true;
  }
}

/** Items every `periodMs`; records the index of each item produced. */
class Ticker extends ClockedSource {
  produced: number[] = [];
  constructor(clock: Clock, readonly periodMs: number) {
    super('video', clock, { kind: 'video', mode: { width: 2, height: 2, frameRate: 1000 / periodMs } });
  }
  protected dueOffsetMs(n: number): number {
    return (n + 1) * this.periodMs;
  }
  protected produce(n: number): void {
    this.produced.push(n);
  }
  get skipped(): number {
    return this.skippedItems;
  }
}

test('on a real clock a stalled process drops what is over a second late and delivers the rest in bounded batches', () => {
  const clock = new ManualRealClock();
  const src = new Ticker(clock, 1); // 1000 items per second
  const out = src.createOutput(null);
  clock.time = 0.5;
  assert.equal(clock.wake(), false);
  // The process stalls for an hour: 3.6 million items fell due.
  clock.time = 3_600_000;
  assert.equal(clock.wake(), true);
  // One wake-up delivers one bounded batch, not the whole backlog.
  assert.ok(src.produced.length > 0 && src.produced.length <= 64, `${src.produced.length} items in one wake-up`);
  // Everything more than a second overdue was dropped, and counted.
  assert.ok(src.produced[0]! >= 3_600_000 - 1000 - 1, `first item after the stall is ${src.produced[0]}`);
  assert.equal(src.skipped, src.produced[0]);
  // Later wake-ups (1 ms apart, letting the event loop run) drain the last second and catch up.
  let wakes = 0;
  // Each 1 ms a wake-up; the backlog shrinks by a batch minus the one new item each time.
  while (src.produced.at(-1)! < clock.time - 2) {
    clock.time += 1;
    assert.equal(clock.wake(), true);
    wakes++;
    assert.ok(wakes < 100, 'the source never caught up');
  }
  assert.ok(wakes > 1, 'the last second was drained over several wake-ups');
  const last = src.produced.at(-1)!;
  assert.ok(last >= Math.floor(clock.time) - 2, `caught up to ${last} at ${clock.time}`);
  // Items stay in order with no repeats.
  for (let i = 1; i < src.produced.length; i++) assert.equal(src.produced[i], src.produced[i - 1]! + 1);
  out.close();
  assert.equal(clock.timers.filter((t) => !t.cancelled).length, 0, 'closing the last output cancels the timer');
});

test('on a real clock a short delay is caught up in full, nothing dropped', () => {
  const clock = new ManualRealClock();
  const src = new Ticker(clock, 10);
  const out = src.createOutput(null);
  clock.time = 500; // 50 items due, half a second late at worst
  while (clock.wake()) {}
  assert.deepEqual(src.produced, Array.from({ length: 50 }, (_, i) => i));
  assert.equal(src.skipped, 0);
  out.close();
});
