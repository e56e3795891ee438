/**
 * Live pipelines, one realtime AudioContext each: synthetic microphone (getUserMedia) ->
 * createMediaStreamSource -> lowshelf biquad -> destination (none sink, balanced latency), at
 * N = 1, 10 and 50 contexts in one process, for LIVE_BENCH_SECONDS (default 10) s of real time.
 *
 * Reported per N: CPU seconds (process.cpuUsage, every thread of the process) per pipeline per
 * realtime second, output underruns counted by the render threads, and underruns and skipped
 * backlogs counted by every source's ring. A starved source is a failure, not cheap silence: a
 * run passes only with zero underruns of either kind. The goal, 0.013 CPU-s per pipeline per
 * second at N = 50, is Chromium's cost on the 2-core reference machine (measured outside this
 * run: no browser is part of `npm run bench`).
 *
 * Each N runs in a child process, so one run's threads and heap never weigh on the next.
 * Run alone: node dist/bench/live-contexts.js
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AudioContext } from '../src/webaudio/audio-context.js';
import '../src/webaudio/nodes/media-stream-audio-source-node.js';
import { coreOf } from '../src/webaudio/context-core.js';
import { sourceNodeStats } from '../src/webaudio/media-stream-source.js';
import { STATE_UNDERRUNS } from '../src/webaudio/render/protocol.js';
import { createMediaDevices } from '../src/devices/create-media-devices.js';
import type { AudioNode } from '../src/webaudio/audio-node.js';

const RATE = 48000;
const CHILD_ENV = 'MEDIACAPTURE_LIVE_BENCH_CHILD';
/** Chromium's cost per pipeline per realtime second at N = 50 on the reference machine. */
const GOAL_CPU = 0.013;

interface RunResult {
  cpuPerPipelineSecond: number;
  renderUnderruns: number;
  sourceUnderruns: number;
  sourceSkips: number;
  /** Longest gap between 10 ms timers on the main thread during the run (ms). */
  maxTimerGapMs: number;
}

async function childMain(n: number, seconds: number): Promise<void> {
  const { mediaDevices } = createMediaDevices({
    devices: {
      microphones: [{ id: 'bench-mic', toneFrequency: 440, modes: [{ sampleRate: RATE, channelCount: 1, sampleSize: 16, latency: 0.01 }] }],
      cameras: 0,
    },
  });
  const contexts: AudioContext[] = [];
  const sources: AudioNode[] = [];
  const streams = [];
  for (let i = 0; i < n; i++) {
    // One microphone capture per pipeline, as N independent pages would each open their own.
    const stream = await mediaDevices.getUserMedia({ audio: { sampleRate: { exact: RATE }, channelCount: { exact: 1 } } });
    streams.push(stream);
    const ctx = new AudioContext({ sinkId: { type: 'none' }, sampleRate: RATE, latencyHint: 'balanced' });
    const src = ctx.createMediaStreamSource(stream);
    const bq = ctx.createBiquadFilter();
    bq.type = 'lowshelf';
    bq.frequency.value = 400 + i;
    bq.gain.value = 6;
    src.connect(bq).connect(ctx.destination);
    contexts.push(ctx);
    sources.push(src as unknown as AudioNode);
  }
  await Promise.all(contexts.map((c) => c.resume()));
  // Let every graph reach its render thread and the source rings prime before counting.
  await new Promise((r) => setTimeout(r, 1000));
  const headers = contexts.map((c) => coreOf(c).state.header);
  const under0 = headers.map((h) => h[STATE_UNDERRUNS]!);
  const stats0 = sources.map((s) => sourceNodeStats(s)!);
  let last = performance.now();
  let maxGap = 0;
  const watch = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(watch);
  const stats1 = sources.map((s) => sourceNodeStats(s)!);
  const result: RunResult = {
    cpuPerPipelineSecond: (cpu.user + cpu.system) / 1e6 / n / elapsed,
    renderUnderruns: headers.reduce((a, h, i) => a + h[STATE_UNDERRUNS]! - under0[i]!, 0),
    sourceUnderruns: stats1.reduce((a, s, i) => a + s.underruns - stats0[i]!.underruns, 0),
    sourceSkips: stats1.reduce((a, s, i) => a + s.skippedFrames - stats0[i]!.skippedFrames, 0),
    maxTimerGapMs: Math.round(maxGap),
  };
  await Promise.all(contexts.map((c) => c.close()));
  for (const s of streams) for (const t of s.getTracks()) t.stop();
  console.log(JSON.stringify(result));
}

function runChild(n: number, seconds: number): Promise<RunResult | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD_ENV]: `${n},${seconds}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    child.on('close', (code) => {
      clearTimeout(limit);
      try {
        resolve(code === 0 ? (JSON.parse(text.trim().split('\n').pop()!) as RunResult) : `exited with code ${code}`);
      } catch {
        resolve(`no result (code ${code})`);
      }
    });
  });
}

export async function runLiveContextsBench(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.LIVE_BENCH_SECONDS ?? 10);
  const out: Record<string, number | string> = {};
  out.live_seconds = seconds;
  for (const n of [1, 10, 50]) {
    process.stderr.write(`  [live-contexts] ${n} contexts for ${seconds} s\n`);
    const r = await runChild(n, seconds);
    if (typeof r === 'string') {
      out[`live_n${n}`] = `FAILED: ${r}`;
      continue;
    }
    out[`live_n${n}_cpu_s_per_pipeline_s`] = Math.round(r.cpuPerPipelineSecond * 10000) / 10000;
    out[`live_n${n}_render_underruns`] = r.renderUnderruns;
    out[`live_n${n}_source_underruns`] = r.sourceUnderruns;
    out[`live_n${n}_source_skipped_frames`] = r.sourceSkips;
    out[`live_n${n}_max_main_timer_gap_ms`] = r.maxTimerGapMs;
    if (n === 50) {
      const clean = r.renderUnderruns === 0 && r.sourceUnderruns === 0 && r.sourceSkips === 0;
      const cheap = r.cpuPerPipelineSecond <= GOAL_CPU;
      out.live_goal_n50 = `${clean && cheap ? 'MET' : 'NOT MET'}: ${r.cpuPerPipelineSecond.toFixed(4)} CPU-s per pipeline-second (goal ${GOAL_CPU}, Chromium's), ` +
        `${clean ? 'no underruns' : `${r.renderUnderruns} render / ${r.sourceUnderruns} source underruns, ${r.sourceSkips} skipped frames`}`;
    }
  }
  out.live_pipeline = 'synthetic microphone -> createMediaStreamSource -> lowshelf -> destination (none sink), one AudioContext per pipeline, real time';
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const child = process.env[CHILD_ENV];
  if (child !== undefined) {
    const [n, s] = child.split(',').map(Number);
    await childMain(n!, s!);
  } else {
    const r = await runLiveContextsBench();
    for (const [k, v] of Object.entries(r)) console.log(`${k}  ${v}`);
  }
}
