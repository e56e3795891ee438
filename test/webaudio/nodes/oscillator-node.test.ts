import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { OscillatorNode } from '../../../src/webaudio/nodes/oscillator-node.js';
import { FFT } from '../../../src/media/fft.js';

const SR = 48000;
const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

describe('OscillatorNode rendering', () => {
  test('440 Hz sine = sin(2 pi 440 n / sr)', async () => {
    const ctx = new OfflineAudioContext(1, 4800, SR);
    const osc = new OscillatorNode(ctx);
    osc.connect(ctx.destination);
    osc.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    for (let n = 0; n < out.length; n++) assert.ok(Math.abs(out[n]! - Math.sin(2 * Math.PI * 440 * n / SR)) < 1e-5, `n=${n}`);
  });

  test('start between frames: phase zero at the exact start time; silence before; stop ends', async () => {
    const ctx = new OfflineAudioContext(1, 1024, SR);
    const osc = ctx.createOscillator();
    osc.frequency.value = 1000;
    osc.connect(ctx.destination);
    const start = 100.25 / SR;
    osc.start(start);
    osc.stop(600 / SR);
    let ended = false;
    osc.addEventListener('ended', () => { ended = true; });
    const out = (await ctx.startRendering()).getChannelData(0);
    for (let n = 0; n <= 100; n++) assert.equal(out[n], 0, `n=${n}`);
    for (let n = 101; n < 600; n++) {
      assert.ok(Math.abs(out[n]! - Math.sin(2 * Math.PI * 1000 * (n / SR - start))) < 1e-5, `n=${n}`);
    }
    for (let n = 600; n < 1024; n++) assert.equal(out[n], 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(ended, true);
  });

  test('detune in cents and an a-rate frequency ramp integrate into the phase', async () => {
    const ctx = new OfflineAudioContext(1, 2048, SR);
    const osc = new OscillatorNode(ctx, { frequency: 200, detune: 1200 });
    osc.frequency.setValueAtTime(200, 0);
    osc.frequency.linearRampToValueAtTime(600, 2048 / SR);
    osc.connect(ctx.destination);
    osc.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    let phase = 0;
    for (let n = 0; n < 2048; n++) {
      assert.ok(Math.abs(out[n]! - Math.sin(2 * Math.PI * phase)) < 1e-4, `n=${n}`);
      const f = 200 + 400 * n / 2048; // linear ramp value at frame n
      phase += 2 * f / SR;
    }
  });

  test('square wave: only odd harmonics, fundamental 4/pi divided by the normalisation peak', async () => {
    const n = 8192;
    const bin = 64; // 375 Hz, exactly periodic in the window
    const ctx = new OfflineAudioContext(1, n, SR);
    const osc = new OscillatorNode(ctx, { type: 'square', frequency: bin * SR / n });
    osc.connect(ctx.destination);
    osc.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    const re = Float64Array.from(out);
    const im = new Float64Array(n);
    FFT.forSize(n).transform(re, im);
    const amp = (k: number): number => 2 * Math.hypot(re[k]!, im[k]!) / n;
    assert.ok(amp(2 * bin) < 1e-5, 'even harmonic');
    // Peak of the 2047-partial series: near the Gibbs overshoot, searched on the 4096-point grid.
    let peak = 0;
    for (let t = 1; t < 64; t++) {
      let s = 0;
      for (let m = 1; m < 2048; m += 2) s += 4 / (m * Math.PI) * Math.sin(2 * Math.PI * m * t / 4096);
      peak = Math.max(peak, s);
    }
    assert.ok(Math.abs(amp(bin) - 4 / Math.PI / peak) < 1e-4, `fundamental ${amp(bin)} vs ${4 / Math.PI / peak}`);
    assert.ok(Math.abs(amp(3 * bin) - 4 / (3 * Math.PI) / peak) < 1e-4);
  });

  test('setPeriodicWave with disableNormalization renders the raw Fourier sum', async () => {
    const ctx = new OfflineAudioContext(1, 1000, SR);
    const wave = ctx.createPeriodicWave([0, 0.5, 0], [0, 0, 0.25], { disableNormalization: true });
    const osc = ctx.createOscillator();
    osc.frequency.value = 300;
    osc.setPeriodicWave(wave);
    assert.equal(osc.type, 'custom');
    osc.connect(ctx.destination);
    osc.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    for (let n = 0; n < 1000; n++) {
      const t = 300 * n / SR;
      assert.ok(Math.abs(out[n]! - (0.5 * Math.cos(2 * Math.PI * t) + 0.25 * Math.sin(4 * Math.PI * t))) < 1e-5, `n=${n}`);
    }
  });

  test('changing type mid-render keeps the phase', async () => {
    const ctx = new OfflineAudioContext(1, 512, SR);
    const wave = ctx.createPeriodicWave([0, 1], [0, 0], { disableNormalization: true }); // cosine
    const osc = new OscillatorNode(ctx, { periodicWave: wave, frequency: 750 });
    osc.connect(ctx.destination);
    osc.start();
    const switched = ctx.suspend(256 / SR).then(() => {
      osc.type = 'sine';
      return ctx.resume();
    });
    const out = (await ctx.startRendering()).getChannelData(0);
    await switched;
    for (let n = 0; n < 256; n++) assert.ok(Math.abs(out[n]! - Math.cos(2 * Math.PI * 750 * n / SR)) < 1e-5);
    for (let n = 256; n < 512; n++) assert.ok(Math.abs(out[n]! - Math.sin(2 * Math.PI * 750 * n / SR)) < 1e-5, `n=${n}`);
  });
});

describe('OscillatorNode interface', () => {
  test('options and attribute errors', () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    assert.throws(() => new OscillatorNode(ctx, { type: 'custom' }), isDom('InvalidStateError'));
    assert.throws(() => new OscillatorNode(ctx, { type: 'noise' }), TypeError);
    assert.throws(() => new OscillatorNode(ctx, { periodicWave: {} }), TypeError);
    const wave = ctx.createPeriodicWave([0, 1], [0, 0]);
    assert.equal(new OscillatorNode(ctx, { type: 'square', periodicWave: wave }).type, 'custom');
    const osc = ctx.createOscillator();
    assert.equal(osc.type, 'sine');
    osc.type = 'sawtooth';
    assert.equal(osc.type, 'sawtooth');
    osc.type = 'bogus';
    assert.equal(osc.type, 'sawtooth');
    assert.throws(() => { osc.type = 'custom'; }, isDom('InvalidStateError'));
    assert.throws(() => osc.setPeriodicWave(null), TypeError);
    assert.equal(osc.frequency.defaultValue, 440);
    assert.equal(osc.frequency.maxValue, SR / 2);
    assert.equal(osc.frequency.minValue, -SR / 2);
    assert.ok(Math.abs(osc.detune.maxValue - 153600) < 1);
    assert.equal(osc.numberOfInputs, 0);
    assert.deepEqual(Object.keys(osc), []);
    assert.equal(Object.prototype.toString.call(osc), '[object OscillatorNode]');
  });
});
