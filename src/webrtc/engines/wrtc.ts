/**
 * The adapter to `@roamhq/wrtc` (libwebrtc with prebuilt binaries). Its non-standard
 * RTCVideoSource / RTCAudioSource take raw frames for a local track, RTCVideoSink / RTCAudioSink
 * hand out a remote track's decoded frames.
 */
import type { Native, WebRtcEngine, VideoInput, AudioInput, RemoteVideoFrame, RemoteAudioChunk } from './engine.js';

export const WRTC_PACKAGE = '@roamhq/wrtc';

/** wrtc's audio source takes 10 ms of 16-bit PCM at any rate; 48 kHz is what Opus runs at. */
const AUDIO_RATE = 48000;

export function createWrtcEngine(wrtc: Native): WebRtcEngine {
  const { RTCVideoSource, RTCAudioSource, RTCVideoSink, RTCAudioSink } = wrtc.nonstandard;
  guardExit();
  return {
    name: WRTC_PACKAGE,
    RTCPeerConnection: wrtc.RTCPeerConnection,
    interfaces: Object.fromEntries(
      ['RTCSessionDescription', 'RTCIceCandidate', 'RTCDataChannel', 'RTCDtlsTransport', 'RTCIceTransport', 'RTCSctpTransport']
        .filter((n) => typeof wrtc[n] === 'function')
        .map((n) => [n, wrtc[n]]),
    ),

    createVideoInput(): VideoInput {
      const source = new RTCVideoSource();
      const track = source.createTrack();
      let closed = false;
      return {
        track,
        sendI420(width, height, data) {
          if (closed) return;
          // onFrame reads a Uint8ClampedArray of exactly width * height * 1.5 bytes.
          const view = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
          source.onFrame({ width, height, data: view });
        },
        close() {
          if (closed) return;
          closed = true;
          track.stop();
        },
      };
    },

    createAudioInput(): AudioInput {
      const source = new RTCAudioSource();
      const track = source.createTrack();
      const frames = AUDIO_RATE / 100;
      let closed = false;
      return {
        track,
        sampleRate: AUDIO_RATE,
        channelCount: 1,
        sendS16(samples) {
          if (closed) return;
          source.onData({ samples, sampleRate: AUDIO_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: frames });
        },
        close() {
          if (closed) return;
          closed = true;
          track.stop();
        },
      };
    },

    createStream(id) {
      return new wrtc.MediaStream({ id });
    },

    receiveVideo(nativeTrack, onFrame: (frame: RemoteVideoFrame) => void) {
      const sink = new RTCVideoSink(nativeTrack);
      sink.onframe = ({ frame }: { frame: { width: number; height: number; data: Uint8ClampedArray } }) => {
        const d = frame.data;
        onFrame({ width: frame.width, height: frame.height, data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) });
      };
      return () => {
        sink.onframe = null;
        sink.stop();
      };
    },

    receiveAudio(nativeTrack, onChunk: (chunk: RemoteAudioChunk) => void) {
      const sink = new RTCAudioSink(nativeTrack);
      sink.ondata = (d: { samples: Int16Array; sampleRate: number; channelCount: number; numberOfFrames: number; bitsPerSample: number }) => {
        if (d.bitsPerSample !== 16) return;
        onChunk({ sampleRate: d.sampleRate, channelCount: d.channelCount, numberOfFrames: d.numberOfFrames, samples: d.samples });
      };
      return () => {
        sink.ondata = null;
        sink.stop();
      };
    },
  };
}

let exitGuarded = false;

/**
 * wrtc's native sources crash the process (SIGSEGV) in Node's environment clean-up after the
 * 'exit' event whenever one is still allocated, turning every exit code into 139. Once the
 * engine is loaded, the process leaves from its 'exit' event instead: the listeners after ours
 * still run first, then the process exits with its code, skipping the clean-up that crashes.
 */
function guardExit(): void {
  if (exitGuarded || typeof process === 'undefined' || typeof (process as Native).reallyExit !== 'function') return;
  exitGuarded = true;
  const onExit = (code: number): void => {
    const listeners = process.listeners('exit');
    for (const l of listeners.slice(listeners.indexOf(onExit) + 1)) {
      try {
        l.call(process, code);
      } catch (error) {
        console.error(error);
      }
    }
    const exitCode = process.exitCode;
    (process as Native).reallyExit(typeof exitCode === 'number' ? exitCode : code);
  };
  process.on('exit', onExit);
}
