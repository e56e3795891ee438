import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFailureReason, parecArguments, PulseProvider } from '../../../src/sources/pulse/provider.js';
import { VirtualClock } from '../../../src/media/clock.js';
import { DeviceOpenError, type DeviceDescriptor } from '../../../src/sources/types.js';

test('parec is asked for raw interleaved float32 at the mode rate and channel count, from the named source', () => {
  const args = parecArguments('alsa_input.usb-mic', { sampleRate: 44100, channelCount: 1 });
  assert.ok(args.includes('--raw'));
  assert.ok(args.includes('--format=float32le'));
  assert.ok(args.includes('--rate=44100'));
  assert.ok(args.includes('--channels=1'));
  assert.ok(args.includes('--latency-msec=10'));
  assert.equal(args[args.indexOf('-d') + 1], 'alsa_input.usb-mic');
});

test('open failures map to lock only when the device is busy', () => {
  assert.equal(openFailureReason('Stream error: Device or resource busy'), 'lock');
  assert.equal(openFailureReason('Stream error: No such entity'), 'other');
  assert.equal(openFailureReason(''), 'other');
});

test('outputs and devices of other providers are refused with DeviceOpenError', async () => {
  const p = new PulseProvider({ env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent/mc-socket' } });
  const speaker: DeviceDescriptor = { kind: 'audiooutput', internalId: 'pulse:sink:x', label: 'Speakers', groupKey: 'g', isDefault: true };
  await assert.rejects(p.open(speaker, { kind: 'audio', mode: { sampleRate: 48000, channelCount: 2, sampleSize: 32, latency: 0.01 } }, new VirtualClock()), (e: unknown) => e instanceof DeviceOpenError && /not a microphone/.test(e.message));
  const foreign: DeviceDescriptor = { kind: 'audioinput', internalId: 'synthetic:mic0', label: 'Mic', groupKey: 'g', isDefault: true };
  await assert.rejects(p.open(foreign, { kind: 'audio', mode: { sampleRate: 48000, channelCount: 2, sampleSize: 32, latency: 0.01 } }, new VirtualClock()), (e: unknown) => e instanceof DeviceOpenError && e.reason === 'other');
});

test('with no server answering, opening fails with DeviceOpenError instead of hanging', async (t) => {
  const p = new PulseProvider({ env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent/mc-socket' } });
  const mic: DeviceDescriptor = { kind: 'audioinput', internalId: 'pulse:source:mic', label: 'Mic', groupKey: 'g', isDefault: true };
  try {
    await p.open(mic, { kind: 'audio', mode: { sampleRate: 48000, channelCount: 1, sampleSize: 32, latency: 0.01 } }, new VirtualClock());
    assert.fail('open() should have failed');
  } catch (e) {
    if (e instanceof DeviceOpenError && /cannot run parec/.test(e.message)) return t.skip('parec is not installed');
    assert.ok(e instanceof DeviceOpenError, String(e));
    assert.equal(e.reason, 'other');
  }
});
