/** ConstantSourceNode (webaudio#ConstantSourceNode): outputs its `offset` param while playing. */
import { contextArg, initParams, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import { AudioScheduledSourceNode } from '../audio-scheduled-source-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import type { Bus } from '../render/bus.js';
import type { ParamBuffer, ProcessorInit } from '../render/registry.js';
import { registerProcessor } from '../render/registry.js';
import { ScheduledSourceProcessor } from '../render/scheduled-source.js';
import { INTERNAL, dictionary, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class ConstantSourceNode extends AudioScheduledSourceNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'ConstantSourceNode');
    const d = dictionary(options, "Failed to construct 'ConstantSourceNode': parameter 2");
    const offset = d.offset === undefined ? undefined : float(d.offset, "Failed to construct 'ConstantSourceNode': member offset of ConstantSourceOptions");
    // ConstantSourceOptions has no AudioNodeOptions members; channel settings are fixed defaults.
    super(INTERNAL, ctx, {
      kind: 'ConstantSourceNode',
      numberOfInputs: 0,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [{ name: 'offset', defaultValue: 1 }],
    });
    initParams(this, { offset });
  }

  get offset(): AudioParam {
    return nodeParam(this, 'offset');
  }
}

toStringTag(ConstantSourceNode, 'ConstantSourceNode');
exposeMembers(ConstantSourceNode, ['offset']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createConstantSource(): ConstantSourceNode;
  }
}
installFactory('createConstantSource', (c: BaseAudioContext) => new ConstantSourceNode(c));

class ConstantSourceProcessor extends ScheduledSourceProcessor {
  readonly #range = { from: 0, to: 0 };

  constructor(init: ProcessorInit) {
    super(init);
  }

  process(_inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void {
    const out = outputs[0]!;
    const r = this.#range;
    this.activeRange(frame, r);
    if (r.from >= r.to) {
      out.makeSilent();
    } else {
      out.setChannelCount(1);
      const dst = out.channels[0]!;
      const v = params[0]!.values;
      dst.fill(0, 0, r.from);
      for (let i = r.from; i < r.to; i++) dst[i] = v[i]!;
      dst.fill(0, r.to);
      out.silent = false;
    }
    if (this.stopReached(frame)) this.end();
  }
}

registerProcessor('ConstantSourceNode', (init) => new ConstantSourceProcessor(init));
