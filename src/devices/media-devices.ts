/**
 * MediaDevices: device enumeration, devicechange, and getUserMedia for one document.
 * mediacapture-main#mediadevices, mediacapture-main#dom-mediadevices-getusermedia
 *
 * Node has no DOM, so each MediaDevices carries its own document model (origin, fully active,
 * visible, focused, permissions policy) in a DeviceContext that the embedder drives through the
 * controller returned by createMediaDevices().
 */
import { INTERNAL, illegalConstructor, brand, toStringTag, exposeMembers, defineEventHandler } from '../webidl/index.js';
import type { Clock } from '../media/clock.js';
import { DeviceOpenError, type DeviceDescriptor, type DeviceProvider, type EngineSource, type MediaKind } from '../sources/types.js';
import type { MediaStreamConstraints, MediaTrackConstraints, MediaTrackConstraintSet, MediaTrackSupportedConstraints } from '../constraints/types.js';
import { convertMediaStreamConstraints, supportedConstraints } from '../constraints/convert.js';
import {
  selectSettings,
  capabilitiesOf,
  requiredConstraintNames,
  filterForKind,
  ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION,
  type ConstrainableDevice,
  type SelectResult,
} from '../constraints/select-settings.js';
import { fitnessDistance } from '../constraints/fitness-distance.js';
import { OverconstrainedError } from '../errors/overconstrained-error.js';
import { MediaStream, addTrackSilently } from '../stream/media-stream.js';
import { type MediaStreamTrack, constructTrack, endTrack, endTrackSilently, observeSource } from '../stream/media-stream-track.js';
import { type TrackSource, stopSource } from '../stream/track-source.js';
import { nextTask, queueTask } from '../stream/tasks.js';
import type { PermissionController, CapturePermissionName } from '../permissions/permission-controller.js';
import type { DeviceIdentity } from './device-identity.js';
import { type MediaDeviceInfo, sameDeviceInfo } from './media-device-info.js';
import { createInputDeviceInfo, createMediaDeviceInfo } from './input-device-info.js';
import { createDeviceChangeEvent } from './device-change-event.js';
import { MediaEventTarget } from '../webidl/event-target.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';
import type { DisplayProvider } from '../sources/display/types.js';
import type { CaptureController } from './capture-controller.js';
import { getDisplayMedia, type DisplayMediaStreamOptions } from './get-display-media.js';

export interface DeviceContextInit {
  providers: readonly DeviceProvider[];
  permissions: PermissionController;
  identity: DeviceIdentity;
  clock: Clock;
  /** Where getDisplayMedia finds display surfaces (none: NotFoundError). */
  displayProviders?: readonly DisplayProvider[];
}

/** How long a user gesture gives the document transient activation (HTML leaves it to the UA; Chrome uses 5 s). */
export const TRANSIENT_ACTIVATION_DURATION_MS = 5000;

type Kind = 'audio' | 'video';

const PERMISSION_OF: Record<Kind, CapturePermissionName> = { audio: 'microphone', video: 'camera' };
const DEVICE_KIND_OF: Record<Kind, 'audioinput' | 'videoinput'> = { audio: 'audioinput', video: 'videoinput' };

interface Waiter {
  condition: () => boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Candidate {
  descriptor: DeviceDescriptor;
  device: ConstrainableDevice;
  result: SelectResult;
  /** A running source of this document the candidate would share (its mode is then fixed). */
  shared: TrackSource | null;
  distance: number;
  order: number;
}

function domException(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

class GumFailure {
  constructor(readonly error: unknown) {}
}

/** The state behind one MediaDevices: the document model and the spec's internal slots. */
export class DeviceContext {
  readonly providers: readonly DeviceProvider[];
  readonly permissions: PermissionController;
  readonly identity: DeviceIdentity;
  readonly clock: Clock;
  readonly displayProviders: readonly DisplayProvider[];
  mediaDevices!: MediaDevices;

  // Document model.
  fullyActive = true;
  visible = true;
  focused = true;
  unloaded = false;
  readonly policy = { camera: true, microphone: true, 'display-capture': true };
  /**
   * Transient activation (html#transient-activation), which getDisplayMedia requires. Unless the
   * embedder asks for gestures, the document always counts as activated; otherwise only within
   * TRANSIENT_ACTIVATION_DURATION_MS (on the clock) after activate().
   */
  activationRequired = false;
  activationExpiresAt = -Infinity;
  /** CaptureControllers bound to a running capture-session of this document. */
  readonly captureControllers = new Set<CaptureController>();

  // mediacapture-main#dfn-create-a-mediadevices slots.
  readonly devicesLiveMap = new Map<string, boolean>();
  readonly devicesAccessibleMap = new Map<string, boolean>();
  readonly kindsAccessibleMap = new Map<string, boolean>();
  storedDeviceList: readonly DeviceDescriptor[] = [];
  canExposeCameraInfo = false;
  canExposeMicrophoneInfo = false;
  readonly mediaStreamTrackSources = new Set<TrackSource>();

  /** Running device sources of this document per internal device id (tracks of one device share them). */
  readonly #liveSources = new Map<string, Set<TrackSource>>();
  readonly #providerOf = new Map<string, DeviceProvider>();
  readonly #waiters = new Set<Waiter>();
  readonly #unwatch: Array<() => void> = [];
  #ready: Promise<void>;
  #deviceChangePending = false;
  #openLock: Promise<void> = Promise.resolve();
  #deviceChangeChain: Promise<void> = Promise.resolve();

  constructor(init: DeviceContextInit) {
    this.providers = init.providers;
    this.permissions = init.permissions;
    this.identity = init.identity;
    this.clock = init.clock;
    this.displayProviders = init.displayProviders ?? [];
    for (const name of ['camera', 'microphone'] as const) this.kindsAccessibleMap.set(name, this.permissions.query(name) === 'granted');
    // [[storedDeviceList]]: the devices available now (providers answer asynchronously).
    this.#ready = this.listDevices().then(
      (list) => {
        this.storedDeviceList = list;
        for (const d of list) {
          if (d.kind === 'audiooutput') continue;
          const id = this.deviceIdOf(d);
          this.devicesLiveMap.set(id, false);
          this.devicesAccessibleMap.set(id, this.permissions.stateFor(d.kind === 'audioinput' ? 'microphone' : 'camera', d) === 'granted');
        }
      },
      () => undefined,
    );
    for (const p of this.providers) {
      if (p.watch) this.#unwatch.push(p.watch(() => this.#deviceListMayHaveChanged()));
    }
    this.#unwatch.push(this.permissions.onTransition((name, device, from, to) => this.#permissionTransition(name, device, from, to)));
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  // ---- devices ----

  async listDevices(): Promise<DeviceDescriptor[]> {
    const lists = await Promise.all(this.providers.map(async (p) => ({ p, list: await p.list() })));
    const out: DeviceDescriptor[] = [];
    for (const { p, list } of lists) {
      for (const d of list) {
        this.#providerOf.set(d.internalId, p);
        out.push(d);
      }
    }
    return out;
  }

  deviceIdOf(d: DeviceDescriptor): string {
    return this.identity.deviceId(d.kind, d.internalId);
  }

  constrainable(d: DeviceDescriptor, lockedConfig: EngineSource['config'] = null): ConstrainableDevice {
    return { descriptor: d, deviceId: this.deviceIdOf(d), groupId: this.identity.groupId(d.groupKey), lockedConfig };
  }

  // ---- document state ----

  /** mediacapture-main#dfn-is-in-view */
  isInView(): boolean {
    return this.fullyActive && this.visible;
  }

  /** mediacapture-main#device-enumeration-can-proceed (without the optional early `true`). */
  enumerationCanProceed(): boolean {
    return this.isInView();
  }

  /** html#transient-activation, as modelled here (see activationRequired). */
  hasTransientActivation(): boolean {
    return !this.activationRequired || this.clock.now() < this.activationExpiresAt;
  }

  /** A user gesture (html#activation-notification): transient activation for its duration. */
  activate(): void {
    this.activationExpiresAt = this.clock.now() + TRANSIENT_ACTIVATION_DURATION_MS;
  }

  /** mediacapture-main#dfn-has-system-focus */
  hasSystemFocus(): boolean {
    return this.focused && this.fullyActive;
  }

  /** Waits until `condition` holds; re-checked whenever the document state changes. */
  waitUntil(condition: () => boolean): Promise<void> {
    if (this.unloaded) return Promise.reject(domException('InvalidStateError', 'the document was unloaded'));
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.add({ condition, resolve, reject }));
  }

  /** Call after changing fullyActive / visible / focused. */
  stateChanged(): void {
    for (const w of [...this.#waiters]) {
      if (w.condition()) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
    // A document that comes to meet the enumeration criteria runs the pending device change steps.
    if (this.#deviceChangePending && this.enumerationCanProceed()) {
      this.#deviceChangePending = false;
      this.#deviceListMayHaveChanged();
    }
  }

  // ---- exposure (mediacapture-main#device-information-exposure) ----

  #hasLiveSourceOfKind(kind: 'audioinput' | 'videoinput'): boolean {
    for (const source of this.mediaStreamTrackSources) {
      if (!source.stopped && source.device?.descriptor.kind === kind && source.liveTracks.size > 0) return true;
    }
    return false;
  }

  /** mediacapture-main#camera-information-can-be-exposed */
  cameraInfoCanBeExposed(): boolean {
    return this.#hasLiveSourceOfKind('videoinput') || this.canExposeCameraInfo;
  }

  /** mediacapture-main#microphone-information-can-be-exposed */
  microphoneInfoCanBeExposed(): boolean {
    return this.#hasLiveSourceOfKind('audioinput') || this.canExposeMicrophoneInfo;
  }

  /** mediacapture-main#device-information-can-be-exposed */
  deviceInfoCanBeExposed(): boolean {
    return this.cameraInfoCanBeExposed() || this.microphoneInfoCanBeExposed();
  }

  /** mediacapture-main#dfn-device-exposure-can-be-extended */
  #exposureCanBeExtended(name: CapturePermissionName): boolean {
    return this.permissions.query(name) === 'granted';
  }

  /** mediacapture-main#set-device-information-exposure */
  setDeviceInformationExposure(requestedTypes: readonly Kind[], value: boolean): void {
    if (requestedTypes.includes('video')) {
      this.canExposeCameraInfo = value;
      if (value && this.#exposureCanBeExtended('microphone')) this.canExposeMicrophoneInfo = true;
    }
    if (requestedTypes.includes('audio')) {
      this.canExposeMicrophoneInfo = value;
      if (value && this.#exposureCanBeExtended('camera')) this.canExposeCameraInfo = true;
    }
  }

  /** mediacapture-main#creating-a-device-info-object */
  createDeviceInfo(d: DeviceDescriptor): MediaDeviceInfo {
    const kind = d.kind;
    const hidden =
      (kind === 'videoinput' && !this.cameraInfoCanBeExposed()) || (kind === 'audioinput' && !this.microphoneInfoCanBeExposed());
    const fields = hidden
      ? { deviceId: '', kind, label: '', groupId: '' }
      : { deviceId: this.deviceIdOf(d), kind, label: d.label, groupId: this.identity.groupId(d.groupKey) };
    if (kind === 'audiooutput') return createMediaDeviceInfo(fields);
    // InputDeviceInfo.getCapabilities(): {} when the device's information was filtered.
    const capabilities = hidden ? () => ({}) : () => capabilitiesOf(this.constrainable(d));
    return createInputDeviceInfo(fields, capabilities);
  }

  /**
   * The exposure decision for devices other than cameras and microphones
   * (mediacapture-main#device-exposure-decision-non-camera-microphone). False by default; the Audio
   * Output Devices API exposes audio outputs to documents that may see microphone information.
   */
  #exposeOther(d: DeviceDescriptor, microphoneList: readonly MediaDeviceInfo[]): boolean {
    return d.kind === 'audiooutput' && microphoneList.length > 0 && this.microphoneInfoCanBeExposed();
  }

  /** mediacapture-main#creating-a-list-of-device-info-objects */
  createDeviceInfoList(deviceList: readonly DeviceDescriptor[]): MediaDeviceInfo[] {
    const microphoneList: MediaDeviceInfo[] = [];
    const cameraList: MediaDeviceInfo[] = [];
    const otherDeviceList: MediaDeviceInfo[] = [];
    // 4. Microphones, if the document may use "microphone"; the system default first.
    for (const d of deviceList) {
      if (d.kind !== 'audioinput' || !this.policy.microphone) continue;
      const info = this.createDeviceInfo(d);
      if (d.isDefault) microphoneList.unshift(info);
      else microphoneList.push(info);
    }
    // 5. Cameras likewise.
    for (const d of deviceList) {
      if (d.kind !== 'videoinput' || !this.policy.camera) continue;
      const info = this.createDeviceInfo(d);
      if (d.isDefault) cameraList.unshift(info);
      else cameraList.push(info);
    }
    // 6-7. Without exposure, at most the first of each kind.
    if (!this.microphoneInfoCanBeExposed()) microphoneList.length = Math.min(microphoneList.length, 1);
    if (!this.cameraInfoCanBeExposed()) cameraList.length = Math.min(cameraList.length, 1);
    // 8. Other devices, through their exposure decision; the default audio output also as "default".
    for (const d of deviceList) {
      if (d.kind === 'audioinput' || d.kind === 'videoinput') continue;
      if (!this.#exposeOther(d, microphoneList)) continue;
      otherDeviceList.push(this.createDeviceInfo(d));
      if (d.kind === 'audiooutput' && d.isDefault) {
        const groupId = this.identity.groupId(d.groupKey);
        otherDeviceList.unshift(createMediaDeviceInfo({ deviceId: 'default', kind: 'audiooutput', label: `Default - ${d.label}`, groupId }));
      }
    }
    // 9-12.
    return [...microphoneList, ...cameraList, ...otherDeviceList];
  }

  // ---- device change notification (mediacapture-main#dfn-device-change-notification-steps) ----

  #deviceListMayHaveChanged(): Promise<void> {
    if (this.unloaded) return this.#deviceChangeChain;
    this.#deviceChangeChain = this.#deviceChangeChain.then(() => this.#deviceChangeSteps()).catch(() => undefined);
    return this.#deviceChangeChain;
  }

  /**
   * Re-reads the providers' device lists (running the device change steps if they changed), so
   * providers without watch() are never stale. Resolves with the current list.
   */
  async refresh(): Promise<readonly DeviceDescriptor[]> {
    await this.#ready;
    await this.#deviceListMayHaveChanged();
    return this.storedDeviceList;
  }

  async #deviceChangeSteps(): Promise<void> {
    await this.#ready;
    const deviceList = await this.listDevices();
    if (this.unloaded) return;
    if (!this.enumerationCanProceed()) {
      // Run again when the document becomes eligible.
      this.#deviceChangePending = true;
      return;
    }
    if (sameDevices(this.storedDeviceList, deviceList)) return;
    // 1. What was exposed; 2-3. what would be exposed now.
    const lastExposed = this.createDeviceInfoList(this.storedDeviceList);
    const newExposed = this.createDeviceInfoList(deviceList);
    // 4. Same objects in the same order: nothing to tell. The spec keeps the old stored list here;
    // we store the new one anyway so that later enumerations (after exposure widens) are not stale.
    if (lastExposed.length === newExposed.length && lastExposed.every((info, i) => sameDeviceInfo(info, newExposed[i]!))) {
      this.storedDeviceList = deviceList;
      return;
    }
    const previousIds = new Set(this.storedDeviceList.map((d) => d.internalId));
    // 5. Store the new list.
    this.storedDeviceList = deviceList;
    // Devices newly exposed because they were plugged in (not just because exposure widened).
    const plugged = new Set(deviceList.filter((d) => !previousIds.has(d.internalId)));
    const inserted = newExposed.filter((info) => {
      if (info.deviceId === '' || lastExposed.some((old) => sameDeviceInfo(old, info))) return false;
      for (const d of plugged) if (d.kind === info.kind && this.deviceIdOf(d) === info.deviceId) return true;
      return false;
    });
    // 6. Queue a task firing devicechange.
    queueTask(() => {
      if (this.unloaded) return;
      this.mediaDevices.dispatchEvent(createDeviceChangeEvent(newExposed, inserted));
    });
  }

  // ---- permissions ----

  #permissionTransition(name: CapturePermissionName, device: string | null, from: string, to: string): void {
    // mediacapture-main#dfn-create-a-mediadevices: keep [[kindsAccessibleMap]] and
    // [[devicesAccessibleMap]] in step with permission transitions.
    const kind = name === 'camera' ? 'videoinput' : 'audioinput';
    const affected = this.storedDeviceList.filter(
      (d) => d.kind === kind && (device === null || d.internalId === device || d.label === device),
    );
    if (to === 'granted' && from !== 'granted') {
      if (device === null) this.kindsAccessibleMap.set(name, true);
      for (const d of affected) this.devicesAccessibleMap.set(this.deviceIdOf(d), true);
    }
    if (from === 'granted' && to !== 'granted') {
      if (device === null) this.kindsAccessibleMap.set(name, false);
      for (const d of affected) if (this.liveSourcesOf(d.internalId).length === 0) this.devicesAccessibleMap.set(this.deviceIdOf(d), false);
      this.revokeDevicePermission(name, device);
    }
  }

  /** mediacapture-main#dfn-device-permission-revocation-algorithm: live tracks of the feature end. */
  revokeDevicePermission(name: CapturePermissionName, device: string | null): void {
    for (const source of [...this.mediaStreamTrackSources]) {
      if (source.permission !== name || source.stopped) continue;
      const d = source.device?.descriptor;
      if (device !== null && d && d.internalId !== device && d.label !== device) continue;
      for (const t of [...source.liveTracks]) endTrack(t as MediaStreamTrack);
    }
  }

  // ---- sources ----

  liveSourcesOf(internalId: string): readonly TrackSource[] {
    return [...(this.#liveSources.get(internalId) ?? [])].filter((s) => !s.stopped && s.liveTracks.size > 0);
  }

  /** Wraps an opened engine source as this document's device source. */
  adoptDeviceSource(engine: EngineSource, descriptor: DeviceDescriptor, kind: Kind): TrackSource {
    const device = this.constrainable(descriptor);
    const deviceId = device.deviceId;
    const permission = PERMISSION_OF[kind];
    const source: TrackSource = {
      engine,
      kind,
      label: descriptor.label,
      device,
      capabilities: {},
      permission,
      liveTracks: new Set(),
      stopped: false,
      onStopped: [],
      trackClass: null,
      trackArgs: [],
      cloneSteps: null,
    };
    observeSource(source);
    const set = this.#liveSources.get(descriptor.internalId) ?? new Set<TrackSource>();
    set.add(source);
    this.#liveSources.set(descriptor.internalId, set);
    // Tie the source to this MediaDevices (M#dfn-tie-track-source-to-mediadevices).
    this.mediaStreamTrackSources.add(source);
    // mediacapture-main#source-stopped
    source.onStopped.push(() => {
      set.delete(source);
      if (set.size === 0) this.#liveSources.delete(descriptor.internalId);
      this.mediaStreamTrackSources.delete(source);
      if (this.liveSourcesOf(descriptor.internalId).length === 0) {
        this.devicesLiveMap.set(deviceId, false);
        if (this.permissions.stateFor(permission, descriptor) !== 'granted') this.devicesAccessibleMap.set(deviceId, false);
      }
    });
    return source;
  }

  /** mediacapture-main#dfn-stop-all-sources, run when the document unloads. */
  unload(): void {
    if (this.unloaded) return;
    this.unloaded = true;
    this.fullyActive = false;
    for (const source of [...this.mediaStreamTrackSources]) {
      for (const t of [...source.liveTracks]) endTrackSilently(t as MediaStreamTrack);
      stopSource(source);
    }
    for (const stop of this.#unwatch.splice(0)) stop();
    for (const w of [...this.#waiters]) {
      this.#waiters.delete(w);
      w.reject(domException('InvalidStateError', 'the document was unloaded'));
    }
  }

  /** mediacapture-main#context-is-capturing */
  isCapturing(): boolean {
    for (const source of this.mediaStreamTrackSources) {
      if (source.stopped || source.engine.muted || source.liveTracks.size === 0) continue;
      if (this.devicesLiveMap.get(source.device?.deviceId ?? '') === true) return true;
    }
    return false;
  }

  // ---- getUserMedia (mediacapture-main#dom-mediadevices-getusermedia, steps 11.x) ----

  /** getUserMedia specific failure is allowed (M#getUserMedia-specific-failure-is-allowed). */
  #specificFailureAllowed(requested: readonly Kind[]): boolean {
    if (requested.includes('audio') && this.permissions.query('microphone') === 'denied') return false;
    if (requested.includes('video') && this.permissions.query('camera') === 'denied') return false;
    return true;
  }

  #permissionFailure(kind?: Kind): GumFailure {
    const what = kind ? `${PERMISSION_OF[kind]} permission` : 'permission';
    return new GumFailure(domException('NotAllowedError', `${what} was denied`));
  }

  #notFoundFailure(requested: readonly Kind[], kind: Kind): GumFailure {
    // 13. NotFound Failure.
    if (!this.#specificFailureAllowed(requested)) return this.#permissionFailure();
    return new GumFailure(domException('NotFoundError', `no ${kind === 'audio' ? 'microphone' : 'camera'} is available`));
  }

  #constraintFailure(requested: readonly Kind[], failedConstraint: string): GumFailure {
    // 14. Constraint Failure.
    if (!this.#specificFailureAllowed(requested)) return this.#permissionFailure();
    const constraint = this.deviceInfoCanBeExposed() ? failedConstraint : '';
    const message = constraint ? `no device can satisfy the '${constraint}' constraint` : 'no device can satisfy the constraints';
    return new GumFailure(new OverconstrainedError(constraint, message));
  }

  async getUserMedia(requested: readonly Kind[], constraints: { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints }): Promise<MediaStream> {
    try {
      return await this.#getUserMediaSteps(requested, constraints);
    } catch (e) {
      if (e instanceof GumFailure) throw e.error;
      throw e;
    }
  }

  async #getUserMediaSteps(
    requested: readonly Kind[],
    constraints: { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints },
  ): Promise<MediaStream> {
    // 11.1 Wait until the document is in view.
    await this.waitUntil(() => this.isInView());
    const devices = await this.refresh();
    // 11.2-11.3 Candidates per kind.
    const finalSet = new Map<Kind, Candidate[]>();
    const perKindConstraints = new Map<Kind, MediaTrackConstraints>();
    for (const kind of requested) {
      const deviceKind = DEVICE_KIND_OF[kind];
      const list = devices.filter((d) => d.kind === deviceKind);
      // 11.3.1 No source device of this kind: NotFound Failure.
      if (list.length === 0) throw this.#notFoundFailure(requested, kind);
      // 11.3.2 CS: {} for `true`, else the dictionary; 11.3.3 drop members not defined for the kind.
      const value = constraints[kind];
      const cs = filterForKind(value === true ? {} : (value as MediaTrackConstraints), kind);
      perKindConstraints.set(kind, cs);
      // 11.3.4 Required constraints outside the allowed list: TypeError (G5).
      const disallowed = requiredConstraintNames(cs).filter((n) => !ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION.includes(n));
      if (disallowed.length > 0) {
        throw new GumFailure(
          new TypeError(`getUserMedia: '${disallowed[0]}' cannot be a required constraint (min/max/exact) for device selection`),
        );
      }
      // 11.3.5 SelectSettings per candidate.
      const candidates: Candidate[] = [];
      const failed: string[] = [];
      list.forEach((d, order) => {
        const c = this.#candidateFor(d, cs, kind, order);
        if ('failedConstraint' in c) failed.push(c.failedConstraint);
        else candidates.push(c);
      });
      if (candidates.length === 0) {
        // failedConstraint: a required constraint no device could meet (one that failed on every
        // device if there is such a name, else the first named), or "".
        const named = failed.filter((f) => f !== '');
        const everywhere = named.find((f) => failed.every((g) => g === f));
        throw this.#constraintFailure(requested, everywhere ?? named[0] ?? '');
      }
      // 11.3.6 Drop denied devices (unless already live in this document).
      const allowed = candidates.filter(
        (c) => this.liveSourcesOf(c.descriptor.internalId).length > 0 || this.permissions.stateFor(PERMISSION_OF[kind], c.descriptor) !== 'denied',
      );
      if (allowed.length === 0) throw this.#permissionFailure(kind);
      // 11.3.8
      finalSet.set(kind, allowed);
    }
    // 11.5 Request permission per kind (together), counting devices live in this document as granted.
    const answers = await Promise.all(
      requested.map(async (kind) => {
        const candidates = finalSet.get(kind)!;
        if (candidates.some((c) => this.liveSourcesOf(c.descriptor.internalId).length > 0)) return 'granted' as const;
        try {
          return await this.permissions.request({
            name: PERMISSION_OF[kind],
            devices: candidates.map((c) => ({ label: c.descriptor.label, internalId: c.descriptor.internalId })),
          });
        } catch (e) {
          // A prompt that fails to answer is no grant.
          throw new GumFailure(domException('NotAllowedError', `the ${PERMISSION_OF[kind]} permission prompt failed: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    );
    const deniedIndex = answers.indexOf('denied');
    if (deniedIndex >= 0) throw this.#permissionFailure(requested[deniedIndex]);
    // 11.6-11.7 Wait for system focus.
    await this.waitUntil(() => this.hasSystemFocus());
    // 11.8
    this.setDeviceInformationExposure(requested, true);
    // 11.4 / 11.9 Pick one candidate per kind, open it, create the track.
    const stream = new MediaStream();
    const created: MediaStreamTrack[] = [];
    try {
      for (const kind of requested) {
        // Opening is serialized per document so concurrent requests for one device share its source.
        const release = await this.#acquireOpenLock();
        let track: MediaStreamTrack;
        try {
          track = await this.#openOne(kind, finalSet.get(kind)!, perKindConstraints.get(kind)!, requested);
        } finally {
          release();
        }
        created.push(track);
        addTrackSilently(stream, track);
      }
      if (this.unloaded) throw new GumFailure(domException('InvalidStateError', 'the document was unloaded'));
    } catch (e) {
      for (const t of created) t.stop();
      throw e;
    }
    // 11.10 ApplyConstraints ran as each track was created; 11.11 sources are tied; 11.12 resolve.
    return stream;
  }

  async #acquireOpenLock(): Promise<() => void> {
    const previous = this.#openLock;
    let release!: () => void;
    this.#openLock = new Promise<void>((r) => (release = r));
    await previous;
    return release;
  }

  #candidateFor(d: DeviceDescriptor, cs: MediaTrackConstraints, kind: Kind, order: number): Candidate | { failedConstraint: string } {
    const basic = withoutAdvanced(cs);
    // A device already running in this document: share a source whose fixed mode fits.
    for (const shared of this.liveSourcesOf(d.internalId)) {
      const device = this.constrainable(d, shared.engine.config);
      const result = selectSettings(device, cs);
      if (!('failedConstraint' in result)) {
        return { descriptor: d, device, result, shared, distance: fitnessDistance(result.settings, basic, 'ideal', kind), order };
      }
    }
    const device = this.constrainable(d);
    const result = selectSettings(device, cs);
    if ('failedConstraint' in result) return result;
    return { descriptor: d, device, result, shared: null, distance: fitnessDistance(result.settings, basic, 'ideal', kind), order };
  }

  async #openOne(kind: Kind, candidates: Candidate[], cs: MediaTrackConstraints, requested: readonly Kind[]): Promise<MediaStreamTrack> {
    // SHOULD use the fitness distance. Across devices, the advanced sets narrow the choice the way
    // SelectSettings step 5 does within one device: each set, in order, keeps the candidates whose
    // settings satisfy it (bare values exact) if there are any. Then the smallest basic distance
    // wins; ties go to the system default device, then list order.
    let narrowed = candidates;
    for (const set of cs.advanced ?? []) {
      const keep = narrowed.filter((c) => Number.isFinite(fitnessDistance(c.result.settings, set, 'exact', kind)));
      if (keep.length > 0) narrowed = keep;
    }
    const rank = (a: Candidate, b: Candidate): number =>
      a.distance - b.distance ||
      Number(b.descriptor.isDefault) - Number(a.descriptor.isDefault) ||
      Number(b.shared !== null) - Number(a.shared !== null) ||
      a.order - b.order;
    // Candidates the advanced sets ruled out stay as fallbacks if the preferred ones cannot open.
    const pool = [...narrowed].sort(rank).concat(candidates.filter((c) => !narrowed.includes(c)).sort(rank));
    let lastReason: 'lock' | 'other' = 'other';
    let lastMessage = '';
    while (pool.length > 0) {
      const candidate = pool.shift()!;
      let source: TrackSource;
      let result = candidate.result;
      // A source of this device that started since the candidates were made (a concurrent request)
      // is shared if its mode fits, rather than opening the device a second time.
      const running =
        candidate.shared && !candidate.shared.stopped && candidate.shared.liveTracks.size > 0
          ? candidate.shared
          : this.liveSourcesOf(candidate.descriptor.internalId).find(
              (src) => !('failedConstraint' in selectSettings(this.constrainable(candidate.descriptor, src.engine.config), cs)),
            );
      if (running) {
        source = running;
      } else {
        const provider = this.#providerOf.get(candidate.descriptor.internalId);
        let engine: EngineSource;
        try {
          if (!provider) throw new DeviceOpenError(`device ${candidate.descriptor.label} has no provider`, 'other');
          engine = await provider.open(candidate.descriptor, result.config, this.clock);
        } catch (e) {
          // 11.9.2 Drop the candidate and retry with the rest.
          lastReason = e instanceof DeviceOpenError ? e.reason : 'other';
          lastMessage = e instanceof Error ? e.message : String(e);
          continue;
        }
        if (this.unloaded) {
          engine.stop();
          throw new GumFailure(domException('InvalidStateError', 'the document was unloaded'));
        }
        source = this.adoptDeviceSource(engine, candidate.descriptor, kind);
      }
      if (source.stopped) {
        // The device went away while it was being opened.
        lastReason = 'other';
        lastMessage = `${candidate.descriptor.label} ended while starting`;
        continue;
      }
      // 11.9.4 The device is live and accessible in this document.
      const deviceId = source.device!.deviceId;
      this.devicesLiveMap.set(deviceId, true);
      this.devicesAccessibleMap.set(deviceId, true);
      // 11.10 ApplyConstraints on the new track: against the source's mode if others share it.
      if (source.liveTracks.size > 0) {
        const again = selectSettings(this.constrainable(candidate.descriptor, source.engine.config), cs);
        if ('failedConstraint' in again) throw this.#constraintFailure(requested, again.failedConstraint);
        result = again;
      }
      // 11.9.5 Create the track (tied to this MediaDevices through its source).
      return constructTrack(source, {
        source,
        readyState: 'live',
        enabled: true,
        constraints: structuredCloneOf(cs),
        settings: result.settings,
        format: result.format,
      });
    }
    // 11.9.2 No candidate could be opened.
    const name = lastReason === 'lock' ? 'NotReadableError' : 'AbortError';
    throw new GumFailure(
      domException(name, `could not start the ${kind === 'audio' ? 'microphone' : 'camera'}${lastMessage ? `: ${lastMessage}` : ''}`),
    );
  }
}

function sameDevices(a: readonly DeviceDescriptor[], b: readonly DeviceDescriptor[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i] || (d.internalId === b[i]!.internalId && d.isDefault === b[i]!.isDefault && d.label === b[i]!.label));
}

function withoutAdvanced(cs: MediaTrackConstraints): MediaTrackConstraintSet {
  const { advanced: _advanced, ...basic } = cs;
  return basic;
}

const contexts = new WeakMap<object, DeviceContext>();

export class MediaDevices extends MediaEventTarget {
  declare ondevicechange: ((ev: Event) => unknown) | null;

  /** Not callable by script; use createMediaDevices(). */
  constructor(token?: unknown, context?: unknown) {
    if (token !== INTERNAL || !(context instanceof DeviceContext)) throw illegalConstructor('MediaDevices');
    super();
    contexts.set(this, context);
    context.mediaDevices = this;
  }

  // mediacapture-main#dom-mediadevices-enumeratedevices
  enumerateDevices(): Promise<MediaDeviceInfo[]> {
    let ctx: DeviceContext;
    try {
      ctx = brand(contexts, this, 'MediaDevices', 'enumerateDevices');
    } catch (e) {
      return Promise.reject(e);
    }
    // 1-4. In parallel: wait until enumeration can proceed, then list what may be exposed.
    return (async () => {
      await ctx.waitUntil(() => ctx.enumerationCanProceed());
      const list = ctx.createDeviceInfoList(await ctx.refresh());
      await nextTask();
      return list;
    })();
  }

  // mediacapture-main#dom-mediadevices-getsupportedconstraints
  getSupportedConstraints(): MediaTrackSupportedConstraints {
    brand(contexts, this, 'MediaDevices', 'getSupportedConstraints');
    return supportedConstraints();
  }

  // mediacapture-main#dom-mediadevices-getusermedia
  getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
    let ctx: DeviceContext;
    let c: { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints };
    try {
      ctx = brand(contexts, this, 'MediaDevices', 'getUserMedia');
      c = convertMediaStreamConstraints(constraints, "Failed to execute 'getUserMedia' on 'MediaDevices': parameter 1");
    } catch (e) {
      return Promise.reject(e);
    }
    // 2. requestedMediaTypes: members that are true or a dictionary.
    const requested: Kind[] = [];
    if (c.audio !== false) requested.push('audio');
    if (c.video !== false) requested.push('video');
    // 3. None: TypeError.
    if (requested.length === 0) {
      return Promise.reject(new TypeError("Failed to execute 'getUserMedia' on 'MediaDevices': at least one of audio and video must be requested"));
    }
    // 5. Document not fully active: InvalidStateError.
    if (!ctx.fullyActive) return Promise.reject(domException('InvalidStateError', 'the document is not fully active'));
    // 6-7. Permissions policy: Permission Failure.
    if (requested.includes('audio') && !ctx.policy.microphone) {
      return Promise.reject(domException('NotAllowedError', "the document is not allowed to use the 'microphone' feature"));
    }
    if (requested.includes('video') && !ctx.policy.camera) {
      return Promise.reject(domException('NotAllowedError', "the document is not allowed to use the 'camera' feature"));
    }
    // 10-12. The rest runs in parallel; the promise settles in a task.
    return ctx.getUserMedia(requested, c).then(
      async (stream) => {
        await nextTask();
        return stream;
      },
      async (e: unknown) => {
        await nextTask();
        throw e;
      },
    );
  }

  // screen-capture#dom-mediadevices-getdisplaymedia (src/devices/get-display-media.ts)
  getDisplayMedia(options?: Partial<DisplayMediaStreamOptions>): Promise<MediaStream> {
    let ctx: DeviceContext;
    try {
      ctx = brand(contexts, this, 'MediaDevices', 'getDisplayMedia');
    } catch (e) {
      return Promise.reject(e);
    }
    return getDisplayMedia(ctx, options);
  }
}

defineEventHandler(MediaDevices, 'devicechange', 'MediaDevices');
toStringTag(MediaDevices, 'MediaDevices');
exposeMembers(MediaDevices, ['enumerateDevices', 'getSupportedConstraints', 'getUserMedia', 'getDisplayMedia']);

export function contextOf(mediaDevices: MediaDevices): DeviceContext {
  return brand(contexts, mediaDevices, 'MediaDevices', 'context');
}

export type { MediaKind };
