import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { DynamicsCompressorNode } from '../../../src/webaudio/nodes/dynamics-compressor-node.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

test('constant input above threshold settles on the hard-knee curve with makeup gain; 6 ms pre-delay', async () => {
  const n = 48000;
  const ctx = new OfflineAudioContext(1, n, SR);
  const src = ctx.createConstantSource();
  src.offset.value = 0.5;
  const comp = new DynamicsCompressorNode(ctx, { threshold: -20, knee: 0, ratio: 4, attack: 0.001, release: 0.1 });
  assert.equal(comp.reduction, 0);
  src.connect(comp).connect(ctx.destination);
  src.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  for (let i = 0; i < 288; i++) assert.equal(out[i], 0, `pre-delay frame ${i}`);
  const xDb = 20 * Math.log10(0.5);
  const yDb = -20 + (xDb + 20) / 4;
  const makeup = 10 ** ((15 / 20) * 0.6); // (1 / curve(0 dB) = +15 dB) ^ 0.6
  const want = 0.5 * 10 ** ((yDb - xDb) / 20) * makeup;
  assert.ok(Math.abs(out[n - 1]! - want) < 1e-4 * want, `${out[n - 1]} vs ${want}`);
  assert.ok(Math.abs(comp.reduction - (yDb - xDb)) < 0.01, `reduction ${comp.reduction}`);
});

test('input below threshold: output = delayed input x makeup, reduction 0', async () => {
  const ctx = new OfflineAudioContext(1, 4096, SR);
  const src = ctx.createConstantSource();
  src.offset.value = 0.01; // -40 dB, below the default -24 dB threshold
  const comp = ctx.createDynamicsCompressor();
  src.connect(comp).connect(ctx.destination);
  src.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  // Defaults: curve(0 dB) lies in the [-24, 6] dB knee: 0 + (1/12 - 1) * 24^2 / 60 dB.
  const makeup = (1 / 10 ** (((1 / 12 - 1) * 576 / 60) / 20)) ** 0.6;
  assert.ok(Math.abs(out[4000]! - 0.01 * makeup) < 1e-6);
  assert.equal(comp.reduction, 0);
});

test('parameters are k-rate only, channel constraints are NotSupportedError', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const comp = ctx.createDynamicsCompressor();
  for (const [name, def, min, max] of [['threshold', -24, -100, 0], ['knee', 30, 0, 40], ['ratio', 12, 1, 20], ['attack', 0.003, 0, 1], ['release', 0.25, 0, 1]] as const) {
    const p = comp[name];
    assert.equal(p.defaultValue, Math.fround(def), name);
    assert.equal(p.minValue, min, name);
    assert.equal(p.maxValue, max, name);
    assert.equal(p.automationRate, 'k-rate');
    assert.throws(() => { p.automationRate = 'a-rate'; }, isDom('InvalidStateError'));
  }
  assert.equal(comp.channelCountMode, 'clamped-max');
  assert.throws(() => { comp.channelCount = 3; }, isDom('NotSupportedError'));
  assert.throws(() => { comp.channelCountMode = 'max'; }, isDom('NotSupportedError'));
  assert.throws(() => new DynamicsCompressorNode(ctx, { channelCountMode: 'max' }), isDom('NotSupportedError'));
  assert.throws(() => new DynamicsCompressorNode(ctx, { ratio: Infinity }), TypeError);
  assert.equal(new DynamicsCompressorNode(ctx, { ratio: 4 }).ratio.value, 4);
  assert.deepEqual(Object.keys(comp), []);
});
