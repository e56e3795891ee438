import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HTMLVideoElement } from '../../src/elements/html-media-element.js';
import { currentFrameOf } from '../../src/elements/media-element-core.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { VirtualClock } from '../../src/media/clock.js';
import { getTrackOutput } from '../../src/stream/internals.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import type { VideoFrame } from '../../src/media/video-frame.js';

const tick = () => new Promise<void>((r) => setImmediate(r));
async function ticks(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

async function bytes(frame: VideoFrame): Promise<Uint8Array> {
  const out = new Uint8Array(frame.allocationSize());
  await frame.copyTo(out);
  return out;
}

describe('HTMLMediaElement.captureStream()', () => {
  test('captures what the element plays: tracks after metadata, muted while paused, ended when the source changes', async () => {
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({ clock, devices: { microphones: 1, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
    const v = new HTMLVideoElement();
    const captured = v.captureStream();
    assert.equal(captured.getTracks().length, 0, 'no source: no tracks');
    const log: string[] = [];
    captured.addEventListener('addtrack', (e) => log.push(`addtrack ${(e as unknown as { track: MediaStreamTrack }).track.kind}`));
    captured.addEventListener('removetrack', (e) => log.push(`removetrack ${(e as unknown as { track: MediaStreamTrack }).track.kind}`));
    v.srcObject = stream;
    const played = v.play();
    await ticks();
    clock.advance(1000 / 30);
    await played;
    assert.deepEqual(log.sort(), ['addtrack audio', 'addtrack video']);
    const [cv] = captured.getVideoTracks();
    assert.ok(cv);
    assert.equal(captured.getAudioTracks().length, 1);
    assert.deepEqual([cv.getSettings().width, cv.getSettings().height], [320, 240]);
    const got: VideoFrame[] = [];
    const unsubscribe = getTrackOutput(cv as unknown as MediaStreamTrack).subscribe({ frame: (f: unknown) => got.push(f as VideoFrame), end() {} });
    clock.advance(1000 / 30);
    assert.equal(got.length, 1);
    const shown = currentFrameOf(v)!;
    assert.equal(got[0]!.timestamp, shown.timestamp);
    assert.deepEqual(await bytes(got[0]!), await bytes(shown));
    // Paused: no content, the captured tracks are muted and get nothing.
    const mutes: string[] = [];
    cv.addEventListener('mute', () => mutes.push('mute'));
    cv.addEventListener('unmute', () => mutes.push('unmute'));
    v.pause();
    await ticks();
    assert.equal(cv.muted, true);
    clock.advance(1000);
    assert.equal(got.length, 1);
    await v.play();
    await ticks();
    assert.equal(cv.muted, false);
    assert.deepEqual(mutes, ['mute', 'unmute']);
    clock.advance(1000 / 30);
    assert.equal(got.length, 2);
    // A new source: the captured tracks end, then leave the stream.
    let endedFired = false;
    cv.addEventListener('ended', () => (endedFired = true));
    log.length = 0;
    v.srcObject = null;
    await ticks();
    assert.equal(cv.readyState, 'ended');
    assert.ok(endedFired);
    assert.deepEqual(log.sort(), ['removetrack audio', 'removetrack video']);
    assert.equal(captured.getTracks().length, 0);
    for (const f of got) f.close();
    unsubscribe();
    for (const t of stream.getTracks()) t.stop();
    controller.unload();
  });
});
