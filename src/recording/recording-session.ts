/**
 * One recording, from start() to the end: subscribes to the recorded tracks, puts their media on
 * the recording's time line (zero at start, paused spans removed, gaps of a muted microphone
 * filled with silence, a muted camera recorded as black), converts it to what the writer takes
 * and hands it over. Bytes come out of the writer into a ByteCollector; slices are cut when
 * `timeslice` ms of media have been recorded, on requestData() and at the end.
 *
 * The writer is created asynchronously (loading the encoders); media that arrives before it is
 * ready waits, bounded in memory.
 */
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { getTrackOutput, getTrackSource } from '../stream/internals.js';
import type { Clock } from '../media/clock.js';
import type { MediaConsumer } from '../sources/types.js';
import { audioDataChannels, isOwnAudioData } from '../media/audio-data.js';
import { videoFrameInternals } from '../media/video-frame.js';
import { mixChannels } from '../media/channel-mix.js';
import { Resampler } from '../media/resample.js';
import { ByteCollector } from './byte-collector.js';
import { I420Picture, frameToI420, unsupportedFrameReason } from './i420.js';
import type { RecordingConfiguration } from './mime-type.js';
import type { MediaWriter, WriterConfig, WriterFactory } from './engine/types.js';

export interface SessionInit {
  readonly configuration: RecordingConfiguration;
  readonly videoTrack: MediaStreamTrack | null;
  readonly audioTrack: MediaStreamTrack | null;
  readonly videoBitsPerSecond: number;
  readonly audioBitsPerSecond: number;
  readonly audioBitrateMode: 'constant' | 'variable';
  readonly keyFrameIntervalMs: number | null;
  readonly keyFrameIntervalCount: number | null;
  /** Media ms per slice; Infinity for one slice. */
  readonly timeslice: number;
  readonly createWriter: WriterFactory;
  /** The writer is ready: the recorder fires `start`. */
  onStarted(): void;
  /** A slice of `timeslice` ms was cut: its bytes, and the media time (ms) its data starts at. */
  onSlice(bytes: Uint8Array, timecode: number): void;
  /** Recording cannot go on (the writer failed): the name of the error and why. */
  onFailure(name: 'NotSupportedError' | 'UnknownError', message: string): void;
  /** Every recorded track ended. */
  onTracksEnded(): void;
}

/** Media waiting for the writer may hold this much memory; beyond it the recording fails. */
const MAX_PENDING_BYTES = 512 * 2 ** 20;
/** A hole in the audio longer than this (µs) is filled with silence. */
const AUDIO_GAP_US = 20_000;
/** Without a key frame interval given, a key frame every this many ms of media. */
const DEFAULT_KEY_INTERVAL_MS = 2000;
/** The shortest slice, in ms of media (a timeslice of 0 would otherwise cut at every frame). */
export const MIN_TIMESLICE_MS = 10;

type Op = (() => void) & { take?: boolean };

export class RecordingSession {
  readonly #init: SessionInit;
  readonly #clock: Clock;
  readonly #originUs: number;
  readonly #collector = new ByteCollector();
  #writer: MediaWriter | null = null;
  #pending: Op[] | null = [];
  #pendingBytes = 0;
  #failed = false;
  #finished = false;
  readonly #unsubscribe: Array<() => void> = [];
  #liveTracks = 0;

  // Time line.
  #pausedAtUs: number | null = null;
  #pausedTotalUs = 0;
  /** Media time (µs) recorded so far: the end of the latest media handed over. */
  #recordedUs = 0;
  #sliceStartUs = 0;

  // Video.
  #picture: I420Picture | null = null;
  #lastVideoUs = -1;
  #lastKeyUs = -Infinity;
  #framesSinceKey = 0;
  #videoFrameUs = 33_333;

  // Audio.
  #resampler: Resampler | null = null;
  #audioInRate = 0;
  #audioChannels = 0;
  /** Recording time (µs) where the next input audio is expected. */
  #audioExpectedUs = 0;
  #audioInFrames = 0;
  #audioOutFrames = 0;
  #audioSkip = 0;
  #fifo: Float32Array[] = [];
  #fifoFill = 0;
  #audioPosition = 0;

  constructor(init: SessionInit) {
    this.#init = init;
    const first = (init.videoTrack ?? init.audioTrack)!;
    this.#clock = getTrackSource(first).clock;
    this.#originUs = Math.round(this.#clock.now() * 1000);
    const config = this.#writerConfig();
    if (init.videoTrack) this.#subscribe(init.videoTrack, (f) => this.#onVideo(f));
    if (init.audioTrack) this.#subscribe(init.audioTrack, (f) => this.#onAudio(f));
    if (init.videoTrack) {
      const track = init.videoTrack;
      const onMute = () => this.#blackFrame();
      track.addEventListener('mute', onMute);
      this.#unsubscribe.push(() => track.removeEventListener('mute', onMute));
    }
    init.createWriter(config, this.#collector).then(
      (writer) => {
        if (this.#failed || this.#finished) {
          writer.dispose();
          return;
        }
        this.#writer = writer;
        this.#setUpAudio();
        const ops = this.#pending!;
        this.#pending = null;
        this.#pendingBytes = 0;
        init.onStarted();
        for (const op of ops) {
          if (!this.#failed) this.#guard(op);
          else if (op.take) op();
        }
      },
      (e: unknown) => this.#fail('NotSupportedError', `cannot record ${init.configuration.mimeType}: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** The ByteCollector the writer writes to (a file writer watches its patches). */
  get collector(): ByteCollector {
    return this.#collector;
  }

  get ready(): boolean {
    return this.#writer !== null;
  }

  #writerConfig(): WriterConfig {
    const i = this.#init;
    let video: WriterConfig['video'] = null;
    if (i.videoTrack && i.configuration.videoCodec) {
      const s = i.videoTrack.getSettings();
      const frameRate = typeof s.frameRate === 'number' && s.frameRate > 0 ? s.frameRate : 30;
      this.#videoFrameUs = Math.round(1e6 / frameRate);
      video = {
        codec: i.configuration.videoCodec, width: s.width ?? 640, height: s.height ?? 480, frameRate, bitsPerSecond: i.videoBitsPerSecond,
        keyFrameIntervalMs: i.keyFrameIntervalCount === null ? (i.keyFrameIntervalMs ?? DEFAULT_KEY_INTERVAL_MS) : null,
        keyFrameIntervalCount: i.keyFrameIntervalCount,
      };
      this.#picture = new I420Picture(video.width, video.height);
    }
    let audio: WriterConfig['audio'] = null;
    if (i.audioTrack && i.configuration.audioCodec) {
      const s = i.audioTrack.getSettings();
      audio = {
        codec: i.configuration.audioCodec,
        sampleRate: typeof s.sampleRate === 'number' && s.sampleRate > 0 ? s.sampleRate : 48000,
        channelCount: typeof s.channelCount === 'number' && s.channelCount > 0 ? s.channelCount : 1,
        bitsPerSecond: i.audioBitsPerSecond,
        bitrateMode: i.audioBitrateMode,
      };
    }
    return { container: i.configuration.container, video, audio, timesliceMs: Number.isFinite(i.timeslice) ? Math.max(i.timeslice, MIN_TIMESLICE_MS) : null };
  }

  #subscribe(track: MediaStreamTrack, onFrame: (frame: unknown) => void): void {
    this.#liveTracks++;
    let ended = false;
    const consumer: MediaConsumer<unknown> = {
      frame: (frame) => onFrame(frame),
      end: () => {
        if (ended) return;
        ended = true;
        if (--this.#liveTracks === 0 && !this.#finished && !this.#failed) this.#init.onTracksEnded();
      },
    };
    this.#unsubscribe.push(getTrackOutput(track).subscribe(consumer));
  }

  /** Runs `op` now when the writer is ready, else keeps it (counting `bytes` of memory it holds). */
  #run(op: Op, bytes: number): void {
    if (this.#failed || this.#finished) return;
    if (this.#pending) {
      this.#pendingBytes += bytes;
      if (this.#pendingBytes > MAX_PENDING_BYTES) {
        this.#fail('UnknownError', `the encoder did not start before ${MAX_PENDING_BYTES >> 20} MiB of media were waiting for it`);
        return;
      }
      this.#pending.push(op);
      return;
    }
    this.#guard(op);
  }

  #guard(op: Op): void {
    try {
      op();
    } catch (e) {
      this.#fail('UnknownError', `recording failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #fail(name: 'NotSupportedError' | 'UnknownError', message: string): void {
    if (this.#failed || this.#finished) return;
    this.#failed = true;
    // Those waiting for bytes (stop, requestData) still get what there is.
    const takes = (this.#pending ?? []).filter((op) => op.take);
    this.#pending = null;
    for (const op of takes) op();
    this.#detach();
    this.#writer?.dispose();
    this.#init.onFailure(name, message);
  }

  /** Media time (µs) of a timestamp on the track's clock; null while paused. */
  #toRecording(timestampUs: number): number | null {
    if (this.#pausedAtUs !== null) return null;
    return timestampUs - this.#originUs - this.#pausedTotalUs;
  }

  #nowRecordingUs(): number {
    const now = Math.round(this.#clock.now() * 1000);
    return (this.#pausedAtUs ?? now) - this.#originUs - this.#pausedTotalUs;
  }

  // ---- video ----

  #onVideo(frame: unknown): void {
    const f = frame as { close(): void };
    try {
      const internals = videoFrameInternals(frame);
      if (!internals || this.#failed || this.#finished) return;
      const t = this.#toRecording(internals.timestamp);
      if (t === null) return;
      const reason = unsupportedFrameReason(frame);
      if (reason) {
        this.#fail('UnknownError', reason);
        return;
      }
      const duration = internals.duration ?? this.#videoFrameUs;
      // A frame that began before start (or before resume) still shows from there on.
      if (t + duration <= 0 && this.#lastVideoUs >= 0) return;
      const ts = Math.max(t, this.#lastVideoUs + 1, 0);
      this.#lastVideoUs = ts;
      const picture = this.#pending ? new I420Picture(this.#picture!.width, this.#picture!.height) : this.#picture!;
      frameToI420(frame, picture);
      this.#run(() => this.#writeVideo(picture, ts, duration), picture.data.byteLength);
    } finally {
      f.close();
    }
  }

  #writeVideo(picture: I420Picture, ts: number, duration: number): void {
    const i = this.#init;
    let key: boolean;
    if (i.keyFrameIntervalCount !== null) key = this.#framesSinceKey === 0 || this.#framesSinceKey >= i.keyFrameIntervalCount;
    else key = ts - this.#lastKeyUs >= (i.keyFrameIntervalMs ?? DEFAULT_KEY_INTERVAL_MS) * 1000;
    if (key) {
      this.#lastKeyUs = ts;
      this.#framesSinceKey = 0;
    }
    this.#framesSinceKey++;
    this.#writer!.writeVideo(picture, ts, duration, key);
    this.#advance(ts + duration);
  }

  /** A muted camera delivers nothing; the recording shows black from now until frames come again. */
  #blackFrame(): void {
    if (!this.#picture || this.#failed || this.#finished || this.#pausedAtUs !== null) return;
    const ts = Math.max(this.#nowRecordingUs(), this.#lastVideoUs + 1, 0);
    this.#lastVideoUs = ts;
    const picture = new I420Picture(this.#picture.width, this.#picture.height);
    picture.fillBlack();
    this.#run(() => this.#writeVideo(picture, ts, this.#videoFrameUs), picture.data.byteLength);
  }

  // ---- audio ----

  #setUpAudio(): void {
    const format = this.#writer!.audioFormat;
    if (!format) return;
    this.#audioChannels = format.channelCount;
    this.#fifo = Array.from({ length: format.channelCount }, () => new Float32Array(Math.max(format.frameSize, 4096)));
  }

  #onAudio(data: unknown): void {
    const d = data as { close(): void };
    try {
      if (!isOwnAudioData(data) || this.#failed || this.#finished) return;
      const t = this.#toRecording(data.timestamp);
      if (t === null) return;
      const rate = data.sampleRate;
      const frames = data.numberOfFrames;
      const planes = audioDataChannels(data);
      // Planes may be views of the frame's storage: copy before it is closed when they must wait.
      const copy = this.#pending ? planes.map((p) => p.slice(0, frames)) : planes;
      this.#run(() => this.#writeAudioIn(copy, frames, rate, t), frames * planes.length * 4);
    } finally {
      d.close();
    }
  }

  #writeAudioIn(planes: Float32Array[], frames: number, rate: number, t: number): void {
    const format = this.#writer!.audioFormat;
    if (!format) return;
    if (!this.#resampler || this.#audioInRate !== rate) {
      this.#audioInRate = rate;
      this.#resampler = new Resampler(rate, format.sampleRate, format.channelCount);
      this.#audioSkip = Math.round(this.#resampler.latency);
    }
    const usPerFrame = 1e6 / rate;
    // Overlap with what was already recorded (a chunk from before start or resume): drop its head.
    let skip = 0;
    if (t < this.#audioExpectedUs) skip = Math.min(frames, Math.round((this.#audioExpectedUs - t) / usPerFrame));
    else if (t - this.#audioExpectedUs > AUDIO_GAP_US) this.#silence(Math.round((t - this.#audioExpectedUs) / usPerFrame));
    if (skip >= frames) return;
    const n = frames - skip;
    const mixed = Array.from({ length: format.channelCount }, () => new Float32Array(n));
    mixChannels(planes.map((p) => p.subarray(skip, frames)), mixed, n, 'speakers');
    this.#resampleIn(mixed, n);
  }

  #silence(frames: number): void {
    const zeros = Array.from({ length: this.#audioChannels }, () => new Float32Array(Math.min(frames, 48000)));
    for (let left = frames; left > 0; left -= 48000) this.#resampleIn(zeros, Math.min(left, 48000));
  }

  /** Feeds input audio through the resampler; `padding` (the drain at the end) is not media. */
  #resampleIn(planes: Float32Array[], frames: number, padding = false): void {
    const r = this.#resampler!;
    const out = Array.from({ length: planes.length }, () => new Float32Array(r.maxOutputFrames(frames)));
    const produced = r.process(planes, frames, out);
    if (!padding) {
      this.#audioInFrames += frames;
      this.#audioExpectedUs += (frames * 1e6) / this.#audioInRate;
    }
    let from = 0;
    if (this.#audioSkip > 0) {
      from = Math.min(produced, this.#audioSkip);
      this.#audioSkip -= from;
    }
    // Never more output than the input's length calls for (the resampler's tail is padding).
    const due = Math.round((this.#audioInFrames * r.outputRate) / r.inputRate) - this.#audioOutFrames;
    const take = Math.max(0, Math.min(produced - from, due));
    this.#fifoPush(out, from, take);
  }

  #fifoPush(planes: Float32Array[], from: number, frames: number): void {
    const format = this.#writer!.audioFormat!;
    const size = format.frameSize;
    this.#audioOutFrames += frames;
    if (size === 0) {
      if (frames > 0) this.#emitAudio(planes.map((p) => p.subarray(from, from + frames)), frames);
      return;
    }
    let offset = from;
    let left = frames;
    while (left > 0) {
      const n = Math.min(left, size - this.#fifoFill);
      for (let c = 0; c < planes.length; c++) this.#fifo[c]!.set(planes[c]!.subarray(offset, offset + n), this.#fifoFill);
      this.#fifoFill += n;
      offset += n;
      left -= n;
      if (this.#fifoFill === size) {
        this.#emitAudio(this.#fifo, size);
        this.#fifoFill = 0;
      }
    }
  }

  #emitAudio(planes: readonly Float32Array[], frames: number): void {
    const format = this.#writer!.audioFormat!;
    this.#writer!.writeAudio(planes, frames, this.#audioPosition);
    this.#audioPosition += frames;
    this.#advance((this.#audioPosition * 1e6) / format.sampleRate);
  }

  /** Whatever the resampler still holds, and the last partial frame (padded with silence). */
  #drainAudio(endUs: number): void {
    const format = this.#writer?.audioFormat;
    if (!format || !this.#resampler) return;
    if (endUs - this.#audioExpectedUs > AUDIO_GAP_US) this.#silence(Math.round(((endUs - this.#audioExpectedUs) * this.#audioInRate) / 1e6));
    const r = this.#resampler;
    const tail = Math.ceil(r.latency * (r.inputRate / r.outputRate)) + 64;
    const zeros = Array.from({ length: this.#audioChannels }, () => new Float32Array(tail));
    this.#resampleIn(zeros, tail, true);
    if (format.frameSize > 0 && this.#fifoFill > 0) {
      for (const p of this.#fifo) p.fill(0, this.#fifoFill, format.frameSize);
      this.#writer!.writeAudio(this.#fifo, this.#fifoFill, this.#audioPosition);
      this.#audioPosition += this.#fifoFill;
      this.#fifoFill = 0;
    }
  }

  // ---- slices ----

  #advance(endUs: number): void {
    if (endUs > this.#recordedUs) this.#recordedUs = endUs;
    const slice = this.#init.timeslice;
    if (!Number.isFinite(slice)) return;
    if (this.#recordedUs - this.#sliceStartUs >= Math.max(slice, MIN_TIMESLICE_MS) * 1000) {
      const timecode = this.#sliceStartUs / 1000;
      this.#sliceStartUs = this.#recordedUs;
      this.#writer!.flush();
      this.#init.onSlice(this.#collector.take(), timecode);
    }
  }

  /**
   * requestData(): the bytes of everything recorded so far, once the writer has them, and the
   * media time (ms) they start at.
   */
  requestData(): Promise<{ bytes: Uint8Array; timecode: number }> {
    return new Promise((resolve) => {
      const take: Op = () => {
        const timecode = this.#sliceStartUs / 1000;
        this.#sliceStartUs = this.#recordedUs;
        try {
          if (!this.#failed && !this.#finished) this.#writer?.flush();
        } catch (e) {
          this.#fail('UnknownError', `recording failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        resolve({ bytes: this.#collector.take(), timecode });
      };
      take.take = true;
      if (this.#pending) this.#pending.push(take);
      else take();
    });
  }

  pause(): void {
    if (this.#pausedAtUs !== null) return;
    this.#pausedAtUs = Math.round(this.#clock.now() * 1000);
  }

  resume(): void {
    if (this.#pausedAtUs === null) return;
    this.#pausedTotalUs += Math.round(this.#clock.now() * 1000) - this.#pausedAtUs;
    this.#pausedAtUs = null;
  }

  /**
   * Stops gathering: detaches from the tracks, ends the file and resolves with the last bytes
   * (once the writer is ready; at once if recording failed). `error` says why the file could not
   * be finished, if it could not (the bytes are then what there is).
   */
  stop(): Promise<{ bytes: Uint8Array; timecode: number; error?: string }> {
    const endUs = this.#nowRecordingUs();
    this.#detach();
    return new Promise((resolve) => {
      const done = (error?: string) => resolve({ bytes: this.#collector.take(), timecode: this.#sliceStartUs / 1000, ...(error === undefined ? {} : { error }) });
      const failed = (e: unknown) => {
        this.#writer?.dispose();
        done(`recording failed: ${e instanceof Error ? e.message : String(e)}`);
      };
      const finish: Op = () => {
        if (this.#failed || this.#finished) {
          done();
          return;
        }
        this.#finished = true;
        let finishing: void | Promise<void>;
        try {
          this.#drainAudio(endUs);
          finishing = this.#writer?.finish();
        } catch (e) {
          failed(e);
          return;
        }
        if (finishing instanceof Promise) finishing.then(() => done(), failed);
        else done();
      };
      finish.take = true;
      if (this.#pending) this.#pending.push(finish);
      else finish();
    });
  }

  /** Stops gathering and frees everything; the bytes collected so far stay takeable. */
  abandon(): { bytes: Uint8Array; timecode: number } {
    this.#detach();
    if (!this.#finished) {
      this.#finished = true;
      const takes = (this.#pending ?? []).filter((op) => op.take);
      this.#pending = null;
      for (const op of takes) op();
      this.#writer?.dispose();
    }
    return { bytes: this.#collector.take(), timecode: this.#sliceStartUs / 1000 };
  }

  #detach(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}
