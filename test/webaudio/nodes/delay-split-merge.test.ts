import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render, assertSamples, assertDOMException } from '../helpers.js';
import { AudioBuffer } from '../../../src/webaudio/audio-buffer.js';
import { DelayNode } from '../../../src/webaudio/nodes/delay-node.js';
import { ChannelSplitterNode } from '../../../src/webaudio/nodes/channel-splitter-node.js';
import { ChannelMergerNode } from '../../../src/webaudio/nodes/channel-merger-node.js';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';

// A power-of-two rate makes frame-count delays exact in float32.
const SR = 16384;

function impulse(ctx: OfflineAudioContext, at = 0): AudioBuffer {
  const b = ctx.createBuffer(1, at + 1, SR);
  b.getChannelData(0)[at] = 1;
  return b;
}

describe('DelayNode', () => {
  test('delays by an integer number of frames, including less than a quantum', async () => {
    for (const frames of [0, 1, 37, 128, 300]) {
      const [ch] = await render(1, 512, SR, (ctx) => {
        const src = ctx.createBufferSource();
        src.buffer = impulse(ctx);
        const d = new DelayNode(ctx, { delayTime: frames / SR, maxDelayTime: 1 });
        src.connect(d).connect(ctx.destination);
        src.start();
      });
      assertSamples(ch!, 0, 512, (n) => (n === frames ? 1 : 0), 1e-6, `delay ${frames}`);
    }
  });

  test('a fractional delay interpolates linearly', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = ctx.createBufferSource();
      src.buffer = impulse(ctx);
      const d = new DelayNode(ctx, { delayTime: 10.5 / SR });
      src.connect(d).connect(ctx.destination);
      src.start();
    });
    assert.equal(ch![10], 0.5);
    assert.equal(ch![11], 0.5);
    assert.equal(ch![9], 0);
    assert.equal(ch![12], 0);
  });

  test('a feedback cycle through a DelayNode repeats with gain each period', async () => {
    // impulse -> sum(gain 1) -> delay (256 frames) -> feedback gain 0.5 -> back to sum.
    const [ch] = await render(1, 1200, SR, (ctx) => {
      const src = ctx.createBufferSource();
      src.buffer = impulse(ctx);
      const sum = ctx.createGain();
      const delay = ctx.createDelay(1);
      delay.delayTime.value = 256 / SR;
      const fb = ctx.createGain();
      fb.gain.value = 0.5;
      src.connect(sum);
      sum.connect(delay);
      delay.connect(fb);
      fb.connect(sum);
      sum.connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 1200, (n) => (n % 256 === 0 ? Math.pow(0.5, n / 256) : 0), 1e-6);
  });

  test('inside a cycle the delay is clamped to at least one render quantum', async () => {
    const [ch] = await render(1, 512, SR, (ctx) => {
      const src = ctx.createBufferSource();
      src.buffer = impulse(ctx);
      const sum = ctx.createGain();
      const delay = ctx.createDelay(1);
      delay.delayTime.value = 10 / SR;
      const fb = ctx.createGain();
      fb.gain.value = 0.5;
      src.connect(sum);
      sum.connect(delay).connect(fb).connect(sum);
      sum.connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 512, (n) => (n % 128 === 0 ? Math.pow(0.5, n / 128) : 0), 1e-6);
  });

  test('a cycle without a DelayNode renders silence for its nodes', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = ctx.createConstantSource();
      const a = ctx.createGain();
      const b = ctx.createGain();
      src.connect(a).connect(b).connect(a);
      b.connect(ctx.destination);
      const direct = ctx.createConstantSource();
      direct.offset.value = 0.25;
      direct.connect(ctx.destination);
      src.start();
      direct.start();
    });
    assertSamples(ch!, 0, 256, () => 0.25);
  });

  test('maxDelayTime validation', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    assertDOMException(() => ctx.createDelay(0), 'NotSupportedError');
    assertDOMException(() => ctx.createDelay(180), 'NotSupportedError');
    assertDOMException(() => new DelayNode(ctx, { maxDelayTime: -1 }), 'NotSupportedError');
    assert.equal(ctx.createDelay(2).delayTime.maxValue, 2);
    assert.equal(ctx.createDelay().delayTime.minValue, 0);
  });
});

describe('ChannelSplitterNode and ChannelMergerNode', () => {
  test('splitting stereo and merging it back swapped', async () => {
    const [l, r] = await render(2, 128, SR, (ctx) => {
      const a = ctx.createConstantSource();
      a.offset.value = 0.25;
      const b = ctx.createConstantSource();
      b.offset.value = 0.75;
      const m1 = new ChannelMergerNode(ctx, { numberOfInputs: 2 });
      a.connect(m1, 0, 0);
      b.connect(m1, 0, 1);
      const split = new ChannelSplitterNode(ctx, { numberOfOutputs: 2 });
      m1.connect(split);
      const m2 = ctx.createChannelMerger(2);
      split.connect(m2, 0, 1);
      split.connect(m2, 1, 0);
      m2.connect(ctx.destination);
      a.start();
      b.start();
    });
    assertSamples(l!, 0, 128, () => 0.75);
    assertSamples(r!, 0, 128, () => 0.25);
  });

  test('fixed channel settings and option ranges', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    assertDOMException(() => ctx.createChannelSplitter(0), 'IndexSizeError');
    assertDOMException(() => ctx.createChannelSplitter(33), 'IndexSizeError');
    assertDOMException(() => ctx.createChannelMerger(0), 'IndexSizeError');
    const s = ctx.createChannelSplitter(3);
    assert.equal(s.numberOfOutputs, 3);
    assert.equal(s.channelCount, 3);
    assert.equal(s.channelInterpretation, 'discrete');
    assertDOMException(() => {
      s.channelCount = 2;
    }, 'InvalidStateError');
    assertDOMException(() => {
      s.channelCountMode = 'max';
    }, 'InvalidStateError');
    assertDOMException(() => {
      s.channelInterpretation = 'speakers';
    }, 'InvalidStateError');
    const m = ctx.createChannelMerger();
    assert.equal(m.numberOfInputs, 6);
    assertDOMException(() => {
      m.channelCount = 2;
    }, 'InvalidStateError');
    assertDOMException(() => {
      m.channelCountMode = 'max';
    }, 'InvalidStateError');
  });
});
