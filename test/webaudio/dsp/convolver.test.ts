import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PartitionedConvolver,
  normalizationScale,
  partitionLayout,
  prepareResponse,
  type PartitionOptions,
} from '../../../src/webaudio/dsp/convolver.js';

/** Deterministic uniform noise in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** The reference: y[n] = sum_m h[m] x[n - m], in doubles. */
function directConvolution(x: Float32Array, h: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const end = Math.min(h.length, n - i);
    for (let m = 0; m < end; m++) y[i + m] += xi * h[m]!;
  }
  return y;
}

/** Runs `x` (padded with silence to `frames`) through a fresh convolver, block by block. */
function runConvolver(h: ArrayLike<number>, x: Float32Array, frames: number, blockSize: number, opts?: PartitionOptions, scale = 1): Float32Array {
  const layout = partitionLayout(h.length, blockSize, opts);
  const conv = new PartitionedConvolver(prepareResponse(h, layout, scale));
  const out = new Float32Array(frames);
  const inBlock = new Float32Array(blockSize);
  const outBlock = new Float32Array(blockSize);
  for (let start = 0; start < frames; start += blockSize) {
    const silent = start >= x.length;
    if (!silent) {
      inBlock.fill(0);
      inBlock.set(x.subarray(start, Math.min(start + blockSize, x.length)));
    }
    conv.process(silent ? null : inBlock, outBlock);
    out.set(outBlock.subarray(0, Math.min(blockSize, frames - start)), start);
  }
  return out;
}

function assertClose(actual: Float32Array, expected: Float64Array, tol: number, label: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) assert.fail(`${label}: sample ${i} is ${actual[i]}, direct convolution gives ${expected[i]}`);
  }
}

test('layout: levels are contiguous, cover the response, double in size and respect the offset rule', () => {
  const cases: [number, number, PartitionOptions][] = [
    [1, 128, {}],
    [128, 128, {}],
    [1025, 128, {}],
    [20000, 128, {}],
    [480000, 128, {}],
    [5000, 16, { maxPartition: 256, headPartitions: 2, perLevel: 3 }],
    [777, 4, { maxPartition: 64 }],
  ];
  for (const [length, b, opts] of cases) {
    const layout = partitionLayout(length, b, opts);
    const max = Math.max(opts.maxPartition ?? 4096, b);
    let next = 0;
    let prevSize = b;
    for (const lv of layout.levels) {
      assert.equal(lv.offset, next, `${length}/${b}: levels are contiguous`);
      assert.ok(lv.count >= 1);
      assert.ok(lv.size === prevSize || lv.size === 2 * prevSize, `${length}/${b}: sizes grow by doubling`);
      assert.ok(lv.size <= max);
      assert.ok(lv.offset >= 2 * lv.size - 2 * b, `${length}/${b}: level of ${lv.size} at ${lv.offset} has room for its latency`);
      next += lv.size * lv.count;
      prevSize = lv.size;
    }
    assert.equal(layout.levels[0]!.offset, 0);
    assert.equal(layout.levels[0]!.size, b);
    assert.ok(next >= length, `${length}/${b}: covers the response`);
    assert.ok(next - layout.levels.at(-1)!.size < length, `${length}/${b}: no partition lies wholly past the end`);
  }
});

test('layout: a 10 s response at 48 kHz costs a small number of spectral multiply-adds per sample', () => {
  const layout = partitionLayout(480000, 128);
  // A partition of S frames costs S + 1 complex multiply-adds per S input frames.
  let perSample = 0;
  for (const lv of layout.levels) perSample += (lv.count * (lv.size + 1)) / lv.size;
  assert.ok(perSample < 200, `about ${perSample.toFixed(1)} multiply-adds per sample (direct convolution: 480000)`);
  assert.equal(layout.levels.at(-1)!.size, 4096);
  assert.ok(layout.levels.length >= 6, 'several partition sizes');
});

test('a delayed unit impulse delays the input exactly, across partition boundaries', () => {
  const x = noise(3000, 7);
  for (const d of [0, 1, 127, 128, 129, 1023, 1024, 1500, 2047, 2048, 5000, 9000]) {
    const h = new Float32Array(d + 1);
    h[d] = 1;
    const frames = 3000 + d + 256;
    const y = runConvolver(h, x, frames, 128);
    for (let i = 0; i < frames; i++) {
      const e = i >= d && i - d < x.length ? x[i - d]! : 0;
      if (Math.abs(y[i]! - e) > 1e-6) assert.fail(`delay ${d}: sample ${i} is ${y[i]}, expected ${e}`);
    }
  }
});

test('no added latency: output sample n depends only on input up to n', () => {
  // An impulse at frame k of the input: nothing (beyond transform round-off) before frame k.
  const h = noise(5000, 3);
  for (const k of [0, 5, 127, 128, 300, 4095]) {
    const x = new Float32Array(k + 1);
    x[k] = 1;
    const y = runConvolver(h, x, k + 6000, 128);
    for (let i = 0; i < k; i++) assert.ok(Math.abs(y[i]!) < 1e-9, `impulse at ${k}: output ${y[i]} at ${i} before the input`);
    assert.ok(Math.abs(y[k]! - h[0]!) < 1e-6, `impulse at ${k}: the first output sample is h[0]`);
    assert.ok(Math.abs(y[k + 4999]! - h[4999]!) < 1e-6, `impulse at ${k}: the last response sample`);
  }
});

test('random responses (short, several partitions, several partition sizes) match direct convolution', () => {
  for (const [length, seed] of [[1, 1], [37, 2], [128, 3], [129, 4], [1000, 5], [3000, 6], [20000, 7]] as const) {
    const h = noise(length, seed);
    for (let i = 0; i < length; i++) h[i] *= 0.05; // keep sums near unit scale
    const x = noise(2000, seed + 100);
    const frames = 2000 + length + 500;
    const y = runConvolver(h, x, frames, 128);
    assertClose(y, directConvolution(x, h, frames), 2e-6, `length ${length}`);
  }
});

test('the output after the input stops is the response tail, then exact zeros', () => {
  const h = noise(4000, 9);
  const x = noise(300, 10);
  const frames = 300 + 4000 + 9000;
  const y = runConvolver(h, x, frames, 128);
  const ref = directConvolution(x, h, frames);
  assertClose(y, ref, 1e-5, 'tail');
  // The tail reaches the last response sample.
  assert.ok(Math.abs(y[300 + 3998]!) > 1e-4);
  for (let i = 300 + 4000 + 4096; i < frames; i++) assert.ok(Math.abs(y[i]!) < 1e-12, `sample ${i} after the tail`);
});

test('scale multiplies the response; reset forgets the past; copyStateFrom continues identically', () => {
  const h = noise(2500, 11);
  const x = noise(1280, 12);
  const layout = partitionLayout(h.length, 128);
  const spectra = prepareResponse(h, layout, 0.25);
  const a = new PartitionedConvolver(spectra);
  const b = new PartitionedConvolver(spectra);
  const ref = directConvolution(x, h, 1280);
  const out = new Float32Array(128);
  const outB = new Float32Array(128);
  for (let blk = 0; blk < 10; blk++) {
    a.process(x.subarray(blk * 128, blk * 128 + 128), out);
    for (let i = 0; i < 128; i++) assert.ok(Math.abs(out[i]! - 0.25 * ref[blk * 128 + i]!) < 1e-5);
  }
  // b takes a's state: both continue with the same output.
  b.copyStateFrom(a);
  for (let blk = 0; blk < 40; blk++) {
    a.process(null, out);
    b.process(null, outB);
    assert.deepEqual(outB, out);
  }
  // After reset, an impulse gives the response from the start, with nothing of the past.
  a.reset();
  const imp = new Float32Array(128);
  imp[0] = 1;
  a.process(imp, out);
  for (let i = 0; i < 128; i++) assert.ok(Math.abs(out[i]! - 0.25 * h[i]!) < 1e-6);
  // accumulate adds to what is in the output.
  a.reset();
  out.fill(1);
  a.process(imp, out, true);
  for (let i = 0; i < 128; i++) assert.ok(Math.abs(out[i]! - (1 + 0.25 * h[i]!)) < 1e-6);
});

test('property: partitioned convolution equals direct convolution for random lengths, block and partition sizes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 1, max: 7 }), // block size 2^k
      fc.integer({ min: 0, max: 5 }), // max partition = block << j
      fc.integer({ min: 2, max: 9 }),
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 1, max: 1500 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (length, k, j, headPartitions, perLevel, inputLength, seed) => {
        const b = 2 ** k;
        const h = noise(length, seed);
        for (let i = 0; i < length; i++) h[i] *= 0.05;
        const x = noise(inputLength, seed ^ 0x5bd1e995);
        const frames = inputLength + length + 3 * b;
        const y = runConvolver(h, x, frames, b, { maxPartition: b << j, headPartitions, perLevel });
        assertClose(y, directConvolution(x, h, frames), 2e-6, `L=${length} B=${b} max=${b << j} head=${headPartitions} per=${perLevel}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('normalizationScale follows calculateNormalizationScale', () => {
  // Constant channels of value a: RMS power a.
  const ch = (n: number, a: number) => new Float32Array(n).fill(a);
  assert.ok(Math.abs(normalizationScale([ch(100, 0.5)], 44100) - 0.00125 / 0.5) < 1e-15);
  assert.ok(Math.abs(normalizationScale([ch(100, 0.5)], 48000) - (0.00125 / 0.5) * (44100 / 48000)) < 1e-15);
  // Power is pooled over channels: sqrt((0.25 + 1) / 2).
  assert.ok(Math.abs(normalizationScale([ch(10, 0.5), ch(10, 1)], 44100) - 0.00125 / Math.sqrt(0.625)) < 1e-15);
  // Four channels: the true-stereo half.
  assert.ok(Math.abs(normalizationScale([ch(8, 2), ch(8, 2), ch(8, 2), ch(8, 2)], 44100) - 0.5 * 0.00125 / 2) < 1e-15);
  // Silence, NaN and tiny responses use MinPower.
  assert.equal(normalizationScale([ch(64, 0)], 44100), 0.00125 / 0.000125);
  assert.equal(normalizationScale([ch(64, NaN)], 44100), 0.00125 / 0.000125);
  assert.equal(normalizationScale([ch(64, 1e-5)], 44100), 0.00125 / 0.000125);
  // A random response: against the formula computed here.
  const r = noise(999, 4);
  let p = 0;
  for (const v of r) p += v * v;
  assert.ok(Math.abs(normalizationScale([r], 22050) - (0.00125 / Math.sqrt(p / 999)) * 2) < 1e-12);
});

test('bad layouts are RangeErrors', () => {
  assert.throws(() => partitionLayout(100, 96), RangeError);
  assert.throws(() => partitionLayout(100, 1), RangeError);
  assert.throws(() => partitionLayout(0, 128), RangeError);
  assert.throws(() => partitionLayout(100, 128, { maxPartition: 1000 }), RangeError);
});
