import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPolyfill } from '../../src/install-polyfill.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import { MediaDevices } from '../../src/devices/media-devices.js';
import { packageRoot } from '../support/package-root.js';

const here = dirname(fileURLToPath(import.meta.url));


interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `source` as an ES module script placed inside the package; kills it (by pid) after `timeoutMs`. */
function runScript(source: string, env: Record<string, string | undefined> = {}, timeoutMs = 60000): Promise<RunResult> {
  const file = join(here, `script-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  return new Promise<RunResult>((resolve, reject) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const child = spawn(process.execPath, [file], { cwd: packageRoot(), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  }).finally(() => unlinkSync(file));
}

describe('the new-user check', () => {
  test("import 'mediacapture/polyfill'; getUserMedia({video: {width: 1280}, audio: true}) -> 1280x720, and the process exits by itself", async () => {
    const r = await runScript(`
import 'mediacapture/polyfill';
const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280 }, audio: true });
const [video] = stream.getVideoTracks();
const s = video.getSettings();
console.log(JSON.stringify({ width: s.width, height: s.height, tracks: stream.getTracks().length }));
for (const t of stream.getTracks()) t.stop();
`, { MEDIACAPTURE_DEVICES: undefined });
    assert.equal(r.signal, null, `the script had to be killed: it did not exit by itself\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { width: 1280, height: 720, tracks: 2 });
  });

  test('the Web Audio globals render, and the process exits by itself', async () => {
    const r = await runScript(`
import 'mediacapture/polyfill';
const ctx = new OfflineAudioContext(1, 480, 48000);
const source = new ConstantSourceNode(ctx, { offset: 0.25 });
const gain = ctx.createGain();
gain.gain.value = 2;
source.connect(gain).connect(ctx.destination);
source.start();
const buffer = await ctx.startRendering();
console.log(JSON.stringify({ sample: buffer.getChannelData(0)[300], isBuffer: buffer instanceof AudioBuffer, realtime: typeof AudioContext }));
`);
    assert.equal(r.signal, null, `the script had to be killed: it did not exit by itself\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { sample: 0.5, isBuffer: true, realtime: 'function' });
  });

  test('the frame-stream globals work on getUserMedia tracks, and the process exits by itself', async () => {
    const r = await runScript(`
import 'mediacapture/polyfill';
const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, resizeMode: 'crop-and-scale' }, audio: true });
const [video] = stream.getVideoTracks();
const [audio] = stream.getAudioTracks();
const vr = new MediaStreamTrackProcessor({ track: video }).readable.getReader();
const ar = new MediaStreamTrackProcessor({ track: audio }).readable.getReader();
const { value: frame } = await vr.read();
const { value: chunk } = await ar.read();
console.log(JSON.stringify({
  frameIsVideoFrame: frame instanceof VideoFrame, w: frame.codedWidth, h: frame.codedHeight,
  chunkIsAudioData: chunk instanceof AudioData, rate: chunk.sampleRate,
}));
frame.close();
chunk.close();
for (const t of stream.getTracks()) t.stop();
`, { MEDIACAPTURE_DEVICES: undefined });
    assert.equal(r.signal, null, `the script had to be killed: it did not exit by itself\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { frameIsVideoFrame: true, w: 320, h: 240, chunkIsAudioData: true, rate: 48000 });
  });

  test('MEDIACAPTURE_DEVICES configures the installed devices', async () => {
    const r = await runScript(`
import 'mediacapture/polyfill';
const s = await navigator.mediaDevices.getUserMedia({ video: true });
const list = await navigator.mediaDevices.enumerateDevices();
console.log(JSON.stringify(list.map((d) => d.label)));
for (const t of s.getTracks()) t.stop();
`, { MEDIACAPTURE_DEVICES: '{"microphones": 0, "cameras": [{"label": "Front"}, {"label": "Back", "facingMode": "environment"}]}' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), ['Front', 'Back']);
  });

  test('invalid MEDIACAPTURE_DEVICES JSON fails with an error naming the variable', async () => {
    const r = await runScript(`import 'mediacapture/polyfill';\n`, { MEDIACAPTURE_DEVICES: '{not json' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /TypeError: MEDIACAPTURE_DEVICES is not valid JSON/);
  });
});

describe('installPolyfill', () => {
  test('defines navigator.mediaDevices ([SameObject]) and non-enumerable global classes', async () => {
    const g = globalThis as Record<string, unknown>;
    const handle = installPolyfill({ devices: { cameras: 1, microphones: 1 } });
    const nav = g.navigator as { mediaDevices: MediaDevices };
    assert.ok(nav.mediaDevices instanceof MediaDevices);
    assert.equal(nav.mediaDevices, nav.mediaDevices);
    assert.equal(nav.mediaDevices, handle.mediaDevices);
    assert.equal(g.MediaStream, MediaStream);
    const desc = Object.getOwnPropertyDescriptor(globalThis, 'MediaStream')!;
    assert.equal(desc.enumerable, false);
    assert.equal(desc.writable, true);
    // A second install without `replace` keeps what is there.
    const again = installPolyfill();
    assert.equal(again, handle);
    assert.equal(nav.mediaDevices, handle.mediaDevices);
    assert.equal((await nav.mediaDevices.enumerateDevices()).length, 2);
  });

  test('existing globals are kept unless replace is set', () => {
    const g = globalThis as Record<string, unknown>;
    const theirs = { partial: true };
    Object.defineProperty(globalThis, 'MediaStream', { value: theirs, writable: true, configurable: true });
    const nav = g.navigator as Record<string, unknown>;
    const theirDevices = { mine: false };
    Object.defineProperty(nav, 'mediaDevices', { value: theirDevices, configurable: true });
    installPolyfill();
    assert.equal(g.MediaStream, theirs);
    assert.equal(nav.mediaDevices, theirDevices);
    const handle = installPolyfill({ replace: true });
    assert.equal(g.MediaStream, MediaStream);
    assert.equal(nav.mediaDevices, handle.mediaDevices);
  });
});

describe('installPolyfill options', () => {
  test('an unknown option is a TypeError naming it and the options there are', () => {
    assert.throws(() => installPolyfill({ replase: true } as never), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /unknown option "replase"/);
      assert.match(e.message, /replace, devices, providers, real, permissions, origin, deviceIdKey, clock, display, document/);
      return true;
    });
    assert.throws(() => installPolyfill({ replace: 'yes' } as never), /replace must be true, false or 'dom'/);
  });

  test("replace defaults to 'dom': a DOM's partial media classes give way to ours, other existing globals stay", async () => {
    const r = await runScript(`
globalThis.happyDOM = {};
class PartialMediaStream {}
class MyAudioContext {}
globalThis.MediaStream = PartialMediaStream;
globalThis.AudioContext = MyAudioContext;
const { installPolyfill, MediaStream } = await import('mediacapture');
installPolyfill();
const replaced = { stream: globalThis.MediaStream === MediaStream, audioContext: globalThis.AudioContext === MyAudioContext };
globalThis.MediaStream = PartialMediaStream;
installPolyfill({ replace: false });
console.log(JSON.stringify({ ...replaced, kept: globalThis.MediaStream === PartialMediaStream }));
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { stream: true, audioContext: true, kept: true });
  });
});
