import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';

/** Renders `length` frames at `sampleRate` after `setup` builds the graph; returns the channels. */
export async function render(
  channels: number,
  length: number,
  sampleRate: number,
  setup: (ctx: OfflineAudioContext) => void,
): Promise<Float32Array[]> {
  const ctx = new OfflineAudioContext(channels, length, sampleRate);
  setup(ctx);
  const buf = await ctx.startRendering();
  const out: Float32Array[] = [];
  for (let c = 0; c < buf.numberOfChannels; c++) out.push(buf.getChannelData(c));
  return out;
}

/** Asserts |actual[i] - expected(i)| <= tol for every i in [from, to). */
export function assertSamples(actual: Float32Array, from: number, to: number, expected: (i: number) => number, tol = 1e-6, label = ''): void {
  for (let i = from; i < to; i++) {
    const e = expected(i);
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      assert.fail(`${label} sample ${i}: expected ${e}, got ${a}`);
    }
  }
}

export function assertDOMException(fn: () => unknown, name: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DOMException && e.name === name, `expected DOMException ${name}`);
}
