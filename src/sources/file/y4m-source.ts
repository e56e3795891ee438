/**
 * A Y4M file as a camera, looped, like a browser's --use-file-for-fake-video-capture. The file is
 * held in memory and its frames are handed out without copying (4:2:0, 4:2:2 and 4:4:4 map to
 * I420, I422 and I444; monochrome is widened to I420 with neutral chroma). Output frame n is file
 * frame n mod count, stamped n / fps after start and delivered when its frame period ends,
 * (n + 1) / fps after start, so a VirtualClock gives exact timestamps.
 */
import type { Clock } from '../../media/clock.js';
import type { SourceConfig } from '../types.js';
import { ClockedSource } from '../clocked-source.js';
import { FrameBuffer } from '../../media/frame-buffer.js';
import { createVideoFrame } from '../../media/video-frame.js';
import type { VideoPixelFormat } from '../../media/pixel-format.js';
import { y4mFullRange, type Y4mHeader, type Y4mReader } from '../../media/codecs/y4m.js';

export function y4mPixelFormat(header: Y4mHeader): VideoPixelFormat {
  switch (header.colorspace) {
    case '422':
      return 'I422';
    case '444':
      return 'I444';
    default:
      // 420jpeg / 420paldv / 420mpeg2 / 420 differ only in chroma siting; mono is widened to I420.
      return 'I420';
  }
}

export class Y4mFileSource extends ClockedSource {
  readonly #reader: Y4mReader;
  readonly #format: VideoPixelFormat;
  readonly #fullRange: boolean;
  /** Frame period numerator/denominator in seconds: den / num. */
  readonly #rateNum: number;
  readonly #rateDen: number;
  /** Monochrome files: widened frames for reuse. */
  #monoFree: Uint8Array[] = [];

  constructor(reader: Y4mReader, config: SourceConfig & { kind: 'video' }, clock: Clock) {
    super('video', clock, config);
    if (reader.frameCount === 0) throw new RangeError('Y4mFileSource: the file holds no frames');
    this.#reader = reader;
    this.#format = y4mPixelFormat(reader.header);
    this.#fullRange = y4mFullRange(reader.header);
    this.#rateNum = reader.header.frameRate.num;
    this.#rateDen = reader.header.frameRate.den;
  }

  /** Frame n is delivered when its frame period ends. */
  protected dueOffsetMs(n: number): number {
    return ((n + 1) * 1000 * this.#rateDen) / this.#rateNum;
  }

  protected produce(n: number): void {
    if (this.hasConsumers) this.emit(this.#render(n));
  }

  #render(n: number) {
    const reader = this.#reader;
    const h = reader.header;
    const file = reader.frame(n % reader.frameCount);
    let buffer: FrameBuffer;
    if (h.colorspace === 'mono') {
      const size = h.width * h.height + 2 * ((h.width + 1) >> 1) * ((h.height + 1) >> 1);
      let data = this.#monoFree.pop();
      if (!data) {
        data = new Uint8Array(size);
        data.fill(128, h.width * h.height);
      }
      data.set(file.y, 0);
      const kept = data;
      buffer = FrameBuffer.adopt(data, () => {
        if (this.#monoFree.length < 8) this.#monoFree.push(kept);
      });
    } else {
      // The frame's planes are a view into the file bytes, which stay unchanged for the source's life.
      buffer = FrameBuffer.adopt(file.data);
    }
    const timestamp = this.startUs + Math.round((n * 1e6 * this.#rateDen) / this.#rateNum);
    const next = this.startUs + Math.round(((n + 1) * 1e6 * this.#rateDen) / this.#rateNum);
    return createVideoFrame(buffer, {
      format: this.#format,
      codedWidth: h.width,
      codedHeight: h.height,
      timestamp,
      duration: next - timestamp,
      ...(this.#fullRange ? { colorSpace: { primaries: null, transfer: null, matrix: null, fullRange: true } } : {}),
    });
  }
}
