/** GainNode (webaudio#GainNode): output = input × gain (a-rate). */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { registerProcessor } from '../render/registry.js';
import { INTERNAL, dictionary, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class GainNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'GainNode');
    const d = dictionary(options, "Failed to construct 'GainNode': parameter 2");
    const nodeOpts = nodeOptions(d, 'GainNode');
    const gain = d.gain === undefined ? undefined : float(d.gain, "Failed to construct 'GainNode': member gain of GainOptions");
    super(INTERNAL, ctx, {
      kind: 'GainNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [{ name: 'gain', defaultValue: 1 }],
    }, nodeOpts);
    initParams(this, { gain });
  }

  get gain(): AudioParam {
    return nodeParam(this, 'gain');
  }
}

toStringTag(GainNode, 'GainNode');
exposeMembers(GainNode, ['gain']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createGain(): GainNode;
  }
}
installFactory('createGain', (c: BaseAudioContext) => new GainNode(c));

registerProcessor('GainNode', () => ({
  process(inputs, outputs, params) {
    const input = inputs[0]!;
    const out = outputs[0]!;
    const n = input.numberOfChannels;
    out.setChannelCount(n);
    const g = params[0]!;
    if (input.silent || (g.constant && g.values[0] === 0)) {
      out.zero();
      return;
    }
    const gv = g.values;
    for (let c = 0; c < n; c++) {
      const src = input.channels[c]!;
      const dst = out.channels[c]!;
      if (g.constant) {
        const k = gv[0]!;
        for (let i = 0; i < src.length; i++) dst[i] = src[i]! * k;
      } else {
        for (let i = 0; i < src.length; i++) dst[i] = src[i]! * gv[i]!;
      }
    }
    out.silent = false;
  },
}));
