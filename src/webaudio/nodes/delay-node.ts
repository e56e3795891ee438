/**
 * DelayNode (webaudio#DelayNode). The only node that may close a cycle: inside one, the engine
 * renders its output from earlier quanta first and feeds its input last, and the delay is
 * clamped to at least one render quantum (webaudio#DelayNode-processing).
 */
import { AudioNode, contextArg, initParams, nodeOptions, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import { INTERNAL, dictionary, double, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

export class DelayNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'DelayNode');
    const where = "Failed to construct 'DelayNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const nodeOpts = nodeOptions(d, 'DelayNode');
    const delayTime = d.delayTime === undefined ? undefined : float(d.delayTime, `${where}: member delayTime of DelayOptions`);
    const maxDelayTime = d.maxDelayTime === undefined ? 1 : double(d.maxDelayTime, `${where}: member maxDelayTime of DelayOptions`);
    // webaudio#dom-delayoptions-maxdelaytime: > 0 and < 3 minutes.
    if (!(maxDelayTime > 0 && maxDelayTime < 180)) throw notSupported(`${where}: maxDelayTime must be > 0 and < 180 seconds, got ${maxDelayTime}`);
    super(INTERNAL, ctx, {
      kind: 'DelayNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [{ name: 'delayTime', defaultValue: 0, minValue: 0, maxValue: maxDelayTime }],
      processorOptions: { maxDelayTime },
    }, nodeOpts);
    initParams(this, { delayTime });
  }

  get delayTime(): AudioParam {
    return nodeParam(this, 'delayTime');
  }
}

toStringTag(DelayNode, 'DelayNode');
exposeMembers(DelayNode, ['delayTime']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createDelay(maxDelayTime?: number): DelayNode;
  }
}
installFactory('createDelay', (c: BaseAudioContext, args) => {
  const max = args[0] === undefined ? 1 : double(args[0], "Failed to execute 'createDelay' on 'BaseAudioContext': parameter 1");
  return new DelayNode(c, { maxDelayTime: max });
});

class DelayProcessor implements AudioProcessor {
  readonly breaksCycles = true;
  readonly #qs: number;
  readonly #sr: number;
  readonly #length: number;
  readonly #rings: Float32Array[] = [];
  /** Channels seen so far: the output keeps them while the delayed signal drains. */
  #channels = 1;
  #inCycle = false;
  /** Frames written so far that may still hold sound (for the silent fast path). */
  #lastSoundFrame = -Infinity;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    this.#sr = init.sampleRate;
    const maxDelay = (init.options as { maxDelayTime: number }).maxDelayTime;
    this.#length = Math.ceil(maxDelay * init.sampleRate) + 2 * init.quantumSize + 2;
    this.#rings.push(new Float32Array(this.#length));
  }

  setInCycle(inCycle: boolean): void {
    this.#inCycle = inCycle;
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void {
    this.processInputPhase(inputs, params, frame);
    this.processOutputPhase(outputs, params, frame);
  }

  processInputPhase(inputs: readonly Bus[], _params: readonly ParamBuffer[], frame: number): void {
    const input = inputs[0]!;
    const n = input.numberOfChannels;
    if (!input.silent && n > this.#channels) {
      while (this.#rings.length < n) {
        // A new channel starts as a copy of silence.
        this.#rings.push(new Float32Array(this.#length));
      }
      this.#channels = n;
    }
    const L = this.#length;
    const start = frame % L;
    for (let c = 0; c < this.#channels; c++) {
      const ring = this.#rings[c]!;
      const src = input.silent || c >= n ? null : input.channels[c]!;
      for (let i = 0; i < this.#qs; i++) {
        let j = start + i;
        if (j >= L) j -= L;
        ring[j] = src === null ? 0 : src[i]!;
      }
    }
    if (!input.silent) this.#lastSoundFrame = frame + this.#qs;
  }

  processOutputPhase(outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void {
    const out = outputs[0]!;
    const qs = this.#qs;
    const L = this.#length;
    const delay = params[0]!;
    const minDelay = this.#inCycle ? qs : 0;
    const maxFrames = L - qs - 2;
    // Nothing audible can come out if the last sound is older than the longest delay.
    if (frame - this.#lastSoundFrame > maxFrames + qs) {
      out.setChannelCount(this.#channels);
      out.zero();
      return;
    }
    out.setChannelCount(this.#channels);
    for (let c = 0; c < this.#channels; c++) {
      const ring = this.#rings[c]!;
      const dst = out.channels[c]!;
      for (let i = 0; i < qs; i++) {
        let d = delay.values[delay.constant ? 0 : i]! * this.#sr;
        if (d < minDelay) d = minDelay;
        if (d > maxFrames) d = maxFrames;
        const pos = frame + i - d;
        if (pos <= -1) {
          dst[i] = 0;
          continue;
        }
        // Frames before the first one ever written are silence.
        const k = Math.floor(pos);
        const f = pos - k;
        const a = k < 0 ? 0 : ring[k % L]!;
        dst[i] = f === 0 ? a : a + (ring[(k + 1) % L]! - a) * f;
      }
    }
    out.silent = false;
  }
}

registerProcessor('DelayNode', (init) => new DelayProcessor(init));
