import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/webaudio/nodes/all.js';
import { RenderEngine } from '../../../src/webaudio/render/engine.js';
import { Bus } from '../../../src/webaudio/render/bus.js';
import { SharedState, ChannelCountModeCode, InterpretationCode, type ControlMessage } from '../../../src/webaudio/render/protocol.js';
import { EventType, makeEvent, AutomationTimeline, type AutomationOp } from '../../../src/webaudio/automation.js';

const SR = 8000;
const QS = 128;

interface P {
  id: number;
  defaultValue: number;
  minValue?: number;
  maxValue?: number;
  kRate?: boolean;
}

function create(id: number, kind: string, inputs: number, outputs: number, params: P[] = [], channelCount = 2,
  mode = id === 0 ? ChannelCountModeCode.Explicit : ChannelCountModeCode.Max): ControlMessage {
  return {
    t: 'create', id, kind, inputs, outputs, channelCount, mode,
    interp: InterpretationCode.Speakers,
    params: params.map((p) => ({ minValue: -1e30, maxValue: 1e30, kRate: false, ...p })),
    options: null,
  };
}

function engine(): { e: RenderEngine; state: SharedState; send: (...m: ControlMessage[]) => void } {
  const state = new SharedState();
  const e = new RenderEngine({ sampleRate: SR, state, post: () => {} });
  let seq = 0;
  return { e, state, send: (...messages) => e.applyBatch({ seq: ++seq, messages }) };
}

const param = (id: number, op: AutomationOp): ControlMessage => ({ t: 'param', id, op });

/** Renders `quanta` quanta and returns channel `c` of the destination input, concatenated. */
function render(e: RenderEngine, quanta: number, c = 0, before?: (q: number) => void): Float32Array {
  const out = new Float32Array(quanta * QS);
  for (let q = 0; q < quanta; q++) {
    before?.(q);
    const bus = e.renderQuantum();
    out.set(bus.channels[c]!, q * QS);
  }
  return out;
}

function near(actual: number, expected: number, where: string): void {
  // One float32 rounding of values of magnitude <= 10.
  assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${where}: ${actual} vs ${expected}`);
}

/**
 * constant source (offset param 0, value 1) -> gain (gain param 1) -> destination: the output
 * is the gain param's computed value at every frame.
 */
function gainProbe(gain: P = { id: 1, defaultValue: 1 }): ReturnType<typeof engine> {
  const x = engine();
  x.send(
    create(0, 'AudioDestinationNode', 1, 1),
    create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 1 }]),
    create(2, 'GainNode', 1, 1, [gain]),
    { t: 'connect', src: 1, output: 0, dst: 2, input: 0 },
    { t: 'connect', src: 2, output: 0, dst: 0, input: 0 },
    { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
  );
  return x;
}

describe('AudioParam render path', () => {
  test('a constant param that becomes automated mid-render follows the automation exactly', () => {
    const { e, send, state } = gainProbe();
    send(param(1, { op: 'base', value: 0.5 }));
    const a = render(e, 3);
    assert.ok(a.every((v) => v === 0.5), 'constant 0.5 before any automation');
    assert.equal(state.params[1], 0.5);
    // Mid-render (after 3 quanta, frame 384): setValueAtTime(2) at frame 394, then a linear
    // ramp to 4 ending at frame 640; afterwards it holds 4.
    const tSet = 394 / SR;
    const tEnd = 640 / SR;
    send(
      param(1, { op: 'insert', event: makeEvent(EventType.SetValue, tSet, 2), now: 384 / SR }),
      param(1, { op: 'insert', event: makeEvent(EventType.LinearRamp, tEnd, 4, { insertTime: 384 / SR }), now: 384 / SR }),
    );
    const b = render(e, 5);
    for (let i = 0; i < b.length; i++) {
      const frame = 384 + i;
      let want: number;
      if (frame < 394) want = 0.5;
      else if (frame < 640) want = 2 + (2 * (frame - 394)) / (640 - 394);
      else want = 4;
      near(b[i]!, want, `frame ${frame}`);
    }
    // [[current value]] is the intrinsic value at the start of the last quantum (frame 896).
    assert.equal(state.params[1], 4);
    // Cancelling everything returns to the base value, also after many settled quanta.
    send(param(1, { op: 'cancel', time: 0 }));
    const c = render(e, 2);
    assert.ok(c.every((v) => v === 0.5), 'back to the base value after cancelScheduledValues(0)');
    assert.equal(state.params[1], 0.5);
  });

  test('a base value change after settled quanta reaches the buffer and [[current value]]', () => {
    const { e, send, state } = gainProbe();
    const first = render(e, 4);
    assert.ok(first.every((v) => v === 1), 'default value 1');
    send(param(1, { op: 'base', value: 0.25 }));
    const second = render(e, 1);
    assert.ok(second.every((v) => v === 0.25));
    assert.equal(state.params[1], 0.25);
    // Same value again: still right (nothing to rewrite).
    send(param(1, { op: 'base', value: 0.25 }));
    assert.ok(render(e, 2).every((v) => v === 0.25));
  });

  test('setTargetAtTime never settles: every quantum keeps approaching the target', () => {
    const { e, send } = gainProbe();
    const tau = 0.01;
    send(param(1, { op: 'insert', event: makeEvent(EventType.SetTarget, 0, 0, { timeConstant: tau }), now: 0 }));
    const out = render(e, 6);
    for (let i = 0; i < out.length; i += 37) near(out[i]!, Math.exp(-i / SR / tau), `frame ${i}`);
    assert.ok(out[out.length - 1]! < out[QS]!, 'still decaying in the last quantum');
  });

  test('out-of-range values are clamped, also when the base value later comes into range', () => {
    const { e, send } = gainProbe({ id: 1, defaultValue: 1, minValue: -2, maxValue: 3 });
    send(param(1, { op: 'base', value: 10 }));
    assert.ok(render(e, 2).every((v) => v === 3));
    send(param(1, { op: 'base', value: -5 }));
    assert.ok(render(e, 2).every((v) => v === -2));
    send(param(1, { op: 'base', value: 1.5 }));
    assert.ok(render(e, 2).every((v) => v === 1.5));
  });

  test('connecting and disconnecting an input to a settled param', () => {
    const { e, send } = gainProbe();
    send(param(1, { op: 'base', value: 0.5 }));
    render(e, 3);
    send(
      create(3, 'ConstantSourceNode', 0, 1, [{ id: 2, defaultValue: 0.25 }]),
      { t: 'connectParam', src: 3, output: 0, param: 1 },
      { t: 'node', id: 3, msg: { t: 'start', when: 0 } },
    );
    assert.ok(render(e, 2).every((v) => v === 0.75), 'intrinsic 0.5 + input 0.25');
    send({ t: 'disconnectParam', src: 3, output: -1, param: 1 });
    assert.ok(render(e, 2).every((v) => v === 0.5), 'input gone: intrinsic only');
  });

  test('a k-rate param takes the value at the start of each quantum', () => {
    const { e, send } = gainProbe({ id: 1, defaultValue: 1, kRate: true });
    send(param(1, { op: 'insert', event: makeEvent(EventType.LinearRamp, (4 * QS) / SR, 5, { insertTime: 0 }), now: 0 }));
    const out = render(e, 6);
    for (let q = 0; q < 6; q++) {
      const want = q >= 4 ? 5 : 1 + (4 * q) / 4;
      for (let i = 0; i < QS; i++) near(out[q * QS + i]!, want, `quantum ${q} frame ${i}`);
    }
  });
});

describe('AutomationTimeline.sample', () => {
  test('a quantum that ends after the last ramp holds the ramp end value; settled only then', () => {
    const tl = new AutomationTimeline(0);
    tl.insert(makeEvent(EventType.SetValue, 0, 1), 0);
    tl.insert(makeEvent(EventType.LinearRamp, 100 / SR, 3, { insertTime: 0 }), 0);
    const out = new Float32Array(QS);
    assert.equal(tl.sample(out, 0, QS, SR, false), false);
    for (let i = 0; i < QS; i++) near(out[i]!, i < 100 ? 1 + (2 * i) / 100 : 3, `frame ${i}`);
    assert.equal(tl.sample(out, QS, QS, SR, false), true);
    assert.equal(tl.constantValue, 3);
    assert.equal(tl.settled, true);
    const v = tl.version;
    tl.cancel(0);
    assert.notEqual(tl.version, v, 'a change bumps the version');
    assert.equal(tl.sample(out, 2 * QS, QS, SR, false), true);
    assert.equal(tl.constantValue, 0);
  });

  test('a constant quantum before a future event is not settled', () => {
    const tl = new AutomationTimeline(0.5);
    tl.insert(makeEvent(EventType.SetValue, 1000 / SR, 2), 0);
    const out = new Float32Array(QS);
    assert.equal(tl.sample(out, 0, QS, SR, false), true);
    assert.equal(tl.constantValue, 0.5);
    assert.equal(tl.settled, false);
    assert.equal(tl.sample(out, 0, QS, SR, true), true, 'k-rate is always constant');
    assert.equal(tl.settled, false);
  });

  test('fill() writes the same values sample() describes', () => {
    const tl = new AutomationTimeline(0);
    tl.insert(makeEvent(EventType.SetValue, 0, 0.125), 0);
    const out = new Float32Array(QS).fill(9);
    assert.equal(tl.fill(out, 0, QS, SR, false), true);
    assert.ok(out.every((v) => v === 0.125));
  });
});

describe('Bus pass-through', () => {
  test('borrow() shows another bus\'s arrays; zero() and setChannelCount() go back to own storage', () => {
    const src = new Bus(4, 2);
    src.channels[0]!.set([1, 2, 3, 4]);
    src.channels[1]!.set([5, 6, 7, 8]);
    const b = new Bus(4, 2);
    const own = b.channels;
    b.borrow(src.channels);
    assert.equal(b.silent, false);
    assert.equal(b.channels[0], src.channels[0]);
    b.zero();
    assert.notEqual(b.channels[0], src.channels[0]);
    assert.equal(b.channels[0], own[0]);
    assert.deepEqual(Array.from(src.channels[0]!), [1, 2, 3, 4], 'zeroing a borrowing bus leaves the lender alone');
    assert.ok(b.silent);
    b.borrow(src.channels);
    b.setChannelCount(2);
    assert.equal(b.channels[0], own[0], 'same count still returns to own storage');
    b.borrow(src.channels);
    b.makeSilent();
    assert.equal(b.numberOfChannels, 1);
    assert.deepEqual(Array.from(src.channels[1]!), [5, 6, 7, 8]);
  });

  test('one source fanned out to two single-input nodes: each input passes through, nothing is corrupted', () => {
    const { e, send } = engine();
    send(
      create(0, 'AudioDestinationNode', 1, 1),
      create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 0.5 }]),
      create(2, 'GainNode', 1, 1, [{ id: 1, defaultValue: 2 }]),
      create(3, 'GainNode', 1, 1, [{ id: 2, defaultValue: 3 }]),
      { t: 'connect', src: 1, output: 0, dst: 2, input: 0 },
      { t: 'connect', src: 1, output: 0, dst: 3, input: 0 },
      { t: 'connect', src: 2, output: 0, dst: 0, input: 0 },
      { t: 'connect', src: 3, output: 0, dst: 0, input: 0 },
      { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
    );
    for (let q = 0; q < 3; q++) {
      const out = e.renderQuantum();
      assert.equal(out.numberOfChannels, 2);
      // 0.5 * 2 + 0.5 * 3, up-mixed to both sides.
      assert.ok(out.channels[0]!.every((v) => v === 2.5) && out.channels[1]!.every((v) => v === 2.5), `quantum ${q}`);
    }
    // The source stops mid-quantum (frame 3 * 128 + 64): its output turns silent afterwards.
    send({ t: 'node', id: 1, msg: { t: 'stop', when: (3 * QS + 64) / SR } });
    const q3 = e.renderQuantum().channels[0]!;
    for (let i = 0; i < QS; i++) assert.equal(q3[i], i < 64 ? 2.5 : 0, `frame ${i}`);
    const q4 = e.renderQuantum();
    assert.ok(q4.silent || q4.channels[0]!.every((v) => v === 0));
  });

  test('a single stereo connection into a stereo node input passes L and R through unchanged', () => {
    const { e, send } = engine();
    send(
      create(0, 'AudioDestinationNode', 1, 1),
      create(1, 'ConstantSourceNode', 0, 1, [{ id: 0, defaultValue: 0.25 }]),
      create(2, 'ConstantSourceNode', 0, 1, [{ id: 1, defaultValue: -0.5 }]),
      create(3, 'ChannelMergerNode', 2, 1, [], 1, ChannelCountModeCode.Explicit),
      create(4, 'GainNode', 1, 1, [{ id: 2, defaultValue: 2 }]),
      { t: 'connect', src: 1, output: 0, dst: 3, input: 0 },
      { t: 'connect', src: 2, output: 0, dst: 3, input: 1 },
      { t: 'connect', src: 3, output: 0, dst: 4, input: 0 },
      { t: 'connect', src: 4, output: 0, dst: 0, input: 0 },
      { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
      { t: 'node', id: 2, msg: { t: 'start', when: 0 } },
    );
    const out = e.renderQuantum();
    assert.ok(out.channels[0]!.every((v) => v === 0.5), 'L = 0.25 * 2');
    assert.ok(out.channels[1]!.every((v) => v === -1), 'R = -0.5 * 2');
  });
});
