/**
 * `npm run demo`: the example of MDN's AudioContext.createMediaStreamSource() page, run in Node.
 *
 * The page captures the camera and microphone, shows the video in a <video> element, and plays
 * the microphone through a "lowshelf" BiquadFilterNode at 1000 Hz whose gain follows a range
 * slider. Here, with no DOM:
 *   - the slider is --gain <dB>, or without it the demo drags the slider itself (a gain ramp);
 *   - the speakers are used when a sound server answers, else the output goes to a WAV file;
 *   - the <video> element is replaced by a still photo (out/still.png);
 *   - two AnalyserNodes tap the filter's input and output, and their averaged spectra are plotted
 *     (out/spectrum.png) and summed into band levels, so that the shelf can be seen and measured.
 * `--help` lists the options.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { installPolyfill } from 'mediacapture/polyfill';
import { AudioContext, soundServerAvailable, type AnalyserNode, type BiquadFilterNode, type MediacaptureSink } from 'mediacapture';
import { parseDemoArgs, sweepGainAt, USAGE, SWEEP_FROM_DB, SWEEP_TO_DB, type DemoOptions } from './options.js';
import { takeStillPhoto, type Still } from './still.js';
import { HIGH_BAND, LOW_BAND, SpectrumAverage, bandChangeDb, formatDb } from './spectrum.js';
import { drawSpectrumPlot, type PlotSeries } from './spectrum-plot.js';

/** Sample rate of the context (the synthetic microphone's too). */
const SAMPLE_RATE = 48000;
/** Analyser size: 4096 samples (85 ms) gives 11.7 Hz bins, 17 of them in the low band. */
const FFT_SIZE = 4096;
/** How often the analysers are read. */
const SNAPSHOT_MS = 100;
const WINDOW_SECONDS = FFT_SIZE / SAMPLE_RATE;
/** Snapshots start once the analysers hold only captured sound (history full, filter settled). */
const WARMUP_SECONDS = WINDOW_SECONDS + 0.05;

interface Snapshot {
  /** Seconds since the run started (context time). */
  t: number;
  /** The shelf gain the analysed audio went through, in dB. */
  gain: number;
  input: Float32Array;
  output: Float32Array;
}

interface RunResult {
  microphone: MediaStreamTrack;
  camera: MediaStreamTrack;
  audioSettings: MediaTrackSettings;
  videoSettings: MediaTrackSettings;
  renderedSeconds: number;
  snapshots: Snapshot[];
  still: Still | Error;
  outputErrors: string[];
  /** The output actually used. */
  sink: MediacaptureSink;
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** The WAV file the output goes to when it is not played. */
function fileSink(outDir: string): MediacaptureSink & { type: 'file' } {
  // 32-bit float: a +20 dB bass boost may exceed full scale, and a float file keeps it unclipped.
  return { type: 'file', path: join(outDir, 'filtered.wav'), format: 'f32' };
}

/** Where the AudioContext's output goes: the speakers when a sound server answers, else a WAV file. */
function chooseSink(options: DemoOptions, outDir: string): MediacaptureSink {
  if (options.output === 'file') return fileSink(outDir);
  if (options.output === 'system' || soundServerAvailable()) return { type: 'system' };
  return fileSink(outDir);
}

function describeSink(sink: MediacaptureSink, options: DemoOptions): string {
  if (sink.type === 'system') return 'the speakers (sound server)';
  if (sink.type !== 'file') return sink.type;
  const why = options.output === 'file' ? '--output file' : 'no sound server answered';
  return `${sink.path} (${why})`;
}

/** Resolves once the context runs, or with the error message if its output could not start. */
function contextStarted(audioCtx: AudioContext, timeoutMs: number): Promise<string | null> {
  return new Promise((resolvePromise) => {
    const done = (result: string | null): void => {
      clearTimeout(timer);
      audioCtx.removeEventListener('statechange', onState);
      audioCtx.removeEventListener('error', onError);
      resolvePromise(result);
    };
    const onState = (): void => {
      if (audioCtx.state === 'running') done(null);
      else if (audioCtx.state === 'closed') done('the AudioContext closed');
    };
    const onError = (e: Event): void => done((e as Event & { message?: string }).message ?? 'the audio output failed');
    const timer = setTimeout(() => done(`the AudioContext did not start within ${timeoutMs} ms`), timeoutMs);
    audioCtx.addEventListener('statechange', onState);
    audioCtx.addEventListener('error', onError);
    onState();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The MDN example from getUserMedia's resolution on, plus the taps that measure it. */
async function playThroughFilter(stream: MediaStream, options: DemoOptions, sink: MediacaptureSink, fallback: MediacaptureSink): Promise<RunResult> {
  const [microphone] = stream.getAudioTracks();
  const [camera] = stream.getVideoTracks();
  if (!microphone || !camera) throw new TypeError('getUserMedia resolved without an audio and a video track');

  // video.srcObject = stream; video.play(): no <video> element in Node; instead a still photo is
  // taken from the live video track, as MDN's "Taking still photos" guide does with a canvas.
  const stillPromise: Promise<Still | Error> = takeStillPhoto(camera).catch((e: Error) => e);

  const outputErrors: string[] = [];
  let graph = await startFilterGraph(stream, options, sink, outputErrors);
  if (graph.startError !== null && sink.type !== 'file') {
    // No sound card after all (pacat failed, or --output system without a server): the same
    // graph again, into a WAV file.
    await graph.audioCtx.close().catch(() => {});
    sink = fallback;
    graph = await startFilterGraph(stream, options, sink, outputErrors);
  }
  if (graph.startError !== null) throw new Error(`the audio output could not start: ${graph.startError}`);
  const { audioCtx, biquadFilter, inputTap, outputTap } = graph;
  const t0 = audioCtx.currentTime;

  // range.oninput = () => { biquadFilter.gain.value = range.value; }: without --gain, the slider
  // is dragged from SWEEP_FROM_DB to SWEEP_TO_DB over the run, as automation on the gain param.
  if (options.gain === null) {
    biquadFilter.gain.setValueAtTime(SWEEP_FROM_DB, t0);
    biquadFilter.gain.linearRampToValueAtTime(SWEEP_TO_DB, t0 + options.seconds);
  }

  const snapshots: Snapshot[] = [];
  const timer = setInterval(() => {
    const t = audioCtx.currentTime - t0;
    if (t < WARMUP_SECONDS) return;
    // The gain the analysed audio went through: the slider's value for a fixed gain; for the
    // sweep, the ramp's value at the middle of the analyser's window (it moves during the window).
    const gain = options.gain ?? sweepGainAt(t - WINDOW_SECONDS / 2, options.seconds);
    snapshots.push({ t, gain, ...readAligned(audioCtx, inputTap, outputTap) });
  }, SNAPSHOT_MS);
  await sleep(options.seconds * 1000);
  clearInterval(timer);
  const renderedSeconds = audioCtx.currentTime - t0;

  const still = await stillPromise;
  const audioSettings = microphone.getSettings();
  const videoSettings = camera.getSettings();
  // The page keeps running; the demo ends: stop the devices and close the context (which
  // finishes the WAV file).
  for (const track of stream.getTracks()) track.stop();
  await audioCtx.close();
  return { microphone, camera, audioSettings, videoSettings, renderedSeconds, snapshots, still, outputErrors, sink };
}

interface FilterGraph {
  audioCtx: AudioContext;
  biquadFilter: BiquadFilterNode;
  inputTap: AnalyserNodeTap;
  outputTap: AnalyserNodeTap;
  /** Why the output did not start, or null once the context runs. */
  startError: string | null;
}

/** The MDN example's audio graph, on a context with the given output; resolves once it runs or failed to. */
async function startFilterGraph(stream: MediaStream, options: DemoOptions, sink: MediacaptureSink, outputErrors: string[]): Promise<FilterGraph> {
  // Create a MediaStreamAudioSourceNode
  // Feed the HTMLMediaElement into it
  const audioCtx = new AudioContext({ sampleRate: SAMPLE_RATE, mediacaptureSink: sink });
  audioCtx.addEventListener('error', (e) => outputErrors.push((e as Event & { message?: string }).message ?? 'error'));
  const source = audioCtx.createMediaStreamSource(stream);

  // Create a biquadfilter
  const biquadFilter = audioCtx.createBiquadFilter();
  biquadFilter.type = 'lowshelf';
  biquadFilter.frequency.value = 1000;
  // range.value: the --gain option, or the first slider position of the sweep.
  biquadFilter.gain.value = options.gain ?? SWEEP_FROM_DB;

  // connect the source to the filter and the filter to the destination, so we can hear the
  // microphone with its bass shelved up or down
  source.connect(biquadFilter);
  biquadFilter.connect(audioCtx.destination);

  // Not in the MDN example: analysers on both sides of the filter, to measure what it does.
  const inputTap = new AnalyserNodeTap(audioCtx);
  const outputTap = new AnalyserNodeTap(audioCtx);
  source.connect(inputTap.node);
  biquadFilter.connect(outputTap.node);

  const startError = await contextStarted(audioCtx, 10_000);
  if (startError !== null && !outputErrors.includes(startError)) outputErrors.push(startError);
  return { audioCtx, biquadFilter, inputTap, outputTap, startError };
}

/**
 * Reads both taps over the same stretch of audio: the render thread runs alongside this one, and
 * a quantum rendered between the two reads would shift one window against the other. A read
 * during which currentTime moved is repeated.
 */
function readAligned(audioCtx: AudioContext, inputTap: AnalyserNodeTap, outputTap: AnalyserNodeTap): { input: Float32Array; output: Float32Array } {
  for (let attempt = 0; ; attempt++) {
    const before = audioCtx.currentTime;
    const input = inputTap.read();
    const output = outputTap.read();
    if (audioCtx.currentTime === before || attempt === 4) return { input, output };
  }
}

/** An AnalyserNode read as raw spectra (no smoothing between reads). */
class AnalyserNodeTap {
  readonly node: AnalyserNode;
  constructor(audioCtx: AudioContext) {
    this.node = audioCtx.createAnalyser();
    this.node.fftSize = FFT_SIZE;
    this.node.smoothingTimeConstant = 0;
  }
  read(): Float32Array {
    const db = new Float32Array(this.node.frequencyBinCount);
    this.node.getFloatFrequencyData(db);
    return db;
  }
}

function describeSettings(settings: MediaTrackSettings): string {
  return Object.entries(settings)
    .filter(([k]) => k !== 'deviceId' && k !== 'groupId')
    .map(([k, v]) => `${k} ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

function average(snapshots: readonly Snapshot[], which: 'input' | 'output'): SpectrumAverage {
  const avg = new SpectrumAverage(FFT_SIZE / 2);
  for (const s of snapshots) avg.add(s[which]);
  return avg;
}

function bandChanges(snapshots: readonly Snapshot[]): { low: number | null; high: number | null } {
  const input = average(snapshots, 'input').meanPower();
  const output = average(snapshots, 'output').meanPower();
  // A band holding under 1/10000 (-40 dB) of the input's power has no signal of its own, only
  // the analyser window's leakage from elsewhere (e.g. the synthetic microphone's single tone).
  let total = 0;
  for (const p of input) total += p;
  const floor = total * 1e-4;
  return {
    low: bandChangeDb(input, output, SAMPLE_RATE, LOW_BAND, floor),
    high: bandChangeDb(input, output, SAMPLE_RATE, HIGH_BAND, floor),
  };
}

function hz(f: number): string {
  return f >= 1000 ? `${f / 1000} kHz` : `${f} Hz`;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`demo: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const outDir = resolve(options.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    process.stderr.write(`demo: cannot create the output directory ${outDir}: ${(e as Error).message}\n`);
    return 1;
  }
  const files: string[] = [];

  // The devices: unless MEDIACAPTURE_DEVICES says otherwise, the synthetic camera and a synthetic
  // microphone hearing pink noise (a single tone would sit on one side of the shelf only).
  if (!process.env.MEDIACAPTURE_DEVICES?.trim()) {
    installPolyfill({ replace: true, devices: { microphones: [{ label: 'Synthetic Microphone (pink noise)', signal: 'pink-noise' }], cameras: 1 } });
  }
  const sink = chooseSink(options, outDir);

  // getUserMedia block - grab stream
  // put it into a MediaStreamAudioSourceNode
  if (!navigator.mediaDevices) {
    log('getUserMedia not supported on your browser!');
    return 1;
  }
  log('getUserMedia supported.');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (err) {
    // Handle getUserMedia() error
    log(`The following gUM error occurred: ${err}`);
    return 1;
  }

  log(`Capturing for ${options.seconds} s; ${options.gain === null ? `sweeping the shelf gain ${formatDb(SWEEP_FROM_DB)} -> ${formatDb(SWEEP_TO_DB)}` : `shelf gain ${formatDb(options.gain)}`}...`);
  let run: RunResult;
  try {
    run = await playThroughFilter(stream, options, sink, fileSink(outDir));
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }

  // The still photo.
  const stillPath = join(outDir, 'still.png');
  if (!(run.still instanceof Error)) {
    writeFileSync(stillPath, run.still.png);
    files.push(stillPath);
  }

  // The spectra and the band levels.
  const snaps = run.snapshots;
  const series: PlotSeries[] = [{ label: 'Input (microphone)', color: [170, 170, 190], db: average(snaps, 'input').meanDb() }];
  const sweepRows: string[] = [];
  let overall: { low: number | null; high: number | null } = { low: null, high: null };
  let gainSummary: string;
  if (snaps.length > 0) {
    overall = bandChanges(snaps);
    if (options.gain === null) {
      // The first and last quarters of the sweep, to show the cut and the boost.
      const q = Math.max(1, Math.floor(snaps.length / 4));
      const first = snaps.slice(0, q), last = snaps.slice(-q);
      const range = (s: Snapshot[]) => `${formatDb(s[0]!.gain, 0)}..${formatDb(s[s.length - 1]!.gain, 0)}`.replace(/ dB\.\./, '..');
      series.push({ label: `Output, gain ${range(first)}`, color: [80, 170, 255], db: average(first, 'output').meanDb() });
      series.push({ label: `Output, gain ${range(last)}`, color: [255, 150, 40], db: average(last, 'output').meanDb() });
      // The sweep in (up to) six stretches: the mean gain of each and the low band's change
      // over its snapshots together (one analyser read alone is a noisy estimate).
      const rows = Math.min(6, snaps.length);
      for (let i = 0; i < rows; i++) {
        const part = snaps.slice(Math.floor((i * snaps.length) / rows), Math.floor(((i + 1) * snaps.length) / rows));
        const gain = part.reduce((sum, s) => sum + s.gain, 0) / part.length;
        const low = bandChanges(part).low;
        const span = `${part[0]!.t.toFixed(1)}-${part[part.length - 1]!.t.toFixed(1)} s`;
        sweepRows.push(`    t ${span.padEnd(10)} gain ${formatDb(gain).padStart(9)}   low band ${formatDb(low).padStart(9)}`);
      }
      gainSummary = `swept ${formatDb(SWEEP_FROM_DB)} -> ${formatDb(SWEEP_TO_DB)} over ${options.seconds} s (gain.linearRampToValueAtTime)`;
    } else {
      series.push({ label: `Output, gain ${formatDb(options.gain)}`, color: [255, 150, 40], db: average(snaps, 'output').meanDb() });
      gainSummary = `${formatDb(options.gain)} (fixed)`;
    }
  } else {
    gainSummary = options.gain === null ? 'sweep (no measurement)' : `${formatDb(options.gain)} (fixed)`;
  }
  const spectrumPath = join(outDir, 'spectrum.png');
  if (snaps.length > 0) {
    const title = `Lowshelf 1 kHz, ${options.gain === null ? `gain swept ${SWEEP_FROM_DB} to +${SWEEP_TO_DB} dB` : `gain ${formatDb(options.gain)}`}: averaged spectra`;
    writeFileSync(spectrumPath, drawSpectrumPlot({ title, sampleRate: SAMPLE_RATE, series, shelfHz: 1000, bands: [LOW_BAND, HIGH_BAND] }).toPng());
    files.push(spectrumPath);
  }
  const wavPath = run.sink.type === 'file' ? run.sink.path : null;
  if (wavPath !== null) files.push(wavPath);

  // The summary.
  // Paths under the working directory are shown relative to it, others in full.
  const rel = (p: string) => {
    const r = relative(process.cwd(), p);
    return r === '' || r.startsWith('..') || isAbsolute(r) ? p : r;
  };
  log('');
  log('Devices');
  log(`  microphone: "${run.microphone.label}"`);
  log(`  camera:     "${run.camera.label}"`);
  log('Track settings');
  log(`  audio: ${describeSettings(run.audioSettings)}`);
  log(`  video: ${describeSettings(run.videoSettings)}`);
  log(`Output:   ${describeSink(run.sink, options)}`);
  for (const e of run.outputErrors) log(`  output error: ${e}`);
  log(`Rendered: ${run.renderedSeconds.toFixed(2)} s at ${SAMPLE_RATE} Hz (${snaps.length} analyser snapshots)`);
  log(`Lowshelf filter at 1000 Hz, gain: ${gainSummary}`);
  log(`Measured level change, filter output vs input${options.gain === null ? ' (averaged over the sweep)' : ''}:`);
  const noSignal = (v: number | null) => (v !== null ? '' : snaps.length === 0 ? ' (the run was too short to measure)' : ' (no input signal in this band)');
  log(`  low band (${hz(LOW_BAND[0])}-${hz(LOW_BAND[1])}): ${formatDb(overall.low)}${noSignal(overall.low)}`);
  log(`  high band (${hz(HIGH_BAND[0])}-${hz(HIGH_BAND[1])}): ${formatDb(overall.high)}${noSignal(overall.high)}`);
  if (sweepRows.length) {
    log('  during the sweep:');
    for (const r of sweepRows) log(r);
  }
  if (run.still instanceof Error) log(`Still photo: not taken (${run.still.message})`);
  else log(`Still photo: ${run.still.width}x${run.still.height}, frame at ${(run.still.timestamp / 1000).toFixed(0)} ms`);
  log('Files:');
  for (const f of files) log(`  ${rel(f)}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
