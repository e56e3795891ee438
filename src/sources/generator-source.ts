/**
 * An EngineSource fed by pushed frames (VideoTrackGenerator, MediaStreamTrackGenerator, Node
 * readables): each pushed frame goes to every open output, which adapts it per track.
 *
 * It counts frames it delivered that consumers still hold ("in flight"), so a feeder can slow down
 * while the track's consumers are behind.
 */
import { RealClock, type Clock } from '../media/clock.js';
import type { MediaKind } from './types.js';
import { BaseSource } from './base-source.js';
import { VideoFrame, videoFrameInternals, createVideoFrame } from '../media/video-frame.js';
import { AudioData, audioDataInternals, createAudioData } from '../media/audio-data.js';
import { FrameBuffer } from '../media/frame-buffer.js';

let sharedClock: Clock | null = null;

/** Generators have no timing of their own; they share one real clock for the EngineSource contract. */
function defaultClock(): Clock {
  sharedClock ??= new RealClock();
  return sharedClock;
}

export class GeneratorSource extends BaseSource {
  #inFlight = 0;
  #onInFlightDrop: (() => void) | null = null;
  #stopListeners: (() => void)[] = [];

  constructor(kind: MediaKind, clock: Clock = defaultClock()) {
    super(kind, clock, null);
  }

  protected start(): void {}
  protected halt(): void {}

  /** Frames delivered by this source that consumers have not closed yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Called (once) the next time a delivered frame is closed by its last holder. */
  whenInFlightDrops(callback: () => void): void {
    this.#onInFlightDrop = callback;
  }

  /** Runs `listener` when the source stops (its last track ended, or endSource()). */
  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.#stopListeners.push(listener);
  }

  #dropping = false;

  /** While true, pushed frames are closed without being sent (a muted generator sends nothing). */
  setDropping(dropping: boolean): void {
    this.#dropping = dropping;
  }

  /** Reports the muted state to the tracks (they update in a queued task, M#set-track-muted). */
  reportMuted(muted: boolean): void {
    this.setMuted(muted);
  }

  /** Generators send nothing while muted, so what they do send is never silenced. */
  protected override get silenced(): boolean {
    return false;
  }

  /** The source ends by itself: its tracks end (the writable closed). */
  end(reason: string): void {
    this.endSource(reason);
    this.#notifyStop();
  }

  override stop(): void {
    super.stop();
    this.#notifyStop();
  }

  #notifyStop(): void {
    const listeners = this.#stopListeners.splice(0);
    for (const l of listeners) l();
  }

  /**
   * Delivers `frame` (a frame of this implementation) to every output, then closes it. Frames
   * pushed while the source is stopped or muted are closed without delivery. Returns whether the
   * frame was delivered.
   */
  push(frame: VideoFrame | AudioData): boolean {
    if (this.stopped || this.#dropping || this.outputCount === 0) {
      frame.close();
      return false;
    }
    // Re-wrap over the same storage with a release hook, so in-flight frames are counted.
    const tracked = this.#tracked(frame);
    frame.close();
    if (!tracked) return false;
    this.emit(tracked);
    return true;
  }

  #tracked(frame: VideoFrame | AudioData): VideoFrame | AudioData | null {
    const onRelease = (): void => {
      this.#inFlight--;
      const cb = this.#onInFlightDrop;
      this.#onInFlightDrop = null;
      cb?.();
    };
    if (frame instanceof VideoFrame) {
      const v = videoFrameInternals(frame);
      if (!v) return null;
      const buffer = FrameBuffer.view(v.buffer, onRelease);
      this.#inFlight++;
      return createVideoFrame(buffer, {
        format: v.format,
        codedWidth: v.codedWidth,
        codedHeight: v.codedHeight,
        planes: [...v.planes],
        visibleRect: v.visibleRect,
        displayWidth: frame.displayWidth,
        displayHeight: frame.displayHeight,
        timestamp: v.timestamp,
        duration: v.duration,
        colorSpace: v.colorSpace,
        rotation: frame.rotation,
        flip: frame.flip,
      });
    }
    const a = audioDataInternals(frame);
    if (!a) return null;
    const buffer = FrameBuffer.view(a.buffer, onRelease);
    this.#inFlight++;
    return createAudioData(buffer, {
      format: a.format,
      sampleRate: a.sampleRate,
      numberOfFrames: a.numberOfFrames,
      numberOfChannels: a.numberOfChannels,
      timestamp: a.timestamp,
      offset: a.offset,
    });
  }
}
