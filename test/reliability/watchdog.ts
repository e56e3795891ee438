/**
 * A watchdog for the reliability suite: a worker thread watches a heartbeat the main thread
 * writes every 50 ms. A test during which the main thread stopped answering timers for more
 * than a second fails (checked after each test); a main thread frozen for 20 s is killed with
 * a message, so a hang shows as a failed file instead of a suite that never ends.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, after, before } from 'node:test';
import assert from 'node:assert/strict';

const STALL_LIMIT_MS = 1000;

export function installWatchdog(): void {
  const shared = new Float64Array(new SharedArrayBuffer(16)); // [0] last beat (ms), [1] worst gap since reset
  let beat: ReturnType<typeof setInterval> | undefined;
  let worker: Worker | undefined;
  before(() => {
    shared[0] = performance.timeOrigin + performance.now();
    beat = setInterval(() => {
      const now = performance.timeOrigin + performance.now();
      shared[1] = Math.max(shared[1]!, now - shared[0]!);
      shared[0] = now;
    }, 50);
    worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const s = new Float64Array(workerData);
       setInterval(() => {
         const gap = performance.timeOrigin + performance.now() - s[0];
         if (gap > 20000) {
           process.stderr.write('watchdog: the main thread has not answered a timer for ' + Math.round(gap) + ' ms; killing the test process\\n');
           process.kill(process.pid, 'SIGKILL');
         }
       }, 250);`,
      { eval: true, workerData: shared.buffer },
    );
    worker.unref();
  });
  afterEach(() => {
    // The gap still open at the end of the test counts too.
    const open = performance.timeOrigin + performance.now() - shared[0]!;
    const worst = Math.max(shared[1]!, open);
    shared[1] = 0;
    assert.ok(worst <= STALL_LIMIT_MS, `the event loop stopped answering timers for ${Math.round(worst)} ms`);
  });
  after(async () => {
    clearInterval(beat);
    await worker?.terminate();
  });
}
