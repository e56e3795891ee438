/**
 * examples/constraints: the constraint exerciser page under jsdom, driven through its controls.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';

// dist/test/constraints -> the package root.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const runner = join(root, 'examples', 'constraints', 'run.mjs');

interface Line {
  text: string;
  error: boolean;
}
interface Page {
  document: { getElementById(id: string): { srcObject?: { getTracks(): MediaStreamTrack[] } | null } };
  type(kind: 'video' | 'audio', value: unknown): void;
  press(name: 'start' | 'apply' | 'stop', lines?: number): Promise<Line[]>;
  settings(kind: 'video' | 'audio'): Record<string, unknown> | null;
  supported(): string[];
  disabled(name: string): boolean;
  log(): Line[];
  close(): void;
}

async function open(): Promise<{ page: Page; md: ReturnType<typeof createMediaDevices> }> {
  const { openExerciser } = (await import(pathToFileURL(runner).href)) as { openExerciser(o: { mediaDevices: unknown }): Promise<Page> };
  const md = createMediaDevices({
    devices: {
      microphones: [{ label: 'Mic' }],
      cameras: [{ label: 'Cam', modes: [{ width: 1920, height: 1080, frameRate: 30 }, { width: 1280, height: 720, frameRate: 30 }] }],
    },
  });
  return { page: await openExerciser({ mediaDevices: md.mediaDevices }), md };
}

function tracksOf(page: Page): MediaStreamTrack[] {
  return page.document.getElementById('video').srcObject?.getTracks() ?? [];
}

describe('examples/constraints (the constraint exerciser under jsdom)', () => {
  test('lists the supported constraints, starts with the typed constraints and shows the real settings', async () => {
    const { page, md } = await open();
    try {
      const supported = md.mediaDevices.getSupportedConstraints() as unknown as Record<string, boolean>;
      assert.deepEqual(page.supported(), Object.keys(supported).filter((k) => supported[k]).sort());
      page.type('video', { width: { min: 640, ideal: 1280 }, height: { ideal: 720 } });
      page.type('audio', { channelCount: 1 });
      const lines = await page.press('start');
      assert.deepEqual(lines, [{ text: 'Started: audio "Mic", video "Cam"', error: false }]);
      const [audio] = tracksOf(page).filter((t) => t.kind === 'audio');
      const [video] = tracksOf(page).filter((t) => t.kind === 'video');
      assert.equal(video!.getSettings().width, 1280);
      assert.deepEqual(page.settings('video'), JSON.parse(JSON.stringify(video!.getSettings())));
      assert.deepEqual(page.settings('audio'), JSON.parse(JSON.stringify(audio!.getSettings())));
      assert.equal(page.disabled('start'), true);
      assert.equal(page.disabled('apply'), false);

      // Apply: the track changes and the page shows it.
      page.type('video', { width: 640, height: 360 });
      const applied = await page.press('apply', 2);
      assert.deepEqual(applied.map((l) => l.error), [false, false]);
      assert.deepEqual([page.settings('video')!.width, page.settings('video')!.height], [640, 360]);
      assert.equal(video!.getSettings().width, 640);

      // An impossible exact value: OverconstrainedError naming the constraint; the track keeps its settings.
      page.type('video', { width: { exact: 100000 } });
      const failed = await page.press('apply', 2);
      const videoLine = failed.find((l) => l.text.includes('video track'))!;
      assert.equal(videoLine.error, true);
      assert.match(videoLine.text, /OverconstrainedError: no setting satisfies constraint "width"/);
      assert.equal(page.settings('video')!.width, 640);

      const stopped = await page.press('stop');
      assert.deepEqual(stopped, [{ text: 'Stopped.', error: false }]);
      assert.equal(video!.readyState, 'ended');
      assert.equal(audio!.readyState, 'ended');
      assert.equal(page.settings('video'), null);
    } finally {
      page.close();
      md.controller.unload();
    }
  });

  test('bad JSON opens nothing; an unsatisfiable getUserMedia is reported with its constraint', async () => {
    const { page, md } = await open();
    try {
      page.type('video', '{ width: 640 ');
      const bad = await page.press('start');
      assert.equal(bad.length, 1);
      assert.equal(bad[0]!.error, true);
      assert.match(bad[0]!.text, /^The video constraints are not valid JSON/);
      assert.deepEqual(tracksOf(page), []);
      assert.equal(page.disabled('start'), false);

      page.type('video', { deviceId: { exact: 'no-such-camera' } });
      const over = await page.press('start');
      assert.equal(over[0]!.error, true);
      // mediacapture-main#dom-mediadevices-getusermedia (Constraint Failure): the constraint is ""
      // while device information cannot be exposed.
      assert.equal(over[0]!.text, 'getUserMedia failed: OverconstrainedError: no device satisfies the constraints (which one failed is not exposed yet)');
      assert.deepEqual(tracksOf(page), []);

      // Video only: an empty audio box means audio: false.
      page.type('video', { height: 720 });
      page.type('audio', '');
      await page.press('start');
      assert.deepEqual(tracksOf(page).map((t) => t.kind), ['video']);
      assert.equal(page.settings('audio'), null);
      assert.equal(page.settings('video')!.height, 720);
    } finally {
      page.close();
      md.controller.unload();
    }
  });

  test('run.mjs drives the page on the default devices and exits on its own', () => {
    const r = spawnSync(process.execPath, [runner], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Started: audio "[^"]+", video "[^"]+"/);
    assert.match(r.stdout, /video settings: \{"width":640,"height":360/);
    assert.match(r.stdout, /! applyConstraints on the video track failed: OverconstrainedError: no setting satisfies constraint "width"/);
    assert.match(r.stdout, /Stopped\./);
  });
});
