/**
 * Inputs that ask for absurd amounts of memory are refused before allocating (as browsers fail
 * the allocation), or served within a bounded budget with the excess dropped and counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AudioBuffer, OfflineAudioContext, createMediaDevices, VirtualClock, MediaStreamTrackProcessor } from '../../src/index.js';
import { processorQueueLength } from '../../src/transform/media-stream-track-processor.js';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

function isNotSupported(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'NotSupportedError';
}

test('an AudioBuffer or OfflineAudioContext of tens of GiB is refused with NotSupportedError before allocating', () => {
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => new AudioBuffer({ length: 2 ** 32 - 1, sampleRate: 48000 }), isNotSupported);
  assert.throws(() => new OfflineAudioContext(32, 2 ** 31, 48000), isNotSupported);
  assert.throws(() => new OfflineAudioContext({ numberOfChannels: 2, length: 2 ** 30, sampleRate: 48000 }), isNotSupported);
  const ctx = new OfflineAudioContext(1, 128, 48000);
  assert.throws(() => ctx.createBuffer(32, 2 ** 28, 48000), isNotSupported);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20);
  // A large but reasonable buffer is still accepted: 10 minutes of stereo.
  assert.equal(new AudioBuffer({ length: 48000 * 600, numberOfChannels: 2, sampleRate: 48000 }).duration, 600);
});

test('constraints with thousands of advanced sets resolve in bounded memory', () => {
  // In a child with a 192 MiB heap: the quadratic candidate lists this used to build need GiBs.
  const code = `
import { createMediaDevices } from ${JSON.stringify(index)};
const { mediaDevices } = createMediaDevices();
const shapes = [
  (i) => ({ aspectRatio: 1 + i / 1000, width: { ideal: 100 + i }, height: 60 + i }),
  (i) => ({ width: 100 + i, height: { min: i }, frameRate: 30 }),
  (i) => (i % 2 ? { width: 100 + i } : { height: 50 + i }),
];
for (const f of shapes) {
  const advanced = Array.from({ length: 5000 }, (_, i) => f(i));
  const s = await mediaDevices.getUserMedia({ video: { width: { ideal: 999 }, advanced } });
  const st = s.getVideoTracks()[0].getSettings();
  if (!(st.width >= 1 && st.height >= 1)) throw new Error('no settings');
  s.getTracks().forEach((t) => t.stop());
}
const bad = await mediaDevices.getUserMedia({ video: { width: { exact: 5 }, height: { min: 4000 }, advanced: Array.from({ length: 5000 }, (_, i) => ({ aspectRatio: i / 7 })) } }).catch((e) => e);
console.log('DONE ' + bad.name + ' ' + bad.constraint);
`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=192', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, 'the child was killed (hung)');
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /DONE OverconstrainedError (width|height)/);
});

test('an unread MediaStreamTrackProcessor with maxBufferSize 65535 on 1080p60 stays within its byte budget', async () => {
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({ clock });
  const stream = await mediaDevices.getUserMedia({ video: { width: 1920, height: 1080, frameRate: 60 } });
  const [track] = stream.getVideoTracks();
  assert.equal(track!.getSettings().height, 1080);
  const processor = new MediaStreamTrackProcessor({ track, maxBufferSize: 65535 });
  const before = process.memoryUsage().arrayBuffers;
  for (let s = 0; s < 10; s++) clock.advance(1000); // 600 frames of 3 MiB each, nobody reading
  const held = processorQueueLength(processor);
  const frameBytes = 1920 * 1080 * 1.5;
  assert.ok(held * frameBytes <= 256 * 2 ** 20, `${held} frames queued`);
  assert.ok(held >= 60, `the queue still holds a useful backlog (${held} frames)`);
  assert.equal(processor.totalFrames, 600);
  assert.equal(processor.discardedFrames, 600 - held);
  assert.ok(process.memoryUsage().arrayBuffers - before < 400 * 2 ** 20);
  // What is queued is the newest frames, readable in order.
  const reader = processor.readable.getReader();
  const { value } = await reader.read();
  assert.equal((value as { timestamp: number }).timestamp, Math.round(((600 - held) * 1e6) / 60));
  (value as { close(): void }).close();
  track!.stop();
  assert.equal(processorQueueLength(processor), 0);
});
