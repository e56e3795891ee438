/**
 * Device configurations and files written by anyone: each is refused with a clear error, or
 * played, within moments — never a process that stops answering. Every case runs in a child
 * process with a time limit, so a regression shows as a killed child, not a frozen suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../../src/media/codecs/wav.js';
import { encodeY4m } from '../../src/media/codecs/y4m.js';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

/** Runs `body` (an async function body with createMediaDevices in scope) in a child; its result is printed as JSON. */
function inChild(body: string, timeoutMs = 20_000): { killed: boolean; result: any; stderr: string } {
  const code = `
import { createMediaDevices, VirtualClock } from ${JSON.stringify(index)};
const result = await (async () => { ${body} })();
console.log('RESULT ' + JSON.stringify(result));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: timeoutMs });
  const line = /RESULT (.*)/.exec(r.stdout ?? '')?.[1];
  return { killed: r.signal !== null, result: line ? JSON.parse(line) : undefined, stderr: r.stderr ?? '' };
}

/** Configures one device and opens it; returns the error (name + message) or what was captured. */
function tryDevice(devices: unknown, kind: 'audio' | 'video'): string {
  return `
  try {
    const clock = new VirtualClock();
    const { mediaDevices } = createMediaDevices({ clock, devices: ${JSON.stringify(devices)} });
    const stream = await mediaDevices.getUserMedia({ ${kind}: true });
    clock.advance(100);
    stream.getTracks().forEach((t) => t.stop());
    return { ok: true };
  } catch (e) {
    return { ok: false, name: e.name, message: e.message };
  }`;
}

function wavWithHeader(sampleRate: number, channels: number): Uint8Array {
  const wav = encodeWav([new Float32Array(2 * 65535)], 48000, 'u8');
  const b = Buffer.from(wav);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt16LE(channels, 32); // block align of 8-bit samples stays consistent with the channel count
  return b;
}

const dir = mkdtempSync(join(tmpdir(), 'mc-hostile-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a FIFO given as a file device is refused without blocking the process', () => {
  const fifo = join(dir, 'mic.fifo');
  execFileSync('mkfifo', [fifo]);
  const r = inChild(tryDevice({ microphones: [{ file: fifo }] }, 'audio'));
  assert.equal(r.killed, false, 'the child hung on the FIFO');
  assert.equal(r.result.ok, false);
  assert.match(r.result.message, /FIFO, not a regular file/);
});

for (const [what, rate, channels, pattern] of [
  ['an absurd sample rate', 4294967295, 1, /sample rate of 4294967295 Hz is outside/],
  ['an absurd channel count', 48000, 65535, /65535 channels is outside/],
] as const) {
  test(`a WAV file with ${what} is refused at configuration`, () => {
    const file = join(dir, `bad-${rate}-${channels}.wav`);
    writeFileSync(file, wavWithHeader(rate, channels));
    const r = inChild(tryDevice({ microphones: [{ file }] }, 'audio'));
    assert.equal(r.killed, false, 'the child hung');
    assert.equal(r.result.ok, false);
    assert.equal(r.result.name, 'TypeError');
    assert.match(r.result.message, pattern);
  });
}

test('a Y4M file claiming 1e9 frames per second is refused at configuration', () => {
  const file = join(dir, 'fast.y4m');
  writeFileSync(file, encodeY4m({ width: 2, height: 2, frameRate: { num: 1e9, den: 1 } }, [new Uint8Array(6)]));
  const r = inChild(tryDevice({ cameras: [{ file }] }, 'video'));
  assert.equal(r.killed, false, 'the child hung');
  assert.equal(r.result.ok, false);
  assert.match(r.result.message, /frame rate of 1000000000 fps is outside/);
});

for (const [what, devices, kind, pattern] of [
  ['sample rate', { microphones: [{ modes: [{ sampleRate: 1e9, channelCount: 1, sampleSize: 16, latency: 0.01 }] }] }, 'audio', /sample rate/],
  ['channel count', { microphones: [{ modes: [{ sampleRate: 48000, channelCount: 65535, sampleSize: 16, latency: 0.01 }] }] }, 'audio', /channels/],
  ['frame size (40000x40000)', { cameras: [{ modes: [{ width: 40000, height: 40000, frameRate: 30 }] }] }, 'video', /width of 40000/],
  ['frame rate', { cameras: [{ modes: [{ width: 64, height: 64, frameRate: 1e9 }] }] }, 'video', /frame rate/],
] as const) {
  test(`a synthetic device with an absurd ${what} is refused`, () => {
    const r = inChild(tryDevice(devices, kind));
    assert.equal(r.killed, false, 'the child hung');
    assert.equal(r.result.ok, false);
    assert.equal(r.result.name, 'TypeError');
    assert.match(r.result.message, pattern);
  });
}

test('a file that is not media is described by what was expected, never by what it holds', () => {
  const secret = 'RIFFsecret-token-8c1f WAVE? no: password=hunter2\n';
  const asWav = join(dir, 'notes.wav');
  const asY4m = join(dir, 'notes.y4m');
  writeFileSync(asWav, 'password=hunter2 ' + secret);
  writeFileSync(asY4m, 'YUV4MPEG2 W2 H2 Zhunter2\nFRAME\n');
  for (const [devices, kind] of [[{ microphones: [{ file: asWav }] }, 'audio'], [{ cameras: [{ file: asY4m }] }, 'video']] as const) {
    const r = inChild(tryDevice(devices, kind));
    assert.equal(r.result.ok, false);
    assert.doesNotMatch(r.result.message, /hunter2|secret|password/);
    assert.match(r.result.message, /expected|tag/);
  }
});
