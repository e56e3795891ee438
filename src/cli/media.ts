/**
 * The command's media setup, through the library's public API: one MediaDevices (the "page"),
 * device lookup by deviceId or label, and the constraints the options ask for.
 */
import { createMediaDevices, OverconstrainedError, VirtualClock, type Clock, type MediaDevices, type MediaDevicesConfig, type MediaStream, type MediaDeviceInfo, type MediaDeviceKind, type MediaStreamConstraints } from '../index.js';
import { CliError, EXIT, UsageError } from './errors.js';
import type { OptionSpec, ParsedOptions } from './args.js';

/** Device ids are hashes keyed by this, so that the ids `devices` prints are the ones `record` takes. */
const DEVICE_ID_KEY = 'mediacapture-cli';

export const DEVICE_OPTIONS: readonly OptionSpec[] = [
  { name: 'real', type: 'flag', help: "also the machine's microphones (sound server) and cameras (V4L2)" },
  { name: 'devices', type: 'string', value: '<json>', help: 'the device set, as MEDIACAPTURE_DEVICES takes it, e.g.\n\'{"microphones": [{"file": "a.wav"}], "cameras": 2}\'' },
];

export const CONSTRAINT_OPTIONS: readonly OptionSpec[] = [
  { name: 'audio', type: 'optional-string', value: '<deviceId|label>', help: 'capture audio, from this device (default: the default microphone)' },
  { name: 'video', type: 'optional-string', value: '<deviceId|label>', help: 'capture video, from this camera (default: the default camera)' },
  { name: 'width', type: 'integer', value: '<px>', help: 'video width (exact)' },
  { name: 'height', type: 'integer', value: '<px>', help: 'video height (exact)' },
  { name: 'fps', type: 'number', value: '<n>', help: 'video frame rate (exact)' },
  { name: 'sample-rate', type: 'integer', value: '<Hz>', help: 'audio sample rate (exact)' },
  { name: 'channels', type: 'integer', value: '<n>', help: 'audio channel count (exact)' },
  { name: 'constraints', type: 'string', value: '<json>', help: 'MediaStreamConstraints, e.g. \'{"video": {"width": {"min": 640}}}\';\nthe options above are added to it' },
];

export interface Media {
  readonly mediaDevices: MediaDevices;
  readonly clock: Clock;
  readonly virtual: boolean;
}

export function openMedia(options: ParsedOptions, virtualClock = false): Media {
  let devices: MediaDevicesConfig | undefined;
  const raw = options.get('devices');
  if (typeof raw === 'string') {
    try {
      devices = JSON.parse(raw) as MediaDevicesConfig;
    } catch (e) {
      throw new UsageError(`--devices is not valid JSON (${(e as Error).message})`);
    }
  }
  const real = options.get('real') === true;
  if (virtualClock && (real || (devices as { real?: unknown } | undefined)?.real === true || /"real"\s*:\s*true/.test(process.env['MEDIACAPTURE_DEVICES'] ?? ''))) {
    throw new UsageError('--virtual-clock works with synthetic and file devices only: real devices capture in real time');
  }
  const clock: Clock | undefined = virtualClock ? new VirtualClock() : undefined;
  try {
    const { mediaDevices, controller } = createMediaDevices({ devices, real: real || undefined, clock, deviceIdKey: DEVICE_ID_KEY });
    return { mediaDevices, clock: controller.clock, virtual: virtualClock };
  } catch (e) {
    throw new UsageError(`the device configuration is invalid: ${(e as Error).message}`);
  }
}

type Kind = 'audio' | 'video';
const INPUT_KIND: Record<Kind, MediaDeviceKind> = { audio: 'audioinput', video: 'videoinput' };

/**
 * Device info with labels: like a page, the command gets them by capturing once (an enumeration
 * before any capture hides labels and ids). `kinds` are opened briefly, one at a time, so that a
 * machine without a camera still lists its microphones.
 */
export async function exposedDevices(md: MediaDevices, kinds: readonly Kind[] = ['audio', 'video']): Promise<MediaDeviceInfo[]> {
  let list = (await md.enumerateDevices()) as unknown as MediaDeviceInfo[];
  const hidden = kinds.filter((k) => list.some((d) => d.kind === INPUT_KIND[k] && d.deviceId === ''));
  for (const kind of hidden) {
    try {
      const stream = await md.getUserMedia({ [kind]: true });
      for (const t of stream.getTracks()) t.stop();
    } catch {
      // No device of the kind can be opened: it stays hidden, as it would on a page.
    }
  }
  if (hidden.length > 0) list = (await md.enumerateDevices()) as unknown as MediaDeviceInfo[];
  return list;
}

/** The deviceId of the device `wanted` names: its deviceId, its label, or a unique part of its label. */
export async function resolveDevice(md: MediaDevices, kind: Kind, wanted: string): Promise<string> {
  const list = (await exposedDevices(md, [kind])).filter((d) => d.kind === INPUT_KIND[kind] && d.deviceId !== '');
  const exact = list.find((d) => d.deviceId === wanted) ?? list.find((d) => d.label === wanted);
  if (exact) return exact.deviceId;
  const needle = wanted.toLowerCase();
  const partial = list.filter((d) => d.label.toLowerCase().includes(needle));
  if (partial.length === 1) return partial[0]!.deviceId;
  const what = kind === 'audio' ? 'microphone' : 'camera';
  const names = (ds: readonly MediaDeviceInfo[]) => ds.map((d) => `"${d.label}"`).join(', ');
  if (partial.length > 1) throw new CliError(`--${kind} ${JSON.stringify(wanted)} matches several ${what}s: ${names(partial)}; give the full label or the deviceId`, EXIT.usage);
  const have = list.length ? `the ${what}s are: ${names(list)} (see: mediacapture devices)` : `there is no ${what}`;
  throw new CliError(`unknown ${what} ${JSON.stringify(wanted)}: ${have}`, EXIT.notFound);
}

function constraintsJson(options: ParsedOptions): MediaStreamConstraints {
  const raw = options.get('constraints');
  if (typeof raw !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`--constraints is not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--constraints must be a JSON object: {"audio": ..., "video": ...}');
  const extra = Object.keys(parsed).filter((k) => k !== 'audio' && k !== 'video');
  if (extra.length > 0) throw new UsageError(`--constraints takes MediaStreamConstraints ({"audio": ..., "video": ...}); unexpected member ${JSON.stringify(extra[0])}`);
  return parsed as MediaStreamConstraints;
}

/** The kinds asked for: through --audio / --video, or through --constraints. */
export function requestedKinds(options: ParsedOptions): Kind[] {
  const json = constraintsJson(options);
  const kinds: Kind[] = [];
  for (const kind of ['audio', 'video'] as const) {
    if (options.has(kind) || (json[kind] !== undefined && json[kind] !== false)) kinds.push(kind);
  }
  if (kinds.length === 0) {
    if (options.has('width') || options.has('height') || options.has('fps')) kinds.push('video');
    if (options.has('sample-rate') || options.has('channels')) kinds.push('audio');
  }
  return kinds;
}

/** MediaStreamConstraints for `kinds`, from --constraints, the exact-value options and the chosen devices. */
export async function buildConstraints(md: MediaDevices, options: ParsedOptions, kinds: readonly Kind[]): Promise<MediaStreamConstraints> {
  const json = constraintsJson(options);
  const out: MediaStreamConstraints = {};
  const flags: Record<Kind, Array<[string, string]>> = {
    audio: [['sample-rate', 'sampleRate'], ['channels', 'channelCount']],
    video: [['width', 'width'], ['height', 'height'], ['fps', 'frameRate']],
  };
  for (const kind of ['audio', 'video'] as const) {
    const given = flags[kind].filter(([flag]) => options.has(flag));
    if (!kinds.includes(kind)) {
      if (given.length > 0) throw new UsageError(`--${given[0]![0]} is a ${kind} constraint, but no ${kind} is captured (add --${kind})`);
      continue;
    }
    const base = json[kind];
    const set: Record<string, unknown> = typeof base === 'object' && base !== null ? { ...base } : {};
    for (const [flag, member] of given) set[member] = { exact: options.get(flag) };
    const device = options.get(kind);
    if (typeof device === 'string') set['deviceId'] = { exact: await resolveDevice(md, kind, device) };
    out[kind] = Object.keys(set).length > 0 ? (set as MediaTrackConstraints) : true;
  }
  return out;
}

/** getUserMedia, with its TypeErrors (bad constraint dictionaries) reported as usage errors. */
export async function capture(md: MediaDevices, constraints: MediaStreamConstraints): Promise<MediaStream> {
  try {
    try {
      return await md.getUserMedia(constraints);
    } catch (e) {
      // A document that may not see device information yet gets an OverconstrainedError naming
      // no constraint (mediacapture-main#dom-mediadevices-getusermedia, step 6.5.2). Like a page,
      // the command gains that exposure by capturing once, then asks again to learn the name.
      if (!(e instanceof OverconstrainedError) || e.constraint !== '') throw e;
      await exposedDevices(md, (['audio', 'video'] as const).filter((k) => constraints[k]));
      return await md.getUserMedia(constraints);
    }
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(`the constraints are not valid: ${e.message}`);
    throw e;
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  if (!stream) return;
  for (const track of stream.getTracks()) track.stop();
}
