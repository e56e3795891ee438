import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HTMLVideoElement, HTMLAudioElement, HTMLMediaElement, MEDIA_EVENTS } from '../../src/elements/html-media-element.js';
import { currentFrameOf } from '../../src/elements/media-element-core.js';
import type { VideoFrameCallbackMetadata } from '../../src/elements/media-element-core.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { VirtualClock } from '../../src/media/clock.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import type { VideoFrame } from '../../src/media/video-frame.js';

const tick = () => new Promise<void>((r) => setImmediate(r));
async function ticks(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

async function camera(video: MediaTrackConstraints | boolean = true) {
  const clock = new VirtualClock();
  const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 1, cameras: 1 } });
  const stream = await mediaDevices.getUserMedia({ video } as MediaStreamConstraints);
  return { clock, stream, controller, mediaDevices, track: stream.getVideoTracks()[0] as unknown as MediaStreamTrack };
}

function record(el: EventTarget): string[] {
  const events: string[] = [];
  for (const t of MEDIA_EVENTS) el.addEventListener(t, () => events.push(t));
  return events;
}

async function rgba(frame: VideoFrame): Promise<Uint8Array> {
  const out = new Uint8Array(frame.displayWidth * frame.displayHeight * 4);
  await frame.copyTo(out, { format: 'RGBA' });
  return out;
}

describe('HTMLVideoElement playing a MediaStream', () => {
  test('events come in the order of the HTML load, ready-state and play algorithms', async () => {
    const { clock, stream, controller, track } = await camera();
    const v = new HTMLVideoElement();
    const events = record(v);
    v.srcObject = stream;
    assert.equal(v.srcObject, stream);
    const played = v.play();
    assert.equal(v.paused, false);
    assert.equal(v.readyState, HTMLMediaElement.HAVE_NOTHING);
    await ticks();
    assert.equal(v.networkState, v.NETWORK_LOADING);
    assert.deepEqual(events, ['play', 'waiting', 'loadstart']);
    clock.advance(1000 / 30);
    await played;
    await ticks();
    assert.deepEqual(events, ['play', 'waiting', 'loadstart', 'durationchange', 'loadedmetadata', 'resize', 'loadeddata', 'canplay', 'playing', 'canplaythrough']);
    assert.equal(v.readyState, v.HAVE_ENOUGH_DATA);
    assert.equal(v.duration, Infinity);
    events.length = 0;
    v.pause();
    assert.equal(v.paused, true);
    await ticks();
    assert.deepEqual(events, ['timeupdate', 'pause']);
    events.length = 0;
    // The stream goes inactive: playback ended.
    track.stop();
    await ticks();
    assert.deepEqual(events, ['timeupdate', 'ended']);
    assert.equal(v.ended, true);
    events.length = 0;
    v.srcObject = null;
    assert.equal(v.readyState, v.HAVE_NOTHING);
    await ticks();
    assert.deepEqual(events, ['abort', 'emptied']);
    assert.equal(v.networkState, v.NETWORK_EMPTY);
    assert.equal(v.videoWidth, 0);
    controller.unload();
  });

  test('a playing element whose stream ends fires pause before ended; play() promises are rejected with AbortError', async () => {
    const { clock, stream, controller, track } = await camera();
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    const first = v.play();
    const second = v.play(); // both wait for the first frame
    await ticks();
    clock.advance(1000 / 30);
    await Promise.all([first, second]);
    await ticks();
    const events = record(v);
    track.stop();
    await ticks();
    assert.deepEqual(events, ['timeupdate', 'pause', 'ended']);
    assert.equal(v.paused, true);
    // A pause() while play() is pending rejects it with AbortError.
    const v2 = new HTMLVideoElement();
    const { stream: s2 } = await camera();
    v2.srcObject = s2;
    const p2 = v2.play();
    v2.pause();
    await assert.rejects(p2, (e: DOMException) => e.name === 'AbortError');
    for (const t of s2.getTracks()) t.stop();
    void clock;
    controller.unload();
  });

  test('autoplay starts playback when data arrives, firing play then playing', async () => {
    const { clock, stream, controller, track } = await camera();
    const v = new HTMLVideoElement();
    v.autoplay = true;
    const events = record(v);
    v.srcObject = stream;
    await ticks();
    clock.advance(1000 / 30);
    await ticks();
    assert.deepEqual(events, ['loadstart', 'durationchange', 'loadedmetadata', 'resize', 'loadeddata', 'canplay', 'play', 'playing', 'canplaythrough']);
    assert.equal(v.paused, false);
    track.stop();
    controller.unload();
  });

  test('videoWidth/videoHeight follow the track settings of getUserMedia({video:{width:1280}})', async () => {
    const { clock, stream, controller, track } = await camera({ width: 1280 });
    const settings = track.getSettings();
    assert.equal(settings.width, 1280);
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    assert.equal(v.videoWidth, 0);
    await ticks();
    clock.advance(1000 / 30);
    await ticks();
    assert.equal(v.videoWidth, 1280);
    assert.equal(v.videoHeight, settings.height);
    // A new size from applyConstraints reaches the element with a resize event.
    const resized: number[] = [];
    v.addEventListener('resize', () => resized.push(v.videoWidth));
    await v.play();
    await track.applyConstraints({ width: 320, height: 240 });
    clock.advance(1000 / 30);
    await ticks();
    assert.deepEqual(resized, [320]);
    assert.equal(v.videoHeight, 240);
    track.stop();
    controller.unload();
  });

  test('currentTime advances with the track clock only while potentially playing; setting it is ignored', async () => {
    const { clock, stream, controller, track } = await camera();
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    await ticks();
    clock.advance(1000 / 30); // metadata; still paused
    await ticks();
    assert.equal(v.currentTime, 0);
    clock.advance(500);
    assert.equal(v.currentTime, 0, 'paused: the timeline does not move');
    const play = v.play();
    await play;
    clock.advance(1500);
    assert.equal(v.currentTime, 1.5);
    v.currentTime = 100;
    assert.equal(v.currentTime, 1.5);
    v.pause();
    clock.advance(2000);
    assert.equal(v.currentTime, 1.5);
    await v.play();
    clock.advance(250);
    assert.ok(Math.abs(v.currentTime - 1.75) < 1e-12);
    assert.equal(v.played.length, 1);
    assert.ok(Math.abs(v.played.end(0) - 1.75) < 1e-12);
    assert.equal(v.seekable.length, 0);
    assert.equal(v.buffered.length, 0);
    track.stop();
    await ticks();
    const end = v.currentTime;
    clock.advance(1000);
    assert.equal(v.currentTime, end, 'ended: the timeline stops');
    controller.unload();
  });

  test('getVideoPlaybackQuality counts the presented frames, drops none, and is a fresh snapshot each call', async () => {
    const { clock, stream, controller } = await camera({ width: 320, height: 240, frameRate: 30 });
    const v = new HTMLVideoElement();
    const before = v.getVideoPlaybackQuality();
    assert.equal(before.totalVideoFrames, 0);
    v.srcObject = stream;
    void v.play();
    await ticks();
    const start = v.getVideoPlaybackQuality().totalVideoFrames;
    for (let i = 0; i < 10; i++) {
      clock.advance(1000 / 30);
      await ticks();
    }
    const q = v.getVideoPlaybackQuality();
    assert.equal(q.totalVideoFrames - start, 10, 'one presented frame per period');
    assert.equal(q.droppedVideoFrames, 0);
    assert.equal(q.corruptedVideoFrames, 0);
    assert.notEqual(q, v.getVideoPlaybackQuality());
    assert.ok(q.creationTime >= before.creationTime);
    assert.equal(Object.prototype.toString.call(q), '[object VideoPlaybackQuality]');
    assert.throws(() => Reflect.get(Object.getPrototypeOf(q), 'totalVideoFrames', {}), TypeError);
    assert.throws(() => new (q.constructor as new () => unknown)(), TypeError);
    controller.unload();
  });

  test('requestVideoFrameCallback runs once per presented frame with its metadata; cancel works', async () => {
    const { clock, stream, controller, track } = await camera({ width: 640, height: 480 });
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    void v.play();
    await ticks();
    const calls: { now: number; m: VideoFrameCallbackMetadata }[] = [];
    const again: number[] = [];
    const onFrame = (now: number, m: VideoFrameCallbackMetadata) => {
      calls.push({ now, m });
      if (calls.length < 3) v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    const cancelled = v.requestVideoFrameCallback(() => again.push(1));
    v.cancelVideoFrameCallback(cancelled);
    const period = 1000 / 30;
    clock.advance(period);
    await ticks();
    assert.equal(calls.length, 1);
    clock.advance(period);
    await ticks();
    clock.advance(period);
    await ticks();
    clock.advance(period);
    await ticks();
    assert.equal(calls.length, 3, 'a callback registered inside a callback waits for the next frame; the third does not re-register');
    assert.deepEqual(again, []);
    assert.deepEqual(calls.map((c) => c.m.presentedFrames), [1, 2, 3]);
    for (const c of calls) {
      assert.equal(c.m.width, 640);
      assert.equal(c.m.height, 480);
    }
    // Frames are due at multiples of the period on the clock.
    assert.ok(Math.abs(calls[1]!.m.presentationTime - 2 * period) < 1e-9);
    assert.ok(Math.abs(calls[1]!.m.mediaTime - period / 1000) < 1e-9);
    // The second frame was captured one period after the first (its timestamp), presented at its end.
    assert.equal(calls[1]!.m.captureTime, Math.round(period * 1000) / 1000);
    assert.throws(() => v.requestVideoFrameCallback(42 as never), TypeError);
    track.stop();
    controller.unload();
  });

  test('a disabled video track shows black frames; the current frame equals the track frame', async () => {
    const { clock, stream, controller, track } = await camera({ width: 320, height: 240 });
    const v = new HTMLVideoElement();
    v.srcObject = stream;
    void v.play();
    await ticks();
    let latest: VideoFrame | null = null;
    const unsubscribe = getTrackOutput(track).subscribe({
      frame: (f: unknown) => {
        latest?.close();
        latest = f as VideoFrame;
      },
      end() {},
    });
    clock.advance(1000 / 30);
    await ticks();
    clock.advance(1000 / 30);
    const shown = currentFrameOf(v)!;
    assert.equal(shown.timestamp, latest!.timestamp);
    assert.deepEqual(await rgba(shown), await rgba(latest!));
    const before = await rgba(shown);
    assert.ok(before.some((b, i) => i % 4 !== 3 && b > 40), 'the pattern is not black');
    track.enabled = false;
    clock.advance(1000 / 30);
    const black = await rgba(currentFrameOf(v)!);
    assert.ok(black.every((b, i) => (i % 4 === 3 ? b === 255 : b === 0)), 'black frames while disabled');
    unsubscribe();
    (latest as VideoFrame | null)?.close();
    track.stop();
    controller.unload();
  });

  test('an audio element plays an audio stream and outputs nothing; errors are the spec ones', async () => {
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 1, cameras: 0 } });
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const a = new HTMLAudioElement();
    const events = record(a);
    a.srcObject = stream;
    const p = a.play();
    await ticks();
    clock.advance(100);
    await p;
    await ticks();
    assert.equal(a.readyState, a.HAVE_ENOUGH_DATA);
    assert.ok(!events.includes('resize'));
    assert.throws(() => (a.volume = 1.5), (e: DOMException) => e.name === 'IndexSizeError');
    a.volume = 0.5;
    a.muted = true;
    await ticks();
    assert.equal(events.filter((e) => e === 'volumechange').length, 2);
    for (const t of stream.getTracks()) t.stop();
    controller.unload();

    // Not a MediaStream: the dedicated media source failure steps.
    const b = new HTMLAudioElement();
    const errs: string[] = [];
    b.addEventListener('error', () => errs.push('error'));
    b.srcObject = new Blob(['x']);
    const rejected = b.play();
    await assert.rejects(rejected, (e: DOMException) => e.name === 'NotSupportedError');
    assert.deepEqual(errs, ['error']);
    assert.equal(b.error?.code, 4);
    await assert.rejects(b.play(), (e: DOMException) => e.name === 'NotSupportedError');
    // No source at all: rejected, not left pending.
    await assert.rejects(new HTMLVideoElement().play(), (e: DOMException) => e.name === 'NotSupportedError');
    assert.throws(() => new (HTMLMediaElement as unknown as new () => object)(), TypeError);
    assert.throws(() => ((new HTMLVideoElement() as unknown as { srcObject: unknown }).srcObject = 5), TypeError);
  });

  test('an empty stream stays at HAVE_NOTHING until a track is added', async () => {
    const { clock, stream, controller } = await camera();
    const empty = new MediaStream();
    const v = new HTMLVideoElement();
    v.srcObject = empty;
    await ticks();
    clock.advance(100);
    await ticks();
    assert.equal(v.readyState, 0);
    const [t] = stream.getVideoTracks();
    empty.addTrack(t!);
    // addTrack() fires no event; the element sees the track when it reloads.
    v.load();
    await ticks();
    clock.advance(1000 / 30);
    await ticks();
    assert.equal(v.readyState, 4);
    t!.stop();
    controller.unload();
  });
});
