// decodeAudioData for every container and codec the package decodes. Fixtures are made at test
// time with ffmpeg: a 440 Hz sine, 0.5 s, stereo (left at amplitude 0.5, right at 0.25, so the
// channel order is checked too), encoded to each format.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import type { AudioBuffer } from '../../src/webaudio/audio-buffer.js';
import { decodingThread } from '../../src/webaudio/decode/decode-host.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const NO_FFMPEG = 'ffmpeg not installed: the encoded fixtures are made with it';
const DURATION = 0.5;
const FREQ = 440;

interface Fixture {
  file: string;
  /** ffmpeg output arguments (the source is 48 kHz unless `rate` says otherwise). */
  args: string[];
  /** The rate the fixture is encoded at. */
  rate: number;
  /** The decoded length is exactly DURATION (else within `tolerance` seconds). */
  exact: boolean;
  tolerance?: number;
  lossless?: boolean;
  /** Minimum correlation with a 440 Hz sine. */
  minCorrelation: number;
}

const FIXTURES: Record<string, Fixture> = {
  'MP3': { file: 'a.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '128k'], rate: 44100, exact: true, minCorrelation: 0.99 },
  'Ogg Vorbis': { file: 'a.ogg', args: ['-c:a', 'libvorbis'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'Ogg Opus': { file: 'a.opus', args: ['-c:a', 'libopus', '-b:a', '96k'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'FLAC': { file: 'a.flac', args: ['-c:a', 'flac'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
  'Ogg FLAC': { file: 'a.oga', args: ['-c:a', 'flac'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
  'WebM Opus': { file: 'a.webm', args: ['-c:a', 'libopus', '-b:a', '96k'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'WebM Vorbis': { file: 'v.webm', args: ['-c:a', 'libvorbis'], rate: 48000, exact: false, tolerance: 0.01, minCorrelation: 0.99 },
  'live WebM Opus (unknown-size segment and clusters)': { file: 'live.webm', args: ['-c:a', 'libopus', '-b:a', '96k', '-live', '1', '-f', 'webm'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'Matroska FLAC': { file: 'f.mka', args: ['-c:a', 'flac'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
  'Matroska MP3': { file: 'm.mka', args: ['-c:a', 'libmp3lame'], rate: 44100, exact: false, tolerance: 0.06, minCorrelation: 0.99 },
  'MP4 Opus': { file: 'o.mp4', args: ['-c:a', 'libopus', '-b:a', '96k'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'MP4 Opus (moov first)': { file: 'o-fast.mp4', args: ['-c:a', 'libopus', '-b:a', '96k', '-movflags', '+faststart'], rate: 48000, exact: true, minCorrelation: 0.99 },
  'MP4 FLAC': { file: 'f.mp4', args: ['-c:a', 'flac', '-strict', '-2'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
  'MP4 MP3': { file: 'm.m4a', args: ['-c:a', 'libmp3lame', '-f', 'mp4'], rate: 44100, exact: true, minCorrelation: 0.99 },
  'fragmented MP4 Opus': { file: 'frag.mp4', args: ['-c:a', 'libopus', '-movflags', 'frag_keyframe+empty_moov+default_base_moof'], rate: 48000, exact: false, tolerance: 0.025, minCorrelation: 0.99 },
  'AIFF': { file: 'a.aiff', args: ['-c:a', 'pcm_s16be'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
  'AIFF-C (sowt)': { file: 'c.aifc', args: ['-c:a', 'pcm_s16le', '-f', 'aiff'], rate: 44100, exact: true, lossless: true, minCorrelation: 0.999 },
};

let dir = '';
const bytes = new Map<string, Uint8Array>();

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

function load(file: string): ArrayBuffer {
  const b = bytes.get(file)!;
  return b.slice().buffer;
}

before(() => {
  if (!hasFfmpeg) return;
  dir = mkdtempSync(join(tmpdir(), 'decode-audio-data-'));
  // The 16-bit WAV sources: every fixture is encoded from one of them, so the lossless ones
  // carry exactly the WAV's samples.
  for (const rate of [44100, 48000]) {
    const sine = `sine=frequency=${FREQ}:sample_rate=48000:duration=${DURATION}`;
    ffmpeg([
      '-f', 'lavfi', '-i', sine, '-f', 'lavfi', '-i', sine,
      '-filter_complex', `[0]volume=4[a];[1]volume=2[b];[a][b]join=inputs=2:channel_layout=stereo,aresample=${rate}`,
      '-c:a', 'pcm_s16le', join(dir, `src${rate}.wav`),
    ]);
    bytes.set(`src${rate}.wav`, new Uint8Array(readFileSync(join(dir, `src${rate}.wav`))));
  }
  for (const f of Object.values(FIXTURES)) {
    ffmpeg(['-i', join(dir, `src${f.rate}.wav`), ...f.args, join(dir, f.file)]);
    bytes.set(f.file, new Uint8Array(readFileSync(join(dir, f.file))));
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Least-squares fit of a FREQ sine over the middle of `x`: amplitude and correlation. */
function sineFit(x: Float32Array, rate: number): { amplitude: number; correlation: number } {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0, xx = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sin((2 * Math.PI * FREQ * i) / rate);
    const c = Math.cos((2 * Math.PI * FREQ * i) / rate);
    ss += s * s; cc += c * c; sc += s * c; xs += x[i]! * s; xc += x[i]! * c; xx += x[i]! * x[i]!;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  const fitted = a * xs + b * xc; // energy of the projection
  return { amplitude: Math.hypot(a, b), correlation: Math.sqrt(Math.max(0, fitted) / xx) };
}

function zeroCrossings(x: Float32Array): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) n++;
  return n;
}

async function decodeAt(rate: number, data: ArrayBuffer): Promise<AudioBuffer> {
  return new OfflineAudioContext(1, 1, rate).decodeAudioData(data);
}

function isEncodingError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'EncodingError';
}

describe('decodeAudioData: formats', () => {
  for (const [name, f] of Object.entries(FIXTURES)) {
    for (const rate of [f.rate, f.rate === 48000 ? 44100 : 48000]) {
      test(`${name} at a ${rate} Hz context`, async (t) => {
        if (!hasFfmpeg) return t.skip(NO_FFMPEG);
        const buf = await decodeAt(rate, load(f.file));
        assert.equal(buf.sampleRate, rate);
        assert.equal(buf.numberOfChannels, 2);
        const expected = Math.round(DURATION * rate);
        if (f.exact) assert.equal(buf.length, expected, 'length');
        else assert.ok(Math.abs(buf.length - expected) <= f.tolerance! * rate, `length ${buf.length}, expected ${expected} within ${f.tolerance} s`);
        for (const [ch, amplitude] of [[0, 0.5], [1, 0.25]] as const) {
          const x = buf.getChannelData(ch);
          const fit = sineFit(x, rate);
          assert.ok(fit.correlation >= f.minCorrelation, `channel ${ch}: correlation ${fit.correlation} with a ${FREQ} Hz sine`);
          assert.ok(Math.abs(fit.amplitude - amplitude) < 0.03, `channel ${ch}: amplitude ${fit.amplitude}, expected ${amplitude}`);
          const zc = zeroCrossings(x.subarray(Math.round(0.1 * rate), Math.round(0.4 * rate)));
          assert.ok(Math.abs(zc - 2 * FREQ * 0.3) <= 2, `channel ${ch}: ${zc} zero crossings in 0.3 s`);
        }
        if (f.lossless) {
          // Sample-exact against the WAV the fixture was encoded from (both resampled alike).
          const ref = await decodeAt(rate, load(`src${f.rate}.wav`));
          assert.equal(buf.length, ref.length);
          for (let ch = 0; ch < 2; ch++) assert.deepEqual(buf.getChannelData(ch), ref.getChannelData(ch), `channel ${ch} equals the WAV decode`);
        }
      });
    }
  }

  test('AAC in MP4 needs the optional GPL decoder, and says so by name when it is absent', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    ffmpeg(['-i', join(dir, 'src44100.wav'), '-c:a', 'aac', join(dir, 'a.m4a')]);
    const data = new Uint8Array(readFileSync(join(dir, 'a.m4a')));
    let installed = true;
    try {
      await import('@audio/aac-decode' as string);
    } catch {
      installed = false;
    }
    if (installed) {
      const buf = await decodeAt(44100, data.slice().buffer);
      assert.equal(buf.numberOfChannels, 2);
      assert.equal(buf.length, 22050, 'priming and padding trimmed by the edit list');
      const fit = sineFit(buf.getChannelData(1), 44100);
      assert.ok(fit.correlation > 0.99 && Math.abs(fit.amplitude - 0.25) < 0.03, JSON.stringify(fit));
    } else {
      await assert.rejects(decodeAt(44100, data.slice().buffer), (e: unknown) => isEncodingError(e) && /@audio\/aac-decode/.test((e as Error).message));
    }
  });
});

describe('decodeAudioData: channels', () => {
  // A 5.1 WAV whose channels (L, R, C, LFE, SL, SR) carry the sine at 1, 2, 3, 4, 5, 6 eighths.
  const layouts: [string, string[]][] = [
    ['six.opus', ['-c:a', 'libopus', '-b:a', '256k', '-mapping_family', '1']],
    ['six.webm', ['-c:a', 'libopus', '-b:a', '256k', '-mapping_family', '1']],
    ['six.mp4', ['-c:a', 'libopus', '-b:a', '256k', '-mapping_family', '1']],
    ['six.ogg', ['-c:a', 'libvorbis']],
    ['six.flac', ['-c:a', 'flac']],
  ];
  for (const [file, args] of layouts) {
    test(`5.1 ${file} decodes in Web Audio channel order (L, R, C, LFE, SL, SR)`, async (t) => {
      if (!hasFfmpeg) return t.skip(NO_FFMPEG);
      const wav = join(dir, 'six.wav');
      const sine = `sine=frequency=${FREQ}:sample_rate=48000:duration=${DURATION}`;
      ffmpeg([
        ...[1, 2, 3, 4, 5, 6].flatMap(() => ['-f', 'lavfi', '-i', sine]),
        '-filter_complex', '[0]volume=1[a];[1]volume=2[b];[2]volume=3[c];[3]volume=4[d];[4]volume=5[e];[5]volume=6[f];' +
          '[a][b][c][d][e][f]join=inputs=6:channel_layout=5.1:map=0.0-FL|1.0-FR|2.0-FC|3.0-LFE|4.0-BL|5.0-BR',
        '-c:a', 'pcm_s16le', wav,
      ]);
      ffmpeg(['-i', wav, ...args, join(dir, file)]);
      const buf = await decodeAt(48000, new Uint8Array(readFileSync(join(dir, file))).buffer);
      assert.equal(buf.numberOfChannels, 6);
      for (let ch = 0; ch < 6; ch++) {
        if (ch === 3 && file !== 'six.flac') continue; // lossy codecs band-limit the LFE channel
        const fit = sineFit(buf.getChannelData(ch), 48000);
        assert.ok(Math.abs(fit.amplitude - (ch + 1) / 8) < 0.04, `channel ${ch}: amplitude ${fit.amplitude}, expected ${(ch + 1) / 8}`);
      }
    });
  }

  test('mono MP3 decodes to one channel', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${FREQ}:sample_rate=22050:duration=${DURATION}`, '-c:a', 'libmp3lame', join(dir, 'mono.mp3')]);
    const buf = await decodeAt(44100, new Uint8Array(readFileSync(join(dir, 'mono.mp3'))).buffer);
    assert.equal(buf.numberOfChannels, 1);
    assert.equal(buf.length, 22050);
    assert.ok(sineFit(buf.getChannelData(0), 44100).correlation > 0.99);
  });
});

describe('decodeAudioData: damaged data', () => {
  test('randomly damaged files of every format decode or reject with EncodingError', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const calls: Promise<void>[] = [];
    for (const f of Object.values(FIXTURES)) {
      const full = bytes.get(f.file)!;
      for (let k = 0; k < 6; k++) {
        const b = full.slice();
        // Flip a few bytes anywhere, or stamp a run of junk, or both.
        for (let i = 0; i < 1 + rand(8); i++) b[rand(b.length)] = rand(256);
        if (k % 2 === 1) {
          const at = rand(b.length);
          for (let i = at; i < Math.min(b.length, at + 64); i++) b[i] = rand(256);
        }
        calls.push(
          decodeAt(48000, b.buffer).then(
            (buf) => assert.ok(buf.length > 0 && buf.numberOfChannels >= 1),
            (e: unknown) => assert.ok(isEncodingError(e), `${f.file} #${k}: ${String(e)}`),
          ),
        );
      }
    }
    await Promise.all(calls);
  });


  for (const [name, f] of Object.entries(FIXTURES)) {
    test(`${name}: cut inside its headers, or its headers overwritten, rejects with EncodingError`, async (t) => {
      if (!hasFfmpeg) return t.skip(NO_FFMPEG);
      const full = bytes.get(f.file)!;
      // Cut: only the container's first bytes (signature and part of the headers).
      await assert.rejects(decodeAt(48000, full.slice(0, 40).buffer), isEncodingError, 'cut to 40 bytes');
      // Corrupt: the signature kept, what follows replaced by pseudo-random bytes.
      const bad = full.slice(0, 4096);
      let seed = 12345;
      for (let i = 12; i < bad.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bad[i] = seed >>> 24;
      }
      await assert.rejects(decodeAt(48000, bad.buffer), isEncodingError, 'corrupt');
    });
    test(`${name}: cut in the middle decodes what is whole, or rejects with EncodingError`, async (t) => {
      if (!hasFfmpeg) return t.skip(NO_FFMPEG);
      const full = bytes.get(f.file)!;
      try {
        const buf = await decodeAt(48000, full.slice(0, Math.floor(full.length / 2)).buffer);
        assert.ok(buf.length > 0 && buf.length < 0.5 * 48000 + 512, `length ${buf.length}`);
        assert.equal(buf.numberOfChannels, 2);
      } catch (e) {
        assert.ok(isEncodingError(e), String(e));
      }
    });
  }

  test('garbage bytes reject with EncodingError', async () => {
    let seed = 99;
    const junk = new Uint8Array(10_000).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    await assert.rejects(decodeAt(48000, junk.buffer), isEncodingError);
    await assert.rejects(decodeAt(48000, new ArrayBuffer(0)), isEncodingError);
    // A signature alone.
    for (const sig of ['OggS\0', 'fLaC', 'ID3\x03\0\0\0\0\0\x10', '\x1a\x45\xdf\xa3', '\0\0\0\x18ftypmp42', 'FORM\0\0\0\x04AIFF', 'RIFF\0\0\0\x04WAVE']) {
      const b = new Uint8Array([...sig].map((c) => c.charCodeAt(0)));
      await assert.rejects(decodeAt(48000, b.buffer), isEncodingError, JSON.stringify(sig));
    }
  });

  test('the decoding thread dying rejects with EncodingError, and the next call starts a new one', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const pending = decodeAt(48000, load('a.flac'));
    const thread = decodingThread();
    assert.ok(thread, 'a decoding thread is running');
    await thread.terminate();
    await assert.rejects(pending, (e: unknown) => isEncodingError(e) && /decoding thread/.test((e as Error).message));
    const buf = await decodeAt(48000, load('a.flac'));
    assert.equal(buf.length, 24000);
    assert.notEqual(decodingThread(), thread);
  });

  test('contexts decode concurrently on the shared thread', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const files = ['a.mp3', 'a.opus', 'a.flac', 'a.webm', 'o.mp4', 'a.ogg'];
    const bufs = await Promise.all(files.map((f) => decodeAt(48000, load(f))));
    for (const b of bufs) assert.equal(b.length, 24000);
  });
});

describe('decodeAudioData: process lifetime', () => {
  test('a script that decodes exits on its own', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const here = dirname(fileURLToPath(import.meta.url));
    const ctxModule = join(here, '../../src/webaudio/offline-audio-context.js');
    const script = join(dir, 'exit.mjs');
    writeFileSync(script, `
      import { readFileSync } from 'node:fs';
      const { OfflineAudioContext } = await import(${JSON.stringify(ctxModule)});
      const ctx = new OfflineAudioContext(1, 1, 48000);
      const b = await ctx.decodeAudioData(new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'a.opus'))})).buffer);
      await ctx.decodeAudioData(new Uint8Array([1, 2, 3]).buffer).catch((e) => console.log(e.name));
      console.log('decoded', b.length);
    `);
    const started = Date.now();
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /EncodingError\ndecoded 24000/);
    assert.ok(Date.now() - started < 10_000, `exited after ${Date.now() - started} ms`);
  });

  test('a decode that outlasts its time limit rejects with EncodingError, and the next one runs', async (t) => {
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const ctxModule = join(dirname(fileURLToPath(import.meta.url)), '../../src/webaudio/offline-audio-context.js');
    const script = join(dir, 'timeout.mjs');
    writeFileSync(script, `
      import { readFileSync } from 'node:fs';
      const { OfflineAudioContext } = await import(${JSON.stringify(ctxModule)});
      const ctx = new OfflineAudioContext(1, 1, 48000);
      const data = () => new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'a.flac'))})).buffer;
      // No thread started yet: the first call pays for starting it and loading the decoder.
      await ctx.decodeAudioData(data()).then(() => console.log('slow decoded'), (e) => console.log(e.name, e.message));
      process.env.MEDIACAPTURE_DECODE_TIMEOUT_MS = '60000';
      const b = await ctx.decodeAudioData(data());
      console.log('decoded', b.length);
    `);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, MEDIACAPTURE_DECODE_TIMEOUT_MS: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^EncodingError .*longer than 1 ms.*\ndecoded 24000\n$/);
  });
});
