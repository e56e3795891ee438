/**
 * Soak: hours of camera and microphone on the virtual clock, read as they come. Frame and chunk
 * counts are exact, timestamps follow the clock with audio and video within one frame of each
 * other, and memory stays flat. One virtual hour by default; MEDIACAPTURE_LONG=1 runs 24.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaStreamTrackProcessor, VirtualClock, createMediaDevices } from '../../src/index.js';
import { installWatchdog } from './watchdog.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

installWatchdog();
const HOURS = process.env['MEDIACAPTURE_LONG'] === '1' ? 24 : 1;

test(`${HOURS} virtual hour(s) of camera + microphone: exact counts, aligned timestamps, flat memory`, async () => {
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({
    clock,
    devices: { cameras: [{ label: 'Soak', modes: [{ width: 32, height: 24, frameRate: 30 }] }] },
  });
  const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
  const video = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0]!, maxBufferSize: 100 }).readable.getReader();
  const audio = new MediaStreamTrackProcessor({ track: stream.getAudioTracks()[0]!, maxBufferSize: 300 }).readable.getReader();
  let frames = 0;
  let samples = 0;
  let lastVideoUs = -1;
  let lastAudioEndUs = 0;
  let sampleRate = 0;
  let memoryAfterFirstMinute = 0;
  const seconds = HOURS * 3600;
  for (let s = 1; s <= seconds; s++) {
    clock.advance(1000);
    for (let k = 0; k < 30; k++) {
      const { value } = await video.read();
      const f = value as { timestamp: number; close(): void };
      assert.ok(f.timestamp > lastVideoUs);
      lastVideoUs = f.timestamp;
      f.close();
      frames++;
    }
    for (let k = 0; k < 100; k++) {
      const { value } = await audio.read();
      const a = value as { timestamp: number; numberOfFrames: number; sampleRate: number; close(): void };
      sampleRate = a.sampleRate;
      // Chunks are contiguous: each starts where the previous ended (to the microsecond).
      if (samples > 0) assert.ok(Math.abs(a.timestamp - lastAudioEndUs) <= 1, `audio gap at ${a.timestamp} µs`);
      samples += a.numberOfFrames;
      lastAudioEndUs = a.timestamp + Math.round((a.numberOfFrames * 1e6) / a.sampleRate);
      a.close();
    }
    // Reads that are already satisfied resolve as microtasks: give timers their turn each minute.
    if (s % 60 === 0) await new Promise((r) => setImmediate(r));
    if (s === 60) {
      memoryAfterFirstMinute = used();
    }
  }
  assert.equal(frames, seconds * 30);
  assert.equal(samples, seconds * sampleRate);
  // The newest video frame and the end of the newest audio chunk are within one frame period.
  const lastFrameEndUs = lastVideoUs + 1e6 / 30;
  assert.ok(Math.abs(lastFrameEndUs - lastAudioEndUs) <= 1e6 / 30, `A/V skew ${lastFrameEndUs - lastAudioEndUs} µs`);
  assert.ok(Math.abs(lastAudioEndUs - seconds * 1e6) <= 1, 'audio time follows the clock');
  const growth = used() - memoryAfterFirstMinute;
  assert.ok(growth < 4 * 2 ** 20, `heap + array buffers grew ${Math.round(growth / 1024)} KiB over the soak`);
  stream.getTracks().forEach((t) => t.stop());
});
