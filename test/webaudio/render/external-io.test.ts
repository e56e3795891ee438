import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/webaudio/nodes/all.js';
import { AudioRingBuffer } from '../../../src/media/ring-buffer.js';
import { RenderEngine } from '../../../src/webaudio/render/engine.js';
import { ChannelCountModeCode, InterpretationCode, SharedState, type ControlMessage } from '../../../src/webaudio/render/protocol.js';

function create(id: number, kind: string, inputs: number, outputs: number, options: unknown = null, channelCount = 2): ControlMessage {
  return {
    t: 'create', id, kind, inputs, outputs, channelCount,
    mode: ChannelCountModeCode.Explicit, interp: InterpretationCode.Speakers, params: [], options,
  };
}

describe('external input/output processors (MediaStream node hooks)', () => {
  test('ExternalInput plays frames written to its ring, silence when starved, bounded backlog', () => {
    const ring = AudioRingBuffer.create(2, 2048);
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: () => {} });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1),
        create(1, 'ExternalInput', 0, 1, { ring: ring.shared, channels: 2, capacity: 2048, maxLatencyFrames: 512 }),
        { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
      ],
    });
    const l = Float32Array.from({ length: 200 }, (_, i) => i);
    const r = Float32Array.from({ length: 200 }, (_, i) => -i);
    ring.write([l, r], 200);
    let out = e.renderQuantum();
    assert.deepEqual([...out.channels[0]!.subarray(0, 3)], [0, 1, 2]);
    assert.equal(out.channels[1]![127], -127);
    out = e.renderQuantum();
    // 72 frames left, then silence.
    assert.equal(out.channels[0]![71], 199);
    assert.ok(out.channels[0]!.subarray(72).every((v) => v === 0));
    // A backlog larger than maxLatencyFrames + one quantum is skipped down to maxLatencyFrames.
    const big = [new Float32Array(2000).fill(1), new Float32Array(2000).fill(1)];
    ring.write(big, 2000);
    e.renderQuantum();
    assert.equal(ring.availableRead(), 512 - 128);
  });

  test('ExternalOutput copies its input into the ring and drops what does not fit', () => {
    const ring = AudioRingBuffer.create(2, 256);
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: () => {} });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1),
        { t: 'create', id: 1, kind: 'ConstantSourceNode', inputs: 0, outputs: 1, channelCount: 2, mode: ChannelCountModeCode.Max, interp: InterpretationCode.Speakers, params: [{ id: 0, defaultValue: 0.5, minValue: -10, maxValue: 10, kRate: false }], options: null },
        create(2, 'ExternalOutput', 1, 0, { ring: ring.shared, channels: 2, capacity: 256 }),
        { t: 'connect', src: 1, output: 0, dst: 2, input: 0 },
        { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
      ],
    });
    for (let i = 0; i < 3; i++) e.renderQuantum();
    assert.equal(ring.availableRead(), 256);
    const planes = [new Float32Array(256), new Float32Array(256)];
    ring.read(planes, 256);
    // Mono source up-mixed to the node's 2 explicit channels.
    assert.ok(planes[0]!.every((v) => v === 0.5) && planes[1]!.every((v) => v === 0.5));
  });
});
