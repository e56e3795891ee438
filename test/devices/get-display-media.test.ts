/**
 * getDisplayMedia (screen-capture#dom-mediadevices-getdisplaymedia) over the synthetic display,
 * on a virtual clock. The first group mirrors what the web-platform-tests for getDisplayMedia
 * expect (those that need no iframes), written for this harness; the rest covers the error
 * paths, constraints, CaptureController and the source's life-cycle.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, rejection, stopAll, tick, state } from './helpers.js';
import { VirtualClock } from '../../src/media/clock.js';
import { CaptureController, focusChangeOf } from '../../src/devices/capture-controller.js';
import { SyntheticDisplayProvider } from '../../src/sources/display/provider.js';
import { SyntheticDisplaySource } from '../../src/sources/display/synthetic-display.js';
import { DeviceOpenError } from '../../src/sources/types.js';
import type { DisplayProvider } from '../../src/sources/display/types.js';
import { getTrackOutput, getTrackSource } from '../../src/stream/internals.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import type { MediaStream } from '../../src/stream/media-stream.js';
import { OverconstrainedError } from '../../src/errors/overconstrained-error.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import { cursorRect, cursorState } from '../../src/sources/display/desktop.js';
import { i420Planes } from '../sources/helpers.js';

const j = (x: unknown): string => JSON.stringify(x);

/** True if `p` is already rejected with `check` (settled before a resolved promise's reactions). */
async function alreadyRejected(p: Promise<unknown>, check: (e: unknown) => boolean): Promise<void> {
  p.catch(() => undefined);
  const marker = Symbol('pending');
  let outcome: unknown;
  try {
    outcome = await Promise.race([p, Promise.resolve(marker)]);
  } catch (e) {
    assert.ok(check(e), `unexpected rejection ${String(e)}`);
    return;
  }
  assert.fail(outcome === marker ? 'the promise was not already rejected' : 'the promise fulfilled');
}

const isDom = (name: string) => (e: unknown) => e instanceof DOMException && e.name === name;
const isTypeError = (e: unknown) => e instanceof TypeError;

function videoTrack(stream: MediaStream): MediaStreamTrack {
  const [t] = stream.getVideoTracks() as MediaStreamTrack[];
  assert.ok(t);
  return t;
}

/** Records the frames a track delivers (keeps them). */
function record(track: MediaStreamTrack): { frames: VideoFrame[]; stop(): void } {
  const frames: VideoFrame[] = [];
  const unsubscribe = getTrackOutput(track).subscribe({ frame: (f: unknown) => frames.push(f as VideoFrame), end() {} });
  return {
    frames,
    stop() {
      unsubscribe();
      for (const f of frames) f.close();
    },
  };
}

describe('getDisplayMedia: what the web-platform-tests expect', () => {
  test('getDisplayMedia is an operation of MediaDevices', () => {
    const { mediaDevices } = setup();
    assert.equal(typeof mediaDevices.getDisplayMedia, 'function');
    const proto = Object.getPrototypeOf(mediaDevices);
    assert.ok(Object.getOwnPropertyDescriptor(proto, 'getDisplayMedia')!.enumerable);
    assert.equal(mediaDevices.getDisplayMedia.length, 0);
  });

  test('requires user activation: an already-rejected InvalidStateError without it', async () => {
    const { mediaDevices, controller } = setup({ document: { requireUserActivation: true } });
    await alreadyRejected(mediaDevices.getDisplayMedia({ video: true }), isDom('InvalidStateError'));
    controller.activate();
    stopAll(await mediaDevices.getDisplayMedia({ video: true }));
    // Transient activation lasts a few seconds on the document's clock.
    (controller.clock as VirtualClock).advance(6000);
    await alreadyRejected(mediaDevices.getDisplayMedia({ video: true }), isDom('InvalidStateError'));
  });

  for (const constraints of [{ video: true }, { video: true, audio: false }, { audio: false }, { audio: true }, {}, undefined]) {
    test(`getDisplayMedia(${j(constraints)}) succeeds with one video track`, async () => {
      const { mediaDevices } = setup();
      const stream = await mediaDevices.getDisplayMedia(constraints);
      assert.equal(stream.getTracks().length, 1);
      assert.equal(stream.getVideoTracks().length, 1);
      assert.equal(stream.getAudioTracks().length, 0);
      stopAll(stream);
    });
  }

  for (const constraints of [
    { video: false },
    { video: { advanced: [{ width: 320 }] } },
    { video: { width: { min: 320 } } },
    { video: { width: { exact: 320 } } },
    { video: { height: { min: 240 } } },
    { video: { height: { exact: 240 } } },
    { video: { frameRate: { min: 4 } } },
    { video: { frameRate: { exact: 4 } } },
    { video: false, audio: true },
  ]) {
    test(`getDisplayMedia(${j(constraints)}) is an already-rejected TypeError`, async () => {
      const { mediaDevices } = setup();
      await alreadyRejected(mediaDevices.getDisplayMedia(constraints), isTypeError);
    });
  }

  test('getDisplayMedia({video: true, audio: true}) gives one video track and at most one audio track', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: true, audio: true });
    assert.equal(stream.getVideoTracks().length, 1);
    assert.ok(stream.getAudioTracks().length <= 1);
    stopAll(stream);
  });

  for (const c of [
    { width: { max: 360 } },
    { height: { max: 240 } },
    { width: { max: 360 }, height: { max: 240 } },
    { frameRate: { max: 4 } },
    { frameRate: { max: 4 }, width: { max: 360 } },
    { frameRate: { max: 4 }, height: { max: 240 } },
    { frameRate: { max: 4 }, width: { max: 360 }, height: { max: 240 } },
  ]) {
    test(`getDisplayMedia({video: ${j(c)}}) is constrained`, async () => {
      const { mediaDevices } = setup();
      const stream = await mediaDevices.getDisplayMedia({ video: c });
      const { width, height, frameRate } = videoTrack(stream).getSettings();
      assert.ok(width! >= 1 && height! >= 1 && frameRate! >= 1);
      if (c.width) assert.ok(width! <= c.width.max, `width ${width}`);
      if (c.height) assert.ok(height! <= c.height.max, `height ${height}`);
      if (c.frameRate) assert.ok(frameRate! <= c.frameRate.max, `frameRate ${frameRate}`);
      // The largest size within the limits, at the display's aspect ratio (16:9).
      if (c.width && !c.height) assert.deepEqual([width, height], [360, 203]);
      if (c.height) assert.deepEqual([width, height], c.width ? [360, 203] : [427, 240]);
      stopAll(stream);
    });
  }

  const someSizes: ({ width: number } | { height: number })[] = [{ width: 160 }, { height: 120 }, { width: 80 }, { height: 60 }, { width: 158 }, { height: 118 }];
  for (const c of someSizes) {
    test(`getDisplayMedia({video: ${j(c)}}) is downscaled precisely`, async () => {
      const { mediaDevices } = setup();
      const stream = await mediaDevices.getDisplayMedia({ video: c });
      const { width, height, frameRate } = videoTrack(stream).getSettings();
      if ('width' in c) assert.equal(width, c.width);
      else assert.equal(height, c.height);
      // The other side follows the 16:9 display, to the nearest pixel.
      if ('width' in c) assert.equal(height, Math.round((c.width * 9) / 16));
      else assert.equal(width, Math.round((c.height * 16) / 9));
      assert.ok(frameRate! >= 1);
      stopAll(stream);
    });
  }

  test('applyConstraints(width or height) downscales precisely', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: { height: 240 } });
    const track = videoTrack(stream);
    assert.equal(track.getSettings().height, 240);
    for (const c of someSizes) {
      await track.applyConstraints(c);
      const { width, height } = track.getSettings();
      if ('width' in c) assert.equal(width, c.width);
      else assert.equal(height, c.height);
    }
    stopAll(stream);
  });

  for (const c of [
    { video: { width: { max: 0 } } },
    { video: { height: { max: 0 } } },
    { video: { frameRate: { max: 0 } } },
    { video: { width: { max: -1 } } },
    { video: { height: { max: -1 } } },
    { video: { frameRate: { max: -1 } } },
  ]) {
    test(`getDisplayMedia(${j(c)}) fails with OverconstrainedError`, async () => {
      const { mediaDevices } = setup();
      const e = await rejection(mediaDevices.getDisplayMedia(c));
      assert.ok(e instanceof OverconstrainedError, String(e));
      assert.equal((e as OverconstrainedError).name, 'OverconstrainedError');
      assert.equal((e as OverconstrainedError).constraint, Object.keys(c.video)[0]);
    });
  }

  test('resolves with a live, enabled video track that stop() ends', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: true });
    const track = videoTrack(stream);
    assert.deepEqual([track.kind, track.enabled, track.readyState], ['video', true, 'live']);
    track.stop();
    assert.equal(track.readyState, 'ended');
  });

  test('getSettings: displaySurface, logicalSurface, cursor; a deviceId equal to the capability; no facingMode', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: true });
    const track = videoTrack(stream);
    const settings = track.getSettings();
    const caps = track.getCapabilities();
    assert.ok(['monitor', 'window', 'browser'].includes(settings.displaySurface!));
    assert.ok([true, false].includes(settings.logicalSurface!));
    assert.ok(['never', 'always', 'motion'].includes(settings.cursor!));
    assert.ok('deviceId' in settings);
    assert.equal(caps.deviceId, settings.deviceId);
    assert.equal('facingMode' in settings, false);
    assert.equal('facingMode' in caps, false);
    stopAll(stream);
  });

  for (const displaySurface of ['monitor', 'browser', 'window']) {
    test(`getDisplayMedia({video: {displaySurface: "${displaySurface}"}}) succeeds (it only orders the choices)`, async () => {
      const { mediaDevices } = setup();
      const stream = await mediaDevices.getDisplayMedia({ video: { displaySurface } });
      assert.equal(stream.getTracks().length, 1);
      assert.equal(stream.getVideoTracks().length, 1);
      assert.equal(videoTrack(stream).getSettings().displaySurface, 'monitor');
      stopAll(stream);
    });
  }

  test('adheres to frameRate: {width: 160, frameRate: 5} gives 5 frames a second of 160x90', async () => {
    const { mediaDevices, controller } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: { width: 160, frameRate: 5 } });
    const track = videoTrack(stream);
    const rec = record(track);
    (controller.clock as VirtualClock).advance(10_000);
    assert.equal(rec.frames.length, 50);
    assert.ok(rec.frames.every((f) => f.displayWidth === 160 && f.displayHeight === 90));
    rec.stop();
    stopAll(stream);
  });
});

describe('getDisplayMedia: frames, settings and capabilities', () => {
  test('frames of the synthetic display size, 1920x1080 at 30 fps by default', async () => {
    const { mediaDevices, controller } = setup();
    const stream = await mediaDevices.getDisplayMedia();
    const track = videoTrack(stream);
    assert.deepEqual(
      [track.getSettings().width, track.getSettings().height, track.getSettings().frameRate, track.getSettings().resizeMode, track.label],
      [1920, 1080, 30, 'none', 'Synthetic Screen'],
    );
    const rec = record(track);
    (controller.clock as VirtualClock).advance(1000);
    assert.equal(rec.frames.length, 30);
    assert.ok(rec.frames.every((f) => f.codedWidth === 1920 && f.codedHeight === 1080));
    rec.stop();
    stopAll(stream);
  });

  test('a configured display size; constraints downscale it, never upscale', async () => {
    const { mediaDevices, controller } = setup({ display: { width: 1280, height: 800, frameRate: 20 } });
    const stream = await mediaDevices.getDisplayMedia({ video: { width: 640 } });
    const track = videoTrack(stream);
    assert.deepEqual([track.getSettings().width, track.getSettings().height, track.getSettings().frameRate], [640, 400, 20]);
    const rec = record(track);
    (controller.clock as VirtualClock).advance(500);
    assert.equal(rec.frames.length, 10);
    assert.ok(rec.frames.every((f) => f.displayWidth === 640 && f.displayHeight === 400));
    rec.stop();
    await track.applyConstraints({ width: 4000, frameRate: 120 });
    assert.deepEqual([track.getSettings().width, track.getSettings().height, track.getSettings().frameRate], [1280, 800, 20]);
    stopAll(stream);
  });

  test('capabilities: the display size and rate as maxima, the current aspect ratio, the cursor modes', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: { height: 360 } });
    const caps = videoTrack(stream).getCapabilities() as Record<string, unknown>;
    assert.deepEqual(caps.width, { min: 1, max: 1920 });
    assert.deepEqual(caps.height, { min: 1, max: 1080 });
    assert.deepEqual(caps.frameRate, { min: 1, max: 30 });
    const ratio = videoTrack(stream).getSettings().aspectRatio;
    assert.deepEqual(caps.aspectRatio, { min: ratio, max: ratio });
    assert.deepEqual(caps.resizeMode, ['none', 'crop-and-scale']);
    assert.deepEqual(caps.cursor, ['never', 'always', 'motion']);
    assert.equal(caps.displaySurface, 'monitor');
    assert.equal(caps.logicalSurface, true);
    assert.deepEqual(
      Object.keys(videoTrack(stream).getSettings()).sort(),
      ['aspectRatio', 'cursor', 'deviceId', 'displaySurface', 'frameRate', 'height', 'logicalSurface', 'resizeMode', 'screenPixelRatio', 'width'],
    );
    stopAll(stream);
  });

  test('the cursor constraint picks the cursor mode; "never" keeps the cursor out of the frames', async () => {
    const clock = new VirtualClock();
    const { mediaDevices } = setup({ clock, display: { width: 320, height: 180, frameRate: 10 } });
    const never = videoTrack(await mediaDevices.getDisplayMedia({ video: { cursor: 'never' } }));
    const always = videoTrack(await mediaDevices.getDisplayMedia({ video: { cursor: 'always' } }));
    assert.equal(never.getSettings().cursor, 'never');
    assert.equal(always.getSettings().cursor, 'always');
    const rn = record(never), ra = record(always);
    clock.advance(500);
    const n = await i420Planes(rn.frames[3]!), a = await i420Planes(ra.frames[3]!);
    const source = getTrackSource(always) as SyntheticDisplaySource;
    const c = cursorState(source.layout, 300, 'always');
    const rect = cursorRect(source.layout, c.x, c.y);
    let inside = 0, outside = 0;
    for (let y = 0; y < 180; y++) {
      for (let x = 0; x < 320; x++) {
        if (n.y[y * 320 + x] === a.y[y * 320 + x]) continue;
        if (x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h) inside++;
        else outside++;
      }
    }
    assert.ok(inside > 0, 'the "always" track shows the cursor');
    assert.equal(outside, 0, 'the two tracks differ only where the cursor is');
    // applyConstraints switches the cursor off for the next frames.
    await always.applyConstraints({ cursor: 'never' });
    assert.equal(always.getSettings().cursor, 'never');
    assert.equal(source.cursor, 'never');
    rn.stop();
    ra.stop();
    never.stop();
    always.stop();
  });

  test('a clone shares the source: it cannot change the cursor alone, and the source stops with the last track', async () => {
    const clock = new VirtualClock();
    const provider = new SyntheticDisplayProvider({ width: 320, height: 180 });
    const { mediaDevices } = setup({ clock, display: [provider] });
    const track = videoTrack(await mediaDevices.getDisplayMedia());
    const clone = track.clone() as MediaStreamTrack;
    assert.equal(getTrackSource(clone), getTrackSource(track));
    assert.deepEqual(clone.getSettings(), track.getSettings());
    // Each track downscales on its own.
    await clone.applyConstraints({ width: 160 });
    assert.deepEqual([clone.getSettings().width, track.getSettings().width], [160, 320]);
    const e = await rejection(clone.applyConstraints({ cursor: { exact: 'never' } }));
    assert.ok(e instanceof OverconstrainedError && e.constraint === 'cursor', String(e));
    track.stop();
    assert.equal(provider.openSources.length, 1);
    const rec = record(clone);
    clock.advance(100);
    assert.equal(rec.frames.length, 3);
    assert.equal(rec.frames[0]!.displayWidth, 160);
    rec.stop();
    clone.stop();
    assert.equal(provider.openSources.length, 0);
    assert.equal(clock.pendingTimers, 0, 'no producer timer is left');
  });

  test('display surfaces are not enumerated, and capturing one exposes no camera information', async () => {
    const { mediaDevices } = setup();
    const before = await mediaDevices.enumerateDevices();
    const stream = await mediaDevices.getDisplayMedia();
    const after = await mediaDevices.enumerateDevices();
    assert.deepEqual(after.map((d) => d.toJSON()), before.map((d) => d.toJSON()));
    const id = videoTrack(stream).getSettings().deviceId;
    assert.ok(after.every((d) => d.deviceId !== id));
    stopAll(stream);
  });

  test('MEDIACAPTURE_DEVICES can configure the display ("display" member), and bad values are TypeErrors', async () => {
    const saved = process.env.MEDIACAPTURE_DEVICES;
    try {
      process.env.MEDIACAPTURE_DEVICES = JSON.stringify({ cameras: 0, display: { width: 800, height: 600, frameRate: 15 } });
      const { mediaDevices } = setup();
      const stream = await mediaDevices.getDisplayMedia();
      const s = videoTrack(stream).getSettings();
      assert.deepEqual([s.width, s.height, s.frameRate], [800, 600, 15]);
      stopAll(stream);
      assert.equal((await mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length, 0);
      process.env.MEDIACAPTURE_DEVICES = JSON.stringify({ display: { width: -4 } });
      assert.throws(() => setup(), /MEDIACAPTURE_DEVICES\.display\.width/);
    } finally {
      if (saved === undefined) delete process.env.MEDIACAPTURE_DEVICES;
      else process.env.MEDIACAPTURE_DEVICES = saved;
    }
    assert.throws(() => setup({ display: { source: 'screen' as never } }), /display\.source/);
    assert.throws(() => setup({ display: { frameRate: 0 } }), /display\.frameRate/);
    assert.throws(() => setup({ display: { displaySurface: 'tab' as never } }), /display\.displaySurface/);
  });

  test('an inaccessible surface mutes its tracks (black frames), a closed one ends them', async () => {
    const clock = new VirtualClock();
    const provider = new SyntheticDisplayProvider({ width: 64, height: 36, frameRate: 10 });
    const { mediaDevices } = setup({ clock, display: [provider] });
    const track = videoTrack(await mediaDevices.getDisplayMedia());
    const events: string[] = [];
    for (const type of ['mute', 'unmute', 'ended']) track.addEventListener(type, () => events.push(type));
    const rec = record(track);
    provider.setAccessible(false);
    assert.equal(track.muted, false, 'the muted state changes in a queued task');
    await tick();
    assert.equal(track.muted, true);
    clock.advance(200);
    const black = await i420Planes(rec.frames[rec.frames.length - 1]!);
    assert.ok(black.y.every((v) => v === 16), 'muted tracks get black frames');
    provider.setAccessible(true);
    await tick();
    clock.advance(200);
    const lit = await i420Planes(rec.frames[rec.frames.length - 1]!);
    assert.ok(lit.y.some((v) => v !== 16));
    provider.closeSurface();
    await tick();
    assert.deepEqual(events, ['mute', 'unmute', 'ended']);
    assert.equal(track.readyState, 'ended');
    assert.equal(provider.openSources.length, 0);
    assert.equal(clock.pendingTimers, 0);
    rec.stop();
  });

  test('unloading the document ends the display capture', async () => {
    const provider = new SyntheticDisplayProvider({ width: 64, height: 36 });
    const { mediaDevices, controller } = setup({ display: [provider] });
    const track = videoTrack(await mediaDevices.getDisplayMedia());
    controller.unload();
    assert.equal(track.readyState, 'ended');
    assert.equal(provider.openSources.length, 0);
  });
});

describe('getDisplayMedia: audio shared with the surface', () => {
  test('by default no surface shares audio: {video: true, audio: true} gives video only', async () => {
    const { mediaDevices } = setup();
    const stream = await mediaDevices.getDisplayMedia({ video: true, audio: true });
    assert.deepEqual(stream.getTracks().map((t) => t.kind), ['video']);
    stopAll(stream);
  });

  test('a synthetic display with system audio: one audio track of a 48 kHz stereo chord', async () => {
    const clock = new VirtualClock();
    const { mediaDevices } = setup({ clock, display: { width: 64, height: 36, audio: true } });
    const stream = await mediaDevices.getDisplayMedia({ video: true, audio: true });
    assert.deepEqual(stream.getTracks().map((t) => t.kind), ['video', 'audio']);
    const [audio] = stream.getAudioTracks() as MediaStreamTrack[];
    const settings = audio!.getSettings();
    assert.deepEqual(
      [settings.sampleRate, settings.channelCount, settings.restrictOwnAudio, settings.suppressLocalAudioPlayback],
      [48000, 2, false, false],
    );
    assert.equal(typeof settings.deviceId, 'string');
    assert.notEqual(settings.deviceId, videoTrack(stream).getSettings().deviceId);
    assert.equal(audio!.getCapabilities().deviceId, settings.deviceId);
    let peak = 0, frames = 0, channels = 0;
    const unsubscribe = getTrackOutput(audio!).subscribe({
      frame: (f: unknown) => {
        const data = f as import('../../src/media/audio-data.js').AudioData;
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
        for (const v of plane) peak = Math.max(peak, Math.abs(v));
        frames += data.numberOfFrames;
        channels = data.numberOfChannels;
        data.close();
      },
      end() {},
    });
    clock.advance(1000);
    unsubscribe();
    assert.equal(frames, 48000);
    assert.equal(channels, 2);
    assert.ok(peak > 0.2 && peak <= 0.25 + 1e-6, `peak ${peak}`);
    // The tracks stop separately.
    audio!.stop();
    assert.equal(videoTrack(stream).readyState, 'live');
    stopAll(stream);
    assert.equal(clock.pendingTimers, 0);
  });

  test('no audio track unless audio is asked for and offered (systemAudio / windowAudio "exclude")', async () => {
    const { mediaDevices } = setup({ display: { width: 64, height: 36, audio: true } });
    for (const options of [{ video: true }, { audio: false }, { audio: true, systemAudio: 'exclude' as const }]) {
      const stream = await mediaDevices.getDisplayMedia(options);
      assert.deepEqual(stream.getTracks().map((t) => t.kind), ['video'], j(options));
      stopAll(stream);
    }
    // windowAudio is the hint for window surfaces; systemAudio for monitors.
    const windowed = setup({ display: { width: 64, height: 36, audio: true, displaySurface: 'window' } }).mediaDevices;
    const excluded = await windowed.getDisplayMedia({ audio: true, windowAudio: 'exclude', systemAudio: 'include' });
    assert.equal(excluded.getAudioTracks().length, 0);
    stopAll(excluded);
    const included = await windowed.getDisplayMedia({ audio: true, systemAudio: 'exclude' });
    assert.equal(included.getAudioTracks().length, 1);
    stopAll(included);
  });

  test('restrictOwnAudio and suppressLocalAudioPlayback are constrainable; min/exact on them are TypeErrors', async () => {
    const { mediaDevices } = setup({ display: { width: 64, height: 36, audio: true } });
    const stream = await mediaDevices.getDisplayMedia({ audio: { restrictOwnAudio: true, sampleRate: { exact: 8000 } } });
    const [audio] = stream.getAudioTracks() as MediaStreamTrack[];
    // getUserMedia's constraints do not apply to display tracks: the exact sampleRate is ignored.
    assert.deepEqual([audio!.getSettings().restrictOwnAudio, audio!.getSettings().sampleRate], [true, 48000]);
    await audio!.applyConstraints({ suppressLocalAudioPlayback: { exact: true } });
    assert.deepEqual([audio!.getSettings().restrictOwnAudio, audio!.getSettings().suppressLocalAudioPlayback], [false, true]);
    // A clone shares the source: its state cannot change alone.
    const clone = audio!.clone();
    const e = await rejection(clone.applyConstraints({ suppressLocalAudioPlayback: { exact: false } }));
    assert.ok(e instanceof OverconstrainedError && e.constraint === 'suppressLocalAudioPlayback', String(e));
    clone.stop();
    stopAll(stream);
    await alreadyRejected(mediaDevices.getDisplayMedia({ audio: { restrictOwnAudio: { exact: true } } }), isTypeError);
  });
});

describe('getDisplayMedia: errors', () => {
  test('no display surface: NotFoundError', async () => {
    const { mediaDevices } = setup({ display: false });
    const e = await rejection(mediaDevices.getDisplayMedia());
    assert.ok(isDom('NotFoundError')(e), String(e));
  });

  test('display-capture denied: NotAllowedError; it can never be set to granted', async () => {
    const { mediaDevices, controller } = setup({ permissions: { displayCapture: 'denied' } });
    assert.ok(isDom('NotAllowedError')(await rejection(mediaDevices.getDisplayMedia())));
    assert.throws(() => controller.permissions.set('display-capture', 'granted'), TypeError);
    controller.permissions.set('display-capture', 'prompt');
    stopAll(await mediaDevices.getDisplayMedia());
  });

  test('the user declines the prompt: NotAllowedError; the prompt names display-capture and the surfaces', async () => {
    const prompts: { name: string; labels: string[] }[] = [];
    const { mediaDevices, controller } = setup({
      permissions: {
        onPrompt: (p) => {
          prompts.push({ name: p.name, labels: p.devices.map((d) => d.label) });
          return 'denied';
        },
      },
    });
    assert.ok(isDom('NotAllowedError')(await rejection(mediaDevices.getDisplayMedia())));
    assert.deepEqual(prompts, [{ name: 'display-capture', labels: ['Synthetic Screen'] }]);
    // "granted" is never stored: the next call asks again.
    controller.permissions.setPromptHandler(() => 'granted');
    stopAll(await mediaDevices.getDisplayMedia());
    assert.equal(controller.permissions.query('display-capture'), 'prompt');
  });

  test('a user who never answers leaves the promise pending (the spec stalls), and nothing runs', async () => {
    const { mediaDevices } = setup({ permissions: { onPrompt: () => new Promise(() => {}) } });
    assert.equal(await state(mediaDevices.getDisplayMedia()), 'pending');
  });

  test('the permissions policy disallows display-capture: NotAllowedError', async () => {
    const { mediaDevices, controller } = setup({ document: { allow: { 'display-capture': false } } });
    assert.ok(isDom('NotAllowedError')(await rejection(mediaDevices.getDisplayMedia())));
    controller.allowFeature('display-capture', true);
    stopAll(await mediaDevices.getDisplayMedia());
  });

  test('a document without focus, or not fully active: already-rejected InvalidStateError', async () => {
    const { mediaDevices, controller } = setup();
    controller.setFocused(false);
    await alreadyRejected(mediaDevices.getDisplayMedia(), isDom('InvalidStateError'));
    controller.setFocused(true);
    controller.setFullyActive(false);
    await alreadyRejected(mediaDevices.getDisplayMedia(), isDom('InvalidStateError'));
  });

  test('a surface that fails to start: AbortError, or NotReadableError when it is locked', async () => {
    for (const [reason, name] of [['other', 'AbortError'], ['lock', 'NotReadableError']] as const) {
      const real = new SyntheticDisplayProvider();
      const failing: DisplayProvider = {
        name: 'failing',
        list: () => real.list(),
        open: async () => {
          throw new DeviceOpenError('the screen is busy', reason);
        },
      };
      const { mediaDevices } = setup({ display: [failing] });
      const e = await rejection(mediaDevices.getDisplayMedia());
      assert.ok(isDom(name)(e), `${reason}: ${String(e)}`);
    }
  });

  test('bad options: TypeError naming the member', async () => {
    const { mediaDevices } = setup();
    const bad: unknown[] = [
      { systemAudio: 'maybe' },
      { selfBrowserSurface: 'yes' },
      { surfaceSwitching: 1 },
      { monitorTypeSurfaces: 'all' },
      { windowAudio: 'tab' },
      { audioSelection: 'always' },
      { controller: {} },
      { video: { width: { exact: 1 }, height: 3 } },
      { audio: { suppressLocalAudioPlayback: { exact: true } } },
      { audio: { advanced: [] } },
      5,
    ];
    for (const options of bad) {
      const e = await rejection(mediaDevices.getDisplayMedia(options as never));
      assert.ok(e instanceof TypeError, `${j(options)}: ${String(e)}`);
    }
    // Valid hints are accepted (and may be ignored).
    stopAll(await mediaDevices.getDisplayMedia({ systemAudio: 'exclude', selfBrowserSurface: 'exclude', surfaceSwitching: 'include', monitorTypeSurfaces: 'include', windowAudio: 'exclude' }));
  });

  test('getDisplayMedia on something that is not a MediaDevices: TypeError', async () => {
    const { mediaDevices } = setup();
    const e = await rejection(mediaDevices.getDisplayMedia.call({}));
    assert.ok(e instanceof TypeError);
  });
});

describe('CaptureController', () => {
  test('constructor and setFocusBehavior argument checks', () => {
    const c = new CaptureController();
    assert.ok(c instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(c), '[object CaptureController]');
    assert.equal(CaptureController.prototype.setFocusBehavior.length, 1);
    assert.throws(() => c.setFocusBehavior('focus-everything' as never), TypeError);
    assert.throws(() => (c.setFocusBehavior as () => void)(), TypeError);
    // Before a capture-session: stored, no error.
    c.setFocusBehavior('no-focus-change');
    assert.throws(() => CaptureController.prototype.setFocusBehavior.call({}, 'no-focus-change'), TypeError);
  });

  test('a controller serves one getDisplayMedia call: the second is an InvalidStateError', async () => {
    const { mediaDevices } = setup();
    const controller = new CaptureController();
    stopAll(await mediaDevices.getDisplayMedia({ controller }));
    await alreadyRejected(mediaDevices.getDisplayMedia({ controller }), isDom('InvalidStateError'));
    // Bound even when the call fails later.
    const other = new CaptureController();
    await rejection(mediaDevices.getDisplayMedia({ controller: other, video: false }));
    await alreadyRejected(mediaDevices.getDisplayMedia({ controller: other }), isDom('InvalidStateError'));
  });

  test('a monitor cannot be focused: setFocusBehavior after the capture started is an InvalidStateError', async () => {
    const { mediaDevices } = setup();
    const controller = new CaptureController();
    const stream = await mediaDevices.getDisplayMedia({ controller });
    assert.throws(() => controller.setFocusBehavior('focus-captured-surface'), isDom('InvalidStateError'));
    stopAll(stream);
  });

  test('a window: setFocusBehavior right after the call decides; later calls are too late', async () => {
    const { mediaDevices } = setup({ display: { displaySurface: 'window', width: 64, height: 36 } });
    const controller = new CaptureController();
    const stream = await mediaDevices.getDisplayMedia({ controller });
    assert.equal(videoTrack(stream).getSettings().displaySurface, 'window');
    controller.setFocusBehavior('focus-captured-surface');
    assert.equal(focusChangeOf(controller), 'captured-surface');
    assert.throws(() => controller.setFocusBehavior('no-focus-change'), isDom('InvalidStateError'));
    stopAll(stream);
  });

  test('a window: the behaviour set before the call is applied by the queued finalize step', async () => {
    const { mediaDevices } = setup({ display: { displaySurface: 'window', width: 64, height: 36 } });
    const controller = new CaptureController();
    controller.setFocusBehavior('focus-capturing-application');
    const stream = await mediaDevices.getDisplayMedia({ controller });
    assert.equal(focusChangeOf(controller), null);
    await tick();
    assert.equal(focusChangeOf(controller), 'capturing-application');
    assert.throws(() => controller.setFocusBehavior('focus-captured-surface'), isDom('InvalidStateError'));
    stopAll(stream);
  });

  test('a window: more than a second after the start the decision is final', async () => {
    const clock = new VirtualClock();
    const { mediaDevices } = setup({ clock, display: { displaySurface: 'browser', width: 64, height: 36 } });
    const controller = new CaptureController();
    const stream = await mediaDevices.getDisplayMedia({ controller });
    clock.advance(1500);
    assert.throws(() => controller.setFocusBehavior('focus-captured-surface'), isDom('InvalidStateError'));
    assert.equal(focusChangeOf(controller), null);
    stopAll(stream);
  });

  test('focus lost by the capturing document disables the focus change; a stopped source is an InvalidStateError', async () => {
    const { mediaDevices, controller: doc } = setup({ display: { displaySurface: 'window', width: 64, height: 36 } });
    const controller = new CaptureController();
    const stream = await mediaDevices.getDisplayMedia({ controller });
    doc.setFocused(false);
    controller.setFocusBehavior('focus-captured-surface');
    assert.equal(focusChangeOf(controller), null);
    doc.setFocused(true);
    const c2 = new CaptureController();
    const s2 = await mediaDevices.getDisplayMedia({ controller: c2 });
    stopAll(s2);
    assert.throws(() => c2.setFocusBehavior('no-focus-change'), isDom('InvalidStateError'));
    stopAll(stream);
  });
});
