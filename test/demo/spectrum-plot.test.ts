import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dbRange, drawSpectrumPlot, enlarge } from '../../demo/spectrum-plot.js';
import { Raster } from '../../demo/plot.js';

describe('enlarge', () => {
  test('repeats each pixel scale x scale times', () => {
    const r = new Raster(2, 1, [0, 0, 0]);
    r.pixel(1, 0, [200, 100, 50]);
    const big = enlarge(r, 3);
    assert.deepEqual([big.width, big.height], [6, 3]);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 6; x++) assert.deepEqual(big.get(x, y), x < 3 ? [0, 0, 0, 255] : [200, 100, 50, 255], `(${x}, ${y})`);
    }
    assert.equal(enlarge(r, 1), r);
    assert.throws(() => enlarge(r, 1.5), RangeError);
  });
});

describe('dbRange', () => {
  test('spans the data in whole 10 dB steps with room on both sides', () => {
    // 1024 bins of a 48 kHz spectrum (23.4 Hz each): bin 0 (DC) is outside the plotted range.
    const db = new Float32Array(1024).fill(-47);
    db[0] = 20;
    db[100] = -13;
    db[500] = -81;
    assert.deepEqual(dbRange([{ label: 'a', color: [0, 0, 0], db }], 48000, 20000), { minDb: -100, maxDb: 0 });
  });

  test('keeps at least 40 dB and at most 120 dB, and has a default for empty data', () => {
    const flat = new Float32Array(64).fill(-50);
    assert.deepEqual(dbRange([{ label: 'a', color: [0, 0, 0], db: flat }], 48000, 20000), { minDb: -80, maxDb: -40 });
    const wide = new Float32Array(64).fill(-50);
    wide[5] = -300;
    assert.deepEqual(dbRange([{ label: 'a', color: [0, 0, 0], db: wide }], 48000, 20000), { minDb: -160, maxDb: -40 });
    assert.deepEqual(dbRange([{ label: 'a', color: [0, 0, 0], db: new Float32Array(8).fill(-Infinity) }], 48000, 20000), { minDb: -120, maxDb: 0 });
  });
});

describe('drawSpectrumPlot', () => {
  test('draws each series in its colour, enlarged, with the band shading behind the curves', () => {
    const n = 2048;
    const rising = new Float32Array(n).map((_, k) => -80 + (40 * k) / n);
    const falling = new Float32Array(n).map((_, k) => -40 - (40 * k) / n);
    const r = drawSpectrumPlot({
      title: 'test',
      sampleRate: 48000,
      series: [{ label: 'up', color: [255, 0, 0], db: rising }, { label: 'down', color: [0, 255, 0], db: falling }],
      shelfHz: 1000,
      bands: [[50, 250]],
      width: 400,
      height: 200,
      scale: 2,
    });
    assert.deepEqual([r.width, r.height], [800, 400]);
    const count = (c: number[]) => {
      let n = 0;
      for (let i = 0; i < r.data.length; i += 4) if (r.data[i] === c[0] && r.data[i + 1] === c[1] && r.data[i + 2] === c[2]) n++;
      return n;
    };
    // Each curve crosses the whole plot (about 340 columns, 2x2 pixels each) and its legend swatch.
    assert.ok(count([255, 0, 0]) > 1000, 'rising curve');
    assert.ok(count([0, 255, 0]) > 1000, 'falling curve');
    // The shaded band tints the background, so its colour differs from plain background.
    const tinted = r.get(2 * 100, 2 * 100);
    assert.notDeepEqual(tinted, [16, 16, 24, 255]);
  });
});
