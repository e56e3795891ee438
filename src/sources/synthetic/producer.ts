/**
 * Opens a synthetic device as an EngineSource: a tone/beep microphone or a test-pattern camera
 * (see audio.ts and video.ts). The synthetic provider calls this with the device's options.
 */
import type { Clock } from '../../media/clock.js';
import type { DeviceDescriptor, EngineSource, SourceConfig } from '../types.js';
import { SyntheticAudioSource, type SyntheticSignal } from './audio.js';
import { SyntheticVideoSource } from './video.js';

/** Per-device knobs of the synthetic generators (from the provider's configuration). */
export interface SyntheticSignalOptions {
  /** What a microphone hears (default 'tone'). */
  readonly signal?: SyntheticSignal;
  /** Tone frequency in Hz for microphones, or several tones summed (default 440). */
  readonly toneFrequency?: number | readonly number[];
  /** Beep pattern: tone on for `beepOnMs`, off for `beepOffMs`; 0 off-time = continuous tone. */
  readonly beepOnMs?: number;
  readonly beepOffMs?: number;
  /** Peak level 0..1 (default 0.5). */
  readonly amplitude?: number;
  /** Cameras: draw the frame counter and timestamp into the picture (default true). */
  readonly drawText?: boolean;
}

export function createSyntheticSource(device: DeviceDescriptor, config: SourceConfig, clock: Clock, options: SyntheticSignalOptions = {}): EngineSource {
  if (config.kind === 'audio') {
    if (device.kind !== 'audioinput') throw new TypeError(`createSyntheticSource: an audio configuration for ${device.kind} device ${device.internalId}`);
    return new SyntheticAudioSource(config, clock, options);
  }
  if (device.kind !== 'videoinput') throw new TypeError(`createSyntheticSource: a video configuration for ${device.kind} device ${device.internalId}`);
  return new SyntheticVideoSource(config, clock, options);
}
