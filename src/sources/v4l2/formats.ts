/**
 * Reading what a V4L2 camera offers from ffmpeg's `-f v4l2 -list_formats all` report, and turning
 * it into native capture modes. ffmpeg prints one line per pixel format, to stderr:
 *
 *   [video4linux2,v4l2 @ 0x55d1c0a3e3c0] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 320x240
 *   [video4linux2,v4l2 @ 0x55d1c0a3e3c0] Compressed:       mjpeg :          Motion-JPEG : 1280x720 640x480
 *   [video4linux2,v4l2 @ 0x55d1c0a3e3c0] Raw       :     nv12 :   Y/UV 4:2:0 : Emulated : {16-1920, 2}x{16-1080, 2}
 *
 * Sizes are discrete ("WxH") or a stepwise/continuous range ("{min-max, step}x{min-max, step}").
 * The report carries no frame rates, so every mode is offered at the nominal rate.
 */
import type { VideoMode } from '../types.js';

export interface DiscreteSize {
  readonly width: number;
  readonly height: number;
}

export interface SizeRange {
  readonly minWidth: number;
  readonly maxWidth: number;
  readonly stepWidth: number;
  readonly minHeight: number;
  readonly maxHeight: number;
  readonly stepHeight: number;
}

export interface V4l2Format {
  readonly compressed: boolean;
  /** ffmpeg's name: a pixel format ("yuyv422") for raw formats, a codec ("mjpeg") for compressed; "Unsupported" when ffmpeg has none. */
  readonly name: string;
  readonly description: string;
  /** Converted in software by libv4l rather than produced by the device. */
  readonly emulated: boolean;
  readonly sizes: readonly DiscreteSize[];
  readonly ranges: readonly SizeRange[];
}

/** A native mode and the ffmpeg input format that gives it. */
export interface V4l2Mode extends VideoMode {
  /** Value for ffmpeg's -input_format. */
  readonly inputFormat: string;
}

// Descriptions hold colons ("YUYV 4:2:2") but ffmpeg always prints a space before its separators.
const LINE = /^(?:\[[^\]]*\]\s*)?(Raw|Compressed)\s*:\s*(\S+)\s+:\s*(.*?)\s+:(\s*Emulated\s+:)?(.*)$/;
const DISCRETE = /^(\d+)x(\d+)$/;
const RANGE = /^\{(\d+)-(\d+),\s*(\d+)\}x\{(\d+)-(\d+),\s*(\d+)\}/;

/** Parses ffmpeg's -list_formats report (stderr text). Lines that are not format lines are ignored. */
export function parseV4l2Formats(text: string): V4l2Format[] {
  const out: V4l2Format[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const sizes: DiscreteSize[] = [];
    const ranges: SizeRange[] = [];
    let rest = m[5]!.trim();
    while (rest.length > 0) {
      const r = RANGE.exec(rest);
      if (r) {
        const [minWidth, maxWidth, stepWidth, minHeight, maxHeight, stepHeight] = r.slice(1).map(Number) as [number, number, number, number, number, number];
        ranges.push({ minWidth, maxWidth, stepWidth: Math.max(1, stepWidth), minHeight, maxHeight, stepHeight: Math.max(1, stepHeight) });
        rest = rest.slice(r[0].length).trim();
        continue;
      }
      const token = rest.split(/\s+/, 1)[0]!;
      const d = DISCRETE.exec(token);
      if (d && Number(d[1]) > 0 && Number(d[2]) > 0) sizes.push({ width: Number(d[1]), height: Number(d[2]) });
      rest = rest.slice(token.length).trim();
    }
    out.push({
      compressed: m[1] === 'Compressed',
      name: m[2]!,
      description: m[3]!.trim(),
      emulated: m[4] !== undefined,
      sizes,
      ranges,
    });
  }
  return out;
}

/** Sizes offered from a stepwise/continuous range: the common ones that fit it. */
export const COMMON_SIZES: readonly DiscreteSize[] = [
  { width: 640, height: 480 },
  { width: 320, height: 240 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 800, height: 600 },
  { width: 160, height: 120 },
];

function inRange(s: DiscreteSize, r: SizeRange): boolean {
  return (
    s.width >= r.minWidth &&
    s.width <= r.maxWidth &&
    (s.width - r.minWidth) % r.stepWidth === 0 &&
    s.height >= r.minHeight &&
    s.height <= r.maxHeight &&
    (s.height - r.minHeight) % r.stepHeight === 0
  );
}

/** Compressed codecs ffmpeg can decode from a camera. */
const DECODABLE = new Set(['mjpeg', 'h264']);

/**
 * Native modes from a device's formats: every size once, from a raw format where one offers it
 * (no decoding), else from a compressed one ffmpeg decodes. 640x480 comes first when offered
 * (the usual default), then the rest largest first. `frameRate` is the nominal rate.
 */
export function v4l2Modes(formats: readonly V4l2Format[], frameRate = 30): V4l2Mode[] {
  const usable = formats.filter((f) => f.name !== 'Unsupported' && (!f.compressed || DECODABLE.has(f.name)));
  // Raw formats first (device-native before emulated), so a size takes the cheapest source.
  usable.sort((a, b) => Number(a.compressed) - Number(b.compressed) || Number(a.emulated) - Number(b.emulated));
  const bySize = new Map<string, V4l2Mode>();
  for (const f of usable) {
    const sizes = [...f.sizes, ...f.ranges.flatMap((r) => COMMON_SIZES.filter((s) => inRange(s, r)))];
    for (const s of sizes) {
      const key = `${s.width}x${s.height}`;
      if (!bySize.has(key)) bySize.set(key, { width: s.width, height: s.height, frameRate, inputFormat: f.name });
    }
  }
  const modes = [...bySize.values()].sort((a, b) => b.width * b.height - a.width * a.height || b.width - a.width);
  const vga = modes.findIndex((m) => m.width === 640 && m.height === 480);
  if (vga > 0) modes.unshift(...modes.splice(vga, 1));
  return modes;
}

/** ffmpeg's arguments for capturing `device` in `mode` as raw I420 on stdout. */
export function ffmpegCaptureArguments(device: string, mode: V4l2Mode): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'v4l2',
    '-input_format',
    mode.inputFormat,
    '-video_size',
    `${mode.width}x${mode.height}`,
    '-framerate',
    String(mode.frameRate),
    '-i',
    device,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    'pipe:1',
  ];
}
