/**
 * Web Audio benchmark.
 *
 * 1. Offline: N parallel chains oscillator -> lowshelf biquad -> destination (N = 1, 10, 100),
 *    rendered for WEBAUDIO_BENCH_SECONDS (default 60) s at 48 kHz stereo in an
 *    OfflineAudioContext, side by side with node-web-audio-api (a native engine) in the same run:
 *    CPU seconds each (process.cpuUsage, all threads; the median of three renders, garbage
 *    collected before each) and the ratio ours / theirs, against node-web-audio-api's newest
 *    release (2.2) and 1.x, with both outputs compared (energy and largest sample difference). Both engines
 *    first render each graph twice at full length (not counted), so the figures compare
 *    steady-state rendering rather than JIT start-up; the first render in the process (one chain,
 *    cold) is reported separately for each engine.
 * 2. Realtime: one AudioContext (none sink, latencyHint 'balanced') rendering N pipelines
 *    synthetic microphone -> MediaStreamAudioSourceNode -> lowshelf biquad -> destination on its
 *    render thread (one core); the largest N that runs WEBAUDIO_BENCH_RT_SECONDS (default 2) s
 *    without an underrun. The microphone is one synthetic device (createMediaDevices()) opened
 *    with getUserMedia; every pipeline has its own MediaStreamAudioSourceNode on that stream. Each
 *    count runs in a child process; one that underruns, or overruns its time limit (the control
 *    thread feeding the sources overloaded), is tried once more (shared machines have stray
 *    stalls) and fails only if both runs fail.
 *
 * Run alone: node dist/bench/webaudio.js (WEBAUDIO_BENCH_REALTIME=0 runs the offline part only)
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The median CPU time of three renders of the same graph (and the last render's output). */
async function medianCpuFor(make: () => OfflineLike, chains: number): Promise<{ cpu: number; buffer: Rendered }> {
  const runs: { cpu: number; buffer: Rendered }[] = [];
  for (let i = 0; i < 3; i++) runs.push(await cpuSecondsFor(make, chains));
  const sorted = runs.map((r) => r.cpu).sort((a, b) => a - b);
  return { cpu: sorted[1]!, buffer: runs[2]!.buffer };
}

interface Rendered {
  numberOfChannels: number;
  length: number;
  getChannelData(c: number): Float32Array;
}

async function cpuSecondsFor(make: () => OfflineLike, chains: number): Promise<{ cpu: number; buffer: Rendered }> {
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
  // The previous render's garbage (tens of MB of output) is collected before, not charged to this one.
  collectGarbage();
  const before = process.cpuUsage();
  const buffer = (await ctx.startRendering()) as Rendered;
  const used = process.cpuUsage(before);
  return { cpu: (used.user + used.system) / 1e6, buffer };
}

/**
 * Whether two renders of the same graph agree: equal length and channels, every channel's energy
 * within 0.1 %, and the largest sample difference small against the signal's peak (the engines
 * compute sines and filter coefficients in different ways, so bit equality is not expected).
 */
function compareRenders(a: Rendered, b: Rendered): { equal: boolean; detail: string } {
  if (a.length !== b.length || a.numberOfChannels !== b.numberOfChannels) {
    return { equal: false, detail: `shape ${a.numberOfChannels}x${a.length} vs ${b.numberOfChannels}x${b.length}` };
  }
  let worstEnergy = 0;
  let worstDiff = 0;
  let peak = 0;
  for (let c = 0; c < a.numberOfChannels; c++) {
    const x = a.getChannelData(c);
    const y = b.getChannelData(c);
    let ex = 0;
    let ey = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      ex += xi * xi;
      ey += yi * yi;
      const d = Math.abs(xi - yi);
      if (d > worstDiff) worstDiff = d;
      const m = Math.abs(xi);
      if (m > peak) peak = m;
    }
    const rel = ex === 0 && ey === 0 ? 0 : Math.abs(ex - ey) / Math.max(ex, ey);
    if (rel > worstEnergy) worstEnergy = rel;
  }
  const relDiff = peak === 0 ? worstDiff : worstDiff / peak;
  return {
    equal: worstEnergy < 1e-3 && relDiff < 1e-2,
    detail: `energy differs by ${(worstEnergy * 100).toFixed(4)} %, largest sample difference ${(relDiff * 100).toFixed(4)} % of peak`,
  };
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
  // The peer's newest release (2.2; its engines field says Node >= 22, it runs on 20) beside 1.x.
  const peers: { key: string; label: string; mod: Native }[] = [];
  for (const [key, spec] of [['nwa2', 'node-web-audio-api-2'], ['nwa1', 'node-web-audio-api']] as const) {
    try {
      const mod = (await import(spec)) as unknown as Native;
      const version = (JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve(spec)), 'package.json'), 'utf8')) as { version: string }).version;
      peers.push({ key, label: `node-web-audio-api ${version}`, mod });
      out[`${key}_version`] = version;
    } catch (e) {
      out[`${key}_version`] = `unavailable: ${(e as Error).message}`;
    }
  }
  const ours = (): OfflineLike => new OfflineAudioContext(2, length, RATE) as unknown as OfflineLike;
  // Cold: the first render in the process on each engine (one chain), reported beside the rest.
  const cold = await cpuSecondsFor(ours, 1);
  out.offline_n1_ours_cold_cpu_s = round(cold.cpu);
  for (const p of peers) out[`offline_n1_${p.key}_cold_cpu_s`] = round((await cpuSecondsFor(() => new p.mod.OfflineAudioContext(2, length, RATE), 1)).cpu);
  const ratios: string[] = [];
  for (const n of [1, 10, 100]) {
    progress(`offline: ${n} chains`);
    // Warm-up (not counted): two full-length renders of this graph on each engine, so the figures
    // compare steady-state rendering (optimized code, reused memory) rather than JIT start-up.
    for (let i = 0; i < 2; i++) {
      await cpuSecondsFor(ours, n);
      for (const p of peers) await cpuSecondsFor(() => new p.mod.OfflineAudioContext(2, length, RATE), n);
    }
    const o = await medianCpuFor(ours, n);
    out[`offline_n${n}_ours_cpu_s`] = round(o.cpu);
    out[`offline_n${n}_ours_x_realtime`] = round(seconds / o.cpu);
    for (const p of peers) {
      const t = await medianCpuFor(() => new p.mod.OfflineAudioContext(2, length, RATE), n);
      out[`offline_n${n}_${p.key}_cpu_s`] = round(t.cpu);
      const same = compareRenders(o.buffer, t.buffer);
      out[`offline_n${n}_${p.key}_outputs`] = `${same.equal ? 'equal' : 'DIFFERENT'}: ${same.detail}`;
      const ratio = o.cpu / t.cpu;
      out[`offline_n${n}_cpu_ratio_ours_over_${p.key}`] = round(ratio);
      ratios.push(`${p.label} N=${n}: ${ratio.toFixed(2)} (${same.equal ? describeRatio(ratio) : 'outputs differ, not comparable'})`);
    }
  }
  // Targets against the newest peer: at least 1.5x faster at 10 and 100 chains, no slower at 1.
  const newest = peers[0];
  if (newest !== undefined && newest.key === 'nwa2') {
    const verdicts = [1, 10, 100].map((n) => {
      const r = out[`offline_n${n}_cpu_ratio_ours_over_nwa2`] as number;
      const goal = n === 1 ? 1 : 1 / 1.5;
      const ok = r <= goal && String(out[`offline_n${n}_nwa2_outputs`]).startsWith('equal');
      return `N=${n} ${ok ? 'MET' : 'NOT MET'} (${r.toFixed(2)} vs <= ${goal.toFixed(2)})`;
    });
    out.offline_goal_vs_newest = verdicts.join('; ');
  }
  if (ratios.length > 0) out.offline_cpu_ratios = ratios.join('; ');
  if (process.env.WEBAUDIO_BENCH_REALTIME === '0') return out;
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
