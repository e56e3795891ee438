import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { StereoPannerNode } from '../../../src/webaudio/nodes/stereo-panner-node.js';

test('mono input panned with a constant pan: L = x cos(pi x/2), R = x sin(pi x/2)', async () => {
  const ctx = new OfflineAudioContext(2, 256, 48000);
  const src = ctx.createConstantSource();
  src.offset.value = 0.5;
  const panner = new StereoPannerNode(ctx, { pan: 0.5 });
  src.connect(panner).connect(ctx.destination);
  src.start();
  const buf = await ctx.startRendering();
  const L = buf.getChannelData(0);
  const R = buf.getChannelData(1);
  const x = (0.5 + 1) / 2;
  for (let i = 0; i < 256; i++) {
    assert.ok(Math.abs(L[i]! - 0.5 * Math.cos(x * Math.PI / 2)) < 1e-6, `L[${i}]`);
    assert.ok(Math.abs(R[i]! - 0.5 * Math.sin(x * Math.PI / 2)) < 1e-6, `R[${i}]`);
  }
});

test('stereo input with an automated pan folds one side into the other', async () => {
  const ctx = new OfflineAudioContext(2, 256, 48000);
  const left = ctx.createConstantSource();
  const right = ctx.createConstantSource();
  left.offset.value = 0.4;
  right.offset.value = 0.2;
  const merger = ctx.createChannelMerger(2);
  left.connect(merger, 0, 0);
  right.connect(merger, 0, 1);
  const panner = ctx.createStereoPanner();
  panner.pan.setValueAtTime(-1, 0);
  panner.pan.setValueAtTime(0.25, 128 / 48000);
  merger.connect(panner).connect(ctx.destination);
  left.start();
  right.start();
  const buf = await ctx.startRendering();
  const L = buf.getChannelData(0);
  const R = buf.getChannelData(1);
  assert.ok(Math.abs(L[10]! - 0.6) < 1e-6 && Math.abs(R[10]!) < 1e-6);
  assert.ok(Math.abs(L[200]! - 0.4 * Math.cos(Math.PI / 8)) < 1e-6);
  assert.ok(Math.abs(R[200]! - (0.2 + 0.4 * Math.sin(Math.PI / 8))) < 1e-6);
});

test('pan param range, channel constraints and option conversion', () => {
  const ctx = new OfflineAudioContext(2, 128, 48000);
  const p = new StereoPannerNode(ctx);
  assert.equal(p.pan.defaultValue, 0);
  assert.equal(p.pan.minValue, -1);
  assert.equal(p.pan.maxValue, 1);
  assert.equal(p.channelCountMode, 'clamped-max');
  assert.equal(p.channelCount, 2);
  assert.throws(() => { p.channelCount = 3; }, (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
  assert.throws(() => { p.channelCountMode = 'max'; }, (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
  p.channelCount = 1;
  assert.equal(p.channelCount, 1);
  assert.throws(() => new StereoPannerNode(ctx, { channelCount: 5 }), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
  assert.throws(() => new StereoPannerNode(ctx, { pan: 'left' }), TypeError);
  assert.throws(() => new StereoPannerNode({}), TypeError);
  assert.equal(Object.prototype.toString.call(p), '[object StereoPannerNode]');
  assert.deepEqual(Object.keys(p), []);
});
