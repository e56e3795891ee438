/**
 * Load: many clones, many concurrent requests, many live contexts, constraint changes while
 * frames flow. Each must end in a consistent state, with the event loop answering throughout
 * (the watchdog). MEDIACAPTURE_LONG=1 runs 50 live contexts instead of 12.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioContext, MediaStreamTrackProcessor, VirtualClock, createMediaDevices } from '../../src/index.js';
import { installWatchdog } from './watchdog.js';
import { processorQueueLength } from '../../src/transform/media-stream-track-processor.js';

installWatchdog();
const LONG = process.env['MEDIACAPTURE_LONG'] === '1';

test('1,000 clones of a camera track all receive frames and all end when the device goes', async () => {
  const clock = new VirtualClock();
  const { mediaDevices, controller } = createMediaDevices({ clock, devices: { cameras: [{ label: 'C', modes: [{ width: 64, height: 48, frameRate: 10 }] }] } });
  const [track] = (await mediaDevices.getUserMedia({ video: true })).getVideoTracks();
  const clones = Array.from({ length: 1000 }, () => track!.clone());
  const processors = clones.filter((_, i) => i % 100 === 0).map((c) => new MediaStreamTrackProcessor({ track: c, maxBufferSize: 100 }));
  clock.advance(1000);
  for (const p of processors) assert.equal(p.totalFrames, 10);
  let ended = 0;
  for (const c of clones) c.addEventListener('ended', () => ended++);
  controller.unplug('C');
  await new Promise((r) => setImmediate(r));
  assert.equal(ended, 1000);
  assert.equal(clones.every((c) => c.readyState === 'ended'), true);
});

test('100 concurrent getUserMedia calls resolve, in call order, with distinct live tracks', async () => {
  const { mediaDevices } = createMediaDevices({ clock: new VirtualClock() });
  const order: number[] = [];
  const calls = Array.from({ length: 100 }, (_, i) =>
    mediaDevices.getUserMedia(i % 2 ? { audio: true } : { video: { width: 320 } }).then((s) => {
      order.push(i);
      return s;
    }),
  );
  const streams = await Promise.all(calls);
  assert.deepEqual(order, [...Array(100).keys()]);
  const ids = new Set(streams.flatMap((s) => s.getTracks().map((t) => t.id)));
  assert.equal(ids.size, 100);
  for (const s of streams) s.getTracks().forEach((t) => t.stop());
});

test(`${LONG ? 50 : 12} live AudioContexts fed by microphones run and close independently`, async () => {
  const n = LONG ? 50 : 12;
  const { mediaDevices } = createMediaDevices();
  const stream = await mediaDevices.getUserMedia({ audio: true });
  const contexts = Array.from({ length: n }, () => new AudioContext({ sinkId: { type: 'none' } }));
  for (const ctx of contexts) {
    const src = ctx.createMediaStreamSource(stream);
    const f = ctx.createBiquadFilter();
    f.type = 'lowshelf';
    src.connect(f).connect(ctx.destination);
  }
  await Promise.all(contexts.map((c) => c.resume()));
  const t0 = contexts.map((c) => c.currentTime);
  await new Promise((r) => setTimeout(r, 600));
  // Every context's clock moved forward with real time.
  contexts.forEach((c, i) => assert.ok(c.currentTime - t0[i]! > 0.2, `context ${i} advanced ${c.currentTime - t0[i]!} s`));
  // Closing half leaves the other half running.
  await Promise.all(contexts.slice(0, n / 2).map((c) => c.close()));
  const t1 = contexts.map((c) => c.currentTime);
  await new Promise((r) => setTimeout(r, 200));
  contexts.slice(n / 2).forEach((c, i) => assert.ok(c.currentTime > t1[n / 2 + i]!, `context ${n / 2 + i} stopped`));
  await Promise.all(contexts.slice(n / 2).map((c) => c.close()));
  stream.getTracks().forEach((t) => t.stop());
});

test('bursts of applyConstraints while frames flow: every frame has the size in force when it was made', async () => {
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({ clock });
  const [track] = (await mediaDevices.getUserMedia({ video: { width: 640, height: 480 } })).getVideoTracks();
  const processor = new MediaStreamTrackProcessor({ track: track!, maxBufferSize: 10000 });
  const sizes = [[320, 240], [640, 480], [160, 120], [1280, 720]] as const;
  const pending: Promise<void>[] = [];
  for (let burst = 0; burst < 50; burst++) {
    for (const [w, h] of sizes) pending.push(track!.applyConstraints({ width: { exact: w }, height: { exact: h }, resizeMode: 'crop-and-scale' }));
    clock.advance(100);
  }
  await Promise.all(pending);
  const settings = track!.getSettings();
  assert.deepEqual([settings.width, settings.height], [1280, 720]);
  const reader = processor.readable.getReader();
  let frames = 0;
  const allowed = new Set(sizes.map(([w, h]) => `${w}x${h}`).concat('640x480'));
  while (processorQueueLength(processor) > 0) {
    const { value } = await reader.read();
    const f = value as { displayWidth: number; displayHeight: number; close(): void };
    assert.ok(allowed.has(`${f.displayWidth}x${f.displayHeight}`), `frame of ${f.displayWidth}x${f.displayHeight}`);
    f.close();
    frames++;
  }
  assert.equal(frames, processor.totalFrames);
  assert.equal(frames, 150); // 5 s at 30 fps, none lost
  track!.stop();
});
