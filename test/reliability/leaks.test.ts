/**
 * Create/stop cycles leave nothing behind: after garbage collection the heap and array buffers are
 * back where they started (within 5 %), and no timer, worker, port or child is still open.
 * MEDIACAPTURE_LONG=1 runs the full counts (1,000 AudioContexts, 10,000 getUserMedia cycles).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));
const LONG = process.env['MEDIACAPTURE_LONG'] === '1';

/** Runs `cycle` (an async function body) `n` times in a child after a warm-up; returns the growth. */
function measure(setup: string, cycle: string, n: number, warmUp = n, idleMs = 0): { heap: number; heapBase: number; arrayBuffers: number; abBase: number; resources: string[] } {
  const code = `
import * as mc from ${JSON.stringify(index)};
${setup}
const cycle = async () => { ${cycle} };
const settle = async () => { await new Promise((r) => setTimeout(r, ${idleMs})); for (let i = 0; i < 6; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 15)); } };
const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap').sort();
// Warm up (at least as long as we measure): code caches and pools settle before the baseline.
for (let i = 0; i < ${warmUp}; i++) await cycle();
await settle();
const r0 = resources();
const m0 = process.memoryUsage();
for (let i = 0; i < ${n}; i++) await cycle();
await settle();
const m1 = process.memoryUsage();
console.log('RESULT ' + JSON.stringify({ heap: m1.heapUsed - m0.heapUsed, heapBase: m0.heapUsed, arrayBuffers: m1.arrayBuffers - m0.arrayBuffers, abBase: m0.arrayBuffers, resources: resources().filter((x, i, a) => a.filter((y) => y === x).length > r0.filter((y) => y === x).length) }));
`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(/RESULT (.*)/.exec(r.stdout)![1]!);
}

function assertFlat(t: TestContext, m: ReturnType<typeof measure>, what: string): void {
  const pct = (d: number, base: number): string => `${d >= 0 ? '+' : ''}${d} bytes (${((100 * d) / base).toFixed(2)} % of ${base})`;
  t.diagnostic(`${what}: heap ${pct(m.heap, m.heapBase)}, array buffers ${pct(m.arrayBuffers, m.abBase)}`);
  assert.ok(m.heap <= 0.05 * m.heapBase, `${what}: heap grew ${m.heap} bytes from ${m.heapBase}`);
  assert.ok(m.arrayBuffers <= 0.05 * m.abBase, `${what}: array buffers grew ${m.arrayBuffers} bytes from ${m.abBase}`);
  assert.deepEqual(m.resources, [], `${what}: handles left open`);
}

test(`${LONG ? 1000 : 60} AudioContext create/close cycles leave heap and array buffers flat`, (t) => {
  const m = measure(
    '',
    `const c = new mc.AudioContext({ sinkId: { type: 'none' } });
     const o = c.createOscillator(); const g = c.createGain(); o.connect(g).connect(c.destination); o.start();
     await c.close();`,
    LONG ? 1000 : 60,
    LONG ? 1000 : 60,
    // The shared render thread frees what closed contexts left on it at its own garbage
    // collections; once idle it is ended (render/render-host.ts), releasing everything.
    2500,
  );
  assertFlat(t, m, 'AudioContext');
});

test(`${LONG ? 10000 : 2000} getUserMedia → read → stop cycles (virtual clock) leave heap and handles flat`, (t) => {
  const m = measure(
    `const clock = new mc.VirtualClock(); const { mediaDevices } = mc.createMediaDevices({ clock });`,
    `const s = await mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
     const reader = new mc.MediaStreamTrackProcessor({ track: s.getVideoTracks()[0] }).readable.getReader();
     const next = reader.read(); clock.advance(34);
     const { value } = await next; value.close();
     s.getTracks().forEach((t) => t.stop());`,
    LONG ? 10000 : 2000,
  );
  assertFlat(t, m, 'getUserMedia');
});

test(`${LONG ? 1000 : 200} OfflineAudioContext renders fed by a stream leave nothing behind`, (t) => {
  const m = measure(
    `const clock = new mc.VirtualClock(); const { mediaDevices } = mc.createMediaDevices({ clock });`,
    `const s = await mediaDevices.getUserMedia({ audio: true });
     const c = new mc.OfflineAudioContext(1, 4800, 48000);
     const osc = c.createOscillator(); osc.connect(c.destination); osc.start();
     await c.startRendering();
     s.getTracks().forEach((t) => t.stop());`,
    LONG ? 1000 : 200,
    // The heap still grows over the first ~2,000 renders (code caches), then stays flat.
    2000,
  );
  assertFlat(t, m, 'OfflineAudioContext');
});
