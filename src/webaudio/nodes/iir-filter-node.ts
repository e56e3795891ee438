/** IIRFilterNode (webaudio#IIRFilterNode): a general IIR filter with fixed coefficients. */
import { AudioNode, contextArg, nodeOptions } from '../audio-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidState, notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from '../render/registry.js';
import { IIRChannel, IIRCoefficients, validateIIRCoefficients } from '../dsp/iir.js';
import { INTERNAL, brand, dictionary, double, exposeMembers, requiredMember, sequence, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';
import { checkResponseArgs } from './biquad-filter-node.js';

interface IIRSlots {
  coeffs: IIRCoefficients;
  sampleRate: number;
}

const slots = new WeakMap<object, IIRSlots>();

function checkCoefficients(feedforward: number[], feedback: number[], where: string): void {
  const err = validateIIRCoefficients(feedforward, feedback);
  if (err === null) return;
  const message = `${where}: ${err.message}`;
  throw err.name === 'NotSupportedError' ? notSupported(message) : invalidState(message);
}

export class IIRFilterNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'IIRFilterNode');
    const where = "Failed to construct 'IIRFilterNode'";
    if (options === undefined) throw new TypeError(`${where}: 2 arguments required, but only 1 present`);
    const d = dictionary(options, `${where}: parameter 2`);
    // Required members, in lexicographic order: feedback, then feedforward.
    const feedback = sequence(requiredMember(d, 'feedback', 'IIRFilterOptions'), `${where}: member feedback of IIRFilterOptions`, double);
    const feedforward = sequence(requiredMember(d, 'feedforward', 'IIRFilterOptions'), `${where}: member feedforward of IIRFilterOptions`, double);
    checkCoefficients(feedforward, feedback, where);
    super(INTERNAL, ctx, {
      kind: 'IIRFilterNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      processorOptions: { feedforward, feedback },
    }, nodeOptions(d));
    slots.set(this, { coeffs: new IIRCoefficients(feedforward, feedback), sampleRate: ctx.sampleRate });
  }

  /** webaudio#dom-iirfilternode-getfrequencyresponse */
  getFrequencyResponse(frequencyHz: unknown, magResponse: unknown, phaseResponse: unknown): void {
    const s = brand(slots, this, 'IIRFilterNode', 'getFrequencyResponse');
    const where = "Failed to execute 'getFrequencyResponse' on 'IIRFilterNode'";
    checkResponseArgs(arguments.length, frequencyHz, magResponse, phaseResponse, where);
    s.coeffs.frequencyResponse(s.sampleRate, frequencyHz as Float32Array, magResponse as Float32Array, phaseResponse as Float32Array);
  }
}

toStringTag(IIRFilterNode, 'IIRFilterNode');
exposeMembers(IIRFilterNode, ['getFrequencyResponse']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createIIRFilter(feedforward: Iterable<number>, feedback: Iterable<number>): IIRFilterNode;
  }
}
// webaudio#dom-baseaudiocontext-createiirfilter
installFactory('createIIRFilter', (c: BaseAudioContext, args) => {
  const where = "Failed to execute 'createIIRFilter' on 'BaseAudioContext'";
  if (args.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${args.length} present`);
  const feedforward = sequence(args[0], `${where}: parameter 1`, double);
  const feedback = sequence(args[1], `${where}: parameter 2`, double);
  checkCoefficients(feedforward, feedback, where);
  return new IIRFilterNode(c, { feedforward, feedback });
});

class IIRProcessor implements AudioProcessor {
  readonly #qs: number;
  readonly #coeffs: IIRCoefficients;
  readonly #channels: IIRChannel[] = [];
  #active = 0;
  readonly #zeros: Float32Array;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    const o = init.options as { feedforward: number[]; feedback: number[] };
    this.#coeffs = new IIRCoefficients(o.feedforward, o.feedback);
    this.#zeros = new Float32Array(init.quantumSize);
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    if (input.silent) {
      // Tail: run on zeros until the state has decayed.
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
      while (this.#channels.length < n) this.#channels.push(new IIRChannel(this.#coeffs));
      for (let c = n; c < this.#active; c++) this.#channels[c]!.reset();
      this.#active = n;
    }
    out.setChannelCount(this.#active);
    for (let c = 0; c < this.#active; c++) {
      this.#channels[c]!.process(input.silent ? this.#zeros : input.channels[c]!, out.channels[c]!, this.#qs);
    }
    out.silent = false;
  }
}

registerProcessor('IIRFilterNode', (init) => new IIRProcessor(init));
