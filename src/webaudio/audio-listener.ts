/**
 * AudioListener (webaudio#AudioListener): position and orientation of the listener for spatial
 * nodes. Its AudioParams live on a render-side node with no inputs or outputs, so automation on
 * them runs like any other param (PannerNode, not implemented yet, would read them).
 */
import { AudioParam, type ParamDescriptor } from './audio-param.js';
import { paramInit } from './audio-param.js';
import type { ContextCore } from './context-core.js';
import { ChannelCountModeCode, InterpretationCode } from './render/protocol.js';
import { registerProcessor } from './render/registry.js';
import { INTERNAL, brand, exposeMembers, float, illegalConstructor, toStringTag } from '../webidl/index.js';

const NAMES = ['positionX', 'positionY', 'positionZ', 'forwardX', 'forwardY', 'forwardZ', 'upX', 'upY', 'upZ'] as const;
type ParamName = (typeof NAMES)[number];
const DEFAULTS: Record<ParamName, number> = { positionX: 0, positionY: 0, positionZ: 0, forwardX: 0, forwardY: 0, forwardZ: -1, upX: 0, upY: 1, upZ: 0 };

const slots = new WeakMap<object, Record<ParamName, AudioParam>>();

export class AudioListener {
  constructor(token?: unknown, core?: ContextCore) {
    if (token !== INTERNAL || core === undefined) throw illegalConstructor('AudioListener');
    const id = core.nextNodeId();
    const params = {} as Record<ParamName, AudioParam>;
    for (const name of NAMES) {
      const desc: ParamDescriptor = { name, defaultValue: DEFAULTS[name] };
      params[name] = new AudioParam(INTERNAL, core, id, desc);
    }
    slots.set(this, params);
    core.send({
      t: 'create',
      id,
      kind: 'AudioListener',
      inputs: 0,
      outputs: 0,
      channelCount: 1,
      mode: ChannelCountModeCode.Max,
      interp: InterpretationCode.Speakers,
      params: NAMES.map((n) => paramInit(params[n])),
      options: null,
    });
  }

  /** webaudio#dom-audiolistener-setposition: sets the three position values. */
  setPosition(x: unknown, y: unknown, z: unknown): void {
    const p = brand(slots, this, 'AudioListener', 'setPosition');
    const where = "Failed to execute 'setPosition' on 'AudioListener'";
    const v = [float(x, `${where}: parameter 1`), float(y, `${where}: parameter 2`), float(z, `${where}: parameter 3`)];
    p.positionX.value = v[0];
    p.positionY.value = v[1];
    p.positionZ.value = v[2];
  }

  /** webaudio#dom-audiolistener-setorientation */
  setOrientation(x: unknown, y: unknown, z: unknown, xUp: unknown, yUp: unknown, zUp: unknown): void {
    const p = brand(slots, this, 'AudioListener', 'setOrientation');
    const where = "Failed to execute 'setOrientation' on 'AudioListener'";
    const v = [x, y, z, xUp, yUp, zUp].map((a, i) => float(a, `${where}: parameter ${i + 1}`));
    p.forwardX.value = v[0];
    p.forwardY.value = v[1];
    p.forwardZ.value = v[2];
    p.upX.value = v[3];
    p.upY.value = v[4];
    p.upZ.value = v[5];
  }
}

for (const name of NAMES) {
  Object.defineProperty(AudioListener.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: AudioListener): AudioParam {
      return brand(slots, this, 'AudioListener', name)[name];
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

registerProcessor('AudioListener', () => ({ process() {} }));
