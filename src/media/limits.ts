/**
 * The formats a capture device may have. Sources are configured from files and JSON written by
 * anyone, so every source checks its format here before it allocates or starts a clock: a WAV
 * header claiming 4294967295 Hz or a Y4M claiming 1e9 fps is refused with a message saying what
 * is allowed, instead of a production loop that can never catch up.
 *
 * Audio follows the ranges Web Audio supports (3 kHz to 768 kHz, 32 channels); video allows up to
 * 16384 pixels a side, 8K worth of pixels (7680x4320) per frame and 1000 frames per second.
 */

export const CAPTURE_LIMITS = Object.freeze({
  minSampleRate: 3000,
  maxSampleRate: 768000,
  maxChannelCount: 32,
  maxDimension: 16384,
  maxFramePixels: 7680 * 4320,
  maxFrameRate: 1000,
});

/** Why an audio format cannot be captured, or null when it can. */
export function audioFormatProblem(sampleRate: number, channelCount: number): string | null {
  const L = CAPTURE_LIMITS;
  if (!(Number.isFinite(sampleRate) && sampleRate >= L.minSampleRate && sampleRate <= L.maxSampleRate)) {
    return `a sample rate of ${sampleRate} Hz is outside the supported ${L.minSampleRate}..${L.maxSampleRate} Hz`;
  }
  if (!(Number.isInteger(channelCount) && channelCount >= 1 && channelCount <= L.maxChannelCount)) {
    return `${channelCount} channels is outside the supported 1..${L.maxChannelCount}`;
  }
  return null;
}

/** Why a video format cannot be captured, or null when it can. */
export function videoFormatProblem(width: number, height: number, frameRate: number): string | null {
  const L = CAPTURE_LIMITS;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= L.maxDimension)) return `a ${name} of ${v} is outside the supported 1..${L.maxDimension} pixels`;
  }
  if (width * height > L.maxFramePixels) return `${width}x${height} is more than the supported ${L.maxFramePixels} pixels per frame (7680x4320)`;
  if (!(Number.isFinite(frameRate) && frameRate > 0 && frameRate <= L.maxFrameRate)) {
    return `a frame rate of ${frameRate} fps is outside the supported (0, ${L.maxFrameRate}] fps`;
  }
  return null;
}
