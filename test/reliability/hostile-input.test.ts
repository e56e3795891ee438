/**
 * Property-based hostile input over the public entry points: whatever is passed, the call either
 * works or throws one of the errors the specs name (TypeError, RangeError, a DOMException) or a
 * format error naming the file problem — never another exception, a hang or a huge allocation.
 * (Constraint objects have their own fuzz suite in test/fuzz/constraints-fuzz.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as mc from '../../src/index.js';
import { parseWav, encodeWav, WavFormatError } from '../../src/media/codecs/wav.js';
import { Y4mReader, encodeY4m, Y4mFormatError } from '../../src/media/codecs/y4m.js';
import { installWatchdog } from './watchdog.js';

installWatchdog();

function allowed(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof DOMException || e instanceof WavFormatError || e instanceof Y4mFormatError;
}

function survives(f: () => unknown): void {
  const before = process.memoryUsage().arrayBuffers;
  try {
    f();
  } catch (e) {
    if (!allowed(e)) throw new Error(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < 512 * 2 ** 20, 'allocated more than 512 MiB');
}

/** Values script could pass anywhere: numbers at the edges, strings, objects, arrays, symbols. */
const hostile = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 2 ** 31, 2 ** 32 - 1, 2 ** 53, -(2 ** 53), 1e308, 5e-324, '', 'x', '1e9', true, false),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(Symbol('s')),
  fc.array(fc.double(), { maxLength: 8 }),
  fc.constant({ valueOf: () => 2 ** 40 }),
  fc.constant({ toString: () => 'sine' }),
);
const options = fc.dictionary(
  fc.constantFrom('length', 'numberOfChannels', 'sampleRate', 'channelCount', 'channelCountMode', 'channelInterpretation', 'gain', 'frequency', 'detune', 'Q', 'type', 'delayTime', 'maxDelayTime', 'fftSize', 'minDecibels', 'maxDecibels', 'smoothingTimeConstant', 'curve', 'oversample', 'feedforward', 'feedback', 'numberOfInputs', 'numberOfOutputs', 'pan', 'offset', 'buffer', 'loop', 'loopStart', 'loopEnd', 'playbackRate', 'attack', 'release', 'ratio', 'knee', 'threshold', 'periodicWave', 'normalize', 'latencyHint', 'sinkId'),
  hostile,
  { maxKeys: 6 },
);

const ctx = new mc.OfflineAudioContext(2, 256, 8000);
const nodeClasses = ['GainNode', 'BiquadFilterNode', 'DelayNode', 'OscillatorNode', 'AnalyserNode', 'StereoPannerNode', 'WaveShaperNode', 'IIRFilterNode', 'DynamicsCompressorNode', 'ConstantSourceNode', 'ChannelMergerNode', 'ChannelSplitterNode', 'AudioBufferSourceNode', 'ConvolverNode'].filter((n) => n in mc);

test('AudioBuffer, OfflineAudioContext and every node constructor reject hostile options with spec errors', () => {
  fc.assert(
    fc.property(options, fc.constantFrom(...nodeClasses), (opts, name) => {
      survives(() => new mc.AudioBuffer(opts as never));
      survives(() => new mc.OfflineAudioContext(opts as never));
      survives(() => new (mc as unknown as Record<string, new (c: unknown, o: unknown) => unknown>)[name]!(ctx, opts));
    }),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(hostile, hostile, hostile, (a, b, c) => {
      survives(() => new mc.OfflineAudioContext(a as never, b as never, c as never));
      survives(() => ctx.createBuffer(a as never, b as never, c as never));
      survives(() => ctx.createDelay(a as never));
      survives(() => ctx.createChannelMerger(a as never));
    }),
    { numRuns: 300 },
  );
});

test('AudioParam methods take any value without an unexpected exception', () => {
  const methods = ['setValueAtTime', 'linearRampToValueAtTime', 'exponentialRampToValueAtTime', 'setTargetAtTime', 'setValueCurveAtTime', 'cancelScheduledValues', 'cancelAndHoldAtTime'] as const;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...methods), hostile, hostile, hostile), { maxLength: 20 }), (calls) => {
      const g = ctx.createGain();
      for (const [m, a, b, c] of calls) survives(() => (g.gain[m] as (...x: unknown[]) => unknown)(a, b, c));
      survives(() => {
        g.gain.value = calls[0]?.[1] as number;
      });
    }),
    { numRuns: 300 },
  );
});

test('VideoFrame construction, allocationSize and copyTo take hostile options without an unexpected exception', async () => {
  const data = new Uint8Array(16 * 16 * 4);
  const frame = new mc.VideoFrame(data, { format: 'RGBA', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const rect = fc.record({ x: hostile, y: hostile, width: hostile, height: hostile }, { requiredKeys: [] });
  const copyOptions = fc.record({ rect, layout: fc.oneof(hostile, fc.array(fc.record({ offset: hostile, stride: hostile }), { maxLength: 4 })), format: fc.oneof(hostile, fc.constantFrom('I420', 'RGBA', 'BGRX', 'NV12')) }, { requiredKeys: [] });
  await fc.assert(
    fc.asyncProperty(copyOptions, fc.record({ format: hostile, codedWidth: hostile, codedHeight: hostile, timestamp: hostile, visibleRect: rect }, { requiredKeys: [] }), async (opts, init) => {
      survives(() => frame.allocationSize(opts as never));
      try {
        await frame.copyTo(new Uint8Array(4096), opts as never);
      } catch (e) {
        assert.ok(allowed(e), `copyTo threw ${(e as Error).constructor.name}`);
      }
      survives(() => new mc.VideoFrame(data, init as never).close());
    }),
    { numRuns: 300 },
  );
  frame.close();
});

test('device configuration objects of any shape are accepted or refused with a TypeError', () => {
  const device = fc.dictionary(fc.constantFrom('id', 'label', 'group', 'modes', 'facingMode', 'signal', 'toneFrequency', 'amplitude', 'file', 'echoCancellation'), fc.oneof(hostile, fc.array(fc.dictionary(fc.constantFrom('width', 'height', 'frameRate', 'sampleRate', 'channelCount', 'sampleSize', 'latency'), hostile), { maxLength: 3 })), { maxKeys: 4 });
  fc.assert(
    fc.property(fc.record({ microphones: fc.oneof(hostile, fc.array(device, { maxLength: 3 })), cameras: fc.oneof(hostile, fc.array(device, { maxLength: 3 })) }, { requiredKeys: [] }), (devices) => {
      try {
        mc.createMediaDevices({ devices: devices as never, clock: new mc.VirtualClock() });
      } catch (e) {
        assert.ok(e instanceof TypeError, `threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('malformed WAV and Y4M bytes fail with format errors, never another exception', () => {
  const wav = encodeWav([new Float32Array(64).fill(0.5), new Float32Array(64)], 48000, 's16');
  const y4m = encodeY4m({ width: 4, height: 2, frameRate: { num: 30, den: 1 } }, [new Uint8Array(12), new Uint8Array(12)]);
  const mutation = (base: Uint8Array) =>
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { maxLength: 12 }).chain((edits) =>
      fc.nat(base.length).map((cut) => {
        const b = base.slice(0, Math.max(cut, 1));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        return b;
      }),
    );
  fc.assert(fc.property(mutation(wav), (bytes) => survives(() => parseWav(bytes))), { numRuns: 500 });
  fc.assert(fc.property(mutation(y4m), (bytes) => survives(() => new Y4mReader(bytes))), { numRuns: 500 });
});
