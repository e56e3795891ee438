import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { PeriodicWave, periodicWaveCoefficients } from '../../../src/webaudio/nodes/periodic-wave.js';

const isDom = (name: string) => (e: unknown): boolean => e instanceof DOMException && e.name === name;

test('constructor cases: both, real only, imag only, neither; DC zeroed; normalize slot', () => {
  const ctx = new OfflineAudioContext(1, 128, 48000);
  const both = periodicWaveCoefficients(new PeriodicWave(ctx, { real: [3, 1, 2], imag: [4, 5, 6] }), 't');
  assert.deepEqual(Array.from(both.real), [0, 1, 2]);
  assert.deepEqual(Array.from(both.imag), [0, 5, 6]);
  assert.equal(both.normalize, true);
  const realOnly = periodicWaveCoefficients(new PeriodicWave(ctx, { real: [1, 1], disableNormalization: true }), 't');
  assert.deepEqual(Array.from(realOnly.imag), [0, 0]);
  assert.equal(realOnly.normalize, false);
  const imagOnly = periodicWaveCoefficients(new PeriodicWave(ctx, { imag: [0, 0, 1] }), 't');
  assert.deepEqual(Array.from(imagOnly.real), [0, 0, 0]);
  const neither = periodicWaveCoefficients(new PeriodicWave(ctx), 't');
  assert.deepEqual(Array.from(neither.real), [0, 0]);
  assert.deepEqual(Array.from(neither.imag), [0, 1]);
});

test('length errors are IndexSizeError; bad input TypeError', () => {
  const ctx = new OfflineAudioContext(1, 128, 48000);
  assert.throws(() => new PeriodicWave(ctx, { real: [0, 1], imag: [0, 1, 2] }), isDom('IndexSizeError'));
  assert.throws(() => new PeriodicWave(ctx, { real: [0] }), isDom('IndexSizeError'));
  assert.throws(() => new PeriodicWave(ctx, { imag: [] }), isDom('IndexSizeError'));
  assert.throws(() => ctx.createPeriodicWave([0, 1], [0]), isDom('IndexSizeError'));
  assert.throws(() => ctx.createPeriodicWave([0], [0]), isDom('IndexSizeError'));
  assert.throws(() => new PeriodicWave({}), TypeError);
  assert.throws(() => new PeriodicWave(ctx, { real: 5 }), TypeError);
  assert.throws(() => new PeriodicWave(ctx, { real: [0, 'x'] }), TypeError);
  // 8192 coefficients are supported.
  const big = new Float32Array(8192).fill(0.001);
  assert.equal(periodicWaveCoefficients(ctx.createPeriodicWave(big, big), 't').real.length, 8192);
});

test('internal copies: later changes to the input do not affect the wave', () => {
  const ctx = new OfflineAudioContext(1, 128, 48000);
  const real = new Float32Array([0, 1, 2]);
  const w = ctx.createPeriodicWave(real, new Float32Array(3));
  real[1] = 9;
  assert.equal(periodicWaveCoefficients(w, 't').real[1], 1);
  assert.deepEqual(Object.keys(w), []);
  assert.equal(Object.prototype.toString.call(w), '[object PeriodicWave]');
});
