/** Messages between decodeAudioData (decode-host.ts) and the decoding thread (worker.ts). */
export interface DecodeRequest {
  id: number;
  bytes: ArrayBuffer;
  rate: number;
}

export type DecodeReply =
  | { id: number; ok: true; channels: Float32Array[]; format: string; warnings: string[] }
  | { id: number; ok: false; message: string };
