/**
 * `new VideoFrame(image)` for the CanvasImageSources elements/ knows (webcodecs#dom-videoframe-videoframe):
 * a video element of ours (its current frame) and any canvas with a 2D context (its pixels, RGBA).
 * Registered with the media core's VideoFrame on import.
 */
import { VideoFrame, registerImageSourceReader, createVideoFrame } from '../media/video-frame.js';
import { FrameBuffer } from '../media/frame-buffer.js';
import { dictionary } from '../webidl/index.js';
import { currentFrameOf, elementStateOf } from './media-element-core.js';
import { context2DOf, isCanvasLike, isOriginClean, notOriginClean, readCanvasPixels } from './canvas-2d.js';

const CTX = "Failed to construct 'VideoFrame'";

function readImageSource(image: unknown, init: unknown): VideoFrame | null {
  if (typeof image !== 'object' || image === null) return null;
  const state = elementStateOf(image);
  if (state) {
    if (!state.isVideo) return null;
    // webcodecs#dom-videoframe-videoframe step 2: an image that is not origin-clean: SecurityError.
    if (!state.originClean && state.readyState >= 2) throw new DOMException(`${CTX}: the video element plays CORS-cross-origin media`, 'SecurityError');
    // Check the usability of the image argument: a video element below HAVE_CURRENT_DATA is not usable.
    const frame = currentFrameOf(image);
    if (!frame) throw new DOMException(`${CTX}: the video element has no current frame (readyState below HAVE_CURRENT_DATA)`, 'InvalidStateError');
    return frame.clone();
  }
  if (!isCanvasLike(image)) return null;
  if (!isOriginClean(image)) throw notOriginClean(CTX);
  // A canvas gives no timestamp: init.timestamp is required.
  const d = dictionary(init, `${CTX}: init`);
  if (d['timestamp'] === undefined) throw new TypeError(`${CTX}: init.timestamp is required when the image is a canvas`);
  if (image.width === 0 || image.height === 0) throw new DOMException(`${CTX}: the canvas has no pixels (width or height is 0)`, 'InvalidStateError');
  const ctx = context2DOf(image);
  if (!ctx) throw new DOMException(`${CTX}: only canvases with a 2D context can be read here`, 'NotSupportedError');
  const pixels = readCanvasPixels(image, ctx)!;
  const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.width * pixels.height * 4).slice();
  return createVideoFrame(FrameBuffer.adopt(data), { format: 'RGBA', codedWidth: pixels.width, codedHeight: pixels.height, timestamp: 0 });
}

registerImageSourceReader(readImageSource);
