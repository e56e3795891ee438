/**
 * Render-side start/stop bookkeeping shared by AudioScheduledSourceNode processors
 * (webaudio#AudioScheduledSourceNode). Times are seconds, compared against exact sample-frame
 * times (frame / sampleRate) without rounding.
 */
import type { Bus } from './bus.js';
import type { AudioProcessor, ParamBuffer, ProcessorInit } from './registry.js';

export interface StartMessage {
  t: 'start';
  when: number;
  offset?: number;
  duration?: number;
}

export interface StopMessage {
  t: 'stop';
  when: number;
}

export abstract class ScheduledSourceProcessor implements AudioProcessor {
  protected readonly sampleRate: number;
  protected readonly quantumSize: number;
  readonly #post: ProcessorInit['post'];
  /** Start/stop times in seconds; start = Infinity until start() arrives. */
  protected startTime = Infinity;
  protected stopTime = Infinity;
  #ended = false;

  constructor(init: ProcessorInit) {
    this.sampleRate = init.sampleRate;
    this.quantumSize = init.quantumSize;
    this.#post = init.post;
  }

  get finished(): boolean {
    return this.#ended;
  }

  onMessage(msg: StartMessage | StopMessage | { t: string }): void {
    if (msg.t === 'start') {
      const m = msg as StartMessage;
      this.startTime = m.when;
      this.handleStart(m);
    } else if (msg.t === 'stop') {
      if (!this.#ended) this.stopTime = (msg as StopMessage).when;
    } else {
      this.handleMessage(msg);
    }
  }

  protected handleStart(_msg: StartMessage): void {}
  protected handleMessage(_msg: unknown): void {}

  /**
   * Frames [from, to) of this quantum that lie inside [start, stop): the first frame whose time
   * is >= start up to the first whose time is >= stop.
   */
  protected activeRange(frame: number, range: { from: number; to: number }): void {
    const sr = this.sampleRate;
    const qs = this.quantumSize;
    const startFrame = firstFrameAtOrAfter(this.startTime, sr);
    const stopFrame = firstFrameAtOrAfter(this.stopTime, sr);
    range.from = Math.min(qs, Math.max(0, startFrame - frame));
    range.to = Math.min(qs, Math.max(range.from, stopFrame - frame));
  }

  /** Marks the source ended and tells the control side (which fires 'ended'). */
  protected end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#post({ t: 'ended' });
  }

  /** True once the stop time has been reached by the end of this quantum. */
  protected stopReached(frame: number): boolean {
    return firstFrameAtOrAfter(this.stopTime, this.sampleRate) <= frame + this.quantumSize;
  }

  abstract process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void;
}

/** The smallest frame index i with i / sampleRate >= t (exact in double arithmetic). */
export function firstFrameAtOrAfter(t: number, sampleRate: number): number {
  if (t === Infinity) return Infinity;
  let i = Math.ceil(t * sampleRate);
  if ((i - 1) / sampleRate >= t) i--;
  else if (i / sampleRate < t) i++;
  return i;
}
