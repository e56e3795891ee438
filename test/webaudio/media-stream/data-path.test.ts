/**
 * The MediaStream nodes on a realtime AudioContext: synthetic microphones (getUserMedia) in,
 * MediaStreamTrackProcessor out. Each test runs for about a second of real time.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AudioContext, MediaStreamAudioDestinationNode } from '../../../src/webaudio/index.js';
import { sourceNodeStats } from '../../../src/webaudio/media-stream-source.js';
import { MAX_CORRECTION } from '../../../src/webaudio/media-stream-input.js';
import { createMediaDevices } from '../../../src/devices/create-media-devices.js';
import type { SyntheticMicrophoneConfig } from '../../../src/sources/synthetic/config.js';
import type { MediaStream } from '../../../src/stream/media-stream.js';
import { getTrackSource } from '../../../src/stream/internals.js';
import type { GeneratorSource } from '../../../src/sources/generator-source.js';
import { collect, collectSteady, peakAmplitude, peakFrequency, rms, sleep, steady, zeroCrossingFrequency } from './helpers.js';

const RATE = 48000;

async function microphones(configs: SyntheticMicrophoneConfig[]): Promise<MediaStream[]> {
  const { mediaDevices, controller } = createMediaDevices({ devices: { microphones: configs, cameras: 0 } });
  const streams: MediaStream[] = [];
  for (const c of configs) {
    const deviceId = await controller.deviceIdOf(c.id!);
    const mode = c.modes?.[0];
    streams.push(
      await mediaDevices.getUserMedia({
        audio: { deviceId: { exact: deviceId! }, ...(mode ? { sampleRate: { exact: mode.sampleRate }, channelCount: { exact: mode.channelCount } } : {}) },
      }),
    );
  }
  return streams;
}

function stopAll(...streams: MediaStream[]): void {
  for (const s of streams) for (const t of s.getTracks()) t.stop();
}

const db = (x: number): number => 20 * Math.log10(x);

/** Largest second difference of a sine of amplitude a at f Hz, with room for float rounding. */
const step2 = (a: number, f: number, rate: number): number => a * ((2 * Math.PI * f) / rate) ** 2 * 1.05 + 1e-4;

/** |H| of the Web Audio lowshelf biquad (Audio EQ Cookbook, S = 1) at frequency f. */
function lowshelfGain(f: number, f0: number, gainDb: number, rate: number): number {
  const A = 10 ** (gainDb / 40);
  const w0 = (2 * Math.PI * f0) / rate;
  const alpha = (Math.sin(w0) / 2) * Math.sqrt(2);
  const c = Math.cos(w0);
  const sA = 2 * Math.sqrt(A) * alpha;
  const b = [A * (A + 1 - (A - 1) * c + sA), 2 * A * (A - 1 - (A + 1) * c), A * (A + 1 - (A - 1) * c - sA)];
  const a = [A + 1 + (A - 1) * c + sA, -2 * (A - 1 + (A + 1) * c), A + 1 + (A - 1) * c - sA];
  const w = (2 * Math.PI * f) / rate;
  const h = (k: number[]) => {
    const re = k[0]! + k[1]! * Math.cos(w) + k[2]! * Math.cos(2 * w);
    const im = -k[1]! * Math.sin(w) - k[2]! * Math.sin(2 * w);
    return Math.hypot(re, im);
  };
  return h(b) / h(a);
}

describe('MediaStream nodes on a realtime AudioContext', () => {
  test('getUserMedia microphone -> source node -> destination node -> MediaStreamTrackProcessor carries the tone', async () => {
    const [mic] = await microphones([{ id: 'm', toneFrequency: 1000 }]);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      const src = ctx.createMediaStreamSource(mic!);
      const dst = ctx.createMediaStreamDestination();
      src.connect(dst);
      const got = await collectSteady(dst.stream.getAudioTracks()[0]!, RATE / 2, RATE / 10, step2(0.5, 1000, RATE));
      assert.equal(got.sampleRate, RATE);
      assert.equal(got.channels.length, 2, 'the destination track has the node channel count');
      assert.ok(steady(got.channels[0]!, step2(0.5, 1000, RATE)), 'a window without glitches');
      for (const ch of got.channels) {
        const f = peakFrequency(ch, 1000, RATE);
        assert.ok(Math.abs(f - 1000) <= 1, `frequency ${f}`);
        // The synthetic microphone's tone has amplitude 0.5; the mono track is up-mixed to both channels.
        const amp = peakAmplitude(ch, 1000, RATE);
        assert.ok(Math.abs(db(amp / 0.5)) < 0.1, `amplitude ${amp}`);
      }
      // Timestamps follow the render frame count: each chunk starts where the previous one ended.
      for (let i = 1; i < got.chunks.length; i++) {
        const prev = got.chunks[i - 1]!;
        const expected = prev.timestamp + (prev.frames * 1e6) / RATE;
        assert.ok(Math.abs(got.chunks[i]!.timestamp - expected) <= 1, `chunk ${i}: ${got.chunks[i]!.timestamp} vs ${expected}`);
      }
      const stats = sourceNodeStats(src)!;
      assert.equal(stats.skippedFrames, 0);
      dst.stream.getTracks()[0]!.stop();
    } finally {
      stopAll(mic!);
      await ctx.close();
    }
  });

  test('a 44100 Hz track in a 48000 Hz context is resampled and keeps its frequency', async () => {
    const [mic] = await microphones([{ id: 'm44', toneFrequency: 1500, modes: [{ sampleRate: 44100, channelCount: 1, sampleSize: 16, latency: 0.01 }] }]);
    assert.equal(mic!.getAudioTracks()[0]!.getSettings().sampleRate, 44100);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      const src = ctx.createMediaStreamTrackSource(mic!.getAudioTracks()[0]!);
      const dst = new MediaStreamAudioDestinationNode(ctx, { channelCount: 1 });
      src.connect(dst);
      const got = await collectSteady(dst.stream.getAudioTracks()[0]!, RATE / 2, RATE / 10, step2(0.5, 1500, RATE));
      assert.equal(got.sampleRate, RATE);
      assert.ok(steady(got.channels[0]!, step2(0.5, 1500, RATE)), 'a window without glitches');
      const f = peakFrequency(got.channels[0]!, 1500, RATE);
      assert.ok(Math.abs(f - 1500) <= 1.5, `frequency ${f}`);
      // Cross-check by counting periods.
      const z = zeroCrossingFrequency(got.channels[0]!, RATE);
      assert.ok(Math.abs(z - 1500) <= 1.5, `zero-crossing frequency ${z}`);
      assert.ok(Math.abs(db(peakAmplitude(got.channels[0]!, 1500, RATE) / 0.5)) < 0.1);
      dst.stream.getTracks()[0]!.stop();
    } finally {
      stopAll(mic!);
      await ctx.close();
    }
  });

  test('lowshelf BiquadFilterNode (1000 Hz, +9 dB) between source and destination raises the low band by 9 dB, the high band stays', async () => {
    const G = 9;
    const LOW = 100;
    const HIGH = 8000;
    const [low, high] = await microphones([
      { id: 'low', toneFrequency: LOW },
      { id: 'high', toneFrequency: HIGH },
    ]);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      const lowSrc = ctx.createMediaStreamSource(low!);
      const highSrc = ctx.createMediaStreamSource(high!);
      const shelf = ctx.createBiquadFilter();
      shelf.type = 'lowshelf';
      shelf.frequency.value = 1000;
      shelf.gain.value = G;
      // Unfiltered and filtered side by side in one track (channel 0, channel 1), so both are
      // measured over the very same frames.
      const merger = ctx.createChannelMerger(2);
      const dst = new MediaStreamAudioDestinationNode(ctx, { channelInterpretation: 'discrete' });
      for (const s of [lowSrc, highSrc]) {
        s.connect(shelf);
        s.connect(merger, 0, 0);
      }
      shelf.connect(merger, 0, 1);
      merger.connect(dst);
      const bound = step2(0.5, LOW, RATE) + step2(0.5, HIGH, RATE);
      const got = await collectSteady(dst.stream.getAudioTracks()[0]!, RATE / 2, RATE / 10, bound);
      const [reference, filtered] = got.channels as [Float32Array, Float32Array];
      assert.ok(steady(reference, bound), 'a window without glitches');
      const lowGain = db(peakAmplitude(filtered, LOW, RATE) / peakAmplitude(reference, LOW, RATE));
      const highGain = db(peakAmplitude(filtered, HIGH, RATE) / peakAmplitude(reference, HIGH, RATE));
      assert.ok(Math.abs(lowGain - G) <= 0.5, `low band changed by ${lowGain} dB`);
      assert.ok(Math.abs(lowGain - db(lowshelfGain(LOW, 1000, G, RATE))) <= 0.1, `low band ${lowGain} dB vs the filter's ${db(lowshelfGain(LOW, 1000, G, RATE))} dB`);
      assert.ok(Math.abs(highGain) <= 0.5, `high band changed by ${highGain} dB`);
      assert.ok(Math.abs(highGain - db(lowshelfGain(HIGH, 1000, G, RATE))) <= 0.1, `high band ${highGain} dB`);
      // Both tones reach the reference (amplitude 0.5 each).
      assert.ok(Math.abs(db(peakAmplitude(reference, LOW, RATE) / 0.5)) < 0.1);
      assert.ok(Math.abs(db(peakAmplitude(reference, HIGH, RATE) / 0.5)) < 0.1);
      dst.stream.getTracks()[0]!.stop();
    } finally {
      stopAll(low!, high!);
      await ctx.close();
    }
  });

  test('101/105: output channel count follows the track; silence while disabled; one silent channel once the track ends', async () => {
    const [mono, stereo] = await microphones([
      { id: 'mono', toneFrequency: 600, modes: [{ sampleRate: RATE, channelCount: 1, sampleSize: 16, latency: 0.01 }] },
      { id: 'stereo', toneFrequency: 600, modes: [{ sampleRate: RATE, channelCount: 2, sampleSize: 16, latency: 0.01 }] },
    ]);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      // 'max' + 'speakers': the destination's input has as many channels as the widest input;
      // a mono input leaves the track's second channel exactly zero, a stereo one fills it.
      const monoDst = new MediaStreamAudioDestinationNode(ctx, { channelCountMode: 'max' });
      const stereoDst = new MediaStreamAudioDestinationNode(ctx, { channelCountMode: 'max' });
      const monoSrc = ctx.createMediaStreamSource(mono!);
      const stereoSrc = ctx.createMediaStreamSource(stereo!);
      monoSrc.connect(monoDst);
      stereoSrc.connect(stereoDst);
      // A constant mono input beside the stereo source: once that source outputs one channel
      // (ended), the mix is mono and the second channel becomes zero.
      const one = ctx.createConstantSource();
      one.offset.value = 0.25;
      one.start();
      one.connect(stereoDst);
      const monoTrack = monoDst.stream.getAudioTracks()[0]!;
      const stereoTrack = stereoDst.stream.getAudioTracks()[0]!;
      let [m, s] = await Promise.all([collect(monoTrack, RATE / 5, RATE / 10, true), collect(stereoTrack, RATE / 5, RATE / 10, true)]);
      assert.ok(peakAmplitude(m.channels[0]!, 600, RATE) > 0.4);
      assert.ok(m.channels[1]!.every((v) => v === 0), 'a mono track gives a one-channel output');
      assert.ok(peakAmplitude(s.channels[1]!, 600, RATE) > 0.4, 'a stereo track gives a two-channel output');

      // Disabled: zero-information content, the node keeps rendering silence.
      mono!.getAudioTracks()[0]!.enabled = false;
      await sleep(100);
      m = await collect(monoTrack, RATE / 5, RATE / 10);
      assert.ok(m.channels.every((ch) => ch.every((v) => v === 0)), 'silence while the track is disabled');
      mono!.getAudioTracks()[0]!.enabled = true;
      m = await collect(monoTrack, RATE / 5, RATE / 20, true);
      assert.ok(peakAmplitude(m.channels[0]!, 600, RATE) > 0.4, 'sound again once enabled');

      // Ended: one channel of silence.
      stereo!.getAudioTracks()[0]!.stop();
      await sleep(100);
      s = await collect(stereoTrack, RATE / 5, RATE / 10);
      assert.ok(s.channels[0]!.every((v) => v === 0.25), 'only the constant remains');
      assert.ok(s.channels[1]!.every((v) => v === 0), 'the ended source outputs one channel');
      monoTrack.stop();
      stereoTrack.stop();
      one.stop();
    } finally {
      stopAll(mono!, stereo!);
      await ctx.close();
    }
  });

  test('104: input is dropped while the context is suspended; closing the context ends the destination track', async () => {
    const [mic] = await microphones([{ id: 'm', toneFrequency: 700 }]);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      const src = ctx.createMediaStreamSource(mic!);
      const dst = ctx.createMediaStreamDestination();
      src.connect(dst);
      const track = dst.stream.getAudioTracks()[0]!;
      await collect(track, RATE / 10, 0, true);
      await ctx.suspend();
      const before = sourceNodeStats(src)!.framesDropped;
      await sleep(300);
      const dropped = sourceNodeStats(src)!.framesDropped - before;
      // About 0.3 s of input (14400 frames); timers may run late, never early.
      assert.ok(dropped >= 0.2 * RATE, `dropped ${dropped} frames`);
      await ctx.resume();
      const got = await collect(track, RATE / 5, RATE / 20, true);
      assert.ok(peakAmplitude(got.channels[0]!, 700, RATE) > 0.4, 'the tone comes back after resume');
      const ended = new Promise<void>((resolve) => track.addEventListener('ended', () => resolve(), { once: true }));
      await ctx.close();
      await ended;
      assert.equal(track.readyState, 'ended');
    } finally {
      stopAll(mic!);
      if (ctx.state !== 'closed') await ctx.close();
    }
  });

  test('103: the destination track follows the node channel count; clones share it; the last stop stops its source', async () => {
    const [mic] = await microphones([{ id: 'm', toneFrequency: 800 }]);
    const ctx = new AudioContext({ sampleRate: RATE });
    try {
      const dst = ctx.createMediaStreamDestination();
      ctx.createMediaStreamSource(mic!).connect(dst);
      const track = dst.stream.getAudioTracks()[0]!;
      let got = await collect(track, RATE / 10, RATE / 20, true);
      assert.equal(got.channels.length, 2);
      dst.channelCount = 3;
      await sleep(100);
      got = await collect(track, RATE / 10, RATE / 20, true);
      assert.equal(got.channels.length, 3);
      assert.equal(track.getSettings().channelCount, 3);
      // Three channels is no speaker layout, so "speakers" up-mixing falls back to discrete: the
      // mono signal lands in channel 0 and the others stay zero.
      assert.ok(peakAmplitude(got.channels[0]!, 800, RATE) > 0.4);
      assert.ok(got.channels[1]!.every((v) => v === 0) && got.channels[2]!.every((v) => v === 0));
      const clone = track.clone();
      track.stop();
      got = await collect(clone, RATE / 10, RATE / 20, true);
      assert.ok(peakAmplitude(got.channels[0]!, 800, RATE) > 0.4, 'a clone keeps receiving after the original stopped');
      const source = getTrackSource(clone) as GeneratorSource;
      assert.equal(source.stopped, false);
      clone.stop();
      assert.equal(source.stopped, true);
    } finally {
      stopAll(mic!);
      await ctx.close();
    }
  });

  test('a destination track feeds another context like a microphone', async () => {
    const [mic] = await microphones([{ id: 'm', toneFrequency: 440 }]);
    const a = new AudioContext({ sampleRate: RATE });
    const b = new AudioContext({ sampleRate: 32000 });
    try {
      const aDst = a.createMediaStreamDestination();
      a.createMediaStreamSource(mic!).connect(aDst);
      const bDst = b.createMediaStreamDestination();
      b.createMediaStreamSource(aDst.stream).connect(bDst);
      const got = await collectSteady(bDst.stream.getAudioTracks()[0]!, 16000, 3200, step2(0.5, 440, 32000));
      assert.equal(got.sampleRate, 32000);
      // Two drift compensators in a row (the second sees the first context's drain timer as its
      // capture clock) may each correct by up to MAX_CORRECTION while they settle.
      const f = peakFrequency(got.channels[0]!, 440, 32000);
      assert.ok(Math.abs(f - 440) <= 440 * 2 * MAX_CORRECTION, `frequency ${f}`);
      assert.ok(rms(got.channels[1]!) > 0.3);
      aDst.stream.getTracks()[0]!.stop();
      bDst.stream.getTracks()[0]!.stop();
    } finally {
      stopAll(mic!);
      await Promise.all([a.close(), b.close()]);
    }
  });
});
