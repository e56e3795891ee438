/**
 * A source that produces on its clock: item n (an audio chunk, a video frame) is complete and
 * delivered when the clock reaches the start time plus dueOffsetMs(n). Due times come from the
 * item index, never from the previous wake-up, so nothing drifts; a late wake-up (a busy event
 * loop on a real clock) delivers every item that fell due. Under a VirtualClock production is
 * exact and synchronous inside advance(). On a real clock a wake-up delivers at most a batch of
 * items before yielding, and items more than a second overdue are dropped (and counted), so a
 * stalled or overloaded process recovers instead of trying to catch up forever.
 */
import type { ClockTimer } from '../media/clock.js';
import { BaseSource } from './base-source.js';

/** On a real clock: most items delivered in one wake-up before yielding to the event loop. */
const MAX_ITEMS_PER_WAKE = 64;
/** On a real clock: items later than this are dropped instead of delivered late. */
const MAX_LAG_MS = 1000;

export abstract class ClockedSource extends BaseSource {
  #timer: ClockTimer | null = null;
  #next = 0;
  #startMs = 0;
  #startUs = 0;
  readonly #tick = (): void => this.#produceDue();

  /** Milliseconds after the start at which item n is complete and delivered. */
  protected abstract dueOffsetMs(n: number): number;
  /** Produces item n (items come in order, from 0 after each start). */
  protected abstract produce(n: number): void;
  /** Gets ready to produce from item 0; false when the source cannot produce (no configuration). */
  protected prepare(): boolean {
    return true;
  }

  /** The start time on the clock's time line, in microseconds: timestamps are offsets from it. */
  protected get startUs(): number {
    return this.#startUs;
  }

  protected start(): void {
    if (!this.prepare()) return;
    this.#next = 0;
    this.#startMs = this.clock.now();
    this.#startUs = Math.round(this.#startMs * 1000);
    this.#schedule();
  }

  protected halt(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #schedule(): void {
    this.#timer = this.clock.schedule(this.#startMs + this.dueOffsetMs(this.#next), this.#tick);
  }

  /** Items skipped because a real clock's wake-up came too late to deliver them (a stalled process). */
  protected skippedItems = 0;

  #produceDue(): void {
    this.#timer = null;
    const clock = this.clock;
    if (!clock.virtual) this.#skipStale(clock.now());
    let produced = 0;
    do {
      this.produce(this.#next++);
      produced++;
    } while (this.running && this.#startMs + this.dueOffsetMs(this.#next) <= clock.now() && (clock.virtual || produced < MAX_ITEMS_PER_WAKE));
    if (!this.running) return;
    if (!clock.virtual && this.#startMs + this.dueOffsetMs(this.#next) <= clock.now()) {
      // Still behind after a full batch: let other timers and I/O run before the next batch.
      this.#timer = clock.schedule(clock.now() + 1, this.#tick);
      return;
    }
    this.#schedule();
  }

  /**
   * On a real clock, items that fell due more than MAX_LAG_MS ago are dropped, as a device drops
   * what nobody collected in time: catching up on them would only make the source later, and a
   * source whose items cost more than their period could never catch up at all.
   */
  #skipStale(now: number): void {
    const limit = now - MAX_LAG_MS - this.#startMs;
    if (this.dueOffsetMs(this.#next) >= limit) return;
    // The first item due at or after `limit`: gallop forward from #next, then bisect.
    let lo = this.#next;
    let step = 1;
    let hi = lo + step;
    while (this.dueOffsetMs(hi) < limit) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.dueOffsetMs(mid) < limit) lo = mid;
      else hi = mid;
    }
    this.skippedItems += hi - this.#next;
    this.#next = hi;
  }
}
