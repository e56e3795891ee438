/** DynamicsCompressorNode (webaudio#DynamicsCompressorNode): look-ahead compressor with metering. */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import { DynamicsCompressorKernel, type CompressorParams } from '../dsp/compressor.js';
import { INTERNAL, brand, dictionary, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

interface CompressorSlots {
  /** [[internal reduction]], written by the render side once per quantum. */
  reduction: Float32Array;
}

const slots = new WeakMap<object, CompressorSlots>();
const NO_CHANNELS: readonly Float32Array[] = [];

export class DynamicsCompressorNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'DynamicsCompressorNode');
    const where = "Failed to construct 'DynamicsCompressorNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    // DynamicsCompressorOptions members in lexicographic order.
    const member = (name: string): number | undefined =>
      d[name] === undefined ? undefined : float(d[name], `${where}: member ${name} of DynamicsCompressorOptions`);
    const attack = member('attack');
    const knee = member('knee');
    const ratio = member('ratio');
    const release = member('release');
    const threshold = member('threshold');
    // Shared so the control thread reads the render thread's value without a round trip.
    const reduction = new Float32Array(new SharedArrayBuffer(4));
    super(INTERNAL, ctx, {
      kind: 'DynamicsCompressorNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'clamped-max',
      channelInterpretation: 'speakers',
      params: [
        { name: 'threshold', defaultValue: -24, minValue: -100, maxValue: 0, automationRate: 'k-rate', kRateOnly: true },
        { name: 'knee', defaultValue: 30, minValue: 0, maxValue: 40, automationRate: 'k-rate', kRateOnly: true },
        { name: 'ratio', defaultValue: 12, minValue: 1, maxValue: 20, automationRate: 'k-rate', kRateOnly: true },
        { name: 'attack', defaultValue: 0.003, minValue: 0, maxValue: 1, automationRate: 'k-rate', kRateOnly: true },
        { name: 'release', defaultValue: 0.25, minValue: 0, maxValue: 1, automationRate: 'k-rate', kRateOnly: true },
      ],
      processorOptions: { reduction },
      // webaudio#audionode-channelcount-constraints, webaudio#audionode-channelcountmode-constraints
      checkChannelCount(v) {
        if (v === 0 || v > 2) throw notSupported(`DynamicsCompressorNode channelCount must be 1 or 2, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v === 'max') throw notSupported("DynamicsCompressorNode channelCountMode cannot be 'max'");
      },
    }, nodeOptions(d));
    slots.set(this, { reduction });
    initParams(this, { threshold, knee, ratio, attack, release });
  }

  get threshold(): AudioParam {
    return nodeParam(this, 'threshold');
  }

  get knee(): AudioParam {
    return nodeParam(this, 'knee');
  }

  get ratio(): AudioParam {
    return nodeParam(this, 'ratio');
  }

  get attack(): AudioParam {
    return nodeParam(this, 'attack');
  }

  get release(): AudioParam {
    return nodeParam(this, 'release');
  }

  /** webaudio#dom-dynamicscompressornode-reduction: [[internal reduction]] */
  get reduction(): number {
    return brand(slots, this, 'DynamicsCompressorNode', 'reduction').reduction[0]!;
  }
}

toStringTag(DynamicsCompressorNode, 'DynamicsCompressorNode');
exposeMembers(DynamicsCompressorNode, ['threshold', 'knee', 'ratio', 'reduction', 'attack', 'release']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createDynamicsCompressor(): DynamicsCompressorNode;
  }
}
installFactory('createDynamicsCompressor', (c: BaseAudioContext) => new DynamicsCompressorNode(c));

class CompressorProcessor implements AudioProcessor {
  readonly #qs: number;
  readonly #kernel: DynamicsCompressorKernel;
  readonly #reduction: Float32Array;
  readonly #params: CompressorParams = { threshold: -24, knee: 30, ratio: 12, attack: 0.003, release: 0.25 };
  #active = 0;
  /** Quanta of silent input since the last sound; the look-ahead delay drains meanwhile. */
  #silentQuanta = 0;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    this.#kernel = new DynamicsCompressorKernel(init.sampleRate);
    this.#reduction = (init.options as { reduction: Float32Array }).reduction;
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    if (input.silent) {
      // The pre-delay still holds up to 6 ms of sound (tail-time); after that, silence.
      if (this.#active === 0 || this.#silentQuanta * this.#qs > this.#kernel.preDelayFrames) {
        // Long silence releases the envelope fully; start afresh when sound returns.
        if (this.#active !== 0) this.#kernel.reset();
        this.#active = 0;
        this.#reduction[0] = 0;
        out.makeSilent();
        return;
      }
      this.#silentQuanta++;
    } else {
      this.#silentQuanta = 0;
      this.#active = input.numberOfChannels;
    }
    const p = this.#params;
    p.threshold = params[0]!.values[0]!;
    p.knee = params[1]!.values[0]!;
    p.ratio = params[2]!.values[0]!;
    p.attack = params[3]!.values[0]!;
    p.release = params[4]!.values[0]!;
    out.setChannelCount(this.#active);
    // A silent input bus may have fewer channels than the tail; missing channels read as zero.
    this.#kernel.process(input.silent ? NO_CHANNELS : input.channels, out.channels, this.#active, this.#qs, p);
    this.#reduction[0] = this.#kernel.reduction;
    out.silent = false;
  }
}

registerProcessor('DynamicsCompressorNode', (init) => new CompressorProcessor(init));
