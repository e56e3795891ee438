/** Messages between decodeAudioData (decode-host.ts) and the decoding thread (worker.ts). */
export interface DecodeRequest {
  id: number;
  bytes: ArrayBuffer;
  rate: number;
}

/** Sent once by the thread when it listens for requests (Deno drops what arrives before that). */
export interface DecodeReady {
  ready: true;
}

export type DecodeReply =
  | { id: number; ok: true; channels: Float32Array[]; format: string; warnings: string[] }
  | { id: number; ok: false; message: string };
