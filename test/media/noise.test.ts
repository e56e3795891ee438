import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { noiseBlock } from '../../src/media/noise.js';

/** Power of x in [lo, hi) Hz by a plain DFT over the band's bins (x is one period of a periodic signal). */
function bandPower(x: Float32Array, sampleRate: number, lo: number, hi: number): number {
  const n = x.length;
  let total = 0;
  for (let k = Math.ceil((lo * n) / sampleRate); k < (hi * n) / sampleRate; k++) {
    let re = 0, im = 0;
    for (let i = 0; i < n; i++) {
      const a = (-2 * Math.PI * k * i) / n;
      re += x[i]! * Math.cos(a);
      im += x[i]! * Math.sin(a);
    }
    total += re * re + im * im;
  }
  return total;
}

describe('noiseBlock (pink)', () => {
  const sampleRate = 8000;
  const x = noiseBlock({ length: 2048, sampleRate, rmsDb: -20, lowHz: 50, seed: 7 });

  test('has the requested RMS level', () => {
    let sum = 0;
    for (const v of x) sum += v * v;
    assert.ok(Math.abs(10 * Math.log10(sum / x.length) - -20) < 0.01);
  });

  test('has equal power per octave (pink) and nothing below lowHz', () => {
    const octaves = [[250, 500], [500, 1000], [1000, 2000], [2000, 4000]].map(([lo, hi]) => 10 * Math.log10(bandPower(x, sampleRate, lo!, hi!)));
    for (const o of octaves) assert.ok(Math.abs(o - octaves[0]!) < 0.5, `octave levels ${octaves.map((v) => v.toFixed(2))}`);
    // White noise would rise 3 dB per octave; below 50 Hz there is nothing.
    assert.ok(bandPower(x, sampleRate, 1, 49) < 1e-12 * bandPower(x, sampleRate, 250, 500));
  });

  test('is deterministic per seed and different across seeds', () => {
    assert.deepEqual(noiseBlock({ length: 256, sampleRate, seed: 3 }), noiseBlock({ length: 256, sampleRate, seed: 3 }));
    assert.notDeepEqual(noiseBlock({ length: 256, sampleRate, seed: 3 }), noiseBlock({ length: 256, sampleRate, seed: 4 }));
  });

  test('loops without a jump: the step across the loop point is like any other step', () => {
    let maxStep = 0;
    for (let i = 1; i < x.length; i++) maxStep = Math.max(maxStep, Math.abs(x[i]! - x[i - 1]!));
    assert.ok(Math.abs(x[0]! - x[x.length - 1]!) <= maxStep);
  });
});

describe('noiseBlock (white)', () => {
  test('has equal power per hertz: each octave holds twice the power of the one below', () => {
    const sampleRate = 8000;
    const x = noiseBlock({ length: 2048, sampleRate, color: 'white', rmsDb: -20, lowHz: 50, seed: 5 });
    const octaves = [[250, 500], [500, 1000], [1000, 2000]].map(([lo, hi]) => 10 * Math.log10(bandPower(x, sampleRate, lo!, hi!)));
    assert.ok(Math.abs(octaves[1]! - octaves[0]! - 3.01) < 0.6, `octave levels ${octaves.map((v) => v.toFixed(2))}`);
    assert.ok(Math.abs(octaves[2]! - octaves[1]! - 3.01) < 0.6, `octave levels ${octaves.map((v) => v.toFixed(2))}`);
  });
});
