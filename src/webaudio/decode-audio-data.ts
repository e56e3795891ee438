/**
 * BaseAudioContext.decodeAudioData (webaudio#dom-baseaudiocontext-decodeaudiodata). WAV (PCM and
 * float, via src/media/codecs/wav.ts) is the only container this package decodes; anything else
 * rejects with EncodingError. The result is resampled to the context rate.
 */
import { parseWav } from '../media/codecs/wav.js';
import { Resampler } from '../media/resample.js';
import { audioBufferFrom, type AudioBuffer } from './audio-buffer.js';
import { setDecodeAudioData, type BaseAudioContext } from './base-audio-context.js';
import { encodingError } from './errors.js';
import { reportException } from '../webidl/index.js';
import { queueTask } from '../stream/tasks.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';

function resampleAll(channels: Float32Array[], from: number, to: number): Float32Array[] {
  if (from === to) return channels;
  const frames = channels[0]!.length;
  const r = new Resampler(from, to, channels.length);
  const outFrames = Math.round((frames * to) / from);
  const skip = Math.round(r.latency);
  // Feed the signal followed by enough zeros to flush the filter's delay.
  const pad = Math.ceil(((skip + 2) * from) / to) + 64;
  const input = channels.map((c) => {
    const x = new Float32Array(frames + pad);
    x.set(c);
    return x;
  });
  const cap = r.maxOutputFrames(frames + pad);
  const out = channels.map(() => new Float32Array(cap));
  const n = r.process(input, frames + pad, out);
  return out.map((o) => {
    const res = new Float32Array(outFrames);
    res.set(o.subarray(skip, Math.min(n, skip + outFrames)));
    return res;
  });
}

function decode(ctx: BaseAudioContext, audioData: unknown, successCallback: unknown, errorCallback: unknown): Promise<AudioBuffer> {
  if (!(audioData instanceof ArrayBuffer)) {
    return Promise.reject(new TypeError("Failed to execute 'decodeAudioData' on 'BaseAudioContext': parameter 1 is not of type 'ArrayBuffer'"));
  }
  const ok = typeof successCallback === 'function' ? (successCallback as (b: AudioBuffer) => void) : null;
  const fail = typeof errorCallback === 'function' ? (errorCallback as (e: DOMException) => void) : null;
  let bytes: ArrayBuffer;
  try {
    // 3. A detached buffer is an error (a DataView over one throws); else detach it (3.2).
    new DataView(audioData);
    bytes = structuredCloneOf(audioData, { transfer: [audioData] });
  } catch {
    const error = new DOMException('the ArrayBuffer passed to decodeAudioData is detached', 'DataCloneError');
    queueTask(() => {
      if (fail) {
        try {
          fail(error);
        } catch (e) {
          reportException(e);
        }
      }
    });
    return Promise.reject(error);
  }
  const rate = ctx.sampleRate;
  return new Promise<AudioBuffer>((resolve, reject) => {
    queueTask(() => {
      let buffer: AudioBuffer;
      try {
        const wav = parseWav(new Uint8Array(bytes));
        if (wav.channels.length === 0 || wav.channels[0]!.length === 0) throw new Error('no audio frames');
        buffer = audioBufferFrom(resampleAll(wav.channels, wav.sampleRate, rate), rate);
      } catch (e) {
        const error = encodingError(`cannot decode the audio data (only WAV is supported): ${(e as Error).message}`);
        reject(error);
        if (fail) {
          try {
            fail(error);
          } catch (x) {
            reportException(x);
          }
        }
        return;
      }
      resolve(buffer);
      if (ok) {
        try {
          ok(buffer);
        } catch (x) {
          reportException(x);
        }
      }
    });
  });
}

setDecodeAudioData(decode);
