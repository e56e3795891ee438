/**
 * Media elements play their audio to the output AudioContexts use: here a Node Writable
 * (mediacaptureSink { type: 'stream' }), read back as PCM. Real time, about two seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { HTMLAudioElement } from '../../src/elements/html-media-element.js';
import { setElementAudioOutput } from '../../src/elements/element-audio-output.js';
import { setElementClock } from '../../src/elements/media-element-core.js';
import { RealClock } from '../../src/media/clock.js';
import { AudioContext } from '../../src/webaudio/index.js';
import { tempDir, wavTone } from './support/media-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Writable collecting stereo f32le PCM; `take()` returns the RMS of what came since the last take. */
function pcmSink() {
  let chunks: Buffer[] = [];
  let total = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      total += chunk.length;
      done();
    },
  });
  return {
    stream,
    bytes: () => total,
    take(): { rms: number; samples: number } {
      const all = Buffer.concat(chunks);
      chunks = [];
      const n = Math.floor(all.length / 4);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += all.readFloatLE(i * 4) ** 2;
      return { rms: n ? Math.sqrt(sum / n) : 0, samples: n };
    },
  };
}

test('an audio element plays to the configured output, at its volume, silent when muted; routed into a graph it plays there only', async () => {
  setElementClock(new RealClock());
  const files = tempDir();
  const sink = pcmSink();
  setElementAudioOutput({ type: 'stream', stream: sink.stream });
  const a = new HTMLAudioElement();
  try {
    a.loop = true;
    a.src = files.write('tone.wav', wavTone(1, 440, 48000, 0.5));
    assert.equal(sink.bytes(), 0);
    await a.play();
    await sleep(500);
    sink.take();
    await sleep(300);
    const full = sink.take();
    assert.ok(full.samples > 10000, `${full.samples} samples`);
    assert.ok(Math.abs(full.rms - 0.5 / Math.SQRT2) < 0.05, `rms ${full.rms}`);
    a.volume = 0.5;
    await sleep(300);
    sink.take();
    await sleep(300);
    const half = sink.take();
    assert.ok(Math.abs(half.rms - 0.25 / Math.SQRT2) < 0.03, `rms at volume 0.5: ${half.rms}`);
    a.muted = true;
    await sleep(300);
    sink.take();
    await sleep(300);
    assert.ok(sink.take().rms < 1e-4, 'muted: silence');
    a.muted = false;
    // Paused: the element's output context is closed, nothing more is written.
    a.pause();
    await sleep(300);
    const before = sink.bytes();
    await sleep(300);
    assert.equal(sink.bytes(), before, 'nothing is written while paused');
    // createMediaElementSource(): the element plays through the graph only.
    await a.play();
    const ctx = new AudioContext({ sinkId: { type: 'none' } } as never);
    try {
      ctx.createMediaElementSource(a);
      await sleep(300);
      const at = sink.bytes();
      await sleep(300);
      assert.equal(sink.bytes(), at, 'a routed element no longer plays to its own output');
    } finally {
      await ctx.close();
    }
  } finally {
    a.pause();
    setElementAudioOutput(undefined);
    files.remove();
  }
});
