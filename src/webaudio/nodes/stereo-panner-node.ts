/** StereoPannerNode (webaudio#stereopannernode): equal-power panning into two channels. */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { notSupported } from '../errors.js';
import { registerProcessor } from '../render/registry.js';
import { stereoPan } from '../dsp/stereo-panner.js';
import { INTERNAL, dictionary, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class StereoPannerNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'StereoPannerNode');
    const where = "Failed to construct 'StereoPannerNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const pan = d.pan === undefined ? undefined : float(d.pan, `${where}: member pan of StereoPannerOptions`);
    super(INTERNAL, ctx, {
      kind: 'StereoPannerNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'clamped-max',
      channelInterpretation: 'speakers',
      params: [{ name: 'pan', defaultValue: 0, minValue: -1, maxValue: 1 }],
      // webaudio#audionode-channelcount-constraints, webaudio#audionode-channelcountmode-constraints
      checkChannelCount(v) {
        if (v === 0 || v > 2) throw notSupported(`StereoPannerNode channelCount must be 1 or 2, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v === 'max') throw notSupported("StereoPannerNode channelCountMode cannot be 'max'");
      },
    }, nodeOptions(d));
    initParams(this, { pan });
  }

  get pan(): AudioParam {
    return nodeParam(this, 'pan');
  }
}

toStringTag(StereoPannerNode, 'StereoPannerNode');
exposeMembers(StereoPannerNode, ['pan']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createStereoPanner(): StereoPannerNode;
  }
}
installFactory('createStereoPanner', (c: BaseAudioContext) => new StereoPannerNode(c));

registerProcessor('StereoPannerNode', () => {
  // A constant pan is handed to the kernel as a one-element array (its block-constant form).
  const one = new Float32Array(1);
  return {
    process(inputs, outputs, params) {
      const input = inputs[0]!;
      const out = outputs[0]!;
      // The output is always stereo (webaudio#stereopannernode).
      out.setChannelCount(2);
      if (input.silent) {
        out.zero();
        return;
      }
      const p = params[0]!;
      let pan = p.values;
      if (p.constant) {
        one[0] = p.values[0]!;
        pan = one;
      }
      const stereo = input.numberOfChannels >= 2;
      stereoPan(input.channels[0]!, stereo ? input.channels[1]! : null, pan, out.channels[0]!, out.channels[1]!, out.quantumSize);
      out.silent = false;
    },
  };
});
