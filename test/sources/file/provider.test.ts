import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../src/media/clock.js';
import { encodeWav } from '../../../src/media/codecs/wav.js';
import { encodeY4m } from '../../../src/media/codecs/y4m.js';
import { FileProvider } from '../../../src/sources/file/provider.js';
import { DeviceOpenError } from '../../../src/sources/types.js';
import type { AudioData } from '../../../src/media/audio-data.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';
import { Recorder } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Plane c of an f32-planar AudioData, copied out through its public copyTo. */
function plane(a: AudioData, c: number): Float32Array {
  const out = new Float32Array(a.numberOfFrames);
  a.copyTo(out, { planeIndex: c, format: 'f32-planar' });
  return out;
}

describe('WAV microphone', () => {
  // 0.25 s at 8 kHz, stereo: every sample is a distinct 16-bit code k / 32768, exactly representable.
  const rate = 8000;
  const length = 2000;
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    left[i] = ((i * 7) % 65536 - 32768) / 32768;
    right[i] = (-1 - ((i * 13) % 32767)) / 32768;
  }
  const path = join(dir, 'tone.wav');
  writeFileSync(path, encodeWav([left, right], rate, 's16'));

  test('the descriptor carries the file format as the only native mode', async () => {
    const p = new FileProvider({ microphones: [{ file: path }] });
    const [d] = await p.list();
    assert.equal(d!.kind, 'audioinput');
    assert.equal(d!.label, 'tone.wav');
    assert.equal(d!.isDefault, true);
    assert.deepEqual(d!.audio!.modes, [{ sampleRate: 8000, channelCount: 2, sampleSize: 16, latency: 0.01 }]);
  });

  for (const format of ['s16', 's24', 's32', 'f32'] as const) {
    test(`delivers the ${format} file's exact samples, looping, stamped by sample count`, async () => {
      const file = join(dir, `loop-${format}.wav`);
      writeFileSync(file, encodeWav([left, right], rate, format));
      const p = new FileProvider({ microphones: [{ file }] });
      const [d] = await p.list();
      const clock = new VirtualClock();
      clock.advance(1000);
      const source = await p.open(d!, { kind: 'audio', mode: d!.audio!.modes[0]! }, clock);
      const got: [number[], number[]] = [[], []];
      const rec = new Recorder<AudioData>(false, (a) => {
        assert.equal(a.sampleRate, rate);
        assert.equal(a.numberOfChannels, 2);
        got[0].push(...plane(a, 0));
        got[1].push(...plane(a, 1));
      });
      const out = source.createOutput(null);
      out.subscribe(rec);
      clock.advance(600); // 60 chunks of 80 frames: 2.4 loops of the file
      assert.equal(rec.timestamps.length, 60);
      rec.timestamps.forEach((ts, k) => assert.equal(ts, 1_000_000 + k * 10_000));
      assert.equal(got[0].length, 4800);
      for (let n = 0; n < 4800; n++) {
        assert.equal(got[0][n], left[n % length], `left sample ${n}`);
        assert.equal(got[1][n], right[n % length], `right sample ${n}`);
      }
      out.close();
      source.stop();
    });
  }

  test('stopping the source leaves no timer running', async () => {
    const p = new FileProvider({ microphones: [{ file: path }] });
    const [d] = await p.list();
    const clock = new VirtualClock();
    const source = await p.open(d!, { kind: 'audio', mode: d!.audio!.modes[0]! }, clock);
    const rec = new Recorder<AudioData>();
    source.createOutput(null).subscribe(rec);
    clock.advance(50);
    assert.equal(rec.timestamps.length, 5);
    source.stop();
    assert.equal(rec.ended, 1);
    clock.advance(1000);
    assert.equal(rec.timestamps.length, 5);
  });
});

describe('Y4M camera', () => {
  const W = 6, H = 4;
  // Three frames of 6x4 4:2:0, each plane filled with a value computed from frame and position.
  const frames: Uint8Array[] = [];
  for (let f = 0; f < 3; f++) {
    const data = new Uint8Array(W * H + 2 * 3 * 2);
    for (let i = 0; i < data.length; i++) data[i] = (f * 50 + i * 3) & 255;
    frames.push(data);
  }
  const path = join(dir, 'clip.y4m');
  writeFileSync(path, encodeY4m({ width: W, height: H, frameRate: { num: 25, den: 1 }, colorspace: '420jpeg' }, frames));

  test('returns the frames pixels in order, looping, with exact timestamps', async () => {
    const p = new FileProvider({ cameras: [{ file: path, label: 'Clip' }] });
    const [d] = await p.list();
    assert.equal(d!.label, 'Clip');
    assert.deepEqual(d!.video!.modes, [{ width: 6, height: 4, frameRate: 25 }]);
    const clock = new VirtualClock();
    const source = await p.open(d!, { kind: 'video', mode: d!.video!.modes[0]! }, clock);
    const rec = new Recorder<VideoFrame>(true);
    const out = source.createOutput(null);
    out.subscribe(rec);
    clock.advance(280); // frames 0..6 are complete at 40, 80, ..., 280 ms
    assert.equal(rec.frames.length, 7);
    for (let n = 0; n < 7; n++) {
      const f = rec.frames[n]!;
      assert.equal(f.timestamp, n * 40_000);
      assert.equal(f.duration, 40_000);
      assert.equal(f.format, 'I420');
      assert.equal(f.codedWidth, W);
      const buf = new Uint8Array(f.allocationSize());
      await f.copyTo(buf);
      assert.deepEqual(buf, frames[n % 3], `frame ${n}`);
    }
    rec.closeAll();
    source.stop();
    assert.equal(rec.ended, 1);
  });

  test('a non-integer rate (30000/1001) stamps frame n at round(n * 1001 / 30) ms', async () => {
    const file = join(dir, 'ntsc.y4m');
    writeFileSync(file, encodeY4m({ width: 2, height: 2, frameRate: { num: 30000, den: 1001 }, colorspace: '444' }, [new Uint8Array(12)]));
    const p = new FileProvider({ cameras: [{ file }] });
    const [d] = await p.list();
    const clock = new VirtualClock();
    const source = await p.open(d!, { kind: 'video', mode: d!.video!.modes[0]! }, clock);
    const rec = new Recorder<VideoFrame>(false, (f) => assert.equal(f.format, 'I444'));
    source.createOutput(null).subscribe(rec);
    clock.advance(1001);
    assert.equal(rec.timestamps.length, 30);
    rec.timestamps.forEach((ts, n) => assert.equal(ts, Math.round((n * 1001 * 1e6) / 30000)));
    source.stop();
  });

  test('a monochrome file becomes I420 with neutral chroma', async () => {
    const file = join(dir, 'mono.y4m');
    const y = Uint8Array.from([10, 20, 30, 40]);
    writeFileSync(file, encodeY4m({ width: 2, height: 2, colorspace: 'mono' }, [y]));
    const p = new FileProvider({ cameras: [{ file }] });
    const [d] = await p.list();
    const clock = new VirtualClock();
    const source = await p.open(d!, { kind: 'video', mode: d!.video!.modes[0]! }, clock);
    const rec = new Recorder<VideoFrame>(true);
    source.createOutput(null).subscribe(rec);
    clock.advance(1000 / 30 + 1);
    assert.equal(rec.frames.length, 1);
    const buf = new Uint8Array(rec.frames[0]!.allocationSize());
    await rec.frames[0]!.copyTo(buf);
    assert.deepEqual([...buf], [10, 20, 30, 40, 128, 128]);
    rec.closeAll();
    source.stop();
  });
});

describe('configuration errors', () => {
  test('a missing file is reported when the provider is made, naming the entry and the file', () => {
    assert.throws(
      () => new FileProvider({ microphones: [{ file: join(dir, 'nope.wav') }] }),
      (e: unknown) => e instanceof TypeError && /microphones\[0\]/.test(e.message) && /nope\.wav/.test(e.message) && /does not exist/.test(e.message),
    );
  });

  test('an unsupported file says what is wrong with it', () => {
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, new TextEncoder().encode('not a wave file at all'));
    assert.throws(() => new FileProvider({ microphones: [{ file: bad }] }), (e: unknown) => e instanceof TypeError && /RIFF/.test(e.message));
    const notY4m = join(dir, 'bad.y4m');
    writeFileSync(notY4m, new TextEncoder().encode('P6\n2 2\n255\n'));
    assert.throws(() => new FileProvider({ cameras: [{ file: notY4m }] }), (e: unknown) => e instanceof TypeError && /cameras\[0\]/.test(e.message) && /YUV4MPEG2/.test(e.message));
  });

  test('an entry without a file path is rejected', () => {
    assert.throws(() => new FileProvider({ cameras: [{} as never] }), /cameras\[0\]\.file/);
  });

  test('a file removed after configuration fails to open with DeviceOpenError', async () => {
    const file = join(dir, 'gone.wav');
    writeFileSync(file, encodeWav([new Float32Array(10)], 8000));
    const p = new FileProvider({ microphones: [{ file }] });
    const [d] = await p.list();
    rmSync(file);
    await assert.rejects(p.open(d!, { kind: 'audio', mode: d!.audio!.modes[0]! }, new VirtualClock()), (e: unknown) => e instanceof DeviceOpenError && e.reason === 'other');
  });
});
