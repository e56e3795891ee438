import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { VirtualClock } from '../../src/media/clock.js';
import { decodePng } from '../../src/media/codecs/png.js';
import { currentFrameOf } from '../../src/elements/media-element-core.js';

// dist/test/elements -> the package root.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const runner = join(root, 'examples', 'still-photo', 'run.mjs');

interface StillPhoto {
  png: Uint8Array;
  video: object;
  close(): void;
}

describe('examples/still-photo (MDN "taking still photos" under jsdom)', () => {
  test('the page takes a photo of the camera: the PNG holds the video element\'s current frame', async () => {
    const { takeStillPhoto } = (await import(pathToFileURL(runner).href)) as {
      takeStillPhoto(o: { mediaDevices: unknown; pump(): void }): Promise<StillPhoto>;
    };
    const clock = new VirtualClock();
    const { mediaDevices, controller } = createMediaDevices({
      clock,
      devices: { microphones: 0, cameras: [{ label: 'Test pattern', modes: [{ width: 320, height: 240, frameRate: 30 }] }] },
    });
    const { png, video, close } = await takeStillPhoto({ mediaDevices, pump: () => clock.advance(1000 / 30) });
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height], [320, 240]);
    const frame = currentFrameOf(video)!;
    assert.ok(frame, 'the element shows a frame');
    const ref = new Uint8Array(320 * 240 * 4);
    await frame.copyTo(ref, { format: 'RGBA' });
    assert.deepEqual(img.rgba, ref);
    // The colour-bar pattern, not the grey of clearphoto().
    assert.ok(new Set(new Uint32Array(ref.buffer)).size > 4);
    close();
    controller.unload();
  });

  test('run.mjs writes the photo as a PNG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'still-photo-'));
    try {
      const out = join(dir, 'photo.png');
      const r = spawnSync(process.execPath, [runner, out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      const img = decodePng(new Uint8Array(readFileSync(out)));
      assert.deepEqual([img.width, img.height], [320, 240]);
      const grey = img.rgba.every((b, i) => (i % 4 === 3 ? b === 255 : b === 0xaa));
      assert.equal(grey, false, 'a camera frame, not the empty grey photo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
