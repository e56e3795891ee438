import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render, assertSamples, assertDOMException } from '../helpers.js';
import { AudioBuffer } from '../../../src/webaudio/audio-buffer.js';
import { AudioBufferSourceNode } from '../../../src/webaudio/nodes/audio-buffer-source-node.js';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';

const SR = 8000;

function ramp(length: number, channels = 1, sampleRate = SR): AudioBuffer {
  const b = new AudioBuffer({ length, numberOfChannels: channels, sampleRate });
  for (let c = 0; c < channels; c++) {
    const d = b.getChannelData(c);
    for (let i = 0; i < length; i++) d[i] = (c + 1) * (i + 1);
  }
  return b;
}

describe('AudioBufferSourceNode', () => {
  test('plays the buffer sample-exactly from start, then silence, and fires ended', async () => {
    const ctx = new OfflineAudioContext(2, 512, SR);
    const src = new AudioBufferSourceNode(ctx, { buffer: ramp(100, 2) });
    src.connect(ctx.destination);
    src.start(10 / SR);
    const ended = new Promise<void>((r) => (src.onended = () => r()));
    const buf = await ctx.startRendering();
    const [l, r] = [buf.getChannelData(0), buf.getChannelData(1)];
    assertSamples(l, 0, 10, () => 0);
    assertSamples(l, 10, 110, (n) => n - 10 + 1);
    assertSamples(r, 10, 110, (n) => 2 * (n - 10 + 1));
    assertSamples(l, 110, 512, () => 0);
    await ended;
  });

  test('a start time between frames is sub-sample accurate', async () => {
    const [ch] = await render(1, 128, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(50) });
      src.connect(ctx.destination);
      src.start(10.25 / SR);
    });
    // Frame 11 is 0.75 frames into playback: between buffer[0] = 1 and buffer[1] = 2.
    assertSamples(ch!, 0, 11, () => 0);
    assertSamples(ch!, 11, 60, (n) => 1 + (n - 10.25), 1e-4);
  });

  test('offset and duration select part of the buffer', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(100) });
      src.connect(ctx.destination);
      src.start(0, 20 / SR, 30 / SR);
    });
    assertSamples(ch!, 0, 30, (n) => 20 + n + 1);
    assertSamples(ch!, 30, 256, () => 0);
  });

  test('loops the whole buffer', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(10), loop: true });
      src.connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 256, (n) => (n % 10) + 1);
  });

  test('loops between loopStart and loopEnd after playing into the loop', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(20), loop: true, loopStart: 5 / SR, loopEnd: 10 / SR });
      src.connect(ctx.destination);
      src.start();
    });
    // Frames 0..9 play straight, then [5, 10) repeats.
    assertSamples(ch!, 0, 256, (n) => (n < 10 ? n + 1 : ((n - 10) % 5) + 5 + 1));
  });

  test('playbackRate 0.5 interpolates linearly between frames', async () => {
    const [ch] = await render(1, 128, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(50), playbackRate: 0.5 });
      src.connect(ctx.destination);
      src.start();
    });
    // Output frame n reads position n/2: 1 + n/2 within the buffer.
    assertSamples(ch!, 0, 98, (n) => 1 + n / 2, 1e-6);
  });

  test('detune of +1200 cents doubles the rate', async () => {
    const [ch] = await render(1, 128, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(100), detune: 1200 });
      src.connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 50, (n) => 2 * n + 1, 1e-5);
    assertSamples(ch!, 50, 128, () => 0);
  });

  test('a buffer at half the context rate plays at half speed', async () => {
    const [ch] = await render(1, 128, SR, (ctx) => {
      const src = new AudioBufferSourceNode(ctx, { buffer: ramp(40, 1, SR / 2) });
      src.connect(ctx.destination);
      src.start();
    });
    assertSamples(ch!, 0, 78, (n) => 1 + n / 2, 1e-6);
  });

  test('content is acquired at start(): later writes do not change playback', async () => {
    const [ch] = await render(1, 128, SR, (ctx) => {
      const b = ramp(50);
      const src = new AudioBufferSourceNode(ctx, { buffer: b });
      src.connect(ctx.destination);
      src.start();
      b.getChannelData(0).fill(-9);
    });
    assertSamples(ch!, 0, 50, (n) => n + 1);
  });

  test('buffer, start and param errors', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const src = ctx.createBufferSource();
    assert.equal(src.buffer, null);
    src.buffer = ramp(4);
    assertDOMException(() => {
      src.buffer = ramp(4);
    }, 'InvalidStateError');
    src.buffer = null;
    assert.throws(() => {
      src.buffer = {} as never;
    }, TypeError);
    assert.throws(() => src.start(0, -1), RangeError);
    assert.throws(() => src.start(0, 0, -1), RangeError);
    assert.throws(() => src.start(-1), RangeError);
    src.start(0, 0, 1);
    assertDOMException(() => src.start(), 'InvalidStateError');
    assert.equal(src.playbackRate.automationRate, 'k-rate');
    assert.equal(src.loop, false);
    src.loopStart = 0.25;
    assert.equal(src.loopStart, 0.25);
  });
});
