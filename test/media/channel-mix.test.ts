import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mixChannels, mixMonoSources } from '../../src/media/channel-mix.js';

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

describe('mixMonoSources (many mono connections into one input)', () => {
  // A deterministic pseudo-random source of float32 samples in [-1, 1), including exact zeros
  // and negative zeros.
  function lcg(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      if ((s & 63) === 0) return (s & 64) ? -0 : 0;
      return s / 2 ** 31 - 1;
    };
  }

  /**
   * The spec's rule written out plainly: start from zero, and for each connection up-mix mono
   * (speakers: L and R for stereo and quad, C for 5.1; otherwise channel 0) and add it in,
   * every sum stored as float32.
   */
  function reference(sources: Float32Array[], outCount: number, frames: number, interp: 'speakers' | 'discrete'): Float32Array[] {
    const o = Array.from({ length: outCount }, () => new Float32Array(frames));
    const targets = interp === 'speakers' && (outCount === 2 || outCount === 4) ? [0, 1]
      : interp === 'speakers' && outCount === 6 ? [2] : [0];
    for (const s of sources) for (const c of targets) for (let i = 0; i < frames; i++) o[c]![i] = o[c]![i]! + s[i]!;
    return o;
  }

  for (const interp of ['speakers', 'discrete'] as const) {
    test(`${interp}: equals zero-then-accumulate for 0..11 sources into 1..8 channels`, () => {
      const rnd = lcg(interp === 'speakers' ? 7 : 11);
      const frames = 37;
      for (let outCount = 1; outCount <= 8; outCount++) {
        for (let count = 0; count <= 11; count++) {
          const sources = Array.from({ length: count }, () => Float32Array.from({ length: frames }, rnd));
          const want = reference(sources, outCount, frames, interp);
          const got = out(outCount, frames, 9);
          mixMonoSources(sources, count, got, frames, interp);
          for (let c = 0; c < outCount; c++) {
            for (let i = 0; i < frames; i++) {
              assert.ok(Object.is(got[c]![i], want[c]![i]), `${count} sources -> ${outCount} ch, channel ${c} frame ${i}: ${got[c]![i]} vs ${want[c]![i]}`);
            }
          }
          // The same result as the generic path: zero, then mixChannels(accumulate) per source.
          const generic = out(outCount, frames, 0);
          for (const s of sources) mixChannels([s], generic, frames, interp, true);
          for (let c = 0; c < outCount; c++) assert.deepEqual(got[c], generic[c]);
        }
      }
    });
  }

  test('only the first `count` entries are used and only `frames` frames are written', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([10, 20, 30, 40]);
    const o = out(2, 4, 7);
    mixMonoSources([a, b, a], 2, o, 3, 'speakers');
    close(o, [[11, 22, 33, 7], [11, 22, 33, 7]]);
  });

  test('too-short buffers are a RangeError', () => {
    assert.throws(() => mixMonoSources([new Float32Array(2)], 1, out(2, 4), 4, 'speakers'), /source 0/);
    assert.throws(() => mixMonoSources([new Float32Array(4)], 1, [new Float32Array(4), new Float32Array(2)], 4, 'speakers'), /output channel 1/);
  });
});

test('1 -> 2 accumulate adds the mono sample to both sides, each sum a float32', () => {
  const x = Float32Array.from([0.1, -0.3, 1e-8]);
  const o = [Float32Array.from([0.2, 0.2, 1]), Float32Array.from([1, -1, 0.5])];
  mixChannels([x], o, 3, 'speakers', true);
  for (let i = 0; i < 3; i++) {
    assert.equal(o[0]![i], Math.fround([0.2, 0.2, 1][i]! + x[i]!));
    assert.equal(o[1]![i], Math.fround([1, -1, 0.5][i]! + x[i]!));
  }
});
