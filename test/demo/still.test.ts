import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { frameToRgba, takeStillPhoto } from '../../demo/still.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { VideoTrackGenerator } from '../../src/transform/video-track-generator.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { decodePng } from '../../src/media/codecs/png.js';

/**
 * Reference Y'CbCr (limited range, 8-bit) to R'G'B' with the BT.709 or BT.601 weights, straight
 * from the definitions: E'Y = Kr R' + Kg G' + Kb B', Cb = (B' - Y') / (2 (1 - Kb)), Cr = (R' - Y') / (2 (1 - Kr)).
 */
function reference(y: number, cb: number, cr: number, matrix: 'bt709' | 'bt601'): [number, number, number] {
  const [kr, kb] = matrix === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114];
  const ey = (y - 16) / 219, pb = (cb - 128) / 224, pr = (cr - 128) / 224;
  const r = ey + 2 * (1 - kr) * pr;
  const b = ey + 2 * (1 - kb) * pb;
  const g = (ey - kr * r - kb * b) / (1 - kr - kb);
  const to8 = (v: number) => Math.min(255, Math.max(0, Math.round(v * 255)));
  return [to8(r), to8(g), to8(b)];
}

/** A w x h I420 frame whose left half is (y0, cb0, cr0) and right half (y1, cb1, cr1). */
function halves(w: number, h: number, left: [number, number, number], right: [number, number, number], matrix: 'bt709' | 'bt601'): VideoFrame {
  const data = new Uint8Array(w * h * 3 / 2);
  const cw = w / 2, ch = h / 2;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x < w / 2 ? left : right)[0];
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const c = x < cw / 2 ? left : right;
      data[w * h + y * cw + x] = c[1];
      data[w * h + cw * ch + y * cw + x] = c[2];
    }
  }
  const colorSpace = matrix === 'bt709'
    ? { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false }
    : { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false };
  return new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0, colorSpace });
}

function pixel(rgba: Uint8Array, w: number, x: number, y: number): number[] {
  const o = (y * w + x) * 4;
  return [rgba[o]!, rgba[o + 1]!, rgba[o + 2]!, rgba[o + 3]!];
}

function near(actual: number[], expected: readonly number[], tolerance: number, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}: got [${actual}], expected about [${expected}]`);
  }
}

describe('frameToRgba', () => {
  for (const matrix of ['bt709', 'bt601'] as const) {
    test(`converts I420 with the frame's own matrix (${matrix})`, async () => {
      const magenta: [number, number, number] = [63, 193, 204];
      const grey: [number, number, number] = [180, 128, 128];
      const frame = halves(8, 4, grey, magenta, matrix);
      const { width, height, rgba } = await frameToRgba(frame);
      frame.close();
      assert.deepEqual([width, height], [8, 4]);
      near(pixel(rgba, 8, 1, 1), [...reference(...grey, matrix), 255], 2, 'left half');
      near(pixel(rgba, 8, 6, 2), [...reference(...magenta, matrix), 255], 2, 'right half');
    });
  }

  test('converts NV12', async () => {
    // 4x2 frame: luma 126, chroma (Cb 90, Cr 200) everywhere.
    const data = new Uint8Array([126, 126, 126, 126, 126, 126, 126, 126, 90, 200, 90, 200]);
    const frame = new VideoFrame(data, { format: 'NV12', codedWidth: 4, codedHeight: 2, timestamp: 0 });
    const { rgba } = await frameToRgba(frame);
    frame.close();
    const expected = reference(126, 90, 200, frame.colorSpace.matrix === 'bt709' ? 'bt709' : 'bt601');
    for (let x = 0; x < 4; x++) near(pixel(rgba, 4, x, 1), [...expected, 255], 2, `pixel ${x}`);
  });

  test('passes RGB frames through copyTo', async () => {
    const data = new Uint8Array([10, 20, 30, 255, 200, 100, 50, 255]);
    const frame = new VideoFrame(data, { format: 'RGBA', codedWidth: 2, codedHeight: 1, timestamp: 0 });
    const { rgba } = await frameToRgba(frame);
    frame.close();
    assert.deepEqual([...rgba], [10, 20, 30, 255, 200, 100, 50, 255]);
  });

  test('a closed frame is refused with a TypeError', async () => {
    const frame = halves(4, 2, [16, 128, 128], [16, 128, 128], 'bt709');
    frame.close();
    await assert.rejects(frameToRgba(frame), /no visible pixels/);
  });
});

describe('takeStillPhoto', () => {
  test('photographs the synthetic camera and leaves the track live', async () => {
    const { mediaDevices } = createMediaDevices({ devices: { microphones: 0, cameras: 1 } });
    const stream = await mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const [track] = stream.getVideoTracks();
    try {
      const still = await takeStillPhoto(track as unknown as MediaStreamTrack);
      assert.deepEqual([still.width, still.height], [320, 240]);
      const png = decodePng(still.png);
      assert.deepEqual([png.width, png.height], [320, 240]);
      assert.deepEqual(png.rgba, still.rgba);
      // Bottom row, centre of the last of eight bars: black; of the third: 75% cyan.
      near(pixel(still.rgba, 320, 300, 230), [0, 0, 0], 20, 'black bar');
      near(pixel(still.rgba, 320, 100, 230), [0, 191, 191], 24, 'cyan bar');
      assert.equal(track!.readyState, 'live');
    } finally {
      track!.stop();
    }
  });

  test('rejects when no frame arrives in time, and releases the track', async () => {
    const generator = new VideoTrackGenerator();
    const track = generator.track as unknown as MediaStreamTrack;
    await assert.rejects(takeStillPhoto(track, 50), /no frame from the video track .* within 50 ms/);
    assert.equal(track.readyState, 'live');
    track.stop();
  });

  test('rejects when the track ends before a frame', async () => {
    const generator = new VideoTrackGenerator();
    const track = generator.track as unknown as MediaStreamTrack;
    const photo = takeStillPhoto(track, 5000);
    track.stop();
    await assert.rejects(photo, /ended before a frame arrived/);
  });
});
