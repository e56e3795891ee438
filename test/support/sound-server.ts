/**
 * Starts a private PulseAudio sound server for tests that need one: its own runtime directory and
 * socket, a null sink (virtual speakers) whose monitor is a virtual microphone. Returns null, with a
 * reason, when the server programs are not installed, so callers can skip with that reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SoundServer {
  /** Environment for clients (PULSE_SERVER points at the private socket). */
  readonly env: NodeJS.ProcessEnv;
  readonly sinkName: string;
  readonly monitorName: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export function soundServerUnavailableReason(): string | null {
  for (const tool of ['pulseaudio', 'pactl', 'pacat', 'parec']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (r.status !== 0) return `${tool} is not installed (apt-get install pulseaudio pulseaudio-utils)`;
  }
  return null;
}

export async function startSoundServer(options: { sampleRate?: number; sinkName?: string } = {}): Promise<SoundServer | { unavailable: string }> {
  const reason = soundServerUnavailableReason();
  if (reason) return { unavailable: reason };
  const dir = mkdtempSync(join(tmpdir(), 'mc-pulse-'));
  const socket = join(dir, 'native');
  const sinkName = options.sinkName ?? 'mc_test_sink';
  const rate = options.sampleRate ?? 48000;
  const child: ChildProcess = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disable-shm=yes',
      '--use-pid-file=no',
      '--log-target=stderr',
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      `--load=module-null-sink sink_name=${sinkName} rate=${rate}`,
    ],
    { env: { ...process.env, XDG_RUNTIME_DIR: dir, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const env = { ...process.env, PULSE_SERVER: `unix:${socket}` };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Wait until the server answers (up to 5 s).
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (existsSync(socket) && spawnSync('pactl', ['info'], { env, stdio: 'ignore' }).status === 0) {
      return { env, sinkName, monitorName: `${sinkName}.monitor`, pid: child.pid!, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  return { unavailable: `the sound server did not start: ${log.trim().split('\n').slice(-3).join(' | ')}` };
}
