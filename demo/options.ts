/**
 * Command-line options of the demo. The page's <input type="range"> becomes --gain; without it
 * the demo drags the "slider" itself, sweeping the shelf gain across SWEEP_FROM_DB..SWEEP_TO_DB.
 */
import { parseArgs } from 'node:util';

export const SWEEP_FROM_DB = -10;
export const SWEEP_TO_DB = 20;
export const DEFAULT_SECONDS = 5;
export const MAX_SECONDS = 3600;
/** The lowshelf gain accepted on the command line (the AudioParam itself allows far more). */
export const MAX_GAIN_DB = 40;

export type OutputChoice = 'auto' | 'system' | 'file';

export interface DemoOptions {
  /** Fixed shelf gain in dB, or null for the sweep. */
  gain: number | null;
  seconds: number;
  outDir: string;
  output: OutputChoice;
  help: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]     (or: node dist/demo/main.js [options])

MDN's AudioContext.createMediaStreamSource() example in Node: getUserMedia({audio, video}) ->
createMediaStreamSource(stream) -> a "lowshelf" BiquadFilterNode at 1000 Hz -> the speakers (or a
WAV file), plus a still photo from the camera and a plot of the input and output spectra.

Options:
  --gain <dB>       the lowshelf gain (the page's range slider), ${-MAX_GAIN_DB}..${MAX_GAIN_DB} dB.
                    Default: sweep it from ${SWEEP_FROM_DB} dB to +${SWEEP_TO_DB} dB over the run.
  --seconds <N>     how long to capture and play, in real seconds (default ${DEFAULT_SECONDS}).
  --out <dir>       where the output files go (default ./out).
  --output <where>  auto (default: the speakers if a sound server answers, else a WAV file),
                    system (the speakers) or file (<out>/filtered.wav).
  -h, --help        print this help.

Devices: a synthetic camera and a pink-noise test microphone (a looped WAV file, so that there is
sound both below and above the 1 kHz shelf). MEDIACAPTURE_DEVICES chooses other devices, e.g.
  MEDIACAPTURE_DEVICES='{"real": true, "microphones": 0, "cameras": 0}'   the machine's own.

Output files: <out>/still.png, <out>/spectrum.png, <out>/filtered.wav (when not played),
<out>/input-pink-noise.wav (the test microphone's signal).`;

function number(raw: string, name: string): number {
  // Number('') is 0 and Number(' 1 ') is 1: require the whole argument to be a number.
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) throw new TypeError(`--${name}: expected a number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Parses argv (without the node and script paths). Throws a TypeError naming the bad option. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  // "--gain -6" is what a user types; parseArgs would take "-6" for an option, so a negative
  // number after an option that takes a value is joined to it ("--gain=-6").
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, next = argv[i + 1];
    if ((a === '--gain' || a === '--seconds') && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else {
      args.push(a);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        gain: { type: 'string' },
        seconds: { type: 'string' },
        out: { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
  const v = parsed.values;
  let gain: number | null = null;
  if (v.gain !== undefined) {
    gain = number(v.gain, 'gain');
    if (!(Math.abs(gain) <= MAX_GAIN_DB)) throw new TypeError(`--gain: ${v.gain} dB is outside ${-MAX_GAIN_DB}..${MAX_GAIN_DB} dB`);
  }
  let seconds = DEFAULT_SECONDS;
  if (v.seconds !== undefined) {
    seconds = number(v.seconds, 'seconds');
    if (!(seconds > 0 && seconds <= MAX_SECONDS)) throw new TypeError(`--seconds: ${v.seconds} is not within (0, ${MAX_SECONDS}]`);
  }
  const outDir = v.out ?? 'out';
  if (outDir === '') throw new TypeError('--out: the directory name is empty');
  const output = (v.output ?? 'auto') as OutputChoice;
  if (output !== 'auto' && output !== 'system' && output !== 'file') {
    throw new TypeError(`--output: expected auto, system or file, got ${JSON.stringify(v.output)}`);
  }
  return { gain, seconds, outDir, output, help: v.help === true };
}

/** The gain the sweep has reached `t` seconds into a run of `seconds` (what the ramp automation does). */
export function sweepGainAt(t: number, seconds: number): number {
  const x = Math.min(1, Math.max(0, t / seconds));
  return SWEEP_FROM_DB + (SWEEP_TO_DB - SWEEP_FROM_DB) * x;
}
