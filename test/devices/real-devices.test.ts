import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSoundServer, type SoundServer } from '../support/sound-server.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { PulseProvider, PulseSource } from '../../src/sources/pulse/provider.js';
import { getTrackOutput, getTrackSource } from '../../src/stream/internals.js';
import type { AudioData } from '../../src/media/audio-data.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';

const RATE = 48000;
const TONE = 1000;

let server: SoundServer | null = null;
let unavailable = '';

before(async () => {
  const s = await startSoundServer({ sampleRate: RATE, sinkName: 'mc_real_sink' });
  if ('unavailable' in s) unavailable = s.unavailable;
  else server = s;
});
after(async () => {
  await server?.stop();
});

function pactl(args: string[]): string {
  const r = spawnSync('pactl', args, { env: server!.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pactl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Plays a `freq` Hz sine at amplitude 0.5 into `sink` for `seconds`; returns the player. */
function playTone(sink: string, freq: number, seconds: number) {
  const frames = Math.round(RATE * seconds);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) samples[i] = 0.5 * Math.sin((2 * Math.PI * freq * i) / RATE);
  const player = spawn('pacat', ['--playback', '--raw', '--format=float32le', `--rate=${RATE}`, '--channels=1', '-d', sink], {
    env: server!.env,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  player.stdin!.on('error', () => undefined);
  player.stdin!.end(Buffer.from(samples.buffer));
  return player;
}

function devices(s: SoundServer) {
  return createMediaDevices({ providers: [new PulseProvider({ env: s.env })] });
}

describe('sound-server microphones', () => {
  test('enumerateDevices lists the server devices with their labels', async (t) => {
    if (!server) return t.skip(unavailable);
    const { mediaDevices, controller } = devices(server);
    // Labels and outputs are exposed once the document has microphone permission and captures.
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const list = await mediaDevices.enumerateDevices();
    for (const track of stream.getTracks()) track.stop();
    const mic = list.find((d) => d.kind === 'audioinput');
    const out = list.find((d) => d.kind === 'audiooutput' && d.deviceId !== 'default');
    assert.ok(mic && out, 'a microphone (the monitor) and a speaker (the null sink)');
    const state = JSON.parse(pactl(['-f', 'json', 'list', 'sources'])) as { name: string; description: string }[];
    assert.equal(mic.label, state.find((s) => s.name === server!.monitorName)!.description);
    assert.notEqual(mic.deviceId, server.monitorName, 'device ids are not raw server names');
    controller.unload();
  });

  test('a tone played into the sink is captured at its frequency and level', async (t) => {
    if (!server) return t.skip(unavailable);
    const { mediaDevices, controller } = devices(server);
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const [track] = stream.getAudioTracks() as MediaStreamTrack[];
    assert.ok(track);
    const source = getTrackSource(track) as PulseSource;
    assert.ok(source instanceof PulseSource);
    const pid = source.pid!;
    assert.ok(pid > 0 && alive(pid));
    // Collect 0.5 s of audio once the tone is clearly present.
    const collected: number[] = [];
    const timestamps: number[] = [];
    let sampleRate = 0;
    const unsubscribe = getTrackOutput(track).subscribe({
      frame(f: unknown) {
        const a = f as AudioData;
        sampleRate = a.sampleRate;
        timestamps.push(a.timestamp);
        const x = new Float32Array(a.numberOfFrames);
        a.copyTo(x, { planeIndex: 0, format: 'f32-planar' });
        a.close();
        let peak = 0;
        for (const v of x) peak = Math.max(peak, Math.abs(v));
        if (collected.length > 0 || peak > 0.25) collected.push(...x);
      },
      end() {},
    });
    const player = playTone(server.sinkName, TONE, 3);
    try {
      await until('half a second of tone', () => collected.length >= RATE / 2, 8000);
    } finally {
      unsubscribe();
      player.kill('SIGKILL');
    }
    assert.equal(sampleRate, RATE);
    // Chunks are 10 ms, stamped from the sample count.
    for (let i = 1; i < timestamps.length; i++) assert.equal(timestamps[i]! - timestamps[i - 1]!, 10_000);
    const x = collected.slice(0, RATE / 2);
    let crossings = 0;
    let sumSquares = 0;
    for (let i = 0; i < x.length; i++) {
      sumSquares += x[i]! * x[i]!;
      if (i > 0 && (x[i - 1]! < 0) !== (x[i]! < 0)) crossings++;
    }
    const frequency = crossings / 2 / (x.length / RATE);
    assert.ok(Math.abs(frequency - TONE) < TONE * 0.03, `measured ${frequency} Hz, played ${TONE} Hz`);
    const rms = Math.sqrt(sumSquares / x.length);
    assert.ok(rms > 0.2 && rms < 0.5, `rms ${rms} of a 0.5-amplitude sine (expected about ${0.5 / Math.SQRT2})`);
    track.stop();
    await until('parec to exit after stop()', () => !alive(pid));
    controller.unload();
  });

  test('loading a sink fires devicechange; unloading the captured module ends the track', async (t) => {
    if (!server) return t.skip(unavailable);
    const { mediaDevices, controller } = devices(server);
    // A capturing document sees every device, so a new microphone changes what it is shown.
    const first = await mediaDevices.getUserMedia({ audio: true });
    let changes = 0;
    mediaDevices.addEventListener('devicechange', () => changes++);
    const moduleIndex = pactl(['load-module', 'module-null-sink', 'sink_name=mc_hotplug', 'sink_properties=device.description=Hotplug']);
    try {
      await until('devicechange', () => changes > 0);
      const list = await mediaDevices.enumerateDevices();
      const mic = list.find((d) => d.kind === 'audioinput' && /Hotplug/.test(d.label));
      assert.ok(mic, `the new sink's monitor is listed: ${list.map((d) => d.label).join(', ')}`);
      const stream = await mediaDevices.getUserMedia({ audio: { deviceId: { exact: mic.deviceId } } });
      const [track] = stream.getAudioTracks() as MediaStreamTrack[];
      const pid = (getTrackSource(track!) as PulseSource).pid!;
      let ended = 0;
      track!.addEventListener('ended', () => ended++);
      pactl(['unload-module', moduleIndex]);
      await until('the track to end', () => ended === 1);
      assert.equal(track!.readyState, 'ended');
      await until('parec to be gone', () => !alive(pid));
    } finally {
      spawnSync('pactl', ['unload-module', moduleIndex], { env: server.env });
      for (const track of first.getTracks()) track.stop();
      controller.unload();
    }
  });

  test('a mono request records one channel from the stereo monitor', async (t) => {
    if (!server) return t.skip(unavailable);
    const { mediaDevices, controller } = devices(server);
    const stream = await mediaDevices.getUserMedia({ audio: { channelCount: { exact: 1 } } });
    const [track] = stream.getAudioTracks() as MediaStreamTrack[];
    assert.equal(track!.getSettings().channelCount, 1);
    const channels: number[] = [];
    const unsubscribe = getTrackOutput(track!).subscribe({
      frame(f: unknown) {
        channels.push((f as AudioData).numberOfChannels);
        (f as AudioData).close();
      },
      end() {},
    });
    await until('a few chunks', () => channels.length >= 3);
    unsubscribe();
    assert.deepEqual(new Set(channels), new Set([1]));
    const config = getTrackSource(track!).config;
    assert.equal(config?.kind === 'audio' ? config.mode.channelCount : 0, 1, 'the recorder itself runs in mono');
    track!.stop();
    controller.unload();
  });

  test('the recorder exiting unexpectedly ends the track', async (t) => {
    if (!server) return t.skip(unavailable);
    const { mediaDevices, controller } = devices(server);
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const [track] = stream.getAudioTracks() as MediaStreamTrack[];
    let ended = 0;
    track!.addEventListener('ended', () => ended++);
    process.kill((getTrackSource(track!) as PulseSource).pid!, 'SIGKILL');
    await until('the track to end', () => ended === 1);
    assert.equal(track!.readyState, 'ended');
    controller.unload();
  });

  test('{"real": true} puts the sound-server devices first, its default first of all', async (t) => {
    if (!server) return t.skip(unavailable);
    const saved = process.env['PULSE_SERVER'];
    process.env['PULSE_SERVER'] = server.env['PULSE_SERVER'];
    try {
      const { mediaDevices, controller } = createMediaDevices({ devices: { real: true, cameras: 0 } });
      const stream = await mediaDevices.getUserMedia({ audio: true });
      const [track] = stream.getAudioTracks() as MediaStreamTrack[];
      assert.ok(getTrackSource(track!) instanceof PulseSource, 'the default microphone is the sound server default source');
      const mics = (await mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput').map((d) => d.label);
      assert.equal(mics.at(-1), 'Synthetic Microphone');
      assert.equal(mics[0], track!.label);
      track!.stop();
      controller.unload();
    } finally {
      if (saved === undefined) delete process.env['PULSE_SERVER'];
      else process.env['PULSE_SERVER'] = saved;
    }
  });

  test('a script that captures and then stops its track exits by itself', async (t) => {
    if (!server) return t.skip(unavailable);
    const dir = mkdtempSync(join(tmpdir(), 'mc-exit-'));
    const script = join(dir, 'capture.mjs');
    const src = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);
    writeFileSync(
      script,
      `import { createMediaDevices } from ${src('../../src/devices/create-media-devices.js')};
import { PulseProvider } from ${src('../../src/sources/pulse/provider.js')};
const { mediaDevices } = createMediaDevices({ providers: [new PulseProvider()] });
const stream = await mediaDevices.getUserMedia({ audio: true });
await new Promise((r) => setTimeout(r, 200));
for (const track of stream.getTracks()) track.stop();
console.log('stopped');
`,
    );
    const child = spawn(process.execPath, [script], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 15000);
    try {
      const code = await exited;
      assert.equal(code, 0, `the script was killed or failed: ${output}`);
      assert.match(output, /stopped/);
    } finally {
      clearTimeout(watchdog);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a source opened and stopped before any track used it leaves no recorder behind', async (t) => {
    if (!server) return t.skip(unavailable);
    const provider = new PulseProvider({ env: server.env });
    const [mic] = (await provider.list()).filter((d) => d.kind === 'audioinput');
    const { VirtualClock } = await import('../../src/media/clock.js');
    const source = (await provider.open(mic!, { kind: 'audio', mode: mic!.audio!.modes[0]! }, new VirtualClock())) as PulseSource;
    const pid = source.pid!;
    assert.ok(alive(pid));
    source.stop();
    await until('parec to exit', () => !alive(pid));
  });

  test('a source that does not exist fails to open with a DeviceOpenError', async (t) => {
    if (!server) return t.skip(unavailable);
    const provider = new PulseProvider({ env: server.env });
    const [mic] = (await provider.list()).filter((d) => d.kind === 'audioinput');
    const ghost = { ...mic!, internalId: 'pulse:source:no_such_source' };
    const { VirtualClock } = await import('../../src/media/clock.js');
    await assert.rejects(provider.open(ghost, { kind: 'audio', mode: mic!.audio!.modes[0]! }, new VirtualClock()), (e: unknown) => {
      return e instanceof Error && e.name === 'DeviceOpenError' && /no_such_source/.test(e.message);
    });
  });
});

test('without a sound server the provider lists nothing', async () => {
  const provider = new PulseProvider({ env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent/mc-socket' } });
  assert.deepEqual(await provider.list(), []);
});
