import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/webaudio/nodes/all.js';
import { RenderEngine } from '../../../src/webaudio/render/engine.js';
import { SharedState, STATE_APPLIED_SEQ, type ControlMessage, type RenderMessage } from '../../../src/webaudio/render/protocol.js';
import { ChannelCountModeCode, InterpretationCode } from '../../../src/webaudio/render/protocol.js';

function create(id: number, kind: string, inputs: number, outputs: number, params: { id: number; defaultValue: number }[] = []): ControlMessage {
  return {
    t: 'create',
    id,
    kind,
    inputs,
    outputs,
    channelCount: 2,
    mode: id === 0 ? ChannelCountModeCode.Explicit : ChannelCountModeCode.Max,
    interp: InterpretationCode.Speakers,
    params: params.map((p) => ({ ...p, minValue: -1e30, maxValue: 1e30, kRate: false })),
    options: null,
  };
}

describe('RenderEngine', () => {
  test('applies batches between quanta and publishes the applied sequence and frame', () => {
    const posted: RenderMessage[] = [];
    const state = new SharedState();
    const e = new RenderEngine({ sampleRate: 8000, state, post: (m) => posted.push(m) });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1),
        create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 0.5 }]),
        { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
        { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
      ],
    });
    assert.equal(state.header[STATE_APPLIED_SEQ], 1);
    const out = e.renderQuantum();
    assert.equal(out.numberOfChannels, 2);
    assert.ok(out.channels[1]!.every((v) => v === 0.5));
    assert.equal(e.frame, 128);
    // [[current value]] of param 0 is published.
    assert.equal(state.params[0], 0.5);
    assert.deepEqual(posted, []);
  });

  test('an unknown processor kind or node id reports an error instead of throwing', () => {
    const posted: RenderMessage[] = [];
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: (m) => posted.push(m) });
    e.applyBatch({ seq: 1, messages: [create(0, 'NoSuchNode', 1, 1), { t: 'connect', src: 5, output: 0, dst: 6, input: 0 }] });
    assert.equal(posted.length, 2);
    assert.ok(posted.every((m) => m.t === 'error'));
  });

  test('released nodes left without inputs are dropped after the source feeding them', () => {
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: () => {} });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1),
        create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 1 }]),
        create(2, 'GainNode', 1, 1, [{ id: 1, defaultValue: 1 }]),
        create(3, 'GainNode', 1, 1, [{ id: 2, defaultValue: 1 }]),
        { t: 'connect', src: 1, output: 0, dst: 2, input: 0 },
        { t: 'connect', src: 2, output: 0, dst: 0, input: 0 },
        { t: 'connect', src: 3, output: 0, dst: 0, input: 0 },
        { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
        { t: 'node', id: 1, msg: { t: 'stop', when: 0.01 } },
        { t: 'release', id: 1 },
        { t: 'release', id: 2 },
      ],
    });
    for (let i = 0; i < 64; i++) e.renderQuantum();
    // The source ended and went, then the gain it fed; gain 3 is still referenced by script.
    assert.equal(e.nodeCount, 2);
  });

  test('a released source is dropped once it has ended, and ended is posted once', () => {
    const posted: RenderMessage[] = [];
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: (m) => posted.push(m) });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1),
        create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 1 }]),
        { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
        { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
        { t: 'node', id: 1, msg: { t: 'stop', when: 200 / 8000 } },
        { t: 'release', id: 1 },
      ],
    });
    assert.equal(e.nodeCount, 2);
    for (let i = 0; i < 128; i++) e.renderQuantum();
    assert.equal(e.nodeCount, 1);
    assert.deepEqual(posted, [{ t: 'node', id: 1, msg: { t: 'ended' } }]);
    // The destination now hears silence.
    const out = e.renderQuantum();
    assert.ok(out.channels[0]!.every((v) => v === 0));
  });
});
