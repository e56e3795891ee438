import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ByteCollector } from '../../src/recording/byte-collector.js';

const bytes = (...v: number[]) => new Uint8Array(v);

describe('ByteCollector', () => {
  test('appends, and hands out what was written since the last take', () => {
    const c = new ByteCollector();
    c.write(0, bytes(1, 2, 3));
    c.write(3, bytes(4));
    assert.deepEqual([...c.take()], [1, 2, 3, 4]);
    c.write(4, bytes(5, 6));
    assert.equal(c.size, 6);
    assert.deepEqual([...c.take()], [5, 6]);
    assert.deepEqual([...c.take()], []);
  });
  test('a write back into bytes not yet taken is applied in place', () => {
    const c = new ByteCollector();
    c.write(0, bytes(0, 0, 0, 0));
    c.write(1, bytes(9, 9));
    assert.deepEqual([...c.take()], [0, 9, 9, 0]);
  });
  test('a write back into bytes already taken goes to the patch watchers, the rest stays pending', () => {
    const c = new ByteCollector();
    const patches: Array<[number, number[]]> = [];
    c.watchPatches((pos, b) => patches.push([pos, [...b]]));
    c.write(0, bytes(1, 2, 3, 4));
    c.take();
    c.write(4, bytes(5, 6));
    c.write(2, bytes(7, 7, 7)); // two bytes land in the taken part, one in the pending part
    assert.deepEqual(patches, [[2, [7, 7]]]);
    assert.deepEqual([...c.take()], [7, 6]);
  });
  test('a write past the end leaves zeros between; growth keeps earlier bytes', () => {
    const c = new ByteCollector();
    c.write(2, bytes(1));
    const big = new Uint8Array(200_000).fill(3);
    c.write(3, big);
    const out = c.take();
    assert.equal(out.length, 200_003);
    assert.deepEqual([...out.subarray(0, 4)], [0, 0, 1, 3]);
    assert.equal(out[200_002], 3);
  });
  test('bad positions are refused', () => {
    assert.throws(() => new ByteCollector().write(-1, bytes(1)), RangeError);
    assert.throws(() => new ByteCollector().write(1.5, bytes(1)), RangeError);
  });
});
