/**
 * A user callback that throws must not end the process: the error is reported (to
 * 'uncaughtException' handlers when the program has some, else to the console) and capture and
 * rendering go on, as in a browser. Each case runs in a child process, which must exit on its own
 * with code 0 once its tracks and contexts are stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

const script = (observe: boolean): string => `
import { createMediaDevices, OfflineAudioContext, AudioContext, VirtualClock } from ${JSON.stringify(index)};
let observed = 0;
${observe ? "process.on('uncaughtException', (e) => { observed++; console.log('observed ' + e.message); });" : ''}
const clock = new VirtualClock();
const { mediaDevices, controller } = createMediaDevices({ clock, devices: { cameras: [{ label: 'Cam' }] } });
mediaDevices.addEventListener('devicechange', () => { throw new Error('devicechange listener'); });
const stream = await mediaDevices.getUserMedia({ video: true, audio: true });
const [video] = stream.getVideoTracks();
video.onended = () => { throw new Error('onended handler'); };
controller.unplug('Cam');
clock.advance(100);
const offline = new OfflineAudioContext(1, 256, 8000);
offline.oncomplete = () => { throw new Error('oncomplete handler'); };
const osc = offline.createOscillator();
osc.onended = () => { throw new Error('source onended'); };
osc.connect(offline.destination); osc.start(); osc.stop(0.001);
await offline.startRendering();
const ctx = new AudioContext({ sinkId: { type: 'none' } });
const sp = ctx.createScriptProcessor(256, 1, 1);
let calls = 0;
await new Promise((resolve) => {
  sp.onaudioprocess = () => { calls++; if (calls === 3) resolve(); throw new Error('onaudioprocess ' + calls); };
  sp.connect(ctx.destination);
});
await new Promise((r) => setTimeout(r, 20));
await ctx.close();
stream.getTracks().forEach((t) => t.stop());
console.log('alive after ' + calls + ' audioprocess calls');
${observe ? "setTimeout(() => console.log('total observed ' + observed), 20);" : ''}
`;

function run(observe: boolean) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script(observe)], { encoding: 'utf8', timeout: 60_000 });
}

test('throwing listeners and handlers are reported to the console and the process keeps running', () => {
  const r = run(false);
  assert.equal(r.signal, null, 'the child was killed (it hung)');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /alive after \d+ audioprocess calls/);
  for (const m of ['devicechange listener', 'onended handler', 'oncomplete handler', 'source onended', 'onaudioprocess 1']) {
    assert.ok(r.stderr.includes(m), `stderr reports '${m}'`);
  }
});

test("a program's uncaughtException handler observes every callback error", () => {
  const r = run(true);
  assert.equal(r.status, 0, r.stderr);
  for (const m of ['devicechange listener', 'onended handler', 'oncomplete handler', 'source onended', 'onaudioprocess 1']) {
    assert.ok(r.stdout.includes(`observed ${m}`), `observed '${m}'\n${r.stdout}`);
  }
  const total = Number(/total observed (\d+)/.exec(r.stdout)?.[1]);
  assert.ok(total >= 7, `observed ${total}`);
});
