/**
 * Canvas capture, drawImage() of our video elements and frames, new VideoFrame(canvas) and jsdom
 * canvases with node-canvas (the npm package `canvas`, cairo underneath), the library the others
 * are recognised like but which has a 2D context of its own kind: a native prototype, premultiplied
 * pixels read back through getImageData(), no WebP encoder.
 *
 * node-canvas is not a dependency (its install compiles against cairo): `.ci/run` builds it from
 * source with scripts/install-node-canvas.mjs into MEDIACAPTURE_NODE_CANVAS_DIR (default
 * ~/.cache/mediacapture-node-canvas). Without it there, every test here is skipped with the reason.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { captureCanvasStream, CanvasCaptureMediaStreamTrack } from '../../src/elements/canvas-capture-media-stream-track.js';
import { installElements } from '../../src/elements/install.js';
import { context2DOf, drawingIsTracked } from '../../src/elements/canvas-2d.js';
import { HTMLVideoElement } from '../../src/elements/html-media-element.js';
import { VirtualClock } from '../../src/media/clock.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';

const dir = process.env.MEDIACAPTURE_NODE_CANVAS_DIR || join(homedir(), '.cache', 'mediacapture-node-canvas');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
let nodeCanvas: Any = null;
let skip: string | false = false;
try {
  // The package folder itself, so that no other `canvas` up the tree is picked instead.
  nodeCanvas = createRequire(import.meta.url)(join(dir, 'node_modules', 'canvas'));
  if (typeof nodeCanvas?.createCanvas !== 'function' || typeof nodeCanvas?.cairoVersion !== 'string') skip = `${dir}/node_modules/canvas is not node-canvas`;
} catch (e) {
  const why = String((e as Error).message).split('\n')[0];
  skip = `node-canvas is not installed in ${dir} (MEDIACAPTURE_NODE_CANVAS_DIR; .ci/run builds it there with scripts/install-node-canvas.mjs): ${why}`;
}
if (skip) console.log(`# node-canvas: skipped: ${skip}`);
else console.log(`# node-canvas ${nodeCanvas.version}, cairo ${nodeCanvas.cairoVersion}`);

import { ticks, collect } from './support/frames.js';

async function rgbaOf(frame: VideoFrame): Promise<Uint8Array> {
  const out = new Uint8Array(frame.displayWidth * frame.displayHeight * 4);
  await frame.copyTo(out, { format: 'RGBA' });
  return out;
}

function pixels(ctx: Any, w: number, h: number): Uint8Array {
  return new Uint8Array(ctx.getImageData(0, 0, w, h).data);
}

/** Frame `i` of a drawing loop: a background colour of its own, a moving square and a disc. */
function paint(ctx: Any, i: number, w: number, h: number): void {
  ctx.fillStyle = `rgb(${(i * 37 + 20) % 256}, ${(i * 91 + 50) % 256}, ${(i * 53 + 90) % 256})`;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect((i * 3) % (w - 4), 2, 4, 4);
  ctx.fillStyle = `rgb(${(i * 11) % 256}, 0, 200)`;
  ctx.beginPath();
  ctx.arc(w / 2, h / 2, Math.min(w, h) / 4, 0, Math.PI * 2);
  ctx.fill();
}

/** The colour of one pixel (x, y) of RGBA bytes of width w. */
function at(data: Uint8Array, w: number, x: number, y: number): number[] {
  const i = (y * w + x) * 4;
  return [...data.subarray(i, i + 4)];
}

/**
 * A drawing loop on `clock` at 30 fps, half a frame after each capture timer (so which drawing a
 * frame holds is not a matter of timer order): drawing k happens at (k + 0.5) / 30 s. Returns the
 * pixels of every drawing, index k.
 */
function drawingLoop(clock: VirtualClock, ctx: Any, w: number, h: number, count: number): Uint8Array[] {
  const drawn: Uint8Array[] = [];
  const step = (k: number) => {
    paint(ctx, k + 1, w, h);
    drawn[k] = pixels(ctx, w, h);
    if (k + 1 < count) clock.schedule(((k + 1.5) * 1000) / 30, () => step(k + 1));
  };
  clock.schedule((0.5 * 1000) / 30, () => step(0));
  return drawn;
}

describe('node-canvas canvases captured with captureStream()', () => {
  test('a 30 fps drawing loop on a VirtualClock: each frame read through MediaStreamTrackProcessor has the pixels last drawn', { skip }, async () => {
    const clock = new VirtualClock();
    const W = 40, H = 30;
    const canvas = nodeCanvas.createCanvas(W, H);
    const ctx = canvas.getContext('2d');
    paint(ctx, 0, W, H);
    const initial = pixels(ctx, W, H);
    const track = captureCanvasStream(canvas, 30, { clock }).getVideoTracks()[0]! as CanvasCaptureMediaStreamTrack;
    assert.ok(track instanceof CanvasCaptureMediaStreamTrack);
    assert.equal(track.canvas, canvas);
    assert.deepEqual([track.getSettings().width, track.getSettings().height, track.getSettings().frameRate], [W, H, 30]);
    // node-canvas's drawing methods (a native prototype) are wrapped: paints are seen, not guessed by pixel hash.
    assert.ok(drawingIsTracked(context2DOf(canvas)!));
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const read = async (): Promise<VideoFrame> => {
      const r = await reader.read();
      assert.equal(r.done, false);
      return r.value as VideoFrame;
    };
    await ticks();
    const first = await read();
    assert.equal(first.timestamp, 0);
    assert.deepEqual(await rgbaOf(first), initial, 'the frame requested at creation');
    first.close();

    const N = 12;
    const drawn = drawingLoop(clock, ctx, W, H, N);
    for (let k = 1; k <= N; k++) {
      clock.advanceTo((k * 1000) / 30);
      const f = await read();
      assert.equal(f.format, 'RGBX', 'an opaque canvas');
      assert.deepEqual([f.codedWidth, f.codedHeight], [W, H]);
      assert.equal(f.timestamp, Math.round(((k * 1000) / 30) * 1000));
      assert.equal(f.duration, Math.round(1e6 / 30));
      const got = await rgbaOf(f);
      assert.deepEqual(got, drawn[k - 1], `frame ${k} holds drawing ${k - 1}`);
      f.close();
      await ticks(); // the drawing's own paint task: no frame, the request was used up
    }
    // Every drawing had another background colour, and the frames show them.
    assert.equal(new Set(drawn.map((d) => at(d, W, W - 1, H - 1).join())).size, N);
    // The loop ended: the timer keeps firing, nothing new was drawn, no frame is queued.
    clock.advanceTo(((N + 10) * 1000) / 30);
    await ticks();
    const pending = reader.read();
    const raced = await Promise.race([pending.then(() => 'frame'), ticks(5).then(() => 'none')]);
    assert.equal(raced, 'none');
    track.stop();
    const end = await pending;
    assert.equal(end.done, true);
    assert.equal(clock.pendingTimers, 0, 'the frame timer ends with the track');
  });

  test('installElements({ canvas }) gives node-canvas canvases captureStream(30), with the drawn pixels in each frame', { skip }, async () => {
    const clock = new VirtualClock();
    installElements({ canvas: nodeCanvas, clock });
    const W = 24, H = 18;
    const canvas = nodeCanvas.createCanvas(W, H);
    const ctx = canvas.getContext('2d');
    paint(ctx, 0, W, H);
    const stream = canvas.captureStream(30);
    const track = stream.getVideoTracks()[0];
    assert.ok(track instanceof CanvasCaptureMediaStreamTrack);
    assert.equal(track.canvas, canvas);
    assert.throws(() => canvas.captureStream(-1), (e: DOMException) => e.name === 'NotSupportedError');
    const sink = collect(track);
    await ticks();
    assert.equal(sink.frames.length, 1);
    const drawn = drawingLoop(clock, ctx, W, H, 8);
    for (let k = 1; k <= 8; k++) {
      clock.advanceTo((k * 1000) / 30);
      await ticks();
    }
    assert.equal(sink.frames.length, 9);
    for (let k = 1; k <= 8; k++) assert.deepEqual(await rgbaOf(sink.frames[k]!), drawn[k - 1], `frame ${k}`);
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
  });

  test('captureStream(0): one frame at creation, then exactly one per requestFrame() after new drawing, none from time or drawing alone', { skip }, async () => {
    const clock = new VirtualClock();
    const canvas = nodeCanvas.createCanvas(16, 16);
    const ctx = canvas.getContext('2d');
    paint(ctx, 0, 16, 16);
    const track = captureCanvasStream(canvas, 0, { clock }).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    assert.equal(track.getSettings().frameRate, 0);
    const sink = collect(track);
    await ticks();
    assert.equal(sink.frames.length, 1);
    assert.deepEqual(await rgbaOf(sink.frames[0]!), pixels(ctx, 16, 16));
    paint(ctx, 1, 16, 16);
    clock.advance(5000);
    await ticks();
    assert.equal(sink.frames.length, 1, 'rate 0: drawing and time send nothing');
    for (let i = 0; i < 6; i++) {
      paint(ctx, i + 2, 16, 16);
      track.requestFrame();
      track.requestFrame(); // two requests before one paint: one frame
      await ticks();
      assert.equal(sink.frames.length, 2 + i, `requestFrame #${i + 1}`);
      assert.deepEqual(await rgbaOf(sink.frames[1 + i]!), pixels(ctx, 16, 16));
      clock.advance(1000);
      await ticks();
      assert.equal(sink.frames.length, 2 + i);
    }
    track.requestFrame(); // nothing drawn since the last frame
    await ticks();
    assert.equal(sink.frames.length, 7);
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  test('a half-transparent canvas gives RGBA frames with the alpha getImageData() reads back', { skip }, async () => {
    const clock = new VirtualClock();
    const canvas = nodeCanvas.createCanvas(4, 4);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'rgba(255, 0, 0, 0.5)';
    ctx.fillRect(0, 0, 4, 4);
    const track = captureCanvasStream(canvas, undefined, { clock }).getVideoTracks()[0]!;
    const sink = collect(track);
    await ticks();
    ctx.clearRect(0, 0, 2, 2);
    await ticks();
    assert.equal(sink.frames.length, 2, 'without a rate, every paint with new content is a frame');
    assert.equal(sink.frames[0]!.format, 'RGBA');
    const px = await rgbaOf(sink.frames[1]!);
    assert.deepEqual(px, pixels(ctx, 4, 4));
    assert.deepEqual(at(px, 4, 0, 0), [0, 0, 0, 0]);
    assert.equal(px[4 * 15], 255);
    assert.ok(px[4 * 15 + 3]! > 100 && px[4 * 15 + 3]! < 150, 'half-transparent alpha kept');
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
  });

  test('new VideoFrame(nodeCanvas, { timestamp }) holds its pixels', { skip }, async () => {
    const canvas = nodeCanvas.createCanvas(7, 5);
    const ctx = canvas.getContext('2d');
    paint(ctx, 3, 7, 5);
    const frame = new VideoFrame(canvas as never, { timestamp: 4321 });
    assert.equal(frame.format, 'RGBA');
    assert.equal(frame.timestamp, 4321);
    assert.deepEqual([frame.codedWidth, frame.codedHeight], [7, 5]);
    assert.deepEqual(await rgbaOf(frame), pixels(ctx, 7, 5));
    frame.close();
    const opaque = new VideoFrame(canvas as never, { timestamp: 0, alpha: 'discard' });
    assert.equal(opaque.format, 'RGBX');
    opaque.close();
    assert.throws(() => new VideoFrame(canvas as never), TypeError, 'a canvas needs init.timestamp');
    assert.throws(() => new VideoFrame(nodeCanvas.createCanvas(0, 3) as never, { timestamp: 0 }), (e: DOMException) => e.name === 'InvalidStateError');
  });

  test('drawImage(video) of a camera stream draws the frame the track has; drawImage(VideoFrame) too; nothing before HAVE_CURRENT_DATA', { skip }, async () => {
    installElements({ canvas: nodeCanvas });
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    const canvas = nodeCanvas.createCanvas(320, 240);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'rgb(1, 2, 3)';
    ctx.fillRect(0, 0, 320, 240);
    ctx.drawImage(v, 0, 0);
    assert.deepEqual([...pixels(ctx, 1, 1)], [1, 2, 3, 255], 'HAVE_NOTHING: nothing drawn');
    const played = v.play();
    await ticks();
    clock.advance(1000 / 30);
    await played;
    clock.advance(1000 / 30);
    await ticks();
    ctx.drawImage(v, 0, 0);
    const current = new VideoFrame(v as never);
    const ref = await rgbaOf(current);
    assert.deepEqual(pixels(ctx, 320, 240), ref);
    assert.ok(new Set(new Uint32Array(ref.buffer)).size > 4, 'the camera picture is not flat');

    // Scaled into a smaller canvas: cairo's filtering, so only the size and the mean colour are checked.
    const small = nodeCanvas.createCanvas(80, 60);
    const sctx = small.getContext('2d');
    sctx.drawImage(v, 0, 0, 80, 60);
    const mean = (d: Uint8Array) => [0, 1, 2].map((c) => d.reduce((s, x, i) => (i % 4 === c ? s + x : s), 0) / (d.length / 4));
    const [m1, m2] = [mean(pixels(sctx, 80, 60)), mean(ref)];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(m1[c]! - m2[c]!) < 8, `channel ${c}: ${m1[c]} vs ${m2[c]}`);

    // A VideoFrame of ours drawn at an offset.
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 320, 240);
    ctx.drawImage(current, 10, 20);
    const after = pixels(ctx, 320, 240);
    assert.deepEqual(at(after, 320, 10, 20), at(ref, 320, 0, 0));
    assert.deepEqual(at(after, 320, 319, 239), at(ref, 320, 309, 219));
    assert.deepEqual(at(after, 320, 5, 5), [0, 0, 0, 255]);
    current.close();

    // And the canvas that shows the camera is captured with it.
    const captured = captureCanvasStream(canvas, 0, { clock }).getVideoTracks()[0]! as CanvasCaptureMediaStreamTrack;
    const sink = collect(captured);
    await ticks();
    ctx.drawImage(v, 0, 0);
    captured.requestFrame();
    await ticks();
    assert.equal(sink.frames.length, 2);
    assert.deepEqual(await rgbaOf(sink.frames[1]!), ref);
    for (const f of sink.frames) f.close();
    sink.stop();
    captured.stop();
    for (const t of stream.getTracks()) t.stop();
    controller.unload();
  });
});

describe('jsdom canvases backed by node-canvas', () => {
  test('installElements({ window, canvas: nodeCanvas }): a drawing loop on a jsdom <canvas> captured at 30 fps, drawImage(video), toDataURL / toBlob', { skip }, async () => {
    const dom = new JSDOM('<video></video><canvas width="64" height="48"></canvas>');
    const window = dom.window;
    const clock = new VirtualClock();
    installElements({ window, canvas: nodeCanvas, clock });
    const canvas = window.document.querySelector('canvas')!;
    const ctx = canvas.getContext('2d') as Any;
    assert.ok(ctx, 'jsdom has no 2D context of its own without node-canvas in its own node_modules; this one is backed by the library');
    assert.equal(Object.getPrototypeOf(ctx), Object.getPrototypeOf(nodeCanvas.createCanvas(1, 1).getContext('2d')));
    paint(ctx, 0, 64, 48);

    const track = (canvas as unknown as { captureStream(rate?: number): { getVideoTracks(): unknown[] } }).captureStream(30).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    assert.ok(track instanceof CanvasCaptureMediaStreamTrack);
    assert.equal(track.canvas, canvas);
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    await ticks();
    const first = (await reader.read()).value as VideoFrame;
    assert.deepEqual(await rgbaOf(first), pixels(ctx, 64, 48));
    first.close();
    const drawn = drawingLoop(clock, ctx, 64, 48, 6);
    for (let k = 1; k <= 6; k++) {
      clock.advanceTo((k * 1000) / 30);
      const f = (await reader.read()).value as VideoFrame;
      assert.equal(f.timestamp, Math.round(((k * 1000) / 30) * 1000));
      assert.deepEqual(await rgbaOf(f), drawn[k - 1], `frame ${k}`);
      f.close();
    }
    track.stop();
    reader.releaseLock();

    // A jsdom <video> playing a camera stream, drawn onto the jsdom canvas.
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 64, height: 48 } });
    const video = window.document.querySelector('video')!;
    video.srcObject = stream as never;
    const played = video.play();
    await ticks();
    clock.advance(1000 / 30);
    await played;
    clock.advance(1000 / 30);
    await ticks();
    assert.equal(video.readyState, window.HTMLMediaElement.HAVE_ENOUGH_DATA);
    ctx.drawImage(video, 0, 0);
    const current = new VideoFrame(video as never);
    assert.deepEqual(pixels(ctx, 64, 48), await rgbaOf(current));
    current.close();

    // Encoding through the library: PNG and JPEG data URLs; toBlob with node-canvas's own JPEG
    // quality argument, and PNG for WebP, which cairo cannot write.
    const png = Buffer.from(canvas.toDataURL().split(',')[1]!, 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(png.readUInt32BE(16), 64);
    assert.match(canvas.toDataURL('image/jpeg', 0.8), /^data:image\/jpeg;base64,\/9j\//);
    const blob = (type: string, quality?: number) =>
      new Promise<{ type: string; bytes: Uint8Array }>((resolve, reject) =>
        canvas.toBlob((b) => (b ? b.arrayBuffer().then((a) => resolve({ type: b.type, bytes: new Uint8Array(a) }), reject) : reject(new Error('null blob'))), type, quality),
      );
    const webp = await blob('image/webp');
    assert.equal(webp.type, 'image/png');
    assert.deepEqual([...webp.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const low = await blob('image/jpeg', 0.3);
    const high = await blob('image/jpeg', 0.95);
    assert.equal(low.type, 'image/jpeg');
    assert.deepEqual([...low.bytes.subarray(0, 2)], [0xff, 0xd8]);
    assert.ok(high.bytes.length > low.bytes.length, `quality is used: ${low.bytes.length} bytes at 0.3, ${high.bytes.length} at 0.95`);

    for (const t of stream.getTracks()) t.stop();
    controller.unload();
    window.close();
  });
});

