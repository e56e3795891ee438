/**
 * The shared render threads (render/render-host.ts): realtime contexts share a pool of threads,
 * stay isolated from one another on it, and the pool lets the process exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AudioContext } from '../../../src/webaudio/index.js';
import { renderWorkerOf } from '../../../src/webaudio/audio-context.js';
import { renderThreadCount } from '../../../src/webaudio/render/render-host.js';

const entry = fileURLToPath(new URL('../../../src/webaudio/index.js', import.meta.url));
const hostEntry = fileURLToPath(new URL('../../../src/webaudio/render/render-host.js', import.meta.url));
const ctxEntry = fileURLToPath(new URL('../../../src/webaudio/audio-context.js', import.meta.url));

/** Runs an ES module body in a child with `threads` render threads; returns its last JSON line. */
function child(body: string, threads: number): { status: number | null; result: any; stderr: string; timedOut: boolean } {
  const script = `
    import { AudioContext } from ${JSON.stringify(entry)};
    import { renderThreadCount } from ${JSON.stringify(hostEntry)};
    import { renderWorkerOf } from ${JSON.stringify(ctxEntry)};
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, MEDIACAPTURE_RENDER_THREADS: String(threads) },
  });
  const line = r.stdout.trim().split('\n').pop();
  return { status: r.status, result: line ? JSON.parse(line) : undefined, stderr: r.stderr, timedOut: r.error !== undefined };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('contexts share the render threads: one thread for many, spread over a pool of two', () => {
  const body = (n: number): string => `
    const ctxs = [];
    for (let i = 0; i < ${n}; i++) ctxs.push(new AudioContext({ sinkId: { type: 'none' } }));
    await Promise.all(ctxs.map((c) => c.resume()));
    const threads = new Set(ctxs.map((c) => renderWorkerOf(c)));
    const count = renderThreadCount();
    const t0 = ctxs.map((c) => c.currentTime);
    await new Promise((r) => setTimeout(r, 300));
    const advanced = ctxs.every((c, i) => c.currentTime > t0[i] + 0.1);
    await Promise.all(ctxs.map((c) => c.close()));
    console.log(JSON.stringify({ threads: threads.size, count, advanced }));
  `;
  const one = child(body(6), 1);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(one.result, { threads: 1, count: 1, advanced: true });
  const two = child(body(6), 2);
  assert.equal(two.status, 0, two.stderr);
  assert.deepEqual(two.result, { threads: 2, count: 2, advanced: true });
});

test('one context suspending, closing or failing to open its sink leaves the others on the thread rendering', async () => {
  const a = new AudioContext({ sinkId: { type: 'none' } });
  const b = new AudioContext({ sinkId: { type: 'none' } });
  const c = new AudioContext({ sinkId: { type: 'none' } });
  try {
    await Promise.all([a.resume(), b.resume(), c.resume()]);
    if (renderThreadCount() === 1) assert.equal(renderWorkerOf(a), renderWorkerOf(b));
    // A fourth context whose output cannot open fails alone.
    const broken = new AudioContext({ mediacaptureSink: { type: 'file', path: '/nonexistent-dir/out.wav' } } as never);
    const failed = new Promise<string>((resolve) => broken.addEventListener('error', (e) => resolve((e as Event & { message: string }).message)));
    assert.match(await failed, /output/);
    await broken.close();
    await a.suspend();
    await b.close();
    const t = a.currentTime;
    const tc = c.currentTime;
    await sleep(300);
    assert.equal(a.state, 'suspended');
    assert.equal(a.currentTime, t, 'the suspended context stays put');
    assert.equal(c.state, 'running');
    assert.ok(c.currentTime > tc + 0.1, `the running context advanced ${c.currentTime - tc} s`);
    await a.resume();
    const ta = a.currentTime;
    await sleep(200);
    assert.ok(a.currentTime > ta + 0.05, 'the resumed context renders again');
  } finally {
    await Promise.all([a.close(), c.close()]);
  }
});

test('a thread without contexts is ended, and a script that closes its contexts exits on its own', () => {
  const r = child(`
    const ctxs = [new AudioContext({ sinkId: { type: 'none' } }), new AudioContext({ sinkId: { type: 'none' } })];
    await Promise.all(ctxs.map((c) => c.resume()));
    await Promise.all(ctxs.map((c) => c.close()));
    const after = renderThreadCount();
    await new Promise((r) => setTimeout(r, 2500));
    // A new context after the thread was ended gets a new one.
    const late = new AudioContext({ sinkId: { type: 'none' } });
    await late.resume();
    const lateRuns = late.state;
    await late.close();
    console.log(JSON.stringify({ after, idle: 'checked', lateRuns }));
  `, 1);
  assert.equal(r.timedOut, false, 'the script did not exit on its own');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.result, { after: 1, idle: 'checked', lateRuns: 'running' });
  const idle = child(`
    const c = new AudioContext({ sinkId: { type: 'none' } });
    await c.resume();
    await c.close();
    await new Promise((r) => setTimeout(r, 2500));
    console.log(JSON.stringify({ count: renderThreadCount() }));
  `, 1);
  assert.equal(idle.status, 0, idle.stderr);
  assert.deepEqual(idle.result, { count: 0 });
});
