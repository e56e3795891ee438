import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SyntheticProvider, createSyntheticProvider } from '../../../src/sources/synthetic/provider.js';
import { configFromEnvironment, DEFAULT_VIDEO_MODES } from '../../../src/sources/synthetic/config.js';
import { VirtualClock } from '../../../src/media/clock.js';
import { DeviceOpenError } from '../../../src/sources/types.js';

describe('synthetic device set', () => {
  test('defaults: one microphone (mono, stereo at 48 kHz) and one camera facing the user, 640x480@30 first', () => {
    const p = new SyntheticProvider();
    const [mic, cam, ...rest] = p.devices;
    assert.equal(rest.length, 0);
    assert.equal(mic!.kind, 'audioinput');
    assert.equal(mic!.label, 'Synthetic Microphone');
    assert.equal(mic!.isDefault, true);
    assert.deepEqual(mic!.audio!.modes.map((m) => [m.sampleRate, m.channelCount]), [
      [48000, 1],
      [48000, 2],
    ]);
    assert.deepEqual(mic!.audio!.echoCancellation, [true, false]);
    assert.equal(cam!.kind, 'videoinput');
    assert.equal(cam!.label, 'Synthetic Camera');
    assert.deepEqual(cam!.video!.facingMode, ['user']);
    assert.deepEqual(cam!.video!.modes[0], { width: 640, height: 480, frameRate: 30 });
    assert.equal(cam!.video!.modes.length, 6);
    assert.deepEqual(cam!.video!.backgroundBlur, [false]);
    assert.notEqual(mic!.groupKey, cam!.groupKey);
  });

  test('counts, labels, modes, facing, groups are configurable', () => {
    const p = new SyntheticProvider({
      microphones: [{ label: 'Headset', group: 'h' }, { modes: [{ sampleRate: 16000, channelCount: 1, sampleSize: 16, latency: 0.02 }] }],
      cameras: [{ label: 'Rear', facingMode: 'environment', group: 'h', modes: [{ width: 100, height: 50, frameRate: 5 }] }],
      speakers: 1,
    });
    const d = p.devices;
    assert.deepEqual(d.map((x) => [x.kind, x.label, x.isDefault]), [
      ['audioinput', 'Headset', true],
      ['audioinput', 'Synthetic Microphone 2', false],
      ['videoinput', 'Rear', true],
      ['audiooutput', 'Synthetic Speaker', true],
    ]);
    assert.equal(d[0]!.groupKey, d[2]!.groupKey);
    assert.equal(d[1]!.audio!.modes[0]!.sampleRate, 16000);
    assert.deepEqual(d[2]!.video!.facingMode, ['environment']);
    assert.equal(new Set(d.map((x) => x.internalId)).size, 4);
  });

  test('invalid configuration is a TypeError naming the member', () => {
    assert.throws(() => new SyntheticProvider({ cameras: [{ modes: [{ width: -1, height: 2, frameRate: 3 }] }] }), /cameras\[0\]\.modes\[0\]\.width/);
    assert.throws(() => new SyntheticProvider({ cameras: [{ facingMode: 'up' }] }), /facingMode/);
    assert.throws(() => new SyntheticProvider({ microphones: 1.5 }), /microphones/);
    assert.throws(() => new SyntheticProvider({ webcams: 1 } as never), /webcams/);
    assert.throws(() => new SyntheticProvider({ microphones: [{ signal: 'brown-noise' } as never] }), /microphones\[0\]\.signal/);
    assert.throws(() => new SyntheticProvider({ microphones: [{ toneFrequency: [100, -1] }] }), /microphones\[0\]\.toneFrequency\[1\]/);
    assert.throws(() => new SyntheticProvider({ microphones: [{ amplitude: 2 }] }), /microphones\[0\]\.amplitude/);
  });

  test("a microphone's signal options reach its source: two tones at the configured level", async () => {
    const p = new SyntheticProvider({ microphones: [{ toneFrequency: [200, 5000], amplitude: 0.3, modes: [{ sampleRate: 48000, channelCount: 1, sampleSize: 16, latency: 0.01 }] }], cameras: 0 });
    const clock = new VirtualClock();
    const src = await p.open(p.devices[0]!, { kind: 'audio', mode: { sampleRate: 48000, channelCount: 1, sampleSize: 16, latency: 0.01 } }, clock);
    const out = src.createOutput(null);
    const samples: number[] = [];
    out.subscribe({
      frame(f: unknown) {
        const a = f as { numberOfFrames: number; copyTo(d: Float32Array, o: object): void; close(): void };
        const x = new Float32Array(a.numberOfFrames);
        a.copyTo(x, { planeIndex: 0, format: 'f32-planar' });
        samples.push(...x);
        a.close();
      },
      end() {},
    });
    clock.advance(20);
    out.close();
    src.stop();
    assert.equal(samples.length, 960);
    for (let n = 0; n < samples.length; n += 37) {
      const expected = 0.15 * Math.sin((2 * Math.PI * 200 * n) / 48000) + 0.15 * Math.sin((2 * Math.PI * 5000 * n) / 48000);
      assert.ok(Math.abs(samples[n]! - expected) < 1e-6, `sample ${n}`);
    }
  });

  test('MEDIACAPTURE_DEVICES: JSON configuration; invalid JSON names the variable', () => {
    const cfg = configFromEnvironment({ MEDIACAPTURE_DEVICES: '{"cameras": 3, "microphones": 0}' });
    assert.deepEqual(cfg, { cameras: 3, microphones: 0 });
    assert.equal(configFromEnvironment({}), undefined);
    assert.throws(() => configFromEnvironment({ MEDIACAPTURE_DEVICES: '{cameras: 3' }), (e: unknown) => e instanceof TypeError && /MEDIACAPTURE_DEVICES/.test(e.message));
    assert.throws(() => configFromEnvironment({ MEDIACAPTURE_DEVICES: '[1]' }), /MEDIACAPTURE_DEVICES/);
    const saved = process.env.MEDIACAPTURE_DEVICES;
    process.env.MEDIACAPTURE_DEVICES = '{"cameras": 2, "microphones": 0}';
    try {
      assert.deepEqual(createSyntheticProvider().devices.map((d) => d.label), ['Synthetic Camera', 'Synthetic Camera 2']);
    } finally {
      if (saved === undefined) delete process.env.MEDIACAPTURE_DEVICES;
      else process.env.MEDIACAPTURE_DEVICES = saved;
    }
  });
});

describe('synthetic provider open / plug / unplug', () => {
  test('open gives a source at the config; stop releases it; injected failures throw DeviceOpenError', async () => {
    const p = new SyntheticProvider();
    const cam = p.devices[1]!;
    const clock = new VirtualClock();
    const src = await p.open(cam, { kind: 'video', mode: DEFAULT_VIDEO_MODES[2]! }, clock);
    assert.equal(src.kind, 'video');
    assert.deepEqual(src.config, { kind: 'video', mode: DEFAULT_VIDEO_MODES[2] });
    assert.equal(p.openSourceCount, 1);
    src.stop();
    src.stop();
    assert.equal(p.openSourceCount, 0);
    p.setOpenFailure('Synthetic Camera', 'lock');
    await assert.rejects(p.open(cam, { kind: 'video', mode: DEFAULT_VIDEO_MODES[0]! }, clock), (e: unknown) => e instanceof DeviceOpenError && e.reason === 'lock');
    p.setOpenFailure('Synthetic Camera', null);
    (await p.open(cam, { kind: 'video', mode: DEFAULT_VIDEO_MODES[0]! }, clock)).stop();
  });

  test('plug/unplug notify watchers; unplug ends open sources of that device', async () => {
    const p = new SyntheticProvider();
    let changes = 0;
    const unwatch = p.watch(() => changes++);
    const d = p.plug({ kind: 'audioinput', label: 'USB Mic' });
    assert.equal(changes, 1);
    assert.equal(d.isDefault, false);
    const src = await p.open(d, { kind: 'audio', mode: d.audio!.modes[0]! }, new VirtualClock());
    const reasons: string[] = [];
    src.observer = { ended: (r) => reasons.push(r) };
    p.unplug('USB Mic');
    assert.equal(changes, 2);
    assert.deepEqual(reasons, ['device unplugged']);
    assert.equal(p.openSourceCount, 0);
    await assert.rejects(p.open(d, { kind: 'audio', mode: d.audio!.modes[0]! }, new VirtualClock()), DeviceOpenError);
    assert.throws(() => p.unplug('USB Mic'), TypeError);
    unwatch();
    p.plug({ kind: 'videoinput' });
    assert.equal(changes, 2);
  });

  test('unplugging the default device makes the next one of its kind the default', () => {
    const p = new SyntheticProvider({ microphones: 2 });
    p.unplug('Synthetic Microphone');
    assert.deepEqual(p.devices.filter((d) => d.kind === 'audioinput').map((d) => [d.label, d.isDefault]), [['Synthetic Microphone 2', true]]);
  });
});
