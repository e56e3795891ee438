/**
 * Against a real SFU: the Janus gateway's VideoRoom, started by the test with its own
 * configuration in a temporary folder, its WebSockets transport on 127.0.0.1, stopped by PID.
 *
 * Janus gathers no loopback ICE candidates, so it is pinned to one IPv4 address of this machine
 * and the test hands it only our candidates on that address (see janus-server.ts): the media
 * goes from this machine to itself. N synthetic participants publish camera + microphone from
 * this process; one subscriber receives every one of them (frame counters advancing, the tone
 * heard); a participant leaving ends its tracks at the subscriber.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { RTCPeerConnection } from '../../src/webrtc/index.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { readPictures, skipNoEngine } from './helpers.js';
import { JanusSession, type JanusHandle } from './janus-client.js';
import { candidateOn, janusProblem, startJanus, type JanusServer } from './janus-server.js';

const N = Number(process.env.JANUS_PARTICIPANTS ?? 10);
const ROOM = 1234;

// Unfinished: ICE and DTLS with Janus now complete (every publisher gets webrtcup), but a later step
// of the scenario still waits for a Janus event in vain. Opt in with MC_JANUS_TEST=1 to work on it.
const optIn = process.env.MC_JANUS_TEST === '1';
const skip = skipNoEngine || (optIn ? false : 'unfinished: the scenario after ICE does not pass yet (set MC_JANUS_TEST=1 to run it)') || janusProblem();
if (skip) console.log(`# janus: skipped: ${skip}`);

const Processor = MediaStreamTrackProcessor as unknown as new (init: { track: unknown }) => { readable: ReadableStream };

async function audioRms(track: MediaStreamTrack, chunks: number): Promise<number> {
  const reader = (new MediaStreamTrackProcessor({ track }).readable as ReadableStream).getReader();
  let sum = 0, n = 0;
  try {
    for (let i = 0; i < chunks; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      const a = value as { numberOfFrames: number; copyTo(d: Float32Array, o: object): void; close(): void };
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

/** Sends Janus our candidates on its one address, then end-of-candidates. */
function trickleTo(pc: RTCPeerConnection, handle: JanusHandle, address: string): void {
  pc.onicecandidate = (e) => {
    const c = (e as unknown as { candidate: { candidate: string; sdpMid: string; sdpMLineIndex: number } | null }).candidate;
    if (c === null) handle.trickle(null);
    else if (candidateOn(c, address)) handle.trickle({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
  };
}

describe('Janus VideoRoom', { skip }, () => {
  let janus: JanusServer | null = null;
  let url = '';

  before(async () => {
    janus = await startJanus({ room: ROOM, publishers: N });
    url = janus.url;
  });

  after(async () => {
    if (process.env.JANUS_DEBUG && janus) console.log(janus.log());
    await janus?.stop();
  });

  test(`${N} participants publish camera + microphone; one subscriber receives all; a leaver's tracks end`, async () => {
    const handle = createMediaDevices({
      devices: {
        cameras: Array.from({ length: N }, () => ({ modes: [{ width: 640, height: 360, frameRate: 15 }] })),
        microphones: Array.from({ length: N }, (_, i) => ({ toneFrequency: 400 + 40 * i })),
      },
    });
    // Permission first, so enumerateDevices() lists the device ids.
    for (const t of (await handle.mediaDevices.getUserMedia({ audio: true, video: true })).getTracks()) t.stop();
    const devices = await handle.mediaDevices.enumerateDevices();
    const cams = devices.filter((d) => d.kind === 'videoinput');
    const mics = devices.filter((d) => d.kind === 'audioinput');
    const sessions: JanusSession[] = [];
    const pcs: RTCPeerConnection[] = [];
    const streams: { getTracks(): MediaStreamTrack[] }[] = [];
    try {
      // Publishers: join, offer sendonly, take Janus's answer.
      const publishers: { id: number; handle: JanusHandle; pc: RTCPeerConnection }[] = [];
      for (let i = 0; i < N; i++) {
        const stream = await handle.mediaDevices.getUserMedia({ video: { deviceId: { exact: cams[i]!.deviceId } }, audio: { deviceId: { exact: mics[i]!.deviceId } } });
        streams.push(stream);
        const session = await JanusSession.connect(url);
        sessions.push(session);
        const h = await session.attach('janus.plugin.videoroom');
        const joined = await h.message({ request: 'join', ptype: 'publisher', room: ROOM, display: `bot ${i}` });
        assert.equal(joined.plugindata?.data.videoroom, 'joined', JSON.stringify(joined));
        const pc = new RTCPeerConnection();
        pcs.push(pc);
        trickleTo(pc, h, janus!.address);
        if (process.env.JANUS_DEBUG) pc.oniceconnectionstatechange = () => console.log(`publisher ${i}: ICE ${pc.iceConnectionState}`);
        for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        const up = h.next((e) => e.janus === 'webrtcup');
        const configured = await h.message({ request: 'publish', audio: true, video: true }, offer);
        assert.equal(configured.plugindata?.data.configured, 'ok', JSON.stringify(configured));
        if (process.env.JANUS_DEBUG) console.log((configured.jsep!.sdp.match(/a=candidate.*|c=IN.*/g) ?? []).join('\n'));
        await pc.setRemoteDescription(configured.jsep);
        // The feed can be subscribed to once its PeerConnection is up.
        await up;
        publishers.push({ id: joined.plugindata!.data.id as number, handle: h, pc });
      }

      // The subscriber: one handle subscribing to every publisher's streams.
      const session = await JanusSession.connect(url);
      sessions.push(session);
      const sub = await session.attach('janus.plugin.videoroom');
      const pc = new RTCPeerConnection();
      pcs.push(pc);
      trickleTo(pc, sub, janus!.address);
      const byMid = new Map<string, MediaStreamTrack>();
      pc.ontrack = (e) => byMid.set(e.transceiver.mid!, e.track);
      const attached = await sub.message({ request: 'join', ptype: 'subscriber', room: ROOM, streams: publishers.map((p) => ({ feed: p.id })) });
      assert.equal(attached.plugindata?.data.videoroom, 'attached', JSON.stringify(attached));
      type StreamInfo = { mid: string; type: string; feed_id: number; active?: boolean };
      const info = attached.plugindata!.data.streams as StreamInfo[];
      await pc.setRemoteDescription(attached.jsep);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await sub.message({ request: 'start' }, answer);

      // Every publisher's video and audio arrive at the subscriber.
      for (const p of publishers) {
        const video = info.find((s) => s.feed_id === p.id && s.type === 'video');
        const audio = info.find((s) => s.feed_id === p.id && s.type === 'audio');
        assert.ok(video && audio, `feed ${p.id} has video and audio streams`);
        const vt = byMid.get(video.mid)!, at = byMid.get(audio.mid)!;
        assert.ok(vt && at, `tracks for feed ${p.id}`);
        const pictures = await readPictures(Processor, vt, 12);
        const counters = pictures.map((x) => x.counter).filter((c): c is number => c !== null);
        assert.ok(counters.length >= 6, `feed ${p.id}: counters read from ${counters.length} of ${pictures.length} pictures`);
        for (let k = 1; k < counters.length; k++) assert.ok(counters[k]! > counters[k - 1]!, `feed ${p.id}: ${counters.join(',')}`);
        assert.deepEqual([pictures[0]!.width, pictures[0]!.height], [640, 360]);
        assert.ok((await audioRms(at, 50)) > 0.05, `feed ${p.id}: the tone is heard`);
      }

      // The first participant leaves: Janus renegotiates the subscription; its tracks end.
      const leaver = publishers[0]!;
      const vt = byMid.get(info.find((s) => s.feed_id === leaver.id && s.type === 'video')!.mid)!;
      const at = byMid.get(info.find((s) => s.feed_id === leaver.id && s.type === 'audio')!.mid)!;
      const updated = sub.next((e) => e.plugindata?.data.videoroom === 'updated' && e.jsep !== undefined);
      await leaver.handle.message({ request: 'leave' });
      leaver.pc.close();
      const upd = await updated;
      await pc.setRemoteDescription(upd.jsep);
      const answer2 = await pc.createAnswer();
      await pc.setLocalDescription(answer2);
      await sub.message({ request: 'start' }, answer2);
      assert.equal(vt.readyState, 'ended', 'the leaver’s video track ended');
      assert.equal(at.readyState, 'ended', 'the leaver’s audio track ended');
      // The others keep flowing.
      const other = byMid.get(info.find((s) => s.feed_id === publishers[1]!.id && s.type === 'video')!.mid)!;
      assert.equal(other.readyState, 'live');
      const more = (await readPictures(Processor, other, 5)).filter((x) => x.counter !== null);
      assert.ok(more.length > 0);
    } finally {
      for (const pc of pcs) pc.close();
      for (const s of streams) for (const t of s.getTracks()) t.stop();
      await Promise.all(sessions.map((s) => s.destroy()));
      handle.controller.unload();
    }
  });
});
