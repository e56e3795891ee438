/**
 * Web Audio benchmark.
 *
 * 1. Offline: N parallel chains oscillator -> lowshelf biquad -> destination (N = 1, 10, 100),
 *    rendered for WEBAUDIO_BENCH_SECONDS (default 60) s at 48 kHz stereo in an
 *    OfflineAudioContext, side by side with node-web-audio-api (a native engine) in the same run:
 *    CPU seconds each (process.cpuUsage, all threads) and the ratio ours / theirs.
 * 2. Realtime: one AudioContext (none sink, latencyHint 'balanced') rendering N chains
 *    source -> lowshelf biquad -> destination on its render thread (one core); the largest N that
 *    runs WEBAUDIO_BENCH_RT_SECONDS (default 2) s without an underrun. The source is an oscillator
 *    until the MediaStream source nodes exist.
 *
 * Run alone: node dist/bench/webaudio.js
 */
import { pathToFileURL } from 'node:url';
import { AudioContext } from '../src/webaudio/audio-context.js';
import { OfflineAudioContext } from '../src/webaudio/offline-audio-context.js';
import { coreOf } from '../src/webaudio/context-core.js';
import { STATE_UNDERRUNS } from '../src/webaudio/render/protocol.js';

const RATE = 48000;

interface OfflineLike {
  createOscillator(): { frequency: { value: number }; connect(d: unknown): unknown; start(): void };
  createBiquadFilter(): { type: string; frequency: { value: number }; gain: { value: number }; connect(d: unknown): unknown };
  destination: unknown;
  startRendering(): Promise<unknown>;
}

async function cpuSecondsFor(make: () => OfflineLike, chains: number): Promise<number> {
  const ctx = make();
  for (let i = 0; i < chains; i++) {
    const osc = ctx.createOscillator();
    osc.frequency.value = 110 + i * 7;
    const bq = ctx.createBiquadFilter();
    bq.type = 'lowshelf';
    bq.frequency.value = 400;
    bq.gain.value = 6;
    osc.connect(bq);
    bq.connect(ctx.destination);
    osc.start();
  }
  const before = process.cpuUsage();
  await ctx.startRendering();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

async function realtimeUnderruns(chains: number, seconds: number): Promise<number> {
  const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE, latencyHint: 'balanced' });
  for (let i = 0; i < chains; i++) {
    const osc = ctx.createOscillator();
    osc.frequency.value = 110 + i * 7;
    const bq = ctx.createBiquadFilter();
    bq.type = 'lowshelf';
    bq.frequency.value = 400;
    bq.gain.value = 6;
    osc.connect(bq).connect(ctx.destination);
    osc.start();
  }
  const header = coreOf(ctx).state.header;
  // Let the graph reach the render thread and rendering settle before counting.
  await new Promise((r) => setTimeout(r, 300));
  const start = header[STATE_UNDERRUNS]!;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const underruns = header[STATE_UNDERRUNS]! - start;
  await ctx.close();
  return underruns;
}

export async function runWebAudioBench(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.WEBAUDIO_BENCH_SECONDS ?? 60);
  const rtSeconds = Number(process.env.WEBAUDIO_BENCH_RT_SECONDS ?? 2);
  const out: Record<string, number | string> = {};
  const length = Math.round(seconds * RATE);
  out.offline_seconds_rendered = seconds;
  type Native = { OfflineAudioContext: new (c: number, l: number, r: number) => OfflineLike };
  let nwa: Native | null = null;
  try {
    nwa = (await import('node-web-audio-api')) as unknown as Native;
  } catch (e) {
    out.node_web_audio_api = `unavailable: ${(e as Error).message}`;
  }
  for (const n of [1, 10, 100]) {
    const ours = await cpuSecondsFor(() => new OfflineAudioContext(2, length, RATE) as unknown as OfflineLike, n);
    out[`offline_n${n}_ours_cpu_s`] = round(ours);
    out[`offline_n${n}_ours_x_realtime`] = round(seconds / ours);
    const native = nwa;
    if (native !== null) {
      const theirs = await cpuSecondsFor(() => new native.OfflineAudioContext(2, length, RATE), n);
      out[`offline_n${n}_nwa_cpu_s`] = round(theirs);
      out[`offline_n${n}_cpu_ratio_ours_over_nwa`] = round(ours / theirs);
    }
  }
  // Largest N without underruns: double until failure, then bisect.
  let ok = 0;
  let bad = 0;
  for (let n = 1; n <= 4096; n *= 2) {
    if ((await realtimeUnderruns(n, rtSeconds)) === 0) ok = n;
    else {
      bad = n;
      break;
    }
  }
  if (bad > 0) {
    let lo = ok;
    let hi = bad;
    while (hi - lo > Math.max(1, Math.floor(lo / 16))) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await realtimeUnderruns(mid, rtSeconds)) === 0) lo = mid;
      else hi = mid;
    }
    ok = lo;
  }
  out.realtime_max_chains_without_underrun = ok;
  out.realtime_pipeline = 'oscillator -> lowshelf biquad -> destination (none sink, balanced latency); oscillator stands in for the MediaStream source nodes, not yet available';
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runWebAudioBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
