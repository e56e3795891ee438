/** `mediacapture devices`: every device with its kind, label, id and capabilities. */
import { InputDeviceInfo, type MediaDeviceKind } from '../../index.js';
import { formatOptions, type OptionSpec, type ParsedOptions } from '../args.js';
import { DEVICE_OPTIONS, exposedDevices, openMedia } from '../media.js';
import type { Output } from '../output.js';

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'json', type: 'flag', help: 'print a JSON array instead of a table' },
  ...DEVICE_OPTIONS,
  { name: 'help', type: 'flag', short: 'h', help: 'print this help' },
];

export const HELP = `Usage: mediacapture devices [options]

Lists every device navigator.mediaDevices.enumerateDevices() gives, with the capabilities
(InputDeviceInfo.getCapabilities()) of each microphone and camera. Like a page, the command opens
each kind of input once to be allowed to see labels and ids; the ids printed are the ones
record, probe and screenshot take.

Options:
${formatOptions(OPTIONS)}`;

export interface DeviceEntry {
  kind: MediaDeviceKind;
  label: string;
  deviceId: string;
  groupId: string;
  /** For inputs: getCapabilities(); null for outputs. */
  capabilities: Record<string, unknown> | null;
}

export async function listDevices(options: ParsedOptions): Promise<DeviceEntry[]> {
  const { mediaDevices } = openMedia(options);
  const list = await exposedDevices(mediaDevices);
  return list.map((d) => ({
    kind: d.kind,
    label: d.label,
    deviceId: d.deviceId,
    groupId: d.groupId,
    capabilities: d instanceof InputDeviceInfo ? (d.getCapabilities() as Record<string, unknown>) : null,
  }));
}

/** A capability as a short string: "1-1920", "48000", "true|false". */
export function formatCapability(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.map(String).join('|') : '(none)';
  if (typeof value === 'object' && value !== null) {
    const r = value as { min?: number; max?: number };
    const n = (x: number | undefined) => (x === undefined ? '?' : String(Math.round(x * 1e4) / 1e4));
    return r.min === r.max ? n(r.min) : `${n(r.min)}-${n(r.max)}`;
  }
  return String(value);
}

export async function run(options: ParsedOptions, out: Output): Promise<number> {
  const devices = await listDevices(options);
  if (options.get('json') === true) {
    out.stdout(JSON.stringify(devices, null, 2));
    return 0;
  }
  if (devices.length === 0) {
    out.stdout('no devices');
    return 0;
  }
  const rows = devices.map((d) => [d.kind, d.label || '(hidden)', d.deviceId || '(hidden)']);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['KIND', 'LABEL'][i]!.length));
  const line = (r: string[]) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`;
  out.stdout(line(['KIND', 'LABEL', 'DEVICE ID']));
  devices.forEach((d, i) => {
    out.stdout(line(rows[i]!));
    if (!d.capabilities) return;
    const caps = Object.entries(d.capabilities).filter(([k]) => k !== 'deviceId' && k !== 'groupId');
    if (caps.length === 0) return;
    out.stdout(`    ${caps.map(([k, v]) => `${k} ${formatCapability(v)}`).join(', ')}`);
  });
  return 0;
}
