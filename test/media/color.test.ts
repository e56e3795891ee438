import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { i420ToRgba, nv12ToRgba, rgbaToI420, rgbaToNv12, rgbToYuv, type ColorOptions } from '../../src/media/color.js';

const plane = (w: number, h: number, fill = 0) => ({ data: new Uint8Array(w * h).fill(fill), offset: 0, stride: w });

/** A w x h I420 frame of one colour. */
function solidI420(w: number, h: number, Y: number, U: number, V: number) {
  const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
  return { y: plane(w, h, Y), u: plane(cw, ch, U), v: plane(cw, ch, V) };
}

function near(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (±${tol})`);
  }
}

// Reference Y'CbCr values computed from the matrix definitions (Y' = Kr R + Kg G + Kb B, etc.).
const known: Array<[string, ColorOptions, [number, number, number], [number, number, number]]> = [
  ['601 limited black', {}, [0, 0, 0], [16, 128, 128]],
  ['601 limited white', {}, [255, 255, 255], [235, 128, 128]],
  ['601 limited red', {}, [255, 0, 0], [81, 90, 240]],
  ['601 limited green', {}, [0, 255, 0], [145, 54, 34]],
  ['601 limited blue', {}, [0, 0, 255], [41, 240, 110]],
  ['709 limited red', { matrix: 'bt709' }, [255, 0, 0], [63, 102, 240]],
  ['709 limited green', { matrix: 'bt709' }, [0, 255, 0], [173, 42, 26]],
  ['601 full red', { fullRange: true }, [255, 0, 0], [76, 85, 255]],
  ['601 full white', { fullRange: true }, [255, 255, 255], [255, 128, 128]],
  ['709 full blue', { matrix: 'bt709', fullRange: true }, [0, 0, 255], [18, 255, 116]],
];

describe('known colours', () => {
  for (const [name, opts, rgb, yuv] of known) {
    test(`${name}: encode`, () => {
      const rgba = { data: new Uint8Array(16), offset: 0, stride: 8 };
      for (let i = 0; i < 4; i++) rgba.data.set([...rgb, 255], i * 4);
      const f = solidI420(2, 2, 0, 0, 0);
      rgbaToI420(2, 2, rgba, f.y, f.u, f.v, opts);
      near(f.y.data, [yuv[0], yuv[0], yuv[0], yuv[0]], 1, 'Y');
      near(f.u.data, [yuv[1]], 1, 'U');
      near(f.v.data, [yuv[2]], 1, 'V');
      near(rgbToYuv(rgb[0], rgb[1], rgb[2], opts), yuv, 0, 'rgbToYuv');
    });
    test(`${name}: decode`, () => {
      const f = solidI420(2, 2, ...yuv);
      const out = { data: new Uint8Array(16), offset: 0, stride: 8 };
      i420ToRgba(2, 2, f.y, f.u, f.v, out, opts);
      for (let i = 0; i < 4; i++) near(out.data.subarray(i * 4, i * 4 + 4), [...rgb, 255], 3, `pixel ${i}`);
    });
  }
});

describe('layout', () => {
  test('each 2x2 block takes its own chroma sample; odd sizes handled', () => {
    // 3x3: chroma is 2x2; block (1,1) covers only pixel (2,2).
    const y = plane(3, 3, 126);
    const u = { data: Uint8Array.from([128, 240, 128, 16]), offset: 0, stride: 2 };
    const v = { data: Uint8Array.from([128, 128, 240, 128]), offset: 0, stride: 2 };
    const out = { data: new Uint8Array(3 * 3 * 4 + 4), offset: 2, stride: 13 };
    i420ToRgba(3, 3, y, u, v, out);
    const px = (x: number, yy: number) => [...out.data.subarray(2 + yy * 13 + x * 4, 2 + yy * 13 + x * 4 + 4)];
    const grey = Math.round((126 - 16) * 255 / 219);
    assert.deepEqual(px(0, 0), [grey, grey, grey, 255]);
    assert.deepEqual(px(1, 1), [grey, grey, grey, 255]);
    assert.ok(px(2, 0)[2] > 250 && px(2, 0)[1] < grey && px(2, 0)[0] === grey, 'block (1,0) is bluish');
    assert.ok(px(0, 2)[0] > 250, 'block (0,1) is reddish');
    assert.ok(px(2, 2)[2] < 5, 'block (1,1) has no blue');
    assert.equal(out.data[0], 0, 'bytes before the offset are untouched');
  });

  test('NV12 and I420 decode the same picture; BGRA swaps R and B', () => {
    const w = 6, h = 4;
    const y = plane(w, h);
    for (let i = 0; i < y.data.length; i++) y.data[i] = 16 + ((i * 29) % 219);
    const u = plane(3, 2), v = plane(3, 2);
    u.data.set([30, 90, 128, 200, 240, 60]);
    v.data.set([220, 128, 40, 100, 16, 180]);
    const uv = plane(6, 2);
    for (let i = 0; i < 6; i++) { uv.data[2 * i] = u.data[i]; uv.data[2 * i + 1] = v.data[i]; }
    const a = plane(w * 4, h), b = plane(w * 4, h), c = plane(w * 4, h);
    i420ToRgba(w, h, y, u, v, a, { matrix: 'bt709' });
    nv12ToRgba(w, h, y, uv, b, { matrix: 'bt709' });
    nv12ToRgba(w, h, y, uv, c, { matrix: 'bt709', order: 'bgra' });
    assert.deepEqual(b.data, a.data);
    for (let p = 0; p < w * h; p++) {
      assert.deepEqual([c.data[p * 4], c.data[p * 4 + 1], c.data[p * 4 + 2], c.data[p * 4 + 3]],
        [a.data[p * 4 + 2], a.data[p * 4 + 1], a.data[p * 4], 255]);
    }
  });

  test('round trip of 2x2-uniform blocks stays within ±3 per channel', () => {
    const w = 8, h = 6;
    const rgba = plane(w * 4, h);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 255;
    for (let by = 0; by < h / 2; by++) for (let bx = 0; bx < w / 2; bx++) {
      const col = [rnd(), rnd(), rnd()];
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        rgba.data.set([...col, 255], ((2 * by + dy) * w + 2 * bx + dx) * 4);
      }
    }
    for (const opts of [{}, { matrix: 'bt709' as const }, { fullRange: true }, { matrix: 'bt709' as const, fullRange: true }]) {
      const y = plane(w, h), uv = plane(w, h / 2);
      rgbaToNv12(w, h, rgba, y, uv, opts);
      const back = plane(w * 4, h);
      nv12ToRgba(w, h, y, uv, back, opts);
      near(back.data, [...rgba.data], 3, JSON.stringify(opts));
    }
  });

  test('encoding averages chroma over the 2x2 block', () => {
    // Left column red, right column blue: U/V are those of the average colour (127.5, 0, 127.5).
    const rgba = { data: Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 0, 255, 255]), offset: 0, stride: 8 };
    const f = solidI420(2, 2, 0, 0, 0);
    rgbaToI420(2, 2, rgba, f.y, f.u, f.v);
    const [, u, v] = rgbToYuv(127.5, 0, 127.5);
    near(f.u.data, [u], 1, 'U');
    near(f.v.data, [v], 1, 'V');
    near(f.y.data, [81, 41, 81, 41], 1, 'Y');
  });

  test('short planes are rejected with a RangeError naming the plane', () => {
    const f = solidI420(4, 4, 0, 0, 0);
    assert.throws(() => i420ToRgba(4, 4, f.y, f.u, { ...f.v, data: new Uint8Array(3) }, plane(16, 4)), /V plane/);
    assert.throws(() => rgbaToI420(4, 4, plane(15, 4), f.y, f.u, f.v), /input stride/);
    assert.throws(() => i420ToRgba(0, 4, f.y, f.u, f.v, plane(16, 4)), RangeError);
    assert.throws(() => i420ToRgba(4, 4, f.y, f.u, f.v, plane(16, 4), { matrix: 'bt2020' as 'bt709' }), /unknown matrix 'bt2020'/);
  });
});
