/**
 * A still photo from a video track, as in MDN's "Taking still photos with getUserMedia()": where
 * the page draws the <video> into a <canvas> and calls toDataURL('image/png'), this reads one
 * VideoFrame with a MediaStreamTrackProcessor, converts it to RGBA and encodes a PNG.
 */
import { MediaStreamTrackProcessor } from '../src/transform/media-stream-track-processor.js';
import { i420ToRgba, nv12ToRgba, type ColorOptions } from '../src/media/color.js';
import { encodePng } from '../src/media/codecs/png.js';

/** The parts of a VideoFrame this file reads (the runtime's or this library's). */
interface FrameLike {
  readonly format: string | null;
  readonly visibleRect: { x: number; y: number; width: number; height: number } | null;
  readonly timestamp: number;
  readonly colorSpace: { matrix: string | null; fullRange: boolean | null };
  allocationSize(options?: object): number;
  copyTo(destination: Uint8Array, options?: object): Promise<Array<{ offset: number; stride: number }>>;
  close(): void;
}

export interface Still {
  width: number;
  height: number;
  /** Packed RGBA, width * 4 bytes per row. */
  rgba: Uint8Array;
  /** The frame's timestamp in microseconds. */
  timestamp: number;
  png: Uint8Array;
}

/**
 * Converts one frame to RGBA: I420 and NV12 through src/media/color.ts (with the frame's matrix
 * and range), anything else through copyTo's own RGBA conversion.
 */
export async function frameToRgba(frame: FrameLike): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const rect = frame.visibleRect;
  if (rect === null || frame.format === null) throw new TypeError('the video frame has no visible pixels to photograph');
  const width = rect.width, height = rect.height;
  const rgba = new Uint8Array(width * height * 4);
  const out = { data: rgba, offset: 0, stride: width * 4 };
  const opts: ColorOptions = {
    matrix: frame.colorSpace.matrix === 'bt709' ? 'bt709' : 'bt601',
    fullRange: frame.colorSpace.fullRange === true,
  };
  if (frame.format === 'I420' || frame.format === 'NV12') {
    // copyTo with no options copies the visible rectangle, planes packed one after another.
    const buffer = new Uint8Array(frame.allocationSize());
    const layout = await frame.copyTo(buffer);
    const plane = (i: number) => ({ data: buffer, offset: layout[i]!.offset, stride: layout[i]!.stride });
    if (frame.format === 'I420') i420ToRgba(width, height, plane(0), plane(1), plane(2), out, opts);
    else nv12ToRgba(width, height, plane(0), plane(1), out, opts);
  } else {
    const layout = await frame.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb', layout: [{ offset: 0, stride: width * 4 }] });
    if (layout[0]!.stride !== width * 4) throw new TypeError(`copyTo gave a stride of ${layout[0]!.stride} bytes, not ${width * 4}`);
  }
  return { width, height, rgba };
}

/**
 * Reads the next frame of `track` (a live video track) and returns it as a PNG still. Rejects if
 * no frame arrives within `timeoutMs` (a muted or stalled camera).
 */
export async function takeStillPhoto(track: MediaStreamTrack, timeoutMs = 10_000): Promise<Still> {
  const processor = new MediaStreamTrackProcessor({ track });
  const reader = (processor.readable as ReadableStream<FrameLike>).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no frame from the video track "${track.label}" within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const { value: frame, done } = await Promise.race([reader.read(), timeout]);
    if (done || !frame) throw new TypeError(`the video track "${track.label}" ended before a frame arrived`);
    try {
      const { width, height, rgba } = await frameToRgba(frame);
      return { width, height, rgba, timestamp: frame.timestamp, png: encodePng(rgba, width, height) };
    } finally {
      frame.close();
    }
  } finally {
    clearTimeout(timer);
    // Cancelling the stream detaches the processor from the track (the track stays live).
    await reader.cancel().catch(() => {});
  }
}
