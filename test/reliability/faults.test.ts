/**
 * Faults while media flows: the device or the render thread goes away, files change under a
 * file device, callbacks throw. Everything that was waiting settles, the process keeps answering
 * (the watchdog), and what is left can be stopped. (Sound-server faults — the captured source
 * unloaded, the recorder child killed — are in test/devices/real-devices.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioContext, MediaStreamTrackProcessor, VirtualClock, createMediaDevices } from '../../src/index.js';
import { renderWorkerOf } from '../../src/webaudio/audio-context.js';
import { encodeWav } from '../../src/media/codecs/wav.js';
import { encodeY4m } from '../../src/media/codecs/y4m.js';
import { installWatchdog } from './watchdog.js';

installWatchdog();

const dir = mkdtempSync(join(tmpdir(), 'mc-faults-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a camera unplugged mid-capture ends its tracks, and a pending read settles as done', async () => {
  const clock = new VirtualClock();
  const { mediaDevices, controller } = createMediaDevices({ clock, devices: { cameras: [{ label: 'USB' }] } });
  const stream = await mediaDevices.getUserMedia({ video: true });
  const [track] = stream.getVideoTracks();
  const clone = track!.clone();
  const reader = new MediaStreamTrackProcessor({ track: clone }).readable.getReader();
  const first = reader.read();
  clock.advance(40);
  (await first).value!.close();
  const events: string[] = [];
  track!.addEventListener('ended', () => events.push('original'));
  clone.addEventListener('ended', () => events.push('clone'));
  const pending = reader.read();
  controller.unplug('USB');
  clock.advance(1000);
  const r = await pending;
  assert.equal(r.done, true);
  await new Promise((res) => setImmediate(res));
  assert.deepEqual(events.sort(), ['clone', 'original']);
  assert.equal(track!.readyState, 'ended');
});

test('a file device keeps playing when its file is deleted, truncated or replaced mid-capture', async () => {
  const wav = join(dir, 'voice.wav');
  const y4m = join(dir, 'clip.y4m');
  writeFileSync(wav, encodeWav([Float32Array.from({ length: 4800 }, (_, i) => Math.sin(i / 10))], 48000, 's16'));
  writeFileSync(y4m, encodeY4m({ width: 4, height: 4, frameRate: { num: 25, den: 1 } }, [new Uint8Array(24).fill(7), new Uint8Array(24).fill(9)]));
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({ clock, devices: { microphones: [{ file: wav }], cameras: [{ file: y4m }] } });
  const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
  const audio = new MediaStreamTrackProcessor({ track: stream.getAudioTracks()[0]!, maxBufferSize: 1000 });
  const video = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0]!, maxBufferSize: 1000 });
  clock.advance(500);
  truncateSync(wav, 10);
  writeFileSync(y4m, 'not a y4m any more');
  clock.advance(500);
  unlinkSync(wav);
  unlinkSync(y4m);
  clock.advance(1000);
  // Two seconds of media: 200 audio chunks of 10 ms and 50 frames at 25 fps, all with data.
  assert.equal(audio.totalFrames, 200);
  assert.equal(video.totalFrames, 50);
  assert.equal(stream.getTracks().every((t) => t.readyState === 'live'), true);
  stream.getTracks().forEach((t) => t.stop());
  // A new capture of the deleted file fails cleanly.
  await assert.rejects(mediaDevices.getUserMedia({ audio: true }), (e: Error) => e.name === 'NotReadableError' || e.name === 'AbortError' || e.name === 'NotFoundError');
});

test('a killed render thread closes the AudioContexts on it: error event, closed state, nothing pending', async () => {
  const ctx = new AudioContext({ sinkId: { type: 'none' } });
  const osc = ctx.createOscillator();
  osc.connect(ctx.destination);
  osc.start();
  await ctx.resume();
  const errors: string[] = [];
  ctx.addEventListener('error', () => errors.push('error'));
  const states: string[] = [];
  ctx.addEventListener('statechange', () => states.push(ctx.state));
  await renderWorkerOf(ctx)!.terminate();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(ctx.state, 'closed');
  assert.deepEqual(errors, ['error']);
  assert.deepEqual(states, ['closed']);
  // Calls after the failure settle at once instead of waiting for a thread that is gone.
  await assert.rejects(ctx.suspend(), (e: DOMException) => e.name === 'InvalidStateError');
  assert.equal(renderWorkerOf(ctx), null);
  // A context created afterwards gets a new render thread and runs.
  const other = new AudioContext({ sinkId: { type: 'none' } });
  await other.resume();
  assert.equal(other.state, 'running');
  const t = other.currentTime;
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(other.currentTime > t);
  await other.close();
});
