/** Helpers the canvas-capture tests share: letting queued tasks run, and collecting a track's frames. */
import { getTrackOutput } from '../../../src/stream/internals.js';
import type { MediaStreamTrack } from '../../../src/stream/media-stream-track.js';
import type { VideoFrame } from '../../../src/media/video-frame.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Lets `n` rounds of queued tasks run. */
export async function ticks(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

/** Every frame `track` delivers from now on (the caller closes them), until stop(). */
export function collect(track: MediaStreamTrack): { frames: VideoFrame[]; stop(): void } {
  const frames: VideoFrame[] = [];
  const stop = getTrackOutput(track).subscribe({ frame: (f: unknown) => frames.push(f as VideoFrame), end() {} });
  return { frames, stop };
}
