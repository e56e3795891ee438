// SFU bots: N synthetic participants join a Janus VideoRoom from this one process, each
// publishing its own camera (640x360, 15 fps) and microphone (a tone of its own pitch) on its own
// RTCPeerConnection. One subscriber, in the same process, receives every bot's video and audio on
// a single RTCPeerConnection and logs once a second the frame counter it reads from each bot's
// decoded picture (the synthetic camera draws a block-coded counter into every frame), so you
// can see all of them advance through the SFU.
//
//   npm run build && node examples/sfu-bots/run.mjs [--bots 10] [--seconds 10] [ws://host:8188 [room]]
//
// Without a URL the script starts a Janus of its own with the test suite's helper
// (dist/test/webrtc/janus-server.js: a configuration in a temporary folder, the VideoRoom plugin
// and the WebSockets transport, stopped by PID at the end); that needs the `janus` package and
// @roamhq/wrtc. With a URL it joins that gateway's room (1234 unless given), which must exist
// and take that many publishers. `--ice-address A` hands Janus only our ICE candidates on
// address A (what the self-started Janus needs, as it gathers no loopback candidates).
//
// The script stops everything it started and exits by itself after --seconds.
import { pathToFileURL } from 'node:url';
import { createMediaDevices, RTCPeerConnection, MediaStreamTrackProcessor, isWebRtcEngineAvailable } from 'mediacapture';
import { readFrameCounter } from '../../dist/src/sources/synthetic/video.js';
import { JanusSession } from '../../dist/test/webrtc/janus-client.js';
import { candidateOn, janusProblem, startJanus } from '../../dist/test/webrtc/janus-server.js';

const VIDEOROOM = 'janus.plugin.videoroom';

/** Trickles a connection's candidates to a Janus handle (only those on `address`, if given). */
function trickle(pc, handle, address) {
  pc.onicecandidate = (e) => {
    if (e.candidate === null) handle.trickle(null);
    else if (!address || candidateOn(e.candidate, address)) {
      const { candidate, sdpMid, sdpMLineIndex } = e.candidate;
      handle.trickle({ candidate, sdpMid, sdpMLineIndex });
    }
  };
}

/** Reads a video track's pictures until cancelled, calling `onCounter` with each frame counter (or null). */
async function readCounters(track, onCounter) {
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  const loop = (async () => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) return;
      const data = new Uint8Array(frame.allocationSize());
      await frame.copyTo(data);
      onCounter(readFrameCounter(data, frame.codedWidth, frame.codedHeight));
      frame.close();
    }
  })();
  return async () => {
    await reader.cancel();
    await loop.catch(() => {});
  };
}

/** Counts the seconds of audio a track delivers until cancelled. */
async function countAudio(track, onSeconds) {
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  const loop = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onSeconds(value.numberOfFrames / value.sampleRate);
      value.close();
    }
  })();
  return async () => {
    await reader.cancel();
    await loop.catch(() => {});
  };
}

/**
 * Runs the bots against the Janus at `url` for `seconds`; resolves with what the subscriber
 * received from each bot: { bot, pictures, first, last, audioSeconds }[] (first / last: the
 * first and last frame counters read).
 */
export async function runBots({ url, room = 1234, bots = 10, seconds = 10, iceAddress = null, log = console.log }) {
  const { mediaDevices, controller } = createMediaDevices({
    devices: {
      cameras: Array.from({ length: bots }, () => ({ modes: [{ width: 640, height: 360, frameRate: 15 }] })),
      microphones: Array.from({ length: bots }, (_, i) => ({ toneFrequency: 300 + 50 * i })),
    },
  });
  const sessions = [];
  const pcs = [];
  const tracks = [];
  const cancels = [];
  try {
    // Permission first, so enumerateDevices() lists the device ids.
    for (const t of (await mediaDevices.getUserMedia({ audio: true, video: true })).getTracks()) t.stop();
    const devices = await mediaDevices.enumerateDevices();
    const cams = devices.filter((d) => d.kind === 'videoinput');
    const mics = devices.filter((d) => d.kind === 'audioinput');

    // Each bot: its own Janus session and publisher handle, camera + microphone sent only.
    const feeds = [];
    for (let i = 0; i < bots; i++) {
      const stream = await mediaDevices.getUserMedia({ video: { deviceId: { exact: cams[i].deviceId } }, audio: { deviceId: { exact: mics[i].deviceId } } });
      tracks.push(...stream.getTracks());
      const session = await JanusSession.connect(url);
      sessions.push(session);
      const handle = await session.attach(VIDEOROOM);
      const joined = await handle.message({ request: 'join', ptype: 'publisher', room, display: `bot ${i}` });
      if (joined.plugindata?.data.videoroom !== 'joined') throw new Error(`bot ${i} could not join room ${room}: ${JSON.stringify(joined.plugindata?.data)}`);
      const pc = new RTCPeerConnection();
      pcs.push(pc);
      trickle(pc, handle, iceAddress);
      for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const up = handle.next((e) => e.janus === 'webrtcup');
      const published = await handle.message({ request: 'publish', audio: true, video: true }, offer);
      if (!published.jsep) throw new Error(`bot ${i} could not publish: ${JSON.stringify(published.plugindata?.data)}`);
      await pc.setRemoteDescription(published.jsep);
      await up;
      feeds.push(joined.plugindata.data.id);
      log(`bot ${i} publishing (feed ${joined.plugindata.data.id})`);
    }

    // The subscriber: one handle, one PeerConnection, every bot's streams.
    const session = await JanusSession.connect(url);
    sessions.push(session);
    const sub = await session.attach(VIDEOROOM);
    const pc = new RTCPeerConnection();
    pcs.push(pc);
    trickle(pc, sub, iceAddress);
    const byMid = new Map();
    pc.ontrack = (e) => byMid.set(e.transceiver.mid, e.track);
    const attached = await sub.message({ request: 'join', ptype: 'subscriber', room, streams: feeds.map((feed) => ({ feed })) });
    if (!attached.jsep) throw new Error(`the subscriber could not join: ${JSON.stringify(attached.plugindata?.data)}`);
    await pc.setRemoteDescription(attached.jsep);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await sub.message({ request: 'start' }, answer);

    const got = feeds.map((_, bot) => ({ bot, pictures: 0, first: null, last: null, audioSeconds: 0 }));
    for (const s of attached.plugindata.data.streams) {
      const entry = got[feeds.indexOf(s.feed_id)];
      const track = byMid.get(s.mid);
      if (!entry || !track) continue;
      if (s.type === 'video') {
        cancels.push(
          await readCounters(track, (counter) => {
            entry.pictures++;
            if (counter === null) return;
            entry.first ??= counter;
            entry.last = counter;
          }),
        );
      } else if (s.type === 'audio') {
        cancels.push(await countAudio(track, (s) => (entry.audioSeconds += s)));
      }
    }

    // Once a second: each bot's latest frame counter as the subscriber decoded it.
    const started = Date.now();
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const t = Math.round((Date.now() - started) / 1000);
        log(`t=${t}s ${got.map((g) => `bot${g.bot}:#${g.last ?? '-'}`).join(' ')}`);
        if (t >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, 1000);
    });
    return got;
  } finally {
    for (const cancel of cancels) await cancel();
    for (const pc of pcs) pc.close();
    for (const t of tracks) t.stop();
    await Promise.all(sessions.map((s) => s.destroy()));
    controller.unload();
  }
}

async function main(argv) {
  const opts = { bots: 10, seconds: 10, iceAddress: null, url: null, room: 1234 };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bots') opts.bots = Number(argv[++i]);
    else if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--ice-address') opts.iceAddress = argv[++i];
    else rest.push(argv[i]);
  }
  if (rest[0]) opts.url = rest[0];
  if (rest[1]) opts.room = Number(rest[1]);
  if (!(opts.bots >= 1) || !(opts.seconds >= 1)) throw new Error('--bots and --seconds take a number of at least 1');
  if (!isWebRtcEngineAvailable()) throw new Error('the WebRTC engine @roamhq/wrtc is not installed (npm install @roamhq/wrtc)');
  let janus = null;
  if (!opts.url) {
    const problem = janusProblem();
    if (problem) throw new Error(`cannot start a Janus here: ${problem}; pass the WebSocket URL of a running one`);
    janus = await startJanus({ room: opts.room, publishers: opts.bots });
    opts.url = janus.url;
    opts.iceAddress ??= janus.address;
    console.log(`started Janus (pid ${janus.pid}) at ${janus.url}, ICE on ${janus.address}`);
  }
  try {
    const got = await runBots(opts);
    for (const g of got) console.log(`bot ${g.bot}: ${g.pictures} pictures, counter ${g.first ?? '-'} -> ${g.last ?? '-'}, ${g.audioSeconds.toFixed(1)} s of audio`);
  } finally {
    await janus?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
