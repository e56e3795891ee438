import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectDisplaySettings, displayCapabilities, type DisplaySpace } from '../../src/constraints/display-settings.js';
import type { MediaTrackConstraints } from '../../src/constraints/types.js';

const SPACE: DisplaySpace = {
  surface: { internalId: 's', label: 'S', displaySurface: 'monitor', logicalSurface: true, width: 1920, height: 1080, frameRate: 30, cursor: ['never', 'always', 'motion'], audio: false },
  deviceId: 'screen-id',
};

function pick(c: MediaTrackConstraints, cursor: 'always' | 'never' | 'motion' = 'always', fixed = false) {
  const r = selectDisplaySettings(SPACE, c, cursor, fixed);
  if ('failedConstraint' in r) return r.failedConstraint;
  const s = r.settings;
  return [s.width, s.height, s.frameRate, s.resizeMode, s.cursor, r.cursor];
}

test('unconstrained: the surface as is, cursor "always"', () => {
  assert.deepEqual(pick({}), [1920, 1080, 30, 'none', 'always', 'always']);
});

test('every ideal width or height gives that size with the other side at the surface ratio', () => {
  for (let w = 1; w <= 1920; w += 37) {
    assert.deepEqual(pick({ width: w }).slice(0, 2), [w, Math.max(1, Math.round((w * 9) / 16))], `width ${w}`);
  }
  for (let h = 1; h <= 1080; h += 29) {
    assert.deepEqual(pick({ height: h }).slice(0, 2), [Math.round((h * 16) / 9), h], `height ${h}`);
  }
});

test('no upscaling and no frame creation: ideals above the surface give the surface', () => {
  assert.deepEqual(pick({ width: 4000, height: 3000, frameRate: 240 }).slice(0, 4), [1920, 1080, 30, 'none']);
});

test('no cropping: an aspect ratio other than the surface cannot be required', () => {
  assert.equal(pick({ aspectRatio: { exact: 1 } }), 'aspectRatio');
  // Each is met by some size, never both at once: no single constraint is to blame.
  assert.equal(pick({ width: { exact: 1000 }, height: { exact: 1000 } }), '');
  assert.deepEqual(pick({ aspectRatio: 1 }).slice(0, 2), [1920, 1080]);
});

test('frame rates decimate down to the floor of 1 fps', () => {
  assert.deepEqual(pick({ frameRate: 12.5 }).slice(2, 4), [12.5, 'crop-and-scale']);
  assert.deepEqual(pick({ frameRate: 0.2 }).slice(2, 3), [1]);
  assert.equal(pick({ frameRate: { max: 0.5 } }), 'frameRate');
});

test('the cursor: chosen from the capability, fixed while the source is shared', () => {
  assert.deepEqual(pick({ cursor: 'never' }).slice(4), ['never', 'never']);
  assert.deepEqual(pick({ cursor: { exact: 'motion' } }).slice(4), ['motion', 'motion']);
  assert.deepEqual(pick({ cursor: 'never' }, 'always', true).slice(4), ['always', 'always']);
  assert.equal(pick({ cursor: { exact: 'never' } }, 'always', true), 'cursor');
});

test('displaySurface never fails; logicalSurface is what the surface is', () => {
  assert.deepEqual(pick({ displaySurface: { exact: 'window' } }).slice(0, 2), [1920, 1080]);
  assert.deepEqual(pick({ advanced: [{ displaySurface: 'browser' }] }).slice(0, 2), [1920, 1080]);
  assert.equal(pick({ logicalSurface: { exact: false } }), 'logicalSurface');
});

test('advanced sets narrow the choice (applyConstraints may use them)', () => {
  assert.deepEqual(pick({ advanced: [{ width: 640 }, { frameRate: 10 }] }).slice(0, 3), [640, 360, 10]);
});

test('capabilities follow the surface and the current aspect ratio', () => {
  const r = selectDisplaySettings(SPACE, { width: 158 }, 'always', false);
  assert.ok(!('failedConstraint' in r));
  const caps = displayCapabilities(SPACE, r.settings) as Record<string, unknown>;
  assert.deepEqual(caps.aspectRatio, { min: r.settings.aspectRatio, max: r.settings.aspectRatio });
  assert.equal(r.settings.aspectRatio, Math.round((158 / 89) * 1e10) / 1e10);
  assert.deepEqual(caps.width, { min: 1, max: 1920 });
  assert.equal(caps.deviceId, 'screen-id');
});
