import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnalyserKernel,
  blackmanWindow,
  createAnalyserHistory,
  isValidFftSize,
  writeAnalyserInput,
} from '../../../src/webaudio/dsp/analyser.js';

function feed(kernel: AnalyserKernel, signal: (i: number) => number, frames: number, offset = 0): void {
  const block = new Float32Array(128);
  for (let off = 0; off < frames; off += 128) {
    const len = Math.min(128, frames - off);
    for (let i = 0; i < len; i++) block[i] = signal(offset + off + i);
    writeAnalyserInput(kernel.history, [block], len);
  }
}

describe('analyser kernel', () => {
  test('fft sizes: powers of two from 32 to 32768', () => {
    assert.ok(isValidFftSize(32) && isValidFftSize(32768) && isValidFftSize(2048));
    assert.ok(!isValidFftSize(16) && !isValidFftSize(65536) && !isValidFftSize(1000) && !isValidFftSize(0));
  });

  test('Blackman window values by hand', () => {
    const w = blackmanWindow(4);
    // n=0: 0.42 - 0.5 + 0.08 = 0; n=1: 0.42 - 0 - 0.08 = 0.34; n=2: 0.42 + 0.5 + 0.08 = 1
    assert.ok(Math.abs(w[0]!) < 1e-7 && Math.abs(w[1]! - 0.34) < 1e-7 && Math.abs(w[2]! - 1) < 1e-7 && Math.abs(w[3]! - 0.34) < 1e-7);
  });

  test('a bin-centred sine peaks at its bin with magnitude A a0 / 2, neighbours A a1 / 4 and A a2 / 4', () => {
    const N = 2048;
    const bin = 100;
    const A = 0.8;
    const k = new AnalyserKernel();
    feed(k, (i) => A * Math.sin(2 * Math.PI * bin * i / N + 0.3), 3 * N);
    k.update(N, 0);
    const db = new Float32Array(N / 2);
    k.getFloatFrequencyData(db);
    let peak = 0;
    for (let i = 1; i < N / 2; i++) if (db[i]! > db[peak]!) peak = i;
    assert.equal(peak, bin);
    const dB = (v: number): number => 20 * Math.log10(v);
    assert.ok(Math.abs(db[bin]! - dB(A * 0.42 / 2)) < 1e-3, `peak ${db[bin]}`);
    assert.ok(Math.abs(db[bin + 1]! - dB(A * 0.5 / 4)) < 1e-3);
    assert.ok(Math.abs(db[bin - 2]! - dB(A * 0.08 / 4)) < 1e-3);
    assert.ok(db[bin + 10]! < -100, `far bin ${db[bin + 10]}`);
  });

  test('smoothing over time: X^ = tau X^_-1 + (1 - tau)|X|; same stamp returns previous data', () => {
    const N = 256;
    const k = new AnalyserKernel();
    feed(k, (i) => Math.cos(2 * Math.PI * 8 * i / N), N);
    const mag = 0.42 / 2;
    const db = new Float32Array(N / 2);
    k.update(N, 0.5, 1);
    k.getFloatFrequencyData(db);
    assert.ok(Math.abs(db[8]! - 20 * Math.log10(0.5 * mag)) < 1e-3);
    k.update(N, 0.5, 1); // same quantum: no new smoothing step
    k.getFloatFrequencyData(db);
    assert.ok(Math.abs(db[8]! - 20 * Math.log10(0.5 * mag)) < 1e-3);
    k.update(N, 0.5, 2);
    k.getFloatFrequencyData(db);
    assert.ok(Math.abs(db[8]! - 20 * Math.log10(0.75 * mag)) < 1e-3);
    // A new fftSize resets the previous block.
    k.update(N / 2, 0.5, 2);
    const db2 = new Float32Array(N / 4);
    k.getFloatFrequencyData(db2);
    assert.ok(Math.abs(db2[4]! - 20 * Math.log10(0.5 * mag)) < 1e-3);
  });

  test('byte frequency data: floor(255 / (max - min) (Y - min)), clipped', () => {
    const N = 32;
    const k = new AnalyserKernel();
    // Silence: every Y is -Infinity, clipped to 0.
    feed(k, () => 0, N);
    k.update(N, 0);
    const bytes = new Uint8Array(N / 2).fill(7);
    k.getByteFrequencyData(bytes, -100, -30);
    assert.ok(bytes.every((b) => b === 0));
    const floats = new Float32Array(N / 2);
    k.getFloatFrequencyData(floats);
    assert.ok(floats.every((f) => f === -Infinity));
    // DC of amplitude 1: bin 0 = a0 = 0.42 -> Y = -7.535 dB; bin 1 = a1/2 = 0.25 -> -12.04 dB; bin 2 = 0.04 -> -27.96 dB
    feed(k, () => 1, N);
    k.update(N, 0);
    k.getFloatFrequencyData(floats);
    const byHand = (y: number, min: number, max: number): number => Math.max(0, Math.min(255, Math.floor(255 / (max - min) * (y - min))));
    const y2 = 20 * Math.log10(0.04);
    k.getByteFrequencyData(bytes, -100, -30);
    assert.equal(bytes[0], 255); // above max
    assert.equal(bytes[2], 255); // -27.96 > -30
    k.getByteFrequencyData(bytes, -40, 0);
    assert.equal(bytes[2], byHand(y2, -40, 0));
    assert.equal(bytes[2], Math.floor(255 / 40 * (40 + y2)));
    assert.equal(bytes[5], 0);
    // Short arrays get only what fits.
    const short = new Uint8Array(2);
    k.getByteFrequencyData(short, -40, 0);
    assert.equal(short[1], byHand(20 * Math.log10(0.25), -40, 0));
  });

  test('time-domain data: the most recent fftSize frames; bytes = floor(128 (1 + x)) clipped', () => {
    const k = new AnalyserKernel();
    feed(k, (i) => i, 40000); // wraps the 32768-frame history
    const out = new Float32Array(64);
    k.getFloatTimeDomainData(32, out);
    for (let i = 0; i < 32; i++) assert.equal(out[i], 40000 - 32 + i);
    assert.equal(out[32], 0); // excess elements untouched
    const k2 = new AnalyserKernel();
    const vals = [-2, -1, -0.5, 0, 0.5, 0.99, 1, 3, NaN];
    writeAnalyserInput(k2.history, [Float32Array.from(vals)], vals.length);
    const bytes = new Uint8Array(vals.length);
    k2.getByteTimeDomainData(vals.length, bytes);
    assert.deepEqual(Array.from(bytes), [0, 0, 64, 128, 192, 254, 255, 255, 0]);
  });

  test('down-mix: stereo averages, 5.1 uses the speaker weights', () => {
    const h = createAnalyserHistory(true);
    assert.ok(h.samples.buffer instanceof SharedArrayBuffer);
    const k = new AnalyserKernel(h);
    writeAnalyserInput(h, [new Float32Array([1]), new Float32Array([0.5])], 1);
    const ch = [1, 2, 3, 4, 5, 6].map((v) => new Float32Array([v / 10]));
    writeAnalyserInput(h, ch, 1);
    const out = new Float32Array(2);
    k.getFloatTimeDomainData(2, out);
    assert.ok(Math.abs(out[0]! - 0.75) < 1e-7);
    assert.ok(Math.abs(out[1]! - (Math.SQRT1_2 * 0.3 + 0.3 + 0.5 * 1.1)) < 1e-6);
  });
});
