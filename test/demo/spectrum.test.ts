import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SpectrumAverage, bandPower, bandChangeDb, dbToPower, formatDb } from '../../demo/spectrum.js';

describe('SpectrumAverage', () => {
  test('averages power, not decibels', () => {
    const avg = new SpectrumAverage(2);
    avg.add(new Float32Array([0, -10]));
    avg.add(new Float32Array([-10, -Infinity]));
    assert.equal(avg.count, 2);
    const p = avg.meanPower();
    // (1 + 0.1) / 2 and (0.1 + 0) / 2
    assert.ok(Math.abs(p[0]! - 0.55) < 1e-6);
    assert.ok(Math.abs(p[1]! - 0.05) < 1e-6);
    const db = avg.meanDb();
    assert.ok(Math.abs(db[0]! - 10 * Math.log10(0.55)) < 1e-4);
    assert.ok(Math.abs(db[1]! - 10 * Math.log10(0.05)) < 1e-4);
  });

  test('is silent (-Infinity dB) before anything is added', () => {
    const avg = new SpectrumAverage(3);
    assert.deepEqual([...avg.meanPower()], [0, 0, 0]);
    assert.deepEqual([...avg.meanDb()], [-Infinity, -Infinity, -Infinity]);
  });
});

describe('band levels', () => {
  // 8 bins of a 16 kHz spectrum: bin k is at k * 1000 Hz.
  const power = Float64Array.from([1, 2, 4, 8, 16, 32, 64, 128]);

  test('bandPower sums the bins whose centre lies in the band', () => {
    assert.equal(bandPower(power, 16000, 1000, 3000), 2 + 4 + 8);
    assert.equal(bandPower(power, 16000, 1500, 2500), 4);
    assert.equal(bandPower(power, 16000, 1200, 1800), 0);
    assert.equal(bandPower(power, 16000, 6500, 99999), 128);
  });

  test('bandChangeDb is the output/input power ratio in the band', () => {
    const out = power.map((p, k) => (k <= 2 ? p * 4 : p));
    assert.ok(Math.abs(bandChangeDb(power, out, 16000, [0, 2000])! - 10 * Math.log10(4)) < 1e-9);
    assert.equal(bandChangeDb(power, out, 16000, [4000, 7000]), 0);
    assert.equal(bandChangeDb(new Float64Array(8), out, 16000, [0, 2000]), null, 'no input power: no ratio');
  });

  test('dbToPower inverts 10 log10', () => {
    assert.deepEqual([...dbToPower(new Float32Array([0, 10, -20, -Infinity]))].map((v) => Math.round(v * 1e6) / 1e6), [1, 10, 0.01, 0]);
  });
});

describe('formatDb', () => {
  test('signs, rounding and missing values', () => {
    assert.equal(formatDb(12), '+12.0 dB');
    assert.equal(formatDb(-3.46), '-3.5 dB');
    assert.equal(formatDb(-0.01), '+0.0 dB');
    assert.equal(formatDb(0), '+0.0 dB');
    assert.equal(formatDb(2.345, 2), '+2.35 dB');
    assert.equal(formatDb(null), 'n/a');
    assert.equal(formatDb(-Infinity), 'n/a');
  });
});
