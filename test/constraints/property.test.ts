import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convertMediaTrackConstraints } from '../../src/constraints/convert.js';
import { capabilitiesOf, filterForKind, selectSettings, type ConstrainableDevice } from '../../src/constraints/select-settings.js';
import type { MediaTrackConstraints } from '../../src/constraints/types.js';
import type { AudioMode, VideoMode } from '../../src/sources/types.js';

const videoModes: VideoMode[] = [
  { width: 640, height: 480, frameRate: 30 },
  { width: 1280, height: 720, frameRate: 30 },
  { width: 1280, height: 720, frameRate: 60 },
  { width: 1920, height: 1080, frameRate: 30 },
  { width: 320, height: 240, frameRate: 15 },
];
const audioModes: AudioMode[] = [
  { sampleRate: 48000, channelCount: 2, sampleSize: 16, latency: 0.01 },
  { sampleRate: 16000, channelCount: 1, sampleSize: 24, latency: 0.04 },
];
const cam = (locked: VideoMode | null): ConstrainableDevice => ({
  descriptor: {
    kind: 'videoinput',
    internalId: 'p:cam',
    label: 'cam',
    groupKey: 'g',
    isDefault: true,
    video: { modes: videoModes, facingMode: ['environment'], backgroundBlur: [false] },
  },
  deviceId: 'cam-id',
  groupId: 'group-id',
  lockedConfig: locked ? { kind: 'video', mode: locked } : null,
});
const mic = (locked: AudioMode | null): ConstrainableDevice => ({
  descriptor: {
    kind: 'audioinput',
    internalId: 'p:mic',
    label: 'mic',
    groupKey: 'g',
    isDefault: true,
    audio: { modes: audioModes, echoCancellation: [true, false, 'all'], autoGainControl: [false], noiseSuppression: [true, false] },
  },
  deviceId: 'mic-id',
  groupId: 'group-id',
  lockedConfig: locked ? { kind: 'audio', mode: locked } : null,
});
const DEVICES = [cam(null), cam(videoModes[2]!), mic(null), mic(audioModes[0]!)];

const NAMES = [
  'width', 'height', 'aspectRatio', 'frameRate', 'facingMode', 'resizeMode', 'sampleRate', 'sampleSize',
  'echoCancellation', 'autoGainControl', 'noiseSuppression', 'latency', 'channelCount', 'deviceId', 'groupId',
  'backgroundBlur', 'voiceIsolation', 'displaySurface', 'cursor', 'volume', 'unknownThing',
];
const SUPPORTED = new Set(NAMES.slice(0, 16));

class GetterError extends Error {}

const words = fc.constantFrom('user', 'environment', 'left', 'none', 'crop-and-scale', 'all', 'remote-only', 'cam-id', 'mic-id', 'group-id', '');
const scalar = fc.oneof(
  fc.integer({ min: -10, max: 4000 }),
  fc.double({ min: 0, max: 3000 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 40, -1, 0, 1, 16 / 9, 4 / 3, 0.5),
  words,
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(words, { maxLength: 3 }),
);
const range = fc.record(
  { min: scalar, max: scalar, exact: scalar, ideal: scalar },
  { requiredKeys: [] },
);
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 4, arbitrary: range }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
const constraintSet = fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 6 });
const withThrowingGetter = constraintSet.map((o) => {
  Object.defineProperty(o, 'height', {
    enumerable: true,
    get() {
      throw new GetterError('getter');
    },
  });
  return o;
});
// Constraints a real page would write, so that many selections succeed with required members.
const numberFor: Record<string, fc.Arbitrary<number>> = {
  width: fc.integer({ min: 1, max: 2000 }),
  height: fc.integer({ min: 1, max: 1200 }),
  aspectRatio: fc.oneof(fc.constantFrom(16 / 9, 4 / 3, 1, 1.5), fc.double({ min: 0.1, max: 4, noNaN: true })),
  frameRate: fc.oneof(fc.constantFrom(15, 30, 60), fc.double({ min: 0.5, max: 70, noNaN: true })),
  sampleRate: fc.constantFrom(16000, 44100, 48000),
  sampleSize: fc.constantFrom(16, 24),
  latency: fc.double({ min: 0, max: 0.05, noNaN: true }),
  channelCount: fc.integer({ min: 1, max: 3 }),
};
const plausibleValue = (name: string): fc.Arbitrary<unknown> => {
  const n = numberFor[name];
  if (n) return fc.oneof(n, fc.record({ min: n, max: n, exact: n, ideal: n }, { requiredKeys: [] }));
  if (['autoGainControl', 'noiseSuppression', 'backgroundBlur'].includes(name)) return fc.oneof(fc.boolean(), fc.record({ exact: fc.boolean(), ideal: fc.boolean() }, { requiredKeys: [] }));
  const w = fc.oneof(words, fc.array(words, { maxLength: 3 }));
  if (name === 'echoCancellation') return fc.oneof(fc.boolean(), words, fc.record({ exact: fc.oneof(fc.boolean(), words), ideal: fc.boolean() }, { requiredKeys: [] }));
  return fc.oneof(w, fc.record({ exact: w, ideal: w }, { requiredKeys: [] }));
};
const plausibleSet = fc
  .uniqueArray(fc.constantFrom(...NAMES.slice(0, 16)), { maxLength: 4 })
  .chain((names) => fc.tuple(...names.map((n) => plausibleValue(n).map((v) => [n, v] as const))))
  .map((entries) => Object.fromEntries(entries));
const constraints = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(plausibleSet, fc.option(fc.array(plausibleSet, { maxLength: 4 }), { nil: undefined })).map(([b, adv]) => (adv === undefined ? b : { ...b, advanced: adv })) },
  { weight: 5, arbitrary: fc.tuple(constraintSet, fc.option(fc.array(constraintSet, { maxLength: 4 }), { nil: undefined })).map(([b, adv]) => (adv === undefined ? b : { ...b, advanced: adv })) },
  { weight: 1, arbitrary: fc.tuple(constraintSet, fc.anything({ maxDepth: 2 })).map(([b, adv]) => ({ ...b, advanced: adv })) },
  { weight: 1, arbitrary: withThrowingGetter },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
);

/** Independent check that a settings dictionary meets one required basic constraint. */
function meets(name: string, c: Record<string, unknown>, setting: unknown): boolean {
  if (setting === undefined) return false;
  const empty = (x: unknown) => x === undefined || (Array.isArray(x) && x.length === 0);
  if (typeof setting === 'number') {
    const tol = name === 'aspectRatio' ? 1e-10 : 0;
    if (typeof c.min === 'number' && setting < c.min - tol) return false;
    if (typeof c.max === 'number' && setting > c.max + tol) return false;
    if (typeof c.exact === 'number' && Math.abs(setting - c.exact) > tol) return false;
    return true;
  }
  if (empty(c.exact)) return true;
  const allowed = Array.isArray(c.exact) ? c.exact : [c.exact];
  return allowed.includes(setting);
}

test('items 3/56/70/72: random constraints through convert + selectSettings: only TypeErrors from convert, required constraints always met', () => {
  let selections = 0;
  let successes = 0;
  let requiredChecked = 0;
  fc.assert(
    fc.property(constraints, (raw) => {
      let converted: MediaTrackConstraints;
      try {
        converted = convertMediaTrackConstraints(raw, 'constraints');
      } catch (e) {
        assert.ok(e instanceof TypeError || e instanceof GetterError, `unexpected ${String(e)}`);
        return;
      }
      for (const device of DEVICES) {
        const kind = device.descriptor.kind === 'videoinput' ? 'video' : 'audio';
        for (const cs of [converted, filterForKind(converted, kind)]) {
          selections++;
          const r = selectSettings(device, cs);
          if ('failedConstraint' in r) {
            assert.equal(typeof r.failedConstraint, 'string');
            continue;
          }
          successes++;
          const s = r.settings as Record<string, unknown>;
          for (const name of Object.keys(cs)) {
            const c = (cs as Record<string, unknown>)[name];
            if (name === 'advanced' || !SUPPORTED.has(name) || typeof c !== 'object' || c === null || Array.isArray(c)) continue;
            const o = c as Record<string, unknown>;
            const required = [o.min, o.max, o.exact].some((x) => x !== undefined && !(Array.isArray(x) && x.length === 0));
            if (required) requiredChecked++;
            if (required) assert.ok(meets(name, o, s[name]), `${name} ${JSON.stringify(o)} not met by ${JSON.stringify(s[name])}`);
          }
          // settings within the capabilities, format and config consistent with them
          const caps = capabilitiesOf(device) as Record<string, unknown>;
          for (const [k, v] of Object.entries(s)) {
            const cap = caps[k];
            if (typeof v === 'number') {
              const rg = cap as { min: number; max: number };
              assert.ok(v >= rg.min - 1e-10 && v <= rg.max + 1e-10, `${k}=${v} outside ${JSON.stringify(rg)}`);
            } else if (Array.isArray(cap)) {
              assert.ok(cap.includes(v), `${k}=${String(v)} not in ${JSON.stringify(cap)}`);
            } else {
              assert.equal(v, cap);
            }
          }
          if (r.format.kind === 'video' && r.config.kind === 'video') {
            assert.deepEqual([r.format.width, r.format.height, r.format.frameRate], [s.width, s.height, s.frameRate]);
            assert.ok(r.format.width <= r.config.mode.width && r.format.height <= r.config.mode.height && r.format.frameRate <= r.config.mode.frameRate);
            assert.ok(Number.isInteger(r.format.width) && Number.isInteger(r.format.height) && r.format.frameRate > 0);
            if (device.lockedConfig) assert.deepEqual(r.config, device.lockedConfig);
          } else if (r.format.kind === 'audio' && r.config.kind === 'audio') {
            assert.deepEqual([r.format.sampleRate, r.format.channelCount], [s.sampleRate, s.channelCount]);
            assert.ok(r.format.channelCount >= 1 && r.format.channelCount <= r.config.mode.channelCount);
            if (device.lockedConfig) assert.deepEqual(r.config, device.lockedConfig);
          } else {
            assert.fail('config and format kinds differ');
          }
        }
      }
    }),
    { numRuns: 4000, seed: 20261121 },
  );
  assert.ok(selections > 10000, `only ${selections} selections ran`);
  // The generator must reach the interesting paths, not only conversion errors.
  assert.ok(successes > 2000, `only ${successes} selections succeeded`);
  assert.ok(requiredChecked > 500, `only ${requiredChecked} required constraints were checked`);
});
