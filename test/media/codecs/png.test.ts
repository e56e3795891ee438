import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { encodePng, decodePng, crc32, PngFormatError } from '../../../src/media/codecs/png.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

test('crc32 known values', () => {
  assert.equal(crc32(ascii('IEND')), 0xae426082);
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('encoded file structure: signature, IHDR, IEND bytes', () => {
  const png = encodePng(new Uint8Array(2 * 3 * 4), 2, 3);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  const v = new DataView(png.buffer, png.byteOffset);
  assert.equal(v.getUint32(16), 2);
  assert.equal(v.getUint32(20), 3);
  assert.deepEqual([...png.subarray(24, 29)], [8, 6, 0, 0, 0]);
  assert.deepEqual([...png.subarray(png.length - 12)], [0, 0, 0, 0, 73, 69, 78, 68, 0xae, 0x42, 0x60, 0x82]);
});

test('decode(encode(x)) == x for noise, gradients and flat images (all filters exercised)', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24);
  const images: Array<[number, number, (x: number, y: number, c: number) => number]> = [
    [17, 9, () => rnd()],
    [64, 32, (x, y, c) => (x * 4 + y * 3 + c * 50) & 255],
    [5, 5, () => 200],
    [1, 1, (_x, _y, c) => c * 60],
    [33, 20, (x, y, c) => (c === 3 ? 255 : ((x ^ y) * 8 + c) & 255)],
  ];
  for (const [w, h, f] of images) {
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) rgba[(y * w + x) * 4 + c] = f(x, y, c);
    const d = decodePng(encodePng(rgba, w, h));
    assert.equal(d.width, w);
    assert.equal(d.height, h);
    assert.deepEqual(d.rgba, rgba);
  }
});

/** Build a PNG by hand from filtered scanlines. */
function handPng(w: number, h: number, colorType: number, raw: number[]): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(ascii(type), 4);
    out.set(data, 8);
    new DataView(out.buffer).setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const z = deflateSync(Uint8Array.from(raw));
  // IDAT split in two to check concatenation.
  const half = z.length >> 1;
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('tEXt', ascii('a\0b')),
    chunk('IDAT', z.subarray(0, half)), chunk('IDAT', z.subarray(half)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

test('greyscale and grey+alpha expand to RGBA', () => {
  const g = decodePng(handPng(2, 1, 0, [0, 10, 250]));
  assert.deepEqual([...g.rgba], [10, 10, 10, 255, 250, 250, 250, 255]);
  const ga = decodePng(handPng(1, 1, 4, [0, 77, 128]));
  assert.deepEqual([...ga.rgba], [77, 77, 77, 128]);
});

test('RGB with Sub, Up, Average and Paeth filters decodes by hand', () => {
  // Target pixels (RGB): row0 [10,20,30][40,50,60]; row1 [11,22,33][44,55,66]; row2 [1,2,3][4,5,6]; row3 same as row2+1
  const raw = [
    1, 10, 20, 30, 30, 30, 30, // Sub: second pixel = first + 30
    2, 1, 2, 3, 4, 5, 6, // Up: row1 = row0 + (1,2,3 / 4,5,6)
    // Average: pred = floor((left + up)/2); pixel0 left=0: pred = floor(up/2) = 5,11,16 -> residuals 1-5, 2-11, 3-16
    3, (1 - 5) & 255, (2 - 11) & 255, (3 - 16) & 255,
    // pixel1: left = (1,2,3), up = (44,55,66): pred = 22, 28, 34 -> residuals 4-22, 5-28, 6-34
    (4 - 22) & 255, (5 - 28) & 255, (6 - 34) & 255,
    // Paeth: pixel0 a=0,c=0,b=up=(1,2,3): p=b -> picks b; residual 1 each -> (2,3,4)
    4, 1, 1, 1,
    // pixel1: a=(2,3,4), b=(4,5,6), c=(1,2,3): p = a+b-c = (5,6,7); |p-a|=3,|p-b|=1,|p-c|=4 -> b; target (5,6,7) -> residual 1
    1, 1, 1,
  ];
  const d = decodePng(handPng(2, 4, 2, raw));
  assert.deepEqual([...d.rgba], [
    10, 20, 30, 255, 40, 50, 60, 255,
    11, 22, 33, 255, 44, 55, 66, 255,
    1, 2, 3, 255, 4, 5, 6, 255,
    2, 3, 4, 255, 5, 6, 7, 255,
  ]);
});

test('bad input is a PngFormatError that says why', () => {
  const good = encodePng(new Uint8Array(16), 2, 2);
  assert.throws(() => decodePng(good.subarray(1)), /signature/);
  const bad = good.slice(); bad[20] ^= 1;
  assert.throws(() => decodePng(bad), /bad CRC/);
  assert.throws(() => decodePng(good.subarray(0, good.length - 12)), /IEND/);
  assert.throws(() => decodePng(handPng(1, 1, 3, [0, 0])), /colour type 3/);
  assert.throws(() => decodePng(handPng(1, 1, 0, [9, 0])), /filter type 9/);
  assert.throws(() => decodePng(handPng(2, 2, 0, [0, 1, 2])), PngFormatError);
  assert.throws(() => encodePng(new Uint8Array(3), 1, 1), RangeError);
});
