/**
 * What feeds one RTCRtpSender: a native input track of the engine, fed from whichever of our
 * tracks the sender has now. replaceTrack() only changes what feeds the native track, so it never
 * needs renegotiation. Disabled and muted tracks already deliver black / silence through their
 * output (mediacapture-main#track-enabled), which is what the far end gets.
 */
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { getTrackOutput } from '../stream/internals.js';
import type { AudioInput, VideoInput, WebRtcEngine, Native } from './engines/engine.js';
import { videoFrameInternals } from '../media/video-frame.js';
import { audioDataChannels, type AudioData } from '../media/audio-data.js';
import { I420Picture, frameToI420 } from '../recording/i420.js';
import { Resampler } from '../media/resample.js';

export interface SendPipe {
  readonly kind: 'audio' | 'video';
  readonly nativeTrack: Native;
  /** Feeds the native track from `track` (null: nothing is sent). */
  attach(track: MediaStreamTrack | null): void;
  /** Encoding controls applied on our side, for engines that cannot: `active` false sends nothing. */
  setEncoding(encoding: { active: boolean; scaleResolutionDownBy: number }): void;
  close(): void;
}

export function createSendPipe(engine: WebRtcEngine, kind: 'audio' | 'video'): SendPipe {
  return kind === 'video' ? new VideoSendPipe(engine.createVideoInput()) : new AudioSendPipe(engine.createAudioInput());
}

abstract class BasePipe {
  #unsubscribe: (() => void) | null = null;
  protected closed = false;
  protected active = true;
  protected scaleDownBy = 1;

  setEncoding(encoding: { active: boolean; scaleResolutionDownBy: number }): void {
    this.active = encoding.active;
    this.scaleDownBy = encoding.scaleResolutionDownBy;
  }

  attach(track: MediaStreamTrack | null): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.reset();
    if (!track || this.closed) return;
    let live = true;
    const unsubscribe = getTrackOutput(track).subscribe({
      frame: (frame: unknown) => {
        if (live && !this.closed && this.active) this.send(frame);
        else (frame as { close(): void }).close();
      },
      end: () => {
        live = false;
      },
    });
    this.#unsubscribe = () => {
      live = false;
      unsubscribe();
    };
  }

  close(): void {
    if (this.closed) return;
    this.attach(null);
    this.closed = true;
    this.closeInput();
  }

  protected abstract send(frame: unknown): void;
  protected abstract reset(): void;
  protected abstract closeInput(): void;
}

class VideoSendPipe extends BasePipe implements SendPipe {
  readonly kind = 'video' as const;
  readonly #input: VideoInput;
  #picture: I420Picture | null = null;

  constructor(input: VideoInput) {
    super();
    this.#input = input;
  }

  get nativeTrack(): Native {
    return this.#input.track;
  }

  protected send(frame: unknown): void {
    const f = videoFrameInternals(frame);
    try {
      if (!f) return;
      // The engine takes even sizes; an odd visible size is cropped by one pixel.
      // scaleResolutionDownBy, when we apply it: each side divided, kept even.
      const k = this.scaleDownBy;
      const w = Math.max(2, Math.floor(f.visibleRect.width / k)) & ~1, h = Math.max(2, Math.floor(f.visibleRect.height / k)) & ~1;
      if (f.visibleRect.width < 2 || f.visibleRect.height < 2) return;
      const p = f.planes;
      const tight = f.format === 'I420' && f.visibleRect.x === 0 && f.visibleRect.y === 0 && f.codedWidth === w && f.codedHeight === h &&
        p[0]!.offset === 0 && p[0]!.stride === w && p[1]!.offset === w * h && p[1]!.stride === w / 2 && p[2]!.offset === (w * h * 5) / 4 && p[2]!.stride === w / 2;
      if (tight) {
        // The frame's own storage, no copy on our side.
        this.#input.sendI420(w, h, f.buffer.data.subarray(0, (w * h * 3) / 2));
        return;
      }
      if (!this.#picture || this.#picture.width !== w || this.#picture.height !== h) this.#picture = new I420Picture(w, h);
      frameToI420(frame, this.#picture);
      this.#input.sendI420(w, h, this.#picture.data);
    } finally {
      (frame as { close(): void }).close();
    }
  }

  protected reset(): void {}

  protected closeInput(): void {
    this.#input.close();
  }
}

class AudioSendPipe extends BasePipe implements SendPipe {
  readonly kind = 'audio' as const;
  readonly #input: AudioInput;
  readonly #chunkFrames: number;
  readonly #chunk: Int16Array;
  #filled = 0;
  #resampler: Resampler | null = null;
  #scratch: Float32Array[] = [new Float32Array(0)];
  #mono = new Float32Array(0);

  constructor(input: AudioInput) {
    super();
    this.#input = input;
    this.#chunkFrames = input.sampleRate / 100;
    this.#chunk = new Int16Array(this.#chunkFrames * input.channelCount);
  }

  get nativeTrack(): Native {
    return this.#input.track;
  }

  protected send(frame: unknown): void {
    const data = frame as AudioData;
    try {
      const frames = data.numberOfFrames;
      const channels = audioDataChannels(data);
      // Mix down to the engine's mono.
      if (this.#mono.length < frames) this.#mono = new Float32Array(frames);
      const mono = this.#mono.subarray(0, frames);
      mono.fill(0);
      for (const ch of channels) for (let i = 0; i < frames; i++) mono[i]! += ch[i]! / channels.length;
      // Resample once, to the engine's rate.
      const rate = data.sampleRate;
      let out: Float32Array = mono;
      if (rate !== this.#input.sampleRate) {
        if (!this.#resampler || this.#resampler.inputRate !== rate) this.#resampler = new Resampler(rate, this.#input.sampleRate, 1);
        const max = this.#resampler.maxOutputFrames(frames);
        if (this.#scratch[0]!.length < max) this.#scratch = [new Float32Array(max)];
        const n = this.#resampler.process([mono], frames, this.#scratch);
        out = this.#scratch[0]!.subarray(0, n);
      }
      // Cut into 10 ms chunks.
      const chunk = this.#chunk;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        chunk[this.#filled++] = v >= 1 ? 32767 : v <= -1 ? -32768 : Math.round(v * 32767);
        if (this.#filled === this.#chunkFrames) {
          this.#input.sendS16(chunk);
          this.#filled = 0;
        }
      }
    } finally {
      data.close();
    }
  }

  protected reset(): void {
    this.#filled = 0;
    this.#resampler = null;
  }

  protected closeInput(): void {
    this.#input.close();
  }
}
