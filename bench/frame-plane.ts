/**
 * Frame-plane benchmark.
 *
 * 1. Video: 1920x1080 I420 frames written to a MediaStreamTrackGenerator, delivered by its track to
 *    a MediaStreamTrackProcessor and read: frames per second, and bytes copied per frame inside the
 *    frame plane (frame-buffer counters; the source frame is built once, outside the timing).
 * 2. Audio: a 48 kHz stereo synthetic microphone on a VirtualClock feeding a
 *    MediaStreamTrackProcessor whose reader takes every chunk, for a long virtual span: CPU
 *    seconds (process.cpuUsage) per hour of captured audio.
 *
 * Goals: >= 2,000 frames/s at 1080p with 0 bytes copied per unadapted frame; < 1 CPU-second per
 * realtime hour of audio capture.
 */
import { pathToFileURL } from 'node:url';
import { MediaStreamTrackGenerator } from '../src/transform/media-stream-track-generator.js';
import { MediaStreamTrackProcessor } from '../src/transform/media-stream-track-processor.js';
import { VideoFrame, createVideoFrame } from '../src/media/video-frame.js';
import { FrameBuffer, framePlaneStats, resetFramePlaneStats } from '../src/media/frame-buffer.js';
import { tightFrameSize } from '../src/media/pixel-format.js';
import { VirtualClock } from '../src/media/clock.js';
import { SyntheticAudioSource } from '../src/sources/synthetic/audio.js';
import { createTrack } from '../src/stream/internals.js';
import type { AudioData } from '../src/media/audio-data.js';

async function videoBench(frames: number): Promise<Record<string, number>> {
  const w = 1920, h = 1080;
  const base = createVideoFrame(FrameBuffer.allocate(tightFrameSize('I420', w, h)), { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
  const gen = new MediaStreamTrackGenerator({ kind: 'video' });
  const proc = new MediaStreamTrackProcessor({ track: gen, maxBufferSize: 8 });
  const writer = gen.writable.getWriter();
  const reader = proc.readable.getReader();
  let read = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      (value as VideoFrame).close();
      read++;
    }
  })();
  resetFramePlaneStats();
  const start = performance.now();
  for (let i = 0; i < frames; i++) {
    // A new frame over the same pixels (zero copy), stamped as a 60 fps stream.
    await writer.write(new VideoFrame(base, { timestamp: Math.round((i * 1e6) / 60) }));
    // Give the reader its turn every few frames, as a consumer keeping up would have.
    if (i % 4 === 3) await new Promise((r) => setImmediate(r));
  }
  // Let the reader take what is queued, then end the track (closes the readable).
  while (read + proc.discardedFrames < frames) await new Promise((r) => setImmediate(r));
  const elapsed = (performance.now() - start) / 1000;
  const stats = framePlaneStats();
  gen.stop();
  await reading;
  base.close();
  return {
    'video.1080p.framesPerSecond': Math.round(frames / elapsed),
    'video.1080p.framesRead': read,
    'video.1080p.framesDiscarded': proc.discardedFrames,
    'video.1080p.bytesCopiedPerFrame': stats.bytesCopied / frames,
    'video.1080p.bytesAllocatedPerFrame': stats.bytesAllocated / frames,
  };
}

async function audioBench(virtualMinutes: number): Promise<Record<string, number>> {
  const clock = new VirtualClock();
  const src = new SyntheticAudioSource({ kind: 'audio', mode: { sampleRate: 48000, channelCount: 2, sampleSize: 16, latency: 0.01 } }, clock);
  const track = createTrack(src, { kind: 'audio', label: 'synthetic microphone' });
  const proc = new MediaStreamTrackProcessor({ track, maxBufferSize: 200 });
  const reader = proc.readable.getReader();
  let read = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      (value as AudioData).close();
      read++;
    }
  })();
  const cpu0 = process.cpuUsage();
  const steps = virtualMinutes * 60;
  for (let s = 0; s < steps; s++) {
    clock.advance(1000);
    // Give the reader its turn: everything produced in this virtual second is read.
    while (read + proc.discardedFrames < proc.totalFrames) await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  track.stop();
  await reading;
  return {
    'audio.48k.virtualMinutes': virtualMinutes,
    'audio.48k.chunksRead': read,
    'audio.48k.chunksDiscarded': proc.discardedFrames,
    'audio.48k.cpuSecondsPerRealtimeHour': Number(((cpuSeconds * 60) / virtualMinutes).toFixed(3)),
  };
}

export async function runFramePlaneBench(): Promise<Record<string, number | string>> {
  // Warm-up runs let the JIT settle before the measured ones.
  await videoBench(60);
  await audioBench(1);
  const video = await videoBench(2000);
  const audio = await audioBench(60);
  return {
    ...video,
    ...audio,
    'goal.video': '>= 2000 frames/s, 0 bytes copied per frame',
    'goal.audio': '< 1 CPU-second per realtime hour',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runFramePlaneBench().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v}`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
