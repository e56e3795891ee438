/**
 * Plays a MediaFile on a clock for a media element whose resource came from `src`: video frames
 * are shown at their presentation times and audio is handed on in 20 ms chunks as the element's
 * official playback position passes them. The element (media-element-core.ts) owns the timeline;
 * this only asks it where the timeline is and tells it what to show.
 *
 * Video is decoded a few frames ahead. A frame is never dropped in playback: if decoding falls
 * behind (or a VirtualClock is advanced by more than the decoded-ahead window in one step), the
 * frame is shown late, stamped with the time it was due. Seeking decodes from the start up to the
 * target and shows the frame on screen there.
 */
import type { Clock, ClockTimer } from '../media/clock.js';
import { VideoFrame } from '../media/video-frame.js';
import { allocateAudioData, type AudioData } from '../media/audio-data.js';
import type { MediaFile } from './media-file.js';

export interface PlayerHooks {
  /** The element's official playback position (s). */
  position(): number;
  /** Whether the element is potentially playing. */
  playing(): boolean;
  /** The clock time (ms) at which the timeline reaches media time `t` (now, when paused). */
  clockTimeFor(t: number): number;
  /** Show `frame` (the player gives up its reference). */
  present(frame: VideoFrame): void;
  /** Whether anyone takes the audio (captured streams, a MediaElementAudioSourceNode). */
  wantsAudio(): boolean;
  /** Rendered audio (the player gives up its reference). */
  audio(data: AudioData): void;
  /** The timeline reached the end of the media, at `end` seconds. */
  reachedEnd(end: number): void;
  /** Decoding failed part-way (html: a decode error after metadata). */
  decodeError(message: string): void;
}

/** Decoded frames kept ahead of the playback position. */
const AHEAD = 6;
/** Frames count as due this much (s) before their time: timer rounding must not skip one. */
const EPSILON = 1e-4;

interface Pending {
  frame: VideoFrame;
  /** Presentation time, seconds from the file's start. */
  time: number;
}

export class FilePlayer {
  readonly media: MediaFile;
  readonly #clock: Clock;
  readonly #hooks: PlayerHooks;
  readonly #chunk: number;
  #ahead: Pending[] = [];
  #videoEnded = false;
  /** Presentation time of the last frame and the gap before it, for files of unknown duration. */
  #lastTime = 0;
  #lastGap = 0;
  #refilling = false;
  /** Bumped by seeks and close(): decoding started for an older value is thrown away. */
  #gen = 0;
  #audioNext = 0;
  #timer: ClockTimer | null = null;
  #endReported = false;
  #closed = false;
  #ticking = false;
  #again = false;
  /** The last video timestamp given out (µs): stamps never go back, even across seeks and loops. */
  #lastStamp = -Infinity;
  /** Nothing shown since start or the last seek: the next frame decoded is shown at once. */
  #needPicture = true;

  constructor(media: MediaFile, clock: Clock, hooks: PlayerHooks) {
    this.media = media;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#chunk = media.audio ? Math.max(1, Math.round(media.audio.sampleRate / 50)) : 0;
  }

  /** Decodes the first frames and shows the first one. */
  start(): void {
    if (this.media.video) void this.#refill();
    else this.tick();
  }

  /** Play, pause, a ready-state change or a seek moved the timeline: re-plan. */
  timelineChanged(): void {
    if (!this.#closed) this.tick();
  }

  /**
   * Moves to `t` seconds: shows the frame there and continues from it. Resolves true once done,
   * false when a later seek or close() took over.
   */
  async seek(t: number): Promise<boolean> {
    const gen = ++this.#gen;
    this.#timer?.cancel();
    this.#timer = null;
    this.#refilling = false;
    for (const p of this.#ahead.splice(0)) p.frame.close();
    this.#videoEnded = false;
    this.#endReported = false;
    this.#needPicture = true;
    const audio = this.media.audio;
    if (audio) this.#audioNext = Math.min(audio.channels[0]!.length, Math.max(0, Math.round(t * audio.sampleRate)));
    const video = this.media.video;
    if (video) {
      let shown: Pending | null = null;
      try {
        await video.rewind();
        for (;;) {
          if (gen !== this.#gen) {
            shown?.frame.close();
            return false;
          }
          const frame = await video.next();
          if (gen !== this.#gen) {
            frame?.close();
            shown?.frame.close();
            return false;
          }
          if (!frame) {
            this.#videoEnded = true;
            break;
          }
          const p = this.#note(frame);
          if (p.time <= t + EPSILON) {
            shown?.frame.close();
            shown = p;
          } else {
            this.#ahead.push(p);
            break;
          }
        }
      } catch (e) {
        shown?.frame.close();
        if (gen === this.#gen) this.#hooks.decodeError(`decoding failed while seeking: ${(e as Error).message}`);
        return false;
      }
      if (shown) this.#ahead.unshift(shown);
      this.tick();
    }
    return gen === this.#gen;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#gen++;
    this.#timer?.cancel();
    this.#timer = null;
    for (const p of this.#ahead.splice(0)) p.frame.close();
    this.media.close();
  }

  /** Shows and hands on everything due by the current position, then waits for what comes next. */
  tick(): void {
    if (this.#closed) return;
    // Showing a frame can change the element's state, which calls back in here: run again after.
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    try {
      do {
        this.#again = false;
        this.#tickOnce();
      } while (this.#again && !this.#closed);
    } finally {
      this.#ticking = false;
    }
  }

  #tickOnce(): void {
    this.#timer?.cancel();
    this.#timer = null;
    const h = this.#hooks;
    const t = h.position();
    const playing = h.playing();
    if (playing) while (this.#ahead.length > 0 && this.#ahead[0]!.time <= t + EPSILON) this.#show(this.#ahead.shift()!);
    if (this.#needPicture && this.#ahead.length > 0) {
      // Nothing on screen yet (after loading or a seek): show the frame at the position (or the
      // first one, when the position is before it: codecs start a few ms in) as the current
      // picture. It stays queued, so playback shows it again, and captures it, at its time.
      if (!playing) while (this.#ahead.length > 1 && this.#ahead[1]!.time <= t + EPSILON) this.#ahead.shift()!.frame.close();
      const first = this.#ahead[0]!;
      this.#show({ frame: new VideoFrame(first.frame), time: first.time });
    }
    if (this.media.video && this.#ahead.length < AHEAD && !this.#videoEnded) void this.#refill();
    const audio = this.media.audio;
    if (audio && playing) {
      const length = audio.channels[0]!.length;
      const until = Math.min(length, Math.floor(t * audio.sampleRate + EPSILON));
      while (this.#audioNext < until) {
        const n = Math.min(this.#chunk, until - this.#audioNext);
        if (h.wantsAudio()) h.audio(this.#audioChunk(this.#audioNext, n));
        this.#audioNext += n;
      }
    }
    const end = this.#endTime();
    if (playing && end !== null && t >= end - EPSILON && this.#videoDone()) {
      if (!this.#endReported) {
        this.#endReported = true;
        h.reachedEnd(end);
      }
      return;
    }
    if (!playing) return;
    let next = Infinity;
    if (this.#ahead.length > 0) next = this.#ahead[0]!.time;
    if (audio && this.#audioNext < audio.channels[0]!.length) next = Math.min(next, (this.#audioNext + this.#chunk) / audio.sampleRate);
    if (end !== null && end > t + EPSILON) next = Math.min(next, end);
    // Nothing known to wait for: the decoder is still working and ticks when it has a frame.
    if (next === Infinity) return;
    const due = Math.max(h.clockTimeFor(next), this.#clock.now());
    this.#timer = this.#clock.schedule(due, () => {
      this.#timer = null;
      this.tick();
    });
  }

  /** Every video frame has been shown (or there is no video). */
  #videoDone(): boolean {
    return !this.media.video || (this.#videoEnded && this.#ahead.length === 0);
  }

  /** When the media ends (s), or null while that is not known yet (no duration, video still decoding). */
  #endTime(): number | null {
    const duration = this.media.duration;
    if (Number.isFinite(duration)) return duration;
    if (!this.#videoEnded) return null;
    const audio = this.media.audio;
    const audioEnd = audio ? audio.channels[0]!.length / audio.sampleRate : 0;
    return Math.max(audioEnd, this.#lastTime + this.#lastGap);
  }

  #note(frame: VideoFrame): Pending {
    const time = frame.timestamp / 1e6;
    if (time > this.#lastTime) {
      this.#lastGap = time - this.#lastTime;
      this.#lastTime = time;
    }
    return { frame, time };
  }

  #show(p: Pending): void {
    this.#needPicture = false;
    // Frames go out stamped on the element's clock (µs), like a live track's, at the time they were due.
    const at = Math.max(Math.round(this.#hooks.clockTimeFor(p.time) * 1000), this.#lastStamp + 1);
    this.#lastStamp = at;
    const stamped = new VideoFrame(p.frame, { timestamp: at });
    p.frame.close();
    this.#hooks.present(stamped);
  }

  #audioChunk(from: number, frames: number): AudioData {
    const audio = this.media.audio!;
    const at = this.#hooks.clockTimeFor(from / audio.sampleRate);
    const { data, planes } = allocateAudioData(audio.sampleRate, audio.channels.length, frames, Math.round(at * 1000));
    for (let c = 0; c < planes.length; c++) planes[c]!.set(audio.channels[c]!.subarray(from, from + frames));
    return data;
  }

  async #refill(): Promise<void> {
    const video = this.media.video;
    if (!video || this.#refilling || this.#videoEnded || this.#closed) return;
    this.#refilling = true;
    const gen = this.#gen;
    try {
      while (this.#ahead.length < AHEAD) {
        const frame = await video.next();
        if (gen !== this.#gen) {
          frame?.close();
          return;
        }
        if (!frame) {
          this.#videoEnded = true;
          break;
        }
        this.#ahead.push(this.#note(frame));
        // The first frames: show what is due without waiting for the whole window.
        if (this.#ahead.length === 1) this.tick();
      }
    } catch (e) {
      if (gen === this.#gen) this.#hooks.decodeError(`decoding failed: ${(e as Error).message}`);
      return;
    } finally {
      if (gen === this.#gen) this.#refilling = false;
    }
    this.tick();
  }
}
