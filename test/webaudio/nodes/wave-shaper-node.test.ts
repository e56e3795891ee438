import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { WaveShaperNode } from '../../../src/webaudio/nodes/wave-shaper-node.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

test('curve mapping: constant 0.5 through [0, 1] gives (x + 1) / 2 = 0.75; through [-1, 3, 0] gives 1.5', async () => {
  const ctx = new OfflineAudioContext(2, 256, SR);
  const src = ctx.createConstantSource();
  src.offset.value = 0.5;
  const a = new WaveShaperNode(ctx, { curve: [0, 1] });
  const b = ctx.createWaveShaper();
  b.curve = new Float32Array([-1, 3, 0]); // v = 1.5: midway between 3 and 0
  const merger = ctx.createChannelMerger(2);
  src.connect(a).connect(merger, 0, 0);
  src.connect(b).connect(merger, 0, 1);
  merger.connect(ctx.destination);
  src.start();
  const out = await ctx.startRendering();
  assert.ok(out.getChannelData(0).every((v) => v === 0.75));
  assert.ok(out.getChannelData(1).every((v) => v === 1.5));
});

test('2x and 4x oversampling with a linear curve delay a sine by the reported latency', async () => {
  for (const [mode, latency] of [['2x', 32], ['4x', 48]] as const) {
    const ctx = new OfflineAudioContext(1, 2048, SR);
    const osc = ctx.createOscillator();
    osc.frequency.value = 1000;
    const shaper = new WaveShaperNode(ctx, { curve: [-1, 1], oversample: mode });
    assert.equal(shaper.oversample, mode);
    osc.connect(shaper).connect(ctx.destination);
    osc.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    for (let i = 400; i < 2048; i++) {
      assert.ok(Math.abs(out[i]! - Math.sin(2 * Math.PI * 1000 * (i - latency) / SR)) < 1e-3, `${mode} i=${i}`);
    }
  }
});

test('a curve with curve(0) != 0 outputs DC with no input; no curve passes input through', async () => {
  const ctx = new OfflineAudioContext(2, 256, SR);
  const dc = new WaveShaperNode(ctx, { curve: [0.25, 0.25] });
  const pass = new WaveShaperNode(ctx, { oversample: '4x' });
  const src = ctx.createConstantSource();
  src.offset.value = -0.3;
  const merger = ctx.createChannelMerger(2);
  dc.connect(merger, 0, 0);
  src.connect(pass).connect(merger, 0, 1);
  merger.connect(ctx.destination);
  src.start();
  const out = await ctx.startRendering();
  assert.ok(out.getChannelData(0).every((v) => v === 0.25));
  assert.ok(out.getChannelData(1).every((v) => v === Math.fround(-0.3)));
});

test('curve attribute rules: copy on set, once only, length >= 2, null allowed', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const s = ctx.createWaveShaper();
  assert.equal(s.curve, null);
  assert.equal(s.oversample, 'none');
  assert.throws(() => { s.curve = new Float32Array(1); }, isDom('InvalidStateError'));
  assert.throws(() => { s.curve = [0, 1]; }, TypeError);
  const c = new Float32Array([0, 1]);
  s.curve = c;
  assert.equal(s.curve, c);
  assert.throws(() => { s.curve = new Float32Array([1, 2]); }, isDom('InvalidStateError'));
  s.curve = null;
  assert.equal(s.curve, null);
  assert.throws(() => { s.curve = new Float32Array([1, 2]); }, isDom('InvalidStateError'));
  assert.throws(() => new WaveShaperNode(ctx, { curve: [1] }), isDom('InvalidStateError'));
  const fromOptions = new WaveShaperNode(ctx, { curve: [0, 0.5, 1] });
  assert.ok(fromOptions.curve instanceof Float32Array);
  assert.throws(() => { fromOptions.curve = new Float32Array([1, 2]); }, isDom('InvalidStateError'));
  s.oversample = '8x';
  assert.equal(s.oversample, 'none');
  assert.throws(() => new WaveShaperNode(ctx, { oversample: '8x' }), TypeError);
  assert.deepEqual(Object.keys(s), []);
});

test('edits to the array after setting the curve do not affect rendering', async () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const src = ctx.createConstantSource();
  const shaper = ctx.createWaveShaper();
  const c = new Float32Array([0, 0.5]);
  shaper.curve = c;
  c[1] = 9;
  src.connect(shaper).connect(ctx.destination);
  src.start(); // offset 1 -> last curve value
  const out = (await ctx.startRendering()).getChannelData(0);
  assert.ok(out.every((v) => v === 0.5));
});

test('curve refuses a Float32Array over a SharedArrayBuffer (no [AllowShared]) and keeps what it had', () => {
  const ctx = new OfflineAudioContext(1, 128, 48000);
  const node = ctx.createWaveShaper();
  const shared = new Float32Array(new SharedArrayBuffer(8));
  assert.throws(() => {
    node.curve = shared;
  }, TypeError);
  assert.equal(node.curve, null);
  const plain = new Float32Array([-1, 1]);
  node.curve = plain;
  assert.equal(node.curve, plain);
});
