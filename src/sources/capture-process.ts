/**
 * A capture child process (parec, ffmpeg…) whose stdout carries raw media. Opening a device means
 * starting the process and waiting until media actually flows: the first bytes on stdout resolve
 * `ready`; an exit, a spawn error or silence past the timeout reject it with a DeviceOpenError
 * (and kill the child), so getUserMedia can report NotReadableError / AbortError.
 */
import { clearTimeout, setTimeout } from 'node:timers';
import { spawn, type ChildProcess } from 'node:child_process';
import { DeviceOpenError } from './types.js';

export interface CaptureProcess {
  readonly child: ChildProcess;
  /** What the process wrote to stderr so far (the first 4 KiB). */
  stderr(): string;
  /** Resolves at the first bytes of media; rejects with a DeviceOpenError if the process fails first. */
  readonly ready: Promise<void>;
}

export interface CaptureProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Names what is being captured in error messages ("sound-server source 'x'", "/dev/video0"). */
  readonly what: string;
  /** Maps the process's failure output to the reason getUserMedia reports. */
  readonly failureReason: (stderr: string) => 'lock' | 'other';
  /** How long to wait for the first bytes. */
  readonly timeoutMs: number;
}

/** Text saying why a child process ended: its stderr, else its signal or exit status. */
export function exitReason(stderr: string, code: number | null, signal: string | null): string {
  return stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`);
}

export function startCaptureProcess(command: string, args: readonly string[], options: CaptureProcessOptions): CaptureProcess {
  const child = spawn(command, [...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
  });
  const ready = new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err: DeviceOpenError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout!.off('readable', onReadable);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(err);
      } else resolve();
    };
    // 'readable' also signals end-of-stream; only real bytes mean the process is capturing.
    const onReadable = (): void => {
      if (child.stdout!.readableLength > 0) finish(null);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(new DeviceOpenError(`capturing from ${options.what} failed: ${exitReason(stderr, code, signal)}`, options.failureReason(stderr)));
    };
    const onError = (e: Error): void => {
      finish(new DeviceOpenError(`cannot run ${command} to capture ${options.what}: ${e.message}`, 'other'));
    };
    const timer = setTimeout(() => {
      finish(new DeviceOpenError(`${options.what} delivered no media within ${options.timeoutMs} ms`, 'other'));
    }, options.timeoutMs);
    child.stdout!.on('readable', onReadable);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return { child, stderr: () => stderr, ready };
}
