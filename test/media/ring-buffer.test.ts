import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { AudioRingBuffer } from '../../src/media/ring-buffer.js';

describe('AudioRingBuffer', () => {
  test('starts empty, fills to capacity, refuses more', () => {
    const rb = AudioRingBuffer.create(2, 8);
    assert.equal(rb.availableRead(), 0);
    assert.equal(rb.availableWrite(), 8);
    const a = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const b = a.map((v) => -v);
    assert.equal(rb.write([a, b], 10), 8);
    assert.equal(rb.availableRead(), 8);
    assert.equal(rb.availableWrite(), 0);
    assert.equal(rb.write([a, b], 1), 0);
    const oa = new Float32Array(8), ob = new Float32Array(8);
    assert.equal(rb.read([oa, ob], 8), 8);
    assert.deepEqual([...oa], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...ob], [-1, -2, -3, -4, -5, -6, -7, -8]);
    assert.equal(rb.read([oa, ob], 1), 0);
  });

  test('wraps around with offsets, in order', () => {
    const rb = AudioRingBuffer.create(1, 5);
    const src = Float32Array.from({ length: 100 }, (_, i) => i);
    const got: number[] = [];
    const out = new Float32Array(12);
    let w = 0;
    const pattern = [3, 1, 4, 1, 5, 9, 2, 6];
    for (let k = 0; w < 100; k++) {
      w += rb.write([src], Math.min(pattern[k % 8], 100 - w), w);
      const n = rb.read([out], pattern[(k + 3) % 8], 2);
      for (let i = 0; i < n; i++) got.push(out[2 + i]);
    }
    let n;
    while ((n = rb.read([out], 3, 0)) > 0) for (let i = 0; i < n; i++) got.push(out[i]);
    assert.deepEqual(got, [...src]);
  });

  test('skip drops the oldest frames', () => {
    const rb = AudioRingBuffer.create(1, 4);
    rb.write([Float32Array.from([1, 2, 3])], 3);
    assert.equal(rb.skip(2), 2);
    assert.equal(rb.skip(5), 1);
    rb.write([Float32Array.from([7, 8])], 2);
    const out = new Float32Array(2);
    assert.equal(rb.read([out], 2), 2);
    assert.deepEqual([...out], [7, 8]);
  });

  test('fromShared views the same storage', () => {
    const a = AudioRingBuffer.create(3, 16);
    const b = AudioRingBuffer.fromShared(a.shared, 3, 16);
    a.write([Float32Array.of(1), Float32Array.of(2), Float32Array.of(3)], 1);
    assert.equal(b.availableRead(), 1);
    const o = [new Float32Array(1), new Float32Array(1), new Float32Array(1)];
    b.read(o, 1);
    assert.deepEqual(o.map((x) => x[0]), [1, 2, 3]);
    assert.equal(a.availableRead(), 0);
    assert.equal(a.availableWrite(), 16);
  });

  test('bad shapes and arguments are rejected', () => {
    assert.throws(() => AudioRingBuffer.create(0, 10), RangeError);
    assert.throws(() => AudioRingBuffer.create(1, 0), RangeError);
    const rb = AudioRingBuffer.create(2, 8);
    assert.throws(() => AudioRingBuffer.fromShared(rb.shared, 2, 9), /bytes/);
    assert.throws(() => AudioRingBuffer.fromShared(new ArrayBuffer(96) as unknown as SharedArrayBuffer, 2, 4), TypeError);
    assert.throws(() => rb.write([new Float32Array(4)], 4), /planes/);
    assert.throws(() => rb.write([new Float32Array(4), new Float32Array(2)], 4), /plane 1/);
    assert.throws(() => rb.read([new Float32Array(4), new Float32Array(4)], 2, 3), /offset/);
  });

  test('a worker producer and a worker consumer pass every sample in order', async () => {
    const channels = 2, capacity = 1000, total = 300_000;
    const rb = AudioRingBuffer.create(channels, capacity);
    const modUrl = new URL('../../src/media/ring-buffer.js', import.meta.url).href;
    // Each worker yields with a short Atomics.wait when the ring is full/empty.
    const producer = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.modUrl).then(({ AudioRingBuffer }) => {
        const rb = AudioRingBuffer.fromShared(workerData.shared, ${channels}, ${capacity});
        const nap = new Int32Array(new SharedArrayBuffer(4));
        const a = new Float32Array(997), b = new Float32Array(997);
        let next = 0, k = 0;
        while (next < ${total}) {
          const n = Math.min(1 + ((k++ * 7919) % 997), ${total} - next);
          for (let i = 0; i < n; i++) { a[i] = next + i; b[i] = -(next + i); }
          let done = 0;
          while (done < n) {
            const w = rb.write([a, b], n - done, done);
            if (w === 0) Atomics.wait(nap, 0, 0, 1);
            done += w;
          }
          next += n;
        }
        parentPort.postMessage('done');
      });`;
    const consumer = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.modUrl).then(({ AudioRingBuffer }) => {
        const rb = AudioRingBuffer.fromShared(workerData.shared, ${channels}, ${capacity});
        const nap = new Int32Array(new SharedArrayBuffer(4));
        const a = new Float32Array(613), b = new Float32Array(613);
        let expect = 0, bad = null, k = 0;
        while (expect < ${total} && bad === null) {
          const n = rb.read([a, b], 1 + ((k++ * 104729) % 613));
          if (n === 0) { Atomics.wait(nap, 0, 0, 1); continue; }
          for (let i = 0; i < n; i++, expect++) {
            if (a[i] !== expect || b[i] !== -expect) { bad = { at: expect, a: a[i], b: b[i] }; break; }
          }
        }
        parentPort.postMessage({ received: expect, bad });
      });`;
    const run = (code: string) => new Promise<unknown>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { shared: rb.shared, modUrl } });
      w.once('message', (m) => { resolve(m); });
      w.once('error', reject);
      w.once('exit', (c) => { if (c !== 0) reject(new Error(`worker exited with ${c}`)); });
    });
    const [p, c] = await Promise.all([run(producer), run(consumer)]);
    assert.equal(p, 'done');
    assert.deepEqual(c, { received: total, bad: null });
    assert.equal(rb.availableRead(), 0);
  });
});
