/**
 * AudioContext sinkId and setSinkId() with the audio output devices enumerateDevices() reports
 * (webaudio#validating-sink-identifier): synthetic speakers in this process, and a sound-server
 * sink in a child that plays to a private PulseAudio server.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installPolyfill } from '../../src/install-polyfill.js';
import { AudioContext } from '../../src/webaudio/index.js';
import { audioOutputFor } from '../../src/devices/audio-output.js';
import { startSoundServer } from '../support/sound-server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('sinkId with synthetic speakers', () => {
  const handle = installPolyfill({ replace: true, devices: { microphones: 1, cameras: 0, speakers: [{ id: 'a', label: 'Speaker A' }, { id: 'b', label: 'Speaker B' }] } });
  after(() => handle.controller.unload());

  test('exposed output ids are accepted by setSinkId and the constructor; others are NotAllowedError', async () => {
    // Outputs are exposed to a document that may see microphone information.
    const mic = await handle.mediaDevices.getUserMedia({ audio: true });
    const outputs = (await handle.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
    assert.deepEqual(outputs.map((d) => d.label), ['Default - Speaker A', 'Speaker A', 'Speaker B']);
    const b = outputs.find((d) => d.label === 'Speaker B')!.deviceId;
    assert.equal(audioOutputFor(b)?.label, 'Speaker B');
    assert.equal(audioOutputFor('default')?.label, 'Speaker A');
    assert.equal(audioOutputFor('no-such-device'), null);

    const ctx = new AudioContext();
    try {
      await ctx.resume();
      const changes: string[] = [];
      ctx.addEventListener('sinkchange', () => changes.push(String(ctx.sinkId)));
      await ctx.setSinkId(b);
      assert.equal(ctx.sinkId, b);
      assert.deepEqual(changes, [b]);
      // Rendering goes on to the new output.
      const t = ctx.currentTime;
      await sleep(200);
      assert.equal(ctx.state, 'running');
      assert.ok(ctx.currentTime > t + 0.1);
      // The same id again resolves without a change.
      await ctx.setSinkId(b);
      assert.deepEqual(changes, [b]);
      await assert.rejects(ctx.setSinkId('no-such-device'), (e: unknown) => e instanceof DOMException && e.name === 'NotAllowedError');
      await ctx.setSinkId('');
      assert.equal(ctx.sinkId, '');
    } finally {
      await ctx.close();
    }

    const direct = new AudioContext({ sinkId: 'default' });
    try {
      await direct.resume();
      assert.equal(direct.sinkId, 'default');
    } finally {
      await direct.close();
    }
    // An unknown id at construction: an error event and the default output.
    const bad = new AudioContext({ sinkId: 'no-such-device' });
    const err = await new Promise<Event>((resolve) => bad.addEventListener('error', resolve));
    assert.equal(err.type, 'error');
    assert.equal(bad.sinkId, '');
    await bad.close();
    for (const t of mic.getTracks()) t.stop();
  });
});

describe('sinkId with a sound-server sink', () => {
  test('setSinkId to a sink enumerateDevices reports plays the context there', async (t) => {
    const server = await startSoundServer({ sinkName: 'mc_out_a' });
    if ('unavailable' in server) {
      t.skip(server.unavailable);
      return;
    }
    try {
      const load = spawnSync('pactl', ['load-module', 'module-null-sink', 'sink_name=mc_out_b', 'sink_properties=device.description=Second_Output'], { env: server.env, encoding: 'utf8' });
      assert.equal(load.status, 0, load.stderr);
      const entry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
      const script = `
        import { installPolyfill, AudioContext } from ${JSON.stringify(entry)};
        const { mediaDevices } = installPolyfill({ devices: { real: true, cameras: 0 } });
        const mic = await mediaDevices.getUserMedia({ audio: true });
        const out = (await mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
        const target = out.find((d) => d.label === 'Second_Output');
        const ctx = new AudioContext({ mediacaptureSink: { type: 'system' } });
        const osc = ctx.createOscillator(); osc.connect(ctx.destination); osc.start();
        await ctx.resume();
        await ctx.setSinkId(target.deviceId);
        console.log('SWITCHED ' + JSON.stringify({ labels: out.map((d) => d.label), sinkId: ctx.sinkId === target.deviceId }));
        await new Promise((r) => process.stdin.once('data', r));
        process.stdin.destroy();
        await ctx.close();
        for (const t of mic.getTracks()) t.stop();
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: server.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let errText = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
      t.after(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      const deadline = Date.now() + 20_000;
      while (!out.includes('SWITCHED') && Date.now() < deadline && child.exitCode === null) await sleep(50);
      assert.match(out, /SWITCHED/, errText);
      const result = JSON.parse(/SWITCHED (.*)/.exec(out)![1]!);
      assert.equal(result.sinkId, true, JSON.stringify(result));
      // The context's playback stream is on mc_out_b.
      const sinks = spawnSync('pactl', ['list', 'short', 'sinks'], { env: server.env, encoding: 'utf8' }).stdout;
      const indexB = /^(\d+)\s+mc_out_b\b/m.exec(sinks)?.[1];
      assert.ok(indexB !== undefined, sinks);
      let inputs = '';
      for (let i = 0; i < 50; i++) {
        inputs = spawnSync('pactl', ['list', 'short', 'sink-inputs'], { env: server.env, encoding: 'utf8' }).stdout;
        if (inputs.trim() !== '') break;
        await sleep(100);
      }
      const onSinks = inputs.trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/)[1]);
      assert.deepEqual(onSinks, [indexB], `sink-inputs: ${inputs}`);
      child.stdin.write('\n');
      await new Promise((r) => child.once('exit', r));
      assert.equal(child.exitCode, 0, errText);
    } finally {
      await server.stop();
    }
  });
});
