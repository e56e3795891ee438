import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamples, assertDOMException } from './helpers.js';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import { OfflineAudioCompletionEvent } from '../../src/webaudio/offline-audio-completion-event.js';
import { AudioBuffer } from '../../src/webaudio/audio-buffer.js';

const SR = 8000;

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === name);
}

describe('OfflineAudioContext construction', () => {
  test('both constructor forms; attributes', () => {
    const a = new OfflineAudioContext(2, 1000, 22050);
    assert.equal(a.length, 1000);
    assert.equal(a.sampleRate, 22050);
    assert.equal(a.destination.channelCount, 2);
    assert.equal(a.destination.maxChannelCount, 2);
    assert.equal(a.state, 'suspended');
    assert.equal(a.currentTime, 0);
    assert.equal(a.renderQuantumSize, 128);
    const b = new OfflineAudioContext({ length: 10, sampleRate: 3000 });
    assert.equal(b.destination.channelCount, 1);
    assert.equal(Object.prototype.toString.call(b), '[object OfflineAudioContext]');
  });

  test('out-of-range arguments are NotSupportedError; missing members TypeError', () => {
    assertDOMException(() => new OfflineAudioContext(0, 10, SR), 'NotSupportedError');
    assertDOMException(() => new OfflineAudioContext(33, 10, SR), 'NotSupportedError');
    assertDOMException(() => new OfflineAudioContext(1, 0, SR), 'NotSupportedError');
    assertDOMException(() => new OfflineAudioContext(1, 10, 2999), 'NotSupportedError');
    assertDOMException(() => new OfflineAudioContext(1, 10, 768001), 'NotSupportedError');
    assert.throws(() => new OfflineAudioContext({ length: 10 } as never), TypeError);
    assert.throws(() => new OfflineAudioContext(1, 10, NaN), TypeError);
    assertDOMException(() => new OfflineAudioContext({ length: 10, sampleRate: SR, renderSizeHint: 0 }), 'NotSupportedError');
    assertDOMException(() => new OfflineAudioContext({ length: 10, sampleRate: SR, renderSizeHint: 6 * SR + 1 }), 'NotSupportedError');
    new OfflineAudioContext({ length: 10, sampleRate: SR, renderSizeHint: 6 * SR });
    assert.throws(() => new OfflineAudioContext({ length: 10, sampleRate: SR, renderSizeHint: 'huge' as never }), TypeError);
  });

  test('the offline destination channelCount cannot change', () => {
    const c = new OfflineAudioContext(2, 10, SR);
    assertDOMException(() => {
      c.destination.channelCount = 1;
    }, 'NotSupportedError');
    c.destination.channelCount = 2;
  });
});

describe('OfflineAudioContext rendering', () => {
  test('startRendering resolves with the buffer, fires complete, and runs only once', async () => {
    const ctx = new OfflineAudioContext(1, 300, SR);
    const src = ctx.createConstantSource();
    src.connect(ctx.destination);
    src.start();
    const events: string[] = [];
    ctx.onstatechange = () => events.push(`state:${ctx.state}`);
    const completed = new Promise<OfflineAudioCompletionEvent>((resolve) => (ctx.oncomplete = (e) => resolve(e)));
    const p = ctx.startRendering();
    await rejectsWith(ctx.startRendering(), 'InvalidStateError');
    const buf = await p;
    events.push('resolved');
    assert.equal(buf.length, 300);
    assert.equal(buf.sampleRate, SR);
    assertSamples(buf.getChannelData(0), 0, 300, () => 1);
    const ev = await completed;
    assert.ok(ev instanceof OfflineAudioCompletionEvent);
    assert.equal(ev.renderedBuffer, buf);
    assert.deepEqual(events, ['state:running', 'state:closed', 'resolved']);
  });

  test('suspend(t) pauses at the quantized frame so the graph can change, then resume continues', async () => {
    const ctx = new OfflineAudioContext(1, 1024, SR);
    const src = ctx.createConstantSource();
    src.connect(ctx.destination);
    src.start();
    // 300 frames rounds up to the quantum boundary at 384.
    ctx.suspend(300 / SR).then(() => {
      assert.equal(ctx.currentTime, 384 / SR);
      assert.equal(ctx.state, 'suspended');
      src.offset.value = 0.5;
      return ctx.resume();
    });
    ctx.suspend(640 / SR).then(() => {
      assert.equal(ctx.currentTime, 640 / SR);
      src.disconnect();
      return ctx.resume();
    });
    const buf = await ctx.startRendering();
    const ch = buf.getChannelData(0);
    assertSamples(ch, 0, 384, () => 1);
    assertSamples(ch, 384, 640, () => 0.5);
    assertSamples(ch, 640, 1024, () => 0);
  });

  test('suspend errors: negative, past, beyond length, duplicate', async () => {
    const ctx = new OfflineAudioContext(1, 1024, SR);
    await rejectsWith(ctx.suspend(-1), 'InvalidStateError');
    await rejectsWith(ctx.suspend(1024 / SR), 'InvalidStateError');
    const first = ctx.suspend(200 / SR);
    await rejectsWith(ctx.suspend(250 / SR), 'InvalidStateError'); // both quantize to 256
    const render = ctx.startRendering();
    await first;
    await rejectsWith(ctx.suspend(128 / SR), 'InvalidStateError');
    await rejectsWith(ctx.suspend(256 / SR), 'InvalidStateError');
    await ctx.resume();
    await render;
  });

  test('resume before startRendering rejects; after close rejects', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    await rejectsWith(ctx.resume(), 'InvalidStateError');
    await ctx.close();
    assert.equal(ctx.state, 'closed');
    await rejectsWith(ctx.resume(), 'InvalidStateError');
    await rejectsWith(ctx.startRendering(), 'InvalidStateError');
    await rejectsWith(ctx.close(), 'InvalidStateError');
  });

  test('rendering yields to the event loop (tasks run while a long render is in progress)', async () => {
    const ctx = new OfflineAudioContext(1, 3000 * 2000, 3000);
    const src = ctx.createConstantSource();
    src.connect(ctx.destination);
    src.start();
    const seen: number[] = [];
    let done = false;
    const sample = (): void => {
      seen.push(ctx.currentTime);
      if (!done) setImmediate(sample);
    };
    const p = ctx.startRendering();
    setImmediate(sample);
    await p;
    done = true;
    assert.ok(seen.some((t) => t > 0 && t < 2000), `no task ran mid-render (saw ${seen.length} samples)`);
  });

  test('currentTime advances by whole quanta and ends at the rendered length rounded up', async () => {
    const ctx = new OfflineAudioContext(1, 300, SR);
    await ctx.startRendering();
    assert.equal(ctx.currentTime, 384 / SR);
  });
});

describe('AudioBuffer', () => {
  test('constructor, attributes and errors', () => {
    const b = new AudioBuffer({ length: 100, numberOfChannels: 3, sampleRate: 44100 });
    assert.equal(b.length, 100);
    assert.equal(b.numberOfChannels, 3);
    assert.equal(b.sampleRate, 44100);
    assert.equal(b.duration, 100 / 44100);
    assert.throws(() => new AudioBuffer({ length: 1 } as never), TypeError);
    assertDOMException(() => new AudioBuffer({ length: 0, sampleRate: SR }), 'NotSupportedError');
    assertDOMException(() => new AudioBuffer({ length: 1, numberOfChannels: 0, sampleRate: SR }), 'NotSupportedError');
    assertDOMException(() => new AudioBuffer({ length: 1, sampleRate: 1000 }), 'NotSupportedError');
    assertDOMException(() => b.getChannelData(3), 'IndexSizeError');
    assert.equal(b.getChannelData(1), b.getChannelData(1));
    const ctx = new OfflineAudioContext(1, 1, SR);
    assertDOMException(() => ctx.createBuffer(1, 0, SR), 'NotSupportedError');
    assertDOMException(() => ctx.createBuffer(0, 1, SR), 'NotSupportedError');
  });

  test('copyFromChannel / copyToChannel copy max(0, min(Nb - k, Nf)) frames', () => {
    const b = new AudioBuffer({ length: 8, numberOfChannels: 2, sampleRate: SR });
    b.copyToChannel(Float32Array.from([1, 2, 3]), 1, 6);
    assert.deepEqual([...b.getChannelData(1)], [0, 0, 0, 0, 0, 0, 1, 2]);
    const dst = new Float32Array(4).fill(9);
    b.copyFromChannel(dst, 1, 5);
    assert.deepEqual([...dst], [0, 1, 2, 9]);
    b.copyFromChannel(dst, 0, 100);
    assert.deepEqual([...dst], [0, 1, 2, 9]);
    assertDOMException(() => b.copyFromChannel(dst, 2), 'IndexSizeError');
    assertDOMException(() => b.copyToChannel(dst, 2), 'IndexSizeError');
    assert.throws(() => b.copyToChannel([1, 2] as never, 0), TypeError);
  });
});

describe('AudioListener', () => {
  test('defaults, setPosition/setOrientation, and automatable params', async () => {
    const ctx = new OfflineAudioContext(1, 256, SR);
    const l = ctx.listener;
    assert.equal(ctx.listener, l);
    assert.deepEqual([l.positionX.value, l.forwardZ.value, l.upY.value], [0, -1, 1]);
    l.setPosition(1, 2, 3);
    assert.deepEqual([l.positionX.value, l.positionY.value, l.positionZ.value], [1, 2, 3]);
    l.setOrientation(0, 0, 1, 0, -1, 0);
    assert.deepEqual([l.forwardZ.value, l.upY.value], [1, -1]);
    assert.throws(() => l.setPosition(NaN, 0, 0), TypeError);
    l.positionX.linearRampToValueAtTime(5, 256 / SR);
    await ctx.startRendering();
    // [[current value]] at the start of the last quantum (frame 128): 1 + 4 * 128/256.
    assert.equal(l.positionX.value, 3);
  });
});
