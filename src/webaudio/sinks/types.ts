/**
 * Render-side audio sinks: where a realtime context's output goes. A sink lives in the render
 * worker and is fed interleaved float32 frames by the RealtimeRenderer.
 *
 * Pacing: 'clock' sinks (none, file, stream) are fed to keep real time against the monotonic
 * clock; 'pull' sinks (the system sound output) are additionally held back by their own
 * backpressure, so the renderer never runs further ahead than the device consumes.
 */

/** The non-spec AudioContextOptions.mediacaptureSink member, as given by script. */
export type SinkConfig =
  | { type: 'none' }
  /** `device`: a sound-server sink by name (else the server's default). */
  | { type: 'system'; latencyMs?: number; device?: string }
  | { type: 'file'; path: string; format?: 'f32' | 's16' }
  | { type: 'stream'; format?: 'f32le' | 's16le' };

export interface AudioSink {
  /** Estimated seconds between handing a frame to the sink and it being heard. */
  readonly outputLatency: number;
  /** False if the sink ignores the audio (the renderer then skips interleaving). */
  readonly wantsData: boolean;
  /** Acquires the device/file/process; rejects with a message on failure. */
  open(sampleRate: number, channels: number): Promise<void>;
  /** Takes `frames` interleaved frames (copy if kept). Returns false when backpressured. */
  write(interleaved: Float32Array, frames: number): boolean;
  /** Called once when a backpressured sink can take more. */
  onDrain(callback: () => void): void;
  /** Reports a failure after open (device lost, process died). */
  onError(callback: (message: string) => void): void;
  /** Releases everything (flushes files, ends processes). */
  close(): Promise<void>;
}

/**
 * Converts float samples to signed 16-bit: round(x * 32768) clamped to [-32768, 32767], the
 * convention of src/media/codecs/wav.ts (so decoding gives back k / 32768 exactly).
 */
export function floatToS16(src: Float32Array, count: number, dst: Int16Array): void {
  for (let i = 0; i < count; i++) {
    const v = Math.round(src[i]! * 32768);
    dst[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}
