import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamicsCompressorKernel,
  compressionCurveDb,
  linearToDecibels,
  makeupGain,
  type CompressorParams,
} from '../../../src/webaudio/dsp/compressor.js';

const SR = 48000;
const DEFAULTS: CompressorParams = { threshold: -24, knee: 30, ratio: 12, attack: 0.003, release: 0.25 };

function run(kernel: DynamicsCompressorKernel, value: number | ((i: number) => number), frames: number, p: CompressorParams, channels = 1): Float32Array[] {
  const outs = Array.from({ length: channels }, () => new Float32Array(frames));
  const ins = Array.from({ length: channels }, () => new Float32Array(128));
  const tmp = Array.from({ length: channels }, () => new Float32Array(128));
  for (let off = 0; off < frames; off += 128) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < 128; i++) ins[c]![i] = typeof value === 'number' ? value : value(off + i);
    }
    kernel.process(ins, tmp, channels, 128, p);
    for (let c = 0; c < channels; c++) outs[c]!.set(tmp[c]!.subarray(0, Math.min(128, frames - off)), off);
  }
  return outs;
}

describe('compression curve', () => {
  test('hard knee: identity below threshold, slope 1/ratio above', () => {
    assert.equal(compressionCurveDb(-30, -20, 0, 4), -30);
    assert.equal(compressionCurveDb(-20, -20, 0, 4), -20);
    assert.equal(compressionCurveDb(0, -20, 0, 4), -15);
    assert.equal(compressionCurveDb(-8, -20, 0, 4), -17);
  });

  test('soft knee is continuous, monotonic, and meets the 1/ratio line', () => {
    const T = -24, K = 30, R = 12;
    let prev = -Infinity;
    for (let x = -60; x <= 20; x += 0.01) {
      const y = compressionCurveDb(x, T, K, R);
      assert.ok(y > prev, `not increasing at ${x}`);
      if (prev !== -Infinity) assert.ok(y - prev < 0.0101, `jump at ${x}`);
      prev = y;
    }
    // Beyond the knee the slope is exactly 1/ratio.
    const a = compressionCurveDb(10, T, K, R);
    const b = compressionCurveDb(20, T, K, R);
    assert.ok(Math.abs((b - a) - 10 / R) < 1e-9);
    // Inside the knee (by hand): y = x + (1/R - 1)(x - T)^2 / (2K); x = -14: -14 + (-11/12)(100)/60
    assert.ok(Math.abs(compressionCurveDb(-14, T, K, R) - (-14 - (11 / 12) * 100 / 60)) < 1e-12);
  });

  test('makeup gain = (1 / curve(1))^0.6', () => {
    // hard knee T=-20, R=4: curve(0 dB) = -15 dB, so makeup = 10^(15/20 * 0.6) = 10^0.45
    assert.ok(Math.abs(makeupGain(-20, 0, 4) - 10 ** 0.45) < 1e-12);
    assert.equal(makeupGain(0, 0, 1), 1);
  });
});

describe('compressor processing', () => {
  test('constant input above threshold settles to the static curve (hard knee)', () => {
    const p: CompressorParams = { threshold: -20, knee: 0, ratio: 4, attack: 0.003, release: 0.25 };
    const k = new DynamicsCompressorKernel(SR);
    const x = 0.5; // -6.02 dB
    const [out] = run(k, x, SR, p);
    const xDb = 20 * Math.log10(x);
    const yDb = -20 + (xDb + 20) / 4; // by hand
    const attenuation = 10 ** ((yDb - xDb) / 20);
    const want = x * attenuation * 10 ** 0.45;
    assert.ok(Math.abs(out![SR - 1]! - want) < 1e-4 * want, `${out![SR - 1]} vs ${want}`);
    assert.ok(Math.abs(k.reduction - (yDb - xDb)) < 0.01, `reduction ${k.reduction} vs ${yDb - xDb}`);
  });

  test('constant input in the soft knee settles to the knee curve; default parameters', () => {
    const k = new DynamicsCompressorKernel(SR);
    const x = 0.25; // -12.04 dB, inside the [-24, 6] knee
    const [out] = run(k, -x, SR, DEFAULTS);
    const xDb = 20 * Math.log10(x);
    const d = xDb + 24;
    const yDb = xDb + (1 / 12 - 1) * d * d / 60;
    // 0 dB also lies inside the knee: curve(0 dB) = 0 + (1/12 - 1) * 24^2 / 60
    const makeup = (1 / 10 ** (((1 / 12 - 1) * 24 * 24 / 60) / 20)) ** 0.6;
    const want = -x * 10 ** ((yDb - xDb) / 20) * makeup;
    assert.ok(Math.abs(out![SR - 1]! - want) < 1e-4 * Math.abs(want), `${out![SR - 1]} vs ${want}`);
    assert.ok(Math.abs(k.reduction - (yDb - xDb)) < 0.01);
  });

  test('below threshold: only the makeup gain, reduction 0, output delayed by 6 ms', () => {
    const p: CompressorParams = { threshold: -20, knee: 0, ratio: 4, attack: 0.003, release: 0.25 };
    const k = new DynamicsCompressorKernel(SR);
    assert.equal(k.preDelayFrames, 288);
    const [out] = run(k, 0.05, 1024, p);
    for (let i = 0; i < 288; i++) assert.equal(out![i], 0, `frame ${i}`);
    for (let i = 288; i < 1024; i++) assert.ok(Math.abs(out![i]! - 0.05 * 10 ** 0.45) < 1e-6, `frame ${i}`);
    assert.equal(k.reduction, 0);
  });

  test('silence reads 0 dB reduction and no gain change', () => {
    const k = new DynamicsCompressorKernel(SR);
    run(k, 0, 1280, DEFAULTS);
    assert.equal(k.reduction, 0);
    assert.ok(k.delayIsSilent);
  });

  test('gain recovers after a loud burst (release) and reduction returns towards 0', () => {
    const k = new DynamicsCompressorKernel(SR);
    run(k, 0.9, 9600, DEFAULTS);
    const loud = k.reduction;
    const d = 20 * Math.log10(0.9) + 24;
    assert.ok(Math.abs(loud - (1 / 12 - 1) * d * d / 60) < 0.01, `reduction while loud ${loud}`);
    run(k, 0.001, 48000, DEFAULTS);
    assert.ok(k.reduction > -0.01 && k.reduction <= 0, `after release ${k.reduction}`);
  });

  test('attack and release set how fast the reduction follows a step', () => {
    const p: CompressorParams = { threshold: -30, knee: 0, ratio: 20, attack: 0.01, release: 0.2 };
    const target = -30 + (20 * Math.log10(0.9) + 30) / 20 - 20 * Math.log10(0.9); // static reduction in dB
    const fast = new DynamicsCompressorKernel(SR);
    run(fast, 0.9, 128, { ...p, attack: 0 });
    assert.ok(Math.abs(fast.reduction - target) < 0.05, `attack 0: ${fast.reduction} vs ${target}`);
    const k = new DynamicsCompressorKernel(SR);
    run(k, 0.9, 128, p); // 10 dB per 10 ms = 480 frames: 128 frames lower the gain by 2.67 dB
    assert.ok(Math.abs(k.reduction - -10 * 128 / 480) < 0.01, `early ${k.reduction}`);
    run(k, 0.9, 48000 * 0.2, p);
    assert.ok(Math.abs(k.reduction - target) < 0.05, `settled ${k.reduction}`);
    // Release: 10 dB per 0.2 s (at most a quarter faster far below the average): after 0.1 s
    // between 5 and 6.25 dB have been released; after 2 s all of it.
    run(k, 0.001, 4800, p);
    assert.ok(k.reduction >= target + 5 - 0.01 && k.reduction <= target + 6.25, `after 0.1 s ${k.reduction}`);
    run(k, 0.001, 96000, p);
    assert.ok(k.reduction > -0.01, `after 2 s ${k.reduction}`);
  });

  test('the detector takes the loudest channel and gain applies to all', () => {
    const p: CompressorParams = { threshold: -20, knee: 0, ratio: 4, attack: 0, release: 0.25 };
    const k = new DynamicsCompressorKernel(SR);
    const ins = [new Float32Array(128).fill(0.5), new Float32Array(128).fill(0.01)];
    const outs = [new Float32Array(128), new Float32Array(128)];
    for (let b = 0; b < 100; b++) k.process(ins, outs, 2, 128, p);
    const ratio = outs[1]![127]! / outs[0]![127]!;
    assert.ok(Math.abs(ratio - 0.02) < 1e-6);
    const xDb = linearToDecibels(0.5);
    const yDb = -20 + (xDb + 20) / 4;
    assert.ok(Math.abs(outs[0]![127]! - 0.5 * 10 ** ((yDb - xDb) / 20) * 10 ** 0.45) < 1e-4);
  });

  test('linear to decibel conversion maps 0 to -1000', () => {
    assert.equal(linearToDecibels(0), -1000);
    assert.equal(linearToDecibels(10), 20);
  });
});
