import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render, assertSamples, assertDOMException } from '../helpers.js';
import { GainNode } from '../../../src/webaudio/nodes/gain-node.js';
import { ConstantSourceNode } from '../../../src/webaudio/nodes/constant-source-node.js';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';

const SR = 8000;

describe('GainNode', () => {
  test('scales its input by a constant gain', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = new ConstantSourceNode(ctx, { offset: 0.5 });
      const g = new GainNode(ctx, { gain: -3 });
      src.connect(g).connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 256, () => -1.5);
  });

  test('multiplies sample by sample with an a-rate gain signal', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = new ConstantSourceNode(ctx, { offset: 2 });
      const g = new GainNode(ctx, { gain: 0 });
      g.gain.setValueAtTime(0, 0);
      g.gain.linearRampToValueAtTime(1, 256 / SR);
      src.connect(g).connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 256, (n) => 2 * (n / 256), 1e-6);
  });

  test('options are validated per WebIDL and AudioNodeOptions rules', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    assert.throws(() => new GainNode({} as never), TypeError);
    assert.throws(() => new GainNode(ctx, { gain: NaN }), TypeError);
    assertDOMException(() => new GainNode(ctx, { channelCount: 0 }), 'NotSupportedError');
    assertDOMException(() => new GainNode(ctx, { channelCount: 33 }), 'NotSupportedError');
    assert.throws(() => new GainNode(ctx, { channelCountMode: 'bogus' as never }), TypeError);
    const g = new GainNode(ctx, { gain: 0.25, channelCount: 3, channelCountMode: 'explicit', channelInterpretation: 'discrete' });
    assert.equal(g.gain.value, 0.25);
    assert.equal(g.channelCount, 3);
    assert.equal(g.channelCountMode, 'explicit');
    assert.equal(g.channelInterpretation, 'discrete');
    assert.equal(g.numberOfInputs, 1);
    assert.equal(g.numberOfOutputs, 1);
    assert.equal(g.context, ctx);
    assert.equal(Object.prototype.toString.call(g), '[object GainNode]');
    assert.deepEqual(Object.keys(g), []);
    // Invalid enum values assigned to attributes are ignored.
    g.channelInterpretation = 'nonsense';
    assert.equal(g.channelInterpretation, 'discrete');
    assertDOMException(() => {
      g.channelCount = 0;
    }, 'NotSupportedError');
  });
});

describe('ConstantSourceNode', () => {
  test('outputs offset from start to stop, at exact sample frames', async () => {
    let ended = false;
    const ctx = new OfflineAudioContext(1, 512, SR);
    const src = new ConstantSourceNode(ctx, { offset: 0.75 });
    src.connect(ctx.destination);
    src.start(100 / SR);
    src.stop(300.5 / SR);
    src.onended = () => {
      ended = true;
    };
    const buf = await ctx.startRendering();
    const ch = buf.getChannelData(0);
    assertSamples(ch, 0, 100, () => 0);
    // Frames 100..300 have times >= start and < stop (300.5 frames).
    assertSamples(ch, 100, 301, () => 0.75);
    assertSamples(ch, 301, 512, () => 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(ended, true);
  });

  test('start/stop errors', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const src = ctx.createConstantSource();
    assertDOMException(() => src.stop(), 'InvalidStateError');
    assert.throws(() => src.start(-1), RangeError);
    src.start();
    assertDOMException(() => src.start(), 'InvalidStateError');
    assert.throws(() => src.stop(-1), RangeError);
    src.stop(1);
  });

  test('a stop before start means it never plays, and ended still fires', async () => {
    const ctx = new OfflineAudioContext(1, 512, SR);
    const src = ctx.createConstantSource();
    src.connect(ctx.destination);
    const ended = new Promise<void>((resolve) => src.addEventListener('ended', () => resolve()));
    src.start(200 / SR);
    src.stop(100 / SR);
    const buf = await ctx.startRendering();
    assertSamples(buf.getChannelData(0), 0, 512, () => 0);
    await ended;
  });
});
