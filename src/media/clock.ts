/**
 * Clocks. Every producer and renderer reads media time from a Clock and schedules work on
 * it; nothing on the media path calls setTimeout/Date.now directly.
 *
 * - RealClock follows the monotonic clock (performance.now()). Timers are scheduled against
 *   absolute due times, so a late wake-up does not push later deadlines back (no drift).
 * - VirtualClock only moves when the caller advances it; timers run synchronously inside
 *   advance(), in due-time order, each seeing now() equal to its own due time. A test can run
 *   an hour of capture in milliseconds, deterministically.
 */
import { setTimeout, clearTimeout } from 'node:timers';

export interface ClockTimer {
  /** Cancels the timer; harmless if it already fired. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on this clock's monotonic time line (a double). */
  now(): number;
  /** Runs `callback` once when now() >= dueTime (ms on this clock's time line). */
  schedule(dueTime: number, callback: () => void): ClockTimer;
  /** True for clocks that only move when advanced by their owner. */
  readonly virtual: boolean;
}

/** The longest delay setTimeout accepts (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 0x7fffffff;

/** A due time must be a number; NaN would never compare due and never settle. */
function checkDueTime(dueTime: number): void {
  if (Number.isNaN(dueTime) || typeof dueTime !== 'number') throw new RangeError(`a clock timer needs a due time in ms, got ${String(dueTime)}`);
}

const noop = (): void => {};

interface Entry {
  due: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class RealClock implements Clock {
  readonly virtual = false;
  readonly #origin: number;

  constructor() {
    this.#origin = performance.now();
  }

  now(): number {
    return performance.now() - this.#origin;
  }

  schedule(dueTime: number, callback: () => void): ClockTimer {
    checkDueTime(dueTime);
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = (): void => {
      const delay = dueTime - this.now();
      if (delay <= 0) {
        handle = undefined;
        if (!cancelled) callback();
        return;
      }
      // setTimeout has 1 ms granularity and may fire early by a fraction: re-arm until due. A
      // delay beyond its 32-bit range would be taken as 1 ms (a busy loop): wait the longest it
      // allows and re-arm then.
      handle = setTimeout(arm, Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.floor(delay))));
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle !== undefined) clearTimeout(handle);
        handle = undefined;
      },
    };
  }
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  #now: number;
  #seq = 0;
  #queue: Entry[] = [];
  #cancelledCount = 0;
  #advancing = false;

  constructor(startTime = 0) {
    this.#now = startTime;
  }

  now(): number {
    return this.#now;
  }

  schedule(dueTime: number, callback: () => void): ClockTimer {
    checkDueTime(dueTime);
    const entry: Entry = { due: dueTime, seq: this.#seq++, callback, cancelled: false };
    // Keep the queue sorted by (due, seq); schedules mostly append.
    const q = this.#queue;
    let i = q.length;
    while (i > 0 && (q[i - 1]!.due > dueTime || (q[i - 1]!.due === dueTime && q[i - 1]!.seq > entry.seq))) i--;
    q.splice(i, 0, entry);
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        // Drop the callback now (it may hold a whole pipeline), and the entries themselves once
        // they are most of the queue: a clock that is never advanced again must not keep them.
        entry.callback = noop;
        if (++this.#cancelledCount > 32 && this.#cancelledCount * 2 > this.#queue.length) {
          this.#queue = this.#queue.filter((e) => !e.cancelled);
          this.#cancelledCount = 0;
        }
      },
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `time`, running every timer due at or before it. */
  advanceTo(time: number): void {
    if (this.#advancing) throw new Error('VirtualClock.advance() called from inside a timer callback');
    if (time < this.#now) throw new RangeError(`cannot move a VirtualClock backwards (${time} < ${this.#now})`);
    this.#advancing = true;
    try {
      // Re-read the queue each time: a callback's cancel() may have compacted it.
      while (this.#queue.length > 0 && this.#queue[0]!.due <= time) {
        const entry = this.#queue.shift()!;
        if (entry.cancelled) {
          this.#cancelledCount--;
          continue;
        }
        if (entry.due > this.#now) this.#now = entry.due;
        entry.callback();
      }
      this.#now = time;
    } finally {
      this.#advancing = false;
    }
  }

  /** Number of timers waiting (cancelled ones excluded). Useful to prove nothing is left behind. */
  get pendingTimers(): number {
    return this.#queue.filter((e) => !e.cancelled).length;
  }
}
