import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import type { AudioBuffer } from '../../src/webaudio/audio-buffer.js';

/** A 16-bit PCM WAV built by hand (44-byte header). */
function wav16(samples: number[][], sampleRate: number): ArrayBuffer {
  const ch = samples.length;
  const frames = samples[0]!.length;
  const b = Buffer.alloc(44 + frames * ch * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + frames * ch * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(ch, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * ch * 2, 28);
  b.writeUInt16LE(ch * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(frames * ch * 2, 40);
  for (let i = 0; i < frames; i++) for (let c = 0; c < ch; c++) b.writeInt16LE(samples[c]![i]!, 44 + (i * ch + c) * 2);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
}

describe('decodeAudioData', () => {
  test('decodes WAV at the context rate, detaches the input, calls the success callback', async () => {
    const ctx = new OfflineAudioContext(1, 128, 8000);
    const data = wav16([[0, 16384, -16384, 32767], [1, 2, 3, 4]], 8000);
    let cb: AudioBuffer | null = null;
    const buf = await ctx.decodeAudioData(data, (b) => (cb = b));
    assert.equal(data.byteLength, 0, 'the ArrayBuffer was detached');
    assert.equal(buf.numberOfChannels, 2);
    assert.equal(buf.length, 4);
    assert.equal(buf.sampleRate, 8000);
    assert.deepEqual([...buf.getChannelData(0)], [0, 0.5, -0.5, 32767 / 32768]);
    await new Promise((r) => setImmediate(r));
    assert.equal(cb, buf);
  });

  test('resamples to the context rate', async () => {
    const ctx = new OfflineAudioContext(1, 128, 16000);
    const frames = 800;
    const sine = Array.from({ length: frames }, (_, i) => Math.round(16000 * Math.sin((2 * Math.PI * 200 * i) / 8000)));
    const buf = await ctx.decodeAudioData(wav16([sine], 8000));
    assert.equal(buf.sampleRate, 16000);
    assert.equal(buf.length, 1600);
    const d = buf.getChannelData(0);
    // Away from the edges the 200 Hz sine is reproduced at the new rate.
    for (let i = 400; i < 1200; i += 37) {
      const expected = (16000 / 32768) * Math.sin((2 * Math.PI * 200 * i) / 16000);
      assert.ok(Math.abs(d[i]! - expected) < 0.01, `frame ${i}: ${d[i]} vs ${expected}`);
    }
  });

  test('undecodable data rejects with EncodingError and calls the error callback; detached input DataCloneError', async () => {
    const ctx = new OfflineAudioContext(1, 128, 8000);
    let cbError: unknown = null;
    await assert.rejects(ctx.decodeAudioData(new Uint8Array([1, 2, 3, 4, 5]).buffer, null, (e) => (cbError = e)), (e: unknown) => e instanceof DOMException && e.name === 'EncodingError');
    assert.ok(cbError instanceof DOMException && cbError.name === 'EncodingError');
    const data = wav16([[1, 2]], 8000);
    await ctx.decodeAudioData(data);
    await assert.rejects(ctx.decodeAudioData(data), (e: unknown) => e instanceof DOMException && e.name === 'DataCloneError');
    await assert.rejects(ctx.decodeAudioData('x' as never), TypeError);
  });
});
