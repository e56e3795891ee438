import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mixChannels } from '../../src/media/channel-mix.js';

const h = Math.SQRT1_2;

function chans(...vals: number[][]): Float32Array[] {
  return vals.map((v) => Float32Array.from(v));
}
function out(n: number, frames: number, fill = 0): Float32Array[] {
  return Array.from({ length: n }, () => new Float32Array(frames).fill(fill));
}
function close(actual: Float32Array[], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  for (let c = 0; c < expected.length; c++) {
    for (let i = 0; i < expected[c].length; i++) {
      assert.ok(Math.abs(actual[c][i] - Math.fround(expected[c][i])) < 1e-6,
        `channel ${c} frame ${i}: ${actual[c][i]} != ${expected[c][i]}`);
    }
  }
}

describe('speakers up-mix (webaudio#UpMix-sub)', () => {
  const mono = chans([1, -2]);
  const stereo = chans([1, 2], [3, 4]);
  const quad = chans([1, 2], [3, 4], [5, 6], [7, 8]);
  test('1 -> 2 copies to L and R', () => {
    const o = out(2, 2, 9); mixChannels(mono, o, 2, 'speakers');
    close(o, [[1, -2], [1, -2]]);
  });
  test('1 -> 4 copies to L and R, zero surrounds', () => {
    const o = out(4, 2, 9); mixChannels(mono, o, 2, 'speakers');
    close(o, [[1, -2], [1, -2], [0, 0], [0, 0]]);
  });
  test('1 -> 5.1 puts mono in the centre only', () => {
    const o = out(6, 2, 9); mixChannels(mono, o, 2, 'speakers');
    close(o, [[0, 0], [0, 0], [1, -2], [0, 0], [0, 0], [0, 0]]);
  });
  test('2 -> 4', () => {
    const o = out(4, 2, 9); mixChannels(stereo, o, 2, 'speakers');
    close(o, [[1, 2], [3, 4], [0, 0], [0, 0]]);
  });
  test('2 -> 5.1', () => {
    const o = out(6, 2, 9); mixChannels(stereo, o, 2, 'speakers');
    close(o, [[1, 2], [3, 4], [0, 0], [0, 0], [0, 0], [0, 0]]);
  });
  test('4 -> 5.1 moves surrounds to SL/SR (channels 4,5)', () => {
    const o = out(6, 2, 9); mixChannels(quad, o, 2, 'speakers');
    close(o, [[1, 2], [3, 4], [0, 0], [0, 0], [5, 6], [7, 8]]);
  });
});

describe('speakers down-mix (webaudio#down-mix)', () => {
  // 5.1: L R C LFE SL SR
  const six = chans([1, 0.5], [2, -1], [4, 0], [100, 100], [8, 2], [16, -4]);
  const quad = chans([1, 2], [3, 4], [5, 6], [7, 8]);
  test('2 -> 1 averages', () => {
    const o = out(1, 2); mixChannels(chans([1, 2], [3, -6]), o, 2, 'speakers');
    close(o, [[2, -2]]);
  });
  test('4 -> 1 averages four', () => {
    const o = out(1, 2); mixChannels(quad, o, 2, 'speakers');
    close(o, [[(1 + 3 + 5 + 7) / 4, (2 + 4 + 6 + 8) / 4]]);
  });
  test('5.1 -> 1 drops LFE', () => {
    const o = out(1, 2); mixChannels(six, o, 2, 'speakers');
    close(o, [[h * 3 + 4 + 0.5 * 24, h * -0.5 + 0 + 0.5 * -2]]);
  });
  test('4 -> 2', () => {
    const o = out(2, 2); mixChannels(quad, o, 2, 'speakers');
    close(o, [[3, 4], [5, 6]]);
  });
  test('5.1 -> 2', () => {
    const o = out(2, 2); mixChannels(six, o, 2, 'speakers');
    close(o, [[1 + h * (4 + 8), 0.5 + h * (0 + 2)], [2 + h * (4 + 16), -1 + h * (0 - 4)]]);
  });
  test('5.1 -> 4', () => {
    const o = out(4, 2); mixChannels(six, o, 2, 'speakers');
    close(o, [[1 + h * 4, 0.5], [2 + h * 4, -1], [8, 2], [16, -4]]);
  });
});

describe('discrete and non-speaker layouts', () => {
  test('discrete 2 -> 4 fills then zeroes', () => {
    const o = out(4, 2, 9); mixChannels(chans([1, 2], [3, 4]), o, 2, 'discrete');
    close(o, [[1, 2], [3, 4], [0, 0], [0, 0]]);
  });
  test('discrete 1 -> 2 leaves R silent (no speaker copy)', () => {
    const o = out(2, 2, 9); mixChannels(chans([1, 2]), o, 2, 'discrete');
    close(o, [[1, 2], [0, 0]]);
  });
  test('discrete 6 -> 2 drops extra channels', () => {
    const o = out(2, 1); mixChannels(chans([1], [2], [3], [4], [5], [6]), o, 1, 'discrete');
    close(o, [[1], [2]]);
  });
  test('speakers with 3 input channels reverts to discrete', () => {
    const o = out(2, 1); mixChannels(chans([1], [2], [3]), o, 1, 'speakers');
    close(o, [[1], [2]]);
    const o8 = out(8, 1, 9); mixChannels(chans([1], [2]), o8, 1, 'speakers');
    close(o8, [[1], [2], [0], [0], [0], [0], [0], [0]]);
  });
  test('same count copies', () => {
    const o = out(3, 2); mixChannels(chans([1, 2], [3, 4], [5, 6]), o, 2, 'speakers');
    close(o, [[1, 2], [3, 4], [5, 6]]);
  });
  test('only the first `frames` frames are touched', () => {
    const o = out(2, 3, 7); mixChannels(chans([1, 2, 3]), o, 2, 'speakers');
    close(o, [[1, 2, 7], [1, 2, 7]]);
  });
});

describe('accumulate (mix and sum)', () => {
  test('two connections summed: mono up-mixed plus stereo', () => {
    const o = out(2, 2);
    mixChannels(chans([1, 2]), o, 2, 'speakers', false);
    mixChannels(chans([10, 20], [30, 40]), o, 2, 'speakers', true);
    close(o, [[11, 22], [31, 42]]);
  });
  test('accumulating zero channels leaves them unchanged', () => {
    const o = out(6, 1, 5);
    mixChannels(chans([1]), o, 1, 'speakers', true);
    close(o, [[5], [5], [6], [5], [5], [5]]);
  });
  test('accumulating down-mixes', () => {
    const o = out(1, 1, 1);
    mixChannels(chans([2], [4], [6], [8]), o, 1, 'speakers', true);
    close(o, [[1 + 5]]);
    const o2 = out(2, 1, 1);
    mixChannels(chans([1], [2], [3], [4], [5], [6]), o2, 1, 'speakers', true);
    close(o2, [[1 + 1 + h * (3 + 5)], [1 + 2 + h * (3 + 6)]]);
  });
});

test('too-short buffers are a RangeError naming the channel', () => {
  assert.throws(() => mixChannels(chans([1]), out(2, 4), 2, 'speakers'), /input channel 0/);
  assert.throws(() => mixChannels(chans([1, 2]), [new Float32Array(2), new Float32Array(1)], 2, 'speakers'),
    /output channel 1/);
});
