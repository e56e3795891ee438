/** AudioDestinationNode (webaudio#AudioDestinationNode): the terminal node of a context. */
import { AudioNode } from './audio-node.js';
import { indexSize, notSupported } from './errors.js';
import { registerProcessor } from './render/registry.js';
import { INTERNAL, brand, exposeMembers, illegalConstructor, toStringTag } from '../webidl/index.js';
import type { BaseAudioContext } from './base-audio-context.js';

const slots = new WeakMap<object, { maxChannelCount: number }>();

export class AudioDestinationNode extends AudioNode {
  constructor(token?: unknown, context?: BaseAudioContext, init?: { channelCount: number; maxChannelCount: number; offline: boolean }) {
    if (token !== INTERNAL || init === undefined) throw illegalConstructor('AudioDestinationNode');
    super(INTERNAL, context, {
      kind: 'AudioDestinationNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: init.channelCount,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      checkChannelCount(n) {
        if (init.offline) {
          // The offline destination's channel count is fixed.
          if (n !== init.channelCount) throw notSupported(`the OfflineAudioContext destination has ${init.channelCount} channels; it cannot change to ${n}`);
          return;
        }
        if (n === 0 || n > init.maxChannelCount) throw indexSize(`channelCount must be between 1 and maxChannelCount (${init.maxChannelCount}), got ${n}`);
      },
    });
    slots.set(this, { maxChannelCount: init.maxChannelCount });
  }

  get maxChannelCount(): number {
    return brand(slots, this, 'AudioDestinationNode', 'maxChannelCount').maxChannelCount;
  }
}

toStringTag(AudioDestinationNode, 'AudioDestinationNode');
exposeMembers(AudioDestinationNode, ['maxChannelCount']);

// The output is the summed input (webaudio#AudioDestinationNode); the engine reads the mixed
// input directly as the context's output.
registerProcessor('AudioDestinationNode', () => ({
  process(inputs, outputs) {
    const input = inputs[0]!;
    const out = outputs[0]!;
    out.setChannelCount(input.numberOfChannels);
    for (let c = 0; c < input.numberOfChannels; c++) out.channels[c]!.set(input.channels[c]!);
    out.silent = input.silent;
  },
}));
