import { MediaStreamTrackProcessor } from '../../../src/transform/media-stream-track-processor.js';
import type { MediaStreamTrack } from '../../../src/stream/media-stream-track.js';
import type { AudioData } from '../../../src/media/audio-data.js';

export interface Collected {
  channels: Float32Array[];
  sampleRate: number;
  /** Timestamps (µs) and sizes of the chunks read, in order. */
  chunks: { timestamp: number; frames: number; channels: number }[];
}

/**
 * Reads `frames` frames from an audio track through a MediaStreamTrackProcessor, after skipping
 * the first `skip` frames (start-up). With `afterSound`, leading exact silence is skipped too and
 * `skip` counts from the first sound (a context on a loaded machine may take a while to start).
 */
export async function collect(track: MediaStreamTrack, frames: number, skip = 0, afterSound = false): Promise<Collected> {
  const processor = new MediaStreamTrackProcessor({ track });
  const reader = (processor.readable as ReadableStream<AudioData>).getReader();
  let channels: Float32Array[] = [];
  let filled = 0;
  let skipped = 0;
  let heard = !afterSound;
  let sampleRate = 0;
  const chunks: Collected['chunks'] = [];
  try {
    while (filled < frames) {
      const { value, done } = await reader.read();
      if (done || !value) break;
      const data = value;
      chunks.push({ timestamp: data.timestamp, frames: data.numberOfFrames, channels: data.numberOfChannels });
      sampleRate = data.sampleRate;
      const planes: Float32Array[] = [];
      for (let c = 0; c < data.numberOfChannels; c++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
        planes.push(plane);
      }
      data.close();
      if (channels.length !== planes.length) channels = planes.map(() => new Float32Array(frames));
      let start = 0;
      if (!heard) {
        const first = planes[0]!.findIndex((v) => v !== 0);
        if (first < 0) continue;
        heard = true;
        start = first;
      }
      if (skipped < skip) {
        const k = Math.min(planes[0]!.length - start, skip - skipped);
        skipped += k;
        start += k;
      }
      const n = Math.min(planes[0]!.length - start, frames - filled);
      if (n > 0) {
        for (let c = 0; c < planes.length; c++) channels[c]!.set(planes[c]!.subarray(start, start + n), filled);
        filled += n;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return { channels, sampleRate, chunks };
}

/**
 * True when x has no glitch: no run of `zeros` exact zeros (a starved jitter buffer plays exact
 * silence) and, if `maxStep2` is given, no second difference beyond it (a sine of amplitude A at
 * angular frequency w never exceeds A * w^2; a discontinuity does).
 */
export function steady(x: Float32Array, maxStep2 = Infinity, zeros = 16): boolean {
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    run = x[i] === 0 ? run + 1 : 0;
    if (run >= zeros) return false;
    if (i >= 2 && Math.abs(x[i]! - 2 * x[i - 1]! + x[i - 2]!) > maxStep2) return false;
  }
  return true;
}

/**
 * Collects windows (as collect() with afterSound) until one is steady() on channel 0, at most
 * `attempts` times; returns the last one. A shared machine under load may glitch a realtime
 * context now and then; a test of the signal path measures a clean window.
 */
export async function collectSteady(track: MediaStreamTrack, frames: number, skip: number, maxStep2 = Infinity, attempts = 4): Promise<Collected> {
  let got = await collect(track, frames, skip, true);
  for (let i = 1; i < attempts && !steady(got.channels[0]!, maxStep2); i++) got = await collect(track, frames, 0, true);
  return got;
}

/** Amplitude of the frequency-f component of x (Goertzel over the whole array, Hann window). */
export function toneAmplitude(x: Float32Array, f: number, rate: number): number {
  const n = x.length;
  const w = (2 * Math.PI * f) / rate;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    wsum += win;
    re += x[i]! * win * Math.cos(w * i);
    im -= x[i]! * win * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

/**
 * The largest tone amplitude within +-`tolerance` (relative) of f: robust to the tiny pitch
 * corrections of drift compensation, which would otherwise fall between Goertzel bins.
 */
export function peakAmplitude(x: Float32Array, f: number, rate: number, tolerance = 0.002): number {
  let best = 0;
  const steps = 40;
  for (let k = -steps; k <= steps; k++) best = Math.max(best, toneAmplitude(x, f * (1 + (tolerance * k) / steps), rate));
  return best;
}

/**
 * The frequency within +-`span` (relative) of `guess` where the tone amplitude peaks (grid of
 * 0.01 % steps). Unlike counting zero crossings, a short gap (a glitch under heavy load) does not
 * move the peak.
 */
export function peakFrequency(x: Float32Array, guess: number, rate: number, span = 0.02): number {
  let best = 0;
  let bestF = guess;
  const steps = Math.round(span / 0.0001);
  for (let k = -steps; k <= steps; k++) {
    const f = guess * (1 + 0.0001 * k);
    const a = toneAmplitude(x, f, rate);
    if (a > best) {
      best = a;
      bestF = f;
    }
  }
  return bestF;
}

/** Frequency of a (mostly) sinusoidal signal from its rising zero crossings, interpolated. */
export function zeroCrossingFrequency(x: Float32Array, rate: number): number {
  let first = NaN;
  let last = NaN;
  let count = 0;
  for (let i = 1; i < x.length; i++) {
    const a = x[i - 1]!;
    const b = x[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + a / (a - b);
      if (Number.isNaN(first)) first = t;
      else count++;
      last = t;
    }
  }
  return count > 0 ? (count * rate) / (last - first) : 0;
}

export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, x.length));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
