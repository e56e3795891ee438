/**
 * Against a real SFU: the Janus gateway's VideoRoom, started by the test with its own
 * configuration in a temporary folder, its WebSockets transport on 127.0.0.1, stopped by PID.
 *
 * Janus gathers no loopback ICE candidates, so it is pinned to one IPv4 address of this machine
 * and the test hands it only our candidates on that address (see janus-server.ts): the media
 * goes from this machine to itself. N synthetic participants publish camera + microphone from
 * this process; one subscriber receives every one of them on one PeerConnection (frame counters
 * read from the decoded pictures advancing, each tone heard); when a participant leaves, Janus's
 * renegotiation mutes its tracks at the subscriber and takes them out of the stream, the
 * subscriber stops those transceivers and the tracks end, and the others keep flowing.
 *
 * Debugging: JANUS_DEBUG=1 prints the signalling and Janus's log, JANUS_DEBUG_LEVEL=5 makes that
 * log verbose, JANUS_PARTICIPANTS=n changes N.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { RTCPeerConnection } from '../../src/webrtc/index.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import type { MediaStream } from '../../src/stream/media-stream.js';
import { readPictures, skipNoEngine } from './helpers.js';
import { JanusSession, type JanusHandle } from './janus-client.js';
import { candidateOn, janusProblem, startJanus, type JanusServer } from './janus-server.js';

const N = Number(process.env.JANUS_PARTICIPANTS ?? 10);
const ROOM = 1234;
// dist/test/webrtc -> the package root.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const skip = skipNoEngine || janusProblem();
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
    janus = await startJanus({ room: ROOM, publishers: N, debugLevel: Number(process.env.JANUS_DEBUG_LEVEL ?? 3) });
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
      const streamByMid = new Map<string, MediaStream>();
      pc.ontrack = (e) => {
        byMid.set(e.transceiver.mid!, e.track);
        if (e.streams[0]) streamByMid.set(e.transceiver.mid!, e.streams[0]);
      };
      const lastCounter = new Map<number, number>();
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
        lastCounter.set(p.id, counters.at(-1)!);
        assert.deepEqual([pictures[0]!.width, pictures[0]!.height], [640, 360]);
        assert.ok((await audioRms(at, 50)) > 0.05, `feed ${p.id}: the tone is heard`);
      }

      // The first participant stops publishing and leaves. Janus (1.1.2) renegotiates the
      // subscription when the publisher's PeerConnection goes (unpublish, or the PeerConnection
      // closing); a bare `leave` with the PeerConnection up does not. Its offer marks the leaver's
      // sections inactive (port 9, no msid): at setRemoteDescription the tracks are muted and
      // leave the stream, still live (an inactive section does not stop a transceiver). The
      // subscriber then stops those transceivers, which ends the tracks. (The engine's answer
      // still lists the stopped sections as inactive rather than rejecting them; Janus takes it.)
      const leaver = publishers[0]!;
      const gone = info.filter((s) => s.feed_id === leaver.id);
      const goneTracks = gone.map((s) => byMid.get(s.mid)!);
      const roomStream = streamByMid.get(gone[0]!.mid)!;
      const events: string[] = [];
      for (const t of goneTracks) for (const type of ['mute', 'ended']) t.addEventListener(type, () => events.push(`${t.kind} ${type}`));
      roomStream.addEventListener('removetrack', (e) => events.push(`removetrack ${(e as unknown as { track: MediaStreamTrack }).track.kind}`));
      const updated = sub.next((e) => e.plugindata?.data.videoroom === 'updated' && e.jsep !== undefined);
      const unpublished = await leaver.handle.message({ request: 'unpublish' });
      assert.equal(unpublished.plugindata?.data.unpublished, 'ok', JSON.stringify(unpublished));
      const left = await leaver.handle.message({ request: 'leave' });
      assert.equal(left.plugindata?.data.leaving, 'ok', JSON.stringify(left));
      leaver.pc.close();
      const upd = await updated;
      const after = upd.plugindata!.data.streams as StreamInfo[];
      assert.deepEqual(after.filter((s) => !s.active).map((s) => s.mid).sort(), gone.map((s) => s.mid).sort(), 'Janus deactivates the leaver’s streams only');
      await pc.setRemoteDescription(upd.jsep);
      for (const t of goneTracks) {
        assert.equal(t.muted, true, `the leaver’s ${t.kind} is muted`);
        assert.equal(t.readyState, 'live');
      }
      // Janus names one MediaStream ("janus") for every track of the subscription.
      for (const t of goneTracks) assert.ok(!roomStream.getTracks().includes(t), `the leaver’s ${t.kind} left the stream`);
      assert.equal(roomStream.getTracks().length, 2 * (N - 1), 'the other participants’ tracks stay in the stream');
      for (const t of pc.getTransceivers()) if (gone.some((s) => s.mid === t.mid)) t.stop();
      for (const t of goneTracks) assert.equal(t.readyState, 'ended', `the leaver’s ${t.kind} ended`);
      const answer2 = await pc.createAnswer();
      await pc.setLocalDescription(answer2);
      const restarted = await sub.message({ request: 'start' }, answer2);
      assert.equal(restarted.plugindata?.data.started, 'ok', JSON.stringify(restarted));
      assert.deepEqual(events.filter((e) => e.startsWith('video') || e.startsWith('audio')).sort(), ['audio mute', 'video mute']);
      assert.deepEqual(events.filter((e) => e.startsWith('removetrack')).sort(), ['removetrack audio', 'removetrack video']);

      // The others keep flowing.
      for (const p of publishers.slice(1)) {
        const other = byMid.get(info.find((s) => s.feed_id === p.id && s.type === 'video')!.mid)!;
        assert.equal(other.readyState, 'live');
        const before = lastCounter.get(p.id)!;
        const more = (await readPictures(Processor, other, 3)).map((x) => x.counter).filter((c): c is number => c !== null);
        assert.ok(more.length > 0 && more[0]! > before, `feed ${p.id} still advances after the leave: ${before} -> ${more.join(',')}`);
      }
    } finally {
      for (const pc of pcs) pc.close();
      for (const s of streams) for (const t of s.getTracks()) t.stop();
      await Promise.all(sessions.map((s) => s.destroy()));
      handle.controller.unload();
    }
  });

  test('examples/sfu-bots: 3 bots publish through Janus, the subscriber logs their advancing counters, the script exits by itself', async () => {
    const script = join(root, 'examples', 'sfu-bots', 'run.mjs');
    const child = spawn(process.execPath, [script, '--bots', '3', '--seconds', '3', '--ice-address', janus!.address, url, String(ROOM)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    // Bounded: a script that does not exit by itself is stopped by its PID and the test fails.
    const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, sig) => resolve([c, sig])));
    clearTimeout(timer);
    assert.deepEqual([code, signal], [0, null], out);
    assert.equal((out.match(/^t=\d+s( bot\d+:#\d+){3}$/gm) ?? []).length >= 2, true, out);
    for (let bot = 0; bot < 3; bot++) {
      const m = new RegExp(`^bot ${bot}: (\\d+) pictures, counter (\\d+) -> (\\d+), ([\\d.]+) s of audio$`, 'm').exec(out);
      assert.ok(m, `bot ${bot}'s summary line\n${out}`);
      const [pictures, first, last, audio] = m.slice(1).map(Number) as [number, number, number, number];
      assert.ok(pictures >= 15, `bot ${bot}: ${pictures} pictures`);
      assert.ok(last - first >= 15, `bot ${bot}: counter ${first} -> ${last}`);
      assert.ok(audio >= 1.5, `bot ${bot}: ${audio} s of audio`);
    }
  });
});
