#!/usr/bin/env node
/**
 * The `mediacapture` command: devices, record, probe and screenshot over the library's public
 * API. Exit status: 0 ok, 1 failure, 2 usage error, 3 device not found, 4 constraints cannot be
 * satisfied, 5 access refused / device busy (see errors.ts).
 */
import { readFileSync } from 'node:fs';
import { parseOptions, type OptionSpec, type ParsedOptions } from './args.js';
import { EXIT, UsageError, describeFailure } from './errors.js';
import { Output } from './output.js';
import * as devices from './commands/devices.js';
import * as record from './commands/record.js';
import * as probe from './commands/probe.js';
import * as screenshot from './commands/screenshot.js';

interface Command {
  readonly OPTIONS: readonly OptionSpec[];
  readonly HELP: string;
  run(options: ParsedOptions, out: Output): Promise<number>;
}

const COMMANDS: Record<string, Command & { summary: string }> = {
  devices: { ...devices, summary: 'list the devices and their capabilities' },
  record: { ...record, summary: 'record devices to WebM, Ogg Opus, WAV, Y4M or PNG frames' },
  probe: { ...probe, summary: 'show what a constraint set resolves to, or which constraint fails' },
  screenshot: { ...screenshot, summary: 'one still frame of a camera (or the screen) as PNG' },
};

const HELP = `Usage: mediacapture <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}

mediacapture <command> --help describes a command's options. The devices are the synthetic
ones unless --devices, --real or MEDIACAPTURE_DEVICES say otherwise.

Exit status: 0 ok, 1 failure, 2 usage error, 3 no such device, 4 constraints cannot be
satisfied, 5 access refused or device busy.`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[], out = new Output()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) out.stdout(COMMANDS[topic].HELP);
    else out.stdout(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    out.stdout(version());
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(COMMANDS).join(', ')} (see: mediacapture --help)`);
    const options = parseOptions(rest, command.OPTIONS, name);
    if (options.get('help') === true) {
      out.stdout(command.HELP);
      return EXIT.ok;
    }
    return await command.run(options, out);
  } catch (e) {
    const { message, exitCode } = describeFailure(e);
    out.stderr(`mediacapture${command ? ` ${name}` : ''}: ${message}`);
    if (process.env['MEDIACAPTURE_DEBUG'] && e instanceof Error && e.stack) out.stderr(e.stack);
    return exitCode;
  }
}

// Run when executed (node dist/src/cli/main.js, or the package's bin), not when imported.
const invoked = process.argv[1] ? (await import('node:fs')).realpathSync(process.argv[1]) : '';
if (invoked === (await import('node:url')).fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
