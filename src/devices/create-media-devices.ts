/**
 * createMediaDevices(): an isolated MediaDevices (one "document") with its own devices, permission
 * policy, origin and clock, plus the controller that plays the browser's part: page visibility,
 * focus, unload, permissions policy, permission changes and device hot-plug.
 */
import { INTERNAL } from '../webidl/index.js';
import { RealClock, type Clock } from '../media/clock.js';
import { DeviceOpenError, type DeviceProvider, type DeviceDescriptor, type DeviceKind, type EngineSource, type SourceConfig } from '../sources/types.js';
import { SyntheticProvider, type SyntheticPlugConfig } from '../sources/synthetic/provider.js';
import { ENV_VARIABLE, validateConfig, type SyntheticCameraConfig, type SyntheticDevicesConfig, type SyntheticMicrophoneConfig } from '../sources/synthetic/config.js';
import { FileProvider, type FileCameraConfig, type FileMicrophoneConfig } from '../sources/file/provider.js';
import { PulseProvider } from '../sources/pulse/provider.js';
import { V4l2Provider } from '../sources/v4l2/provider.js';
import { PermissionController, type PermissionsInit, type CapturePermissionName } from '../permissions/permission-controller.js';
import { DeviceIdentity } from './device-identity.js';
import { DeviceContext, MediaDevices } from './media-devices.js';
import { createDisplayProviders, type DisplayConfig } from '../sources/display/provider.js';
import type { DisplayProvider } from '../sources/display/types.js';
import { disableFocusChange } from './capture-controller.js';

/**
 * The device set: the synthetic configuration (src/sources/synthetic/config.ts) extended with
 * file-backed devices and the machine's real devices. Also read, as JSON, from MEDIACAPTURE_DEVICES:
 *
 *   MEDIACAPTURE_DEVICES='{"microphones": [{"file": "speech.wav"}], "cameras": [{"file": "clip.y4m"}]}'
 *   MEDIACAPTURE_DEVICES='{"real": true}'
 *
 *   "real": true            adds the sound server's sources/sinks and the V4L2 cameras (an absent
 *                           server or camera simply contributes no devices); add "microphones": 0,
 *                           "cameras": 0 for the real devices alone
 *   { "file": path, ... }   in "microphones" (a WAV file: PCM 8/16/24/32-bit or float) or "cameras"
 *                           (a Y4M file), with optional "id", "label", "group" (cameras also
 *                           "facingMode"); relative paths are resolved against the working
 *                           directory. The file's format is the device's only native mode; it
 *                           plays looped. A missing or unsupported file is a TypeError here.
 *
 *   "display": { ... }      what getDisplayMedia captures (src/sources/display/provider.ts):
 *                           the synthetic desktop by default, or the X11 screen ("source": "x11"
 *                           or "auto"); display surfaces are never listed by enumerateDevices()
 *
 * Devices are listed real first, then file-backed, then synthetic (the remaining entries and
 * counts, with the synthetic defaults when a kind is not given at all). The first kind-default
 * among them stays the system default: a real default microphone comes before a file or synthetic one.
 */
export interface MediaDevicesConfig {
  microphones?: number | (SyntheticMicrophoneConfig | FileMicrophoneConfig)[];
  cameras?: number | (SyntheticCameraConfig | FileCameraConfig)[];
  speakers?: SyntheticDevicesConfig['speakers'];
  real?: boolean;
  /** What getDisplayMedia captures (default: the synthetic desktop). */
  display?: DisplayConfig;
}

export interface CreateMediaDevicesOptions {
  /** The device set (default: MEDIACAPTURE_DEVICES if set, else one synthetic microphone and camera). See MediaDevicesConfig. */
  devices?: MediaDevicesConfig;
  /** Device providers to use instead of the configured ones. */
  providers?: readonly DeviceProvider[];
  /** Adds the machine's real devices (sound server, V4L2) before the others; same as devices.real. */
  real?: boolean;
  /** Initial permission states and prompt callback, or a controller shared with other documents. */
  permissions?: PermissionsInit | PermissionController;
  /** The document's origin (device ids are per origin). Default "http://localhost". */
  origin?: string;
  /** Secret for device ids; give one to keep ids stable across runs. Default: random per process. */
  deviceIdKey?: string | Uint8Array;
  /** The clock sources run on. Default: a RealClock. */
  clock?: Clock;
  /**
   * What getDisplayMedia captures: a DisplayConfig (the synthetic desktop by default; the X11
   * screen with { source: 'x11' } or 'auto'), display providers of your own, or false for none
   * (NotFoundError). Overrides devices.display.
   */
  display?: DisplayConfig | readonly DisplayProvider[] | false;
  /**
   * Initial document state. `requireUserActivation`: getDisplayMedia needs transient activation
   * (controller.activate(), a user gesture); by default the document always counts as activated.
   */
  document?: {
    visible?: boolean;
    focused?: boolean;
    requireUserActivation?: boolean;
    allow?: { camera?: boolean; microphone?: boolean; 'display-capture'?: boolean };
  };
}

export interface MediaDevicesController {
  readonly permissions: PermissionController;
  /** The synthetic provider when the devices are synthetic, else null. */
  readonly provider: SyntheticProvider | null;
  readonly clock: Clock;
  readonly origin: string;
  /** Visibility "visible" (true) or "hidden": enumerateDevices and getUserMedia wait while hidden. */
  setVisible(visible: boolean): void;
  /** Whether the document's top-level traversable has system focus (getUserMedia waits without it). */
  setFocused(focused: boolean): void;
  /** Fully active or not (e.g. in the back/forward cache). */
  setFullyActive(active: boolean): void;
  /** Permissions policy: whether the document may use "camera" / "microphone" / "display-capture". */
  allowFeature(name: CapturePermissionName | 'display-capture', allowed: boolean): void;
  /** Whether getDisplayMedia needs transient activation (a user gesture, activate()) from now on. */
  requireUserActivation(required: boolean): void;
  /** A user gesture: transient activation for TRANSIENT_ACTIVATION_DURATION_MS on the clock. */
  activate(): void;
  /** Whether the document has transient activation now. */
  hasTransientActivation(): boolean;
  /** Unloads the document: "stop all sources", pending waits reject, device watching stops. */
  unload(): void;
  /** mediacapture-main#context-is-capturing */
  isCapturing(): boolean;
  /** Connects a synthetic device (synthetic providers only). */
  plug(config: SyntheticPlugConfig): DeviceDescriptor;
  /** Disconnects a synthetic device by id, internal id or label; its tracks end. */
  unplug(id: string): void;
  /** The script-visible deviceId this document gives a device (by internal id or label), or null. */
  deviceIdOf(id: string): Promise<string | null>;
}

export interface MediaDevicesHandle {
  readonly mediaDevices: MediaDevices;
  readonly controller: MediaDevicesController;
}

function toBool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: expected a boolean, got ${typeof v}`);
  return v;
}

export function createMediaDevices(options: CreateMediaDevicesOptions = {}): MediaDevicesHandle {
  if (typeof options !== 'object' || options === null) throw new TypeError('createMediaDevices: options must be an object');
  let origin = 'http://localhost';
  if (options.origin !== undefined) {
    try {
      origin = new URL(String(options.origin)).origin;
    } catch {
      throw new TypeError(`createMediaDevices: origin ${JSON.stringify(options.origin)} is not a valid URL origin`);
    }
    if (origin === 'null') throw new TypeError(`createMediaDevices: origin ${JSON.stringify(options.origin)} is opaque`);
  }
  let provider: SyntheticProvider | null = null;
  let layers: DeviceProvider[];
  if (options.real !== undefined) toBool(options.real, 'createMediaDevices: real');
  let real = options.real === true;
  let displayConfig: DisplayConfig | undefined;
  let displayWhere = 'createMediaDevices: devices.display';
  if (options.providers !== undefined) {
    if (!Array.isArray(options.providers)) throw new TypeError('createMediaDevices: providers must be an array of DeviceProviders');
    layers = [...options.providers];
    provider = (layers.find((p) => p instanceof SyntheticProvider) as SyntheticProvider | undefined) ?? null;
  } else {
    const fromEnv = options.devices === undefined;
    const config = fromEnv ? devicesFromEnvironment() : options.devices;
    if (isObject(config) && config.display !== undefined) displayConfig = config.display as DisplayConfig;
    displayWhere = fromEnv ? `${ENV_VARIABLE}.display` : 'createMediaDevices: devices.display';
    const built = configuredProviders(config, fromEnv ? ENV_VARIABLE : 'createMediaDevices: devices');
    provider = built.synthetic;
    layers = built.providers;
    real ||= built.real;
  }
  if (real) layers = [new PulseProvider(), new V4l2Provider(), ...layers];
  const providers: readonly DeviceProvider[] = layers.length > 1 && (real || options.providers === undefined) ? [new LayeredProvider(layers)] : layers;
  const permissions = options.permissions instanceof PermissionController ? options.permissions : new PermissionController(options.permissions);
  const clock = options.clock ?? new RealClock();
  let displayProviders: readonly DisplayProvider[];
  if (options.display === false) displayProviders = [];
  else if (Array.isArray(options.display)) displayProviders = [...(options.display as readonly DisplayProvider[])];
  else if (options.display !== undefined) displayProviders = createDisplayProviders(options.display as DisplayConfig, 'createMediaDevices: display');
  else displayProviders = createDisplayProviders(displayConfig, displayWhere);
  const ctx = new DeviceContext({ providers, permissions, identity: new DeviceIdentity(origin, options.deviceIdKey), clock, displayProviders });
  const doc = options.document ?? {};
  if (doc.requireUserActivation !== undefined) ctx.activationRequired = toBool(doc.requireUserActivation, 'document.requireUserActivation');
  if (doc.allow?.['display-capture'] !== undefined) ctx.policy['display-capture'] = toBool(doc.allow['display-capture'], "document.allow['display-capture']");
  if (doc.visible !== undefined) ctx.visible = toBool(doc.visible, 'document.visible');
  if (doc.focused !== undefined) ctx.focused = toBool(doc.focused, 'document.focused');
  if (doc.allow?.camera !== undefined) ctx.policy.camera = toBool(doc.allow.camera, 'document.allow.camera');
  if (doc.allow?.microphone !== undefined) ctx.policy.microphone = toBool(doc.allow.microphone, 'document.allow.microphone');
  const mediaDevices = new MediaDevices(INTERNAL, ctx);
  const needSynthetic = (): SyntheticProvider => {
    if (!provider) throw new TypeError('this MediaDevices has no synthetic provider to plug devices into');
    return provider;
  };
  const controller: MediaDevicesController = {
    permissions,
    provider,
    clock,
    origin,
    setVisible(visible) {
      ctx.visible = toBool(visible, 'setVisible');
      ctx.stateChanged();
    },
    setFocused(focused) {
      ctx.focused = toBool(focused, 'setFocused');
      // screen-capture: when the top-level document loses focus, its CaptureControllers may no longer change focus.
      if (!ctx.focused) for (const c of [...ctx.captureControllers]) disableFocusChange(c);
      ctx.stateChanged();
    },
    setFullyActive(active) {
      if (ctx.unloaded) return;
      ctx.fullyActive = toBool(active, 'setFullyActive');
      ctx.stateChanged();
    },
    allowFeature(name, allowed) {
      if (name !== 'camera' && name !== 'microphone' && name !== 'display-capture') throw new TypeError(`allowFeature: unknown feature ${JSON.stringify(name)}`);
      ctx.policy[name] = toBool(allowed, 'allowFeature');
    },
    requireUserActivation(required) {
      ctx.activationRequired = toBool(required, 'requireUserActivation');
    },
    activate() {
      ctx.activate();
    },
    hasTransientActivation() {
      return ctx.hasTransientActivation();
    },
    unload() {
      ctx.unload();
    },
    isCapturing() {
      return ctx.isCapturing();
    },
    plug(config) {
      return needSynthetic().plug(config);
    },
    unplug(id) {
      needSynthetic().unplug(id);
    },
    async deviceIdOf(id) {
      const list = await ctx.listDevices();
      const d = list.find((x) => x.internalId === id || x.label === id || x.internalId === `synthetic:${id}`);
      return d ? ctx.deviceIdOf(d) : null;
    },
  };
  return { mediaDevices, controller };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** MEDIACAPTURE_DEVICES parsed (undefined when unset or blank); invalid JSON is a TypeError naming the variable. */
function devicesFromEnvironment(): MediaDevicesConfig | undefined {
  const raw = process.env[ENV_VARIABLE];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as MediaDevicesConfig;
  } catch (e) {
    throw new TypeError(`${ENV_VARIABLE} is not valid JSON (${(e as Error).message}): ${JSON.stringify(raw.slice(0, 80))}`);
  }
}

/** Splits a device set into its file-backed and synthetic parts and makes their providers. */
function configuredProviders(config: MediaDevicesConfig | undefined, where: string): { providers: DeviceProvider[]; synthetic: SyntheticProvider; real: boolean } {
  if (config === undefined) {
    const synthetic = new SyntheticProvider();
    return { providers: [synthetic], synthetic, real: false };
  }
  if (!isObject(config)) throw new TypeError(`${where}: expected an object`);
  const { real, display: _display, ...rest } = config;
  if (real !== undefined && typeof real !== 'boolean') throw new TypeError(`${where}.real: expected a boolean, got ${JSON.stringify(real)}`);
  const fileMics: FileMicrophoneConfig[] = [];
  const fileCams: FileCameraConfig[] = [];
  const synthetic: Record<string, unknown> = { ...rest };
  const split = (key: 'microphones' | 'cameras', into: object[]): void => {
    const list = rest[key];
    if (!Array.isArray(list)) return;
    synthetic[key] = list.filter((entry) => {
      if (isObject(entry) && 'file' in entry) {
        into.push(entry);
        return false;
      }
      return true;
    });
  };
  split('microphones', fileMics);
  split('cameras', fileCams);
  validateConfig(synthetic, where);
  const providers: DeviceProvider[] = [];
  if (fileMics.length > 0 || fileCams.length > 0) providers.push(new FileProvider({ microphones: fileMics, cameras: fileCams }, where));
  const syntheticProvider = new SyntheticProvider(synthetic as SyntheticDevicesConfig);
  providers.push(syntheticProvider);
  return { providers, synthetic: syntheticProvider, real: real === true };
}

/**
 * Several providers presented as one list, in order. Only the first provider with a default
 * device of a kind keeps it as the system default; the others' defaults of that kind are listed
 * as ordinary devices (so the machine's default microphone stays first).
 */
class LayeredProvider implements DeviceProvider {
  readonly name: string;
  readonly #layers: readonly DeviceProvider[];
  readonly #owner = new Map<string, DeviceProvider>();

  constructor(layers: readonly DeviceProvider[]) {
    this.#layers = layers;
    this.name = layers.map((p) => p.name).join('+');
  }

  async list(): Promise<readonly DeviceDescriptor[]> {
    const lists = await Promise.all(this.#layers.map((p) => p.list()));
    const owner = new Map<string, DeviceProvider>();
    const defaulted = new Set<DeviceKind>();
    const out: DeviceDescriptor[] = [];
    lists.forEach((list, i) => {
      const taken = new Set<DeviceKind>();
      for (const d of list) {
        owner.set(d.internalId, this.#layers[i]!);
        if (d.isDefault && defaulted.has(d.kind)) out.push(Object.freeze({ ...d, isDefault: false }));
        else {
          if (d.isDefault) taken.add(d.kind);
          out.push(d);
        }
      }
      for (const k of taken) defaulted.add(k);
    });
    this.#owner.clear();
    for (const [id, p] of owner) this.#owner.set(id, p);
    return out;
  }

  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    let p = this.#owner.get(device.internalId);
    if (!p) {
      await this.list();
      p = this.#owner.get(device.internalId);
    }
    if (!p) throw new DeviceOpenError(`device ${device.label} is no longer connected`, 'other');
    return p.open(device, config, clock);
  }

  watch(onChange: () => void): () => void {
    const stops = this.#layers.flatMap((p) => (p.watch ? [p.watch(onChange)] : []));
    return () => {
      for (const stop of stops) stop();
    };
  }
}
