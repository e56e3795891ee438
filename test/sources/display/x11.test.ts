/**
 * The X11 display source against a real X server: Xvfb on a free display number (it picks one
 * itself through -displayfd), grabbed by ffmpeg's x11grab. Skipped, with the reason printed, when
 * Xvfb or ffmpeg (with x11grab) is not installed.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { X11DisplayProvider, X11DisplaySource, parseX11GrabSize, x11GrabArguments } from '../../../src/sources/display/x11.js';
import { createMediaDevices } from '../../../src/devices/create-media-devices.js';
import { getTrackOutput, getTrackSource } from '../../../src/stream/internals.js';
import { RealClock } from '../../../src/media/clock.js';
import type { MediaStreamTrack } from '../../../src/stream/media-stream-track.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';
import { i420Planes } from '../helpers.js';

function hasX11Grab(): boolean {
  try {
    return /x11grab/.test(execFileSync('ffmpeg', ['-hide_banner', '-devices'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}
function hasXvfb(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v Xvfb'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = !hasX11Grab() ? 'ffmpeg with x11grab is not installed (apt-get install ffmpeg)' : !hasXvfb() ? 'Xvfb is not installed (apt-get install xvfb)' : false;
if (skip) console.log(`# x11 display: skipped: ${skip}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('parseX11GrabSize reads the screen size from an x11grab report', () => {
  const report = `Input #0, x11grab, from ':0':
  Duration: N/A, start: 1796561960.805321, bitrate: 294617 kb/s
  Stream #0:0: Video: rawvideo (BGR[0] / 0x524742), bgr0, 1366x768, 294617 kb/s, 29.97 fps, 29.92 tbr, 1000k tbn
Output #0, null, to 'pipe:':
  Stream #0:0: Video: wrapped_avframe, bgr0(progressive), 640x480, q=2-31`;
  assert.deepEqual(parseX11GrabSize(report), { width: 1366, height: 768 });
  assert.equal(parseX11GrabSize("[x11grab @ 0x55] Cannot open display :9, error 1.\n:9: Input/output error"), null);
  assert.equal(parseX11GrabSize(''), null);
});

test('x11grab arguments follow the cursor mode, size and rate', () => {
  const args = x11GrabArguments(':5', 640, 480, 15, 'never');
  assert.equal(args[args.indexOf('-draw_mouse') + 1], '0');
  assert.equal(args[args.indexOf('-video_size') + 1], '640x480');
  assert.equal(args[args.indexOf('-framerate') + 1], '15');
  assert.equal(args[args.indexOf('-i') + 1], ':5');
  assert.equal(x11GrabArguments(':5', 640, 480, 15, 'always')[x11GrabArguments(':5', 640, 480, 15, 'always').indexOf('-draw_mouse') + 1], '1');
});

test('no DISPLAY and no x11Display: no screen, with the reason', async () => {
  const p = new X11DisplayProvider({ display: '' });
  assert.deepEqual(await p.list(), []);
  assert.match(p.problem, /DISPLAY/);
});

test('a runner that cannot start ffmpeg: no screen', async () => {
  const p = new X11DisplayProvider({ display: ':3', run: async () => ({ code: null, stderr: 'spawn ffmpeg ENOENT' }) });
  assert.deepEqual(await p.list(), []);
  assert.match(p.problem, /cannot run ffmpeg/);
});

describe('X11 screen under Xvfb', { skip }, () => {
  let xvfb: ChildProcess | null = null;
  let display = '';

  before(async () => {
    // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it accepts clients.
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp', '-br'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    xvfb = child;
    display = await new Promise<string>((resolve, reject) => {
      let text = '';
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      child.stdio[3]!.on('data', (b: Buffer) => {
        text += b.toString();
        if (text.includes('\n')) resolve(`:${text.trim()}`);
      });
      child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${err}`)));
      setTimeout(() => reject(new Error(`Xvfb did not start: ${err}`)), 15000).unref();
    });
  });

  after(async () => {
    const child = xvfb;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('the provider lists the screen at the Xvfb size', async () => {
    const p = new X11DisplayProvider({ display, frameRate: 20 });
    const [screen] = await p.list();
    assert.ok(screen, p.problem);
    assert.deepEqual([screen.width, screen.height, screen.frameRate, screen.displaySurface], [640, 480, 20, 'monitor']);
    assert.deepEqual([...screen.cursor], ['always', 'never']);
  });

  test('getDisplayMedia gives frames of the screen size; stopping the track ends ffmpeg', async () => {
    const { mediaDevices } = createMediaDevices({ clock: new RealClock(), display: { source: 'x11', x11Display: display, frameRate: 20 } });
    const stream = await mediaDevices.getDisplayMedia({ video: true });
    const [track] = stream.getVideoTracks() as MediaStreamTrack[];
    const settings = track!.getSettings();
    assert.deepEqual([settings.width, settings.height, settings.displaySurface, settings.cursor], [640, 480, 'monitor', 'always']);
    const engine = getTrackSource(track!) as X11DisplaySource;
    assert.ok(engine instanceof X11DisplaySource);
    const pid = engine.pid!;
    assert.ok(pid > 0 && alive(pid));
    const sizes: string[] = [];
    const unsubscribe = getTrackOutput(track!).subscribe({
      frame: (f: unknown) => {
        const frame = f as VideoFrame;
        sizes.push(`${frame.codedWidth}x${frame.codedHeight}`);
        frame.close();
      },
      end() {},
    });
    await until('three frames', () => sizes.length >= 3);
    unsubscribe();
    assert.ok(sizes.every((s) => s === '640x480'), sizes.join());
    // A clone shares the capture: stopping the original keeps ffmpeg, stopping both ends it.
    const clone = track!.clone();
    track!.stop();
    assert.equal(alive(pid), true);
    assert.equal(clone.readyState, 'live');
    clone.stop();
    await until('ffmpeg to exit', () => !alive(pid));
    assert.equal(engine.pid, null);
  });

  test('constraints downscale the screen: width 320 gives 320x240 frames', async () => {
    const { mediaDevices } = createMediaDevices({ clock: new RealClock(), display: { source: 'x11', x11Display: display } });
    const stream = await mediaDevices.getDisplayMedia({ video: { width: 320 } });
    const [track] = stream.getVideoTracks() as MediaStreamTrack[];
    assert.deepEqual([track!.getSettings().width, track!.getSettings().height], [320, 240]);
    const frames: VideoFrame[] = [];
    const unsubscribe = getTrackOutput(track!).subscribe({ frame: (f: unknown) => frames.push(f as VideoFrame), end() {} });
    await until('a frame', () => frames.length >= 1);
    unsubscribe();
    assert.deepEqual([frames[0]!.displayWidth, frames[0]!.displayHeight], [320, 240]);
    for (const f of frames) f.close();
    track!.stop();
  });

  test('cursor "never" leaves the pointer out of the picture; "always" draws it', async () => {
    // -br: a black root window, so only the pointer (at the screen centre) has light pixels.
    const lightPixels = async (cursor: 'never' | 'always'): Promise<number> => {
      const { mediaDevices } = createMediaDevices({ clock: new RealClock(), display: { source: 'x11', x11Display: display } });
      const stream = await mediaDevices.getDisplayMedia({ video: { cursor } });
      const [track] = stream.getVideoTracks() as MediaStreamTrack[];
      assert.equal(track!.getSettings().cursor, cursor);
      const frames: VideoFrame[] = [];
      const unsubscribe = getTrackOutput(track!).subscribe({ frame: (f: unknown) => frames.push(f as VideoFrame), end() {} });
      await until('frames', () => frames.length >= 2);
      unsubscribe();
      const y = (await i420Planes(frames[frames.length - 1]!)).y;
      for (const f of frames) f.close();
      track!.stop();
      let n = 0;
      for (const v of y) if (v > 60) n++;
      return n;
    };
    assert.equal(await lightPixels('never'), 0);
    assert.ok((await lightPixels('always')) > 0);
  });

  test('"auto" picks the X screen when DISPLAY is set; a script that stops its track exits by itself', () => {
    const index = fileURLToPath(new URL('../../../src/index.js', import.meta.url));
    const code = `
import { installPolyfill } from ${JSON.stringify(index)};
installPolyfill({ display: { source: 'auto' } });
const stream = await navigator.mediaDevices.getDisplayMedia({ video: { height: 120 } });
const [track] = stream.getVideoTracks();
const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
const { value } = await reader.read();
console.log('LABEL ' + track.label + ' SIZE ' + value.displayWidth + 'x' + value.displayHeight);
value.close();
reader.releaseLock();
track.stop();
`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DISPLAY: display } });
    assert.equal(r.signal, null, `the script did not exit by itself: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`LABEL X11 screen ${display} SIZE 160x120`));
  });

  test('the X server going away ends the track with an ended event', async () => {
    const { mediaDevices } = createMediaDevices({ clock: new RealClock(), display: { source: 'x11', x11Display: display } });
    const stream = await mediaDevices.getDisplayMedia();
    const [track] = stream.getVideoTracks() as MediaStreamTrack[];
    const pid = (getTrackSource(track!) as X11DisplaySource).pid!;
    const ended = new Promise<void>((resolve) => track!.addEventListener('ended', () => resolve()));
    xvfb!.kill('SIGTERM');
    await ended;
    assert.equal(track!.readyState, 'ended');
    await until('ffmpeg to exit', () => !alive(pid));
  });
});

test('an X display nobody serves: getDisplayMedia rejects with NotFoundError', { skip: hasX11Grab() ? false : 'ffmpeg with x11grab is not installed' }, async () => {
  const { mediaDevices } = createMediaDevices({ clock: new RealClock(), display: { source: 'x11', x11Display: ':987' } });
  await assert.rejects(mediaDevices.getDisplayMedia({ video: true }), (e: unknown) => e instanceof DOMException && e.name === 'NotFoundError');
});
