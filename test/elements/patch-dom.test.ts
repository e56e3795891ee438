import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { patchMediaElements } from '../../src/elements/patch-dom.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { VirtualClock } from '../../src/media/clock.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('patchMediaElements', () => {
  test("media events are the element's own realm's, even when the patched window exposes another realm's Event", async () => {
    // A global-jsdom style setup: jsdom's element classes next to Node's own Event. jsdom's
    // dispatchEvent accepts only jsdom events, so the element's events must come from its window.
    const { window } = new JSDOM('<video autoplay></video>');
    patchMediaElements({ HTMLMediaElement: window.HTMLMediaElement, HTMLVideoElement: window.HTMLVideoElement, Event });
    const clock = new VirtualClock();
    const { mediaDevices } = createMediaDevices({ clock, devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: true });
    const video = window.document.querySelector('video')!;
    const seen: string[] = [];
    for (const type of ['loadstart', 'loadedmetadata', 'play']) {
      video.addEventListener(type, (e) => {
        assert.ok(e instanceof window.Event);
        seen.push(type);
      });
    }
    video.srcObject = stream as never;
    for (let i = 0; i < 6; i++) await tick();
    clock.advance(100);
    for (let i = 0; i < 6; i++) await tick();
    assert.deepEqual(seen, ['loadstart', 'loadedmetadata', 'play']);
    for (const t of stream.getTracks()) t.stop();
  });

  test('captureStream() called on something that is not a media element throws TypeError', () => {
    const { window } = new JSDOM('');
    patchMediaElements(window as never);
    const captureStream = (window.HTMLMediaElement.prototype as unknown as { captureStream(): unknown }).captureStream;
    assert.throws(() => captureStream.call({}), TypeError);
    assert.throws(() => captureStream.call(window.document.createElement('div')), TypeError);
  });
});
