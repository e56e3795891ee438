/**
 * createMediaDevices(): an isolated MediaDevices (one "document") with its own devices, permission
 * policy, origin and clock, plus the controller that plays the browser's part: page visibility,
 * focus, unload, permissions policy, permission changes and device hot-plug.
 */
import { INTERNAL } from '../webidl/index.js';
import { RealClock, type Clock } from '../media/clock.js';
import type { DeviceProvider, DeviceDescriptor } from '../sources/types.js';
import { SyntheticProvider, createSyntheticProvider, type SyntheticPlugConfig } from '../sources/synthetic/provider.js';
import type { SyntheticDevicesConfig } from '../sources/synthetic/config.js';
import { PermissionController, type PermissionsInit, type CapturePermissionName } from '../permissions/permission-controller.js';
import { DeviceIdentity } from './device-identity.js';
import { DeviceContext, MediaDevices } from './media-devices.js';

export interface CreateMediaDevicesOptions {
  /** The synthetic device set (default: MEDIACAPTURE_DEVICES if set, else one microphone and one camera). */
  devices?: SyntheticDevicesConfig;
  /** Device providers to use instead of the synthetic one. */
  providers?: readonly DeviceProvider[];
  /** Initial permission states and prompt callback, or a controller shared with other documents. */
  permissions?: PermissionsInit | PermissionController;
  /** The document's origin (device ids are per origin). Default "http://localhost". */
  origin?: string;
  /** Secret for device ids; give one to keep ids stable across runs. Default: random per process. */
  deviceIdKey?: string | Uint8Array;
  /** The clock sources run on. Default: a RealClock. */
  clock?: Clock;
  /** Initial document state. */
  document?: { visible?: boolean; focused?: boolean; allow?: { camera?: boolean; microphone?: boolean } };
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
  /** Permissions policy: whether the document may use "camera" / "microphone". */
  allowFeature(name: CapturePermissionName, allowed: boolean): void;
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
  let providers: readonly DeviceProvider[];
  if (options.providers !== undefined) {
    if (!Array.isArray(options.providers)) throw new TypeError('createMediaDevices: providers must be an array of DeviceProviders');
    providers = [...options.providers];
    provider = (providers.find((p) => p instanceof SyntheticProvider) as SyntheticProvider | undefined) ?? null;
  } else {
    provider = createSyntheticProvider(options.devices);
    providers = [provider];
  }
  const permissions = options.permissions instanceof PermissionController ? options.permissions : new PermissionController(options.permissions);
  const clock = options.clock ?? new RealClock();
  const ctx = new DeviceContext({ providers, permissions, identity: new DeviceIdentity(origin, options.deviceIdKey), clock });
  const doc = options.document ?? {};
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
      ctx.stateChanged();
    },
    setFullyActive(active) {
      if (ctx.unloaded) return;
      ctx.fullyActive = toBool(active, 'setFullyActive');
      ctx.stateChanged();
    },
    allowFeature(name, allowed) {
      if (name !== 'camera' && name !== 'microphone') throw new TypeError(`allowFeature: unknown feature ${JSON.stringify(name)}`);
      ctx.policy[name] = toBool(allowed, 'allowFeature');
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
