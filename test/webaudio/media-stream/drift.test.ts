import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/webaudio/nodes/all.js';
import { DEAD_BAND_QUANTA, DriftCompensator, InputPump, MAX_CORRECTION, RESPONSE_WINDOWS } from '../../../src/webaudio/media-stream-input.js';
import { RenderEngine } from '../../../src/webaudio/render/engine.js';
import { ChannelCountModeCode, InterpretationCode, SharedState, type ControlMessage } from '../../../src/webaudio/render/protocol.js';
import { AudioRingBuffer } from '../../../src/media/ring-buffer.js';
import { ExternalStats, STAT_UNDERRUNS } from '../../../src/webaudio/render/external-io.js';
import { allocateAudioData } from '../../../src/media/audio-data.js';

function create(id: number, kind: string, inputs: number, outputs: number, options: unknown = null, channelCount = 2): ControlMessage {
  return { t: 'create', id, kind, inputs, outputs, channelCount, mode: ChannelCountModeCode.Explicit, interp: InterpretationCode.Speakers, params: [], options };
}

describe('DriftCompensator', () => {
  test('correction 0 is an exact copy delayed by `latency` frames, across chunk boundaries', () => {
    const d = new DriftCompensator(2);
    const input = [Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.7), Float32Array.from({ length: 300 }, (_, i) => i / 300)];
    const out: number[][] = [[], []];
    const buf = [new Float32Array(d.maxOutputFrames(100)), new Float32Array(d.maxOutputFrames(100))];
    for (let k = 0; k < 3; k++) {
      const n = d.process([input[0]!.subarray(k * 100, k * 100 + 100), input[1]!.subarray(k * 100, k * 100 + 100)], 100, buf);
      assert.equal(n, 100);
      for (let c = 0; c < 2; c++) out[c]!.push(...buf[c]!.subarray(0, n));
    }
    const lag = d.latency;
    assert.ok(lag > 0);
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < lag; i++) assert.equal(out[c]![i], 0);
      for (let i = lag; i < 300; i++) assert.equal(out[c]![i], Math.fround(input[c]![i - lag]!));
    }
  });

  test('a correction d reads 1 + d input frames per output frame (clamped to the maximum)', () => {
    for (const d of [0.001, -0.001, 0.004, -0.003]) {
      const comp = new DriftCompensator(1);
      comp.correction = d;
      const chunk = new Float32Array(480);
      const buf = [new Float32Array(comp.maxOutputFrames(480))];
      let produced = 0;
      const chunks = 1000;
      for (let k = 0; k < chunks; k++) produced += comp.process([chunk], 480, buf);
      const expected = (chunks * 480) / (1 + d);
      assert.ok(Math.abs(produced - expected) <= 2, `d=${d}: ${produced} frames, expected about ${expected}`);
    }
    const comp = new DriftCompensator(1);
    comp.correction = 0.5;
    assert.equal(comp.correction, MAX_CORRECTION);
    comp.correction = -0.5;
    assert.equal(comp.correction, -MAX_CORRECTION);
    assert.throws(() => (comp.correction = NaN), RangeError);
  });

  for (const f of [1000, 8000, 15000]) {
    test(`interpolated output is the input sine (${f} Hz) read at the corrected step`, () => {
      const rate = 48000;
      const d = 0.003;
      const w = (2 * Math.PI * f) / rate;
      const comp = new DriftCompensator(1);
      comp.correction = d;
      const chunk = 480;
      const buf = [new Float32Array(comp.maxOutputFrames(chunk))];
      const out: number[] = [];
      for (let k = 0; k < 20; k++) {
        const x = Float32Array.from({ length: chunk }, (_, i) => Math.sin(w * (k * chunk + i)));
        const n = comp.process([x], chunk, buf);
        out.push(...buf[0]!.subarray(0, n));
      }
      // Output j is the band-limited input at position j * (1 + d) - latency. A windowed sinc of
      // 32 taps keeps the error near -60 dB in the pass band; linear interpolation would be off by
      // up to w^2 / 8 (0.14 at 8 kHz).
      let worst = 0;
      for (let j = 64; j < out.length; j++) {
        const expected = Math.sin(w * (j * (1 + d) - comp.latency));
        worst = Math.max(worst, Math.abs(out[j]! - expected));
      }
      assert.ok(worst < 2e-3, `worst error ${worst}`);
    });
  }
});

describe('InputPump', () => {
  /**
   * A source whose clock runs `error` fast (or slow) against the render clock: it delivers 10 ms
   * chunks of its own time, i.e. every 480 / (1 + error) render frames, to a pump whose ring the
   * real ExternalInput processor reads one quantum per 128 render frames.
   */
  function simulate(error: number, seconds: number) {
    const rate = 48000;
    const qs = 128;
    const engine = new RenderEngine({ sampleRate: rate, state: new SharedState(), post: () => {} });
    const pending: ControlMessage[] = [];
    const pump = new InputPump({
      contextRate: rate,
      quantumSize: qs,
      channels: 1,
      running: () => true,
      onRing: () => assert.fail('the channel count does not change here'),
      onTune: (tuning) => pending.push({ t: 'node', id: 1, msg: { t: 'tune', ...tuning } }),
      onEnd: () => {},
    });
    const ring = pump.ring;
    engine.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1, null, 1),
        create(1, 'ExternalInput', 0, 1, { ring: ring.shared, channels: 1, capacity: ring.capacity, ...pump.tuning(), stats: pump.stats.shared }),
        { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
      ],
    });
    const chunkPeriod = 480 / (1 + error);
    let nextChunk = chunkPeriod;
    let nextQuantum = qs;
    let seq = 2;
    const end = seconds * rate;
    let maxFill = 0;
    let maxFillLate = 0;
    let underrunsAfterSettle = -1;
    const settle = 5 * rate;
    const stats = new ExternalStats(pump.stats.shared);
    let chunkIndex = 0;
    while (nextChunk < end || nextQuantum < end) {
      if (nextChunk <= nextQuantum) {
        const { data, planes } = allocateAudioData(rate, 1, 480, 0);
        planes[0]!.fill(0.25);
        pump.frame(data);
        chunkIndex++;
        if (pending.length) engine.applyBatch({ seq: seq++, messages: pending.splice(0) });
        const fill = ring.availableRead();
        if (fill > maxFill) maxFill = fill;
        if (nextChunk > settle && fill > maxFillLate) maxFillLate = fill;
        nextChunk += chunkPeriod;
      } else {
        engine.renderQuantum();
        if (underrunsAfterSettle < 0 && nextQuantum > settle) underrunsAfterSettle = stats.get(STAT_UNDERRUNS);
        nextQuantum += qs;
      }
    }
    return {
      pump,
      maxFill,
      maxFillLate,
      lateUnderruns: stats.get(STAT_UNDERRUNS) - underrunsAfterSettle,
      stats: pump.snapshot(),
    };
  }

  for (const error of [0.001, -0.001]) {
    test(`a capture clock ${error > 0 ? 'fast' : 'slow'} by 0.1 % for 10 minutes keeps the ring fill bounded, without underruns or skips`, () => {
      const r = simulate(error, 10 * 60);
      const target = r.pump.target;
      // Design bound: the window's smallest slack settles at the dead band + RESPONSE_WINDOWS
      // windows of drift (0.001 x 24000 frames each) from the target, give or take one more
      // window's drift; within a window the slack rises by up to one quantum (reads come in
      // quanta); plus the chunk just written.
      const drift = 0.001 * 24000;
      const bound = target + DEAD_BAND_QUANTA * 128 + (RESPONSE_WINDOWS + 1) * drift + 128 + 480;
      assert.ok(r.maxFillLate <= bound, `fill reached ${r.maxFillLate} frames, bound ${bound}`);
      assert.equal(r.lateUnderruns, 0);
      assert.equal(r.stats.skippedFrames, 0);
      // The compensation converges on the clock error: frames out per frame in ~ 1 / (1 + error).
      assert.ok(Math.abs(r.stats.framesWritten / r.stats.framesIn - 1 / (1 + error)) < 1e-4, `ratio ${r.stats.framesWritten / r.stats.framesIn}`);
    });
  }

  test('input is dropped, not buffered, while the context is not running', () => {
    let running = false;
    const pump = new InputPump({ contextRate: 48000, quantumSize: 128, channels: 1, running: () => running, onRing: () => {}, onTune: () => {}, onEnd: () => {} });
    for (let i = 0; i < 10; i++) pump.frame(allocateAudioData(48000, 1, 480, i * 10000).data);
    assert.equal(pump.ring.availableRead(), 0);
    assert.equal(pump.snapshot().framesDropped, 4800);
    running = true;
    pump.frame(allocateAudioData(48000, 1, 480, 0).data);
    // One chunk in, one chunk out (the filter's delay shifts the content, not the count).
    assert.equal(pump.ring.availableRead(), 480);
  });

  test('a track at another rate is resampled to the context rate; a new channel count makes a new ring', () => {
    const rings: AudioRingBuffer[] = [];
    const pump = new InputPump({ contextRate: 48000, quantumSize: 128, channels: 1, running: () => true, onRing: (r) => rings.push(r), onTune: () => {}, onEnd: () => {} });
    for (let i = 0; i < 100; i++) {
      const { data } = allocateAudioData(44100, 1, 441, i * 10000);
      pump.frame(data);
      pump.ring.skip(pump.ring.availableRead());
    }
    // 1 s at 44100 Hz becomes 1 s at 48000 Hz, less the resampler's filter delay.
    const s = pump.snapshot();
    assert.ok(s.framesIn <= 48000 && s.framesIn > 48000 - 200, `framesIn ${s.framesIn}`);
    assert.equal(rings.length, 0);
    pump.frame(allocateAudioData(44100, 2, 441, 0).data);
    assert.equal(rings.length, 1);
    assert.equal(rings[0]!.channels, 2);
    assert.equal(pump.ring, rings[0]);
  });
});

describe('ExternalInput jitter buffer', () => {
  test('waits for primeFrames, counts an underrun when starved and primes again', () => {
    const ring = AudioRingBuffer.create(1, 4096);
    const stats = ExternalStats.create();
    const e = new RenderEngine({ sampleRate: 8000, state: new SharedState(), post: () => {} });
    e.applyBatch({
      seq: 1,
      messages: [
        create(0, 'AudioDestinationNode', 1, 1, null, 1),
        create(1, 'ExternalInput', 0, 1, { ring: ring.shared, channels: 1, capacity: 4096, maxLatencyFrames: 2048, primeFrames: 300, stats: stats.shared }),
        { t: 'connect', src: 1, output: 0, dst: 0, input: 0 },
      ],
    });
    const ones = [new Float32Array(1000).fill(1)];
    ring.write(ones, 200);
    let out = e.renderQuantum();
    assert.ok(out.channels[0]!.every((v) => v === 0), 'not primed at 200 < 300 frames');
    assert.equal(ring.availableRead(), 200);
    ring.write(ones, 100);
    out = e.renderQuantum();
    assert.ok(out.channels[0]!.every((v) => v === 1), 'primed at 300 frames');
    e.renderQuantum(); // 44 left
    out = e.renderQuantum();
    assert.equal(stats.get(STAT_UNDERRUNS), 1);
    assert.ok(out.channels[0]!.subarray(0, 44).every((v) => v === 1) && out.channels[0]!.subarray(44).every((v) => v === 0));
    ring.write(ones, 200);
    out = e.renderQuantum();
    assert.ok(out.channels[0]!.every((v) => v === 0), 'primes again after an underrun');
    assert.equal(stats.get(STAT_UNDERRUNS), 1);
  });
});
