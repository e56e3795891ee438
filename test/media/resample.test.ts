import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler } from '../../src/media/resample.js';

function sine(freq: number, rate: number, frames: number, amp = 0.5, phase = 0): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amp * Math.sin(2 * Math.PI * freq * i / rate + phase);
  return out;
}

/** Run a whole signal through in chunks of the given sizes (cycled). */
function run(r: Resampler, input: Float32Array[], chunks: number[]): Float32Array[] {
  const total = input[0].length;
  const outs: number[][] = input.map(() => []);
  const maxChunk = Math.max(...chunks);
  const tmp = input.map(() => new Float32Array(r.maxOutputFrames(maxChunk) + 16 + Math.ceil(maxChunk * r.outputRate / r.inputRate) + 2));
  let pos = 0, k = 0;
  while (pos < total) {
    const n = Math.min(chunks[k++ % chunks.length], total - pos);
    const bound = r.maxOutputFrames(n);
    const outBufs = tmp.map((t) => (t.length >= bound ? t : new Float32Array(bound)));
    const w = r.process(input.map((x) => x.subarray(pos, pos + n)), n, outBufs);
    assert.ok(w <= bound, `wrote ${w} frames, more than the announced bound ${bound}`);
    for (let c = 0; c < input.length; c++) for (let i = 0; i < w; i++) outs[c].push(outBufs[c][i]);
    pos += n;
  }
  return outs.map((o) => Float32Array.from(o));
}

/** SNR in dB of `out` against the analytic delayed sine. */
function snrDb(out: Float32Array, freq: number, inRate: number, outRate: number, latency: number, amp: number): number {
  const skip = Math.ceil(2 * latency) + 4;
  let sig = 0, err = 0;
  for (let n = skip; n < out.length; n++) {
    const want = amp * Math.sin(2 * Math.PI * freq * ((n - latency) / outRate));
    sig += want * want;
    err += (out[n] - want) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

const cases: Array<[number, number, number[]]> = [
  [44100, 48000, [100, 1000, 5000, 15000, 19000]],
  [48000, 44100, [100, 1000, 12000, 19500]],
  [48000, 16000, [100, 1000, 3000, 7000]],
  [8000, 48000, [440, 1000, 3500]],
  [22050, 96000, [1000, 5000, 9500]],
  [44100, 47999.25, [1000, 15000]], // non-integer rate: interpolated phases
  [44100, 47999, [1000, 19000]], // large denominator: interpolated phases
  [48000.5, 16000, [1000, 7000]], // interpolated phases while shrinking
];

describe('Resampler accuracy', () => {
  for (const [inRate, outRate, freqs] of cases) {
    test(`${inRate} -> ${outRate}: sines keep their frequency with SNR > 80 dB`, () => {
      for (const f of freqs) {
        const r = new Resampler(inRate, outRate, 1);
        const x = sine(f, inRate, Math.round(inRate * 0.25), 0.5);
        const [y] = run(r, [x], [4096]);
        const snr = snrDb(y, f, inRate, outRate, r.latency, 0.5);
        assert.ok(snr > 80, `${f} Hz: SNR ${snr.toFixed(1)} dB`);
      }
    });
  }

  test('DC gain is 1', () => {
    for (const [inRate, outRate] of cases) {
      const r = new Resampler(inRate, outRate, 1);
      const x = new Float32Array(20000).fill(0.25);
      const [y] = run(r, [x], [1000]);
      const skip = Math.ceil(2 * r.latency) + 2;
      for (let n = skip; n < y.length; n++) assert.ok(Math.abs(y[n] - 0.25) < 1e-6, `${inRate}->${outRate} n=${n}: ${y[n]}`);
    }
  });

  test('frequencies above the output Nyquist rate are rejected by > 90 dB', () => {
    const r = new Resampler(48000, 16000, 1);
    const amp = 0.9;
    const [y] = run(r, [sine(9000, 48000, 48000, amp)], [4800]);
    const skip = Math.ceil(2 * r.latency) + 4;
    let pow = 0;
    for (let n = skip; n < y.length; n++) pow += y[n] * y[n];
    const rms = Math.sqrt(pow / (y.length - skip));
    const db = 20 * Math.log10(rms / (amp / Math.SQRT2));
    assert.ok(db < -90, `leak ${db.toFixed(1)} dB`);
  });
});

describe('Resampler streaming', () => {
  test('chunked input gives exactly the one-shot output, per channel', () => {
    for (const [inRate, outRate] of [[44100, 48000], [48000, 16000], [8000, 48000], [44100, 47999.25]]) {
      const len = 30000;
      const a = sine(440, inRate, len, 0.7), b = sine(1234, inRate, len, 0.3, 1);
      const one = run(new Resampler(inRate, outRate, 2), [a, b], [len]);
      const chunked = run(new Resampler(inRate, outRate, 2), [a, b], [1, 7, 128, 333, 5000, 2]);
      assert.equal(chunked[0].length, one[0].length);
      assert.deepEqual(chunked[0], one[0]);
      assert.deepEqual(chunked[1], one[1]);
    }
  });

  test('identity ratio is a bit-exact pass-through with no latency', () => {
    const r = new Resampler(48000, 48000, 2);
    assert.equal(r.latency, 0);
    const a = Float32Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i) * 0.9));
    const b = Float32Array.from({ length: 1000 }, (_, i) => Math.fround(i / 1000));
    const out = run(r, [a, b], [100, 37]);
    assert.deepEqual(out[0], a);
    assert.deepEqual(out[1], b);
  });

  test('output count over a long run is round(in * out/in) ± 1', () => {
    for (const [inRate, outRate] of [[44100, 48000], [48000, 44100], [48000, 16000], [8000, 48000], [22050, 96000], [44100, 47999.25]]) {
      const r = new Resampler(inRate, outRate, 1);
      const buf = new Float32Array(r.maxOutputFrames(10000) + 10);
      const zeros = new Float32Array(9973);
      let total = 0, fed = 0;
      for (let i = 0; i < 50; i++) { total += r.process([zeros], zeros.length, [buf]); fed += zeros.length; }
      const expected = Math.round(fed * outRate / inRate);
      assert.ok(Math.abs(total - expected) <= 1, `${inRate}->${outRate}: ${total} vs ${expected}`);
    }
  });

  test('reset() restarts the stream', () => {
    const r = new Resampler(44100, 48000, 1);
    const x = sine(1000, 44100, 5000);
    const first = run(r, [x], [5000]);
    r.reset();
    const second = run(r, [x], [5000]);
    assert.deepEqual(second, first);
  });

  test('latency is the group delay: an impulse peaks latency frames later', () => {
    const r = new Resampler(16000, 48000, 1);
    const x = new Float32Array(4000); x[1000] = 1;
    const [y] = run(r, [x], [4000]);
    let best = 0;
    for (let i = 1; i < y.length; i++) if (Math.abs(y[i]) > Math.abs(y[best])) best = i;
    // Impulse at input frame 1000 = output frame 3000; the peak is at 3000 + latency.
    assert.equal(best, 3000 + Math.round(r.latency));
  });

  test('bad arguments are RangeErrors', () => {
    assert.throws(() => new Resampler(0, 48000, 1), RangeError);
    assert.throws(() => new Resampler(48000, NaN, 1), RangeError);
    assert.throws(() => new Resampler(48000, 44100, 0), RangeError);
    assert.throws(() => new Resampler(768000, 2000, 1), /ratio/);
    assert.doesNotThrow(() => new Resampler(768000, 3000, 1));
    const r = new Resampler(44100, 48000, 2);
    assert.throws(() => r.process([new Float32Array(10)], 10, [new Float32Array(20)]), /channels/);
    assert.throws(() => r.process([new Float32Array(10), new Float32Array(10)], 10, [new Float32Array(0), new Float32Array(0)]), /output channel 0/);
  });
});
