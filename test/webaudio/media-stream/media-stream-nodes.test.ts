import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AudioContext,
  OfflineAudioContext,
  AudioNode,
  MediaStreamAudioSourceNode,
  MediaStreamTrackAudioSourceNode,
  MediaStreamAudioDestinationNode,
} from '../../../src/webaudio/index.js';
import { inputTrackOf } from '../../../src/webaudio/nodes/media-stream-audio-source-node.js';
import { MediaStream } from '../../../src/stream/media-stream.js';
import { MediaStreamTrack } from '../../../src/stream/media-stream-track.js';
import { createTrack } from '../../../src/stream/internals.js';
import { GeneratorSource } from '../../../src/sources/generator-source.js';

/** A track whose id attribute is chosen by the test. */
class IdTrack extends MediaStreamTrack {
  readonly #id: string;
  constructor(token: unknown, construction: unknown, id: string) {
    super(token as never, construction as never);
    this.#id = id;
  }
  override get id(): string {
    return this.#id;
  }
}

const made: MediaStreamTrack[] = [];
function track(kind: 'audio' | 'video', id?: string): MediaStreamTrack {
  const t =
    id === undefined
      ? createTrack(new GeneratorSource(kind), { kind, label: kind })
      : createTrack(new GeneratorSource(kind), { kind, label: id, trackClass: IdTrack as never, trackArgs: [id] });
  made.push(t);
  return t;
}

const isDOMException = (name: string) => (e: unknown) => e instanceof DOMException && e.name === name;

describe('MediaStream nodes: construction rules', () => {
  const ctx = new AudioContext();
  after(async () => {
    for (const t of made) t.stop();
    await ctx.close();
  });

  test('99: a stream without audio tracks is InvalidStateError; ended audio tracks still count', () => {
    assert.throws(() => new MediaStreamAudioSourceNode(ctx, { mediaStream: new MediaStream() }), isDOMException('InvalidStateError'));
    assert.throws(() => ctx.createMediaStreamSource(new MediaStream([track('video')])), isDOMException('InvalidStateError'));
    const ended = track('audio');
    ended.stop();
    const node = ctx.createMediaStreamSource(new MediaStream([track('video'), ended]));
    assert.equal(inputTrackOf(node), ended);
    assert.equal(node.numberOfInputs, 0);
    assert.equal(node.numberOfOutputs, 1);
  });

  test('99/G9: [[input track]] is the audio track with the smallest id in UTF-16 code-unit order', () => {
    // Code-unit order: 'B' (0x42) < 'a' (0x61), and U+1F600 (surrogates 0xD83D...) < U+FF61,
    // the reverse of what localeCompare or code-point order would say.
    const a = track('audio', 'a');
    const upper = track('audio', 'B');
    const emoji = track('audio', '\u{1F600}');
    const halfwidth = track('audio', '\uFF61');
    const videoFirst = track('video', '0');
    let node = ctx.createMediaStreamSource(new MediaStream([a, videoFirst, upper]));
    assert.equal(inputTrackOf(node), upper);
    node = ctx.createMediaStreamSource(new MediaStream([halfwidth, emoji]));
    assert.equal(inputTrackOf(node), emoji);
    // The prefix sorts first.
    const ab = track('audio', 'ab');
    node = new MediaStreamAudioSourceNode(ctx, { mediaStream: new MediaStream([ab, a]) });
    assert.equal(inputTrackOf(node), a);
  });

  test('100: mediaStream is [SameObject]; later addTrack/removeTrack do not change the input track', () => {
    const m = track('audio', 'm');
    const stream = new MediaStream([m]);
    const node = ctx.createMediaStreamSource(stream);
    assert.equal(node.mediaStream, stream);
    assert.equal(node.mediaStream, node.mediaStream);
    stream.addTrack(track('audio', 'A-smaller'));
    stream.removeTrack(m);
    assert.equal(inputTrackOf(node), m);
    assert.equal(node.mediaStream, stream);
    assert.deepEqual(Object.keys(node), []);
    assert.equal(Object.prototype.toString.call(node), '[object MediaStreamAudioSourceNode]');
  });

  test('WebIDL: required members, argument types, the AudioContext argument', () => {
    assert.throws(() => new MediaStreamAudioSourceNode(ctx, {}), TypeError);
    assert.throws(() => new (MediaStreamAudioSourceNode as unknown as new (c: unknown) => unknown)(ctx), TypeError);
    assert.throws(() => new MediaStreamAudioSourceNode(ctx, { mediaStream: [track('audio')] }), TypeError);
    assert.throws(() => ctx.createMediaStreamSource({}), TypeError);
    assert.throws(() => new MediaStreamTrackAudioSourceNode(ctx, {}), TypeError);
    assert.throws(() => new MediaStreamTrackAudioSourceNode(ctx, { mediaStreamTrack: new MediaStream() }), TypeError);
    assert.throws(() => ctx.createMediaStreamTrackSource(null), TypeError);
    assert.throws(() => new MediaStreamAudioDestinationNode({} as never), TypeError);
    assert.throws(() => new MediaStreamAudioSourceNode(null, { mediaStream: new MediaStream([track('audio')]) }), TypeError);
  });

  test('102: MediaStreamTrackAudioSourceNode rejects a video track with InvalidStateError', () => {
    const v = track('video');
    assert.throws(() => new MediaStreamTrackAudioSourceNode(ctx, { mediaStreamTrack: v }), isDOMException('InvalidStateError'));
    assert.throws(() => ctx.createMediaStreamTrackSource(v), isDOMException('InvalidStateError'));
    const node = ctx.createMediaStreamTrackSource(track('audio'));
    assert.ok(node instanceof MediaStreamTrackAudioSourceNode && node instanceof AudioNode);
    assert.equal(node.numberOfInputs, 0);
    assert.equal(node.numberOfOutputs, 1);
    assert.equal(Object.prototype.toString.call(node), '[object MediaStreamTrackAudioSourceNode]');
  });

  test('103: MediaStreamAudioDestinationNode: 1 input, 0 outputs, 2 channels explicit speakers, a stream with one audio track', () => {
    const node = ctx.createMediaStreamDestination();
    assert.ok(node instanceof MediaStreamAudioDestinationNode);
    assert.equal(node.numberOfInputs, 1);
    assert.equal(node.numberOfOutputs, 0);
    assert.equal(node.channelCount, 2);
    assert.equal(node.channelCountMode, 'explicit');
    assert.equal(node.channelInterpretation, 'speakers');
    const stream = node.stream;
    assert.ok(stream instanceof MediaStream);
    assert.equal(node.stream, stream);
    const tracks = stream.getTracks();
    assert.equal(tracks.length, 1);
    assert.equal(tracks[0]!.kind, 'audio');
    assert.equal(tracks[0]!.readyState, 'live');
    assert.equal(tracks[0]!.getSettings().channelCount, 2);
    assert.equal(tracks[0]!.getSettings().sampleRate, ctx.sampleRate);
    tracks[0]!.stop();
    const mono = new MediaStreamAudioDestinationNode(ctx, { channelCount: 1, channelInterpretation: 'discrete' });
    assert.equal(mono.channelCount, 1);
    assert.equal(mono.channelInterpretation, 'discrete');
    assert.equal(mono.stream.getAudioTracks()[0]!.getSettings().channelCount, 1);
    mono.channelCount = 4;
    assert.equal(mono.stream.getAudioTracks()[0]!.getSettings().channelCount, 4);
    mono.stream.getAudioTracks()[0]!.stop();
    assert.throws(() => new MediaStreamAudioDestinationNode(ctx, { channelCount: 0 }), isDOMException('NotSupportedError'));
    assert.throws(() => new MediaStreamAudioDestinationNode(ctx, { channelCount: 33 }), isDOMException('NotSupportedError'));
    assert.throws(() => new MediaStreamAudioDestinationNode(ctx, { channelCountMode: 'bogus' }), TypeError);
  });

  test('98: the factories exist on AudioContext only; the constructors reject an OfflineAudioContext', () => {
    const offline = new OfflineAudioContext(1, 128, 48000);
    for (const name of ['createMediaStreamSource', 'createMediaStreamTrackSource', 'createMediaStreamDestination']) {
      assert.equal(typeof (AudioContext.prototype as unknown as Record<string, unknown>)[name], 'function', name);
      assert.ok(!(name in offline), `${name} must not exist on OfflineAudioContext`);
      const desc = Object.getOwnPropertyDescriptor(AudioContext.prototype, name)!;
      assert.ok(desc.enumerable && desc.writable && desc.configurable);
      // Brand check: called on something that is not an AudioContext.
      assert.throws(() => (desc.value as (...a: unknown[]) => unknown).call(offline, new MediaStream([track('audio')])), TypeError);
    }
    assert.throws(() => new MediaStreamAudioSourceNode(offline, { mediaStream: new MediaStream([track('audio')]) }), TypeError);
    assert.throws(() => new MediaStreamTrackAudioSourceNode(offline, { mediaStreamTrack: track('audio') }), TypeError);
    assert.throws(() => new MediaStreamAudioDestinationNode(offline), TypeError);
  });
});
