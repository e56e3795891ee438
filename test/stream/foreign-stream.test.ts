/**
 * MediaStreams of another implementation holding our tracks (happy-dom's MediaStream, which
 * installPolyfill({ replace: false }) keeps as the global) are accepted wherever a MediaStream is
 * expected: toMediaStream() gives a stream of ours that follows theirs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import { MediaStream, toMediaStream } from '../../src/stream/media-stream.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { AudioContext } from '../../src/webaudio/index.js';
import { MediaRecorder } from '../../src/recording/media-recorder.js';
import { HTMLVideoElement } from '../../src/elements/html-media-element.js';
import { VirtualClock } from '../../src/media/clock.js';
import { RTCPeerConnection } from '../../src/webrtc/index.js';
import { skipNoEngine } from '../webrtc/helpers.js';

async function tracks() {
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({ clock, devices: { microphones: 1, cameras: 1 } });
  const s = await mediaDevices.getUserMedia({ audio: true, video: { width: 64, height: 48 } });
  return { clock, audio: s.getAudioTracks()[0]!, video: s.getVideoTracks()[0]! };
}

describe('a foreign MediaStream of our tracks', () => {
  test('toMediaStream() gives one stream of ours over the same tracks, following addTrack / removeTrack', async () => {
    const window = new Window();
    const { audio, video } = await tracks();
    const theirs = new (window as unknown as { MediaStream: new (t: unknown[]) => { addTrack(t: unknown): void; removeTrack(t: unknown): void } }).MediaStream([audio]);
    assert.ok(!(theirs instanceof MediaStream));
    const ours = toMediaStream(theirs)!;
    assert.ok(ours instanceof MediaStream);
    assert.equal(toMediaStream(theirs), ours, 'the same stream each time');
    assert.deepEqual(ours.getTracks(), [audio]);
    const events: string[] = [];
    ours.addEventListener('addtrack', () => events.push('add'));
    ours.addEventListener('removetrack', () => events.push('remove'));
    theirs.addTrack(video);
    assert.deepEqual(ours.getVideoTracks(), [video]);
    theirs.removeTrack(audio);
    assert.deepEqual(ours.getTracks(), [video]);
    assert.deepEqual(events, ['add', 'remove']);
    assert.deepEqual(new MediaStream(theirs as never).getTracks(), [video]);
    audio.stop();
    video.stop();
    await window.happyDOM.close();
  });

  test('accepted by createMediaStreamSource(), MediaRecorder and srcObject; other objects still are not', async () => {
    const window = new Window();
    const { clock, audio, video } = await tracks();
    const theirs = new (window as unknown as { MediaStream: new (t: unknown[]) => object }).MediaStream([audio, video]);
    const ctx = new AudioContext({ sinkId: { type: 'none' } });
    try {
      const node = ctx.createMediaStreamSource(theirs as never);
      assert.equal(node.mediaStream.getAudioTracks()[0], audio);
      const rec = new MediaRecorder(theirs as never);
      assert.equal(rec.stream.getTracks().length, 2);
      const v = new HTMLVideoElement();
      v.srcObject = theirs;
      assert.equal(v.srcObject, theirs, 'srcObject returns what was set');
      const playing = v.play();
      for (let i = 0; i < 5; i++) {
        clock.advance(40);
        await new Promise((r) => setImmediate(r));
      }
      await playing;
      assert.equal(v.videoWidth, 64);
      // Not a stream: no getAudioTracks/getVideoTracks, or tracks that are not ours.
      assert.throws(() => ctx.createMediaStreamSource({} as never), TypeError);
      assert.throws(() => new MediaRecorder({ getAudioTracks: () => [{}], getVideoTracks: () => [] } as never), TypeError);
      assert.equal(toMediaStream({ getAudioTracks: () => 'x', getVideoTracks: () => [] }), null);
      assert.equal(toMediaStream(null), null);
    } finally {
      await ctx.close();
      audio.stop();
      video.stop();
      await window.happyDOM.close();
    }
  });
});

describe('a foreign MediaStream in WebRTC', { skip: skipNoEngine }, () => {
  test('addTrack(track, theirs) and addTransceiver(track, { streams: [theirs] }) take it; the remote side sees one stream id', async () => {
    const window = new Window();
    const { audio, video } = await tracks();
    const theirs = new (window as unknown as { MediaStream: new (t: unknown[]) => object }).MediaStream([audio, video]);
    const pc = new RTCPeerConnection();
    try {
      pc.addTrack(audio as never, theirs as never);
      pc.addTransceiver(video as never, { streams: [theirs as never] });
      const offer = (await pc.createOffer()) as { sdp: string };
      const ids = [...offer.sdp.matchAll(/^a=msid:(\S+) /gm)].map((m) => m[1]);
      assert.equal(ids.length, 2);
      assert.equal(ids[0], ids[1], 'both tracks are announced in one stream');
      assert.equal(ids[0], toMediaStream(theirs)!.id);
      assert.throws(() => pc.addTrack(video as never, {} as never), TypeError);
    } finally {
      pc.close();
      audio.stop();
      video.stop();
      await window.happyDOM.close();
    }
  });
});
