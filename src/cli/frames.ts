/**
 * Video frames to files: raw I420 into a Y4M stream, RGBA into PNG stills. Frames come from a
 * MediaStreamTrackProcessor; pixels are read with VideoFrame.copyTo (which converts to RGBA
 * itself); frames in another format than I420 reach the Y4M stream through RGBA.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng, Y4mFileWriter } from '../index.js';
import type { VideoFrameLike } from './taps.js';

export interface Rgba {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function visibleSize(frame: VideoFrameLike): { width: number; height: number } {
  const rect = frame.visibleRect;
  if (rect === null || frame.format === null) throw new TypeError('the video frame has no pixels to read');
  return { width: rect.width, height: rect.height };
}

export async function frameToRgba(frame: VideoFrameLike): Promise<Rgba> {
  const { width, height } = visibleSize(frame);
  const rgba = new Uint8Array(width * height * 4);
  await frame.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb', layout: [{ offset: 0, stride: width * 4 }] });
  return { width, height, rgba };
}

/** The frame's visible pixels as packed I420 (Y, then U, then V), and whether they are full range. */
export async function frameToI420(frame: VideoFrameLike): Promise<{ width: number; height: number; data: Uint8Array; fullRange: boolean }> {
  const { width, height } = visibleSize(frame);
  if (frame.format === 'I420') {
    const data = new Uint8Array(frame.allocationSize());
    await frame.copyTo(data);
    return { width, height, data, fullRange: frame.colorSpace.fullRange === true };
  }
  const { rgba } = await frameToRgba(frame);
  return { width, height, data: rgbaToI420(rgba, width, height), fullRange: false };
}

/** BT.601 limited-range I420 of packed RGBA (chroma averaged over each 2x2 block). */
export function rgbaToI420(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  const out = new Uint8Array(width * height + 2 * cw * ch);
  const uBase = width * height, vBase = uBase + cw * ch;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[y * width + x] = Math.round(16 + (65.481 * rgba[i]! + 128.553 * rgba[i + 1]! + 24.966 * rgba[i + 2]!) / 255);
    }
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0, g = 0, b = 0, n = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const x = cx * 2 + dx, y = cy * 2 + dy;
          if (x >= width || y >= height) continue;
          const i = (y * width + x) * 4;
          r += rgba[i]!; g += rgba[i + 1]!; b += rgba[i + 2]!; n++;
        }
      }
      r /= n; g /= n; b /= n;
      out[uBase + cy * cw + cx] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[vBase + cy * cw + cx] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

/** A frame rate as the ratio Y4M's F tag takes (29.97 -> 30000:1001). */
export function frameRateRatio(fps: number): { num: number; den: number } {
  if (!(fps > 0) || !Number.isFinite(fps)) return { num: 30, den: 1 };
  if (Number.isInteger(fps)) return { num: fps, den: 1 };
  for (const den of [1001, 1000]) {
    const num = Math.round(fps * den);
    if (Math.abs(num / den - fps) < 1e-6) return { num, den };
  }
  return { num: Math.round(fps * 1000), den: 1000 };
}

/** Writes every frame it is handed into one Y4M file (frames of another size are counted and left out). */
export class Y4mSink {
  readonly path: string;
  readonly #fps: number;
  #writer: Y4mFileWriter | null = null;
  #size: { width: number; height: number } | null = null;
  frames = 0;
  skipped = 0;

  constructor(path: string, fps: number) {
    this.path = path;
    this.#fps = fps;
  }

  readonly handle = async (frame: VideoFrameLike): Promise<void> => {
    const picture = await frameToI420(frame);
    if (!this.#writer) {
      this.#size = { width: picture.width, height: picture.height };
      this.#writer = new Y4mFileWriter(this.path, {
        width: picture.width,
        height: picture.height,
        frameRate: frameRateRatio(this.#fps),
        colorspace: '420jpeg',
        extensions: [picture.fullRange ? 'COLORRANGE=FULL' : 'COLORRANGE=LIMITED'],
      });
    }
    if (picture.width !== this.#size!.width || picture.height !== this.#size!.height) {
      this.skipped++;
      return;
    }
    await this.#writer.write(picture.data);
    this.frames++;
  };

  get size(): { width: number; height: number } | null {
    return this.#size;
  }

  async close(): Promise<void> {
    await this.#writer?.close();
  }
}

/** Writes each frame it is handed as <dir>/frame-000001.png, -000002.png, ... */
export class PngSink {
  readonly dir: string;
  readonly files: string[] = [];

  constructor(dir: string) {
    this.dir = dir;
  }

  readonly handle = async (frame: VideoFrameLike): Promise<void> => {
    const { width, height, rgba } = await frameToRgba(frame);
    const path = join(this.dir, `frame-${String(this.files.length + 1).padStart(6, '0')}.png`);
    await writeFile(path, encodePng(rgba, width, height));
    this.files.push(path);
  };
}
