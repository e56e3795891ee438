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

  /** One second of mono capture from a synthetic microphone with these signal options. */
  function captureSecond(options: object): Float32Array {
    const clock = new VirtualClock();
    const src = open(48000, 1, clock, options);
    const out = src.createOutput(null);
    const all = new Float32Array(48000);
    let at = 0;
    out.subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        all.set(planes(a)[0]!, at);
        at += a.numberOfFrames;
        a.close();
      },
      end() {},
    });
    clock.advance(1000);
    out.close();
    return all;
  }

  /** Power of x at frequency f (Hz) over a whole second, by direct correlation. */
  function powerAt(x: Float32Array, f: number): number {
    let re = 0;
    let im = 0;
    for (let n = 0; n < x.length; n++) {
      re += x[n]! * Math.cos((2 * Math.PI * f * n) / 48000);
      im += x[n]! * Math.sin((2 * Math.PI * f * n) / 48000);
    }
    return (re * re + im * im) / (x.length * x.length);
  }

  test('several tones are summed, each at amplitude / n', () => {
    const x = captureSecond({ toneFrequency: [100, 3000], amplitude: 0.4 });
    for (let n = 0; n < 48000; n += 997) {
      const expected = 0.2 * Math.sin((2 * Math.PI * 100 * n) / 48000) + 0.2 * Math.sin((2 * Math.PI * 3000 * n) / 48000);
      assert.ok(Math.abs(x[n]! - expected) < 1e-6, `sample ${n}`);
    }
    // A sine of amplitude a has power a^2 / 4 in this measure; nothing at a frequency not played.
    assert.ok(Math.abs(powerAt(x, 100) - 0.01) < 1e-4);
    assert.ok(Math.abs(powerAt(x, 3000) - 0.01) < 1e-4);
    assert.ok(powerAt(x, 1000) < 1e-8);
  });

  test("pink noise: peak at the amplitude, about equal power per octave, deterministic", () => {
    const x = captureSecond({ signal: 'pink-noise', amplitude: 0.5 });
    let peak = 0;
    for (const v of x) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak <= 0.5 + 1e-6 && peak > 0.45, `peak ${peak}`);
    // Octave band powers by summing per-hertz powers (1 Hz resolution over one second).
    const band = (lo: number, hi: number): number => {
      let p = 0;
      for (let f = lo; f < hi; f += 7) p += powerAt(x, f);
      return 10 * Math.log10(p);
    };
    // Sampled every 7 Hz, an octave of pink noise holds the same power as the one below it
    // (each bin holds half as much, and there are twice as many bins).
    const low = band(200, 400);
    const high = band(3200, 6400);
    assert.ok(Math.abs(high - low) < 1.5, `octave levels ${low.toFixed(2)} / ${high.toFixed(2)} dB`);
    assert.deepEqual(captureSecond({ signal: 'pink-noise', amplitude: 0.5 }).subarray(0, 4800), x.subarray(0, 4800));
  });

  test('bad signal options are RangeErrors', () => {
    const clock = new VirtualClock();
    assert.throws(() => open(48000, 1, clock, { signal: 'brown-noise' }), RangeError);
    assert.throws(() => open(48000, 1, clock, { toneFrequency: [] }), RangeError);
    assert.throws(() => open(48000, 1, clock, { toneFrequency: [440, Number.NaN] }), RangeError);
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
