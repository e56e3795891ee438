/** Node stream interop: tracks to and from raw-byte Readables. */
export { trackToReadable, TrackReadable, type AudioReadableOptions, type VideoReadableOptions } from './track-to-readable.js';
export { trackFromReadable, type AudioFromReadableOptions, type VideoFromReadableOptions } from './track-from-readable.js';
export type { RawAudioFormat } from './raw-formats.js';
