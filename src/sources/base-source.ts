/**
 * The common engine source: owns its outputs, runs its producer only while at least one output is
 * open, and fans each native frame out to the outputs (which adapt per track). Subclasses
 * implement start()/halt() and call emit() with the frames they produce.
 */
import type { Clock } from '../media/clock.js';
import type { EngineSource, MediaKind, SourceConfig, SourceObserver, TrackFormat, TrackOutput } from './types.js';
import { TrackOutputImpl, type MediaFrame, type OutputHost } from './track-output.js';
import { reportException } from '../webidl/index.js';

export abstract class BaseSource implements EngineSource, OutputHost {
  readonly kind: MediaKind;
  readonly clock: Clock;
  observer: SourceObserver | null = null;
  #config: SourceConfig | null;
  #muted = false;
  #outputs: TrackOutputImpl[] = [];
  #running = false;
  #stopped = false;

  constructor(kind: MediaKind, clock: Clock, config: SourceConfig | null) {
    this.kind = kind;
    this.clock = clock;
    this.#config = config;
  }

  get muted(): boolean {
    return this.#muted;
  }
  get config(): SourceConfig | null {
    return this.#config;
  }
  /** True while the producer runs. */
  get running(): boolean {
    return this.#running;
  }
  /** True once stop() ran or the source ended. */
  get stopped(): boolean {
    return this.#stopped;
  }
  get outputCount(): number {
    return this.#outputs.length;
  }

  /** Begins producing (first output opened). */
  protected abstract start(): void;
  /** Stops producing and releases timers/processes (last output closed, or stop()). */
  protected abstract halt(): void;

  /** The format a track gets when it asks for none: the native one. */
  protected nativeFormat(): TrackFormat | null {
    const c = this.#config;
    if (!c) return null;
    return c.kind === 'video'
      ? { kind: 'video', width: c.mode.width, height: c.mode.height, frameRate: c.mode.frameRate }
      : { kind: 'audio', sampleRate: c.mode.sampleRate, channelCount: c.mode.channelCount };
  }

  configure(config: SourceConfig): void {
    if (config.kind !== this.kind) throw new TypeError(`configure: a ${config.kind} configuration given to a ${this.kind} source`);
    this.#config = config;
    if (this.#running) {
      this.halt();
      this.start();
    }
  }

  createOutput(format: TrackFormat | null): TrackOutput {
    const output = new TrackOutputImpl(this.kind, this, format ?? this.nativeFormat());
    if (this.#stopped) {
      output.close();
      return output;
    }
    this.#outputs = [...this.#outputs, output];
    if (!this.#running) {
      this.#running = true;
      this.start();
    }
    return output;
  }

  outputClosed(output: TrackOutputImpl): void {
    const before = this.#outputs.length;
    this.#outputs = this.#outputs.filter((o) => o !== output);
    if (before > 0 && this.#outputs.length === 0 && this.#running) {
      this.#running = false;
      this.halt();
    }
  }

  /** Hands a native frame to every open output, then closes it (outputs clone what they keep). */
  protected emit(frame: MediaFrame): void {
    const outputs = this.#outputs;
    const muted = this.silenced;
    for (let i = 0; i < outputs.length; i++) {
      try {
        outputs[i]!.push(frame, muted);
      } catch (e) {
        reportException(e);
      }
    }
    frame.close();
  }

  /** Whether emitted frames are replaced by zero-information content (a muted device). */
  protected get silenced(): boolean {
    return this.#muted;
  }

  /** True if some output has a consumer (producers may skip work when nobody listens). */
  protected get hasConsumers(): boolean {
    for (const o of this.#outputs) if (o.consumerCount > 0) return true;
    return false;
  }

  /** Changes the source's muted state and reports it (M#set-track-muted). */
  protected setMuted(muted: boolean): void {
    if (this.#muted === muted) return;
    this.#muted = muted;
    this.observer?.muted?.(muted);
  }

  /** The source ended by itself: outputs end their consumers, the producer stops (M#ends-nostop). */
  protected endSource(reason: string): void {
    if (this.#stopped) return;
    this.#finish();
    this.observer?.ended?.(reason);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#finish();
  }

  #finish(): void {
    this.#stopped = true;
    if (this.#running) {
      this.#running = false;
      this.halt();
    }
    const outputs = this.#outputs;
    this.#outputs = [];
    for (const o of outputs) o.close();
  }
}
