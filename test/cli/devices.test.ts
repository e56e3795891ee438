/** `mediacapture devices`: the device list, human and JSON, and ids that the other commands take. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, runJson, cleanEnv } from './run-cli.js';

interface Entry {
  kind: string;
  label: string;
  deviceId: string;
  groupId: string;
  capabilities: Record<string, unknown> | null;
}

describe('mediacapture devices', () => {
  test('--json lists microphones, cameras and speakers with their capabilities', async () => {
    // The default device set has no speakers; one is added so that audiooutput is listed too.
    const list = await runJson<Entry[]>(['devices', '--json'], cleanEnv({ MEDIACAPTURE_DEVICES: '{"speakers": 1}' }));
    const kinds = new Set(list.map((d) => d.kind));
    assert.deepEqual([...kinds].sort(), ['audioinput', 'audiooutput', 'videoinput']);
    for (const d of list) {
      assert.notEqual(d.label, '', `${d.kind} has a label`);
      assert.notEqual(d.deviceId, '', `${d.kind} has an id`);
    }
    const mic = list.find((d) => d.kind === 'audioinput')!;
    const cam = list.find((d) => d.kind === 'videoinput')!;
    const speaker = list.find((d) => d.kind === 'audiooutput')!;
    assert.equal(mic.label, 'Synthetic Microphone');
    assert.deepEqual(mic.capabilities!['sampleRate'], { min: 48000, max: 48000 });
    assert.deepEqual(mic.capabilities!['echoCancellation'], [true, false]);
    assert.equal(mic.capabilities!['deviceId'], mic.deviceId);
    assert.equal(cam.label, 'Synthetic Camera');
    const width = cam.capabilities!['width'] as { min: number; max: number };
    assert.ok(width.min >= 1 && width.max >= 640, `camera width range ${JSON.stringify(width)}`);
    assert.ok(Array.isArray(cam.capabilities!['facingMode']));
    assert.equal(speaker.capabilities, null, 'outputs have no getCapabilities()');
  });

  test('the device set follows --devices, and the table shows each label and id', async () => {
    const config = JSON.stringify({ microphones: [{ label: 'Desk Mic' }], cameras: [{ label: 'Front' }, { label: 'Back', facingMode: 'environment' }] });
    const list = await runJson<Entry[]>(['devices', '--json', '--devices', config]);
    assert.deepEqual(list.map((d) => d.label), ['Desk Mic', 'Front', 'Back']);
    assert.deepEqual(list.find((d) => d.label === 'Back')!.capabilities!['facingMode'], ['environment']);
    const table = await runCli(['devices', '--devices', config]);
    assert.equal(table.code, 0, table.stderr);
    for (const d of list) assert.match(table.stdout, new RegExp(`${d.kind}\\s+${d.label}\\s+${d.deviceId}`));
    assert.match(table.stdout, /facingMode environment/);
  });

  test('the ids it prints select those devices in the other commands', async () => {
    const config = JSON.stringify({ cameras: [{ label: 'Front' }, { label: 'Back' }] });
    const list = await runJson<Entry[]>(['devices', '--json', '--devices', config]);
    const back = list.find((d) => d.label === 'Back')!;
    const byId = await runJson<{ tracks: Array<{ label: string; settings: { deviceId: string } }> }>(['probe', '--video', back.deviceId, '--json', '--devices', config]);
    assert.equal(byId.tracks[0]!.label, 'Back');
    assert.equal(byId.tracks[0]!.settings.deviceId, back.deviceId);
    const byLabel = await runJson<{ tracks: Array<{ label: string }> }>(['probe', '--video', 'back', '--json', '--devices', config]);
    assert.equal(byLabel.tracks[0]!.label, 'Back', 'a unique part of a label, any case, names the device');
  });

  test('a bad --devices is a usage error', async () => {
    const r = await runCli(['devices', '--devices', '{not json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--devices is not valid JSON/);
  });
});
