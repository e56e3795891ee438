/**
 * The synthetic DeviceProvider: fake microphones, cameras and speakers described by a
 * SyntheticDevicesConfig (see config.ts), opened through the synthetic generators, with
 * programmatic hot-plug (plug / unplug) reported through watch().
 */
import type { Clock } from '../../media/clock.js';
import { DeviceOpenError, type DeviceDescriptor, type DeviceProvider, type EngineSource, type SourceConfig, type SourceObserver } from '../types.js';
import { createSyntheticSource } from './producer.js';
import {
  buildDevices,
  camera,
  configFromEnvironment,
  microphone,
  speaker,
  type SyntheticCameraConfig,
  type SyntheticDevice,
  type SyntheticDevicesConfig,
  type SyntheticMicrophoneConfig,
  type SyntheticSpeakerConfig,
} from './config.js';

export type SyntheticPlugConfig =
  | ({ kind: 'audioinput' } & SyntheticMicrophoneConfig)
  | ({ kind: 'videoinput' } & SyntheticCameraConfig)
  | ({ kind: 'audiooutput' } & SyntheticSpeakerConfig);

export class SyntheticProvider implements DeviceProvider {
  readonly name = 'synthetic';
  #devices: SyntheticDevice[];
  readonly #watchers = new Set<() => void>();
  /** Open sources per internal id, so unplugging a device ends its sources. */
  readonly #open = new Map<string, Set<EngineSource>>();
  /** Injected open failures per internal id (or '*'), for exercising error paths. */
  readonly #failures = new Map<string, 'lock' | 'other'>();
  #plugCount = 0;

  constructor(config?: SyntheticDevicesConfig) {
    this.#devices = buildDevices(config);
  }

  async list(): Promise<readonly DeviceDescriptor[]> {
    return this.#devices.map((d) => d.descriptor);
  }

  /** The current devices, synchronously. */
  get devices(): readonly DeviceDescriptor[] {
    return this.#devices.map((d) => d.descriptor);
  }

  /** How many sources this provider opened that are not stopped yet. */
  get openSourceCount(): number {
    let n = 0;
    for (const set of this.#open.values()) n += set.size;
    return n;
  }

  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    const entry = this.#devices.find((d) => d.descriptor.internalId === device.internalId);
    if (!entry) throw new DeviceOpenError(`synthetic device ${device.internalId} is not connected`, 'other');
    if (device.kind === 'audiooutput') throw new DeviceOpenError(`${device.label} is an output device and cannot be captured`, 'other');
    const failure = this.#failures.get(device.internalId) ?? this.#failures.get('*');
    if (failure) {
      throw new DeviceOpenError(failure === 'lock' ? `${device.label} is in use by another program` : `${device.label} failed to start`, failure);
    }
    const inner = createSyntheticSource(entry.descriptor, config, clock, entry.signal ?? {});
    const set = this.#open.get(device.internalId) ?? new Set<EngineSource>();
    this.#open.set(device.internalId, set);
    // A thin wrapper that keeps the open-source bookkeeping in step with stop().
    const wrapper: EngineSource = {
      get kind() {
        return inner.kind;
      },
      get clock() {
        return inner.clock;
      },
      get muted() {
        return inner.muted;
      },
      get config() {
        return inner.config;
      },
      configure: (c: SourceConfig) => inner.configure(c),
      createOutput: (f) => inner.createOutput(f),
      stop: () => {
        set.delete(wrapper);
        if (set.size === 0) this.#open.delete(device.internalId);
        inner.stop();
      },
      get observer(): SourceObserver | null {
        return inner.observer;
      },
      set observer(o: SourceObserver | null) {
        inner.observer = o;
      },
    };
    set.add(wrapper);
    return wrapper;
  }

  watch(onChange: () => void): () => void {
    const cb = (): void => onChange();
    this.#watchers.add(cb);
    return () => {
      this.#watchers.delete(cb);
    };
  }

  /** Connects a new device; returns its descriptor. Watchers are told. */
  plug(config: SyntheticPlugConfig): DeviceDescriptor {
    const n = this.#plugCount++;
    const sameKind = this.#devices.filter((d) => d.descriptor.kind === config.kind).length;
    const isDefault = sameKind === 0;
    let device: SyntheticDevice;
    if (config.kind === 'audioinput') device = microphone({ id: `plugged-mic${n}`, ...config }, sameKind, isDefault);
    else if (config.kind === 'videoinput') device = camera({ id: `plugged-cam${n}`, ...config }, sameKind, isDefault);
    else device = speaker({ id: `plugged-spk${n}`, ...config }, sameKind, isDefault);
    if (this.#devices.some((d) => d.descriptor.internalId === device.descriptor.internalId)) {
      throw new TypeError(`a synthetic device with id ${JSON.stringify(device.descriptor.internalId.slice('synthetic:'.length))} is already connected`);
    }
    this.#devices = [...this.#devices, device];
    this.#notify();
    return device.descriptor;
  }

  /**
   * Disconnects a device (by its configured id, its internal id or its label). Its open sources
   * end (their tracks fire `ended`), and watchers are told.
   */
  unplug(id: string): void {
    const entry = this.#find(id);
    const internalId = entry.descriptor.internalId;
    this.#devices = this.#devices.filter((d) => d !== entry);
    // If the default device went away, the next one of its kind becomes the default.
    if (entry.descriptor.isDefault) {
      const next = this.#devices.findIndex((d) => d.descriptor.kind === entry.descriptor.kind);
      if (next >= 0) {
        const d = this.#devices[next]!;
        this.#devices[next] = { ...d, descriptor: Object.freeze({ ...d.descriptor, isDefault: true }) };
      }
    }
    const open = this.#open.get(internalId);
    if (open) {
      for (const source of [...open]) {
        const observer = source.observer;
        source.stop();
        observer?.ended?.('device unplugged');
      }
    }
    this.#notify();
  }

  /** Makes open() of a device (id, internal id or label; "*" = any) fail with `reason` until cleared with null. */
  setOpenFailure(id: string, reason: 'lock' | 'other' | null): void {
    const key = id === '*' ? '*' : this.#find(id).descriptor.internalId;
    if (reason === null) this.#failures.delete(key);
    else this.#failures.set(key, reason);
  }

  #find(id: string): SyntheticDevice {
    const entry = this.#devices.find(
      (d) => d.descriptor.internalId === id || d.descriptor.internalId === `synthetic:${id}` || d.descriptor.label === id,
    );
    if (!entry) throw new TypeError(`no synthetic device ${JSON.stringify(id)} is connected`);
    return entry;
  }

  #notify(): void {
    for (const cb of [...this.#watchers]) cb();
  }
}

/** A synthetic provider from a configuration, or from MEDIACAPTURE_DEVICES when none is given. */
export function createSyntheticProvider(config?: SyntheticDevicesConfig): SyntheticProvider {
  return new SyntheticProvider(config ?? configFromEnvironment());
}
