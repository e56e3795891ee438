import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scalePlane, cropRectFor, type PlaneView } from '../../src/media/scale.js';

function plane(width: number, height: number, spp = 1, stride = width * spp, offset = 0): PlaneView {
  return { data: new Uint8Array(offset + stride * height), offset, stride, width, height };
}
function get(p: PlaneView, x: number, y: number, spp = 1, ch = 0): number {
  return p.data[p.offset + y * p.stride + x * spp + ch];
}
function set(p: PlaneView, x: number, y: number, v: number, spp = 1, ch = 0): void {
  p.data[p.offset + y * p.stride + x * spp + ch] = v;
}
const full = (p: PlaneView) => ({ x: 0, y: 0, width: p.width, height: p.height });

describe('scalePlane', () => {
  test('a constant plane stays constant at many sizes', () => {
    for (const [sw, sh, dw, dh] of [[64, 48, 17, 13], [17, 13, 64, 48], [100, 100, 33, 71], [30, 20, 29, 21]]) {
      const s = plane(sw, sh); s.data.fill(173);
      const d = plane(dw, dh);
      scalePlane(s, full(s), d, 1);
      assert.ok(d.data.every((v) => v === 173), `${sw}x${sh} -> ${dw}x${dh}`);
    }
  });

  test('2:1 downscale is the average of each 2x2 block (rounded)', () => {
    const s = plane(4, 4);
    const vals = [10, 20, 30, 41, 50, 60, 70, 80, 0, 255, 7, 8, 255, 255, 1, 2];
    s.data.set(vals);
    const d = plane(2, 2);
    scalePlane(s, full(s), d, 1);
    const avg = (a: number, b: number, c: number, e: number) => Math.round((a + b + c + e) / 4);
    assert.deepEqual([...d.data], [
      avg(10, 20, 50, 60), avg(30, 41, 70, 80),
      avg(0, 255, 255, 255), avg(7, 8, 1, 2),
    ]);
  });

  test('3:1 downscale averages 3x3 blocks', () => {
    const s = plane(6, 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 6; x++) set(s, x, y, x * 10 + y * 3);
    const d = plane(2, 1);
    scalePlane(s, full(s), d, 1);
    // block 0: x 0..2 -> mean 10, y 0..2 -> mean 3
    assert.deepEqual([...d.data], [10 + 3, 40 + 3]);
  });

  test('a horizontal gradient stays a gradient within ±1 (down and up)', () => {
    for (const [sw, dw] of [[256, 100], [256, 200], [100, 256], [256, 256 + 37]]) {
      const s = plane(sw, 8);
      // Linear ramp v(x) = x * 255/(sw-1), sampled at pixel centres.
      for (let y = 0; y < 8; y++) for (let x = 0; x < sw; x++) set(s, x, y, Math.round(x * 255 / (sw - 1)));
      const d = plane(dw, 5);
      scalePlane(s, full(s), d, 1);
      const k = sw / dw;
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < dw; x++) {
          // Output centre maps to source coordinate (x+0.5)*k - 0.5; clamp to the edge samples.
          const c = Math.min(sw - 1, Math.max(0, (x + 0.5) * k - 0.5));
          const expected = c * 255 / (sw - 1);
          assert.ok(Math.abs(get(d, x, y) - expected) <= 1.01, `${sw}->${dw} x=${x}: ${get(d, x, y)} vs ${expected}`);
        }
      }
    }
  });

  test('vertical gradient with stride and offset', () => {
    const s = plane(5, 200, 1, 16, 3);
    for (let y = 0; y < 200; y++) for (let x = 0; x < 5; x++) set(s, x, y, Math.round(y * 255 / 199));
    const d = plane(3, 90, 1, 7, 5);
    scalePlane(s, full(s), d, 1);
    const k = 200 / 90;
    for (let y = 0; y < 90; y++) {
      const c = Math.min(199, Math.max(0, (y + 0.5) * k - 0.5));
      assert.ok(Math.abs(get(d, 1, y) - c * 255 / 199) <= 1.01, `y=${y}`);
    }
    // bytes before the offset and in the stride padding are untouched
    assert.equal(d.data[0], 0);
    assert.equal(d.data[d.offset + 3], 0);
  });

  test('same size is an exact copy of the rect', () => {
    const s = plane(8, 6);
    for (let i = 0; i < s.data.length; i++) s.data[i] = (i * 37) & 255;
    const d = plane(4, 3, 1, 9);
    scalePlane(s, { x: 2, y: 1, width: 4, height: 3 }, d, 1);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) assert.equal(get(d, x, y), get(s, x + 2, y + 1));
  });

  test('NV12 interleaved UV components do not bleed into each other', () => {
    const s = plane(40, 30, 2);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) { set(s, x, y, 16, 2, 0); set(s, x, y, 240, 2, 1); }
    const d = plane(13, 11, 2);
    scalePlane(s, full(s), d, 2);
    for (let y = 0; y < 11; y++) for (let x = 0; x < 13; x++) {
      assert.equal(get(d, x, y, 2, 0), 16); assert.equal(get(d, x, y, 2, 1), 240);
    }
  });

  test('RGBA channels stay separate; 2:1 averages per channel', () => {
    const s = plane(4, 2, 4);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) {
      set(s, x, y, x < 2 ? 200 : 0, 4, 0); set(s, x, y, 10, 4, 1); set(s, x, y, y * 100, 4, 2); set(s, x, y, 255, 4, 3);
    }
    const d = plane(2, 1, 4);
    scalePlane(s, full(s), d, 4);
    assert.deepEqual([...d.data], [200, 10, 50, 255, 0, 10, 50, 255]);
  });

  test('crop rect: samples outside the rect are not read', () => {
    const s = plane(10, 10); s.data.fill(255);
    for (let y = 2; y < 8; y++) for (let x = 3; x < 7; x++) set(s, x, y, 50);
    const d = plane(9, 13);
    scalePlane(s, { x: 3, y: 2, width: 4, height: 6 }, d, 1);
    assert.ok(d.data.every((v) => v === 50));
  });

  test('rejects bad geometry with RangeError', () => {
    const s = plane(4, 4), d = plane(2, 2);
    assert.throws(() => scalePlane(s, { x: 2, y: 0, width: 4, height: 4 }, d, 1), RangeError);
    assert.throws(() => scalePlane(s, full(s), { ...d, data: new Uint8Array(3) }, 1), /destination/);
    assert.throws(() => scalePlane(s, full(s), d, 3 as 1), RangeError);
  });
});

/** Floating-point reference: area average when shrinking by >= 1.25, bilinear otherwise. */
function weights1d(srcLen: number, dstLen: number): Array<Array<[number, number]>> {
  const k = srcLen / dstLen;
  const out: Array<Array<[number, number]>> = [];
  for (let i = 0; i < dstLen; i++) {
    const w: Array<[number, number]> = [];
    if (k >= 1.25) {
      const a = i * k, b = a + k;
      for (let s = Math.floor(a); s < Math.min(srcLen, Math.ceil(b)); s++) w.push([s, (Math.min(b, s + 1) - Math.max(a, s)) / k]);
    } else {
      const c = Math.min(srcLen - 1, Math.max(0, (i + 0.5) * k - 0.5));
      const f = Math.floor(c), t = c - f;
      w.push([f, 1 - t]);
      if (t > 0) w.push([f + 1, t]);
    }
    out.push(w);
  }
  return out;
}

describe('scalePlane against a floating-point reference (random content, ±1)', () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  // 30->20 and 96->64 have short periods (generated kernels); 97->41 and 41->97 do not.
  for (const [sw, sh, dw, dh] of [[30, 12, 20, 8], [96, 9, 64, 6], [97, 13, 41, 5], [41, 7, 97, 15], [40, 40, 13, 40]]) {
    for (const spp of [1, 2, 4] as const) {
      test(`${sw}x${sh} -> ${dw}x${dh}, ${spp} sample(s) per pixel`, () => {
        const s = plane(sw, sh, spp, sw * spp + 3, 1);
        for (let i = 0; i < s.data.length; i++) s.data[i] = rnd();
        const d = plane(dw, dh, spp, dw * spp + 1, 2);
        scalePlane(s, full(s), d, spp);
        const wx = weights1d(sw, dw), wy = weights1d(sh, dh);
        for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) for (let ch = 0; ch < spp; ch++) {
          let acc = 0;
          for (const [sy, ky] of wy[y]) for (const [sx, kx] of wx[x]) acc += ky * kx * get(s, sx, sy, spp, ch);
          const got = get(d, x, y, spp, ch);
          assert.ok(Math.abs(got - acc) <= 1, `(${x},${y}) ch${ch}: ${got} vs ${acc.toFixed(3)}`);
        }
      });
    }
  }
});

describe('cropRectFor', () => {
  test('same aspect is the whole frame', () => {
    assert.deepEqual(cropRectFor(1920, 1080, 1280, 720), { x: 0, y: 0, width: 1920, height: 1080 });
  });
  test('wider source crops the sides', () => {
    // 1920x1080 to 4:3 -> height 1080, width 1440, x (1920-1440)/2
    assert.deepEqual(cropRectFor(1920, 1080, 640, 480), { x: 240, y: 0, width: 1440, height: 1080 });
  });
  test('taller source crops top and bottom', () => {
    // 640x480 to 16:9 -> width 640, height 360, y 60
    assert.deepEqual(cropRectFor(640, 480, 1280, 720), { x: 0, y: 60, width: 640, height: 360 });
  });
  test('square target', () => {
    assert.deepEqual(cropRectFor(300, 200, 50, 50), { x: 50, y: 0, width: 200, height: 200 });
  });
  test('alignment keeps every member even', () => {
    const r = cropRectFor(1000, 750, 16, 9, 2); // 1000x562.5 -> 562 height, y = 94
    assert.deepEqual(r, { x: 0, y: 94, width: 1000, height: 562 });
    const r2 = cropRectFor(642, 480, 1, 1, 2); // 480 square, x = 81 -> 80
    assert.deepEqual(r2, { x: 80, y: 0, width: 480, height: 480 });
  });
});
