import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

test('capture, offline rendering and decoding work without the global setImmediate and structuredClone (jest jsdom)', () => {
  const code = `
delete globalThis.setImmediate;
delete globalThis.clearImmediate;
delete globalThis.structuredClone;
const mc = await import(${JSON.stringify(index)});
const clock = new mc.VirtualClock();
const { mediaDevices } = mc.createMediaDevices({ clock });
const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
const devices = await mediaDevices.enumerateDevices();
const ctx = new mc.OfflineAudioContext(1, 1024, 8000);
const osc = ctx.createOscillator(); osc.connect(ctx.destination); osc.start();
let completed = false; ctx.oncomplete = () => { completed = true; };
const rendered = await ctx.startRendering();
await new Promise((r) => setTimeout(r, 10));
const wav = mc.AudioBuffer ? new Uint8Array([82,73,70,70,40,0,0,0,87,65,86,69,102,109,116,32,16,0,0,0,1,0,1,0,64,31,0,0,128,62,0,0,2,0,16,0,100,97,116,97,4,0,0,0,0,64,0,192]) : null;
const decoded = await ctx.decodeAudioData(wav.buffer);
const detached = wav.buffer.byteLength === 0;
const settings = stream.getVideoTracks()[0].getSettings();
const caps = stream.getAudioTracks()[0].getCapabilities();
stream.getTracks().forEach((t) => t.stop());
console.log('RESULT ' + JSON.stringify({ devices: devices.length, energy: rendered.getChannelData(0).some((v) => v !== 0), completed, decodedLength: decoded.length, detached, width: settings.width, hasCaps: typeof caps.sampleRate === 'object' }));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const result = JSON.parse(/RESULT (.*)/.exec(r.stdout)![1]!);
  assert.ok(result.devices >= 2);
  assert.equal(result.energy, true);
  assert.equal(result.completed, true);
  assert.equal(result.decodedLength, 2);
  assert.equal(result.detached, true, 'decodeAudioData detaches its buffer (transfer)');
  assert.equal(result.width, 640);
  assert.equal(result.hasCaps, true);
});
