/**
 * recordToFile(recorder, path): writes what a MediaRecorder records straight to a file, slice by
 * slice, so a long recording started with a timeslice never sits in memory. Where the muxer goes
 * back at the end to fill in what it learnt late (a WebM's Duration and cue index, a WAV's sizes),
 * those bytes are written into the file too, so the file is complete, which Blobs already handed
 * to the page cannot be.
 */
import { open } from 'node:fs/promises';
import type { Blob } from 'node:buffer';
import { MediaRecorder, watchRecorderSessions, currentSession } from './media-recorder.js';
import type { RecordingSession } from './recording-session.js';

export interface RecordingFile {
  readonly path: string;
  /** Bytes in the file. */
  readonly size: number;
  /** The MIME type of the recording. */
  readonly type: string;
}

/**
 * Resolves once the recorder has stopped and the file is complete. Call it before or after
 * start(); data already delivered before the call is not in the file.
 */
export function recordToFile(recorder: MediaRecorder, path: string): Promise<RecordingFile> {
  if (!(recorder instanceof MediaRecorder)) return Promise.reject(new TypeError('recordToFile: the first argument must be a MediaRecorder'));
  if (typeof path !== 'string' || path === '') return Promise.reject(new TypeError('recordToFile: path must be a non-empty string'));
  // Everything is watched before the first await, so no slice delivered meanwhile is missed.
  const opening = open(path, 'w');
  opening.catch(() => {});
  let position = 0;
  let type = '';
  let writes: Promise<unknown> = Promise.resolve();
  let failure: unknown = null;
  const patches: Array<[number, Uint8Array]> = [];
  const unwatch: Array<() => void> = [];
  const follow = (session: RecordingSession) => unwatch.push(session.collector.watchPatches((pos, bytes) => patches.push([pos, bytes])));
  const session = currentSession(recorder);
  if (session) follow(session);
  unwatch.push(watchRecorderSessions(recorder, follow));

  const onData = (e: Event) => {
    const blob = (e as unknown as { data: Blob }).data;
    type ||= blob.type;
    const at = position;
    position += blob.size;
    writes = writes.then(async () => {
      if (failure) return;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      await (await opening).write(bytes, 0, bytes.length, at);
    }).catch((err: unknown) => {
      failure ??= err;
    });
  };
  recorder.addEventListener('dataavailable', onData);
  const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
  return finish();

  async function finish(): Promise<RecordingFile> {
    let file;
    try {
      file = await opening;
    } catch (e) {
      recorder.removeEventListener('dataavailable', onData);
      for (const u of unwatch) u();
      throw e;
    }
    try {
      await stopped;
      await writes;
      // The muxer's late writes land on bytes already written above.
      for (const [pos, bytes] of patches) if (!failure && pos + bytes.length <= position) await file.write(bytes, 0, bytes.length, pos);
      if (failure) throw failure;
      return { path, size: position, type };
    } finally {
      recorder.removeEventListener('dataavailable', onData);
      for (const u of unwatch) u();
      await file.close();
    }
  }
}
