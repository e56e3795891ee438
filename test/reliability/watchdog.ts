/**
 * A watchdog for the reliability suite: a worker thread watches a heartbeat the main thread
 * writes every 50 ms. A test during which the main thread stopped answering timers for more
 * than a second fails (checked after each test); a main thread frozen for 20 s is killed with
 * a message, so a hang shows as a failed file instead of a suite that never ends.
 *
 * On Linux the gap is measured net of the time the main thread spent runnable but waiting for a
 * CPU (the second field of /proc/self/task/<tid>/schedstat): on a loaded machine the scheduler
 * can leave a busy process off the cores for over a second, which is no stall of ours. A thread
 * spinning in JavaScript or blocked in a system call does not wait in the run queue, so both
 * still count in full.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, after, before } from 'node:test';
import assert from 'node:assert/strict';

const STALL_LIMIT_MS = 1000;

const schedstat = `/proc/self/task/${process.pid}/schedstat`;

/** Milliseconds the main thread has spent waiting in the run queue, or 0 where Linux does not say. */
function runQueueWaitMs(): number {
  try {
    const wait = Number(readFileSync(schedstat, 'latin1').split(' ')[1]);
    return Number.isFinite(wait) ? wait / 1e6 : 0;
  } catch {
    return 0;
  }
}

export function installWatchdog(): void {
  const shared = new Float64Array(new SharedArrayBuffer(16)); // [0] last beat (ms), [1] worst gap since reset
  let beat: ReturnType<typeof setInterval> | undefined;
  let worker: Worker | undefined;
  let waitedAtBeat = 0;
  let worstWaited = 0; // run-queue wait inside the worst gap, for the message
  before(() => {
    shared[0] = performance.timeOrigin + performance.now();
    waitedAtBeat = runQueueWaitMs();
    beat = setInterval(() => {
      const now = performance.timeOrigin + performance.now();
      const waited = runQueueWaitMs();
      const gap = now - shared[0]! - (waited - waitedAtBeat);
      if (gap > shared[1]!) {
        shared[1] = gap;
        worstWaited = waited - waitedAtBeat;
      }
      shared[0] = now;
      waitedAtBeat = waited;
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
    const openWaited = runQueueWaitMs() - waitedAtBeat;
    const open = performance.timeOrigin + performance.now() - shared[0]! - openWaited;
    const [worst, waited] = open > shared[1]! ? [open, openWaited] : [shared[1]!, worstWaited];
    shared[1] = 0;
    worstWaited = 0;
    assert.ok(
      worst <= STALL_LIMIT_MS,
      `the event loop stopped answering timers for ${Math.round(worst)} ms (not counting ${Math.round(waited)} ms spent waiting for a CPU)`,
    );
  });
  after(async () => {
    clearInterval(beat);
    await worker?.terminate();
  });
}
