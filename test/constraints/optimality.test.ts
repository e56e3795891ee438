import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitnessDistance, selectSettings, type ConstrainableDevice } from '../../src/constraints/select-settings.js';
import { convertMediaTrackConstraints } from '../../src/constraints/convert.js';
import type { MediaTrackConstraints, MediaTrackSettings } from '../../src/constraints/types.js';
import type { VideoMode } from '../../src/sources/types.js';

// A tiny camera, so that every crop-and-scale size can be enumerated.
const MODES: VideoMode[] = [
  { width: 24, height: 18, frameRate: 10 },
  { width: 16, height: 16, frameRate: 5 },
  { width: 12, height: 9, frameRate: 10 },
];
const DEVICE: ConstrainableDevice = {
  descriptor: {
    kind: 'videoinput',
    internalId: 't:tiny',
    label: 'tiny',
    groupKey: 'g',
    isDefault: true,
    video: { modes: MODES, facingMode: [], backgroundBlur: [false] },
  },
  deviceId: 'tiny',
  groupId: 'g',
};

function settings(w: number, h: number, fr: number, resizeMode: string): MediaTrackSettings {
  return { width: w, height: h, aspectRatio: Math.round((w / h) * 1e10) / 1e10, frameRate: fr, resizeMode, deviceId: 'tiny', groupId: 'g', backgroundBlur: false };
}

function numbers(c: MediaTrackConstraints, name: 'frameRate'): number[] {
  const out: number[] = [];
  for (const cs of [c, ...(c.advanced ?? [])]) {
    const v = cs[name];
    if (typeof v === 'number') out.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) if (typeof x === 'number') out.push(x);
  }
  return out;
}

/** The whole settings space, by enumeration: every size, every whole rate and every rate named by a constraint. */
function everySettings(c: MediaTrackConstraints): MediaTrackSettings[] {
  const out: MediaTrackSettings[] = [];
  for (const m of MODES) {
    out.push(settings(m.width, m.height, m.frameRate, 'none'));
    const rates = new Set<number>();
    for (let r = 1; r <= m.frameRate; r++) rates.add(r);
    for (const r of numbers(c, 'frameRate')) if (r > 0 && r <= m.frameRate) rates.add(r);
    for (let w = 1; w <= m.width; w++) for (let h = 1; h <= m.height; h++) for (const r of rates) out.push(settings(w, h, r, 'crop-and-scale'));
  }
  return out;
}

/** SelectSettings steps 3-5 written out naively; returns the smallest step-3 distance left, or null. */
function referenceBest(c: MediaTrackConstraints): number | null {
  let cands = everySettings(c)
    .map((s) => ({ s, d: fitnessDistance(s, c, 'ideal', 'video') }))
    .filter((x) => x.d !== Infinity);
  if (cands.length === 0) return null;
  for (const adv of c.advanced ?? []) {
    const kept = cands.filter((x) => fitnessDistance(x.s, adv, 'exact', 'video') !== Infinity);
    if (kept.length > 0) cands = kept;
  }
  return Math.min(...cands.map((x) => x.d));
}

const int = (min: number, max: number) => fc.integer({ min, max });
const num = {
  width: int(0, 30),
  height: int(0, 22),
  frameRate: fc.oneof(int(1, 12), fc.constantFrom(2.5, 7.5)),
  aspectRatio: fc.oneof(fc.constantFrom(1, 4 / 3, 16 / 9, 1.5, 0.75, 2), fc.double({ min: 0.3, max: 3, noNaN: true })),
};
const member = (n: fc.Arbitrary<number>) => fc.oneof(n, fc.record({ min: n, max: n, exact: n, ideal: n }, { requiredKeys: [] }));
const resize = fc.oneof(fc.constantFrom('none', 'crop-and-scale'), fc.record({ exact: fc.constantFrom('none', 'crop-and-scale') }));
const set = fc.record(
  { width: member(num.width), height: member(num.height), frameRate: member(num.frameRate), aspectRatio: member(num.aspectRatio), resizeMode: resize },
  { requiredKeys: [] },
);
const constraintsArb = fc.tuple(set, fc.array(set, { maxLength: 3 })).map(([b, adv]) => ({ ...b, advanced: adv }));

test('item 70: the finite crop-and-scale candidates reach the same optimum as enumerating every size', () => {
  fc.assert(
    fc.property(constraintsArb, (raw) => {
      const c = convertMediaTrackConstraints(raw, 'c');
      const expected = referenceBest(c);
      const r = selectSettings(DEVICE, c);
      if (expected === null) {
        assert.ok('failedConstraint' in r, `expected failure, got ${JSON.stringify('settings' in r && r.settings)}`);
        return;
      }
      assert.ok(!('failedConstraint' in r), `expected settings (best distance ${expected}), got failure`);
      // Same advanced sets kept and same smallest distance: recompute ours through the reference formula.
      const d = fitnessDistance(r.settings, c, 'ideal', 'video');
      assert.ok(Math.abs(d - expected) < 1e-9, `distance ${d} but ${expected} is reachable`);
      for (const adv of c.advanced ?? []) {
        const refKeeps = everySettings(c).some(
          (s) => fitnessDistance(s, c, 'ideal', 'video') !== Infinity && fitnessDistance(s, adv, 'exact', 'video') !== Infinity,
        );
        if (!refKeeps) assert.equal(fitnessDistance(r.settings, adv, 'exact', 'video') !== Infinity, false);
      }
    }),
    { numRuns: 150, seed: 42 },
  );
});
