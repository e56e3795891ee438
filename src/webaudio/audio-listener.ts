/**
 * AudioListener (webaudio#AudioListener): position and orientation of the listener for spatial
 * nodes. Its AudioParams live on a render-side node with no inputs or outputs, so automation
 * and connections on them run like any other param's. Every PannerNode of the context names
 * this node in its create message's `reads`: the engine renders the listener first and hands
 * the panner's processor the listener's computed params (webaudio#listenerprocessing: "all the
 * PannerNodes in the graph have the AudioListener as input").
 */
import { AudioParam, inValueCurve, type ParamDescriptor } from './audio-param.js';
import { paramInit } from './audio-param.js';
import type { ContextCore } from './context-core.js';
import { notSupported } from './errors.js';
import { ChannelCountModeCode, InterpretationCode } from './render/protocol.js';
import { registerProcessor } from './render/registry.js';
import { INTERNAL, brand, exposeMembers, float, illegalConstructor, toStringTag } from '../webidl/index.js';

/** The listener's params in the order its render node holds them (and panners read them). */
export const LISTENER_PARAMS = ['positionX', 'positionY', 'positionZ', 'forwardX', 'forwardY', 'forwardZ', 'upX', 'upY', 'upZ'] as const;
type ParamName = (typeof LISTENER_PARAMS)[number];
const DEFAULTS: Record<ParamName, number> = { positionX: 0, positionY: 0, positionZ: 0, forwardX: 0, forwardY: 0, forwardZ: -1, upX: 0, upY: 1, upZ: 0 };

interface ListenerSlots {
  id: number;
  params: Record<ParamName, AudioParam>;
}

const slots = new WeakMap<object, ListenerSlots>();

export class AudioListener {
  constructor(token?: unknown, core?: ContextCore) {
    if (token !== INTERNAL || core === undefined) throw illegalConstructor('AudioListener');
    const id = core.nextNodeId();
    const params = {} as Record<ParamName, AudioParam>;
    for (const name of LISTENER_PARAMS) {
      const desc: ParamDescriptor = { name, defaultValue: DEFAULTS[name] };
      params[name] = new AudioParam(INTERNAL, core, id, desc);
    }
    slots.set(this, { id, params });
    core.send({
      t: 'create',
      id,
      kind: 'AudioListener',
      inputs: 0,
      outputs: 0,
      channelCount: 1,
      mode: ChannelCountModeCode.Max,
      interp: InterpretationCode.Speakers,
      params: LISTENER_PARAMS.map((n) => paramInit(params[n])),
      options: null,
    });
  }

  /** webaudio#dom-audiolistener-setposition: sets the three position values. */
  setPosition(x: unknown, y: unknown, z: unknown): void {
    const p = brand(slots, this, 'AudioListener', 'setPosition').params;
    const where = "Failed to execute 'setPosition' on 'AudioListener'";
    const v = [float(x, `${where}: parameter 1`), float(y, `${where}: parameter 2`), float(z, `${where}: parameter 3`)];
    setValues(where, [p.positionX, p.positionY, p.positionZ], v);
  }

  /** webaudio#dom-audiolistener-setorientation */
  setOrientation(x: unknown, y: unknown, z: unknown, xUp: unknown, yUp: unknown, zUp: unknown): void {
    const p = brand(slots, this, 'AudioListener', 'setOrientation').params;
    const where = "Failed to execute 'setOrientation' on 'AudioListener'";
    const v = [x, y, z, xUp, yUp, zUp].map((a, i) => float(a, `${where}: parameter ${i + 1}`));
    setValues(where, [p.forwardX, p.forwardY, p.forwardZ, p.upX, p.upY, p.upZ], v);
  }
}

/**
 * The deprecated setters: equivalent to setting each param's `value`, and NotSupportedError if
 * any of them has a value curve at the current time. All are checked before any is changed.
 */
export function setValues(where: string, params: readonly AudioParam[], values: readonly number[]): void {
  for (const p of params) {
    if (inValueCurve(p)) throw notSupported(`${where}: an AudioParam it sets has a value curve (setValueCurveAtTime) at the current time`);
  }
  params.forEach((p, i) => {
    p.value = values[i];
  });
}

/** Internal: the render node id of a listener (PannerNode names it in `reads`). */
export function listenerNodeId(listener: AudioListener): number {
  return slots.get(listener)!.id;
}

for (const name of LISTENER_PARAMS) {
  Object.defineProperty(AudioListener.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: AudioListener): AudioParam {
      return brand(slots, this, 'AudioListener', name).params[name];
    },
  });
}

export interface AudioListener {
  readonly positionX: AudioParam;
  readonly positionY: AudioParam;
  readonly positionZ: AudioParam;
  readonly forwardX: AudioParam;
  readonly forwardY: AudioParam;
  readonly forwardZ: AudioParam;
  readonly upX: AudioParam;
  readonly upY: AudioParam;
  readonly upZ: AudioParam;
}

toStringTag(AudioListener, 'AudioListener');
exposeMembers(AudioListener, ['setPosition', 'setOrientation']);

// The render half only holds the params; the engine computes them each quantum before any
// PannerNode that reads them.
registerProcessor('AudioListener', () => ({ process() {} }));
