/** Runs the built `mediacapture` command as a child process, as a user would. */
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Generous: each run is a few seconds of capture; the rest is start-up on a busy machine. */
const RUN_LIMIT_MS = 90_000;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a machine with no device configuration (the default synthetic devices). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('MEDIACAPTURE_DEVICES' in extra)) delete env['MEDIACAPTURE_DEVICES'];
  delete env['MEDIACAPTURE_DEBUG'];
  return env;
}

/**
 * Resolves when the process exits by itself; rejects (after killing it) if it does not within
 * the limit, so a command that leaves a track, timer or handle behind fails its test.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`mediacapture ${args.join(' ')} did not exit within ${RUN_LIMIT_MS} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, RUN_LIMIT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs and parses stdout as JSON, failing with the output when the exit code is not `expect`. */
export async function runJson<T>(args: readonly string[], env?: NodeJS.ProcessEnv, expect = 0): Promise<T> {
  const r = await runCli(args, env);
  if (r.code !== expect) throw new Error(`mediacapture ${args.join(' ')} exited with ${r.code} (expected ${expect}); stderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
