/** ChannelMergerNode (webaudio#ChannelMergerNode): mono input i becomes output channel i. */
import { AudioNode, contextArg, nodeOptions } from '../audio-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { indexSize, invalidState } from '../errors.js';
import { registerProcessor } from '../render/registry.js';
import { INTERNAL, dictionary, toStringTag, unsignedLong } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class ChannelMergerNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'ChannelMergerNode');
    const where = "Failed to construct 'ChannelMergerNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const nodeOpts = nodeOptions(d, 'ChannelMergerNode');
    const n = d.numberOfInputs === undefined ? 6 : unsignedLong(d.numberOfInputs, `${where}: member numberOfInputs of ChannelMergerOptions`);
    if (n < 1 || n > 32) throw indexSize(`${where}: numberOfInputs must be between 1 and 32, got ${n}`);
    super(INTERNAL, ctx, {
      kind: 'ChannelMergerNode',
      numberOfInputs: n,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      checkChannelCount(v) {
        if (v !== 1) throw invalidState(`ChannelMergerNode channelCount must stay 1, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v !== 'explicit') throw invalidState(`ChannelMergerNode channelCountMode must stay 'explicit', got '${v}'`);
      },
    }, nodeOpts);
  }
}

toStringTag(ChannelMergerNode, 'ChannelMergerNode');

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createChannelMerger(numberOfInputs?: number): ChannelMergerNode;
  }
}
installFactory('createChannelMerger', (c: BaseAudioContext, args) => {
  const n = args[0] === undefined ? 6 : unsignedLong(args[0], "Failed to execute 'createChannelMerger' on 'BaseAudioContext': parameter 1");
  return new ChannelMergerNode(c, { numberOfInputs: n });
});

registerProcessor('ChannelMergerNode', () => ({
  process(inputs, outputs) {
    const out = outputs[0]!;
    out.setChannelCount(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const dst = out.channels[i]!;
      if (input.silent) dst.fill(0);
      else {
        dst.set(input.channels[0]!);
        any = true;
      }
    }
    out.silent = !any;
  },
}));
