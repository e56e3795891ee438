import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { PannerNode } from '../../../src/webaudio/nodes/panner-node.js';
import { AudioListener } from '../../../src/webaudio/audio-listener.js';
import { assertDOMException } from '../helpers.js';

// ---- the spec's formulas, written out here independently of the implementation ----

type V = [number, number, number];
const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V, b: V): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const mag = (a: V): number => Math.sqrt(dot(a, a));
const norm = (a: V): V => {
  const m = mag(a);
  return m === 0 ? [0, 0, 0] : [a[0] / m, a[1] / m, a[2] / m];
};
const scale = (a: V, s: number): V => [a[0] * s, a[1] * s, a[2] * s];

interface Listener {
  pos: V;
  fwd: V;
  up: V;
}
const DEFAULT_LISTENER: Listener = { pos: [0, 0, 0], fwd: [0, 0, -1], up: [0, 1, 0] };

/** webaudio#azimuth-elevation (azimuth only; equalpower ignores elevation). */
function specAzimuth(src: V, l: Listener): number {
  const sl = norm(sub(src, l.pos));
  if (mag(sl) === 0) return 0;
  const right = cross(l.fwd, l.up);
  if (mag(right) === 0) return 0;
  const rn = norm(right);
  const fn = norm(l.fwd);
  const up = cross(rn, fn);
  const projected = norm(sub(sl, scale(up, dot(sl, up))));
  let az = (180 * Math.acos(Math.max(-1, Math.min(1, dot(projected, rn))))) / Math.PI;
  if (dot(projected, fn) < 0) az = 360 - az;
  if (az >= 0 && az <= 270) az = 90 - az;
  else az = 450 - az;
  return az;
}

/** webaudio#Spatialization-equal-power-panning steps 2-5 for constant input samples. */
function specEqualPower(az: number, inL: number, inR: number | null): [number, number] {
  az = Math.min(180, Math.max(-180, az));
  if (az < -90) az = -180 - az;
  else if (az > 90) az = 180 - az;
  const x = inR === null ? (az + 90) / 180 : az <= 0 ? (az + 90) / 90 : az / 90;
  const gL = Math.cos((x * Math.PI) / 2);
  const gR = Math.sin((x * Math.PI) / 2);
  if (inR === null) return [inL * gL, inL * gR];
  return az <= 0 ? [inL + inR * gL, inR * gR] : [inL * gL, inR + inL * gR];
}

/** webaudio#enumdef-distancemodeltype */
function specDistanceGain(model: string, d: number, ref: number, max: number, f: number): number {
  if (model === 'linear') {
    f = Math.min(1, Math.max(0, f));
    const r = Math.min(ref, max);
    const m = Math.max(ref, max);
    if (r === m) return 1 - f;
    return 1 - (f * (Math.max(Math.min(d, m), r) - r)) / (m - r);
  }
  if (ref === 0) return 0;
  if (model === 'inverse') return ref / (ref + f * (Math.max(d, ref) - ref));
  return Math.pow(Math.max(d, ref) / ref, -f);
}

/**
 * webaudio#Spatialization-sound-cones, with the angle taken against the vector from the source
 * to the listener (what the pseudo-code's variable name and prose describe).
 */
function specConeGain(src: V, orient: V, l: Listener, inner: number, outer: number, outerGain: number): number {
  if (mag(orient) === 0 || (inner === 360 && outer === 360)) return 1;
  const toListener = norm(sub(l.pos, src));
  const angle = Math.abs((180 * Math.acos(Math.max(-1, Math.min(1, dot(toListener, norm(orient)))))) / Math.PI);
  const ai = Math.abs(inner) / 2;
  const ao = Math.abs(outer) / 2;
  if (angle <= ai) return 1;
  if (angle >= ao) return outerGain;
  const x = (angle - ai) / (ao - ai);
  return 1 - x + outerGain * x;
}

const SR = 48000;

async function renderPanner(
  length: number,
  options: Record<string, unknown>,
  input: { left: number; right?: number },
  tweak?: (ctx: OfflineAudioContext, p: PannerNode) => void,
): Promise<[Float32Array, Float32Array]> {
  const ctx = new OfflineAudioContext(2, length, SR);
  const p = new PannerNode(ctx, options);
  const l = ctx.createConstantSource();
  l.offset.value = input.left;
  l.start();
  if (input.right === undefined) l.connect(p);
  else {
    const r = ctx.createConstantSource();
    r.offset.value = input.right;
    r.start();
    const m = ctx.createChannelMerger(2);
    l.connect(m, 0, 0);
    r.connect(m, 0, 1);
    m.connect(p);
  }
  p.connect(ctx.destination);
  tweak?.(ctx, p);
  const buf = await ctx.startRendering();
  return [buf.getChannelData(0), buf.getChannelData(1)];
}

function near(a: number, e: number, tol: number, label: string): void {
  assert.ok(Math.abs(a - e) <= tol, `${label}: expected ${e}, got ${a}`);
}

// ---- equal-power panning ----

test('equalpower, mono input: gains at known azimuths follow the spec formulas', async () => {
  // Around the listener on the horizontal plane at distance 1 (inverse model gain 1), including
  // sources behind (|azimuth| > 90), which fold back into [-90, 90].
  for (const deg of [0, 30, -45, 90, -90, 120, -150, 180]) {
    const t = (deg * Math.PI) / 180;
    const src: V = [Math.sin(t), 0, -Math.cos(t)];
    const [L, R] = await renderPanner(128, { positionX: src[0], positionY: src[1], positionZ: src[2] }, { left: 0.5 });
    const az = specAzimuth(src, DEFAULT_LISTENER);
    const [eL, eR] = specEqualPower(az, 0.5, null);
    near(L[64]!, eL, 1e-6, `L at ${deg} deg`);
    near(R[64]!, eR, 1e-6, `R at ${deg} deg`);
  }
});

test('equalpower, stereo input: each side folds into the other per the spec', async () => {
  for (const deg of [-60, -10, 0, 25, 80]) {
    const t = (deg * Math.PI) / 180;
    const src: V = [Math.sin(t), 0, -Math.cos(t)];
    const [L, R] = await renderPanner(128, { positionX: src[0], positionZ: src[2] }, { left: 0.4, right: 0.2 });
    const az = specAzimuth(src, DEFAULT_LISTENER);
    const [eL, eR] = specEqualPower(az, 0.4, 0.2);
    near(L[10]!, eL, 1e-6, `L at ${deg} deg`);
    near(R[10]!, eR, 1e-6, `R at ${deg} deg`);
  }
});

test('elevation does not change equalpower panning except through the projected azimuth', async () => {
  const src: V = [1, 1, -1];
  const [L, R] = await renderPanner(128, { positionX: 1, positionY: 1, positionZ: -1, distanceModel: 'linear', rolloffFactor: 0 }, { left: 1 });
  const [eL, eR] = specEqualPower(specAzimuth(src, DEFAULT_LISTENER), 1, null);
  near(L[0]!, eL, 1e-6, 'L');
  near(R[0]!, eR, 1e-6, 'R');
});

// ---- distance models ----

test('each distance model scales the output by its distanceGain formula', async () => {
  const cases: [string, number, number, number][] = [
    // model, refDistance, maxDistance, rolloffFactor
    ['inverse', 1, 10000, 1],
    ['inverse', 2, 10000, 3.5],
    ['inverse', 0, 10000, 1],
    ['exponential', 1, 10000, 1],
    ['exponential', 1.5, 10000, 0.7],
    ['exponential', 0, 10000, 2],
    ['linear', 1, 10, 1],
    ['linear', 2, 8, 0.5],
    ['linear', 1, 10, 4], // rolloffFactor clamped to 1 for linear
    ['linear', 12, 5, 0.8], // refDistance > maxDistance: swapped
    ['linear', 5, 5, 0.3], // d'ref = d'max: 1 - f
  ];
  for (const [model, ref, max, f] of cases) {
    for (const d of [0.5, 1, 3, 9, 20]) {
      const [L, R] = await renderPanner(128, { positionZ: -d, distanceModel: model, refDistance: ref, maxDistance: max, rolloffFactor: f }, { left: 1 });
      const g = specDistanceGain(model, d, ref, max, f);
      const [eL, eR] = specEqualPower(0, 1, null);
      near(L[5]!, g * eL, 1e-6, `${model} ref=${ref} max=${max} f=${f} d=${d} L`);
      near(R[5]!, g * eR, 1e-6, `${model} ref=${ref} max=${max} f=${f} d=${d} R`);
    }
  }
});

// ---- cones ----

test('sound cones: inner, between and outer gains follow the cone formula', async () => {
  // Source in front of the listener; its orientation turned away from the listener by `deg`.
  const src: V = [0, 0, -1];
  for (const deg of [0, 20, 35, 50, 75, 120, 180]) {
    const t = (deg * Math.PI) / 180;
    const orient: V = [Math.sin(t), 0, Math.cos(t)];
    const opts = {
      positionZ: -1,
      orientationX: orient[0],
      orientationY: orient[1],
      orientationZ: orient[2],
      coneInnerAngle: 60,
      coneOuterAngle: 150,
      coneOuterGain: 0.25,
    };
    const [L] = await renderPanner(128, opts, { left: 1 });
    const g = specConeGain(src, orient, DEFAULT_LISTENER, 60, 150, 0.25);
    near(L[0]!, g * Math.SQRT1_2, 1e-6, `cone at ${deg} deg`);
  }
  // A zero orientation vector, or 360/360 cones, leave the gain at 1.
  const [L0] = await renderPanner(128, { positionZ: -1, orientationX: 0, coneInnerAngle: 10, coneOuterAngle: 20, coneOuterGain: 0 }, { left: 1 });
  near(L0[0]!, Math.SQRT1_2, 1e-6, 'zero orientation');
  const [L1] = await renderPanner(128, { positionZ: -1, orientationZ: -1, coneOuterGain: 0 }, { left: 1 });
  near(L1[0]!, Math.SQRT1_2, 1e-6, 'no cone');
});

test('cone attributes changed after construction reach the renderer', async () => {
  const [L] = await renderPanner(256, { positionZ: -1, orientationZ: -1 }, { left: 1 }, (ctx, p) => {
    p.coneInnerAngle = 10;
    p.coneOuterAngle = 20;
    p.coneOuterGain = 0.5;
  });
  // Orientation points away from the listener (180 degrees off): outer gain.
  near(L[100]!, 0.5 * Math.SQRT1_2, 1e-6, 'outer gain');
});

// ---- automation ----

test('a-rate positionX automation changes the gains within one quantum', async () => {
  const [L, R] = await renderPanner(256, { positionZ: -1 }, { left: 1 }, (ctx, p) => {
    p.positionX.setValueAtTime(-2, 0);
    p.positionX.linearRampToValueAtTime(2, 128 / SR);
  });
  for (const i of [0, 17, 64, 100, 127]) {
    const x = -2 + (4 * i) / 128;
    const src: V = [x, 0, -1];
    const d = mag(src);
    const g = specDistanceGain('inverse', d, 1, 10000, 1);
    const [eL, eR] = specEqualPower(specAzimuth(src, DEFAULT_LISTENER), 1, null);
    near(L[i]!, g * eL, 2e-5, `L[${i}]`);
    near(R[i]!, g * eR, 2e-5, `R[${i}]`);
  }
  assert.ok(L[0]! > L[127]! + 0.3, 'left gain falls as the source moves right within the quantum');
});

test('k-rate position params hold one value per quantum', async () => {
  const [L] = await renderPanner(256, { positionZ: -1 }, { left: 1 }, (ctx, p) => {
    p.positionX.automationRate = 'k-rate';
    p.positionX.setValueAtTime(-2, 0);
    p.positionX.linearRampToValueAtTime(2, 256 / SR);
  });
  for (let i = 1; i < 128; i++) assert.equal(L[i], L[0], `frame ${i} equals frame 0`);
  assert.notEqual(L[128], L[0], 'the next quantum takes the next value');
});

// ---- the listener ----

test('context.listener: params, defaults and deprecated setters', () => {
  const ctx = new OfflineAudioContext(2, 128, SR);
  const l = ctx.listener;
  assert.ok(l instanceof AudioListener);
  assert.equal(ctx.listener, l);
  const defaults: Record<string, number> = { positionX: 0, positionY: 0, positionZ: 0, forwardX: 0, forwardY: 0, forwardZ: -1, upX: 0, upY: 1, upZ: 0 };
  for (const [name, v] of Object.entries(defaults)) {
    const p = (l as unknown as Record<string, { defaultValue: number; value: number; automationRate: string; minValue: number }>)[name]!;
    assert.equal(p.defaultValue, v, name);
    assert.equal(p.value, v, name);
    assert.equal(p.automationRate, 'a-rate', name);
    assert.ok(p.minValue < -3.4e38, name);
  }
  l.setPosition(1, 2, 3);
  assert.deepEqual([l.positionX.value, l.positionY.value, l.positionZ.value], [1, 2, 3]);
  l.setOrientation(1, 0, 0, 0, 0, 1);
  assert.deepEqual([l.forwardX.value, l.forwardY.value, l.forwardZ.value, l.upX.value, l.upY.value, l.upZ.value], [1, 0, 0, 0, 0, 1]);
  assert.throws(() => new (AudioListener as unknown as new () => unknown)(), TypeError);
});

test('moving and turning the listener changes every panner of its context', async () => {
  // Listener at x = 2: the source at x = 1 is now on its left, at distance 1.
  const moved: Listener = { pos: [2, 0, 0], fwd: [0, 0, -1], up: [0, 1, 0] };
  const [L, R] = await renderPanner(128, { positionX: 1 }, { left: 1 }, (ctx) => ctx.listener.setPosition(2, 0, 0));
  const [eL, eR] = specEqualPower(specAzimuth([1, 0, 0], moved), 1, null);
  near(L[3]!, eL, 1e-6, 'moved L');
  near(R[3]!, eR, 1e-6, 'moved R');
  assert.ok(L[3]! > R[3]!, 'source is on the left now');
  // Listener turned to face +x with up +y: a source at -z is on its left... at +z on its right.
  const turned: Listener = { pos: [0, 0, 0], fwd: [1, 0, 0], up: [0, 1, 0] };
  const [L2, R2] = await renderPanner(128, { positionZ: 1, positionX: 1 }, { left: 1 }, (ctx) => {
    ctx.listener.forwardX.value = 1;
    ctx.listener.forwardZ.value = 0;
  });
  const [tL, tR] = specEqualPower(specAzimuth([1, 0, 1], turned), 1, null);
  const g = specDistanceGain('inverse', Math.SQRT2, 1, 10000, 1);
  near(L2[3]!, g * tL, 1e-6, 'turned L');
  near(R2[3]!, g * tR, 1e-6, 'turned R');
  assert.ok(R2[3]! > L2[3]!, 'source is on the right of the turned listener');
});

test('a-rate listener automation and a node driving a listener param are seen within the quantum', async () => {
  const [L] = await renderPanner(256, { positionZ: -1 }, { left: 1 }, (ctx) => {
    ctx.listener.positionX.setValueAtTime(2, 0);
    ctx.listener.positionX.linearRampToValueAtTime(-2, 128 / SR);
  });
  for (const i of [0, 50, 127]) {
    const lx = 2 - (4 * i) / 128;
    const l: Listener = { pos: [lx, 0, 0], fwd: [0, 0, -1], up: [0, 1, 0] };
    const src: V = [0, 0, -1];
    const g = specDistanceGain('inverse', mag(sub(src, l.pos)), 1, 10000, 1);
    near(L[i]!, g * specEqualPower(specAzimuth(src, l), 1, null)[0], 2e-5, `L[${i}]`);
  }
  // A ConstantSourceNode connected to listener.positionZ moves the listener 3 units back.
  const [L2] = await renderPanner(128, { positionZ: -1 }, { left: 1 }, (ctx) => {
    const c = ctx.createConstantSource();
    c.offset.value = 3;
    c.connect(ctx.listener.positionZ);
    c.start();
  });
  near(L2[64]!, specDistanceGain('inverse', 4, 1, 10000, 1) * Math.SQRT1_2, 1e-6, 'listener pushed back by a node');
});

test('degenerate geometry: source on the listener, forward parallel to up', async () => {
  const [L, R] = await renderPanner(128, {}, { left: 1 });
  near(L[0]!, Math.SQRT1_2, 1e-6, 'same point L');
  near(R[0]!, Math.SQRT1_2, 1e-6, 'same point R');
  const [L2, R2] = await renderPanner(128, { positionX: 1 }, { left: 1 }, (ctx) => ctx.listener.setOrientation(0, 1, 0, 0, 1, 0));
  near(L2[0]!, Math.SQRT1_2, 1e-6, 'no right vector L');
  near(R2[0]!, Math.SQRT1_2, 1e-6, 'no right vector R');
});

// ---- attributes and errors ----

test('attribute defaults, createPanner() and option values', () => {
  const ctx = new OfflineAudioContext(2, 128, SR);
  const p = ctx.createPanner();
  assert.ok(p instanceof PannerNode);
  assert.equal(p.panningModel, 'equalpower');
  assert.equal(p.distanceModel, 'inverse');
  assert.deepEqual([p.refDistance, p.maxDistance, p.rolloffFactor], [1, 10000, 1]);
  assert.deepEqual([p.coneInnerAngle, p.coneOuterAngle, p.coneOuterGain], [360, 360, 0]);
  assert.deepEqual([p.channelCount, p.channelCountMode, p.channelInterpretation], [2, 'clamped-max', 'speakers']);
  assert.deepEqual([p.numberOfInputs, p.numberOfOutputs], [1, 1]);
  const d = [p.positionX, p.positionY, p.positionZ, p.orientationX, p.orientationY, p.orientationZ].map((a) => a.defaultValue);
  assert.deepEqual(d, [0, 0, 0, 1, 0, 0]);
  const q = new PannerNode(ctx, { panningModel: 'HRTF', distanceModel: 'linear', positionX: 3, orientationY: 2, refDistance: 0, rolloffFactor: 5, coneOuterGain: 1 });
  assert.equal(q.panningModel, 'HRTF');
  assert.equal(q.distanceModel, 'linear');
  assert.equal(q.positionX.value, 3);
  assert.equal(q.orientationY.value, 2);
  assert.equal(q.refDistance, 0);
  assert.equal(q.rolloffFactor, 5, 'rolloffFactor reflects the value set (clamped only in rendering)');
  p.setPosition(4, 5, 6);
  p.setOrientation(0, -1, 0);
  assert.deepEqual([p.positionX.value, p.positionY.value, p.positionZ.value], [4, 5, 6]);
  assert.deepEqual([p.orientationX.value, p.orientationY.value, p.orientationZ.value], [0, -1, 0]);
  p.panningModel = 'nope';
  p.distanceModel = 'far';
  assert.equal(p.panningModel, 'equalpower', 'invalid enum values are ignored by the setter');
  assert.equal(p.distanceModel, 'inverse');
  p.panningModel = 'HRTF';
  assert.equal(p.panningModel, 'HRTF');
});

test('errors: option and attribute ranges, channel constraints, conversions', () => {
  const ctx = new OfflineAudioContext(2, 128, SR);
  assert.throws(() => new PannerNode(ctx, { refDistance: -1 }), RangeError);
  assert.throws(() => new PannerNode(ctx, { maxDistance: 0 }), RangeError);
  assert.throws(() => new PannerNode(ctx, { maxDistance: -5 }), RangeError);
  assert.throws(() => new PannerNode(ctx, { rolloffFactor: -0.1 }), RangeError);
  assertDOMException(() => new PannerNode(ctx, { coneOuterGain: 1.1 }), 'InvalidStateError');
  assertDOMException(() => new PannerNode(ctx, { coneOuterGain: -0.1 }), 'InvalidStateError');
  assertDOMException(() => new PannerNode(ctx, { channelCount: 3 }), 'NotSupportedError');
  assertDOMException(() => new PannerNode(ctx, { channelCount: 0 }), 'NotSupportedError');
  assertDOMException(() => new PannerNode(ctx, { channelCountMode: 'max' }), 'NotSupportedError');
  assert.throws(() => new PannerNode(ctx, { panningModel: 'hrtf' }), TypeError);
  assert.throws(() => new PannerNode(ctx, { distanceModel: 'log' }), TypeError);
  assert.throws(() => new PannerNode(ctx, { refDistance: NaN }), TypeError);
  assert.throws(() => new PannerNode(ctx, { positionX: Infinity }), TypeError);
  assert.throws(() => new PannerNode({}), TypeError);
  assert.throws(() => new PannerNode(ctx, 5), TypeError);

  const p = new PannerNode(ctx);
  assert.throws(() => (p.refDistance = -1), RangeError);
  assert.throws(() => (p.maxDistance = 0), RangeError);
  assert.throws(() => (p.rolloffFactor = -1), RangeError);
  assertDOMException(() => (p.coneOuterGain = 2), 'InvalidStateError');
  assertDOMException(() => (p.channelCount = 3), 'NotSupportedError');
  assertDOMException(() => (p.channelCountMode = 'max'), 'NotSupportedError');
  assert.throws(() => (p.coneInnerAngle = Infinity), TypeError);
  assert.deepEqual([p.refDistance, p.maxDistance, p.rolloffFactor, p.coneOuterGain, p.channelCount, p.channelCountMode], [1, 10000, 1, 0, 2, 'clamped-max']);
  p.channelCount = 1;
  p.channelCountMode = 'explicit';
  p.refDistance = 0;
  p.coneInnerAngle = 720; // outside [0, 360]: undefined behaviour, no error
  assert.deepEqual([p.channelCount, p.channelCountMode, p.refDistance, p.coneInnerAngle], [1, 'explicit', 0, 720]);
});

test('setPosition / setOrientation throw NotSupportedError during a value curve and change nothing', () => {
  const ctx = new OfflineAudioContext(2, 128, SR);
  const p = new PannerNode(ctx);
  p.positionY.setValueCurveAtTime(new Float32Array([0, 1]), 0, 1);
  assertDOMException(() => p.setPosition(7, 8, 9), 'NotSupportedError');
  assert.equal(p.positionX.value, 0, 'positionX untouched');
  p.setOrientation(0, 0, 1); // orientation has no curve
  p.orientationZ.setValueCurveAtTime(new Float32Array([0, 1]), 0, 1);
  assertDOMException(() => p.setOrientation(1, 1, 1), 'NotSupportedError');
  assert.equal(p.orientationX.value, 0);
  const l = ctx.listener;
  l.upZ.setValueCurveAtTime(new Float32Array([0, 1]), 0, 1);
  assertDOMException(() => l.setOrientation(1, 0, 0, 0, 1, 0), 'NotSupportedError');
  assert.equal(l.forwardX.value, 0);
  l.positionZ.setValueCurveAtTime(new Float32Array([0, 1]), 0, 1);
  assertDOMException(() => l.setPosition(1, 1, 1), 'NotSupportedError');
  assert.equal(l.positionX.value, 0);
  assert.throws(() => p.setPosition(NaN, 0, 0), TypeError);
});

// ---- HRTF ----

async function renderImpulse(length: number, options: Record<string, unknown>, impulseAt = 0): Promise<[Float32Array, Float32Array]> {
  const ctx = new OfflineAudioContext(2, length, SR);
  const buf = ctx.createBuffer(1, length, SR);
  buf.getChannelData(0)[impulseAt] = 1;
  const s = ctx.createBufferSource();
  s.buffer = buf;
  const p = new PannerNode(ctx, { panningModel: 'HRTF', ...options });
  s.connect(p).connect(ctx.destination);
  s.start();
  const out = await ctx.startRendering();
  return [out.getChannelData(0), out.getChannelData(1)];
}

const energy = (a: Float32Array): number => a.reduce((s, x) => s + x * x, 0);

test('HRTF: a source on the right is louder in the right ear, mirrored on the left, equal ahead', async () => {
  const [rL, rR] = await renderImpulse(512, { positionX: 1 });
  const [lL, lR] = await renderImpulse(512, { positionX: -1 });
  const [fL, fR] = await renderImpulse(512, { positionZ: -1 });
  assert.ok(energy(rR) > 3 * energy(rL), `right source: R ${energy(rR)} vs L ${energy(rL)}`);
  for (let i = 0; i < 512; i++) {
    near(lL[i]!, rR[i]!, 1e-6, `mirror L/R at ${i}`);
    near(lR[i]!, rL[i]!, 1e-6, `mirror R/L at ${i}`);
    near(fL[i]!, fR[i]!, 1e-6, `front L = R at ${i}`);
  }
  assert.ok(energy(fL) > 0.01, 'the front response is not silent');
  // The responses differ with elevation too.
  const [uL] = await renderImpulse(512, { positionY: 1, positionZ: -1 });
  let diff = 0;
  for (let i = 0; i < 512; i++) diff += Math.abs(uL[i]! - fL[i]!);
  assert.ok(diff > 0.05, `elevation changes the response (${diff})`);
});

test('HRTF: distance and cone gains scale the convolved output; the tail ends', async () => {
  const [aL] = await renderImpulse(1024, { positionZ: -1 }, 300);
  const [bL] = await renderImpulse(1024, { positionZ: -4, distanceModel: 'inverse' }, 300);
  const g = specDistanceGain('inverse', 4, 1, 10000, 1);
  for (let i = 0; i < 1024; i++) near(bL[i]!, g * aL[i]!, 1e-6, `distance gain at ${i}`);
  // The impulse at frame 300 rings for at most the response length (256 taps at 48 kHz).
  for (let i = 0; i < 300; i++) assert.equal(aL[i], 0, `before the impulse (${i})`);
  assert.ok(energy(aL.subarray(300, 556)) > 0.01, 'response after the impulse');
  for (let i = 556; i < 1024; i++) assert.equal(aL[i], 0, `after the tail (${i})`);
});

test('HRTF at other sample rates and stereo input renders finite, non-silent output', async () => {
  for (const rate of [22050, 44100, 96000]) {
    const ctx = new OfflineAudioContext(2, 1024, rate);
    const osc = ctx.createOscillator();
    const m = ctx.createChannelMerger(2);
    osc.connect(m, 0, 0);
    osc.connect(m, 0, 1);
    const p = new PannerNode(ctx, { panningModel: 'HRTF', positionX: 2, positionZ: -1 });
    m.connect(p).connect(ctx.destination);
    osc.start();
    const out = await ctx.startRendering();
    const L = out.getChannelData(0);
    const R = out.getChannelData(1);
    assert.ok(L.every(Number.isFinite) && R.every(Number.isFinite), `finite at ${rate}`);
    assert.ok(energy(R.subarray(512)) > energy(L.subarray(512)), `right ear louder at ${rate}`);
  }
});

test('switching panningModel at run time changes the rendering', async () => {
  const [L, R] = await renderPanner(48000 / 100 * 2, { positionX: 1 }, { left: 1 }, (ctx, p) => {
    void ctx.suspend(512 / SR).then(() => {
      p.panningModel = 'HRTF';
      return ctx.resume();
    });
  });
  // Equalpower hard right before the switch: the left ear is silent.
  for (let i = 0; i < 512; i++) near(L[i]!, 0, 1e-7, `equalpower L[${i}]`);
  assert.ok(Math.abs(R[100]! - 1) < 1e-6);
  // HRTF afterwards: the left ear hears the source too.
  assert.ok(energy(L.subarray(600)) > 1e-3, 'HRTF leaks into the far ear');
});

// ---- against another implementation ----

// node-web-audio-api computes a panner's geometry once per render quantum even for automated
// a-rate params, and takes the cone angle against (source - listener), as the spec's
// pseudo-code literally reads; so the comparison is sample by sample with unautomated
// positions, only the first frame of each quantum is compared while a position is automated,
// and the cones stay omnidirectional.
test('equalpower output matches node-web-audio-api sample by sample', async (t) => {
  let other: { OfflineAudioContext: new (o: { numberOfChannels: number; length: number; sampleRate: number }) => any };
  try {
    other = (await import('node-web-audio-api' as string)) as typeof other;
  } catch (e) {
    t.skip(`node-web-audio-api could not be loaded: ${(e as Error).message}`);
    return;
  }
  const length = 2048;
  const configs: { model: string; stereo: boolean; x: number; automate: boolean }[] = [
    { model: 'inverse', stereo: false, x: 2, automate: false },
    { model: 'linear', stereo: true, x: -3, automate: false },
    { model: 'exponential', stereo: false, x: -0.5, automate: false },
    { model: 'inverse', stereo: true, x: 0.7, automate: false },
    { model: 'inverse', stereo: false, x: 0, automate: true },
    { model: 'linear', stereo: true, x: 0, automate: true },
  ];
  for (const { model, stereo, x: px, automate } of configs) {
    const build = (ctx: any): void => {
      const osc = ctx.createOscillator();
      osc.frequency.value = 440;
      const p = ctx.createPanner();
      p.panningModel = 'equalpower';
      p.distanceModel = model;
      p.refDistance = 1.5;
      p.maxDistance = 6;
      p.rolloffFactor = 0.8;
      p.positionZ.value = -1;
      p.positionX.value = px;
      if (automate) {
        p.positionX.setValueAtTime(-5, 0);
        p.positionX.linearRampToValueAtTime(5, length / SR);
      }
      p.positionY.value = 0.5;
      ctx.listener.positionX.value = 0.25;
      ctx.listener.forwardX.value = 0.3;
      if (stereo) {
        const osc2 = ctx.createOscillator();
        osc2.frequency.value = 660;
        const m = ctx.createChannelMerger(2);
        osc.connect(m, 0, 0);
        osc2.connect(m, 0, 1);
        m.connect(p);
        osc2.start(0);
      } else osc.connect(p);
      p.connect(ctx.destination);
      osc.start(0);
    };
    const ours = new OfflineAudioContext(2, length, SR);
    build(ours);
    const a = await ours.startRendering();
    const theirs = new other.OfflineAudioContext({ numberOfChannels: 2, length, sampleRate: SR });
    build(theirs);
    const b = await theirs.startRendering();
    let loud = 0;
    for (let c = 0; c < 2; c++) {
      const x = a.getChannelData(c);
      const y = b.getChannelData(c) as Float32Array;
      let worst = 0;
      for (let i = 0; i < length; i += automate ? 128 : 1) {
        worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
        loud = Math.max(loud, Math.abs(x[i]!));
      }
      const label = `${model} ${stereo ? 'stereo' : 'mono'} x=${px}${automate ? ' automated' : ''} channel ${c}`;
      assert.ok(worst <= 1e-5, `${label}: largest difference ${worst}`);
    }
    assert.ok(loud > 0.05, `${model} x=${px}: the output is not silent`);
  }
});
