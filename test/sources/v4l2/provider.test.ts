import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../src/media/clock.js';
import { V4l2Provider, V4l2Source, cameraOpenFailureReason } from '../../../src/sources/v4l2/provider.js';
import { DeviceOpenError } from '../../../src/sources/types.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';
import { Recorder } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-v4l2-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const REPORT = `[video4linux2,v4l2 @ 0x5600c1d2a480] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 4x2
/dev/video0: Immediate exit requested
`;

/** A device directory holding fake nodes, and a sysfs directory with their names. */
function fakeMachine(nodes: Record<string, string | null>) {
  const dev = mkdtempSync(join(dir, 'dev-'));
  const sys = mkdtempSync(join(dir, 'sys-'));
  for (const [node, name] of Object.entries(nodes)) {
    writeFileSync(join(dev, node), '');
    if (name !== null) {
      mkdirSync(join(sys, node));
      writeFileSync(join(sys, node, 'name'), `${name}\n`);
    }
  }
  return { dev, sys };
}

/**
 * A stand-in for ffmpeg: reads -video_size, writes `frames` I420 frames whose bytes all equal the
 * frame index (in pieces, to exercise reassembly), then either exits or waits to be killed.
 */
function fakeFfmpeg(name: string, frames: number, exitAfter: boolean): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/usr/bin/env node
const args = process.argv.slice(2);
const [w, h] = args[args.indexOf('-video_size') + 1].split('x').map(Number);
const size = w * h + 2 * Math.ceil(w / 2) * Math.ceil(h / 2);
let k = 0;
const next = () => {
  if (k === ${frames}) { if (${exitAfter}) { process.stderr.write('Device disconnected'); process.exit(1); } setInterval(() => {}, 1000); return; }
  const frame = Buffer.alloc(size, k++);
  process.stdout.write(frame.subarray(0, 5));
  process.stdout.write(frame.subarray(5), () => setTimeout(next, 5));
};
next();
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('no /dev/video* nodes: no cameras', async () => {
  const { dev, sys } = fakeMachine({});
  let ran = 0;
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => (ran++, REPORT) });
  assert.deepEqual(await p.list(), []);
  assert.equal(ran, 0);
  assert.deepEqual(await new V4l2Provider({ devDir: join(dir, 'no-such-dir') }).list(), []);
});

test('this machine: with no /dev/video* nodes the real provider lists nothing', async (t) => {
  const nodes = readdirSync('/dev').filter((n) => /^video\d+$/.test(n));
  if (nodes.length > 0) return t.skip(`this machine has camera nodes (${nodes.join(', ')})`);
  assert.deepEqual(await new V4l2Provider().list(), []);
});

test('cameras are listed in node order with sysfs labels; non-capture nodes are left out', async () => {
  const { dev, sys } = fakeMachine({ video0: 'Integrated Camera: Integrated C', video1: 'Integrated Camera: metadata', video10: null });
  const seen: string[] = [];
  const run = async (_cmd: string, args: readonly string[]) => {
    const node = args[args.indexOf('-i') + 1]!;
    seen.push(node);
    return node.endsWith('video1') ? '[video4linux2,v4l2 @ 0x1] Not a video capture device.\n' : REPORT;
  };
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run });
  const list = await p.list();
  assert.deepEqual(list.map((d) => d.label), ['Integrated Camera: Integrated C', 'video10']);
  assert.deepEqual(list.map((d) => d.isDefault), [true, false]);
  assert.deepEqual(list[0]!.video!.modes, [
    { width: 640, height: 480, frameRate: 30 },
    { width: 4, height: 2, frameRate: 30 },
  ]);
  assert.notEqual(list[0]!.groupKey, list[1]!.groupKey);
  assert.equal(seen.length, 3);
  // A second listing reuses what it learnt (no ffmpeg runs for nodes already seen).
  await p.list();
  assert.equal(seen.length, 3);
});

test('capture assembles whole I420 frames from the byte stream; stop kills ffmpeg', async () => {
  const { dev, sys } = fakeMachine({ video0: 'Cam' });
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => REPORT, ffmpeg: fakeFfmpeg('ffmpeg-live', 4, false) });
  const [cam] = await p.list();
  const clock = new VirtualClock();
  const source = (await p.open(cam!, { kind: 'video', mode: { width: 4, height: 2, frameRate: 30 } }, clock)) as V4l2Source;
  const pid = source.pid!;
  assert.ok(alive(pid));
  const frames: number[][] = [];
  const rec = new Recorder<VideoFrame>(true);
  const out = source.createOutput(null);
  out.subscribe(rec);
  try {
    await until('three frames', () => rec.frames.length >= 3);
  } catch (e) {
    source.stop();
    throw e;
  }
  rec.frames.forEach((f, n) => assert.equal(f.timestamp, Math.round((n * 1e6) / 30)));
  for (const f of rec.frames) {
    assert.equal(f.format, 'I420');
    assert.equal(f.codedWidth, 4);
    assert.equal(f.codedHeight, 2);
    const buf = new Uint8Array(f.allocationSize());
    await f.copyTo(buf);
    frames.push([...buf]);
  }
  // Frame k of the stream has every byte equal to k, though it arrived in two pieces.
  frames.forEach((bytes, i) => assert.deepEqual(bytes, new Array(12).fill(i)));
  rec.closeAll();
  out.close();
  await until('ffmpeg to exit', () => !alive(pid));
  source.stop();
});

test('ffmpeg exiting by itself ends the source', async () => {
  const { dev, sys } = fakeMachine({ video0: 'Cam' });
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => REPORT, ffmpeg: fakeFfmpeg('ffmpeg-unplug', 2, true) });
  const [cam] = await p.list();
  const source = await p.open(cam!, { kind: 'video', mode: { width: 4, height: 2, frameRate: 30 } }, new VirtualClock());
  let reason = '';
  source.observer = { ended: (r) => (reason = r) };
  const rec = new Recorder<VideoFrame>();
  source.createOutput(null).subscribe(rec);
  await until('the source to end', () => reason !== '');
  assert.match(reason, /Device disconnected/);
  assert.equal(rec.ended, 1);
});

test('a device that cannot be opened rejects with DeviceOpenError', async () => {
  const { dev, sys } = fakeMachine({ video0: 'Cam' });
  const failing = join(dir, 'ffmpeg-busy');
  writeFileSync(failing, "#!/bin/sh\necho '[video4linux2,v4l2 @ 0x1] ioctl(VIDIOC_STREAMON): Device or resource busy' >&2\nexit 1\n");
  chmodSync(failing, 0o755);
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => REPORT, ffmpeg: failing });
  const [cam] = await p.list();
  await assert.rejects(p.open(cam!, { kind: 'video', mode: cam!.video!.modes[0]! }, new VirtualClock()), (e: unknown) => e instanceof DeviceOpenError && e.reason === 'lock' && /busy/.test(e.message));
  assert.equal(cameraOpenFailureReason('No such file or directory'), 'other');
});

test('a source stopped before any track used it kills its ffmpeg', async () => {
  const { dev, sys } = fakeMachine({ video0: 'Cam' });
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => REPORT, ffmpeg: fakeFfmpeg('ffmpeg-unused', 1, false) });
  const [cam] = await p.list();
  const source = (await p.open(cam!, { kind: 'video', mode: { width: 4, height: 2, frameRate: 30 } }, new VirtualClock())) as V4l2Source;
  const pid = source.pid!;
  assert.ok(alive(pid));
  source.stop();
  await until('ffmpeg to exit', () => !alive(pid));
});

test('a camera node appearing is reported by watch() and listed afterwards', async () => {
  const { dev, sys } = fakeMachine({});
  const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => REPORT });
  assert.deepEqual(await p.list(), []);
  let changes = 0;
  const stop = p.watch(() => changes++);
  try {
    writeFileSync(join(dev, 'not-a-camera'), '');
    writeFileSync(join(dev, 'video4'), '');
    await until('a change report', () => changes > 0);
    const list = await p.list();
    assert.deepEqual(list.map((d) => d.label), ['video4']);
    rmSync(join(dev, 'video4'));
    await until('a second change report', () => changes > 1);
    assert.deepEqual(await p.list(), []);
  } finally {
    stop();
  }
});
