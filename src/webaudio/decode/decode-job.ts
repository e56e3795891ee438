/**
 * One decoding operation (the "decoding thread" steps of decodeAudioData after sniffing):
 * decode the file, check the result can be an AudioBuffer, resample it to the context rate.
 * Runs on the decoding worker (decode/worker.ts), or in-process where no worker can start.
 */
import { Resampler } from '../../media/resample.js';
import { MAX_AUDIO_BUFFER_BYTES, MAX_CHANNELS } from '../audio-buffer.js';
import { decodeAudioFile, DecodeFailure } from './decoders.js';

export interface DecodeJobResult {
  channels: Float32Array[];
  /** What was decoded, e.g. 'Opus in Ogg'. */
  format: string;
  /** Problems the decoder reported but decoded past (a corrupt frame, a truncated tail). */
  warnings: string[];
}

export function resampleAll(channels: Float32Array[], from: number, to: number): Float32Array[] {
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

/** Each channel in an ArrayBuffer of its own (so it can be transferred, and nothing else is kept alive). */
function own(channels: Float32Array[]): Float32Array[] {
  const seen = new Set<ArrayBufferLike>();
  return channels.map((c) => {
    const whole = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength && c.buffer instanceof ArrayBuffer && !seen.has(c.buffer);
    seen.add(c.buffer);
    return whole ? c : new Float32Array(c);
  });
}

export async function runDecodeJob(bytes: Uint8Array, contextRate: number): Promise<DecodeJobResult> {
  const d = await decodeAudioFile(bytes);
  const frames = d.channels[0]?.length ?? 0;
  if (d.channels.length === 0 || frames === 0) throw new DecodeFailure(`${d.format}: no audio frames`);
  if (d.channels.length > MAX_CHANNELS) throw new DecodeFailure(`${d.format}: ${d.channels.length} channels is more than the ${MAX_CHANNELS} an AudioBuffer can hold`);
  if (!(d.sampleRate >= 1 && d.sampleRate <= 2 ** 24)) throw new DecodeFailure(`${d.format}: sample rate ${d.sampleRate}`);
  const outFrames = Math.round((frames * contextRate) / d.sampleRate);
  if (outFrames === 0) throw new DecodeFailure(`${d.format}: too short to be resampled to ${contextRate} Hz`);
  if (outFrames * d.channels.length * 4 > MAX_AUDIO_BUFFER_BYTES) throw new DecodeFailure(`${d.format}: the decoded audio is larger than an AudioBuffer can be`);
  return { channels: own(resampleAll(d.channels, d.sampleRate, contextRate)), format: d.format, warnings: d.warnings };
}
