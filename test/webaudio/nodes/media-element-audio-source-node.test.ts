/**
 * MediaElementAudioSourceNode: the audio an element plays, routed into a realtime graph. The
 * element plays a synthetic microphone, or a WAV file through src; the node's output is read
 * back through a MediaStreamAudioDestinationNode. Each test runs for about a second of real time.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AudioContext, MediaElementAudioSourceNode, OfflineAudioContext } from '../../../src/webaudio/index.js';
import { HTMLAudioElement, HTMLVideoElement } from '../../../src/elements/html-media-element.js';
import { createMediaDevices } from '../../../src/devices/create-media-devices.js';
import type { MediaStream } from '../../../src/stream/media-stream.js';
import type { MediaStreamTrack } from '../../../src/stream/media-stream-track.js';
import { collect, rms, sleep, zeroCrossingFrequency } from '../media-stream/helpers.js';
import { tempDir, wavTone } from '../../elements/support/media-fixtures.js';

const RATE = 48000;

async function tone(frequency: number): Promise<MediaStream> {
  const { mediaDevices } = createMediaDevices({ devices: { microphones: [{ id: 'm', toneFrequency: frequency, amplitude: 0.5 }], cameras: 0 } });
  return mediaDevices.getUserMedia({ audio: true });
}

/** The node's output over the next `ms` milliseconds (after the ring has settled). */
async function listen(ctx: AudioContext, node: MediaElementAudioSourceNode, ms: number): Promise<Float32Array> {
  const dest = ctx.createMediaStreamDestination();
  node.connect(dest);
  try {
    const got = await collect(dest.stream.getAudioTracks()[0] as unknown as MediaStreamTrack, Math.round((RATE * ms) / 1000), Math.round(RATE * 0.1));
    return got.channels[0]!;
  } finally {
    node.disconnect(dest);
  }
}

describe('MediaElementAudioSourceNode', () => {
  test('argument checks, [SameObject] mediaElement, one node per element, AudioContext only', async () => {
    const ctx = new AudioContext({ sinkId: { type: 'none' } });
    try {
      const el = new HTMLAudioElement();
      assert.throws(() => ctx.createMediaElementSource({} as never), TypeError);
      assert.throws(() => (ctx.createMediaElementSource as (...a: unknown[]) => unknown)(), TypeError);
      assert.throws(() => new MediaElementAudioSourceNode(ctx, {} as never), TypeError);
      const off = new OfflineAudioContext(1, 128, RATE);
      assert.throws(() => new MediaElementAudioSourceNode(off as never, { mediaElement: el }), TypeError);
      assert.equal((off as unknown as Record<string, unknown>).createMediaElementSource, undefined);
      const node = ctx.createMediaElementSource(el);
      assert.ok(node instanceof MediaElementAudioSourceNode);
      assert.equal(node.mediaElement, el);
      assert.equal(node.numberOfInputs, 0);
      assert.equal(node.numberOfOutputs, 1);
      assert.equal(Object.prototype.toString.call(node), '[object MediaElementAudioSourceNode]');
      assert.throws(() => ctx.createMediaElementSource(el), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
      assert.equal(MediaElementAudioSourceNode.length, 2);
    } finally {
      await ctx.close();
    }
  });

  test('plays what the element plays: sound while playing, silence while paused, a new srcObject followed', async () => {
    const a440 = await tone(440);
    const a880 = await tone(880);
    const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE });
    const el = new HTMLVideoElement();
    try {
      const node = ctx.createMediaElementSource(el);
      // Nothing loaded yet: silence.
      assert.ok(rms(await listen(ctx, node, 200)) < 1e-6);
      el.srcObject = a440;
      await el.play();
      const playing = await listen(ctx, node, 300);
      assert.ok(Math.abs(rms(playing) - 0.5 / Math.SQRT2) < 0.03, `rms ${rms(playing)}`);
      assert.ok(Math.abs(zeroCrossingFrequency(playing, RATE) - 440) < 10);
      el.pause();
      await sleep(100);
      assert.ok(rms(await listen(ctx, node, 200)) < 1e-3, 'paused: silence');
      await el.play();
      el.srcObject = a880;
      await el.play();
      const other = await listen(ctx, node, 300);
      assert.ok(Math.abs(zeroCrossingFrequency(other, RATE) - 880) < 15, `frequency ${zeroCrossingFrequency(other, RATE)}`);
    } finally {
      for (const s of [a440, a880]) for (const t of s.getTracks()) t.stop();
      await ctx.close();
    }
  });

  test('an element whose audio track ends goes silent; closing the context releases the element', async () => {
    const mic = await tone(440);
    const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE });
    const el = new HTMLAudioElement();
    try {
      el.srcObject = mic;
      await el.play();
      const node = ctx.createMediaElementSource(el);
      assert.ok(rms(await listen(ctx, node, 200)) > 0.3);
      for (const t of mic.getTracks()) t.stop();
      await sleep(100);
      assert.ok(rms(await listen(ctx, node, 200)) < 1e-3);
    } finally {
      await ctx.close();
    }
  });

  test('an element playing a file through src: the file tone while playing, silence once it has ended', async () => {
    const files = tempDir();
    const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE });
    const el = new HTMLAudioElement();
    try {
      el.src = files.write('tone.wav', wavTone(0.8, 660, 44100, 0.5));
      const node = ctx.createMediaElementSource(el);
      const ended = new Promise((r) => el.addEventListener('ended', r));
      await el.play();
      const playing = await listen(ctx, node, 300);
      assert.ok(Math.abs(rms(playing) - 0.5 / Math.SQRT2) < 0.03, `rms ${rms(playing)}`);
      assert.ok(Math.abs(zeroCrossingFrequency(playing, RATE) - 660) < 10, `frequency ${zeroCrossingFrequency(playing, RATE)}`);
      await ended;
      await sleep(100);
      assert.ok(rms(await listen(ctx, node, 200)) < 1e-3, 'ended: silence');
    } finally {
      await ctx.close();
      files.remove();
    }
  });
});
