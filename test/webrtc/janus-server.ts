/**
 * Starts the Janus gateway for a test: its own configuration in a temporary folder, the VideoRoom
 * plugin and the WebSockets transport on 127.0.0.1, stopped by PID.
 *
 * Janus gathers no loopback ICE candidates (it skips loopback interfaces, and libnice ignores
 * them too), so its media must use one of the machine's other addresses. The configuration pins
 * ICE to a single IPv4 address of this machine (`ice_enforce_list`, IPv6 off) and the tests hand
 * Janus only their candidates on that same address: the packets go from this machine to itself
 * and never leave it (the kernel delivers them locally), and every connection is ICE + DTLS
 * authenticated.
 *
 * Janus is stopped by its PID: by stop(), or by a watchdog process if this one dies first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JanusSession } from './janus-client.js';

export interface JanusDirs {
  plugins: string;
  transports: string;
}

/** Where the installed Janus keeps its VideoRoom plugin and WebSockets transport, or null. */
export function janusDirs(): JanusDirs | null {
  // `janus --version` prints its version and exits 1 (it also reads --version as unknown): only a missing binary counts.
  const r = spawnSync('janus', ['--version'], { encoding: 'utf8' });
  if (r.error || !/Janus version/.test(r.stdout + r.stderr)) return null;
  for (const lib of ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus', '/opt/janus/lib/janus']) {
    if (existsSync(join(lib, 'plugins', 'libjanus_videoroom.so')) && existsSync(join(lib, 'transports', 'libjanus_websockets.so'))) {
      return { plugins: join(lib, 'plugins'), transports: join(lib, 'transports') };
    }
  }
  return null;
}

/** The machine's first non-loopback IPv4 address (MC_JANUS_ICE_ADDRESS overrides), or null. */
export function iceAddress(): string | null {
  if (process.env.MC_JANUS_ICE_ADDRESS) return process.env.MC_JANUS_ICE_ADDRESS;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  }
  return null;
}

/** Why the Janus tests cannot run here, or false. */
export function janusProblem(): string | false {
  if (!janusDirs()) return 'the Janus gateway is not installed (apt-get install janus)';
  if (!iceAddress()) return 'no non-loopback IPv4 address: Janus gathers no loopback ICE candidates';
  return false;
}

/** Whether a candidate (an RTCIceCandidate or its init) is UDP on `address`. */
export function candidateOn(c: unknown, address: string): boolean {
  const text = typeof c === 'object' && c !== null ? String((c as { candidate?: unknown }).candidate ?? '') : '';
  const f = text.split(' ');
  return f[2]?.toLowerCase() === 'udp' && f[4] === address;
}

export interface JanusServer {
  /** ws://127.0.0.1:port */
  url: string;
  /** The one address Janus uses for ICE. */
  address: string;
  room: number;
  pid: number;
  /** The last 50 kB of Janus's output. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const DISABLED_PLUGINS = 'audiobridge,duktape,echotest,lua,nosip,recordplay,sip,streaming,textroom,videocall,voicemail';
const DISABLED_TRANSPORTS = 'http,mqtt,nanomsg,pfunix,rabbitmq';
const list = (names: string) => names.split(',').map((n) => `libjanus_${n}.so`).join(',');

/** Starts Janus with a VideoRoom `room` for `publishers` publishers; resolves once its WebSocket answers. */
export async function startJanus(options: { room?: number; publishers?: number; debugLevel?: number } = {}): Promise<JanusServer> {
  const dirs = janusDirs();
  const address = iceAddress();
  if (!dirs || !address) throw new Error(janusProblem() || 'Janus cannot run here');
  const room = options.room ?? 1234;
  const folder = mkdtempSync(join(tmpdir(), 'mc-janus-'));
  const port = await freePort();
  const none = join(folder, 'none');
  writeFileSync(
    join(folder, 'janus.jcfg'),
    `general: {
  configs_folder = "${folder}"
  plugins_folder = "${dirs.plugins}"
  transports_folder = "${dirs.transports}"
  events_folder = "${none}"
  loggers_folder = "${none}"
  debug_level = ${options.debugLevel ?? 3}
  admin_secret = "not-used"
}
media: {
  ipv6 = false
  rtp_port_range = "40000-49999"
}
nat: {
  ice_enforce_list = "${address}"
  ignore_mdns = true
}
plugins: {
  disable = "${list(DISABLED_PLUGINS)}"
}
transports: {
  disable = "${list(DISABLED_TRANSPORTS)}"
}
`,
  );
  writeFileSync(
    join(folder, 'janus.transport.websockets.jcfg'),
    `general: {
  json = "plain"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
  writeFileSync(
    join(folder, 'janus.plugin.videoroom.jcfg'),
    `general: {
}
room-${room}: {
  description = "mediacapture test room"
  publishers = ${(options.publishers ?? 10) + 2}
  bitrate = 512000
  fir_freq = 2
  videocodec = "vp8"
  audiocodec = "opus"
}
`,
  );
  let log = '';
  const keep = (d: Buffer) => (log = (log + d).slice(-50_000));
  // -i: the address Janus writes in its SDP's c= lines; -F: the folder of plugin configurations.
  const janus: ChildProcess = spawn('janus', ['-C', join(folder, 'janus.jcfg'), '-F', folder, '-i', address], { stdio: ['ignore', 'pipe', 'pipe'] });
  janus.stdout!.on('data', keep);
  janus.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => janus.once('exit', () => resolve()));
  // If this process dies without stop() (a test runner killing a timed-out file, say), a watchdog
  // stops Janus by its PID and removes the folder: it waits on a pipe from this process, which
  // closes when this process goes. stop() ends the watchdog first, by its PID.
  const watchdog = spawn('sh', ['-c', `read _; kill -TERM ${janus.pid}; i=0; while kill -0 ${janus.pid} 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -0 ${janus.pid} 2>/dev/null && kill -KILL ${janus.pid}; rm -rf '${folder}'`], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (watchdog.exitCode === null && watchdog.signalCode === null) process.kill(watchdog.pid!, 'SIGKILL');
    if (janus.exitCode === null && janus.signalCode === null) {
      process.kill(janus.pid!, 'SIGTERM');
      const timer = setTimeout(() => janus.exitCode === null && janus.signalCode === null && process.kill(janus.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(folder, { recursive: true, force: true });
  };
  const url = `ws://127.0.0.1:${port}`;
  try {
    // Wait for the WebSockets transport (bounded).
    for (let i = 0; ; i++) {
      try {
        const s = await JanusSession.connect(url);
        await s.destroy();
        break;
      } catch (error) {
        if (i >= 50 || janus.exitCode !== null) throw new Error(`Janus did not start: ${String(error)}\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, address, room, pid: janus.pid!, log: () => log, stop };
}
