/**
 * Media files for the src-playback tests, made here: Y4M clips whose frames each carry a known
 * luma value, WAV tones, and WebM recorded from the synthetic devices by the library's own
 * MediaRecorder (WebAssembly engine, virtual clock), so no system tool is needed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeY4m } from '../../../src/media/codecs/y4m.js';
import { encodeWav } from '../../../src/media/codecs/wav.js';
import { VirtualClock } from '../../../src/media/clock.js';
import { createMediaDevices } from '../../../src/devices/create-media-devices.js';
import { MediaRecorder } from '../../../src/recording/media-recorder.js';
import type { BlobEvent } from '../../../src/recording/blob-event.js';

/** Luma of frame i of yClip(): distinct per frame and far from its neighbours. */
export function frameLuma(i: number): number {
  return 16 + ((i * 20) % 220);
}

/** A 4:2:0 Y4M clip of `frames` frames at `fps`, frame i filled with luma frameLuma(i), grey chroma. */
export function y4mClip(frames: number, fps: number, width = 32, height = 24): Uint8Array {
  const planes: Uint8Array[][] = [];
  const cw = width >> 1;
  const ch = height >> 1;
  for (let i = 0; i < frames; i++) {
    planes.push([new Uint8Array(width * height).fill(frameLuma(i)), new Uint8Array(cw * ch).fill(128), new Uint8Array(cw * ch).fill(128)]);
  }
  return encodeY4m({ width, height, frameRate: { num: fps, den: 1 }, colorspace: '420' }, planes);
}

/** A mono WAV tone. */
export function wavTone(seconds: number, frequency = 440, sampleRate = 48000, amplitude = 0.5): Uint8Array {
  const n = Math.round(seconds * sampleRate);
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) c[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return encodeWav([c], sampleRate, 'f32');
}

/** Records `ms` of virtual time of the synthetic camera (and microphone) into WebM bytes. */
export async function recordWebm(ms: number, opts: { audio?: boolean; video?: boolean; timeslice?: number; width?: number; height?: number } = {}): Promise<Uint8Array> {
  const clock = new VirtualClock();
  const { mediaDevices } = createMediaDevices({ clock });
  const video = opts.video === false ? false : { width: opts.width ?? 160, height: opts.height ?? 120, frameRate: 30 };
  const stream = await mediaDevices.getUserMedia({ audio: opts.audio ?? true, video } as MediaStreamConstraints);
  const rec = new MediaRecorder(stream, { engine: 'wasm' } as never);
  const blobs: Blob[] = [];
  rec.ondataavailable = (e: BlobEvent) => blobs.push(e.data as unknown as Blob);
  const stopped = new Promise((r) => rec.addEventListener('stop', r));
  rec.start(opts.timeslice);
  await new Promise((r) => rec.addEventListener('start', r));
  for (let t = 0; t < ms; t += 50) clock.advance(50);
  rec.stop();
  await stopped;
  for (const t of stream.getTracks()) t.stop();
  return new Uint8Array(await new Blob(blobs).arrayBuffer());
}

/** A temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; write(name: string, bytes: Uint8Array): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mediacapture-src-'));
  return {
    dir,
    write(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The next `type` event of `el`; rejects (naming the event) when none comes within `timeoutMs`. */
export function once(el: EventTarget, type: string, timeoutMs = 10000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    el.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(e);
      },
      { once: true },
    );
  });
}
