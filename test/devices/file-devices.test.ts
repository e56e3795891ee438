import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/media/clock.js';
import { encodeWav } from '../../src/media/codecs/wav.js';
import { encodeY4m } from '../../src/media/codecs/y4m.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import type { AudioData } from '../../src/media/audio-data.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-filedev-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 100 ms of 16 kHz mono: sample i is the 24-bit code (i * 4099 mod 2^24) - 2^23, over 2^23.
const RATE = 16000;
const LENGTH = 1600;
const samples = new Float32Array(LENGTH);
for (let i = 0; i < LENGTH; i++) samples[i] = (((i * 4099) % 16777216) - 8388608) / 8388608;
const wavPath = join(dir, 'speech.wav');
writeFileSync(wavPath, encodeWav([samples], RATE, 's24'));

// Four 8x8 frames at 10 fps; every luma byte of frame f is 16 + 40 f, chroma 100 + f.
const frames: Uint8Array[] = [];
for (let f = 0; f < 4; f++) {
  const data = new Uint8Array(64 + 32);
  data.fill(16 + 40 * f, 0, 64);
  data.fill(100 + f, 64);
  frames.push(data);
}
const y4mPath = join(dir, 'clip.y4m');
writeFileSync(y4mPath, encodeY4m({ width: 8, height: 8, frameRate: { num: 10, den: 1 }, colorspace: '420jpeg' }, frames));

function collectAudio(track: MediaStreamTrack) {
  const got: number[] = [];
  const timestamps: number[] = [];
  const unsubscribe = getTrackOutput(track).subscribe({
    frame(f: unknown) {
      const a = f as AudioData;
      timestamps.push(a.timestamp);
      const x = new Float32Array(a.numberOfFrames);
      a.copyTo(x, { planeIndex: 0, format: 'f32-planar' });
      got.push(...x);
      a.close();
    },
    end() {},
  });
  return { got, timestamps, unsubscribe };
}

describe('file-backed devices through getUserMedia', () => {
  test('a WAV microphone returns the file exact samples, looping, under a VirtualClock', async () => {
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: [{ file: wavPath }], cameras: 0 } });
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const [track] = stream.getAudioTracks() as MediaStreamTrack[];
    assert.equal(track!.label, 'speech.wav');
    const settings = track!.getSettings();
    assert.equal(settings.sampleRate, RATE);
    assert.equal(settings.channelCount, 1);
    assert.equal(settings.sampleSize, 24);
    const start = clock.now();
    const { got, timestamps, unsubscribe } = collectAudio(track!);
    clock.advance(250);
    assert.equal(got.length, 4000);
    for (let n = 0; n < got.length; n++) assert.equal(got[n], samples[n % LENGTH], `sample ${n}`);
    timestamps.forEach((ts, k) => assert.equal(ts, Math.round(start * 1000) + k * 10_000));
    unsubscribe();
    track!.stop();
    controller.unload();
  });

  test('a Y4M camera returns its frames pixels in order, looping, with exact timestamps', async () => {
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 0, cameras: [{ file: y4mPath, label: 'Clip' }] } });
    const stream = await mediaDevices.getUserMedia({ video: true });
    const [track] = stream.getVideoTracks() as MediaStreamTrack[];
    assert.equal(track!.label, 'Clip');
    const s = track!.getSettings();
    assert.deepEqual([s.width, s.height, s.frameRate], [8, 8, 10]);
    const got: VideoFrame[] = [];
    const unsubscribe = getTrackOutput(track!).subscribe({ frame: (f: unknown) => got.push(f as VideoFrame), end() {} });
    const start = clock.now();
    clock.advance(600); // six frame periods of 100 ms
    assert.equal(got.length, 6);
    for (let n = 0; n < 6; n++) {
      const f = got[n]!;
      assert.equal(f.timestamp, Math.round(start * 1000) + n * 100_000);
      const buf = new Uint8Array(f.allocationSize());
      await f.copyTo(buf);
      assert.deepEqual(buf, frames[n % 4], `frame ${n}`);
      f.close();
    }
    unsubscribe();
    track!.stop();
    controller.unload();
  });

  test('MEDIACAPTURE_DEVICES chooses file devices without code', async () => {
    const saved = process.env['MEDIACAPTURE_DEVICES'];
    process.env['MEDIACAPTURE_DEVICES'] = JSON.stringify({ microphones: [{ file: wavPath }], cameras: [{ file: y4mPath }] });
    try {
      const { mediaDevices, controller } = createMediaDevices({ clock: new VirtualClock() });
      const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
      const list = await mediaDevices.enumerateDevices();
      assert.deepEqual(
        list.map((d) => `${d.kind}:${d.label}`),
        ['audioinput:speech.wav', 'videoinput:clip.y4m'],
      );
      for (const t of stream.getTracks()) t.stop();
      controller.unload();
    } finally {
      if (saved === undefined) delete process.env['MEDIACAPTURE_DEVICES'];
      else process.env['MEDIACAPTURE_DEVICES'] = saved;
    }
  });

  test('file and synthetic devices together: the file device is listed first and is the default', async () => {
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: [{ label: 'Tone' }, { file: wavPath }], cameras: 0 } });
    const stream = await mediaDevices.getUserMedia({ audio: true });
    assert.equal(stream.getAudioTracks()[0]!.label, 'speech.wav', 'the default microphone is the file');
    const list = await mediaDevices.enumerateDevices();
    assert.deepEqual(list.map((d) => d.label), ['speech.wav', 'Tone']);
    for (const t of stream.getTracks()) t.stop();
    // The synthetic one can still be chosen by id.
    const tone = await mediaDevices.getUserMedia({ audio: { deviceId: { exact: list[1]!.deviceId } } });
    assert.equal(tone.getAudioTracks()[0]!.label, 'Tone');
    for (const t of tone.getTracks()) t.stop();
    controller.unload();
  });

  test('a missing file is a TypeError at configuration time naming the entry', () => {
    assert.throws(
      () => createMediaDevices({ devices: { cameras: [{ file: join(dir, 'missing.y4m') }] } }),
      (e: unknown) => e instanceof TypeError && /devices\.cameras\[0\]/.test(e.message) && /missing\.y4m/.test(e.message),
    );
    const saved = process.env['MEDIACAPTURE_DEVICES'];
    process.env['MEDIACAPTURE_DEVICES'] = JSON.stringify({ microphones: [{ file: 'missing.wav' }] });
    try {
      assert.throws(() => createMediaDevices(), (e: unknown) => e instanceof TypeError && /MEDIACAPTURE_DEVICES\.microphones\[0\]/.test(e.message) && /does not exist/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env['MEDIACAPTURE_DEVICES'];
      else process.env['MEDIACAPTURE_DEVICES'] = saved;
    }
  });

  test('"real" must be a boolean', () => {
    assert.throws(() => createMediaDevices({ devices: { real: 'yes' as unknown as boolean } }), /devices\.real: expected a boolean/);
  });
});
