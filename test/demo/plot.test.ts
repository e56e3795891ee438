import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Raster, plotSpectra, spectrumPlotFrame, textWidth, glyph, type Rgba } from '../../demo/plot.js';
import { decodePng } from '../../src/media/codecs/png.js';

const RED: Rgba = [255, 0, 0];
const BG: Rgba = [0, 0, 0, 255];

/** Set of "x,y" for pixels that differ from the background. */
function painted(r: Raster): Set<string> {
  const s = new Set<string>();
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) {
    const [a, b, c] = r.get(x, y);
    if (a || b || c) s.add(`${x},${y}`);
  }
  return s;
}

describe('Raster', () => {
  test('fillRect sets exactly its pixels, clipped at the edges', () => {
    const r = new Raster(10, 8, BG);
    r.fillRect(2, 3, 4, 2, RED);
    r.fillRect(8, 6, 5, 5, RED);
    const want = new Set<string>();
    for (let y = 3; y < 5; y++) for (let x = 2; x < 6; x++) want.add(`${x},${y}`);
    for (let y = 6; y < 8; y++) for (let x = 8; x < 10; x++) want.add(`${x},${y}`);
    assert.deepEqual(painted(r), want);
    assert.deepEqual(r.get(2, 3), [255, 0, 0, 255]);
  });

  test('horizontal, vertical and diagonal lines hit exactly the expected pixels', () => {
    const r = new Raster(12, 12, BG);
    r.line(1, 1, 5, 1, RED);
    r.line(9, 2, 9, 0, RED);
    r.line(2, 4, 6, 8, RED);
    const want = new Set<string>();
    for (let x = 1; x <= 5; x++) want.add(`${x},1`);
    for (let y = 0; y <= 2; y++) want.add(`9,${y}`);
    for (let i = 0; i <= 4; i++) want.add(`${2 + i},${4 + i}`);
    assert.deepEqual(painted(r), want);
  });

  test('a shallow line has one pixel per column, staying within half a pixel of the ideal', () => {
    const r = new Raster(20, 10, BG);
    r.line(0, 0, 19, 5, RED);
    const p = painted(r);
    assert.equal(p.size, 20);
    for (let x = 0; x < 20; x++) {
      const ideal = x * 5 / 19;
      const ys = [...p].filter((k) => k.startsWith(`${x},`)).map((k) => Number(k.split(',')[1]));
      assert.equal(ys.length, 1);
      assert.ok(Math.abs(ys[0] - ideal) <= 0.5 + 1e-9, `x=${x}: y=${ys[0]}, ideal ${ideal}`);
    }
  });

  test('polyline joins its points; lines off the raster are clipped', () => {
    const r = new Raster(6, 6, BG);
    r.polyline([[0, 0], [3, 0], [3, 3]], RED);
    r.line(-10, 5, -1, 5, RED);
    assert.deepEqual(painted(r), new Set(['0,0', '1,0', '2,0', '3,0', '3,1', '3,2', '3,3']));
  });

  test('alpha blends over the background', () => {
    const r = new Raster(1, 1, [100, 100, 100, 255]);
    r.pixel(0, 0, [200, 0, 100, 128]);
    const k = 128 / 255;
    assert.deepEqual(r.get(0, 0), [Math.round(200 * k + 100 * (1 - k)), Math.round(100 * (1 - k)), 100, 255]);
  });

  test('text draws glyph bits at the right place and scale', () => {
    const r = new Raster(30, 20, BG);
    const w = r.text(3, 4, '-1', RED, 2);
    assert.equal(w, textWidth('-1', 2));
    assert.equal(w, (2 * 6 - 1) * 2);
    const want = new Set<string>();
    ['-', '1'].forEach((ch, i) => {
      glyph(ch).forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits & (0x10 >> col)) {
            for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) want.add(`${3 + (i * 6 + col) * 2 + dx},${4 + row * 2 + dy}`);
          }
        }
      });
    });
    assert.deepEqual(painted(r), want);
    // '-' is the middle row only: 5 pixels wide at scale 2 -> 10x2 block at y = 4 + 3*2
    assert.ok(want.has('3,10') && want.has('12,11') && !want.has('3,9'));
  });

  test('toPng round-trips the pixels', () => {
    const r = new Raster(7, 3, [1, 2, 3, 255]);
    r.line(0, 1, 6, 1, RED);
    assert.deepEqual(decodePng(r.toPng()).rgba, r.data);
  });
});

describe('plotSpectra', () => {
  test('a spectral peak is drawn at its frequency column, near the top for 0 dB', () => {
    const sampleRate = 48000, bins = 1024;
    const mags = new Float32Array(bins).fill(-100);
    const peakBin = Math.round(1000 / (sampleRate / (2 * bins))); // 1 kHz
    mags[peakBin] = 0;
    const color: Rgba = [0, 255, 0];
    const width = 600, height = 300;
    const r = plotSpectra({
      series: [{ label: 'TONE', color, magnitudesDb: mags, sampleRate }],
      width, height, minDb: -120, maxDb: 0, minHz: 20, maxHz: 20000, logFrequency: true, title: 'TEST',
    });
    assert.equal(r.width, width);
    assert.equal(r.height, height);
    const f = spectrumPlotFrame(width, height, true);
    // Find the topmost series-coloured pixel inside the plot area, away from the legend box.
    let best: [number, number] | undefined;
    for (let y = f.top; y <= f.bottom; y++) {
      for (let x = f.left; x < f.right - 80; x++) {
        const [a, b, c] = r.get(x, y);
        if (a === 0 && b === 255 && c === 0 && (!best || y < best[1])) best = [x, y];
      }
      if (best) break;
    }
    assert.ok(best, 'series is drawn');
    const peakHz = peakBin * sampleRate / (2 * bins);
    const expectX = f.left + (f.right - f.left) * Math.log(peakHz / 20) / Math.log(20000 / 20);
    assert.ok(Math.abs(best[0] - expectX) <= 1.5, `peak at x=${best[0]}, expected ${expectX}`);
    assert.equal(best[1], f.top);
    // The -100 dB floor sits at 100/120 of the plot height.
    const floorY = Math.round(f.top + (f.bottom - f.top) * 100 / 120);
    const [a, b, c] = r.get(f.left + 5, floorY);
    assert.deepEqual([a, b, c], [0, 255, 0]);
  });

  test('linear frequency axis: a peak at half the range is drawn mid-plot', () => {
    const bins = 512, sampleRate = 24000; // bins span 0..12 kHz
    const mags = new Float32Array(bins).fill(-90);
    const peakBin = bins / 2; // 6 kHz
    mags[peakBin] = -10;
    const width = 400, height = 200;
    const r = plotSpectra({ series: [{ label: 'X', color: [0, 0, 255], magnitudesDb: mags, sampleRate }], width, height,
      minDb: -100, maxDb: 0, minHz: 0, maxHz: 12000, logFrequency: false });
    const f = spectrumPlotFrame(width, height, false);
    const peakY = Math.round(f.top + (f.bottom - f.top) * 10 / 100);
    const xs: number[] = [];
    for (let x = f.left; x <= f.right; x++) { const p = r.get(x, peakY); if (p[0] === 0 && p[1] === 0 && p[2] === 255) xs.push(x); }
    assert.ok(xs.length > 0, 'peak reaches -10 dB');
    const expectX = f.left + (f.right - f.left) * 6000 / 12000;
    for (const x of xs) assert.ok(Math.abs(x - expectX) <= 1.5, `peak pixel at x=${x}, expected ${expectX}`);
  });

  test('legend swatch uses the series colour; invalid ranges are rejected', () => {
    const r = plotSpectra({ series: [{ label: 'A', color: [255, 0, 255], magnitudesDb: new Float32Array(8).fill(-200), sampleRate: 8000 }], width: 300, height: 200 });
    let found = 0;
    for (let y = 0; y < 40; y++) for (let x = 200; x < 300; x++) { const p = r.get(x, y); if (p[0] === 255 && p[1] === 0 && p[2] === 255) found++; }
    assert.equal(found, 50, 'a 10x5 swatch');
    assert.throws(() => plotSpectra({ series: [], minDb: 0, maxDb: -10 }), RangeError);
    assert.throws(() => plotSpectra({ series: [], minHz: 0, logFrequency: true }), RangeError);
  });
});
