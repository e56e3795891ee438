/** ChannelSplitterNode (webaudio#ChannelSplitterNode): input channel i goes to output i. */
import { AudioNode, contextArg, nodeOptions } from '../audio-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { indexSize, invalidState } from '../errors.js';
import { registerProcessor } from '../render/registry.js';
import { INTERNAL, dictionary, toStringTag, unsignedLong } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class ChannelSplitterNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'ChannelSplitterNode');
    const where = "Failed to construct 'ChannelSplitterNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const nodeOpts = nodeOptions(d, 'ChannelSplitterNode');
    const n = d.numberOfOutputs === undefined ? 6 : unsignedLong(d.numberOfOutputs, `${where}: member numberOfOutputs of ChannelSplitterOptions`);
    if (n < 1 || n > 32) throw indexSize(`${where}: numberOfOutputs must be between 1 and 32, got ${n}`);
    super(INTERNAL, ctx, {
      kind: 'ChannelSplitterNode',
      numberOfInputs: 1,
      numberOfOutputs: n,
      channelCount: n,
      channelCountMode: 'explicit',
      channelInterpretation: 'discrete',
      checkChannelCount(v) {
        if (v !== n) throw invalidState(`ChannelSplitterNode channelCount is fixed at numberOfOutputs (${n}), got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v !== 'explicit') throw invalidState(`ChannelSplitterNode channelCountMode must stay 'explicit', got '${v}'`);
      },
      checkChannelInterpretation(v) {
        if (v !== 'discrete') throw invalidState(`ChannelSplitterNode channelInterpretation must stay 'discrete', got '${v}'`);
      },
    }, nodeOpts);
  }
}

toStringTag(ChannelSplitterNode, 'ChannelSplitterNode');

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createChannelSplitter(numberOfOutputs?: number): ChannelSplitterNode;
  }
}
installFactory('createChannelSplitter', (c: BaseAudioContext, args) => {
  const n = args[0] === undefined ? 6 : unsignedLong(args[0], "Failed to execute 'createChannelSplitter' on 'BaseAudioContext': parameter 1");
  return new ChannelSplitterNode(c, { numberOfOutputs: n });
});

registerProcessor('ChannelSplitterNode', () => ({
  process(inputs, outputs) {
    const input = inputs[0]!;
    for (let o = 0; o < outputs.length; o++) {
      const out = outputs[o]!;
      out.setChannelCount(1);
      if (input.silent || o >= input.numberOfChannels) {
        out.zero();
      } else {
        out.channels[0]!.set(input.channels[o]!);
        out.silent = false;
      }
    }
  },
}));
