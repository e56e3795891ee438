/**
 * CaptureController: the handle on one capture-session (screen-capture#capturecontroller), as far
 * as the Screen Capture text defines it: the constructor, setFocusBehavior() and the finalize
 * focus decision algorithm. There is nothing to focus under Node, so a decided focus change is
 * recorded (focusChangeOf(), for tests) rather than performed.
 */
import { enumeration, brand, toStringTag, exposeMembers } from '../webidl/index.js';
import { MediaEventTarget } from '../webidl/event-target.js';
import type { TrackSource } from '../stream/track-source.js';
import type { Clock } from '../media/clock.js';
import type { DisplaySurfaceType } from '../sources/display/types.js';

/** screen-capture#dom-capturestartfocusbehavior */
export type CaptureStartFocusBehavior = 'focus-capturing-application' | 'focus-captured-surface' | 'no-focus-change';
const FOCUS_BEHAVIORS: readonly CaptureStartFocusBehavior[] = ['focus-capturing-application', 'focus-captured-surface', 'no-focus-change'];

/** The recommended time after the capture start past which the focus decision is final (finalize step 1). */
const FOCUS_DECISION_WINDOW_MS = 1000;

interface ControllerSlots {
  // screen-capture#dom-capturecontroller-constructor: the internal slots.
  isBound: boolean;
  source: TrackSource | null;
  displaySurfaceType: DisplaySurfaceType | null;
  focusChangeDisabled: boolean;
  focusDecisionFinalized: boolean;
  focusBehavior: CaptureStartFocusBehavior | null;
  /** When the capture-session started, on `clock` (for finalize step 1). */
  startedAt: number;
  clock: Clock | null;
  /** What the finalize algorithm decided to focus, if anything. */
  focusChange: 'capturing-application' | 'captured-surface' | null;
}

const slots = new WeakMap<object, ControllerSlots>();

function domException(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

export class CaptureController extends MediaEventTarget {
  // screen-capture#dom-capturecontroller-constructor
  constructor() {
    super();
    slots.set(this, {
      isBound: false,
      source: null,
      displaySurfaceType: null,
      focusChangeDisabled: false,
      focusDecisionFinalized: false,
      focusBehavior: null,
      startedAt: 0,
      clock: null,
      focusChange: null,
    });
  }

  // screen-capture#dom-capturecontroller-setfocusbehavior
  setFocusBehavior(focusBehavior: CaptureStartFocusBehavior): void {
    const s = brand(slots, this, 'CaptureController', 'setFocusBehavior');
    if (arguments.length < 1) {
      throw new TypeError("Failed to execute 'setFocusBehavior' on 'CaptureController': 1 argument required, but only 0 present.");
    }
    // 1. Let focusBehavior be the method's first argument.
    const behavior = enumeration(focusBehavior, FOCUS_BEHAVIORS, "Failed to execute 'setFocusBehavior' on 'CaptureController': parameter 1");
    // 2. No capture-session yet: remember it.
    if (s.source === null) {
      s.focusBehavior = behavior;
      return;
    }
    // 3. The session's source has been stopped.
    if (s.source.stopped) throw domException('InvalidStateError', 'the capture-session of this CaptureController has ended');
    // 4. Only window and browser surfaces can be focused.
    if (s.displaySurfaceType !== 'browser' && s.displaySurfaceType !== 'window') {
      throw domException('InvalidStateError', `a '${String(s.displaySurfaceType)}' display surface cannot be focused`);
    }
    // 5. Too late.
    if (isFinalized(s)) throw domException('InvalidStateError', 'the focus decision of this capture-session was already made');
    // 6-7.
    s.focusBehavior = behavior;
    finalizeFocusDecision(s);
  }
}

toStringTag(CaptureController, 'CaptureController');
exposeMembers(CaptureController, ['setFocusBehavior']);

/** Finalize step 1: past the window, the decision is final. */
function isFinalized(s: ControllerSlots): boolean {
  if (!s.focusDecisionFinalized && s.clock && s.clock.now() - s.startedAt > FOCUS_DECISION_WINDOW_MS) s.focusDecisionFinalized = true;
  return s.focusDecisionFinalized;
}

/** screen-capture#dfn-finalize-focus-decision-algorithm */
function finalizeFocusDecision(s: ControllerSlots): void {
  // 1-2. Too much time elapsed, or already final: nothing.
  if (isFinalized(s)) return;
  // 3.
  s.focusDecisionFinalized = true;
  // 4. Focus change disabled (the capturing document lost focus, or our own decision).
  if (s.focusChangeDisabled) return;
  // 5. Only window and browser surfaces.
  if (s.displaySurfaceType !== 'browser' && s.displaySurfaceType !== 'window') return;
  // 6-7. In parallel: focus what was asked for (recorded; nothing to focus here).
  if (s.focusBehavior === 'focus-capturing-application') s.focusChange = 'capturing-application';
  else if (s.focusBehavior === 'focus-captured-surface') s.focusChange = 'captured-surface';
}

/** getDisplayMedia steps 3.1-3.2: false if the controller was already bound (InvalidStateError). */
export function bindController(controller: CaptureController): boolean {
  const s = brand(slots, controller, 'CaptureController', 'bind');
  if (s.isBound) return false;
  s.isBound = true;
  return true;
}

/** getDisplayMedia step 12.8: the capture-session started; returns the finalize step to queue. */
export function startCaptureSession(controller: CaptureController, source: TrackSource, surfaceType: DisplaySurfaceType, clock: Clock): () => void {
  const s = brand(slots, controller, 'CaptureController', 'start');
  s.source = source;
  s.displaySurfaceType = surfaceType;
  s.clock = clock;
  s.startedAt = clock.now();
  return () => finalizeFocusDecision(s);
}

/** The top-level document lost focus (screen-capture, after getDisplayMedia's steps). */
export function disableFocusChange(controller: CaptureController): void {
  const s = slots.get(controller);
  // 1. No capture-session: nothing. 2. Disable focus change.
  if (!s || s.source === null) return;
  s.focusChangeDisabled = true;
}

/** What the focus decision of a controller's session was (null: no focus change). */
export function focusChangeOf(controller: CaptureController): 'capturing-application' | 'captured-surface' | null {
  return brand(slots, controller, 'CaptureController', 'focusChange').focusChange;
}

export function isCaptureController(value: unknown): value is CaptureController {
  return typeof value === 'object' && value !== null && slots.has(value);
}
