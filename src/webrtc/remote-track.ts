/**
 * The track of an RTCRtpReceiver (webrtc-pc#dfn-create-an-rtcrtpreceiver): one of our
 * MediaStreamTracks, fed by the engine's decoded frames. It starts muted and is unmuted when the
 * first frame arrives (media flows); it ends when the receiver stops or the connection closes.
 *
 * Frames become our VideoFrame / AudioData with timestamps on a monotonic line: video from the
 * arrival time (µs), audio from the count of samples received since the first chunk.
 */
import { GeneratorSource } from '../sources/generator-source.js';
import { createTrack, setTrackMuted } from '../stream/internals.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import { FrameBuffer } from '../media/frame-buffer.js';
import { createVideoFrame } from '../media/video-frame.js';
import { createAudioData } from '../media/audio-data.js';
import { RealClock, type Clock } from '../media/clock.js';
import type { Native, WebRtcEngine } from './engines/engine.js';

let sharedClock: Clock | null = null;

export class RemoteTrack {
  readonly track: MediaStreamTrack;
  readonly #source: GeneratorSource;
  readonly #stop: () => void;
  readonly #clock: Clock;
  #flowing = false;
  #ended = false;
  /** webrtc-pc#dfn-receptive: whether the negotiated direction lets media arrive. */
  #receptive = true;
  #lastUs = -Infinity;
  #audioBaseUs = NaN;
  #audioFrames = 0;
  #audioRate = 0;

  constructor(engine: WebRtcEngine, kind: 'audio' | 'video', nativeTrack: Native) {
    sharedClock ??= new RealClock();
    this.#clock = sharedClock;
    const source = new GeneratorSource(kind, this.#clock);
    // webrtc-pc#dfn-create-an-rtcrtpreceiver step 6: the track starts muted.
    source.reportMuted(true);
    this.#source = source;
    this.track = createTrack(source, { kind, label: `remote ${kind}` });
    this.#stop =
      kind === 'video'
        ? engine.receiveVideo(nativeTrack, (f) => this.#video(f.width, f.height, f.data))
        : engine.receiveAudio(nativeTrack, (c) => this.#audio(c.sampleRate, c.channelCount, c.numberOfFrames, c.samples));
    // Our track stopped by script: stop taking frames from the engine.
    source.onStop(() => this.#stop());
  }

  #nowUs(): number {
    return Math.round(this.#clock.now() * 1000);
  }

  #unmute(): void {
    if (this.#flowing || !this.#receptive) return;
    this.#flowing = true;
    // webrtc-pc#dom-rtcpeerconnection-setremotedescription: media flowing unmutes the track.
    this.#source.reportMuted(false);
  }

  #video(width: number, height: number, data: Uint8Array): void {
    if (this.#ended || this.#source.stopped || !this.#receptive) return;
    const size = width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
    if (data.byteLength < size) return;
    this.#unmute();
    let ts = this.#nowUs();
    if (ts <= this.#lastUs) ts = this.#lastUs + 1;
    this.#lastUs = ts;
    // The engine reuses its buffer after the callback: one copy into storage of ours.
    const buffer = FrameBuffer.allocate(size);
    buffer.data.set(data.subarray(0, size));
    this.#source.push(createVideoFrame(buffer, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: ts }));
  }

  #audio(sampleRate: number, channels: number, frames: number, samples: Int16Array): void {
    if (this.#ended || this.#source.stopped || !this.#receptive || frames <= 0 || channels <= 0 || samples.length < frames * channels) return;
    this.#unmute();
    if (sampleRate !== this.#audioRate || Number.isNaN(this.#audioBaseUs)) {
      // A new rate starts a new line, after what was already stamped.
      this.#audioBaseUs = Math.max(this.#nowUs(), this.#lastUs + 1);
      this.#audioFrames = 0;
      this.#audioRate = sampleRate;
    }
    const ts = this.#audioBaseUs + Math.round((this.#audioFrames * 1e6) / sampleRate);
    this.#audioFrames += frames;
    this.#lastUs = ts;
    const bytes = frames * channels * 2;
    const buffer = FrameBuffer.allocate(bytes);
    buffer.data.set(new Uint8Array(samples.buffer, samples.byteOffset, bytes));
    this.#source.push(createAudioData(buffer, { format: 's16', sampleRate, numberOfFrames: frames, numberOfChannels: channels, timestamp: ts }));
  }

  /**
   * A description stopped (or restarted) media toward this receiver: not receptive, the track
   * is muted (webrtc-pc#dfn-process-remote-track-removal) and frames still in flight are dropped;
   * receptive again, the next frame unmutes it.
   */
  setReceptive(receptive: boolean): void {
    if (this.#ended || receptive === this.#receptive) return;
    this.#receptive = receptive;
    this.#flowing = false;
    // Audio after a gap starts a new timestamp line.
    this.#audioBaseUs = NaN;
    if (receptive) return;
    // The receiver's own track is muted within setRemoteDescription (webrtc-pc: "set the muted
    // state" of each track in muteTracks); its clones follow through the source.
    setTrackMuted(this.track, true);
    this.#source.reportMuted(true);
  }

  /**
   * The receiver stopped: the track ends (webrtc-pc#dfn-stop-receiving), with an `ended` event.
   * With `silently` (close(): webrtc-pc#dom-rtcpeerconnection-close), the receiver's track is
   * ended at once and fires no event.
   */
  end(reason: string, silently = false): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stop();
    if (silently) this.track.stop();
    this.#source.end(reason);
  }
}
