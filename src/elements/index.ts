/** Media elements as MediaStream consumers and canvas capture (mediacapture-fromelement). */
import './image-sources.js';
export { HTMLMediaElement, HTMLVideoElement, HTMLAudioElement, MediaError, TimeRanges } from './html-media-element.js';
export type { VideoFrameCallbackMetadata, VideoFrameRequestCallback } from './media-element-core.js';
export { CanvasCaptureMediaStreamTrack, captureCanvasStream } from './canvas-capture-media-stream-track.js';
export type { CaptureStreamOptions } from './canvas-capture-media-stream-track.js';
export { installElements } from './install.js';
export type { InstallElementsOptions } from './install.js';
export { patchMediaElements, patchCanvasElements, patchCanvasLibrary } from './patch-dom.js';
export type { CanvasLibraryLike, WindowLike } from './patch-dom.js';
export { VideoPlaybackQuality } from './video-playback-quality.js';
