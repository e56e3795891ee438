/**
 * `mediacapture screenshot`: one still frame as a PNG, from a camera (getUserMedia) or from the
 * screen (getDisplayMedia).
 */
import { writeFile } from 'node:fs/promises';
import { formatOptions, type OptionSpec, type ParsedOptions } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { CONSTRAINT_OPTIONS, DEVICE_OPTIONS, buildConstraints, capture, openMedia, stopStream } from '../media.js';
import { encodePng, type MediaDevices, type MediaStream, type MediaStreamTrack, type MediaTrackConstraints } from '../../index.js';
import { frameToRgba } from '../frames.js';
import { FrameTap, type VideoFrameLike } from '../taps.js';
import { outputPath } from '../paths.js';
import type { Output } from '../output.js';

const VIDEO_ONLY = new Set(['audio', 'sample-rate', 'channels']);

export const OPTIONS: readonly OptionSpec[] = [
  ...CONSTRAINT_OPTIONS.filter((o) => !VIDEO_ONLY.has(o.name)),
  { name: 'screen', type: 'flag', help: 'capture the screen (getDisplayMedia) instead of a camera' },
  { name: 'out', type: 'string', value: '<file|dir>', help: 'the PNG file, or a directory for screenshot-<time>.png (default: .)' },
  { name: 'skip', type: 'integer', value: '<n>', help: 'frames to let pass before the one taken (default 0)' },
  { name: 'timeout', type: 'number', value: '<s>', help: 'give up when no frame comes within this time (default 10)' },
  { name: 'json', type: 'flag', help: 'print the result as JSON' },
  ...DEVICE_OPTIONS,
  { name: 'help', type: 'flag', short: 'h', help: 'print this help' },
];

export const HELP = `Usage: mediacapture screenshot [--video [device] | --screen] [options]

Takes one frame of a camera (getUserMedia) or of the screen (getDisplayMedia) and writes it as
a PNG of the frame's size. Without --video or --screen: the screen where this build has
getDisplayMedia, else the default camera. --constraints takes {"video": {...}}.

Options:
${formatOptions(OPTIONS)}`;

type DisplayCapable = MediaDevices & { getDisplayMedia?: (options?: { video?: boolean | MediaTrackConstraints; audio?: boolean }) => Promise<MediaStream> };

/** Whether this build's MediaDevices has getDisplayMedia (screen-capture#dom-mediadevices-getdisplaymedia). */
export function hasDisplayMedia(md: MediaDevices): boolean {
  return typeof (md as DisplayCapable).getDisplayMedia === 'function';
}

/**
 * The size and rate flags are exact values for a camera; getDisplayMedia refuses `exact` and
 * `min` (screen-capture#dom-mediadevices-getdisplaymedia, step 4), so for the screen they are
 * upper bounds: the screen is downscaled to fit, never cropped or upscaled.
 */
function displayConstraints(video: boolean | MediaTrackConstraints | undefined): boolean | MediaTrackConstraints {
  if (typeof video !== 'object' || video === null) return video ?? true;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(video)) {
    if (typeof v === 'object' && v !== null && 'exact' in v) out[k] = { max: (v as { exact: unknown }).exact };
    else out[k] = v;
  }
  return out as MediaTrackConstraints;
}

export async function run(options: ParsedOptions, out: Output): Promise<number> {
  const { mediaDevices } = openMedia(options);
  if (options.has('constraints') && /"audio"/.test(String(options.get('constraints')))) throw new UsageError('--constraints takes video constraints only ({"video": {...}})');
  const skip = (options.get('skip') as number | undefined) ?? 0;
  if (skip < 0) throw new UsageError('--skip must be 0 or more');
  const timeout = (options.get('timeout') as number | undefined) ?? 10;
  if (!(timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const screen = options.get('screen') === true || (!options.has('video') && hasDisplayMedia(mediaDevices));
  if (screen && options.has('video')) throw new UsageError('give --video or --screen, not both');

  let stream: MediaStream | null = null;
  try {
    if (screen) {
      if (!hasDisplayMedia(mediaDevices)) throw new CliError('--screen: this build of mediacapture has no navigator.mediaDevices.getDisplayMedia()', EXIT.failure);
      const { video } = await buildConstraints(mediaDevices, options, ['video']);
      stream = await (mediaDevices as DisplayCapable).getDisplayMedia!({ video: displayConstraints(video) });
    } else {
      stream = await capture(mediaDevices, await buildConstraints(mediaDevices, options, ['video']));
    }
    const [track] = stream.getVideoTracks();
    if (!track) throw new CliError('the capture has no video track', EXIT.failure);
    const shot = await grab(track, skip, timeout * 1000);
    const path = await outputPath(options.get('out') as string | undefined, 'screenshot', 'png');
    await writeFile(path, encodePng(shot.rgba, shot.width, shot.height));
    const result = { file: path, width: shot.width, height: shot.height, source: screen ? 'screen' : 'camera', label: track.label };
    if (options.get('json') === true) out.stdout(JSON.stringify(result, null, 2));
    else out.stdout(`${path}: ${shot.width}x${shot.height} PNG from ${result.source} "${track.label}"`);
    return 0;
  } finally {
    stopStream(stream);
  }
}

/** The frame after `skip` others, as RGBA; rejects when none comes within `timeoutMs`. */
async function grab(track: MediaStreamTrack, skip: number, timeoutMs: number): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  let seen = 0;
  let resolveShot!: (shot: { width: number; height: number; rgba: Uint8Array }) => void;
  const shot = new Promise<{ width: number; height: number; rgba: Uint8Array }>((r) => (resolveShot = r));
  let taken = false;
  const tap = new FrameTap<VideoFrameLike>(track, [
    async (frame) => {
      if (taken || seen++ < skip) return;
      taken = true;
      resolveShot(await frameToRgba(frame));
    },
  ], 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`no frame from "${track.label}" within ${timeoutMs / 1000} s`, EXIT.failure)), timeoutMs);
  });
  const ended = tap.done.then(() => {
    throw new CliError(`"${track.label}" ended before a frame was taken`, EXIT.failure);
  });
  try {
    return await Promise.race([shot, expired, ended]);
  } finally {
    clearTimeout(timer);
    await tap.close();
  }
}
