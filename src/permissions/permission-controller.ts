/**
 * The permission states of the "camera" and "microphone" powerful features for one document, and
 * how requests are answered. mediacapture-main#permissions-integration-0
 *
 * Each feature has a state ('granted' | 'denied' | 'prompt'), optionally overridden per device.
 * A request for a feature in state 'prompt' asks the `onPrompt` callback, which may answer later
 * (the getUserMedia promise waits; if it never answers, the promise never settles, as the spec
 * says for a user who never responds). Without a callback a prompt is accepted, like a browser
 * whose permission prompt is auto-accepted. The default state is 'granted'.
 *
 * Changing a state away from 'granted' runs the device permission revocation algorithm
 * (M#dfn-device-permission-revocation-algorithm) through the registered listeners.
 *
 * "display-capture" (screen-capture#permissions-integration) is 'prompt' or 'denied', never
 * 'granted': every getDisplayMedia call asks (the prompt callback, or an accepting user without
 * one). Its changes are not transitions of a device permission and reach no listener.
 */

export type PermissionState = 'granted' | 'denied' | 'prompt';
export type CapturePermissionName = 'camera' | 'microphone';
/** The powerful feature of getDisplayMedia (screen-capture#permissions-integration). */
export type DisplayCapturePermissionName = 'display-capture';
export type PermissionName = CapturePermissionName | DisplayCapturePermissionName;

/** What a prompt is about: the feature and the candidate devices the user would choose among. */
export interface PermissionPrompt {
  readonly name: PermissionName;
  readonly devices: readonly { readonly label: string; readonly internalId: string }[];
}

export type PromptHandler = (prompt: PermissionPrompt) => 'granted' | 'denied' | Promise<'granted' | 'denied'>;

export interface PermissionsInit {
  camera?: PermissionState;
  microphone?: PermissionState;
  /** Per-device states, keyed by the device's internal id or label. */
  devices?: Record<string, PermissionState>;
  /** "display-capture": 'prompt' (default) or 'denied'; it can never be 'granted'. */
  displayCapture?: 'prompt' | 'denied';
  onPrompt?: PromptHandler;
}

/** Called on a transition of a feature's state (device = the internal id/label key, or null for the feature). */
export type PermissionTransitionListener = (name: CapturePermissionName, device: string | null, from: PermissionState, to: PermissionState) => void;

const STATES: readonly string[] = ['granted', 'denied', 'prompt'];

function checkState(state: unknown, where: string): PermissionState {
  if (typeof state !== 'string' || !STATES.includes(state)) {
    throw new TypeError(`${where}: expected 'granted', 'denied' or 'prompt', got ${JSON.stringify(state)}`);
  }
  return state as PermissionState;
}

function checkName(name: unknown, where: string): PermissionName {
  if (name !== 'camera' && name !== 'microphone' && name !== 'display-capture') {
    throw new TypeError(`${where}: expected 'camera', 'microphone' or 'display-capture', got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkDisplayState(state: unknown, where: string): 'prompt' | 'denied' {
  if (state !== 'prompt' && state !== 'denied') {
    throw new TypeError(`${where}: "display-capture" is 'prompt' or 'denied' (it is never persisted as 'granted'), got ${JSON.stringify(state)}`);
  }
  return state;
}

export class PermissionController {
  readonly #kinds = new Map<PermissionName, PermissionState>();
  readonly #devices = new Map<string, PermissionState>();
  readonly #listeners = new Set<PermissionTransitionListener>();
  #onPrompt: PromptHandler | null;

  constructor(init: PermissionsInit = {}) {
    this.#kinds.set('camera', checkState(init.camera ?? 'granted', 'permissions.camera'));
    this.#kinds.set('microphone', checkState(init.microphone ?? 'granted', 'permissions.microphone'));
    this.#kinds.set('display-capture', checkDisplayState(init.displayCapture ?? 'prompt', 'permissions.displayCapture'));
    for (const [key, state] of Object.entries(init.devices ?? {})) this.#devices.set(key, checkState(state, `permissions.devices[${JSON.stringify(key)}]`));
    if (init.onPrompt !== undefined && typeof init.onPrompt !== 'function') throw new TypeError('permissions.onPrompt: expected a function');
    this.#onPrompt = init.onPrompt ?? null;
  }

  /** The state of a feature ("read the permission state"): granted if any device is, denied only if all are. */
  query(name: PermissionName): PermissionState {
    const kindState = this.#kinds.get(checkName(name, 'query'))!;
    return kindState;
  }

  /** The state for one device (its override, else the feature's state). */
  stateFor(name: PermissionName, device: { internalId: string; label: string }): PermissionState {
    if (name === 'display-capture') return this.query(name);
    return this.#devices.get(device.internalId) ?? this.#devices.get(device.label) ?? this.query(name);
  }

  /** Sets a feature's state, or one device's (by internal id or label) when `device` is given. */
  set(name: PermissionName, state: PermissionState, device?: string): void {
    checkName(name, 'permissions.set');
    checkState(state, 'permissions.set');
    if (name === 'display-capture') {
      if (device !== undefined) throw new TypeError('permissions.set: "display-capture" has no per-device states');
      this.#kinds.set(name, checkDisplayState(state, 'permissions.set'));
      return;
    }
    let from: PermissionState;
    if (device !== undefined) {
      if (typeof device !== 'string') throw new TypeError('permissions.set: device must be a string (internal id or label)');
      from = this.#devices.get(device) ?? this.#kinds.get(name)!;
      this.#devices.set(device, state);
    } else {
      from = this.#kinds.get(name)!;
      this.#kinds.set(name, state);
    }
    if (from !== state) for (const l of [...this.#listeners]) l(name, device ?? null, from, state);
  }

  /** The user revokes a feature (or one device): its state becomes 'prompt' and live tracks end. */
  revoke(name: CapturePermissionName, device?: string): void {
    checkName(name, 'permissions.revoke');
    if ((name as string) === 'display-capture') throw new TypeError('permissions.revoke: "display-capture" is never granted');
    const before = device === undefined ? this.query(name) : (this.#devices.get(device) ?? this.query(name));
    this.set(name, 'prompt', device);
    // Revoking a feature that was not granted still ends the tracks it gave out.
    if (before !== 'granted') for (const l of [...this.#listeners]) l(name, device ?? null, 'granted', 'prompt');
  }

  /** Replaces the prompt callback (null: prompts are accepted). */
  setPromptHandler(handler: PromptHandler | null): void {
    if (handler !== null && typeof handler !== 'function') throw new TypeError('setPromptHandler: expected a function or null');
    this.#onPrompt = handler;
  }

  /** "Request permission to use" a feature for the given candidates. */
  async request(prompt: PermissionPrompt): Promise<'granted' | 'denied'> {
    const states = prompt.devices.map((d) => this.stateFor(prompt.name, d));
    if (states.length > 0 && states.every((s) => s === 'denied')) return 'denied';
    if (states.some((s) => s === 'granted')) return 'granted';
    if (states.length === 0) {
      const s = this.query(prompt.name);
      if (s !== 'prompt') return s;
    }
    if (!this.#onPrompt) return 'granted';
    const answer = await this.#onPrompt(prompt);
    if (answer !== 'granted' && answer !== 'denied') throw new TypeError(`permission prompt handler answered ${JSON.stringify(answer)}; expected 'granted' or 'denied'`);
    return answer;
  }

  /** Registers a transition listener; returns its removal function. */
  onTransition(listener: PermissionTransitionListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
