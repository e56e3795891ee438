import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../src/media/clock.js';
import { createSyntheticSource } from '../../../src/sources/synthetic/producer.js';
import type { SyntheticAudioSource } from '../../../src/sources/synthetic/audio.js';
import type { DeviceDescriptor } from '../../../src/sources/types.js';
import type { AudioData } from '../../../src/media/audio-data.js';
import { framePlaneStats } from '../../../src/media/frame-buffer.js';
import { Recorder } from '../helpers.js';

const mic: DeviceDescriptor = { kind: 'audioinput', internalId: 'synthetic:mic0', label: 'mic', groupKey: 'g', isDefault: true };

function open(sampleRate: number, channelCount: number, clock: VirtualClock, options = {}) {
  return createSyntheticSource(mic, { kind: 'audio', mode: { sampleRate, channelCount, sampleSize: 16, latency: 0.01 } }, clock, options) as SyntheticAudioSource;
}

function planes(a: AudioData): Float32Array[] {
  const out: Float32Array[] = [];
  for (let c = 0; c < a.numberOfChannels; c++) {
    const p = new Float32Array(a.numberOfFrames);
    a.copyTo(p, { planeIndex: c, format: 'f32-planar' });
    out.push(p);
  }
  return out;
}

describe('synthetic microphone', () => {
  test('10 ms chunks of 480 frames at 48 kHz with exact timestamps and a 440 Hz tone', () => {
    const clock = new VirtualClock();
    const src = open(48000, 2, clock, { amplitude: 0.25 });
    const out = src.createOutput(null);
    const chunks: { ts: number; frames: number; format: string | null; data: Float32Array[] }[] = [];
    out.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        chunks.push({ ts: a.timestamp, frames: a.numberOfFrames, format: a.format, data: planes(a) });
        a.close();
      },
      end() {},
    });
    clock.advance(1000);
    assert.equal(chunks.length, 100);
    chunks.forEach((c, k) => {
      assert.equal(c.ts, k * 10_000);
      assert.equal(c.frames, 480);
      assert.equal(c.format, 'f32-planar');
    });
    // Reference: 0.25 * sin(2 pi 440 n / 48000), rounded to float32.
    for (const k of [0, 37, 99]) {
      for (let i = 0; i < 480; i += 53) {
        const n = k * 480 + i;
        const expected = Math.fround(0.25 * Math.sin((2 * Math.PI * 440 * (n % 1200)) / 48000));
        assert.ok(Math.abs(chunks[k]!.data[0]![i]! - expected) < 1e-6, `sample ${n}`);
        assert.equal(chunks[k]!.data[1]![i], chunks[k]!.data[0]![i], 'every channel carries the tone');
      }
    }
    out.close();
    assert.equal(clock.pendingTimers, 0);
  });

  test('44.1 kHz: chunks of 441 frames, timestamps from the frame index', () => {
    const clock = new VirtualClock();
    const src = open(44100, 1, clock);
    const out = src.createOutput(null);
    const rec = new Recorder<AudioData>(false, (a) => assert.equal(a.numberOfFrames, 441));
    out.subscribe(rec);
    clock.advance(60_000);
    assert.equal(rec.timestamps.length, 6000);
    assert.equal(rec.timestamps[5999], Math.round((5999 * 441 * 1e6) / 44100));
    out.close();
  });

  test('beep pattern: 100 ms on, 100 ms off', () => {
    const clock = new VirtualClock();
    const src = open(8000, 1, clock, { beepOnMs: 100, beepOffMs: 100 });
    const out = src.createOutput(null);
    const energy: number[] = [];
    out.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        energy.push(planes(a)[0]!.reduce((s, v) => s + v * v, 0));
        a.close();
      },
      end() {},
    });
    clock.advance(400);
    assert.equal(energy.length, 40);
    for (let k = 0; k < 40; k++) {
      const on = Math.floor(k / 10) % 2 === 0;
      if (on) assert.ok(energy[k]! > 1, `chunk ${k} is audible`);
      else assert.equal(energy[k], 0, `chunk ${k} is silent`);
    }
    out.close();
  });

  test('a disabled track yields exact zeros; a muted device too', () => {
    const clock = new VirtualClock();
    const src = open(48000, 1, clock);
    const out = src.createOutput(null);
    const sums: number[] = [];
    out.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        sums.push(planes(a)[0]!.reduce((s, v) => s + Math.abs(v), 0));
        a.close();
      },
      end() {},
    });
    out.setEnabled(false);
    clock.advance(50);
    assert.deepEqual(sums, [0, 0, 0, 0, 0]);
    out.setEnabled(true);
    clock.advance(10);
    assert.ok(sums[5]! > 0);
    src.setDeviceMuted(true);
    clock.advance(10);
    assert.equal(sums[6], 0);
    out.close();
  });

  test('channel up-mix and sample-rate conversion per output', () => {
    const clock = new VirtualClock();
    const src = open(48000, 1, clock);
    const native = src.createOutput(null);
    const stereo = src.createOutput({ kind: 'audio', sampleRate: 48000, channelCount: 2 });
    const narrow = src.createOutput({ kind: 'audio', sampleRate: 16000, channelCount: 1 });
    let stereoOk = 0;
    const native0: Float32Array[] = [];
    native.subscribe({ frame(f: unknown) { const a = f as AudioData; native0.push(planes(a)[0]!); a.close(); }, end() {} });
    stereo.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        const [l, r] = planes(a);
        // Speakers up-mix of mono: L = R = M.
        const m = native0[native0.length - 1]!;
        if (a.numberOfChannels === 2 && l!.every((v, i) => v === r![i] && v === m[i])) stereoOk++;
        a.close();
      },
      end() {},
    });
    let narrowFrames = 0;
    const narrowTs: number[] = [];
    narrow.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        assert.equal(a.sampleRate, 16000);
        narrowTs.push(a.timestamp);
        narrowFrames += a.numberOfFrames;
        a.close();
      },
      end() {},
    });
    clock.advance(1000);
    assert.equal(stereoOk, 100);
    // 1 s at 48 kHz resampled to 16 kHz: within the resampler's latency of 16000 frames.
    assert.ok(narrowFrames > 15800 && narrowFrames <= 16000, `got ${narrowFrames}`);
    // Timestamps follow the output sample count.
    assert.equal(narrowTs[0], 0);
    for (const o of [stereo, narrow, native]) o.close();
    assert.equal(clock.pendingTimers, 0);
  });

  test('an hour of capture leaves no buffers alive', () => {
    const clock = new VirtualClock();
    const src = open(48000, 2, clock);
    const out = src.createOutput(null);
    const live = framePlaneStats().live;
    let n = 0;
    out.subscribe({ frame(f: unknown) { n++; (f as AudioData).close(); }, end() {} });
    clock.advance(3_600_000);
    assert.equal(n, 360_000);
    assert.equal(framePlaneStats().live, live);
    out.close();
  });
});
