/** WaveShaperNode (webaudio#WaveShaperNode): curve-based non-linear distortion with oversampling. */
import { AudioNode, contextArg, nodeOptions, postToProcessor } from '../audio-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidState } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from '../render/registry.js';
import { HALF_BAND_TAPS, WaveShaperChannel, shapeSample, waveShaperLatencyFrames, type OverSampleType } from '../dsp/waveshaper.js';
import { INTERNAL, brand, dictionary, domString, enumeration, exposeMembers, float, sequence, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export type { OverSampleType };
const OVERSAMPLE: readonly OverSampleType[] = ['none', '2x', '4x'];

interface ShaperSlots {
  curve: Float32Array | null;
  /** [[curve set]] */
  curveSet: boolean;
  oversample: OverSampleType;
}

const slots = new WeakMap<object, ShaperSlots>();

type ShaperMessage = { t: 'curve'; curve: Float32Array | null } | { t: 'oversample'; oversample: OverSampleType };

/** Steps of the curve setter (webaudio#dom-waveshapernode-curve); the renderer receives a copy. */
function setCurve(node: WaveShaperNode, s: ShaperSlots, curve: Float32Array | null, where: string): void {
  if (curve !== null && curve.length < 2) throw invalidState(`${where}: the curve must have at least 2 values, got ${curve.length}`);
  // 2. A curve can be set only once.
  if (curve !== null && s.curveSet) throw invalidState(`${where}: the curve has already been set and cannot be replaced`);
  // 3.
  if (curve !== null) s.curveSet = true;
  // 4. Assign; the renderer gets its own copy so later edits to the array have no effect.
  s.curve = curve;
  postToProcessor(node, { t: 'curve', curve: curve === null ? null : curve.slice() } satisfies ShaperMessage);
}

export class WaveShaperNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'WaveShaperNode');
    const where = "Failed to construct 'WaveShaperNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const curve = d.curve === undefined ? undefined : Float32Array.from(sequence(d.curve, `${where}: member curve of WaveShaperOptions`, float));
    const oversample = d.oversample === undefined ? 'none' : enumeration(d.oversample, OVERSAMPLE, `${where}: member oversample of WaveShaperOptions`);
    if (curve !== undefined && curve.length < 2) throw invalidState(`${where}: the curve must have at least 2 values, got ${curve.length}`);
    super(INTERNAL, ctx, {
      kind: 'WaveShaperNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      processorOptions: { oversample },
    }, nodeOptions(d));
    const s: ShaperSlots = { curve: null, curveSet: false, oversample };
    slots.set(this, s);
    if (curve !== undefined) setCurve(this, s, curve, where);
  }

  get curve(): Float32Array<ArrayBuffer> | null {
    // Never shared: the setter refuses SharedArrayBuffer views and the constructor copies.
    return brand(slots, this, 'WaveShaperNode', 'curve').curve as Float32Array<ArrayBuffer> | null;
  }

  set curve(v: unknown) {
    const s = brand(slots, this, 'WaveShaperNode', 'curve');
    const where = "Failed to set the 'curve' property on 'WaveShaperNode'";
    if (v !== null && !(v instanceof Float32Array)) throw new TypeError(`${where}: the provided value is not of type 'Float32Array'`);
    // WebIDL: a buffer source type without [AllowShared] refuses views of a SharedArrayBuffer.
    if (v !== null && typeof SharedArrayBuffer === 'function' && v.buffer instanceof SharedArrayBuffer) {
      throw new TypeError(`${where}: the provided Float32Array value must not be shared`);
    }
    setCurve(this, s, v, where);
  }

  get oversample(): OverSampleType {
    return brand(slots, this, 'WaveShaperNode', 'oversample').oversample;
  }

  set oversample(v: unknown) {
    const s = brand(slots, this, 'WaveShaperNode', 'oversample');
    const str = domString(v, "Failed to set the 'oversample' property on 'WaveShaperNode'");
    // An assignment that is not a valid enumeration value is ignored (WebIDL).
    if (!(OVERSAMPLE as readonly string[]).includes(str)) return;
    s.oversample = str as OverSampleType;
    postToProcessor(this, { t: 'oversample', oversample: s.oversample } satisfies ShaperMessage);
  }
}

toStringTag(WaveShaperNode, 'WaveShaperNode');
exposeMembers(WaveShaperNode, ['curve', 'oversample']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createWaveShaper(): WaveShaperNode;
  }
}
installFactory('createWaveShaper', (c: BaseAudioContext) => new WaveShaperNode(c));

class WaveShaperProcessor implements AudioProcessor {
  readonly #qs: number;
  #curve: Float32Array | null = null;
  #oversample: OverSampleType;
  readonly #channels: WaveShaperChannel[] = [];
  #active = 0;
  /** Quanta of silent input processed since the last sound (the filters' tail drains meanwhile). */
  #silentQuanta = 0;
  readonly #zeros: Float32Array;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    this.#oversample = (init.options as { oversample: OverSampleType }).oversample;
    this.#zeros = new Float32Array(init.quantumSize);
  }

  onMessage(msg: ShaperMessage): void {
    if (msg.t === 'curve') this.#curve = msg.curve;
    else if (msg.t === 'oversample') {
      if (msg.oversample !== this.#oversample) for (const ch of this.#channels) ch.reset();
      this.#oversample = msg.oversample;
    }
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    const curve = this.#curve;
    if (input.silent) {
      // Without a curve the node passes silence through. With one, zero input still maps to
      // curve(0) (a DC output the spec allows) and the oversampling filters have a tail.
      const tailFrames = waveShaperLatencyFrames(this.#oversample) + HALF_BAND_TAPS;
      const drained = this.#silentQuanta * this.#qs > tailFrames;
      if (curve === null || (drained && shapeSample(0, curve) === 0)) {
        out.makeSilent();
        return;
      }
      this.#silentQuanta++;
      if (this.#active === 0) {
        while (this.#channels.length < 1) this.#channels.push(new WaveShaperChannel());
        this.#active = 1;
      }
    } else {
      this.#silentQuanta = 0;
      const n = input.numberOfChannels;
      while (this.#channels.length < n) this.#channels.push(new WaveShaperChannel());
      for (let c = n; c < this.#active; c++) this.#channels[c]!.reset();
      this.#active = n;
    }
    out.setChannelCount(this.#active);
    for (let c = 0; c < this.#active; c++) {
      const src = input.silent ? this.#zeros : input.channels[c]!;
      this.#channels[c]!.process(src, out.channels[c]!, this.#qs, curve, this.#oversample);
    }
    out.silent = false;
  }
}

registerProcessor('WaveShaperNode', (init) => new WaveShaperProcessor(init));
