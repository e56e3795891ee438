/**
 * Process hygiene with the engine loaded: a script that closes its connections and stops its
 * tracks exits by itself with its own exit code (the engine's native objects must neither keep
 * it alive nor crash it on the way out); and without the engine, RTCPeerConnection says which
 * package to install while the rest of the library still loads.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipNoEngine } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// dist/test/webrtc -> dist
const dist = join(here, '..', '..');
const root = join(dist, '..');

function run(file: string, timeoutMs = 60_000): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the script did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('processes using RTCPeerConnection', () => {
  test('a loopback script that closes and stops everything exits by itself, with its exit code', { skip: skipNoEngine }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-webrtc-'));
    try {
      const file = join(dir, 'loopback.mjs');
      writeFileSync(
        file,
        `import { installPolyfill } from ${JSON.stringify(join(dist, 'src', 'install-polyfill.js'))};
const handle = installPolyfill();
const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
const pc1 = new RTCPeerConnection(), pc2 = new RTCPeerConnection();
const loopback = (c) => c && ['127.0.0.1', '::1'].includes(c.candidate.split(' ')[4]);
pc1.onicecandidate = (e) => loopback(e.candidate) && pc2.addIceCandidate(e.candidate);
pc2.onicecandidate = (e) => loopback(e.candidate) && pc1.addIceCandidate(e.candidate);
const frames = new Promise((resolve) => (pc2.ontrack = (e) => {
  if (e.track.kind !== 'video') return;
  const reader = new MediaStreamTrackProcessor({ track: e.track }).readable.getReader();
  let n = 0;
  const next = () => reader.read().then(({ value }) => { value.close(); if (++n === 10) { reader.cancel(); resolve(n); } else next(); });
  next();
}));
for (const t of stream.getTracks()) pc1.addTrack(t, stream);
const offer = await pc1.createOffer();
await pc1.setLocalDescription(offer);
await pc2.setRemoteDescription(offer);
const answer = await pc2.createAnswer();
await pc2.setLocalDescription(answer);
await pc1.setRemoteDescription(answer);
console.log('frames', await frames);
pc1.close();
pc2.close();
for (const t of stream.getTracks()) t.stop();
handle.controller.unload();
process.on('exit', () => console.log('exit listener ran'));
process.exitCode = 3;
`,
      );
      const r = await run(file);
      assert.equal(r.signal, null, `no crash on the way out: ${r.stderr}`);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stdout, /frames 10/);
      assert.match(r.stdout, /exit listener ran/, "'exit' listeners added after the engine loaded still run");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without the engine: RTCPeerConnection throws NotSupportedError naming @roamhq/wrtc; the polyfill installs no WebRTC globals', async () => {
    // A copy of the built library whose node_modules has every dependency except the engine.
    const dir = mkdtempSync(join(tmpdir(), 'mc-nowrtc-'));
    try {
      cpSync(join(dist, 'src'), join(dir, 'src'), { recursive: true });
      mkdirSync(join(dir, 'node_modules'));
      for (const name of readdirSync(join(root, 'node_modules'))) {
        if (name === '@roamhq' || name.startsWith('.')) continue;
        symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
      }
      const file = join(dir, 'probe.mjs');
      writeFileSync(
        file,
        `import { RTCPeerConnection, isWebRtcEngineAvailable } from './src/webrtc/index.js';
import { installPolyfill } from './src/install-polyfill.js';
const out = { available: isWebRtcEngineAvailable() };
try { new RTCPeerConnection(); out.constructed = true; } catch (e) { out.name = e.name; out.message = e.message; }
const handle = installPolyfill();
out.global = typeof globalThis.RTCPeerConnection;
out.stream = typeof globalThis.MediaStream;
handle.controller.unload();
console.log(JSON.stringify(out));
`,
      );
      const r = await run(file);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
      assert.equal(out.available, false);
      assert.equal(out.constructed, undefined);
      assert.equal(out.name, 'NotSupportedError');
      assert.match(String(out.message), /npm install @roamhq\/wrtc/);
      assert.equal(out.global, 'undefined');
      assert.equal(out.stream, 'function', 'the rest of the polyfill is installed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
