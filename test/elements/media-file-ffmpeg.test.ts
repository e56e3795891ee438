/**
 * Media files played through the system's ffmpeg: H.264 + AAC in MP4, AV1 in WebM, Theora in Ogg
 * (made here with ffmpeg). Skipped, with the reason printed, where ffmpeg is not installed.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTMLVideoElement } from '../../src/elements/html-media-element.js';
import { currentFrameOf, setElementClock } from '../../src/elements/media-element-core.js';
import { openMediaFile } from '../../src/elements/media-file.js';
import { VirtualClock } from '../../src/media/clock.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import { ffmpegMissing } from '../support/ffmpeg.js';
import { tempDir, once as onceEvent } from './support/media-fixtures.js';

const skip = ffmpegMissing;
if (skip) console.log(`# media-file-ffmpeg: skipped: ${skip}`);
const files = tempDir();
after(() => files.remove());

/** 1 s at 10 fps, 64x48: dark grey (RGB 0x40) for 0.5 s, then light grey (0xc0); a 440 Hz tone. */
function make(name: string, video: string[], audio: string[] | null, format: string[] = []): string {
  const out = join(files.dir, name);
  const inputs = ['-f', 'lavfi', '-i', 'color=c=0x404040:s=64x48:r=10:d=0.5', '-f', 'lavfi', '-i', 'color=c=0xc0c0c0:s=64x48:r=10:d=0.5'];
  if (audio) inputs.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]', '-map', '[v]', ...(audio ? ['-map', '2:a', ...audio] : []), ...video, ...format, out]);
  return out;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const once = (el: EventTarget, type: string): Promise<Event> => onceEvent(el, type, 20000);
async function luma(v: object): Promise<number> {
  const f = currentFrameOf(v) as VideoFrame;
  const out = new Uint8Array(f.allocationSize());
  await f.copyTo(out);
  return out[32 * 64 + 24]!;
}
/** Limited-range luma of grey RGB value g. */
const Y = (g: number) => 16 + (219 * g) / 255;
function playDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('mediacapture-play-'));
}

describe('files through ffmpeg', { skip }, () => {
  test('H.264 + AAC in MP4: duration, size, the picture at each time, the tone; children and temporary file gone after unload', async () => {
    const clock = new VirtualClock();
    setElementClock(clock);
    const mp4 = make('clip.mp4', ['-c:v', 'libx264'], ['-c:a', 'aac'], ['-movflags', '+faststart']);
    const before = playDirs().length;
    const v = new HTMLVideoElement();
    v.src = mp4;
    await once(v, 'canplaythrough');
    assert.equal(v.videoWidth, 64);
    assert.equal(v.videoHeight, 48);
    assert.ok(Math.abs(v.duration - 1) < 0.1, `duration ${v.duration}`);
    assert.ok(Math.abs((await luma(v)) - Y(0x40)) < 6, `first picture luma ${await luma(v)}`);
    await v.play();
    for (let t = 0; t < 750; t += 25) {
      clock.advance(25);
      for (let i = 0; i < 5; i++) await tick();
    }
    // The frames come from a child process in real time: give late ones a moment to arrive.
    for (let i = 0; i < 100 && Math.abs((await luma(v)) - Y(0xc0)) >= 6; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(Math.abs((await luma(v)) - Y(0xc0)) < 6, `luma at 0.75 s: ${await luma(v)}`);
    assert.ok(Math.abs(v.currentTime - 0.75) < 1e-9);
    v.pause();
    const media = await openMediaFile(new Uint8Array(readFileSync(mp4)));
    try {
      assert.match(media.description, /h264 video and aac audio.*ffmpeg/);
      const a = media.audio!.channels[0]!;
      let sum = 0;
      for (const x of a) sum += x * x;
      const rms = Math.sqrt(sum / a.length);
      assert.ok(Math.abs(rms - 0.125 / Math.SQRT2) < 0.02, `audio rms ${rms}`);
    } finally {
      media.close();
    }
    const settle = async (n: number) => {
      for (let i = 0; i < 50 && playDirs().length !== n; i++) await new Promise((r) => setTimeout(r, 20));
      return playDirs().length;
    };
    assert.equal(await settle(before + 1), before + 1, 'the element still holds its file; the closed one is gone');
    v.src = '';
    await once(v, 'error');
    assert.equal(await settle(before), before, 'unloading removed the temporary file');
  });

  test('AV1 in WebM and Theora in Ogg play through ffmpeg', async () => {
    setElementClock(new VirtualClock());
    const av1 = make('av1.webm', ['-c:v', 'libaom-av1', '-cpu-used', '8', '-b:v', '100k'], null);
    const theora = make('theora.ogv', ['-c:v', 'libtheora'], null);
    for (const file of [av1, theora]) {
      const v = new HTMLVideoElement();
      v.src = file;
      await once(v, 'canplaythrough');
      assert.equal(v.videoWidth, 64, file);
      assert.ok(Math.abs((await luma(v)) - Y(0x40)) < 8, `${file}: luma ${await luma(v)}`);
      v.src = '';
    }
  });
});
