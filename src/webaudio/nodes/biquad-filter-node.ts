/** BiquadFilterNode (webaudio#BiquadFilterNode): second-order filters with a-rate parameters. */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam, postToProcessor } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidAccess } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import {
  BIQUAD_COEFFS,
  BIQUAD_FILTER_TYPES,
  BiquadChannel,
  biquadCoefficients,
  biquadCoefficientsBlock,
  biquadFrequencyResponse,
  computedFrequency,
  type BiquadFilterType,
} from '../dsp/biquad.js';
import { INTERNAL, brand, dictionary, domString, enumeration, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export type { BiquadFilterType };

/** Q for lowpass/highpass is in dB; its limit is where 10^(Q/20) stays finite in single float. */
const MOST_POSITIVE_SINGLE_FLOAT = 3.4028234663852886e38;
/** gain's maxValue: 40 log10(FLT_MAX). */
const GAIN_MAX = 40 * Math.log10(MOST_POSITIVE_SINGLE_FLOAT);
const DETUNE_LIMIT = 1200 * Math.log2(MOST_POSITIVE_SINGLE_FLOAT);

interface BiquadSlots {
  type: BiquadFilterType;
  sampleRate: number;
  /** Scratch for getFrequencyResponse(). */
  coeffs: Float64Array;
}

const slots = new WeakMap<object, BiquadSlots>();

export class BiquadFilterNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'BiquadFilterNode');
    const where = "Failed to construct 'BiquadFilterNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    // BiquadFilterOptions members in lexicographic order.
    const Q = d.Q === undefined ? undefined : float(d.Q, `${where}: member Q of BiquadFilterOptions`);
    const detune = d.detune === undefined ? undefined : float(d.detune, `${where}: member detune of BiquadFilterOptions`);
    const frequency = d.frequency === undefined ? undefined : float(d.frequency, `${where}: member frequency of BiquadFilterOptions`);
    const gain = d.gain === undefined ? undefined : float(d.gain, `${where}: member gain of BiquadFilterOptions`);
    const type = d.type === undefined ? 'lowpass' : enumeration(d.type, BIQUAD_FILTER_TYPES, `${where}: member type of BiquadFilterOptions`);
    super(INTERNAL, ctx, {
      kind: 'BiquadFilterNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [
        { name: 'frequency', defaultValue: 350, minValue: 0, maxValue: ctx.sampleRate / 2 },
        { name: 'detune', defaultValue: 0, minValue: -DETUNE_LIMIT, maxValue: DETUNE_LIMIT },
        { name: 'Q', defaultValue: 1 },
        { name: 'gain', defaultValue: 0, maxValue: GAIN_MAX },
      ],
      processorOptions: { type },
    }, nodeOptions(d));
    slots.set(this, { type, sampleRate: ctx.sampleRate, coeffs: new Float64Array(BIQUAD_COEFFS) });
    initParams(this, { frequency, detune, Q, gain });
  }

  get type(): BiquadFilterType {
    return brand(slots, this, 'BiquadFilterNode', 'type').type;
  }

  set type(v: unknown) {
    const s = brand(slots, this, 'BiquadFilterNode', 'type');
    const str = domString(v, "Failed to set the 'type' property on 'BiquadFilterNode'");
    // An assignment that is not a valid enumeration value is ignored (WebIDL).
    if (!(BIQUAD_FILTER_TYPES as readonly string[]).includes(str)) return;
    s.type = str as BiquadFilterType;
    postToProcessor(this, { t: 'type', type: s.type });
  }

  get frequency(): AudioParam {
    return nodeParam(this, 'frequency');
  }

  get detune(): AudioParam {
    return nodeParam(this, 'detune');
  }

  get Q(): AudioParam {
    return nodeParam(this, 'Q');
  }

  get gain(): AudioParam {
    return nodeParam(this, 'gain');
  }

  /** webaudio#dom-biquadfilternode-getfrequencyresponse */
  getFrequencyResponse(frequencyHz: unknown, magResponse: unknown, phaseResponse: unknown): void {
    const s = brand(slots, this, 'BiquadFilterNode', 'getFrequencyResponse');
    const where = "Failed to execute 'getFrequencyResponse' on 'BiquadFilterNode'";
    checkResponseArgs(arguments.length, frequencyHz, magResponse, phaseResponse, where);
    const f = frequencyHz as Float32Array;
    const m = magResponse as Float32Array;
    const p = phaseResponse as Float32Array;
    // Coefficients from each parameter's [[current value]].
    const f0 = computedFrequency(this.frequency.value, this.detune.value, s.sampleRate);
    biquadCoefficients(s.type, f0, this.Q.value, this.gain.value, s.sampleRate, s.coeffs);
    biquadFrequencyResponse(s.coeffs, 0, s.sampleRate, f, m, p);
  }
}

/**
 * Argument checks shared with IIRFilterNode.getFrequencyResponse(): three Float32Arrays
 * (TypeError otherwise) of one length (InvalidAccessError otherwise).
 */
export function checkResponseArgs(count: number, f: unknown, m: unknown, p: unknown, where: string): void {
  if (count < 3) throw new TypeError(`${where}: 3 arguments required, but only ${count} present`);
  const names = ['frequencyHz', 'magResponse', 'phaseResponse'];
  [f, m, p].forEach((a, i) => {
    if (!(a instanceof Float32Array)) throw new TypeError(`${where}: parameter ${i + 1} (${names[i]}) is not of type 'Float32Array'`);
  });
  const lf = (f as Float32Array).length;
  const lm = (m as Float32Array).length;
  const lp = (p as Float32Array).length;
  if (lf !== lm || lf !== lp) {
    throw invalidAccess(`${where}: frequencyHz, magResponse and phaseResponse must have the same length (got ${lf}, ${lm}, ${lp})`);
  }
}

toStringTag(BiquadFilterNode, 'BiquadFilterNode');
exposeMembers(BiquadFilterNode, ['type', 'frequency', 'detune', 'Q', 'gain', 'getFrequencyResponse']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createBiquadFilter(): BiquadFilterNode;
  }
}
installFactory('createBiquadFilter', (c: BaseAudioContext) => new BiquadFilterNode(c));

class BiquadProcessor implements AudioProcessor {
  readonly #sr: number;
  readonly #qs: number;
  #type: BiquadFilterType;
  readonly #channels: BiquadChannel[] = [];
  /** Channels carrying state (the output keeps them while the tail rings out). */
  #active = 0;
  readonly #perFrame: Float64Array;
  readonly #constant = new Float64Array(BIQUAD_COEFFS);
  /** Parameters #constant was computed from (recomputed only when they change). */
  readonly #key = { type: '' as string, f: NaN, d: NaN, q: NaN, g: NaN };
  readonly #zeros: Float32Array;
  readonly #one = [new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1)];

  constructor(init: ProcessorInit) {
    this.#sr = init.sampleRate;
    this.#qs = init.quantumSize;
    this.#type = (init.options as { type: BiquadFilterType }).type;
    this.#perFrame = new Float64Array(BIQUAD_COEFFS * init.quantumSize);
    this.#zeros = new Float32Array(init.quantumSize);
  }

  onMessage(msg: { t: string; type?: BiquadFilterType }): void {
    if (msg.t === 'type' && msg.type !== undefined) this.#type = msg.type;
  }

  /** A parameter's values in the kernel's form: per frame, or a one-element array when constant. */
  #pick(p: ParamBuffer, i: number): Float32Array {
    if (!p.constant) return p.values;
    const one = this.#one[i]!;
    one[0] = p.values[0]!;
    return one;
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    const qs = this.#qs;
    if (input.silent) {
      // Tail: keep ringing with zero input until every channel's state has decayed.
      if (this.#active === 0) {
        out.makeSilent();
        return;
      }
      let ringing = false;
      for (let c = 0; c < this.#active; c++) if (!this.#channels[c]!.isSilent()) ringing = true;
      if (!ringing) {
        for (let c = 0; c < this.#active; c++) this.#channels[c]!.reset();
        this.#active = 0;
        out.makeSilent();
        return;
      }
    } else {
      const n = input.numberOfChannels;
      while (this.#channels.length < n) this.#channels.push(new BiquadChannel());
      // Channels that disappear lose their state; new ones start from zero.
      for (let c = n; c < this.#active; c++) this.#channels[c]!.reset();
      this.#active = n;
    }
    const fp = params[0]!;
    const dp = params[1]!;
    const qp = params[2]!;
    const gp = params[3]!;
    let coeffs: Float64Array;
    let perFrame: boolean;
    if (fp.constant && dp.constant && qp.constant && gp.constant) {
      const k = this.#key;
      const f = fp.values[0]!, d = dp.values[0]!, q = qp.values[0]!, g = gp.values[0]!;
      if (k.type !== this.#type || k.f !== f || k.d !== d || k.q !== q || k.g !== g) {
        biquadCoefficients(this.#type, computedFrequency(f, d, this.#sr), q, g, this.#sr, this.#constant);
        k.type = this.#type; k.f = f; k.d = d; k.q = q; k.g = g;
      }
      coeffs = this.#constant;
      perFrame = false;
    } else {
      biquadCoefficientsBlock(this.#type, this.#pick(fp, 0), this.#pick(dp, 1), this.#pick(qp, 2), this.#pick(gp, 3), this.#sr, qs, this.#perFrame);
      coeffs = this.#perFrame;
      perFrame = true;
    }
    out.setChannelCount(this.#active);
    for (let c = 0; c < this.#active; c++) {
      const src = input.silent ? this.#zeros : input.channels[c]!;
      this.#channels[c]!.process(src, out.channels[c]!, qs, coeffs, perFrame);
    }
    out.silent = false;
  }
}

registerProcessor('BiquadFilterNode', (init) => new BiquadProcessor(init));
