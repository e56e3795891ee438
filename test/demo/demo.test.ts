/**
 * Runs the built demo (demo/main.js beside this build's test/ directory) as a child process with
 * no sound server, and checks what it leaves behind: a filtered WAV file whose bass is boosted by
 * the requested gain, a still photo of the synthetic camera's colour bars, a spectrum plot, and a
 * summary whose measured low-band change matches the gain.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../../src/media/codecs/wav.js';
import { decodePng } from '../../src/media/codecs/png.js';
import { FFT } from '../../src/media/fft.js';
import { noiseBlock } from '../../src/media/noise.js';
import { startSoundServer } from '../support/sound-server.js';

const DEMO = fileURLToPath(new URL('../../demo/main.js', import.meta.url));
/** Generous: the run itself is 2 s; the rest is start-up on a busy machine. */
const RUN_LIMIT_MS = 30_000;

interface RunOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a machine with no sound card and no device configuration. */
function quietEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/mediacapture-demo-test/native' };
  delete env.MEDIACAPTURE_DEVICES;
  delete env.MEDIACAPTURE_AUDIO_OUTPUT;
  return env;
}

function runDemo(args: string[], env: NodeJS.ProcessEnv = quietEnv()): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`the demo did not exit within ${RUN_LIMIT_MS} ms; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, RUN_LIMIT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The dB value printed on the summary line starting with `label` ("  low band (50 Hz-250 Hz): +12.0 dB"). */
function summaryDb(stdout: string, label: string): number {
  const m = new RegExp(`^\\s*${label} \\([^)]*\\): ([-+]\\d+\\.\\d) dB$`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line in the summary:\n${stdout}`);
  return Number(m[1]);
}

/**
 * Power of `x` between loHz and hiHz, averaged over Hann-windowed blocks (a reference measurement
 * independent of the demo's analysers).
 */
function bandPower(x: Float32Array, sampleRate: number, loHz: number, hiHz: number, size = 8192): number {
  const fft = new FFT(size);
  const re = new Float64Array(size), im = new Float64Array(size);
  let total = 0, blocks = 0;
  for (let start = 0; start + size <= x.length; start += size / 2) {
    for (let i = 0; i < size; i++) {
      re[i] = x[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
      im[i] = 0;
    }
    fft.transform(re, im, -1);
    const k0 = Math.ceil((loHz * size) / sampleRate), k1 = Math.floor((hiHz * size) / sampleRate);
    for (let k = k0; k <= k1; k++) total += re[k]! * re[k]! + im[k]! * im[k]!;
    blocks++;
  }
  assert.ok(blocks > 0, `only ${x.length} samples to measure`);
  return total / blocks;
}

const db = (ratio: number) => 10 * Math.log10(ratio);

/** Distinct RGB colours among the pixels of an RGBA image. */
function distinctColours(rgba: Uint8Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < rgba.length; i += 4) seen.add((rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!);
  return seen.size;
}

describe('npm run demo (no sound server, fixed gain)', () => {
  const GAIN = 12;
  let dir: string;
  let run: RunOutput;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mc-demo-'));
    run = await runDemo(['--seconds', '2', '--gain', String(GAIN), '--out', dir]);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('exits 0 by itself and reports the WAV fallback', () => {
    assert.equal(run.signal, null);
    assert.equal(run.code, 0, `exit code ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    assert.match(run.stdout, /^getUserMedia supported\.$/m);
    assert.match(run.stdout, /^Output: +.*filtered\.wav \(no sound server answered\)$/m);
    assert.match(run.stdout, /microphone: "Synthetic Microphone \(pink noise\)"/);
    assert.match(run.stdout, /camera: +"Synthetic Camera"/);
    assert.match(run.stdout, /^ {2}audio: .*sampleRate 48000.*channelCount 1/m);
    assert.match(run.stdout, /^ {2}video: .*width 640, height 480/m);
  });

  test('the summary reports a low-band rise close to the gain and an unchanged high band', () => {
    assert.ok(Math.abs(summaryDb(run.stdout, 'low band') - GAIN) <= 1, run.stdout);
    assert.ok(Math.abs(summaryDb(run.stdout, 'high band')) <= 1, run.stdout);
    const rendered = /^Rendered: (\d+\.\d+) s/m.exec(run.stdout);
    assert.ok(rendered && Number(rendered[1]) > 0, run.stdout);
  });

  test('filtered.wav holds the microphone with its bass raised by the gain', () => {
    const out = parseWav(readFileSync(join(dir, 'filtered.wav')));
    // The synthetic microphone's pink noise: one loopable block with its peak at the default
    // amplitude, 0.5.
    const block = noiseBlock({ length: 1 << 17, sampleRate: 48000, color: 'pink', seed: 1 });
    let peak = 0;
    for (const v of block) peak = Math.max(peak, Math.abs(v));
    const input = { channels: [block.map((v) => (v * 0.5) / peak)] };
    assert.equal(out.sampleRate, 48000);
    assert.equal(out.channels.length, 2);
    // The mono microphone is up-mixed to both channels of the destination.
    const [l, r] = out.channels as [Float32Array, Float32Array];
    assert.ok(l.length >= 48000, `only ${l.length} frames rendered`);
    for (let i = 0; i < l.length; i += 97) assert.equal(l[i], r[i], `channels differ at frame ${i}`);
    // Band powers relative to the input's: the shelf raises 50-250 Hz by the gain and leaves
    // 4-16 kHz alone. Differencing the two bands cancels any overall level difference (e.g. the
    // silence before the first captured samples arrived).
    const sr = out.sampleRate;
    const lowRise = db(bandPower(l, sr, 50, 250) / bandPower(input.channels[0]!, sr, 50, 250));
    const highRise = db(bandPower(l, sr, 4000, 16000) / bandPower(input.channels[0]!, sr, 4000, 16000));
    assert.ok(Math.abs(lowRise - highRise - GAIN) <= 1, `low band rose ${lowRise.toFixed(2)} dB, high band ${highRise.toFixed(2)} dB`);
    assert.ok(Math.abs(highRise) <= 1.5, `high band changed by ${highRise.toFixed(2)} dB`);
  });

  test('still.png is a frame of the synthetic camera: 640x480 colour bars', () => {
    const png = decodePng(readFileSync(join(dir, 'still.png')));
    assert.equal(png.width, 640);
    assert.equal(png.height, 480);
    // 75% colour bars, left to right: white, yellow, cyan, green, magenta, red, blue, black
    // (each channel either 75% of full scale or 0).
    const on = 0.75 * 255;
    const bars = [[1, 1, 1], [1, 1, 0], [0, 1, 1], [0, 1, 0], [1, 0, 1], [1, 0, 0], [0, 0, 1], [0, 0, 0]];
    const y = Math.floor(png.height * 0.75); // below the frame counter box
    let matches = 0;
    bars.forEach((bar, i) => {
      const x = Math.floor(((i + 0.5) * png.width) / bars.length);
      const o = (y * png.width + x) * 4;
      const px = [png.rgba[o]!, png.rgba[o + 1]!, png.rgba[o + 2]!];
      if (px.every((v, c) => Math.abs(v - bar[c]! * on) <= 24)) matches++;
    });
    // The camera's sweeping white bar may cover one sample point.
    assert.ok(matches >= bars.length - 1, `only ${matches} of ${bars.length} colour bars where expected`);
  });

  test('spectrum.png is a plot with the input and output curves', () => {
    const png = decodePng(readFileSync(join(dir, 'spectrum.png')));
    assert.ok(png.width >= 800 && png.height >= 400, `${png.width}x${png.height}`);
    assert.ok(distinctColours(png.rgba) >= 5, 'the plot has fewer than 5 colours: background, grid, text and two curves');
    // The output curve is drawn in orange (255, 150, 40) and the input in grey-blue (170, 170, 190).
    let orange = 0, grey = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      const r = png.rgba[i]!, g = png.rgba[i + 1]!, b = png.rgba[i + 2]!;
      if (r === 255 && g === 150 && b === 40) orange++;
      if (r === 170 && g === 170 && b === 190) grey++;
    }
    assert.ok(orange > 1000, `${orange} output-curve pixels`);
    assert.ok(grey > 1000, `${grey} input-curve pixels`);
  });

  test('every output file the summary lists exists', () => {
    const listed = run.stdout.split('\nFiles:\n')[1]?.trim().split('\n').map((l) => l.trim()) ?? [];
    assert.equal(listed.length, 3, run.stdout);
    for (const name of ['still.png', 'spectrum.png', 'filtered.wav']) {
      assert.ok(listed.some((l) => l.endsWith(name)), `${name} not listed`);
      assert.ok(existsSync(join(dir, name)), `${name} missing`);
    }
  });
});

describe('npm run demo (no sound server, gain sweep)', () => {
  let dir: string;
  let run: RunOutput;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mc-demo-'));
    run = await runDemo(['--seconds', '2', '--out', dir]);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the low band follows the gain as it sweeps from -10 dB to +20 dB', () => {
    assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    // "    t 0.2-0.4 s   gain    -6.9 dB   low band    -7.0 dB": a stretch of the run, the mean
    // gain during it and the measured change of the low band.
    const rows = [...run.stdout.matchAll(/^ +t (\d+\.\d)-(\d+\.\d) s +gain +([-+]\d+\.\d) dB +low band +([-+]\d+\.\d) dB$/gm)].map((m) => ({
      t: m[1], gain: Number(m[3]), low: Number(m[4]),
    }));
    assert.ok(rows.length >= 4, run.stdout);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.gain > rows[i - 1]!.gain, 'the gain does not rise');
    for (const row of rows) {
      assert.ok(row.gain >= -10 && row.gain <= 20, `gain ${row.gain} outside the sweep`);
      // Each stretch averages a moving gain over a few analyser reads; a busy machine adds jitter.
      assert.ok(Math.abs(row.low - row.gain) <= 2.5, `at ${row.t} s the low band changed ${row.low} dB with the gain at ${row.gain} dB\n${run.stdout}`);
    }
    assert.ok(rows[0]!.gain < 0 && rows[rows.length - 1]!.gain > 10, run.stdout);
    const first = rows[0]!, last = rows[rows.length - 1]!;
    assert.ok(Math.abs(last.low - first.low - (last.gain - first.gain)) <= 2.5, `the low band rose ${last.low - first.low} dB while the gain rose ${last.gain - first.gain} dB`);
    assert.ok(Math.abs(summaryDb(run.stdout, 'high band')) <= 1, run.stdout);
  });

  test('the plot shows the output at the start and the end of the sweep', () => {
    const png = decodePng(readFileSync(join(dir, 'spectrum.png')));
    let blue = 0, orange = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      const r = png.rgba[i]!, g = png.rgba[i + 1]!, b = png.rgba[i + 2]!;
      if (r === 80 && g === 170 && b === 255) blue++;
      if (r === 255 && g === 150 && b === 40) orange++;
    }
    assert.ok(blue > 1000 && orange > 1000, `${blue} start-of-sweep and ${orange} end-of-sweep pixels`);
  });
});

describe('npm run demo (with a sound server)', () => {
  test('plays to the speakers instead of writing a WAV file', async (t) => {
    const server = await startSoundServer();
    if ('unavailable' in server) {
      t.skip(server.unavailable);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'mc-demo-'));
    // Record what reaches the virtual speakers from their monitor.
    const recorder = spawn('parec', ['--raw', '--format=float32le', '--rate=48000', '--channels=1', `--device=${server.monitorName}`], {
      env: server.env, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    recorder.stdout.on('data', (d: Buffer) => chunks.push(d));
    try {
      const env: NodeJS.ProcessEnv = { ...server.env };
      delete env.MEDIACAPTURE_DEVICES;
      delete env.MEDIACAPTURE_AUDIO_OUTPUT;
      const run = await runDemo(['--seconds', '1.5', '--gain', '6', '--out', dir], env);
      assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
      assert.match(run.stdout, /^Output: +the speakers \(sound server\)$/m);
      assert.doesNotMatch(run.stdout, /output error/);
      assert.equal(existsSync(join(dir, 'filtered.wav')), false);
      assert.ok(existsSync(join(dir, 'spectrum.png')) && existsSync(join(dir, 'still.png')));
      // A fresh copy: Buffer.concat may return a slice of a pool at an offset not aligned to 4.
      const bytes = new Uint8Array(Buffer.concat(chunks));
      const samples = new Float32Array(bytes.buffer, 0, bytes.length >> 2);
      let peak = 0;
      for (const v of samples) peak = Math.max(peak, Math.abs(v));
      assert.ok(peak > 0.01, `the speakers received ${samples.length} samples peaking at ${peak}; the demo said:\n${run.stdout}`);
    } finally {
      if (recorder.pid !== undefined && recorder.exitCode === null) process.kill(recorder.pid, 'SIGTERM');
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('demo command line', () => {
  test('--help prints the options and exits 0', async () => {
    const run = await runDemo(['--help']);
    assert.equal(run.code, 0);
    for (const opt of ['--gain', '--seconds', '--out', '--output', '--help']) assert.match(run.stdout, new RegExp(`^ +(-h, )?${opt}\\b`, 'm'));
  });

  test('a bad option value exits 2 naming the option', async () => {
    const run = await runDemo(['--seconds', 'soon']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--seconds: expected a number, got "soon"/);
  });
});
