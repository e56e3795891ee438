/**
 * `mediacapture probe`: what a constraint set resolves to on this machine's devices: the device
 * getUserMedia selects and the settings it gives, or the constraint that cannot be satisfied.
 */
import { formatOptions, type OptionSpec, type ParsedOptions } from '../args.js';
import { CONSTRAINT_OPTIONS, DEVICE_OPTIONS, buildConstraints, capture, openMedia, requestedKinds, stopStream } from '../media.js';
import type { Output } from '../output.js';
import type { MediaStream, MediaTrackCapabilities, MediaTrackSettings } from '../../index.js';

export const OPTIONS: readonly OptionSpec[] = [
  ...CONSTRAINT_OPTIONS,
  { name: 'json', type: 'flag', help: 'print the result as JSON' },
  ...DEVICE_OPTIONS,
  { name: 'help', type: 'flag', short: 'h', help: 'print this help' },
];

export const HELP = `Usage: mediacapture probe [--audio [device]] [--video [device]] [constraints] [options]

Calls getUserMedia() with the constraints given and prints, for each track, the device it
selected, its settings (getSettings()) and capabilities, then stops the tracks. When no device can
satisfy the constraints, prints the constraint getUserMedia names (OverconstrainedError.constraint)
and exits with status 4. With neither --audio, --video nor --constraints, probes both.

Options:
${formatOptions(OPTIONS)}

Examples:
  mediacapture probe --video --width 1280 --height 720
  mediacapture probe --constraints '{"video": {"frameRate": {"min": 120}}}'`;

export interface ProbedTrack {
  kind: string;
  label: string;
  settings: MediaTrackSettings;
  capabilities: MediaTrackCapabilities;
}

export async function run(options: ParsedOptions, out: Output): Promise<number> {
  const { mediaDevices } = openMedia(options);
  let kinds = requestedKinds(options);
  if (kinds.length === 0) kinds = ['audio', 'video'];
  const constraints = await buildConstraints(mediaDevices, options, kinds);
  let stream: MediaStream | null = null;
  try {
    stream = await capture(mediaDevices, constraints);
    const tracks: ProbedTrack[] = stream.getTracks().map((t) => ({
      kind: t.kind,
      label: t.label,
      settings: t.getSettings() as MediaTrackSettings,
      capabilities: t.getCapabilities() as MediaTrackCapabilities,
    }));
    if (options.get('json') === true) {
      out.stdout(JSON.stringify({ constraints, tracks }, null, 2));
      return 0;
    }
    out.stdout(`constraints ${JSON.stringify(constraints)} resolve to:`);
    for (const t of tracks) {
      out.stdout(`  ${t.kind}: ${t.label} (deviceId ${t.settings.deviceId})`);
      const shown = Object.entries(t.settings).filter(([k]) => k !== 'deviceId' && k !== 'groupId');
      out.stdout(`    settings: ${shown.map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : String(v)}`).join(', ')}`);
    }
    return 0;
  } catch (e) {
    if (options.get('json') === true) {
      const err = e as { name?: string; message?: string; constraint?: string };
      out.stdout(JSON.stringify({ constraints, error: { name: err.name, message: err.message, ...(err.constraint !== undefined ? { constraint: err.constraint } : {}) } }, null, 2));
    }
    throw e;
  } finally {
    stopStream(stream);
  }
}
