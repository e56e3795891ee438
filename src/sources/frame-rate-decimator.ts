/**
 * Frame-rate decimation by timestamps: a track at a lower frame rate than its source keeps the
 * frames whose timestamps reach its own frame slots (mediacapture-main#dfn-framerate: a camera
 * "decimates" to the requested rate). Slot k of a run is due at anchor + k * 1e6 / rate µs,
 * computed from k by one multiplication, never by adding up a floating-point period: a sum of
 * 33333.33… µs steps drifts by more than the 1 µs tolerance after about 14 hours and then loses a
 * frame, while anchor + k * period stays within one rounding of the exact time for any k.
 */

/** Source timestamps are whole microseconds, rounded: allow that much early. */
const TOLERANCE_US = 1;

export class FrameRateDecimator {
  #rate = 0;
  #anchor = NaN;
  /** The next slot of the current run. */
  #slot = 0;

  /** Forgets the schedule: the next frame starts a new run. */
  reset(): void {
    this.#anchor = NaN;
  }

  /** True if the frame at `ts` µs is kept at `rate` frames per second (rate <= 0: every frame). */
  keep(ts: number, rate: number): boolean {
    if (!(rate > 0)) return true;
    if (rate !== this.#rate) {
      this.#rate = rate;
      this.#anchor = NaN;
    }
    if (Number.isNaN(this.#anchor)) return this.#restart(ts);
    const due = this.#due(this.#slot);
    if (ts + TOLERANCE_US < due) return false;
    this.#slot++;
    // After a gap (more than a slot missed), restart the schedule from this frame rather than
    // bursting to catch up.
    if (this.#due(this.#slot) + TOLERANCE_US <= ts) return this.#restart(ts);
    return true;
  }

  #restart(ts: number): boolean {
    this.#anchor = ts;
    this.#slot = 1;
    return true;
  }

  #due(k: number): number {
    return this.#anchor + (k * 1e6) / this.#rate;
  }
}
