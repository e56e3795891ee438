/**
 * Drives a RenderEngine in real time for an AudioContext (runs inside the render worker).
 * Quanta are rendered ahead of the output position by `leadFrames` (the base latency), keeping
 * real time against the monotonic clock; a sink's backpressure can hold rendering back further.
 */
import { RealClock, type Clock, type ClockTimer } from '../../media/clock.js';
import type { AudioSink } from '../sinks/types.js';
import { mixChannels } from '../../media/channel-mix.js';
import { Bus } from './bus.js';
import { RenderEngine } from './engine.js';
import { STATE_OUTPUT_LATENCY, STATE_PERF_TIME, STATE_UNDERRUNS, type ControlBatch, type RenderMessage, type SharedState } from './protocol.js';

/** Header slot holding the output position (frames) published with STATE_PERF_TIME. */
export const STATE_OUTPUT_FRAME = 5;

export interface RealtimeRendererOptions {
  sampleRate: number;
  quantumSize: number;
  channels: number;
  leadFrames: number;
  state: SharedState;
  post(msg: RenderMessage, transfer?: ArrayBuffer[]): void;
  /** An exception escaped a quantum: rendering has stopped (other contexts on the thread go on). */
  onFatal?(e: unknown): void;
  clock?: Clock;
}

export class RealtimeRenderer {
  readonly engine: RenderEngine;
  readonly #clock: Clock;
  readonly #sr: number;
  readonly #lead: number;
  readonly #state: SharedState;
  readonly #channels: number;
  #sink: AudioSink | null = null;
  #running = false;
  #timer: ClockTimer | null = null;
  #waitingDrain = false;
  /** Output position origin: frame `#baseFrame` was due at clock time `#t0`. */
  #t0 = 0;
  #baseFrame = 0;
  #interleaved: Float32Array;
  readonly #tickMs: number;
  /** Destination output up/down-mixed to the sink's channel count when they differ. */
  readonly #mixed: Bus;
  readonly #onFatal: (e: unknown) => void;

  constructor(opts: RealtimeRendererOptions) {
    this.#clock = opts.clock ?? new RealClock();
    this.#sr = opts.sampleRate;
    this.#lead = opts.leadFrames;
    this.#state = opts.state;
    this.#channels = opts.channels;
    this.engine = new RenderEngine({ sampleRate: opts.sampleRate, quantumSize: opts.quantumSize, state: opts.state, post: opts.post });
    this.#interleaved = new Float32Array(opts.quantumSize * 32);
    this.#mixed = new Bus(opts.quantumSize, opts.channels);
    this.#onFatal = opts.onFatal ?? ((e) => {
      throw e;
    });
    this.#tickMs = Math.max(2, Math.min(10, ((opts.leadFrames / opts.sampleRate) * 1000) / 2));
  }

  get running(): boolean {
    return this.#running;
  }

  applyBatch(batch: ControlBatch): void {
    this.engine.applyBatch(batch);
  }

  /** Attaches a sink that is already open (replacing none). */
  setSink(sink: AudioSink | null): void {
    this.#sink = sink;
    this.#state.header[STATE_OUTPUT_LATENCY] = sink?.outputLatency ?? 0;
  }

  get sink(): AudioSink | null {
    return this.#sink;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#t0 = this.#clock.now();
    this.#baseFrame = this.engine.frame;
    this.#tick();
  }

  /** Stops after the current quantum (rendering is synchronous, so that is now). */
  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #tick = (): void => {
    try {
      this.#renderDue();
    } catch (e) {
      this.stop();
      this.#onFatal(e);
    }
  };

  #renderDue(): void {
    this.#timer = null;
    if (!this.#running || this.#waitingDrain) return;
    const now = this.#clock.now();
    const played = this.#baseFrame + ((now - this.#t0) * this.#sr) / 1000;
    // Publish the output position for getOutputTimestamp().
    const h = this.#state.header;
    h[STATE_OUTPUT_FRAME] = Math.min(played, this.engine.frame);
    h[STATE_PERF_TIME] = performance.timeOrigin + performance.now();
    if (this.engine.frame + this.engine.quantumSize < played) h[STATE_UNDERRUNS]! += 1;
    const target = played + this.#lead;
    const sink = this.#sink;
    const qs = this.engine.quantumSize;
    while (this.#running && this.engine.frame < target) {
      let bus = this.engine.renderQuantum();
      if (sink !== null && sink.wantsData) {
        const ch = this.#channels;
        if (bus.numberOfChannels !== ch && !bus.silent) {
          // The sink's channel layout is fixed when it opens: mix with the speaker rules.
          const m = this.#mixed;
          m.setChannelCount(ch);
          mixChannels(bus.channels, m.channels, qs, 'speakers', false);
          m.silent = false;
          bus = m;
        }
        const il = this.#interleaved;
        const n = bus.numberOfChannels;
        for (let c = 0; c < ch; c++) {
          if (c >= n || bus.silent) {
            for (let i = 0; i < qs; i++) il[i * ch + c] = 0;
          } else {
            const src = bus.channels[c]!;
            for (let i = 0; i < qs; i++) il[i * ch + c] = src[i]!;
          }
        }
        if (!sink.write(il, qs)) {
          this.#waitingDrain = true;
          sink.onDrain(() => {
            this.#waitingDrain = false;
            if (this.#running && this.#timer === null) this.#tick();
          });
          return;
        }
      }
    }
    if (this.#running) this.#timer = this.#clock.schedule(now + this.#tickMs, this.#tick);
  }

}
