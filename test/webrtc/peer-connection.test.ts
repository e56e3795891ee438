/**
 * RTCPeerConnection's media surface over the engine: replaceTrack, enabled = false, close(),
 * removeTrack, the sender / receiver / transceiver lists, addTransceiver, parameters and stats.
 * Each test connects two connections on this machine and checks what the far end decodes.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { RTCPeerConnection, RTCRtpSender, RTCRtpReceiver, RTCRtpTransceiver } from '../../src/webrtc/index.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import { VideoTrackGenerator } from '../../src/transform/video-track-generator.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import { connect, negotiate, readPictures, skipNoEngine, type Picture } from './helpers.js';

if (skipNoEngine) console.log(`# webrtc peer-connection: skipped: ${skipNoEngine}`);

async function media(constraints: { audio?: boolean; video?: boolean | object }) {
  const handle = createMediaDevices({ devices: { cameras: [{ modes: [{ width: 640, height: 360, frameRate: 30 }] }] } });
  const stream = await handle.mediaDevices.getUserMedia(constraints);
  return { stream, done: () => { for (const t of stream.getTracks()) t.stop(); handle.controller.unload(); } };
}

/** A pair whose pc2 collects its `track` events. */
function pair() {
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  const tracks: MediaStreamTrack[] = [];
  const waiters: (() => void)[] = [];
  pc2.ontrack = (e: Event) => {
    tracks.push((e as unknown as { track: MediaStreamTrack }).track);
    for (const w of waiters.splice(0)) w();
  };
  const nthTrack = async (n: number): Promise<MediaStreamTrack> => {
    while (tracks.length < n) await new Promise<void>((r) => waiters.push(r));
    return tracks[n - 1]!;
  };
  return { pc1, pc2, nthTrack, close: () => { pc1.close(); pc2.close(); } };
}

const Processor = MediaStreamTrackProcessor as unknown as new (init: { track: unknown }) => { readable: ReadableStream };

/** Reads pictures until `want` holds for 3 in a row (at most `limit` pictures); returns them. */
async function until(track: MediaStreamTrack, want: (p: Picture) => boolean, limit = 240): Promise<Picture[]> {
  let run = 0, seen = 0;
  return readPictures(Processor, track, 3, (p) => {
    seen++;
    if (seen > limit) throw new Error(`no run of 3 matching pictures in ${limit}`);
    run = want(p) ? run + 1 : 0;
    return run > 0;
  });
}

/** A generator track showing flat grey of luma `y`, written every 33 ms until stop(). */
function flatTrack(y: number) {
  const gen = new VideoTrackGenerator();
  const writer = gen.writable.getWriter();
  const data = new Uint8Array(640 * 360 * 1.5);
  data.fill(y, 0, 640 * 360);
  data.fill(128, 640 * 360);
  let ts = 0;
  const timer = setInterval(() => {
    void writer.write(new VideoFrame(data, { format: 'I420', codedWidth: 640, codedHeight: 360, timestamp: (ts += 33333) })).catch(() => {});
  }, 33);
  return { track: gen.track, stop: () => { clearInterval(timer); gen.track.stop(); } };
}

async function audioLevel(track: MediaStreamTrack, chunks: number): Promise<number> {
  const reader = (new MediaStreamTrackProcessor({ track }).readable as ReadableStream).getReader();
  let sum = 0, n = 0;
  try {
    for (let i = 0; i < chunks; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      const a = value as { numberOfFrames: number; numberOfChannels: number; copyTo(d: Float32Array, o: object): void; close(): void };
      const buf = new Float32Array(a.numberOfFrames);
      a.copyTo(buf, { planeIndex: 0, format: 'f32-planar' });
      a.close();
      for (const v of buf) sum += v * v;
      n += buf.length;
    }
  } finally {
    await reader.cancel();
  }
  return Math.sqrt(sum / Math.max(1, n));
}

describe('RTCPeerConnection media', { skip: skipNoEngine }, () => {
  test('replaceTrack switches the far end picture without renegotiation, and back', async () => {
    const { stream, done } = await media({ video: true });
    const grey = flatTrack(200);
    const p = pair();
    try {
      const [camera] = stream.getVideoTracks();
      const sender = p.pc1.addTrack(camera!, stream);
      await connect(p.pc1, p.pc2);
      const remote = await p.nthTrack(1);
      await until(remote, (pic) => pic.counter !== null);
      await sender.replaceTrack(grey.track);
      assert.equal(sender.track, grey.track);
      const greys = await until(remote, (pic) => pic.counter === null && Math.abs(pic.meanLuma - 200) < 8);
      assert.ok(greys.every((pic) => pic.width === 640 && pic.height === 360));
      await sender.replaceTrack(camera!);
      await until(remote, (pic) => pic.counter !== null);
      // A track of the other kind is refused.
      const mic = (await media({ audio: true }));
      await assert.rejects(sender.replaceTrack(mic.stream.getAudioTracks()[0]!), TypeError);
      mic.done();
    } finally {
      p.close();
      grey.stop();
      done();
    }
  });

  test('enabled = false sends black and silence; enabled = true brings the picture and tone back', async () => {
    const { stream, done } = await media({ audio: true, video: true });
    const p = pair();
    try {
      for (const t of stream.getTracks()) p.pc1.addTrack(t, stream);
      await connect(p.pc1, p.pc2);
      const remotes = [await p.nthTrack(1), await p.nthTrack(2)];
      const video = remotes.find((t) => t.kind === 'video')!, audio = remotes.find((t) => t.kind === 'audio')!;
      await until(video, (pic) => pic.counter !== null);
      assert.ok((await audioLevel(audio, 100)) > 0.1, 'the tone is heard');
      for (const t of stream.getTracks()) t.enabled = false;
      await until(video, (pic) => pic.counter === null && pic.meanLuma < 20);
      await audioLevel(audio, 50); // let the jitter buffer drain
      assert.ok((await audioLevel(audio, 50)) < 0.01, 'silence');
      for (const t of stream.getTracks()) t.enabled = true;
      await until(video, (pic) => pic.counter !== null);
    } finally {
      p.close();
      done();
    }
  });

  test('close() ends the remote tracks and empties the lists; local tracks keep running', async () => {
    const { stream, done } = await media({ audio: true, video: true });
    const p = pair();
    try {
      for (const t of stream.getTracks()) p.pc1.addTrack(t, stream);
      await connect(p.pc1, p.pc2);
      const remotes = [await p.nthTrack(1), await p.nthTrack(2)];
      await until(remotes.find((t) => t.kind === 'video')!, (pic) => pic.counter !== null);
      let endedEvents = 0;
      for (const t of remotes) t.addEventListener('ended', () => endedEvents++);
      p.pc2.close();
      // webrtc-pc#dom-rtcpeerconnection-close: the receivers' tracks are ended at once, without an event.
      for (const t of remotes) assert.equal(t.readyState, 'ended');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(endedEvents, 0);
      assert.equal(p.pc2.signalingState, 'closed');
      assert.equal(p.pc2.connectionState, 'closed');
      assert.deepEqual([p.pc2.getSenders().length, p.pc2.getReceivers().length], [0, 0]);
      assert.equal(p.pc2.getTransceivers().length, 2, 'transceivers stay listed');
      assert.throws(() => p.pc2.addTrack(stream.getTracks()[0]!), { name: 'InvalidStateError' });
      await assert.rejects(p.pc2.createOffer(), { name: 'InvalidStateError' });
      p.pc1.close();
      for (const t of stream.getTracks()) assert.equal(t.readyState, 'live');
      p.pc1.close(); // idempotent
    } finally {
      p.close();
      done();
    }
  });

  test('removeTrack: the sender loses its track, the far end track is muted and leaves its stream', async () => {
    const { stream, done } = await media({ audio: true, video: true });
    const p = pair();
    try {
      const senders = stream.getTracks().map((t) => p.pc1.addTrack(t, stream));
      assert.throws(() => p.pc1.addTrack(stream.getTracks()[0]!, stream), { name: 'InvalidAccessError' });
      let remoteStream: MediaStream | null = null;
      p.pc2.addEventListener('track', (e) => (remoteStream = (e as unknown as { streams: MediaStream[] }).streams[0]!));
      await connect(p.pc1, p.pc2);
      const video = (await p.nthTrack(1)).kind === 'video' ? await p.nthTrack(1) : await p.nthTrack(2);
      await until(video, (pic) => pic.counter !== null);
      const removed = new Promise<Event>((r) => remoteStream!.addEventListener('removetrack', r, { once: true }));
      const videoSender = senders.find((s) => s.track?.kind === 'video')!;
      p.pc1.removeTrack(videoSender);
      assert.equal(videoSender.track, null);
      assert.equal(p.pc1.getSenders().length, 2, 'the sender stays, without a track');
      p.pc1.removeTrack(videoSender); // twice: nothing
      const other = new RTCPeerConnection();
      assert.throws(() => other.removeTrack(senders[0]!), { name: 'InvalidAccessError' });
      other.close();
      await negotiate(p.pc1, p.pc2);
      assert.equal(((await removed) as unknown as { track: MediaStreamTrack }).track, video);
      assert.equal(video.muted, true);
      assert.equal(video.readyState, 'live');
      assert.deepEqual(remoteStream!.getTracks().map((t) => t.kind), ['audio']);
    } finally {
      p.close();
      done();
    }
  });

  test('a remote offer that stops sending mutes the track and takes it out of its stream at once; sending again unmutes it; a rejected section ends it', async () => {
    const { stream, done } = await media({ video: true });
    const p = pair();
    try {
      const tx = p.pc1.addTransceiver(stream.getVideoTracks()[0]!, { direction: 'sendonly', streams: [stream] });
      const streamsSeen: MediaStream[] = [];
      p.pc2.addEventListener('track', (e) => streamsSeen.push(...(e as unknown as { streams: MediaStream[] }).streams));
      await connect(p.pc1, p.pc2);
      const video = await p.nthTrack(1);
      await until(video, (pic) => pic.counter !== null);
      const remoteStream = streamsSeen[0]!;
      assert.deepEqual(remoteStream.getTracks(), [video]);
      const events: string[] = [];
      for (const type of ['mute', 'unmute', 'ended']) video.addEventListener(type, () => events.push(type));
      remoteStream.addEventListener('removetrack', () => events.push('removetrack'));
      remoteStream.addEventListener('addtrack', () => events.push('addtrack'));

      // The sender goes inactive (what an SFU does when a publisher leaves): the offer alone mutes.
      tx.direction = 'inactive';
      const offer = await p.pc1.createOffer();
      await p.pc1.setLocalDescription(offer);
      await p.pc2.setRemoteDescription(offer);
      assert.equal(video.muted, true, 'muted by setRemoteDescription(offer)');
      assert.equal(video.readyState, 'live', 'an inactive section does not stop the transceiver');
      assert.deepEqual(remoteStream.getTracks(), []);
      await new Promise((r) => setTimeout(r, 0));
      assert.deepEqual(events, ['mute', 'removetrack']);
      const answer = await p.pc2.createAnswer();
      await p.pc2.setLocalDescription(answer);
      await p.pc1.setRemoteDescription(answer);
      // Nothing more arrives, nothing unmutes.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(video.muted, true);

      // Sending again: the same track comes back in the same stream and unmutes with the first frame.
      tx.direction = 'sendonly';
      const unmuted = new Promise((r) => video.addEventListener('unmute', r, { once: true }));
      await negotiate(p.pc1, p.pc2);
      await unmuted;
      assert.equal(p.pc2.getReceivers()[0]!.track, video);
      assert.deepEqual(remoteStream.getTracks(), [video], 'the stream of the same id is the same object');
      const again = await until(video, (pic) => pic.counter !== null);
      assert.ok(again.length === 3);
      assert.deepEqual(events, ['mute', 'removetrack', 'addtrack', 'unmute']);

      // A rejected section (port 0): the transceiver stops at setRemoteDescription, the track ends.
      tx.stop();
      const offer2 = await p.pc1.createOffer();
      assert.match((offer2 as { sdp: string }).sdp, /^m=video 0 /m);
      await p.pc1.setLocalDescription(offer2);
      await p.pc2.setRemoteDescription(offer2);
      // The track ends in a task queued by setRemoteDescription, with an `ended` event.
      await new Promise((r) => setTimeout(r, 0));
      assert.equal(video.readyState, 'ended');
      assert.equal(events.at(-1), 'ended');
    } finally {
      p.close();
      done();
    }
  });

  test('lists, addTransceiver, replaceTrack on a kind-only transceiver, parameters and stats', async () => {
    const { stream, done } = await media({ audio: true, video: true });
    const p = pair();
    try {
      const [mic] = stream.getAudioTracks();
      const [camera] = stream.getVideoTracks();
      const t1 = p.pc1.addTransceiver(camera!, { direction: 'sendonly', streams: [stream] });
      const t2 = p.pc1.addTransceiver('audio');
      assert.ok(t1 instanceof RTCRtpTransceiver && t1.sender instanceof RTCRtpSender && t1.receiver instanceof RTCRtpReceiver);
      assert.equal(t1.direction, 'sendonly');
      assert.equal(t1.sender.track, camera);
      assert.equal(t2.sender.track, null);
      assert.ok(t2.receiver.track instanceof MediaStreamTrack);
      assert.equal(t2.receiver.track.kind, 'audio');
      assert.equal(t2.receiver.track.muted, true);
      assert.deepEqual(p.pc1.getTransceivers(), [t1, t2]);
      assert.deepEqual(p.pc1.getSenders(), [t1.sender, t2.sender]);
      assert.deepEqual(p.pc1.getReceivers(), [t1.receiver, t2.receiver]);
      assert.equal(p.pc1.getTransceivers()[0], t1, 'the same objects each time');
      assert.throws(() => p.pc1.addTransceiver('data'), TypeError);
      assert.throws(() => p.pc1.addTransceiver('audio', { direction: 'sideways' }), TypeError);
      assert.throws(() => { t1.direction = 'stopped'; }, TypeError);
      await t2.sender.replaceTrack(mic!);
      await connect(p.pc1, p.pc2);
      const remotes = [await p.nthTrack(1), await p.nthTrack(2)];
      const audio = remotes.find((t) => t.kind === 'audio')!;
      assert.ok((await audioLevel(audio, 100)) > 0.1, 'the track given by replaceTrack is heard');
      assert.equal(t1.currentDirection, 'sendonly');
      assert.equal(typeof t1.mid, 'string');

      // Parameters: scaleResolutionDownBy halves the far end picture, active = false stops it.
      const video = remotes.find((t) => t.kind === 'video')!;
      await until(video, (pic) => pic.width === 640);
      type Params = { codecs: { mimeType: string }[]; encodings: { active?: boolean; maxBitrate?: number; scaleResolutionDownBy?: number }[] };
      const params = t1.sender.getParameters() as Params;
      assert.ok(params.codecs.some((c) => c.mimeType === 'video/VP8'), 'the engine negotiated codecs are shown');
      assert.equal(params.encodings.length, 1);
      params.encodings[0]!.scaleResolutionDownBy = 2;
      await t1.sender.setParameters(params);
      assert.equal((t1.sender.getParameters() as Params).encodings[0]!.scaleResolutionDownBy, 2);
      await until(video, (pic) => pic.width === 320 && pic.height === 180);
      const back = t1.sender.getParameters() as Params;
      back.encodings[0]!.scaleResolutionDownBy = 1;
      await t1.sender.setParameters(back);
      await until(video, (pic) => pic.width === 640 && pic.counter !== null);
      const bad = t1.sender.getParameters() as Params;
      bad.encodings[0]!.scaleResolutionDownBy = 0.5;
      await assert.rejects(t1.sender.setParameters(bad), RangeError);

      // Stats from the engine: the sender's outbound video has frames encoded.
      const report = (await p.pc1.getStats()) as Map<string, { type: string; kind?: string; framesEncoded?: number }>;
      const outbound = [...report.values()].filter((s) => s.type === 'outbound-rtp' && s.kind === 'video');
      assert.equal(outbound.length, 1);
      assert.ok(outbound[0]!.framesEncoded! > 0);
      const byTrack = (await p.pc2.getStats(video)) as Map<string, { type: string; kind?: string; framesDecoded?: number }>;
      const inbound = [...byTrack.values()].filter((s) => s.type === 'inbound-rtp');
      assert.equal(inbound.length, 1, 'the selector picks the one inbound stream of that track');
      assert.equal(inbound[0]!.kind, 'video');
      assert.ok(inbound[0]!.framesDecoded! > 0);
      const bySender = (await t1.sender.getStats()) as Map<string, { type: string; kind?: string }>;
      assert.deepEqual([...bySender.values()].filter((s) => s.type === 'outbound-rtp').map((s) => s.kind), ['video']);
      await assert.rejects(p.pc1.getStats(new VideoTrackGenerator().track), { name: 'InvalidAccessError' });

      // Stopping a transceiver ends its receiver's track.
      t2.stop();
      assert.equal(t2.receiver.track.readyState, 'ended');
    } finally {
      p.close();
      done();
    }
  });
});
