import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render, assertSamples, assertDOMException } from './helpers.js';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import { AudioNode } from '../../src/webaudio/audio-node.js';
import type { BaseAudioContext } from '../../src/webaudio/base-audio-context.js';
import type { ChannelCountMode, ChannelInterpretation } from '../../src/webaudio/audio-node.js';

const SR = 8000;

describe('AudioNode.connect / disconnect', () => {
  test('AudioNode cannot be constructed by script', () => {
    assert.throws(() => new (AudioNode as unknown as new () => unknown)(), TypeError);
  });

  test('connect returns the destination node, undefined for a param; index and context errors', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const other = new OfflineAudioContext(1, 128, SR);
    const a = ctx.createGain();
    const b = ctx.createGain();
    assert.equal(a.connect(b), b);
    assert.equal(a.connect(b.gain), undefined);
    assertDOMException(() => a.connect(b, 1), 'IndexSizeError');
    assertDOMException(() => a.connect(b, 0, 1), 'IndexSizeError');
    assertDOMException(() => a.connect(b.gain, 1), 'IndexSizeError');
    assertDOMException(() => a.connect(other.createGain()), 'InvalidAccessError');
    assertDOMException(() => a.connect(other.createGain().gain), 'InvalidAccessError');
    assert.throws(() => a.connect({} as never), TypeError);
    const split = ctx.createChannelSplitter(2);
    const merge = ctx.createChannelMerger(2);
    split.connect(merge, 1, 1);
    assertDOMException(() => split.connect(merge, 2, 0), 'IndexSizeError');
  });

  test('disconnect overloads and their InvalidAccessError / IndexSizeError', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const split = ctx.createChannelSplitter(2);
    const g1 = ctx.createGain();
    const g2 = ctx.createGain();
    split.connect(g1, 0);
    split.connect(g1, 1);
    split.connect(g2, 1);
    split.connect(g2.gain, 0);
    assertDOMException(() => split.disconnect(5), 'IndexSizeError');
    assertDOMException(() => split.disconnect(g1, 3), 'IndexSizeError');
    assertDOMException(() => split.disconnect(g1, 0, 1), 'IndexSizeError');
    assertDOMException(() => split.disconnect(ctx.destination), 'InvalidAccessError');
    assertDOMException(() => split.disconnect(g2, 0), 'InvalidAccessError');
    assertDOMException(() => split.disconnect(g1.gain), 'InvalidAccessError');
    split.disconnect(g1, 0, 0);
    assertDOMException(() => split.disconnect(g1, 0, 0), 'InvalidAccessError');
    split.disconnect(g1);
    assertDOMException(() => split.disconnect(g1), 'InvalidAccessError');
    split.disconnect(g2.gain, 0);
    assertDOMException(() => split.disconnect(g2.gain), 'InvalidAccessError');
    split.disconnect(1);
    assertDOMException(() => split.disconnect(g2), 'InvalidAccessError');
    split.disconnect();
  });

  test('disconnect() stops the signal; disconnect(dest) leaves other connections', async () => {
    const [l] = await render(1, 128, SR, (ctx) => {
      const src = ctx.createConstantSource();
      const a = ctx.createGain();
      const b = ctx.createGain();
      b.gain.value = 2;
      src.connect(a).connect(ctx.destination);
      src.connect(b).connect(ctx.destination);
      src.disconnect(a);
      src.start();
    });
    assertSamples(l!, 0, 128, () => 2);
  });

  test('duplicate connections count once', async () => {
    const [l] = await render(1, 128, SR, (ctx) => {
      const src = ctx.createConstantSource();
      src.connect(ctx.destination);
      src.connect(ctx.destination);
      src.start();
    });
    assertSamples(l!, 0, 128, () => 1);
  });
});

/** Builds an N-channel source whose channel c carries the constant value vals[c]. */
function multichannel(ctx: BaseAudioContext, vals: number[]): AudioNode {
  const merger = ctx.createChannelMerger(vals.length);
  vals.forEach((v, c) => {
    const s = ctx.createConstantSource();
    s.offset.value = v;
    s.connect(merger, 0, c);
    s.start();
  });
  return merger;
}

/** Mixes `vals` through a GainNode with the given settings into a splitter, returns each output channel's value. */
async function mixThrough(vals: number[], mode: ChannelCountMode, interp: ChannelInterpretation, count: number, outChannels: number): Promise<number[]> {
  const out = await render(outChannels, 128, SR, (ctx) => {
    const g = ctx.createGain();
    g.channelCountMode = mode;
    g.channelInterpretation = interp;
    g.channelCount = count;
    multichannel(ctx, vals).connect(g);
    // Route each of the gain's channels to the same destination channel via a splitter/merger,
    // with discrete interpretation so nothing is remixed on the way.
    const split = ctx.createChannelSplitter(outChannels);
    const merge = ctx.createChannelMerger(outChannels);
    g.connect(split);
    for (let c = 0; c < outChannels; c++) split.connect(merge, c, c);
    ctx.destination.channelInterpretation = 'discrete';
    merge.connect(ctx.destination);
  });
  return out.map((ch) => ch[64]!);
}

describe('channel mixing per channelCountMode x channelInterpretation', () => {
  const S = Math.SQRT1_2;
  test('max + speakers: stereo input stays stereo', async () => {
    assert.deepEqual(await mixThrough([1, 2], 'max', 'speakers', 1, 2), [1, 2]);
  });

  test('explicit 1 + speakers: stereo down-mixes to 0.5 (L + R)', async () => {
    const got = await mixThrough([1, 2], 'explicit', 'speakers', 1, 2);
    assert.equal(got[0], 1.5);
    assert.equal(got[1], 0);
  });

  test('explicit 1 + discrete: stereo keeps the first channel', async () => {
    assert.deepEqual(await mixThrough([1, 2], 'explicit', 'discrete', 1, 2), [1, 0]);
  });

  test('clamped-max 2 + speakers: 5.1 down-mixes to stereo with the spec weights', async () => {
    const [L, R, C, LFE, SL, SR_] = [1, 2, 3, 4, 5, 6];
    const got = await mixThrough([L, R, C, LFE, SL, SR_], 'clamped-max', 'speakers', 2, 2);
    assert.ok(Math.abs(got[0]! - (L + S * (C + SL))) < 1e-5);
    assert.ok(Math.abs(got[1]! - (R + S * (C + SR_))) < 1e-5);
  });

  test('clamped-max 4 + speakers: mono input is not up-mixed beyond its own count', async () => {
    // Up-mixed to 4 it would reach the splitter as [0.5, 0.5, 0, 0].
    assert.deepEqual(await mixThrough([0.5], 'clamped-max', 'speakers', 4, 2), [0.5, 0]);
  });

  test('explicit 4 + speakers: stereo up-mixes to quad with silent surrounds', async () => {
    assert.deepEqual(await mixThrough([1, 2], 'explicit', 'speakers', 4, 4), [1, 2, 0, 0]);
  });

  test('explicit 2 + speakers: mono up-mixes to both channels', async () => {
    assert.deepEqual(await mixThrough([0.25], 'explicit', 'speakers', 2, 2), [0.25, 0.25]);
  });

  test('explicit 2 + discrete: mono fills the first channel only', async () => {
    assert.deepEqual(await mixThrough([0.25], 'explicit', 'discrete', 2, 2), [0.25, 0]);
  });

  test('explicit 2 + speakers: quad down-mixes to 0.5(L+SL), 0.5(R+SR)', async () => {
    assert.deepEqual(await mixThrough([1, 2, 3, 4], 'explicit', 'speakers', 2, 2), [2, 3]);
  });

  test('max + discrete: 3 channels (no speaker layout) pass unchanged', async () => {
    assert.deepEqual(await mixThrough([1, 2, 3], 'max', 'discrete', 1, 3), [1, 2, 3]);
  });

  test('two connections are summed after each is up-mixed', async () => {
    const [l, r] = await render(2, 128, SR, (ctx) => {
      const mono = ctx.createConstantSource();
      mono.offset.value = 1;
      mono.start();
      const g = ctx.createGain();
      mono.connect(g);
      multichannel(ctx, [10, 20]).connect(g);
      g.connect(ctx.destination);
    });
    assert.equal(l![5], 11);
    assert.equal(r![5], 21);
  });
});
