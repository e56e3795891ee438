/**
 * BaseAudioContext.decodeAudioData (webaudio#dom-baseaudiocontext-decodeaudiodata). The
 * decoding operation runs on the process's decoding thread (decode/decode-host.ts): the
 * container is sniffed from the bytes and decoded (WAV, AIFF, MP3, Ogg Vorbis / Opus / FLAC,
 * native FLAC, WebM/Matroska, MP4/M4A; see decode/decoders.ts), then resampled to the context
 * rate. Data that cannot be decoded rejects with EncodingError.
 */
import { audioBufferFrom, type AudioBuffer } from './audio-buffer.js';
import { setDecodeAudioData, type BaseAudioContext } from './base-audio-context.js';
import { encodingError } from './errors.js';
import { reportException } from '../webidl/index.js';
import { queueTask } from '../stream/tasks.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';
import { decodeOnThread } from './decode/decode-host.js';

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
    // 3.3 Queue the decoding operation on the decoding thread.
    decodeOnThread(bytes, rate).then(
      (result) => {
        // The spec encourages warning authors about corrupt data that still decoded.
        if (result.warnings.length > 0) {
          process.emitWarning(`decodeAudioData: ${result.format} decoded with ${result.warnings.length} error(s), e.g. ${result.warnings[0]}`, 'MediacaptureDecodeWarning');
        }
        // 5.2 Queue a media element task: resolve with the AudioBuffer, then the callback.
        queueTask(() => {
          const buffer = audioBufferFrom(result.channels, rate);
          resolve(buffer);
          invokeCallback(ok, buffer);
        });
      },
      (e: unknown) => {
        // 4. Queue a media element task: reject with EncodingError, then the error callback.
        const error = encodingError(`cannot decode the audio data: ${(e as Error).message}`);
        queueTask(() => {
          reject(error);
          invokeCallback(fail, error);
        });
      },
    );
  });
}

/** A legacy callback, if given; what it throws is reported, not propagated (webidl#call-a-user-objects-operation). */
function invokeCallback<T>(callback: ((v: T) => unknown) | null | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (x) {
    reportException(x);
  }
}

setDecodeAudioData(decode);
