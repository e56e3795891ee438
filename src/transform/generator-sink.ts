/**
 * The underlying sink shared by VideoTrackGenerator and MediaStreamTrackGenerator: the writable
 * whose frames become the frames of the generator's tracks (mediacapture-transform#writeframe,
 * #closewritable).
 */
import { WritableStream as NodeWritableStream } from 'node:stream/web';
import { GeneratorSource } from '../sources/generator-source.js';
import { isOwnVideoFrame, isDetachedVideoFrame, isVideoFrameLike, importVideoFrame, type VideoFrame } from '../media/video-frame.js';
import { isOwnAudioData, isDetachedAudioData, isAudioDataLike, importAudioData, type AudioData } from '../media/audio-data.js';
import { describe } from '../webidl/index.js';

export interface GeneratorSinkOptions {
  /** Error the writable once the last track ended (VideoTrackGenerator: "the writable is closed"). */
  errorWhenEnded: boolean;
}

export class GeneratorSink {
  readonly source: GeneratorSource;
  readonly kind: 'audio' | 'video';
  #writable: WritableStream | null = null;
  #controller: WritableStreamDefaultController | null = null;
  #ended = false;

  constructor(kind: 'audio' | 'video', options: GeneratorSinkOptions) {
    this.kind = kind;
    this.source = new GeneratorSource(kind);
    this.source.onStop(() => {
      this.#ended = true;
      if (options.errorWhenEnded) {
        // A sink cannot close its own WritableStream; erroring it is how the writable stops
        // accepting frames once every track of the generator has ended.
        this.#controller?.error(new DOMException('the generator’s tracks have ended', 'InvalidStateError'));
      }
    });
  }

  /** Created on first access, as the spec's `writable` getter says. */
  get writable(): WritableStream {
    if (!this.#writable) {
      const ended = this.#ended;
      // The global class where there is one, else Node's (jest's jsdom environment has none).
      const Writable = (globalThis.WritableStream ?? NodeWritableStream) as typeof WritableStream;
      this.#writable = new Writable({
        start: (controller) => {
          this.#controller = controller;
          if (ended) controller.error(new DOMException('the generator’s tracks have ended', 'InvalidStateError'));
        },
        write: (chunk) => this.#writeFrame(chunk),
        close: () => this.#closeWritable(),
        abort: () => this.#closeWritable(),
      });
    }
    return this.#writable;
  }

  /** mediacapture-transform#writeframe */
  async #writeFrame(frame: unknown): Promise<void> {
    const what = this.kind === 'video' ? 'VideoFrame' : 'AudioData';
    // 1-2.
    const own = this.kind === 'video' ? isOwnVideoFrame(frame) : isOwnAudioData(frame);
    const like = this.kind === 'video' ? isVideoFrameLike(frame) : isAudioDataLike(frame);
    if (!own && !like) throw new TypeError(`writable accepts ${what} objects, got ${describe(frame)}`);
    if (own && (this.kind === 'video' ? isDetachedVideoFrame(frame) : isDetachedAudioData(frame))) {
      throw new TypeError(`the ${what} written is closed`);
    }
    // A frame of another WebCodecs implementation is copied into one of ours.
    let ours: VideoFrame | AudioData;
    if (own) ours = frame as VideoFrame | AudioData;
    else {
      ours = this.kind === 'video' ? await importVideoFrame(frame) : importAudioData(frame);
      (frame as { close(): void }).close();
    }
    // 3-4. Muted, stopped or unattached generators close the frame without sending it.
    this.source.push(ours);
  }

  /** mediacapture-transform#closewritable: every track of the generator ends. */
  #closeWritable(): void {
    this.source.end('the generator’s writable was closed');
  }
}
