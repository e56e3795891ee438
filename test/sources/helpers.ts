import type { MediaConsumer } from '../../src/sources/types.js';
import type { VideoFrame } from '../../src/media/video-frame.js';
import type { AudioData } from '../../src/media/audio-data.js';

/** A consumer that records what it receives; `keep` false closes frames at once (recording their data first). */
export class Recorder<F extends VideoFrame | AudioData> implements MediaConsumer<unknown> {
  frames: F[] = [];
  timestamps: number[] = [];
  ended = 0;
  constructor(
    private readonly keep = false,
    private readonly inspect?: (f: F) => void,
  ) {}
  frame(f: unknown): void {
    const frame = f as F;
    this.timestamps.push(frame.timestamp);
    this.inspect?.(frame);
    if (this.keep) this.frames.push(frame);
    else frame.close();
  }
  end(): void {
    this.ended++;
  }
  closeAll(): void {
    for (const f of this.frames) f.close();
    this.frames = [];
  }
}

/** I420 planes of a frame, read through its public copyTo. */
export async function i420Planes(frame: VideoFrame): Promise<{ y: Uint8Array; u: Uint8Array; v: Uint8Array }> {
  const buf = new Uint8Array(frame.allocationSize());
  const layout = await frame.copyTo(buf);
  const w = frame.visibleRect!.width, h = frame.visibleRect!.height;
  const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
  return {
    y: buf.subarray(layout[0]!.offset, layout[0]!.offset + w * h),
    u: buf.subarray(layout[1]!.offset, layout[1]!.offset + cw * ch),
    v: buf.subarray(layout[2]!.offset, layout[2]!.offset + cw * ch),
  };
}
