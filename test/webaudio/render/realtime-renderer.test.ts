import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/webaudio/nodes/all.js';
import { VirtualClock } from '../../../src/media/clock.js';
import { RealtimeRenderer } from '../../../src/webaudio/render/realtime-renderer.js';
import { ChannelCountModeCode, InterpretationCode, SharedState, STATE_UNDERRUNS, type ControlMessage } from '../../../src/webaudio/render/protocol.js';
import type { AudioSink } from '../../../src/webaudio/sinks/types.js';

const SR = 12800; // 128 frames = 10 ms

class FakeSink implements AudioSink {
  readonly outputLatency = 0.01;
  readonly wantsData = true;
  frames = 0;
  last: number[] = [];
  blocked = false;
  #drain: (() => void) | null = null;
  async open(): Promise<void> {}
  write(il: Float32Array, frames: number): boolean {
    this.frames += frames;
    this.last = [il[0]!, il[1]!];
    return !this.blocked;
  }
  onDrain(cb: () => void): void {
    this.#drain = cb;
  }
  drain(): void {
    this.blocked = false;
    const cb = this.#drain;
    this.#drain = null;
    cb?.();
  }
  onError(): void {}
  async close(): Promise<void> {}
}

function setup(destChannels: number): { clock: VirtualClock; r: RealtimeRenderer; sink: FakeSink; state: SharedState } {
  const clock = new VirtualClock();
  const state = new SharedState();
  const r = new RealtimeRenderer({ sampleRate: SR, quantumSize: 128, channels: 2, leadFrames: 256, state, post: () => {}, clock });
  const msgs: ControlMessage[] = [
    { t: 'create', id: 0, kind: 'AudioDestinationNode', inputs: 1, outputs: 1, channelCount: destChannels, mode: ChannelCountModeCode.Explicit, interp: InterpretationCode.Speakers, params: [], options: null },
    { t: 'create', id: 1, kind: 'ConstantSourceNode', inputs: 0, outputs: 1, channelCount: 2, mode: ChannelCountModeCode.Max, interp: InterpretationCode.Speakers, params: [{ id: 0, defaultValue: 0.5, minValue: -1, maxValue: 1, kRate: false }], options: null },
    { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
    { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
  ];
  r.applyBatch({ seq: 1, messages: msgs });
  const sink = new FakeSink();
  r.setSink(sink);
  return { clock, r, sink, state };
}

describe('RealtimeRenderer pacing (virtual clock)', () => {
  test('renders leadFrames ahead of the output position and keeps real time', () => {
    const { clock, r, sink, state } = setup(2);
    r.start();
    assert.equal(r.engine.frame, 256);
    assert.equal(sink.frames, 256);
    clock.advance(10);
    assert.equal(r.engine.frame, 384);
    clock.advance(1000);
    // Output position 1010 ms = 12928 frames, plus 256 frames of lead.
    assert.equal(r.engine.frame, 12928 + 256);
    assert.equal(state.header[STATE_UNDERRUNS], 0);
    assert.deepEqual(sink.last, [0.5, 0.5]);
    r.stop();
    clock.advance(100);
    assert.equal(r.engine.frame, 12928 + 256, 'nothing renders once stopped');
    assert.equal(clock.pendingTimers, 0);
  });

  test('sink backpressure holds rendering until drain; the late output counts as underruns', () => {
    const { clock, r, sink, state } = setup(2);
    sink.blocked = true;
    r.start();
    assert.equal(r.engine.frame, 128, 'stopped after the first refused write');
    clock.advance(100);
    assert.equal(r.engine.frame, 128);
    sink.drain();
    // Catches up to the output position + lead at once.
    assert.equal(r.engine.frame, 1280 + 256);
    clock.advance(10);
    assert.ok(state.header[STATE_UNDERRUNS]! >= 1, 'the output ran past rendered frames while blocked');
    r.stop();
  });

  test('a destination wider than the sink is down-mixed with the speaker rules', () => {
    // Mono 0.5 -> destination 5.1 (explicit, speakers): centre channel -> stereo sink: L = R = 0.5 * sqrt(1/2).
    const { r, sink } = setup(6);
    r.start();
    assert.ok(Math.abs(sink.last[0]! - 0.5 * Math.SQRT1_2) < 1e-7);
    assert.ok(Math.abs(sink.last[1]! - 0.5 * Math.SQRT1_2) < 1e-7);
    r.stop();
  });
});
