/**
 * The command line's option parser: each command declares its options; anything else is a usage
 * error naming the option. Options take their value as `--name value` or `--name=value`; an
 * option whose value is optional (`--audio`, `--audio <device>`) takes the next argument only
 * when it does not start with "--".
 */
import { UsageError } from './errors.js';

export type OptionType = 'flag' | 'string' | 'optional-string' | 'number' | 'integer';

export interface OptionSpec {
  readonly name: string;
  readonly type: OptionType;
  /** Shown in --help: the value's placeholder, e.g. "<s>". */
  readonly value?: string;
  readonly help: string;
  /** One-letter alias, e.g. "h". */
  readonly short?: string;
}

export type ParsedOptions = Map<string, string | number | true>;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseValue(spec: OptionSpec, raw: string, command: string): string | number {
  if (spec.type === 'number' || spec.type === 'integer') {
    if (!NUMBER.test(raw.trim())) throw new UsageError(`--${spec.name} expects a number, got ${JSON.stringify(raw)}`);
    const n = Number(raw);
    if (spec.type === 'integer' && !Number.isInteger(n)) throw new UsageError(`--${spec.name} expects a whole number, got ${JSON.stringify(raw)}`);
    return n;
  }
  return raw;
}

/** Parses `argv` (the arguments after the command name) against `specs`. */
export function parseOptions(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedOptions {
  const out: ParsedOptions = new Map();
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown option --${name}${suggest(name, specs)} (see: mediacapture ${command} --help)`);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      spec = byShort.get(arg.slice(1));
      if (!spec) throw new UsageError(`unknown option ${arg} (see: mediacapture ${command} --help)`);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (options start with --; see: mediacapture ${command} --help)`);
    }
    if (out.has(spec.name)) throw new UsageError(`--${spec.name} is given twice`);
    switch (spec.type) {
      case 'flag':
        if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
        out.set(spec.name, true);
        break;
      case 'optional-string': {
        const next = argv[i + 1];
        if (inline !== undefined) out.set(spec.name, inline);
        else if (next !== undefined && !next.startsWith('--')) {
          out.set(spec.name, next);
          i++;
        } else out.set(spec.name, true);
        break;
      }
      default: {
        let raw = inline;
        if (raw === undefined) {
          raw = argv[i + 1];
          // A value may start with "-" (a negative number), but not with "--" (the next option).
          if (raw === undefined || raw.startsWith('--')) throw new UsageError(`--${spec.name} needs a value${spec.value ? ` ${spec.value}` : ''}`);
          i++;
        }
        out.set(spec.name, parseValue(spec, raw, command));
      }
    }
  }
  return out;
}

/** " (did you mean --x?)" for a near miss. */
function suggest(name: string, specs: readonly OptionSpec[]): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const s of specs) {
    const d = editDistance(name, s.name);
    if (d < bestDistance) {
      best = s.name;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean --${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The options part of a command's --help. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const left = specs.map((s) => {
    const value = s.type === 'flag' ? '' : s.type === 'optional-string' ? ` [${s.value ?? '<value>'}]` : ` ${s.value ?? '<value>'}`;
    return `${s.short ? `-${s.short}, ` : '    '}--${s.name}${value}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return specs
    .map((s, i) => {
      const lines = s.help.split('\n');
      return `  ${left[i]!.padEnd(width)}${lines[0]}${lines.slice(1).map((l) => `\n  ${' '.repeat(width)}${l}`).join('')}`;
    })
    .join('\n');
}
