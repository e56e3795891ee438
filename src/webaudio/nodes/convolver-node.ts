/** ConvolverNode (webaudio#ConvolverNode): linear convolution with an impulse response. */
import { AudioNode, contextArg, nodeCore, nodeOptions, postToProcessor } from '../audio-node.js';
import { acquireContent, isAudioBuffer, type AudioBuffer } from '../audio-buffer.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from '../render/registry.js';
import { PartitionedConvolver, normalizationScale, partitionLayout, prepareResponse, type ResponseSpectra } from '../dsp/convolver.js';
import { INTERNAL, boolean, brand, dictionary, exposeMembers, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

interface ConvolverSlots {
  buffer: AudioBuffer | null;
  normalize: boolean;
  sampleRate: number;
  quantumSize: number;
}

const slots = new WeakMap<object, ConvolverSlots>();

/** A response ready for the renderer: one set of partition spectra per buffer channel. */
interface PreparedBuffer {
  channels: 1 | 2 | 4;
  length: number;
  spectra: ResponseSpectra[];
}

type ConvolverMessage = { t: 'buffer'; buffer: PreparedBuffer | null };

/** webaudio#dom-convolvernode-buffer step 1, for the setter and the constructor. */
function checkBuffer(buffer: AudioBuffer, contextRate: number, where: string): void {
  const n = buffer.numberOfChannels;
  if (n !== 1 && n !== 2 && n !== 4) throw notSupported(`${where}: the buffer must have 1, 2 or 4 channels, not ${n}`);
  if (buffer.sampleRate !== contextRate) {
    throw notSupported(`${where}: the buffer's sample rate (${buffer.sampleRate}) is not the context's (${contextRate})`);
  }
}

/**
 * webaudio#dom-convolvernode-buffer step 2 and the normalize rules: acquire the content, scale
 * it by calculateNormalizationScale when `normalize` is true, and build the partition spectra
 * here on the control side, so the renderer only swaps them in.
 */
function prepare(buffer: AudioBuffer, normalize: boolean, quantumSize: number): PreparedBuffer {
  const content = acquireContent(buffer);
  const scale = normalize ? normalizationScale(content.channels, content.sampleRate) : 1;
  const layout = partitionLayout(content.length, quantumSize);
  return {
    channels: content.channels.length as 1 | 2 | 4,
    length: content.length,
    spectra: content.channels.map((c) => prepareResponse(c, layout, scale)),
  };
}

function setBuffer(node: ConvolverNode, s: ConvolverSlots, buffer: AudioBuffer | null, where: string): void {
  if (buffer !== null) checkBuffer(buffer, s.sampleRate, where);
  s.buffer = buffer;
  const prepared = buffer === null ? null : prepare(buffer, s.normalize, s.quantumSize);
  postToProcessor(node, { t: 'buffer', buffer: prepared } satisfies ConvolverMessage);
}

export class ConvolverNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'ConvolverNode');
    const where = "Failed to construct 'ConvolverNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const nodeOpts = nodeOptions(d, 'ConvolverNode');
    // ConvolverOptions members in lexicographic order: buffer, disableNormalization.
    const buffer = d.buffer === undefined || d.buffer === null ? null : d.buffer;
    if (buffer !== null && !isAudioBuffer(buffer)) throw new TypeError(`${where}: member buffer of ConvolverOptions is not of type 'AudioBuffer'`);
    const disableNormalization = d.disableNormalization === undefined ? false : boolean(d.disableNormalization);
    // webaudio#dom-convolvernode-convolvernode step 2 runs the buffer setter, whose checks
    // come before the AudioNode initialisation (step 7).
    if (buffer !== null) checkBuffer(buffer, ctx.sampleRate, where);
    super(INTERNAL, ctx, {
      kind: 'ConvolverNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'clamped-max',
      channelInterpretation: 'speakers',
      // webaudio#audionode-channelcount-constraints, webaudio#audionode-channelcountmode-constraints
      checkChannelCount(v) {
        if (v === 0 || v > 2) throw notSupported(`ConvolverNode channelCount must be 1 or 2, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v === 'max') throw notSupported("ConvolverNode channelCountMode cannot be 'max'");
      },
    }, nodeOpts);
    // 1. normalize is the inverse of disableNormalization.
    const s: ConvolverSlots = { buffer: null, normalize: !disableNormalization, sampleRate: ctx.sampleRate, quantumSize: nodeCore(this).quantumSize };
    slots.set(this, s);
    // 2. If buffer exists, set the buffer attribute to its value.
    if (buffer !== null) setBuffer(this, s, buffer, where);
  }

  /** webaudio#dom-convolvernode-buffer */
  get buffer(): AudioBuffer | null {
    return brand(slots, this, 'ConvolverNode', 'buffer').buffer;
  }

  set buffer(v: unknown) {
    const s = brand(slots, this, 'ConvolverNode', 'buffer');
    const where = "Failed to set the 'buffer' property on 'ConvolverNode'";
    // AudioBuffer? : undefined and null are both null.
    const buffer = v === undefined || v === null ? null : v;
    if (buffer !== null && !isAudioBuffer(buffer)) throw new TypeError(`${where}: the provided value is not of type 'AudioBuffer'`);
    setBuffer(this, s, buffer, where);
  }

  /** webaudio#dom-convolvernode-normalize: takes effect the next time buffer is set. */
  get normalize(): boolean {
    return brand(slots, this, 'ConvolverNode', 'normalize').normalize;
  }

  set normalize(v: unknown) {
    brand(slots, this, 'ConvolverNode', 'normalize').normalize = boolean(v);
  }
}

toStringTag(ConvolverNode, 'ConvolverNode');
exposeMembers(ConvolverNode, ['buffer', 'normalize']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createConvolver(): ConvolverNode;
  }
}
installFactory('createConvolver', (c: BaseAudioContext) => new ConvolverNode(c));

/** The renderer's copy of one response: its convolvers (state) over the shared spectra. */
interface ActiveResponse {
  channels: 1 | 2 | 4;
  length: number;
  /**
   * 1 channel: [left, right] on the same spectra (right runs only while stereo input affects
   * the output). 2 channels: [in L * h0, in R * h1]. 4 channels ("true" stereo):
   * [in L * h0 -> out L, in L * h1 -> out R, in R * h2 -> out L, in R * h3 -> out R].
   */
  convolvers: PartitionedConvolver[];
}

class ConvolverProcessor implements AudioProcessor {
  readonly #qs: number;
  #response: ActiveResponse | null = null;
  /** True while the convolvers hold input whose response has not finished. */
  #active = false;
  /** Frame just after the last input quantum that had sound. */
  #soundEnd = 0;
  /** 1-channel response: true while the right convolver runs (stereo input within the response length). */
  #stereo = false;
  /** Frame just after the last stereo input quantum. */
  #stereoEnd = 0;
  readonly #zeros: Float32Array;

  constructor(init: ProcessorInit) {
    this.#qs = init.quantumSize;
    this.#zeros = new Float32Array(init.quantumSize);
  }

  /** The response of past input is still ringing (tail-time). */
  get tailActive(): boolean {
    return this.#active;
  }

  onMessage(msg: ConvolverMessage): void {
    if (msg.t !== 'buffer') return;
    const b = msg.buffer;
    this.#active = false;
    this.#stereo = false;
    if (b === null || b.spectra[0]!.layout.blockSize !== this.#qs) {
      this.#response = null;
      return;
    }
    const convolvers =
      b.channels === 1 ? [new PartitionedConvolver(b.spectra[0]!), new PartitionedConvolver(b.spectra[0]!)]
      : b.channels === 2 ? b.spectra.map((s) => new PartitionedConvolver(s))
      : [0, 1, 2, 3].map((i) => new PartitionedConvolver(b.spectra[i]!));
    this.#response = { channels: b.channels, length: b.length, convolvers };
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], _params: unknown, frame: number): void {
    const out = outputs[0]!;
    const r = this.#response;
    if (r === null) {
      out.makeSilent();
      return;
    }
    const input = inputs[0]!;
    const qs = this.#qs;
    const conv = r.convolvers;
    const sound = !input.silent;
    const stereoInput = sound && input.numberOfChannels >= 2;
    if (sound) {
      this.#soundEnd = frame + qs;
      this.#active = true;
    } else if (!this.#active) {
      out.makeSilent();
      return;
    } else if (frame >= this.#soundEnd + r.length - 1) {
      // Tail-time over: the last input with sound no longer affects the output. Forget it.
      for (let i = 0; i < conv.length; i++) conv[i]!.reset();
      this.#active = false;
      this.#stereo = false;
      out.makeSilent();
      return;
    }
    const left = sound ? input.channels[0]! : this.#zeros;
    const right = stereoInput ? input.channels[1]! : left;

    if (r.channels === 1) {
      if (stereoInput) {
        // Up to now the right channel's history was the mono input: start from the left's state.
        if (!this.#stereo) conv[1]!.copyStateFrom(conv[0]!);
        this.#stereo = true;
        this.#stereoEnd = frame + qs;
      } else if (this.#stereo && frame >= this.#stereoEnd + r.length - 1) {
        // The stereo input no longer affects the output: back to one channel.
        this.#stereo = false;
        conv[1]!.reset();
      }
      if (this.#stereo) {
        out.setChannelCount(2);
        conv[0]!.process(left, out.channels[0]!);
        conv[1]!.process(right, out.channels[1]!);
      } else {
        out.setChannelCount(1);
        conv[0]!.process(left, out.channels[0]!);
      }
    } else if (r.channels === 2) {
      out.setChannelCount(2);
      conv[0]!.process(left, out.channels[0]!);
      conv[1]!.process(right, out.channels[1]!);
    } else {
      out.setChannelCount(2);
      const l = out.channels[0]!;
      const rr = out.channels[1]!;
      conv[0]!.process(left, l);
      conv[2]!.process(right, l, true);
      conv[1]!.process(left, rr);
      conv[3]!.process(right, rr, true);
    }
    if (!sound) {
      // Frames from soundEnd + length - 1 on are past the response: exactly zero, not round-off.
      const from = this.#soundEnd + r.length - 1 - frame;
      if (from < qs) for (let c = 0; c < out.numberOfChannels; c++) out.channels[c]!.fill(0, from);
    }
    out.silent = false;
  }
}

registerProcessor('ConvolverNode', (init) => new ConvolverProcessor(init));
