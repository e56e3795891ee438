import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AutomationTimeline, EventType, makeEvent, type AutomationEvent } from '../../src/webaudio/automation.js';
import { render } from './helpers.js';

/** An event whose `time` reads are counted, so the work done per insertion is observable. */
function counted(type: EventType, time: number, value: number, reads: { n: number }): AutomationEvent {
  const e = makeEvent(type, time, value);
  let t = time;
  Object.defineProperty(e, 'time', {
    get() {
      reads.n++;
      return t;
    },
    set(v: number) {
      t = v;
    },
  });
  return e;
}

/** A deterministic shuffle of 0..n-1 (a fixed LCG, so the test is reproducible). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('AutomationTimeline scales to many events', () => {
  for (const order of ['ascending', 'descending', 'random'] as const) {
    test(`inserting 20,000 events in ${order} order reads O(log n) event times each`, () => {
      const n = 20_000;
      const reads = { n: 0 };
      const tl = new AutomationTimeline(0);
      const times = order === 'ascending' ? [...Array(n).keys()] : order === 'descending' ? [...Array(n).keys()].reverse() : shuffled(n);
      for (const i of times) tl.insert(counted(i % 3 === 0 ? EventType.SetValue : EventType.LinearRamp, 1 + i * 1e-3, i, reads), 0);
      assert.equal(tl.length, n);
      for (let i = 1; i < n; i++) assert.ok(tl.events[i - 1]!.time <= tl.events[i]!.time, `events sorted at ${i}`);
      // A linear scan per insertion would read ~n/2 times each (1e8 in all); a binary search
      // reads about log2(n) ≈ 15 (plus a constant for the validation queries).
      const perInsert = (reads.n - n) / n; // the sortedness check above read n-1 pairs
      assert.ok(perInsert < 64, `read ${perInsert.toFixed(1)} event times per insertion`);
    });
  }

  test('a chain of 100,000 setTargetAtTime events is evaluated without recursion', () => {
    const tl = new AutomationTimeline(0);
    for (let i = 0; i < 100_000; i++) tl.insert(makeEvent(EventType.SetTarget, i * 0.001, i % 2, { timeConstant: 0.01 }), 0);
    // Far after the last target starts, the value has converged on its target (1 for odd i).
    const v = tl.valueAt(1000);
    assert.ok(Math.abs(v - 1) < 1e-6, `value ${v}`);
  });

  test('40,000 events scheduled through AudioParam render the same curve as a few', async () => {
    // A staircase of 40,000 setValueAtTime steps, one per 16 frames, inserted newest first.
    const sr = 8000;
    const steps = 40_000;
    const [out] = await render(1, steps * 16, sr, (ctx) => {
      const src = ctx.createConstantSource();
      src.offset.value = 0;
      for (let k = steps - 1; k >= 0; k--) src.offset.setValueAtTime(k % 7, (k * 16) / sr);
      src.connect(ctx.destination);
      src.start();
    });
    for (let k = 0; k < steps; k += 997) assert.equal(out![k * 16 + 3], k % 7, `step ${k}`);
  });
});
