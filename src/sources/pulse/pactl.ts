/**
 * Talking to the machine's sound server (PulseAudio, or PipeWire's PulseAudio service) through its
 * command-line clients: `pactl` to list devices and watch for hot-plug, `parec`/`pacat` to move
 * audio. No native addon: the clients ship in Debian's pulseaudio-utils package.
 */
import { clearTimeout, setTimeout } from 'node:timers';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { AudioMode, DeviceDescriptor } from '../types.js';
import { physicalDeviceKey } from '../v4l2/sysfs.js';

export interface PulseDevice {
  readonly name: string;
  readonly description: string;
  readonly sampleFormat: string;
  readonly channels: number;
  readonly sampleRate: number;
  /** Properties the server reports (device.bus_path, device.class, alsa.card…). */
  readonly properties: Readonly<Record<string, string>>;
  /** For a sink's monitor source: the sink it monitors. */
  readonly monitorOf: string | null;
}

export interface PulseState {
  readonly defaultSource: string;
  readonly defaultSink: string;
  readonly sources: readonly PulseDevice[];
  readonly sinks: readonly PulseDevice[];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}

/** Parses "s16le 2ch 48000Hz". */
export function parseSampleSpec(spec: string): { format: string; channels: number; rate: number } {
  const m = /^(\S+)\s+(\d+)ch\s+(\d+)Hz$/.exec(spec.trim());
  if (!m) throw new Error(`unrecognised sample specification '${spec}'`);
  return { format: m[1]!, channels: Number(m[2]), rate: Number(m[3]) };
}

function bitsOf(format: string): number {
  if (format.startsWith('u8') || format.startsWith('alaw') || format.startsWith('ulaw')) return 8;
  if (format.startsWith('s16')) return 16;
  if (format.startsWith('s24')) return 24;
  return 32;
}

function toDevice(entry: Record<string, unknown>): PulseDevice {
  const spec = parseSampleSpec(String(entry['sample_specification'] ?? ''));
  const props = (entry['properties'] ?? {}) as Record<string, unknown>;
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) properties[k] = String(v);
  const monitor = entry['monitor_source'];
  return {
    name: String(entry['name']),
    description: String(entry['description'] ?? entry['name']),
    sampleFormat: spec.format,
    channels: spec.channels,
    sampleRate: spec.rate,
    properties,
    // On a source entry, monitor_source names the sink it monitors ("n/a" for real inputs).
    monitorOf: typeof monitor === 'string' && monitor !== 'n/a' && properties['device.class'] === 'monitor' ? monitor : null,
  };
}

/** Reads the server's devices; rejects when no server answers. */
export async function readPulseState(env: NodeJS.ProcessEnv = process.env): Promise<PulseState> {
  const [info, sources, sinks] = await Promise.all([
    run('pactl', ['-f', 'json', 'info'], env),
    run('pactl', ['-f', 'json', 'list', 'sources'], env),
    run('pactl', ['-f', 'json', 'list', 'sinks'], env),
  ]);
  const i = JSON.parse(info) as Record<string, unknown>;
  return {
    defaultSource: String(i['default_source_name'] ?? ''),
    defaultSink: String(i['default_sink_name'] ?? ''),
    sources: (JSON.parse(sources) as Record<string, unknown>[]).map(toDevice),
    sinks: (JSON.parse(sinks) as Record<string, unknown>[]).map(toDevice),
  };
}

/** True when a sound server answers `pactl info`. */
export async function pulseAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await run('pactl', ['info'], env);
    return true;
  } catch {
    return false;
  }
}

function groupKeyOf(d: PulseDevice): string {
  const p = d.properties;
  // A device with a sysfs path is keyed by its physical (USB) device, as cameras are, so a
  // webcam's microphone and camera share a groupId.
  const physical = p['sysfs.path'] ? physicalDeviceKey(p['sysfs.path']) : null;
  if (physical) return `hw-group:${physical}`;
  // Inputs and outputs on one card share its bus path / card; a monitor belongs with its sink.
  return `pulse-group:${p['device.bus_path'] ?? p['alsa.card'] ?? p['device.string'] ?? d.monitorOf ?? d.name}`;
}

function modesOf(d: PulseDevice): AudioMode[] {
  const sampleSize = bitsOf(d.sampleFormat);
  const latency = 0.01;
  const native: AudioMode = { sampleRate: d.sampleRate, channelCount: d.channels, sampleSize, latency };
  const modes = [native];
  // The server converts on the fly: offer mono from a multi-channel device, and 48 kHz if native differs.
  if (d.channels > 1) modes.push({ ...native, channelCount: 1 });
  if (d.sampleRate !== 48000) modes.push({ ...native, sampleRate: 48000 });
  return modes;
}

/** Device descriptors for the server's sources (microphones) and sinks (speakers). */
export function describePulseDevices(state: PulseState): DeviceDescriptor[] {
  const out: DeviceDescriptor[] = [];
  for (const s of state.sources) {
    out.push({
      kind: 'audioinput',
      internalId: `pulse:source:${s.name}`,
      label: s.description,
      groupKey: groupKeyOf(s),
      isDefault: s.name === state.defaultSource,
      audio: {
        modes: modesOf(s),
        echoCancellation: [false],
        autoGainControl: [false],
        noiseSuppression: [false],
      },
    });
  }
  for (const s of state.sinks) {
    out.push({
      kind: 'audiooutput',
      internalId: `pulse:sink:${s.name}`,
      label: s.description,
      groupKey: groupKeyOf(s),
      isDefault: s.name === state.defaultSink,
    });
  }
  return out;
}

/** Server-side name of a descriptor made by describePulseDevices. */
export function pulseNameOf(device: DeviceDescriptor): string {
  const m = /^pulse:(source|sink):(.*)$/.exec(device.internalId);
  if (!m) throw new Error(`not a sound-server device: ${device.internalId}`);
  return m[2]!;
}

/**
 * Watches the server for devices appearing, disappearing or the default changing. Calls onChange
 * (coalesced) and returns a function that stops watching (and its child process).
 */
export function watchPulse(onChange: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  let child: ChildProcess | null = spawn('pactl', ['subscribe'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let pending: ReturnType<typeof setTimeout> | null = null;
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    if (lines.some((l) => /on (source|sink|server) /.test(l) && /'(new|remove|change)'/.test(l))) {
      if (pending === null) {
        pending = setTimeout(() => {
          pending = null;
          onChange();
        }, 50);
      }
    }
  });
  child.on('error', () => {
    child = null;
  });
  // The watcher must not keep a script alive on its own.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  return () => {
    if (pending !== null) clearTimeout(pending);
    pending = null;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    child = null;
  };
}
