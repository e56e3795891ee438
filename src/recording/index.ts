export { MediaRecorder } from './media-recorder.js';
export type { MediaRecorderOptions, RecordingState, BitrateMode } from './media-recorder.js';
export { BlobEvent } from './blob-event.js';
export type { BlobEventInit } from './blob-event.js';
export { recordToFile } from './record-to-file.js';
export type { RecordingFile } from './record-to-file.js';
