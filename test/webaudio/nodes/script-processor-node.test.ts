import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamples, assertDOMException } from '../helpers.js';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { AudioContext } from '../../../src/webaudio/audio-context.js';
import { AudioProcessingEvent } from '../../../src/webaudio/audio-processing-event.js';
import { ScriptProcessorNode } from '../../../src/webaudio/nodes/script-processor-node.js';

const SR = 8000;

describe('ScriptProcessorNode', () => {
  test('factory argument errors', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    assertDOMException(() => ctx.createScriptProcessor(100), 'IndexSizeError');
    assertDOMException(() => ctx.createScriptProcessor(256, 0, 0), 'IndexSizeError');
    assertDOMException(() => ctx.createScriptProcessor(256, 33, 1), 'IndexSizeError');
    assertDOMException(() => ctx.createScriptProcessor(256, 1, 33), 'IndexSizeError');
    assert.equal(ctx.createScriptProcessor().bufferSize, 1024);
    assert.equal(ctx.createScriptProcessor(0, 1, 1).bufferSize, 1024);
    const spn = ctx.createScriptProcessor(512, 3, 1);
    assert.equal(spn.channelCount, 3);
    assert.equal(spn.channelCountMode, 'explicit');
    assertDOMException(() => {
      spn.channelCount = 2;
    }, 'NotSupportedError');
    assertDOMException(() => {
      spn.channelCountMode = 'max';
    }, 'NotSupportedError');
    assert.throws(() => new (ScriptProcessorNode as unknown as new () => unknown)(), TypeError);
  });

  test('delivers input buffers and plays the output one buffer later (offline)', async () => {
    const size = 256;
    const ctx = new OfflineAudioContext(1, 2048, SR);
    // Input: a ramp 0, 1, 2, ... so each block's content is identifiable.
    const buf = ctx.createBuffer(1, 2048, SR);
    buf.getChannelData(0).forEach((_, i, a) => (a[i] = i));
    const src = ctx.createBufferSource();
    src.buffer = buf;
    const spn = ctx.createScriptProcessor(size, 1, 1);
    const times: number[] = [];
    let inputOk = true;
    let block = 0;
    spn.onaudioprocess = (e) => {
      assert.ok(e instanceof AudioProcessingEvent);
      times.push(e.playbackTime);
      const input = e.inputBuffer.getChannelData(0);
      for (let i = 0; i < size; i++) if (input[i] !== block * size + i) inputOk = false;
      e.outputBuffer.getChannelData(0).set(input.map((v) => -v));
      block++;
    };
    src.connect(spn).connect(ctx.destination);
    src.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    assert.ok(inputOk, 'each event saw the next bufferSize input frames');
    assert.equal(times.length, 2048 / size);
    times.forEach((t, k) => assert.equal(t, ((k + 1) * size) / SR));
    // Output = -input delayed by exactly one buffer.
    assertSamples(out, 0, size, () => 0);
    assertSamples(out, size, 2048, (n) => -(n - size));
  });

  test('works on a realtime context and stops firing once closed', async () => {
    const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: SR });
    const src = ctx.createConstantSource();
    const spn = ctx.createScriptProcessor(256, 1, 1);
    src.connect(spn).connect(ctx.destination);
    src.start();
    const seen = await new Promise<number[]>((resolve) => {
      const values: number[] = [];
      spn.onaudioprocess = (e) => {
        values.push(e.inputBuffer.getChannelData(0)[255]!);
        if (values.length === 3) resolve(values);
      };
    });
    assert.deepEqual(seen.slice(1), [1, 1]);
    await ctx.close();
  });
});

test('ScriptProcessorNode without any connection dispatches no audioprocess events', async () => {
  const ctx = new OfflineAudioContext(1, 2048, SR);
  const spn = ctx.createScriptProcessor(256, 1, 1);
  let events = 0;
  spn.onaudioprocess = () => events++;
  await ctx.startRendering();
  assert.equal(events, 0);
});
