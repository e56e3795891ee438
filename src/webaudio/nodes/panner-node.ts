/**
 * PannerNode (webaudio#PannerNode): positions its input in 3D space relative to the context's
 * AudioListener, with equal-power or HRTF panning, a distance model and a sound cone.
 */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam, postToProcessor } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import { listenerNodeId, setValues } from '../audio-listener.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidState, notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import { DistanceModel, F_GAIN, SpatialFrame, equalPowerGains, type SpatialSettings } from '../dsp/spatial.js';
import { HrtfPanner } from '../dsp/hrtf.js';
import { INTERNAL, brand, dictionary, domString, double, enumeration, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export type PanningModelType = 'equalpower' | 'HRTF';
export type DistanceModelType = 'linear' | 'inverse' | 'exponential';

const PANNING_MODELS: readonly PanningModelType[] = ['equalpower', 'HRTF'];
const DISTANCE_MODELS: readonly DistanceModelType[] = ['linear', 'inverse', 'exponential'];

interface PannerSlots {
  panningModel: PanningModelType;
  distanceModel: DistanceModelType;
  refDistance: number;
  maxDistance: number;
  rolloffFactor: number;
  coneInnerAngle: number;
  coneOuterAngle: number;
  coneOuterGain: number;
}

/** What the processor keeps of the attributes. */
interface PannerRenderSettings extends SpatialSettings {
  hrtf: boolean;
}

const slots = new WeakMap<object, PannerSlots>();

function renderSettings(s: PannerSlots): PannerRenderSettings {
  return {
    hrtf: s.panningModel === 'HRTF',
    distanceModel: s.distanceModel === 'linear' ? DistanceModel.Linear : s.distanceModel === 'inverse' ? DistanceModel.Inverse : DistanceModel.Exponential,
    refDistance: s.refDistance,
    maxDistance: s.maxDistance,
    rolloffFactor: s.rolloffFactor,
    coneInnerAngle: s.coneInnerAngle,
    coneOuterAngle: s.coneOuterAngle,
    coneOuterGain: s.coneOuterGain,
  };
}

// The attribute checks, shared by the setters and the constructor.
function checkRefDistance(v: number, where: string): void {
  // webaudio#dom-pannernode-refdistance
  if (v < 0) throw new RangeError(`${where}: refDistance must not be negative, got ${v}`);
}
function checkMaxDistance(v: number, where: string): void {
  // webaudio#dom-pannernode-maxdistance
  if (v <= 0) throw new RangeError(`${where}: maxDistance must be positive, got ${v}`);
}
function checkRolloffFactor(v: number, where: string): void {
  // webaudio#dom-pannernode-rollofffactor
  if (v < 0) throw new RangeError(`${where}: rolloffFactor must not be negative, got ${v}`);
}
function checkConeOuterGain(v: number, where: string): void {
  // webaudio#dom-pannernode-coneoutergain
  if (!(v >= 0 && v <= 1)) throw invalidState(`${where}: coneOuterGain must be in [0, 1], got ${v}`);
}

export class PannerNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'PannerNode');
    const where = "Failed to construct 'PannerNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const nodeOpts = nodeOptions(d, 'PannerNode');
    // PannerOptions members, converted in lexicographic order (WebIDL dictionaries).
    const m = (name: string): string => `${where}: member ${name} of PannerOptions`;
    const dbl = (name: string, def: number): number => (d[name] === undefined ? def : double(d[name], m(name)));
    const flt = (name: string): number | undefined => (d[name] === undefined ? undefined : float(d[name], m(name)));
    const coneInnerAngle = dbl('coneInnerAngle', 360);
    const coneOuterAngle = dbl('coneOuterAngle', 360);
    const coneOuterGain = dbl('coneOuterGain', 0);
    const distanceModel = d.distanceModel === undefined ? 'inverse' : enumeration(d.distanceModel, DISTANCE_MODELS, m('distanceModel'));
    const maxDistance = dbl('maxDistance', 10000);
    const orientationX = flt('orientationX');
    const orientationY = flt('orientationY');
    const orientationZ = flt('orientationZ');
    const panningModel = d.panningModel === undefined ? 'equalpower' : enumeration(d.panningModel, PANNING_MODELS, m('panningModel'));
    const positionX = flt('positionX');
    const positionY = flt('positionY');
    const positionZ = flt('positionZ');
    const refDistance = dbl('refDistance', 1);
    const rolloffFactor = dbl('rolloffFactor', 1);
    // The attribute setters' errors (webaudio#dom-pannernode-pannernode initialises the node's
    // attributes from the options), checked before the node exists.
    checkRefDistance(refDistance, where);
    checkMaxDistance(maxDistance, where);
    checkRolloffFactor(rolloffFactor, where);
    checkConeOuterGain(coneOuterGain, where);
    const s: PannerSlots = { panningModel, distanceModel, refDistance, maxDistance, rolloffFactor, coneInnerAngle, coneOuterAngle, coneOuterGain };
    // webaudio#listenerprocessing: every panner takes the listener as an input.
    const listener = listenerNodeId(ctx.listener);
    super(INTERNAL, ctx, {
      kind: 'PannerNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'clamped-max',
      channelInterpretation: 'speakers',
      params: [
        { name: 'positionX', defaultValue: 0 },
        { name: 'positionY', defaultValue: 0 },
        { name: 'positionZ', defaultValue: 0 },
        { name: 'orientationX', defaultValue: 1 },
        { name: 'orientationY', defaultValue: 0 },
        { name: 'orientationZ', defaultValue: 0 },
      ],
      processorOptions: renderSettings(s),
      reads: [listener],
      // webaudio#panner-channel-limitations: those of StereoPannerNode.
      checkChannelCount(v) {
        if (v === 0 || v > 2) throw notSupported(`PannerNode channelCount must be 1 or 2, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v === 'max') throw notSupported("PannerNode channelCountMode cannot be 'max'");
      },
    }, nodeOpts);
    slots.set(this, s);
    initParams(this, { positionX, positionY, positionZ, orientationX, orientationY, orientationZ });
  }

  get panningModel(): PanningModelType {
    return brand(slots, this, 'PannerNode', 'panningModel').panningModel;
  }

  set panningModel(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'panningModel');
    const str = domString(v, "Failed to set the 'panningModel' property on 'PannerNode'");
    if (!(PANNING_MODELS as readonly string[]).includes(str)) return; // invalid enum values are ignored
    s.panningModel = str as PanningModelType;
    this.#send(s);
  }

  get distanceModel(): DistanceModelType {
    return brand(slots, this, 'PannerNode', 'distanceModel').distanceModel;
  }

  set distanceModel(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'distanceModel');
    const str = domString(v, "Failed to set the 'distanceModel' property on 'PannerNode'");
    if (!(DISTANCE_MODELS as readonly string[]).includes(str)) return;
    s.distanceModel = str as DistanceModelType;
    this.#send(s);
  }

  get refDistance(): number {
    return brand(slots, this, 'PannerNode', 'refDistance').refDistance;
  }

  set refDistance(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'refDistance');
    const where = "Failed to set the 'refDistance' property on 'PannerNode'";
    const x = double(v, where);
    checkRefDistance(x, where);
    s.refDistance = x;
    this.#send(s);
  }

  get maxDistance(): number {
    return brand(slots, this, 'PannerNode', 'maxDistance').maxDistance;
  }

  set maxDistance(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'maxDistance');
    const where = "Failed to set the 'maxDistance' property on 'PannerNode'";
    const x = double(v, where);
    checkMaxDistance(x, where);
    s.maxDistance = x;
    this.#send(s);
  }

  get rolloffFactor(): number {
    return brand(slots, this, 'PannerNode', 'rolloffFactor').rolloffFactor;
  }

  set rolloffFactor(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'rolloffFactor');
    const where = "Failed to set the 'rolloffFactor' property on 'PannerNode'";
    const x = double(v, where);
    checkRolloffFactor(x, where);
    // The attribute reflects the value set; clamping to the nominal range happens in rendering.
    s.rolloffFactor = x;
    this.#send(s);
  }

  get coneInnerAngle(): number {
    return brand(slots, this, 'PannerNode', 'coneInnerAngle').coneInnerAngle;
  }

  set coneInnerAngle(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'coneInnerAngle');
    s.coneInnerAngle = double(v, "Failed to set the 'coneInnerAngle' property on 'PannerNode'");
    this.#send(s);
  }

  get coneOuterAngle(): number {
    return brand(slots, this, 'PannerNode', 'coneOuterAngle').coneOuterAngle;
  }

  set coneOuterAngle(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'coneOuterAngle');
    s.coneOuterAngle = double(v, "Failed to set the 'coneOuterAngle' property on 'PannerNode'");
    this.#send(s);
  }

  get coneOuterGain(): number {
    return brand(slots, this, 'PannerNode', 'coneOuterGain').coneOuterGain;
  }

  set coneOuterGain(v: unknown) {
    const s = brand(slots, this, 'PannerNode', 'coneOuterGain');
    const where = "Failed to set the 'coneOuterGain' property on 'PannerNode'";
    const x = double(v, where);
    checkConeOuterGain(x, where);
    s.coneOuterGain = x;
    this.#send(s);
  }

  get positionX(): AudioParam {
    return nodeParam(this, 'positionX');
  }
  get positionY(): AudioParam {
    return nodeParam(this, 'positionY');
  }
  get positionZ(): AudioParam {
    return nodeParam(this, 'positionZ');
  }
  get orientationX(): AudioParam {
    return nodeParam(this, 'orientationX');
  }
  get orientationY(): AudioParam {
    return nodeParam(this, 'orientationY');
  }
  get orientationZ(): AudioParam {
    return nodeParam(this, 'orientationZ');
  }

  /** webaudio#dom-pannernode-setposition (deprecated) */
  setPosition(x: unknown, y: unknown, z: unknown): void {
    brand(slots, this, 'PannerNode', 'setPosition');
    const where = "Failed to execute 'setPosition' on 'PannerNode'";
    const v = [float(x, `${where}: parameter 1`), float(y, `${where}: parameter 2`), float(z, `${where}: parameter 3`)];
    setValues(where, [this.positionX, this.positionY, this.positionZ], v);
  }

  /** webaudio#dom-pannernode-setorientation (deprecated) */
  setOrientation(x: unknown, y: unknown, z: unknown): void {
    brand(slots, this, 'PannerNode', 'setOrientation');
    const where = "Failed to execute 'setOrientation' on 'PannerNode'";
    const v = [float(x, `${where}: parameter 1`), float(y, `${where}: parameter 2`), float(z, `${where}: parameter 3`)];
    setValues(where, [this.orientationX, this.orientationY, this.orientationZ], v);
  }

  #send(s: PannerSlots): void {
    postToProcessor(this, { t: 'settings', settings: renderSettings(s) });
  }
}

toStringTag(PannerNode, 'PannerNode');
exposeMembers(PannerNode, [
  'panningModel', 'positionX', 'positionY', 'positionZ', 'orientationX', 'orientationY', 'orientationZ', 'distanceModel',
  'refDistance', 'maxDistance', 'rolloffFactor', 'coneInnerAngle', 'coneOuterAngle', 'coneOuterGain', 'setPosition', 'setOrientation',
]);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createPanner(): PannerNode;
  }
}
installFactory('createPanner', (c: BaseAudioContext) => new PannerNode(c));

// ---- render half ----

class PannerProcessor implements AudioProcessor {
  #settings: PannerRenderSettings;
  readonly #listener: readonly ParamBuffer[];
  readonly #frame = new SpatialFrame();
  readonly #gains = new Float64Array(2);
  readonly #hrtf: HrtfPanner;
  readonly #qs: number;

  constructor(init: ProcessorInit) {
    this.#settings = init.options as PannerRenderSettings;
    this.#listener = init.reads![0]!;
    this.#qs = init.quantumSize;
    // Built up front (both models can be switched to at any time), so rendering never allocates.
    this.#hrtf = new HrtfPanner(init.sampleRate, init.quantumSize);
  }

  get tailActive(): boolean {
    return this.#settings.hrtf && this.#hrtf.tailActive;
  }

  onMessage(msg: { t: string; settings: PannerRenderSettings }): void {
    if (msg.t !== 'settings') return;
    if (msg.settings.hrtf && !this.#settings.hrtf) this.#hrtf.reset();
    this.#settings = msg.settings;
  }

  /** Loads frame i of every position/orientation param (own and the listener's) and computes. */
  #load(own: readonly ParamBuffer[], i: number): void {
    const f = this.#frame;
    const v = f.v;
    const l = this.#listener;
    for (let k = 0; k < 6; k++) v[k] = own[k]!.values[i]!;
    for (let k = 0; k < 9; k++) v[6 + k] = l[k]!.values[i]!;
    f.compute();
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    const s = this.#settings;
    const qs = this.#qs;
    // The output is always stereo (webaudio#PannerNode).
    out.setChannelCount(2);
    const outL = out.channels[0]!;
    const outR = out.channels[1]!;
    if (s.hrtf) {
      if (this.#processHrtf(input, outL, outR, params, qs)) out.silent = false;
      else out.zero();
      return;
    }
    if (input.silent) {
      out.zero();
      return;
    }
    const inL = input.channels[0]!;
    const stereo = input.numberOfChannels >= 2;
    const inR = stereo ? input.channels[1]! : inL;
    const g = this.#gains;
    const f = this.#frame;
    // webaudio#Spatialization-equal-power-panning: per frame when any position/orientation
    // param of the panner or the listener varies within the quantum, else once.
    let perFrame = false;
    for (let k = 0; k < 6 && !perFrame; k++) if (!params[k]!.constant) perFrame = true;
    for (let k = 0; k < 9 && !perFrame; k++) if (!this.#listener[k]!.constant) perFrame = true;
    let low = false;
    let total = 0;
    for (let i = 0; i < qs; i++) {
      if (i === 0 || perFrame) {
        // 1.1 azimuth; 2-4 gains; 6 distance and cone gains.
        this.#load(params, i);
        low = equalPowerGains(f.v, stereo, g);
        f.updateGain(s);
        total = f.v[F_GAIN]!;
      }
      const gL = g[0]!;
      const gR = g[1]!;
      // 5. Mono or stereo panning, then 6. the total gain.
      if (!stereo) {
        const x = inL[i]!;
        outL[i] = total * x * gL;
        outR[i] = total * x * gR;
      } else if (low) {
        outL[i] = total * (inL[i]! + inR[i]! * gL);
        outR[i] = total * inR[i]! * gR;
      } else {
        outL[i] = total * inL[i]! * gL;
        outR[i] = total * (inR[i]! + inL[i]! * gR);
      }
    }
    out.silent = false;
  }

  /**
   * HRTF: every param has the effective rate k-rate (webaudio#effective-automation-rate), so
   * the direction and gains come from the first frame of the quantum. Returns false when the
   * output is silent (silent input and no tail left).
   */
  #processHrtf(input: Bus, outL: Float32Array, outR: Float32Array, params: readonly ParamBuffer[], qs: number): boolean {
    const h = this.#hrtf;
    if (input.silent && !h.tailActive) return false;
    const s = this.#settings;
    const f = this.#frame;
    this.#load(params, 0);
    h.setDirection(f.azimuth, f.elevation);
    if (input.silent) h.process(null, null, outL, outR, qs);
    else h.process(input.channels[0]!, input.numberOfChannels >= 2 ? input.channels[1]! : null, outL, outR, qs);
    f.updateGain(s);
    const total = f.v[F_GAIN]!;
    if (total !== 1) {
      for (let i = 0; i < qs; i++) {
        outL[i]! *= total;
        outR[i]! *= total;
      }
    }
    return true;
  }
}

registerProcessor('PannerNode', (init) => new PannerProcessor(init));
