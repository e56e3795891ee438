/**
 * Against a real SFU: the Janus gateway's VideoRoom, started by the test on 127.0.0.1 with its
 * WebSockets transport and a configuration written to a temporary folder, stopped by PID.
 *
 * Janus (libnice) gathers no loopback candidates, so the media would flow over the machine's
 * network addresses. Instead the test runs itself again inside a network namespace of its own
 * (unshare --net) holding only a veth pair on 10.231.0.0/24: every packet stays in there.
 * N synthetic participants publish camera + microphone from this process; one subscriber
 * receives every one of them (frame counters advancing, the tone heard); a participant leaving
 * ends its tracks at the subscriber.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { RTCPeerConnection } from '../../src/webrtc/index.js';
import { MediaStreamTrackProcessor } from '../../src/transform/media-stream-track-processor.js';
import type { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { isLoopbackCandidate, readPictures, skipNoEngine } from './helpers.js';
import { JanusSession, type JanusHandle } from './janus-client.js';

const N = Number(process.env.JANUS_PARTICIPANTS ?? 10);
const ROOM = 1234;

function janusDirs(): { plugins: string; transports: string } | null {
  // `janus --version` prints its version and exits 1 (it also reads --version as unknown): only a missing binary counts.
  const r = spawnSync('janus', ['--version'], { encoding: 'utf8' });
  if (r.error || !/Janus version/.test(r.stdout + r.stderr)) return null;
  for (const lib of ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus', '/opt/janus/lib/janus']) {
    if (existsSync(join(lib, 'plugins', 'libjanus_videoroom.so')) && existsSync(join(lib, 'transports', 'libjanus_websockets.so'))) {
      return { plugins: join(lib, 'plugins'), transports: join(lib, 'transports') };
    }
  }
  return null;
}

const INSIDE = process.env.MC_JANUS_NETNS === '1';
const NETNS_SETUP = 'ip link set lo up && ip link add mcv0 type veth peer name mcv1 && ip addr add 10.231.0.1/24 dev mcv0 && ip addr add 10.231.0.2/24 dev mcv1 && ip link set mcv0 up && ip link set mcv1 up';

/** Whether this machine lets us make a private network namespace with a veth pair. */
function netnsProblem(): string | null {
  const r = spawnSync('unshare', ['--net', 'sh', '-c', NETNS_SETUP], { encoding: 'utf8' });
  if (r.error) return 'unshare (util-linux) is not installed';
  if (r.status !== 0) return `no private network namespace here (needs root, iproute2, veth): ${(r.stderr || '').trim()}`;
  return null;
}

// Not finished: Janus answers and takes our trickled candidates, but ICE does not complete yet
// (Janus logs "Failed to add some remote candidates"). Opt in with MC_JANUS_TEST=1 to work on it.
const optIn = process.env.MC_JANUS_TEST === '1' || INSIDE;
const dirs = skipNoEngine || !optIn ? null : janusDirs();
const netns = INSIDE || skipNoEngine || !dirs ? null : netnsProblem();
const skip = skipNoEngine || (optIn ? false : 'unfinished: ICE with Janus does not complete yet (set MC_JANUS_TEST=1 to run it)') || (dirs ? false : 'the Janus gateway is not installed (apt-get install janus)') || netns || false;
if (skip) console.log(`# janus: skipped: ${skip}`);

/** Candidates the test hands over: the namespace's veth addresses and loopback only. */
function allowedCandidate(c: unknown): boolean {
  const text = typeof c === 'object' && c !== null ? String((c as { candidate?: unknown }).candidate ?? '') : '';
  return isLoopbackCandidate(c) || (text.split(' ')[4] ?? '').startsWith('10.231.0.');
}

if (!INSIDE) {
  describe('Janus VideoRoom (in a private network namespace)', { skip }, () => {
    test('the VideoRoom test passes inside the namespace', async () => {
      const self = fileURLToPath(import.meta.url);
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        // Run as a plain script (its tests report TAP), not as a child of this test runner.
        const env: NodeJS.ProcessEnv = { ...process.env, MC_JANUS_NETNS: '1' };
        delete env.NODE_TEST_CONTEXT;
        const child = spawn('unshare', ['--net', 'sh', '-c', `${NETNS_SETUP} && exec "${process.execPath}" "${self}"`], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, out });
        });
      });
      console.log(r.out.split('\n').filter((l) => /^\s*(not )?ok |^# (pass|fail|skipped)|janus:/.test(l)).join('\n'));
      assert.equal(r.code, 0, r.out.slice(-6000));
      assert.match(r.out, /^# pass 1$/m, 'the inner test ran and passed');
      assert.match(r.out, /^# fail 0$/m);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

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

/** Sends our loopback candidates to Janus, then end-of-candidates. */
function trickleTo(pc: RTCPeerConnection, handle: JanusHandle): void {
  pc.onicecandidate = (e) => {
    const c = (e as unknown as { candidate: { candidate: string; sdpMid: string; sdpMLineIndex: number } | null }).candidate;
    if (c === null) handle.trickle(null);
    else if (allowedCandidate(c)) handle.trickle({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
  };
}

describe('Janus VideoRoom', { skip: INSIDE ? skip : 'runs inside its network namespace' }, () => {
  let janus: ChildProcess | null = null;
  let folder = '';
  let url = '';
  let log = '';

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'mc-janus-'));
    const port = await freePort();
    url = `ws://127.0.0.1:${port}`;
    writeFileSync(
      join(folder, 'janus.jcfg'),
      `general: {
  configs_folder = "${folder}"
  plugins_folder = "${dirs!.plugins}"
  transports_folder = "${dirs!.transports}"
  debug_level = 3
  admin_secret = "not-used"
}
media: {
  ipv6 = false
  rtp_port_range = "40000-49999"
}
nat: {
  ice_enforce_list = "10.231.0.1"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
`,
    );
    writeFileSync(
      join(folder, 'janus.transport.websockets.jcfg'),
      `general: {
  json = "plain"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
    );
    writeFileSync(
      join(folder, 'janus.plugin.videoroom.jcfg'),
      `general: {
}
room-${ROOM}: {
  description = "mediacapture test room"
  publishers = ${N + 2}
  bitrate = 512000
  fir_freq = 2
  videocodec = "vp8"
  audiocodec = "opus"
}
`,
    );
    janus = spawn('janus', ['-C', join(folder, 'janus.jcfg'), '-F', folder, '-E', '10.231.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    janus.stdout!.on('data', (d) => (log = (log + d).slice(-20000)));
    janus.stderr!.on('data', (d) => (log = (log + d).slice(-20000)));
    // Wait for the WebSockets transport (bounded).
    for (let i = 0; ; i++) {
      try {
        const s = await JanusSession.connect(url);
        await s.destroy();
        break;
      } catch (error) {
        if (i >= 50 || janus.exitCode !== null) throw new Error(`Janus did not start: ${String(error)}\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  after(async () => {
    if (process.env.JANUS_DEBUG) console.log(log);
    if (janus && janus.exitCode === null) {
      const exited = new Promise((r) => janus!.once('exit', r));
      process.kill(janus.pid!, 'SIGTERM');
      const timer = setTimeout(() => janus!.exitCode === null && process.kill(janus!.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (folder) rmSync(folder, { recursive: true, force: true });
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
        trickleTo(pc, h);
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
      trickleTo(pc, sub);
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
