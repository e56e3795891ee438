import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startSoundServer } from '../../support/sound-server.js';
import { describePulseDevices, parseSampleSpec, pulseNameOf, readPulseState, watchPulse, pulseAvailable } from '../../../src/sources/pulse/pactl.js';

test('parseSampleSpec reads format, channels and rate', () => {
  assert.deepEqual(parseSampleSpec('s16le 2ch 48000Hz'), { format: 's16le', channels: 2, rate: 48000 });
  assert.deepEqual(parseSampleSpec('float32le 1ch 44100Hz'), { format: 'float32le', channels: 1, rate: 44100 });
  assert.throws(() => parseSampleSpec('garbage'), /unrecognised/);
});

test('pulseAvailable is false when no server answers', async () => {
  assert.equal(await pulseAvailable({ ...process.env, PULSE_SERVER: 'unix:/nonexistent/socket' }), false);
});

test('the sound server devices become descriptors, and hot-plug is seen', async (t) => {
  const server = await startSoundServer({ sampleRate: 48000 });
  if ('unavailable' in server) {
    t.skip(server.unavailable);
    return;
  }
  try {
    const state = await readPulseState(server.env);
    assert.equal(state.defaultSink, server.sinkName);
    const devices = describePulseDevices(state);
    const mic = devices.find((d) => d.kind === 'audioinput');
    const speaker = devices.find((d) => d.kind === 'audiooutput');
    assert.ok(mic && speaker);
    assert.equal(pulseNameOf(mic), server.monitorName);
    assert.equal(mic.isDefault, true);
    assert.equal(mic.audio?.modes[0]?.sampleRate, 48000);
    assert.equal(mic.audio?.modes[0]?.channelCount, 2);
    assert.ok(mic.audio?.modes.some((m) => m.channelCount === 1), 'offers a mono mode');
    // The monitor belongs with the sink it monitors.
    assert.equal(mic.groupKey, speaker.groupKey);

    let changes = 0;
    const changed = new Promise<void>((resolve) => {
      const stop = watchPulse(() => {
        changes++;
        stop();
        resolve();
      }, server.env);
    });
    await new Promise((r) => setTimeout(r, 300));
    const load = spawnSync('pactl', ['load-module', 'module-null-sink', 'sink_name=hotplugged'], { env: server.env, encoding: 'utf8' });
    assert.equal(load.status, 0, load.stderr);
    await changed;
    assert.ok(changes >= 1);
    const after = describePulseDevices(await readPulseState(server.env));
    assert.ok(after.some((d) => d.internalId === 'pulse:source:hotplugged.monitor'));
  } finally {
    await server.stop();
  }
});
