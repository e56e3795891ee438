import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fitnessDistance } from '../../src/constraints/select-settings.js';
import type { MediaTrackConstraintSet, MediaTrackSettings } from '../../src/constraints/types.js';

const video: MediaTrackSettings = {
  width: 640,
  height: 480,
  aspectRatio: 1.3333333333,
  frameRate: 30,
  resizeMode: 'none',
  deviceId: 'cam',
  groupId: 'g1',
  backgroundBlur: false,
};
const audio: MediaTrackSettings = {
  sampleRate: 48000,
  sampleSize: 16,
  echoCancellation: true,
  autoGainControl: false,
  noiseSuppression: true,
  latency: 0.01,
  channelCount: 2,
  deviceId: 'mic',
  groupId: 'g1',
};

const fd = (s: MediaTrackSettings, cs: unknown, bare: 'ideal' | 'exact' = 'ideal', kind: 'audio' | 'video' = 'video') =>
  fitnessDistance(s, cs as MediaTrackConstraintSet, bare, kind);

describe('item 69: fitness distance rules', () => {
  test('rule 1: a property the UA does not support contributes 0, even when required', () => {
    assert.equal(fd(video, { gestureReactions: { exact: true } }), 0);
    assert.equal(fd(video, { humanFaceDetectionMode: 'bounding-box' }, 'exact'), 0);
    assert.equal(fd(video, { volume: { exact: 1 } }), 0);
  });
  test('rule 2: an unsatisfied required constraint is +Infinity (min, max, exact, missing member)', () => {
    assert.equal(fd(video, { width: { min: 641 } }), Infinity);
    assert.equal(fd(video, { height: { max: 479 } }), Infinity);
    assert.equal(fd(video, { frameRate: { exact: 29.97 } }), Infinity);
    assert.equal(fd(video, { deviceId: { exact: ['other', 'another'] } }), Infinity);
    // video has no facingMode member at all
    assert.equal(fd(video, { facingMode: { exact: 'user' } }), Infinity);
    // bounds that hold are finite
    assert.equal(fd(video, { width: { min: 640, max: 640 }, deviceId: { exact: ['x', 'cam'] } }), 0);
  });
  test('rule 2: a bare value is required only when bare values are exact (advanced sets)', () => {
    assert.equal(fd(video, { width: 1280 }, 'exact'), Infinity);
    assert.equal(fd(video, { width: 640 }, 'exact'), 0);
    assert.equal(fd(video, { width: 1280 }, 'ideal'), 0.5);
  });
  test('rule 3: a constraint for another kind contributes 0 unless required (rule 2 comes first)', () => {
    assert.equal(fd(video, { sampleRate: 44100, channelCount: { ideal: 1 } }), 0);
    assert.equal(fd(audio, { width: 1280 }, 'ideal', 'audio'), 0);
    assert.equal(fd(audio, { width: { exact: 1280 } }, 'ideal', 'audio'), Infinity);
  });
  test('rule 4: a boolean for a non-boolean property asks whether the member exists', () => {
    // Only reachable without WebIDL conversion (which turns `true` into 1 for width).
    assert.equal(fd(video, { width: true }), 0);
    assert.equal(fd(video, { width: false }), 1);
    assert.equal(fd(video, { facingMode: true }), 1);
    assert.equal(fd(video, { facingMode: false }), 0);
  });
  test('rule 5: a member missing from the settings dictionary is 1', () => {
    assert.equal(fd(video, { facingMode: 'user' }), 1);
    assert.equal(fd(video, { facingMode: { ideal: ['user'] } }), 1);
  });
  test('rule 6: no ideal means 0 once the requirement holds', () => {
    assert.equal(fd(video, { width: { min: 100, max: 1000 } }), 0);
    assert.equal(fd(video, { frameRate: 30 }, 'exact'), 0);
    assert.equal(fd(audio, { echoCancellation: { exact: true } }, 'ideal', 'audio'), 0);
  });
  test('rule 7: numeric ideal gives |actual - ideal| / max(|actual|, |ideal|)', () => {
    assert.equal(fd(video, { width: 1280 }), 640 / 1280);
    assert.equal(fd(video, { frameRate: { ideal: 20 } }), 10 / 30);
    assert.equal(fd(video, { height: { min: 100, ideal: 960 } }), 480 / 960);
    // sum over members: 360/1000 + 20/500
    assert.ok(Math.abs(fd(video, { width: 1000, height: 500 }) - (0.36 + 0.04)) < 1e-15);
    assert.equal(fd(audio, { sampleRate: 44100 }, 'ideal', 'audio'), 3900 / 48000);
    assert.equal(fd(audio, { latency: 0.02 }, 'ideal', 'audio'), 0.01 / 0.02);
  });
  test('rule 8: string/enum/boolean ideal gives 0 on a match (any list element) and 1 otherwise', () => {
    const cam: MediaTrackSettings = { ...video, facingMode: 'user' };
    assert.equal(fd(cam, { facingMode: ['environment', 'user'] }), 0);
    assert.equal(fd(cam, { facingMode: 'left' }), 1);
    assert.equal(fd(cam, { resizeMode: { ideal: 'crop-and-scale' }, deviceId: 'cam' }), 1);
    assert.equal(fd(audio, { echoCancellation: 'all', autoGainControl: true, noiseSuppression: true }, 'ideal', 'audio'), 2);
  });
  test('item 68: an empty list is no constraint, even in an advanced set', () => {
    assert.equal(fd(video, { facingMode: [] }, 'exact'), 0);
    assert.equal(fd(video, { facingMode: { exact: [] } }), 0);
    assert.equal(fd(video, { deviceId: { exact: [], ideal: [] } }), 0);
  });
  test('item 78: aspectRatio is compared at 10 decimals, so 16/9 matches 1.7777777778', () => {
    const hd: MediaTrackSettings = { ...video, width: 1280, height: 720, aspectRatio: 1.7777777778 };
    assert.equal(fd(hd, { aspectRatio: { exact: 16 / 9 } }), 0);
    assert.equal(fd(hd, { aspectRatio: 16 / 9 }), 0);
    assert.equal(fd(hd, { aspectRatio: { min: 16 / 9, max: 16 / 9 } }), 0);
    assert.equal(fd(hd, { aspectRatio: { exact: 4 / 3 } }), Infinity);
  });
});
