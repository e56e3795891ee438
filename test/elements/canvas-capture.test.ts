import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { captureCanvasStream, CanvasCaptureMediaStreamTrack } from '../../src/elements/canvas-capture-media-stream-track.js';
import { installElements } from '../../src/elements/install.js';
import { HTMLVideoElement } from '../../src/elements/html-media-element.js';
import { VirtualClock } from '../../src/media/clock.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const napi = require('@napi-rs/canvas') as { createCanvas(w: number, h: number): any };

import { ticks, collect } from './support/frames.js';

async function rgbaOf(frame: VideoFrame): Promise<Uint8Array> {
  const out = new Uint8Array(frame.allocationSize());
  await frame.copyTo(out);
  return out;
}

function pixels(ctx: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }, w: number, h: number): Uint8Array {
  return new Uint8Array(ctx.getImageData(0, 0, w, h).data);
}

function paint(ctx: any, i: number, w: number, h: number): void {
  ctx.fillStyle = `rgb(${(i * 37) % 256}, ${(i * 91) % 256}, ${(i * 53) % 256})`;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect((i * 3) % w, 2, 4, 4);
}

describe('HTMLCanvasElement.captureStream on a canvas library canvas', () => {
  test('at 30 fps on a VirtualClock, each frame has the pixels the canvas had when it was painted', async () => {
    const clock = new VirtualClock();
    const W = 32, H = 24;
    const canvas = napi.createCanvas(W, H);
    const ctx = canvas.getContext('2d');
    paint(ctx, 0, W, H);
    const stream = captureCanvasStream(canvas, 30, { clock });
    const [track] = stream.getVideoTracks();
    assert.ok(track instanceof CanvasCaptureMediaStreamTrack);
    assert.ok(track instanceof MediaStreamTrack);
    assert.equal(track.canvas, canvas);
    assert.equal(track.kind, 'video');
    assert.deepEqual([track.getSettings().width, track.getSettings().height, track.getSettings().frameRate], [W, H, 30]);
    const sink = collect(track);
    await ticks();
    // The frame requested at creation.
    assert.equal(sink.frames.length, 1);
    assert.deepEqual(await rgbaOf(sink.frames[0]!), pixels(ctx, W, H));
    const expected: Uint8Array[] = [];
    for (let i = 1; i <= 10; i++) {
      paint(ctx, i, W, H);
      await ticks(); // drawing alone does not send: the request was used up
      expected.push(pixels(ctx, W, H));
      clock.advance(1000 / 30);
    }
    assert.equal(sink.frames.length, 11);
    for (let i = 1; i <= 10; i++) {
      const f = sink.frames[i]!;
      assert.equal(f.format, 'RGBX');
      assert.equal(f.codedWidth, W);
      assert.deepEqual(await rgbaOf(f), expected[i - 1], `frame ${i}`);
      assert.equal(f.timestamp, Math.round(((i * 1000) / 30) * 1000));
    }
    // Nothing drawn: the timer fires, no new content, no frame.
    clock.advance(1000);
    await ticks();
    assert.equal(sink.frames.length, 11);
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
    assert.equal(clock.pendingTimers, 0, 'the frame timer ends with the track');
  });

  test('captureStream(0) sends one frame at creation, then exactly one per requestFrame() with new content', async () => {
    const clock = new VirtualClock();
    const canvas = napi.createCanvas(8, 8);
    const ctx = canvas.getContext('2d');
    const stream = captureCanvasStream(canvas, 0, { clock });
    const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    const sink = collect(track);
    await ticks();
    assert.equal(sink.frames.length, 1);
    paint(ctx, 1, 8, 8);
    clock.advance(5000);
    await ticks();
    assert.equal(sink.frames.length, 1, 'rate 0: drawing and time send nothing');
    for (let i = 0; i < 5; i++) {
      paint(ctx, i + 2, 8, 8);
      track.requestFrame();
      track.requestFrame(); // one paint, one frame
      await ticks();
      assert.equal(sink.frames.length, 2 + i);
      assert.deepEqual(await rgbaOf(sink.frames[1 + i]!), pixels(ctx, 8, 8));
    }
    track.requestFrame(); // no new content since the last frame
    await ticks();
    assert.equal(sink.frames.length, 6);
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
    track.requestFrame(); // harmless once ended
  });

  test('without a frameRequestRate every paint with new content is a frame; alpha is kept', async () => {
    const clock = new VirtualClock();
    const canvas = napi.createCanvas(4, 4);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'rgba(255, 0, 0, 0.5)';
    ctx.fillRect(0, 0, 4, 4);
    const track = captureCanvasStream(canvas, undefined, { clock }).getVideoTracks()[0]!;
    assert.equal(track.getSettings().frameRate, undefined);
    const sink = collect(track);
    await ticks();
    ctx.clearRect(0, 0, 2, 2);
    await ticks();
    ctx.fillRect(0, 0, 1, 1);
    ctx.fillRect(1, 1, 1, 1); // two draws in one task: one paint
    await ticks();
    assert.equal(sink.frames.length, 3);
    assert.equal(sink.frames[0]!.format, 'RGBA');
    const px = await rgbaOf(sink.frames[1]!);
    assert.deepEqual([...px.subarray(0, 4)], [0, 0, 0, 0]);
    assert.equal(px[4 * 15 + 3], pixels(ctx, 4, 4)[4 * 15 + 3]);
    assert.ok(px[4 * 15 + 3]! > 100 && px[4 * 15 + 3]! < 150, 'half-transparent alpha preserved');
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
  });

  test('a negative frameRequestRate is NotSupportedError; non-numbers and non-canvases are TypeErrors', () => {
    const canvas = napi.createCanvas(4, 4);
    assert.throws(() => captureCanvasStream(canvas, -1), (e: DOMException) => e instanceof DOMException && e.name === 'NotSupportedError');
    assert.throws(() => captureCanvasStream(canvas, NaN), TypeError);
    assert.throws(() => captureCanvasStream(canvas, Infinity), TypeError);
    assert.throws(() => captureCanvasStream({}, 30), TypeError);
    assert.throws(() => new (CanvasCaptureMediaStreamTrack as unknown as new () => object)(), TypeError);
  });

  test('installElements({ canvas }) adds captureStream() to the library canvases, new VideoFrame(canvas) reads pixels', async () => {
    const clock = new VirtualClock();
    installElements({ canvas: napi, clock });
    const canvas = napi.createCanvas(6, 5);
    const ctx = canvas.getContext('2d');
    paint(ctx, 7, 6, 5);
    const stream = canvas.captureStream(10);
    assert.ok(stream.getVideoTracks()[0] instanceof CanvasCaptureMediaStreamTrack);
    assert.throws(() => canvas.captureStream(-5), (e: DOMException) => e.name === 'NotSupportedError');
    stream.getVideoTracks()[0].stop();
    const frame = new VideoFrame(canvas, { timestamp: 1234 });
    assert.equal(frame.format, 'RGBA');
    assert.equal(frame.timestamp, 1234);
    assert.deepEqual([frame.codedWidth, frame.codedHeight], [6, 5]);
    assert.deepEqual(await rgbaOf(frame), pixels(ctx, 6, 5));
    frame.close();
    const opaque = new VideoFrame(canvas, { timestamp: 0, alpha: 'discard' });
    assert.equal(opaque.format, 'RGBX');
    opaque.close();
    assert.throws(() => new VideoFrame(canvas), TypeError, 'a canvas needs init.timestamp');
    assert.throws(() => new VideoFrame(napi.createCanvas(0, 4), { timestamp: 0 }), (e: DOMException) => e.name === 'InvalidStateError');
  });

  test('drawImage(video) on a library canvas draws the element\'s current frame; nothing before HAVE_CURRENT_DATA', async () => {
    installElements({ canvas: napi });
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    const canvas = napi.createCanvas(320, 240);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'rgb(1, 2, 3)';
    ctx.fillRect(0, 0, 320, 240);
    ctx.drawImage(v, 0, 0);
    assert.deepEqual([...pixels(ctx, 1, 1)], [1, 2, 3, 255], 'HAVE_NOTHING: nothing drawn');
    assert.throws(() => new VideoFrame(v as never), (e: DOMException) => e.name === 'InvalidStateError');
    const played = v.play();
    await ticks();
    clock.advance(1000 / 30);
    await played;
    ctx.drawImage(v, 0, 0);
    const fromTrack = new VideoFrame(v as never);
    const ref = new Uint8Array(320 * 240 * 4);
    await fromTrack.copyTo(ref, { format: 'RGBA' });
    assert.deepEqual(pixels(ctx, 320, 240), ref);
    fromTrack.close();
    for (const t of stream.getTracks()) t.stop();
    controller.unload();
  });
});

describe('canvas capture when drawing cannot be observed', () => {
  test('a context with a frozen prototype is compared by pixel hash: frames only when pixels changed', async () => {
    const inner = napi.createCanvas(8, 8);
    const ictx = inner.getContext('2d');
    class FrozenContext {
      getImageData(x: number, y: number, w: number, h: number) {
        return ictx.getImageData(x, y, w, h);
      }
      putImageData(d: unknown, x: number, y: number) {
        ictx.putImageData(d, x, y);
      }
      createImageData(w: number, h: number) {
        return ictx.createImageData(w, h);
      }
      drawImage(...args: unknown[]) {
        ictx.drawImage(...args);
      }
      fill(color: string) {
        ictx.fillStyle = color;
        ictx.fillRect(0, 0, 8, 8);
      }
    }
    Object.freeze(FrozenContext.prototype);
    const ctx = new FrozenContext();
    const canvas = { width: 8, height: 8, getContext: (type: string) => (type === '2d' ? ctx : null) };
    const clock = new VirtualClock();
    const track = captureCanvasStream(canvas, 10, { clock }).getVideoTracks()[0]!;
    const sink = collect(track);
    await ticks();
    assert.equal(sink.frames.length, 1);
    clock.advance(300);
    assert.equal(sink.frames.length, 1, 'same pixels: no frame');
    ctx.fill('rgb(9, 8, 7)');
    clock.advance(100);
    assert.equal(sink.frames.length, 2);
    assert.deepEqual([...(await rgbaOf(sink.frames[1]!)).subarray(0, 4)], [9, 8, 7, 255]);
    clock.advance(500);
    assert.equal(sink.frames.length, 2);
    for (const f of sink.frames) f.close();
    sink.stop();
    track.stop();
  });
});
