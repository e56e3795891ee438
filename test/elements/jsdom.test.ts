import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import { installElements } from '../../src/elements/install.js';
import { CanvasCaptureMediaStreamTrack } from '../../src/elements/canvas-capture-media-stream-track.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { VirtualClock } from '../../src/media/clock.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import type { VideoFrame } from '../../src/media/video-frame.js';

const require = createRequire(import.meta.url);
const napi = require('@napi-rs/canvas') as { createCanvas(w: number, h: number): unknown };

const tick = () => new Promise<void>((r) => setImmediate(r));
async function ticks(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

describe('jsdom elements with the polyfill', () => {
  test('a jsdom <video> plays a camera stream; drawImage onto a jsdom <canvas> gives the frame read from the same track', async () => {
    const dom = new JSDOM('<video autoplay></video><canvas width="320" height="240"></canvas>');
    const window = dom.window;
    installElements({ window, canvas: napi });
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const track = stream.getVideoTracks()[0] as unknown as MediaStreamTrack;
    const video = window.document.querySelector('video')!;
    const canvas = window.document.querySelector('canvas')!;
    const events: string[] = [];
    for (const t of ['loadstart', 'loadedmetadata', 'resize', 'loadeddata', 'canplay', 'play', 'playing', 'canplaythrough']) {
      video.addEventListener(t, (e) => {
        assert.ok(e instanceof window.Event, 'events are of the window realm');
        events.push(t);
      });
    }
    let latest: VideoFrame | null = null;
    const unsubscribe = getTrackOutput(track).subscribe({
      frame: (f: unknown) => {
        latest?.close();
        latest = f as VideoFrame;
      },
      end() {},
    });
    video.srcObject = stream as never;
    assert.equal(video.srcObject, stream);
    await ticks();
    clock.advance(1000 / 30);
    clock.advance(1000 / 30);
    await ticks();
    assert.deepEqual(events, ['loadstart', 'loadedmetadata', 'resize', 'loadeddata', 'canplay', 'play', 'playing', 'canplaythrough']);
    assert.equal(video.paused, false);
    assert.equal(video.readyState, window.HTMLMediaElement.HAVE_ENOUGH_DATA);
    assert.deepEqual([video.videoWidth, video.videoHeight], [320, 240]);
    // The patched element reports its presented frames (jsdom has no getVideoPlaybackQuality).
    const presented = video.getVideoPlaybackQuality().totalVideoFrames;
    assert.ok(presented >= 1);
    clock.advance(1000 / 30);
    await ticks();
    assert.equal(video.getVideoPlaybackQuality().totalVideoFrames, presented + 1);
    assert.equal(video.getVideoPlaybackQuality().droppedVideoFrames, 0);

    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const drawn = ctx.getImageData(0, 0, 320, 240).data;
    const ref = new Uint8Array(320 * 240 * 4);
    await latest!.copyTo(ref, { format: 'RGBA' });
    assert.deepEqual(new Uint8Array(drawn.buffer, drawn.byteOffset, drawn.byteLength), ref);
    // The camera's moving pattern is not flat.
    assert.ok(new Set(new Uint32Array(ref.buffer)).size > 4);

    // toDataURL() encodes the backing canvas as PNG.
    const url = canvas.toDataURL('image/png');
    assert.match(url, /^data:image\/png;base64,/);
    const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(png.readUInt32BE(16), 320);
    // toBlob() passes its 0..1 quality on the library's 0..100 scale, and keeps WebP.
    const blob = (type: string, quality?: number) =>
      new Promise<{ type: string; size: number }>((resolve, reject) => canvas.toBlob((b) => (b ? resolve({ type: b.type, size: b.size }) : reject(new Error('null blob'))), type, quality));
    const [low, high, webp] = [await blob('image/jpeg', 0.3), await blob('image/jpeg', 0.95), await blob('image/webp')];
    assert.deepEqual([low.type, webp.type], ['image/jpeg', 'image/webp']);
    assert.ok(high.size > low.size * 1.5, `JPEG at 0.3: ${low.size} bytes, at 0.95: ${high.size}`);

    // Resizing the canvas resets its bitmap.
    canvas.width = 10;
    assert.deepEqual([...ctx.getImageData(0, 0, 1, 1).data], [0, 0, 0, 0]);

    // captureStream() on the jsdom canvas.
    const captured = (canvas as unknown as { captureStream(rate?: number): { getVideoTracks(): unknown[] } }).captureStream(0);
    const ct = captured.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    assert.ok(ct instanceof CanvasCaptureMediaStreamTrack);
    assert.equal(ct.canvas, canvas);
    assert.deepEqual([ct.getSettings().width, ct.getSettings().height], [10, 240]);
    assert.throws(() => (canvas as unknown as { captureStream(rate?: number): unknown }).captureStream(-1), (e: DOMException) => e.name === 'NotSupportedError');
    ct.stop();

    const ended: string[] = [];
    video.addEventListener('ended', () => ended.push('ended'));
    video.addEventListener('pause', () => ended.push('pause'));
    track.stop();
    await ticks();
    assert.deepEqual(ended, ['pause', 'ended']);
    assert.equal(video.ended, true);
    unsubscribe();
    (latest as VideoFrame | null)?.close();
    controller.unload();
    window.close();
  });
});
