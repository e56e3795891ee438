import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { render } from './helpers.js';

const SR = 8000;
const LEN = 512;

interface Ev {
  kind: 'set' | 'linear';
  frame: number;
  value: number;
}

/** Reference: piecewise-constant / linear per the spec formulas, from a list with increasing times. */
function reference(events: Ev[], n: number): number {
  const t = n / SR;
  let prev: Ev | undefined;
  let next: Ev | undefined;
  for (const e of events) {
    if (e.frame / SR <= t) prev = e;
    else {
      next = e;
      break;
    }
  }
  if (prev === undefined) return 0;
  if (next !== undefined && next.kind === 'linear') {
    const t0 = prev.frame / SR;
    const t1 = next.frame / SR;
    return prev.value + ((next.value - prev.value) * (t - t0)) / (t1 - t0);
  }
  return prev.value;
}

test('random setValueAtTime / linearRampToValueAtTime sequences match the spec formulas at every frame', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ kind: fc.constantFrom<'set' | 'linear'>('set', 'linear'), gap: fc.integer({ min: 1, max: 120 }), value: fc.integer({ min: -100, max: 100 }) }), { minLength: 1, maxLength: 8 }),
      async (spec) => {
        let frame = 0;
        const events: Ev[] = [{ kind: 'set', frame: 0, value: 0 }];
        for (const s of spec) {
          frame += s.gap;
          events.push({ kind: s.kind, frame, value: s.value / 4 });
        }
        const [ch] = await render(1, LEN, SR, (ctx) => {
          const src = ctx.createConstantSource();
          for (const e of events) {
            if (e.kind === 'set') src.offset.setValueAtTime(e.value, e.frame / SR);
            else src.offset.linearRampToValueAtTime(e.value, e.frame / SR);
          }
          src.connect(ctx.destination);
          src.start();
        });
        for (let n = 0; n < LEN; n++) {
          const expected = reference(events, n);
          if (Math.abs(ch![n]! - expected) > 1e-4 * Math.max(1, Math.abs(expected))) {
            throw new Error(`frame ${n}: expected ${expected}, got ${ch![n]} for ${JSON.stringify(events)}`);
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('arbitrary automation calls either succeed or throw the spec error types, and rendering stays finite', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          m: fc.integer({ min: 0, max: 6 }),
          v: fc.double({ min: -10, max: 10, noNaN: true }),
          t: fc.double({ min: -0.01, max: 0.07, noNaN: true }),
          d: fc.double({ min: -0.01, max: 0.05, noNaN: true }),
        }),
        { maxLength: 12 },
      ),
      async (calls) => {
        const [ch] = await render(1, LEN, SR, (ctx) => {
          const src = ctx.createConstantSource();
          const p = src.offset;
          for (const c of calls) {
            try {
              switch (c.m) {
                case 0: p.setValueAtTime(c.v, c.t); break;
                case 1: p.linearRampToValueAtTime(c.v, c.t); break;
                case 2: p.exponentialRampToValueAtTime(c.v, c.t); break;
                case 3: p.setTargetAtTime(c.v, c.t, c.d); break;
                case 4: p.setValueCurveAtTime([c.v, -c.v, c.v / 2], c.t, c.d); break;
                case 5: p.cancelScheduledValues(c.t); break;
                case 6: p.cancelAndHoldAtTime(c.t); break;
              }
            } catch (e) {
              const ok = e instanceof RangeError || (e instanceof DOMException && (e.name === 'NotSupportedError' || e.name === 'InvalidStateError'));
              assert.ok(ok, `unexpected error ${String(e)}`);
            }
          }
          src.connect(ctx.destination);
          src.start();
        });
        assert.ok(ch!.every((x) => Number.isFinite(x)), 'output is finite');
      },
    ),
    { numRuns: 60 },
  );
});
