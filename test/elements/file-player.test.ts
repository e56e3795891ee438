/**
 * Media elements playing a file through `src` (html's "mode attribute" resource selection, the
 * resource fetch algorithm, ready states, seeking, loop, ended), on a VirtualClock where timing is
 * asserted: the standalone elements of plain Node.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { HTMLVideoElement, HTMLAudioElement, MEDIA_EVENTS } from '../../src/elements/html-media-element.js';
import { currentFrameOf, setElementClock, elementStateOf } from '../../src/elements/media-element-core.js';
import { VirtualClock } from '../../src/media/clock.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import { frameLuma, y4mClip, wavTone, recordWebm, tempDir, once } from './support/media-fixtures.js';
import { ffmpegMissing } from '../support/ffmpeg.js';

const files = tempDir();
after(() => files.remove());

const tick = () => new Promise<void>((r) => setImmediate(r));
async function settle(n = 6): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

function record(el: EventTarget): string[] {
  const events: string[] = [];
  for (const t of MEDIA_EVENTS) el.addEventListener(t, () => events.push(t));
  return events;
}

/** The luma of the picture the element shows now (Y plane, first sample). */
async function shownLuma(v: object): Promise<number> {
  const frame = currentFrameOf(v) as VideoFrame | null;
  assert.ok(frame, 'the element shows a picture');
  const out = new Uint8Array(frame.allocationSize());
  await frame.copyTo(out);
  return out[0]!;
}

/** Advances the clock in steps, letting the decoder run between them. */
async function run(clock: VirtualClock, ms: number, step = 20): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle(3);
  }
}

const clip = files.write('clip.y4m', y4mClip(10, 10)); // 1 s: frame i from i/10 s
const tone = files.write('tone.wav', wavTone(0.5));

describe('a media file through src (standalone elements, virtual clock)', () => {
  const clock = new VirtualClock();
  setElementClock(clock);

  test('loading fires the HTML load events in order and reports the file', async () => {
    const v = new HTMLVideoElement();
    const events = record(v);
    v.src = clip;
    assert.equal(v.networkState, v.NETWORK_NO_SOURCE, 'the resource selection algorithm starts');
    await once(v, 'canplaythrough');
    assert.deepEqual(events, ['loadstart', 'progress', 'suspend', 'durationchange', 'loadedmetadata', 'resize', 'loadeddata', 'canplay', 'canplaythrough']);
    assert.equal(v.currentSrc, new URL(`file://${clip}`).href);
    assert.equal(v.duration, 1);
    assert.equal(v.videoWidth, 32);
    assert.equal(v.videoHeight, 24);
    assert.equal(v.readyState, v.HAVE_ENOUGH_DATA);
    assert.equal(v.networkState, v.NETWORK_IDLE);
    assert.equal(v.paused, true);
    assert.equal(v.currentTime, 0);
    // A paused element shows the first frame.
    assert.equal(await shownLuma(v), frameLuma(0));
    assert.equal(v.buffered.length, 1);
    assert.equal(v.buffered.end(0), 1);
    assert.equal(v.seekable.end(0), 1);
  });

  test('playing shows each frame at its time; pause stops the timeline', async () => {
    const v = new HTMLVideoElement();
    v.src = clip;
    await once(v, 'canplaythrough');
    const playing = once(v, 'playing');
    await v.play();
    await playing;
    await run(clock, 250);
    assert.ok(Math.abs(v.currentTime - 0.25) < 1e-9, `currentTime ${v.currentTime}`);
    assert.equal(await shownLuma(v), frameLuma(2));
    await run(clock, 300);
    assert.equal(await shownLuma(v), frameLuma(5));
    v.pause();
    const at = v.currentTime;
    await run(clock, 500);
    assert.equal(v.currentTime, at, 'the position does not move while paused');
    assert.equal(await shownLuma(v), frameLuma(5));
    void v.play();
    await run(clock, 100);
    assert.equal(await shownLuma(v), frameLuma(6));
    v.pause();
  });

  test('the end: timeupdate, pause, ended; currentTime stays at the duration; play() starts over', async () => {
    const v = new HTMLVideoElement();
    v.src = clip;
    await once(v, 'canplaythrough');
    await v.play();
    const events = record(v);
    const ended = once(v, 'ended');
    await run(clock, 1100);
    await ended;
    assert.deepEqual(events.filter((e) => e !== 'timeupdate').slice(-2), ['pause', 'ended']);
    assert.equal(events.at(-3), 'timeupdate');
    assert.equal(v.ended, true);
    assert.equal(v.paused, true);
    assert.equal(v.currentTime, 1);
    assert.equal(await shownLuma(v), frameLuma(9));
    assert.equal(elementStateOf(v)!.presentedFrames >= 10, true);
    // html#internal-play-steps: play() after the end seeks to the start.
    const seeked = once(v, 'seeked');
    await v.play();
    await seeked;
    assert.equal(v.ended, false);
    assert.ok(v.currentTime < 0.05, `currentTime ${v.currentTime}`);
    assert.equal(await shownLuma(v), frameLuma(0));
    v.pause();
  });

  test('loop: the end seeks back to the start and playback goes on without ended', async () => {
    const v = new HTMLVideoElement();
    v.loop = true;
    v.src = clip;
    await once(v, 'canplaythrough');
    await v.play();
    const events = record(v);
    await run(clock, 1000);
    await settle(10);
    await run(clock, 320);
    assert.ok(!events.includes('ended'), events.join(' '));
    assert.ok(events.includes('seeking') && events.includes('seeked'), events.join(' '));
    assert.equal(v.paused, false);
    assert.ok(v.currentTime > 0.2 && v.currentTime < 0.5, `currentTime ${v.currentTime}`);
    assert.equal(await shownLuma(v), frameLuma(Math.floor(v.currentTime * 10 + 1e-9)));
    v.pause();
  });

  test('setting currentTime seeks: seeking, then timeupdate and seeked, and the frame there is shown', async () => {
    const v = new HTMLVideoElement();
    v.src = clip;
    await once(v, 'canplaythrough');
    const events = record(v);
    v.currentTime = 0.73;
    assert.equal(v.seeking, true);
    assert.ok(Math.abs(v.currentTime - 0.73) < 1e-9);
    await once(v, 'seeked');
    assert.equal(v.seeking, false);
    assert.deepEqual(events, ['seeking', 'timeupdate', 'seeked']);
    assert.equal(await shownLuma(v), frameLuma(7));
    // Past the end: clamped to the duration.
    v.currentTime = 99;
    await once(v, 'seeked');
    assert.equal(v.currentTime, 1);
    assert.equal(await shownLuma(v), frameLuma(9));
  });

  test('currentTime set before the metadata is the default playback start position', async () => {
    const v = new HTMLVideoElement();
    v.src = clip;
    v.currentTime = 0.5;
    await once(v, 'seeked');
    assert.ok(Math.abs(v.currentTime - 0.5) < 1e-9, `currentTime ${v.currentTime}`);
    assert.equal(await shownLuma(v), frameLuma(5));
  });

  test('captureStream() of a playing file: one video track carrying the frames shown, ended and removed at the end', async () => {
    const v = new HTMLVideoElement();
    v.src = clip;
    const stream = v.captureStream();
    const added = once(stream, 'addtrack');
    await once(v, 'canplaythrough');
    await added;
    const [track] = stream.getVideoTracks();
    assert.ok(track);
    assert.equal(stream.getAudioTracks().length, 0);
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const lumas: number[] = [];
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const out = new Uint8Array(value.allocationSize());
        await value.copyTo(out);
        lumas.push(out[0]!);
        value.close();
      }
    })();
    const removed = once(stream, 'removetrack');
    await v.play();
    await run(clock, 1100);
    await removed;
    await reading;
    assert.equal(track.readyState, 'ended');
    assert.equal(stream.active, false);
    assert.deepEqual(lumas, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(frameLuma));
  });

  test('an audio file: metadata without video, and audio reaching captured tracks only while playing', async () => {
    const a = new HTMLAudioElement();
    const events = record(a);
    a.src = tone;
    const stream = a.captureStream();
    await once(a, 'canplaythrough');
    assert.deepEqual(events, ['loadstart', 'progress', 'suspend', 'durationchange', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough']);
    assert.equal(a.duration, 0.5);
    const [track] = stream.getAudioTracks();
    assert.ok(track);
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    let samples = 0;
    let peak = 0;
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const c = new Float32Array(value.numberOfFrames);
        value.copyTo(c, { planeIndex: 0, format: 'f32-planar' });
        for (const x of c) peak = Math.max(peak, Math.abs(x));
        samples += value.numberOfFrames;
        value.close();
      }
    })();
    await run(clock, 200);
    assert.equal(samples, 0, 'nothing while paused');
    await a.play();
    await run(clock, 600);
    await reading;
    assert.equal(samples, 24000);
    assert.ok(Math.abs(peak - 0.5) < 0.01, `peak ${peak}`);
    assert.equal(a.ended, true);
  });

  test('a WebM recording (VP8 + Opus): duration, size, every frame in order, audio as long as the file', async () => {
    const webm = files.write('rec.webm', await recordWebm(1000));
    const v = new HTMLVideoElement();
    v.src = webm;
    const stream = v.captureStream();
    await once(v, 'canplaythrough', 30000);
    assert.equal(v.videoWidth, 160);
    assert.equal(v.videoHeight, 120);
    assert.ok(Math.abs(v.duration - 1) < 0.05, `duration ${v.duration}`);
    assert.equal(stream.getVideoTracks().length, 1);
    assert.equal(stream.getAudioTracks().length, 1);
    const vr = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0]! }).readable.getReader();
    const ar = new MediaStreamTrackProcessor({ track: stream.getAudioTracks()[0]! }).readable.getReader();
    const stamps: number[] = [];
    let samples = 0;
    // Both captured tracks leave together at the end: the first removetrack already sees none.
    const left: number[] = [];
    stream.addEventListener('removetrack', () => left.push(stream.getTracks().length));
    const readV = (async () => {
      for (;;) {
        const { value, done } = await vr.read();
        if (done) return;
        stamps.push(value.timestamp);
        value.close();
      }
    })();
    const readA = (async () => {
      for (;;) {
        const { value, done } = await ar.read();
        if (done) return;
        samples += value.numberOfFrames;
        value.close();
      }
    })();
    await v.play();
    await run(clock, 1200);
    await Promise.all([readV, readA]);
    assert.equal(v.ended, true);
    assert.deepEqual(left, [0, 0]);
    assert.ok(stamps.length >= 29 && stamps.length <= 31, `${stamps.length} frames`);
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! > stamps[i - 1]!, 'timestamps increase');
    // Frames are stamped on the element's clock, 1/30 s apart.
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    assert.ok(gaps.every((g) => Math.abs(g - 33333) < 2000), `gaps ${gaps.join(',')}`);
    assert.ok(Math.abs(samples / 48000 - v.duration) < 0.03, `${samples} samples for ${v.duration} s`);
  });
});

describe('a media file of unknown duration', () => {
  test('a sliced WebM recording says no duration: Infinity until the end, then the real one with durationchange', async () => {
    const clock = new VirtualClock();
    setElementClock(clock);
    const webm = files.write('sliced.webm', await recordWebm(600, { timeslice: 200, audio: false }));
    const v = new HTMLVideoElement();
    v.src = webm;
    await once(v, 'canplaythrough', 30000);
    assert.equal(v.duration, Infinity);
    assert.equal(v.seekable.length, 0);
    const changes: number[] = [];
    v.addEventListener('durationchange', () => changes.push(v.duration));
    const ended = once(v, 'ended');
    await v.play();
    await run(clock, 900);
    await ended;
    assert.equal(changes.length, 1);
    assert.ok(Math.abs(v.duration - 0.6) < 0.05, `duration ${v.duration}`);
    assert.equal(v.currentTime, v.duration);
  });
});

describe('src failures', () => {
  test('a missing file: error event, MEDIA_ERR_SRC_NOT_SUPPORTED, play() rejects with NotSupportedError', async () => {
    const v = new HTMLVideoElement();
    const events = record(v);
    v.src = `${files.dir}/missing.webm`;
    const p = v.play();
    await assert.rejects(p, (e: DOMException) => e.name === 'NotSupportedError');
    assert.equal(v.error?.code, 4);
    assert.match(v.error!.message, /missing\.webm/);
    assert.equal(v.networkState, v.NETWORK_NO_SOURCE);
    assert.deepEqual(events.filter((e) => e !== 'play' && e !== 'waiting'), ['loadstart', 'error']);
  });

  test('bytes that are no media: the error names what was found', async () => {
    const path = files.write('page.webm', new TextEncoder().encode('<!doctype html><p>not a video</p>'));
    const v = new HTMLVideoElement();
    v.src = path;
    await once(v, 'error');
    assert.equal(v.error?.code, 4);
    assert.match(v.error!.message, /text or HTML/);
  });

  test('an empty src fails; a FIFO is refused at once rather than waited on', async () => {
    const v = new HTMLVideoElement();
    v.src = '';
    await once(v, 'error');
    assert.match(v.error!.message, /empty/);
    const fifo = `${files.dir}/pipe.webm`;
    execFileSync('mkfifo', [fifo]);
    const w = new HTMLVideoElement();
    w.src = fifo;
    await once(w, 'error', 3000);
    assert.match(w.error!.message, /not a regular file/);
  });

  test('a new src while loading abandons the old load: its events never fire', async () => {
    const v = new HTMLVideoElement();
    const events = record(v);
    v.src = clip;
    v.src = tone;
    await once(v, 'canplaythrough');
    await settle(20);
    assert.equal(v.duration, 0.5);
    assert.equal(events.filter((e) => e === 'loadedmetadata').length, 1);
    assert.equal(v.currentSrc, new URL(`file://${tone}`).href);
  });

  test('damaged WebM: a cut-off file plays what it has, corrupted packets are skipped, a bare header is an error', async () => {
    const clock = new VirtualClock();
    setElementClock(clock);
    const whole = await recordWebm(1000, { audio: false });
    const play = async (name: string, bytes: Uint8Array): Promise<HTMLVideoElement> => {
      const v = new HTMLVideoElement();
      v.src = files.write(name, bytes);
      await Promise.race([once(v, 'canplaythrough', 20000), once(v, 'error', 20000)]);
      if (v.error) return v;
      const ended = once(v, 'ended', 20000);
      await v.play();
      await run(clock, 1300);
      await ended;
      return v;
    };
    const cut = await play('cut.webm', whole.subarray(0, Math.floor(whole.length * 0.6)));
    assert.equal(cut.error, null);
    assert.equal(cut.ended, true);
    const flipped = whole.slice();
    for (let i = 600; i < flipped.length; i += 211) flipped[i]! ^= 0xff;
    const damaged = await play('flipped.webm', flipped);
    assert.equal(damaged.ended || damaged.error !== null, true, 'it ends or reports an error, and never hangs');
    const header = await play('header.webm', whole.subarray(0, 64));
    assert.equal(header.error?.code, 4);
    assert.match(header.error!.message, /WebM/);
  });

  test('a script that plays a file to its end exits by itself', async () => {
    const script = files.write('exit.mjs', new TextEncoder().encode([
      `import { HTMLAudioElement } from ${JSON.stringify(new URL('../../src/elements/html-media-element.js', import.meta.url).href)};`,
      'const a = new HTMLAudioElement();',
      `a.src = ${JSON.stringify(tone)};`,
      "a.addEventListener('ended', () => console.log('ended'));",
      'await a.play();',
    ].join('\n')));
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.signal, null, 'the process had to be killed: something kept it alive');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ended');
  });

  test('canPlayType answers for what plays here', () => {
    const v = new HTMLVideoElement();
    assert.equal(v.canPlayType('video/webm'), 'maybe');
    assert.equal(v.canPlayType('video/webm; codecs="vp8, vorbis"'), 'probably');
    assert.equal(v.canPlayType('video/webm; codecs="vp09.00.10.08"'), 'probably');
    // Without ffmpeg, AV1 and H.264 are not decoded; with it they may be.
    const other = ffmpegMissing ? '' : 'maybe';
    assert.equal(v.canPlayType('video/webm; codecs="av01.0.04M.08"'), other);
    assert.equal(v.canPlayType('audio/wav'), 'maybe');
    assert.equal(v.canPlayType('video/mp4; codecs="avc1.42E01E"'), other);
    assert.equal(v.canPlayType('video/mp4'), other);
    assert.equal(v.canPlayType('application/x-nothing'), '');
  });
});
