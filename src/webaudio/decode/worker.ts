/**
 * Entry point of the decoding thread (decode/decode-host.ts starts it). Each message is one
 * decodeAudioData call: the file's bytes and the context rate in, the resampled channels out
 * (transferred), or the reason it could not be decoded. Jobs run concurrently.
 */
import { parentPort } from 'node:worker_threads';
import { runDecodeJob } from './decode-job.js';
import type { DecodeReady, DecodeReply, DecodeRequest } from './protocol.js';

// The decoder libraries also print what they report to the console; the reports reach the
// caller as the result's warnings (a MediacaptureDecodeWarning) or the EncodingError instead.
console.error = () => {};
console.warn = () => {};

const port = parentPort!;
port.on('message', (m: DecodeRequest) => {
  runDecodeJob(new Uint8Array(m.bytes), m.rate).then(
    (r) => {
      const reply: DecodeReply = { id: m.id, ok: true, channels: r.channels, format: r.format, warnings: r.warnings };
      port.postMessage(reply, r.channels.map((c) => c.buffer as ArrayBuffer));
    },
    (e: unknown) => {
      const reply: DecodeReply = { id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) };
      port.postMessage(reply);
    },
  );
});
// The host holds its requests until this arrives (see DecodeThread in decode-host.ts).
port.postMessage({ ready: true } satisfies DecodeReady);
