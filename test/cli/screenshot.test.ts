/** `mediacapture screenshot`: a camera frame as a PNG of the camera's size; the screen through getDisplayMedia. */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from '../../src/media/codecs/png.js';
import { runCli, runJson } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'mediacapture-cli-shot-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Shot {
  file: string;
  width: number;
  height: number;
  source: string;
  label: string;
}

/** Distinct colours in an RGBA image (the synthetic camera draws colour bars and text). */
function colours(rgba: Uint8Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < rgba.length; i += 4) seen.add((rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!);
  return seen.size;
}

describe('mediacapture screenshot', () => {
  test('--video writes one frame of the camera as a PNG of the camera\'s size', async () => {
    const file = join(root, 'cam.png');
    const s = await runJson<Shot>(['screenshot', '--video', '--out', file, '--json']);
    assert.deepEqual(s, { file, width: 640, height: 480, source: 'camera', label: 'Synthetic Camera' });
    const png = decodePng(new Uint8Array(readFileSync(file)));
    assert.deepEqual([png.width, png.height], [640, 480]);
    assert.ok(colours(png.rgba) > 8, 'a picture, not a blank frame');
  });

  test('constraints choose the size; a directory gets a time-stamped file', async () => {
    const dir = join(root, 'shots');
    const r = await runCli(['screenshot', '--video', 'Synthetic Camera', '--width', '320', '--height', '180', '--out', `${dir}/`]);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^screenshot-\d{8}-\d{6}\.png$/);
    assert.match(r.stdout, /320x180 PNG from camera "Synthetic Camera"/);
    const png = decodePng(new Uint8Array(readFileSync(join(dir, files[0]!))));
    assert.deepEqual([png.width, png.height], [320, 180]);
  });

  test('--screen (and the default) capture the synthetic display through getDisplayMedia', async () => {
    const file = join(root, 'screen.png');
    const s = await runJson<Shot>(['screenshot', '--screen', '--out', file, '--json']);
    assert.equal(s.source, 'screen');
    assert.deepEqual([s.width, s.height], [1920, 1080]);
    const png = decodePng(new Uint8Array(readFileSync(file)));
    assert.deepEqual([png.width, png.height], [1920, 1080]);
    assert.ok(colours(png.rgba) > 8, 'a desktop picture, not a blank frame');
    const d = await runJson<Shot>(['screenshot', '--out', file, '--json']);
    assert.equal(d.source, 'screen', 'without --video the screen is the default');
  });

  test('--width on the screen is an upper bound: the display is downscaled, keeping its aspect ratio', async () => {
    const file = join(root, 'screen-small.png');
    const s = await runJson<Shot>(['screenshot', '--screen', '--width', '640', '--out', file, '--json']);
    assert.deepEqual([s.width, s.height], [640, 360]);
    const png = decodePng(new Uint8Array(readFileSync(file)));
    assert.deepEqual([png.width, png.height], [640, 360]);
  });

  test('--video and --screen together are a usage error', async () => {
    const r = await runCli(['screenshot', '--video', '--screen']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give --video or --screen, not both/);
  });
});
