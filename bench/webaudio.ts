/**
 * Web Audio benchmark.
 *
 * 1. Offline: N parallel chains oscillator -> lowshelf biquad -> destination (N = 1, 10, 100),
 *    rendered for WEBAUDIO_BENCH_SECONDS (default 60) s at 48 kHz stereo in an
 *    OfflineAudioContext, side by side with node-web-audio-api (a native engine) in the same run:
 *    CPU seconds each (process.cpuUsage, all threads) and the ratio ours / theirs. Both engines
 *    first render short warm-up graphs (not counted), so the figures compare steady-state
 *    rendering rather than JIT start-up. Goal: ours / theirs < 1 at N = 100.
 * 2. Realtime: one AudioContext (none sink, latencyHint 'balanced') rendering N pipelines
 *    synthetic microphone -> MediaStreamAudioSourceNode -> lowshelf biquad -> destination on its
 *    render thread (one core); the largest N that runs WEBAUDIO_BENCH_RT_SECONDS (default 2) s
 *    without an underrun. The microphone is one synthetic device (createMediaDevices()) opened
 *    with getUserMedia; every pipeline has its own MediaStreamAudioSourceNode on that stream. Each
 *    count runs in a child process; one that underruns, or overruns its time limit (the control
 *    thread feeding the sources overloaded), is tried once more (shared machines have stray
 *    stalls) and fails only if both runs fail.
 *
 * Run alone: node dist/bench/webaudio.js
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AudioContext } from '../src/webaudio/audio-context.js';
import { OfflineAudioContext } from '../src/webaudio/offline-audio-context.js';
import '../src/webaudio/nodes/media-stream-audio-source-node.js';
import { coreOf } from '../src/webaudio/context-core.js';
import { STATE_UNDERRUNS } from '../src/webaudio/render/protocol.js';
import { createMediaDevices } from '../src/devices/create-media-devices.js';
import type { MediaStream } from '../src/stream/media-stream.js';

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

/** One synthetic mono microphone at the context rate, opened with getUserMedia. */
async function openMicrophone(): Promise<MediaStream> {
  const { mediaDevices } = createMediaDevices({
    devices: {
      microphones: [{ id: 'bench-mic', toneFrequency: 440, modes: [{ sampleRate: RATE, channelCount: 1, sampleSize: 16, latency: 0.01 }] }],
      cameras: 0,
    },
  });
  return mediaDevices.getUserMedia({ audio: { sampleRate: { exact: RATE }, channelCount: { exact: 1 } } });
}

/**
 * Whether `chains` pipelines run without an underrun. Each run is a child process (killed by its
 * PID if it overruns its time: an overloaded control thread counts as a failure rather than
 * hanging the bench). The machine may be shared, so a run with underruns is repeated once: the
 * count is a failure only if both runs underrun.
 */
async function sustains(chains: number, seconds: number): Promise<boolean> {
  progress(`realtime: ${chains} pipelines`);
  if ((await childUnderruns(chains, seconds)) === 0) return true;
  progress(`realtime: ${chains} pipelines underran or overran; once more`);
  lastOverran = false;
  if ((await childUnderruns(chains, seconds)) === 0) return true;
  if (lastOverran) overran = Math.min(overran, chains);
  return false;
}

const CHILD_ENV = 'WEBAUDIO_BENCH_RT_CHILD';
/** The smallest pipeline count that failed because its runs overran their time limit. */
let overran = Infinity;
let lastOverran = false;

/** Underruns of one realtime run in a child process; Infinity if it failed or overran. */
function childUnderruns(chains: number, seconds: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD_ENV]: String(chains), WEBAUDIO_BENCH_RT_SECONDS: String(seconds) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (text += d));
    const limit = setTimeout(() => {
      progress(`realtime: ${chains} pipelines did not finish in time (control thread overloaded)`);
      lastOverran = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, (seconds + 15) * 1000);
    child.on('close', (code) => {
      clearTimeout(limit);
      const n = Number(text.trim());
      resolve(code === 0 && text.trim() !== '' && Number.isFinite(n) ? n : Infinity);
    });
  });
}

/** The child's side: one realtime run, printing its underrun count. */
async function childMain(chains: number, seconds: number): Promise<void> {
  const mic = await openMicrophone();
  try {
    console.log(String(await realtimeUnderruns(mic, chains, seconds)));
  } finally {
    for (const t of mic.getTracks()) t.stop();
  }
}

/** Progress on stderr (the figures go to stdout). */
function progress(line: string): void {
  process.stderr.write(`  [webaudio] ${line}\n`);
}

async function realtimeUnderruns(mic: MediaStream, chains: number, seconds: number): Promise<number> {
  const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE, latencyHint: 'balanced' });
  try {
    for (let i = 0; i < chains; i++) {
      const src = ctx.createMediaStreamSource(mic);
      const bq = ctx.createBiquadFilter();
      bq.type = 'lowshelf';
      bq.frequency.value = 400 + i;
      bq.gain.value = 6;
      src.connect(bq).connect(ctx.destination);
    }
    const header = coreOf(ctx).state.header;
    // Let the graph reach the render thread and rendering settle before counting.
    await new Promise((r) => setTimeout(r, 300));
    const start = header[STATE_UNDERRUNS]!;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return header[STATE_UNDERRUNS]! - start;
  } finally {
    await ctx.close();
  }
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
  const ours = (): OfflineLike => new OfflineAudioContext(2, length, RATE) as unknown as OfflineLike;
  const theirs = nwa === null ? null : (): OfflineLike => new nwa!.OfflineAudioContext(2, length, RATE);
  // Warm-up (not counted): 5 s of 1 and of 10 chains on each engine.
  const warm = Math.round(5 * RATE);
  for (const n of [1, 10]) {
    await cpuSecondsFor(() => new OfflineAudioContext(2, warm, RATE) as unknown as OfflineLike, n);
    if (nwa !== null) await cpuSecondsFor(() => new nwa!.OfflineAudioContext(2, warm, RATE), n);
  }
  const ratios: string[] = [];
  for (const n of [1, 10, 100]) {
    progress(`offline: ${n} chains`);
    const o = await cpuSecondsFor(ours, n);
    out[`offline_n${n}_ours_cpu_s`] = round(o);
    out[`offline_n${n}_ours_x_realtime`] = round(seconds / o);
    if (theirs !== null) {
      const t = await cpuSecondsFor(theirs, n);
      out[`offline_n${n}_nwa_cpu_s`] = round(t);
      const ratio = o / t;
      out[`offline_n${n}_cpu_ratio_ours_over_nwa`] = round(ratio);
      ratios.push(`N=${n}: ${ratio.toFixed(2)} (${describeRatio(ratio)})`);
      if (n === 100) {
        out.offline_goal_n100 = ratio < 1
          ? `MET: ours/theirs = ${ratio.toFixed(2)}, ${(1 / ratio).toFixed(2)}x faster than node-web-audio-api`
          : `NOT MET: ours/theirs = ${ratio.toFixed(2)}, ${ratio.toFixed(2)}x slower than node-web-audio-api`;
      }
    }
  }
  if (ratios.length > 0) out.offline_cpu_ratios_ours_over_nwa = ratios.join('; ');
  // Largest N without underruns: double until failure, then bisect.
  let ok = 0;
  let bad = 0;
  for (let n = 1; n <= 4096; n *= 2) {
    if (await sustains(n, rtSeconds)) ok = n;
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
      if (await sustains(mid, rtSeconds)) lo = mid;
      else hi = mid;
    }
    ok = lo;
  }
  out.realtime_max_pipelines_without_underrun = ok;
  if (overran !== Infinity) {
    out.realtime_note = `at ${overran} pipelines the control thread (feeding each MediaStreamAudioSourceNode from the microphone) could not keep up: both runs overran their time limit`;
  }
  out.realtime_pipeline =
    'synthetic microphone -> MediaStreamAudioSourceNode -> lowshelf biquad -> destination (none sink, balanced latency, one render thread)';
  return out;
}

function describeRatio(r: number): string {
  return r < 1 ? `${(1 / r).toFixed(2)}x faster` : `${r.toFixed(2)}x slower`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const child = process.env[CHILD_ENV];
  (child !== undefined
    ? childMain(Number(child), Number(process.env.WEBAUDIO_BENCH_RT_SECONDS ?? 2)).then(() => process.exit(0))
    : runWebAudioBench().then((r) => console.log(JSON.stringify(r, null, 2)))
  ).then(
    () => {},
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
