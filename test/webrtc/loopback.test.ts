/**
 * The classic browser loopback sample, unchanged, under the polyfill: getUserMedia, addTrack per
 * track, offer / answer / ICE between two connections, and the far end's `track` events giving
 * our tracks and streams, whose media is checked: the camera's frame counter read back from the
 * decoded pictures, the microphone's tone found by an AnalyserNode.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { installPolyfill } from '../../src/install-polyfill.js';
import { isLoopbackCandidate, readPictures, skipNoEngine } from './helpers.js';

if (skipNoEngine) console.log(`# webrtc loopback: skipped: ${skipNoEngine}`);

// The sample's globals, as a browser script sees them.
type G = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const g = globalThis as G;

describe('loopback between two RTCPeerConnections', { skip: skipNoEngine }, () => {
  const handle = skipNoEngine ? null : installPolyfill();
  after(() => handle?.controller.unload());

  test('the polyfill installs the WebRTC interfaces', () => {
    for (const name of ['RTCPeerConnection', 'RTCRtpSender', 'RTCRtpReceiver', 'RTCRtpTransceiver', 'RTCTrackEvent', 'RTCPeerConnectionIceEvent', 'RTCSessionDescription', 'RTCIceCandidate', 'RTCDataChannel']) {
      assert.equal(typeof g[name], 'function', name);
      assert.equal(Object.getOwnPropertyDescriptor(globalThis, name)!.enumerable, false, name);
    }
    const d = new g.RTCSessionDescription({ type: 'offer', sdp: 'v=0' });
    assert.deepEqual([d.type, d.sdp], ['offer', 'v=0']);
    assert.throws(() => new g.RTCRtpSender(), TypeError, 'senders are not constructible');
    assert.throws(() => g.RTCPeerConnection.prototype.close.call({}), TypeError, 'brand checks');
  });

  test('getUserMedia -> addTrack -> offer/answer/ICE -> ontrack: our tracks, 640x360 with an advancing counter, 440 Hz', async () => {
    const stream = await g.navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    const pc1 = new g.RTCPeerConnection();
    const pc2 = new g.RTCPeerConnection();
    const ctx = new g.AudioContext();
    try {
      const events: { track: any; streams: any[]; mutedAtEvent: boolean; receiver: any; transceiver: any }[] = [];
      const bothTracks = new Promise<void>((resolve) => {
        pc2.ontrack = (e: any) => {
          events.push({ track: e.track, streams: [...e.streams], mutedAtEvent: e.track.muted, receiver: e.receiver, transceiver: e.transceiver });
          if (events.length === 2) resolve();
        };
      });
      // The sample's signalling, through the installed RTCSessionDescription / RTCIceCandidate.
      // (Only loopback candidates cross, so the media stays on 127.0.0.1.)
      pc1.onicecandidate = (e: any) => isLoopbackCandidate(e.candidate) && pc2.addIceCandidate(new g.RTCIceCandidate(e.candidate));
      pc2.onicecandidate = (e: any) => isLoopbackCandidate(e.candidate) && pc1.addIceCandidate(new g.RTCIceCandidate(e.candidate));
      for (const t of stream.getTracks()) pc1.addTrack(t, stream);
      const offer = await pc1.createOffer();
      await pc1.setLocalDescription(offer);
      await pc2.setRemoteDescription(new g.RTCSessionDescription(offer));
      const answer = await pc2.createAnswer();
      await pc2.setLocalDescription(answer);
      await pc1.setRemoteDescription(new g.RTCSessionDescription(answer));
      await bothTracks;
      assert.equal(pc1.signalingState, 'stable');
      assert.equal(pc1.getSenders().length, 2);
      assert.deepEqual(pc1.getSenders().map((s: any) => s.track).sort(), stream.getTracks().sort());

      // The events carry our interfaces: the polyfill's MediaStreamTrack and MediaStream.
      for (const e of events) {
        assert.ok(e.track instanceof g.MediaStreamTrack, 'the remote track is one of ours');
        assert.equal(e.track.readyState, 'live');
        assert.equal(e.mutedAtEvent, true, 'remote tracks start muted');
        assert.equal(e.streams.length, 1);
        assert.ok(e.streams[0] instanceof g.MediaStream);
        assert.equal(e.receiver.track, e.track);
        assert.equal(e.transceiver.receiver, e.receiver);
        assert.ok(e.transceiver instanceof g.RTCRtpTransceiver);
      }
      // Both tracks arrive in one remote stream with the sending stream's id.
      assert.equal(events[0]!.streams[0], events[1]!.streams[0]);
      const remoteStream = events[0]!.streams[0];
      assert.equal(remoteStream.id, stream.id);
      assert.deepEqual(remoteStream.getTracks().map((t: any) => t.kind).sort(), ['audio', 'video']);
      assert.deepEqual(pc2.getReceivers().map((r: any) => r.track).sort(), events.map((e) => e.track).sort());
      const video = remoteStream.getVideoTracks()[0];
      const audio = remoteStream.getAudioTracks()[0];

      // Video: decoded pictures carry the camera's counter, which only goes forward.
      const unmuted = new Promise<void>((resolve) => (video.muted ? video.addEventListener('unmute', () => resolve(), { once: true }) : resolve()));
      const pictures = await readPictures(g.MediaStreamTrackProcessor, video, 45);
      await unmuted;
      assert.equal(video.muted, false, 'media flowing unmuted the track');
      for (const p of pictures) assert.deepEqual([p.width, p.height], [640, 360]);
      const counters = pictures.map((p) => p.counter).filter((c): c is number => c !== null);
      assert.ok(counters.length >= 30, `the counter was read from ${counters.length} of ${pictures.length} pictures`);
      for (let i = 1; i < counters.length; i++) assert.ok(counters[i]! > counters[i - 1]!, `counter ${counters[i]} after ${counters[i - 1]}`);
      assert.ok(counters.at(-1)! - counters[0]! >= 30, 'the counter advanced over the run');
      for (let i = 1; i < pictures.length; i++) assert.ok(pictures[i]!.timestamp > pictures[i - 1]!.timestamp, 'timestamps are monotonic');

      // Audio: the remote track in Web Audio; the analyser's peak is the microphone's 440 Hz.
      const source = ctx.createMediaStreamSource(new g.MediaStream([audio]));
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0;
      source.connect(analyser);
      await new Promise((r) => setTimeout(r, 1000));
      const bins = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(bins);
      let peak = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[peak]!) peak = i;
      const hz = (peak * ctx.sampleRate) / analyser.fftSize;
      assert.ok(Math.abs(hz - 440) <= (2 * ctx.sampleRate) / analyser.fftSize, `peak at ${hz} Hz (${bins[peak]} dB)`);
      assert.ok(bins[peak]! > -40, `the tone is loud: ${bins[peak]} dB`);
    } finally {
      pc1.close();
      pc2.close();
      for (const t of stream.getTracks()) t.stop();
      await ctx.close();
    }
  });
});
