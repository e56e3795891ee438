/**
 * MediaStreamTrackProcessor (mediacapture-transform#track-processor): a sink of a track that
 * exposes its frames (VideoFrame or AudioData) as a ReadableStream. A bounded queue holds frames
 * until read; when it is full the oldest frame is dropped and closed (#handlenewframe), so a reader
 * that never reads costs at most maxBufferSize frames.
 *
 * Follows the newer IDL (idl/mediacapture-transform.idl): discardedFrames and totalFrames.
 * MediaStreamTrackHandle is not supported (there are no workers to transfer tracks to).
 */
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { dictionary, requiredMember, unsignedShort, brand, exposeMembers, toStringTag, describe } from '../webidl/index.js';
import { isMediaStreamTrack, type MediaStreamTrack } from '../stream/media-stream-track.js';
import { getTrackOutput } from '../stream/internals.js';
import type { MediaConsumer } from '../sources/types.js';

type Frame = { close(): void };

interface ProcessorSlots {
  track: MediaStreamTrack;
  maxBufferSize: number;
  queue: Frame[];
  /** Bytes of media held by the frames in `queue`, and each one's share. */
  queuedBytes: number;
  queueSizes: number[];
  numPendingReads: number;
  isClosed: boolean;
  readable: ReadableStream | null;
  controller: ReadableStreamDefaultController | null;
  unsubscribe: (() => void) | null;
  discardedFrames: number;
  totalFrames: number;
}

const slots = new WeakMap<object, ProcessorSlots>();

/** mediacapture-transform#dictdef-mediastreamtrackprocessorinit */
export interface MediaStreamTrackProcessorInit {
  track: MediaStreamTrack;
  maxBufferSize?: number;
}

export class MediaStreamTrackProcessor {
  /** mediacapture-transform#dom-mediastreamtrackprocessor-mediastreamtrackprocessor */
  constructor(init: MediaStreamTrackProcessorInit) {
    const ctx = "Failed to construct 'MediaStreamTrackProcessor'";
    if (arguments.length < 1) throw new TypeError(`${ctx}: 1 argument required, but only 0 present`);
    const d = dictionary(init, `${ctx}: init`);
    const maxBufferSizeIn = d['maxBufferSize'] === undefined ? undefined : unsignedShort(d['maxBufferSize'], `${ctx}: init.maxBufferSize`, { enforceRange: true });
    const track = requiredMember(d, 'track', 'MediaStreamTrackProcessorInit');
    // 1.
    if (!isMediaStreamTrack(track)) throw new TypeError(`${ctx}: init.track is ${describe(track)}, not a MediaStreamTrack`);
    // 2-3.
    const maxBufferSize = maxBufferSizeIn !== undefined && maxBufferSizeIn > 1 ? maxBufferSizeIn : 1;
    // 4-10.
    const s: ProcessorSlots = {
      track,
      maxBufferSize,
      queue: [],
      queuedBytes: 0,
      queueSizes: [],
      numPendingReads: 0,
      isClosed: false,
      readable: null,
      controller: null,
      unsubscribe: null,
      discardedFrames: 0,
      totalFrames: 0,
    };
    slots.set(this, s);
    // The processor is a sink of the track from now on (#processor-handling-interaction-with-track).
    const consumer: MediaConsumer<unknown> = {
      frame: (frame) => handleNewFrame(s, frame as Frame),
      end: () => processorClose(s),
    };
    s.unsubscribe = getTrackOutput(track).subscribe(consumer);
    if (s.isClosed) s.unsubscribe = null;
  }

  /** mediacapture-transform#dom-mediastreamtrackprocessor-readable, created on first access. */
  get readable(): ReadableStream {
    const s = brand(slots, this, 'MediaStreamTrackProcessor', 'readable');
    if (!s.readable) {
      // The global class where there is one, else Node's (jest's jsdom environment has none).
      const Readable = (globalThis.ReadableStream ?? NodeReadableStream) as typeof ReadableStream;
      s.readable = new Readable(
        {
          start: (controller) => {
            s.controller = controller;
            if (s.isClosed) controller.close();
          },
          pull: () => processorPull(s),
          cancel: () => {
            processorClose(s);
          },
        },
        { highWaterMark: 0 },
      );
    }
    return s.readable;
  }

  /** Frames dropped because the queue was full (newer IDL). */
  get discardedFrames(): number {
    return brand(slots, this, 'MediaStreamTrackProcessor', 'discardedFrames').discardedFrames;
  }

  /** Frames the track delivered to this processor (newer IDL). */
  get totalFrames(): number {
    return brand(slots, this, 'MediaStreamTrackProcessor', 'totalFrames').totalFrames;
  }
}
toStringTag(MediaStreamTrackProcessor, 'MediaStreamTrackProcessor');
exposeMembers(MediaStreamTrackProcessor, ['readable', 'discardedFrames', 'totalFrames']);

/** Frames currently held in a processor's queue (for tests and diagnostics). */
export function processorQueueLength(processor: MediaStreamTrackProcessor): number {
  return brand(slots, processor, 'MediaStreamTrackProcessor', 'queue').queue.length;
}

/** mediacapture-transform#processorpull */
function processorPull(s: ProcessorSlots): Promise<void> {
  // 1-3.
  s.numPendingReads++;
  queueReadFrame(s);
  return Promise.resolve();
}

/**
 * The spec queues a task to run maybeReadFrame. It runs at once here: enqueueing only resolves
 * the reader's pending promise (script sees the frame in a later microtask either way), and a task
 * per frame is most of the cost of a 10 ms audio stream.
 */
function queueReadFrame(s: ProcessorSlots): void {
  maybeReadFrame(s);
}

/** mediacapture-transform#maybereadframe */
function maybeReadFrame(s: ProcessorSlots): void {
  while (true) {
    // 1-2.
    if (s.queue.length === 0 || s.numPendingReads === 0 || s.isClosed || !s.controller) return;
    // 3-5.
    const frame = takeOldest(s);
    s.controller.enqueue(frame);
    s.numPendingReads--;
  }
}

/** mediacapture-transform#handlenewframe */
/** The most media bytes a processor's queue holds before it drops its oldest frames. */
const MAX_QUEUED_BYTES = 256 * 2 ** 20;

/** The memory a queued frame keeps alive: its pixels or samples. */
function frameBytes(frame: Frame): number {
  const f = frame as { allocationSize?: (o?: object) => number; numberOfFrames?: number; numberOfChannels?: number };
  if (typeof f.numberOfFrames === 'number' && typeof f.numberOfChannels === 'number') return f.numberOfFrames * f.numberOfChannels * 4;
  try {
    return typeof f.allocationSize === 'function' ? f.allocationSize() : 0;
  } catch {
    return 0; // a closed frame holds nothing
  }
}

function takeOldest(s: ProcessorSlots): Frame {
  s.queuedBytes -= s.queueSizes.shift() ?? 0;
  return s.queue.shift()!;
}

function handleNewFrame(s: ProcessorSlots, frame: Frame): void {
  if (s.isClosed) {
    frame.close();
    return;
  }
  s.totalFrames++;
  // 1. A full queue drops (and closes) its oldest frame. Beyond the spec's count, the queue is
  // also bounded in bytes, so an unread processor with maxBufferSize 65535 on a 1080p60 track
  // holds about 256 MiB instead of growing to hundreds of GiB.
  const bytes = frameBytes(frame);
  while (s.queue.length > 0 && (s.queue.length >= s.maxBufferSize || s.queuedBytes + bytes > MAX_QUEUED_BYTES)) {
    takeOldest(s).close();
    s.discardedFrames++;
  }
  // 2-3.
  s.queue.push(frame);
  s.queueSizes.push(bytes);
  s.queuedBytes += bytes;
  if (s.numPendingReads > 0) queueReadFrame(s);
}

/** mediacapture-transform#processorclose */
function processorClose(s: ProcessorSlots): void {
  // 1.
  if (s.isClosed) return;
  s.isClosed = true;
  // 2. Disconnect from the track.
  const unsubscribe = s.unsubscribe;
  s.unsubscribe = null;
  unsubscribe?.();
  // 3. Close the readable (a cancelled stream is already closed).
  try {
    s.controller?.close();
  } catch {
    // The stream was cancelled or errored: nothing to close.
  }
  // 4. Empty the queue, closing the frames it held.
  const queued = s.queue.splice(0);
  s.queueSizes.length = 0;
  s.queuedBytes = 0;
  for (const f of queued) f.close();
}
