import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stereoPan } from '../../../src/webaudio/dsp/stereo-panner.js';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-6, msg ?? `${a} vs ${b}`);

test('mono input: centre is -3 dB on both sides, hard left/right are all-or-nothing', () => {
  const input = new Float32Array([1, 1, 1, 1, 1]);
  const pan = new Float32Array([-1, -0.5, 0, 0.5, 1]);
  const L = new Float32Array(5);
  const R = new Float32Array(5);
  stereoPan(input, null, pan, L, R, 5);
  close(L[0]!, 1); close(R[0]!, 0);
  close(L[1]!, Math.cos(Math.PI / 8)); close(R[1]!, Math.sin(Math.PI / 8));
  close(L[2]!, Math.SQRT1_2); close(R[2]!, Math.SQRT1_2);
  close(L[4]!, 0); close(R[4]!, 1);
  for (let i = 0; i < 5; i++) close(L[i]! ** 2 + R[i]! ** 2, 1, 'equal power');
});

test('stereo input: pan <= 0 folds right into left, pan > 0 folds left into right', () => {
  const inL = new Float32Array([0.4, 0.4, 0.4, 0.4]);
  const inR = new Float32Array([0.2, 0.2, 0.2, 0.2]);
  const pan = new Float32Array([0, -1, -0.5, 0.25]);
  const L = new Float32Array(4);
  const R = new Float32Array(4);
  stereoPan(inL, inR, pan, L, R, 4);
  // pan 0: x = 1, gainL = cos(pi/2) = 0, gainR = 1: unchanged
  close(L[0]!, 0.4); close(R[0]!, 0.2);
  // pan -1: x = 0: L = inL + inR, R = 0
  close(L[1]!, 0.6); close(R[1]!, 0);
  // pan -0.5: x = 0.5
  close(L[2]!, 0.4 + 0.2 * Math.cos(Math.PI / 4)); close(R[2]!, 0.2 * Math.sin(Math.PI / 4));
  // pan 0.25: x = 0.25
  close(L[3]!, 0.4 * Math.cos(Math.PI / 8)); close(R[3]!, 0.2 + 0.4 * Math.sin(Math.PI / 8));
});

test('pan is clamped to [-1, 1]; a single pan value applies to the whole block; in-place works', () => {
  const L = new Float32Array([1, 2]);
  const R = new Float32Array(2);
  stereoPan(L, null, new Float32Array([5]), L, R, 2);
  close(L[0]!, 0); close(R[0]!, 1); close(L[1]!, 0); close(R[1]!, 2);
  const a = new Float32Array([1]);
  const b = new Float32Array([1]);
  stereoPan(a, b, new Float32Array([-7]), a, b, 1);
  close(a[0]!, 2); close(b[0]!, 0);
});
