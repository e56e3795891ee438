/**
 * PLACEHOLDER (replaced by the media-plane work): opens a synthetic device as an EngineSource.
 * The signature is the contract the synthetic provider (spec/device side) calls.
 */
import type { Clock } from '../../media/clock.js';
import type { DeviceDescriptor, EngineSource, SourceConfig, TrackFormat, TrackOutput, SourceObserver } from '../types.js';

/** Per-device knobs of the synthetic generators (from the provider's configuration). */
export interface SyntheticSignalOptions {
  /** Tone frequency in Hz for microphones (default 440). */
  readonly toneFrequency?: number;
  /** Beep pattern: tone on for `beepOnMs`, off for `beepOffMs`; 0 off-time = continuous tone. */
  readonly beepOnMs?: number;
  readonly beepOffMs?: number;
  /** Peak amplitude 0..1 (default 0.5). */
  readonly amplitude?: number;
}

export function createSyntheticSource(device: DeviceDescriptor, config: SourceConfig, clock: Clock, _options: SyntheticSignalOptions = {}): EngineSource {
  void device;
  let current: SourceConfig = config;
  const outputs = new Set<TrackOutput>();
  const source: EngineSource = {
    kind: config.kind,
    clock,
    muted: false,
    get config() {
      return current;
    },
    configure(c: SourceConfig) {
      current = c;
    },
    createOutput(_format: TrackFormat | null): TrackOutput {
      const out: TrackOutput = {
        setFormat() {},
        setEnabled() {},
        subscribe() {
          return () => {};
        },
        close() {
          outputs.delete(out);
        },
      };
      outputs.add(out);
      return out;
    },
    stop() {
      outputs.clear();
    },
    observer: null as SourceObserver | null,
  };
  return source;
}
