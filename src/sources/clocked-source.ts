/**
 * A source that produces on its clock: item n (an audio chunk, a video frame) is complete and
 * delivered when the clock reaches the start time plus dueOffsetMs(n). Due times come from the
 * item index, never from the previous wake-up, so nothing drifts; a late wake-up (a busy event
 * loop on a real clock) delivers every item that fell due. Under a VirtualClock production is
 * exact and synchronous inside advance().
 */
import type { ClockTimer } from '../media/clock.js';
import { BaseSource } from './base-source.js';

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

  #produceDue(): void {
    this.#timer = null;
    do {
      this.produce(this.#next++);
    } while (this.running && this.#startMs + this.dueOffsetMs(this.#next) <= this.clock.now());
    if (this.running) this.#schedule();
  }
}
