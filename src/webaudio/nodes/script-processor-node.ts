/**
 * ScriptProcessorNode (webaudio#ScriptProcessorNode, deprecated but widely used by recorder and
 * level-meter libraries). The render side collects `bufferSize` input frames, hands them to the
 * control thread, which fires `audioprocess`; the output script wrote is played one buffer later
 * (bufferSize frames of latency). A reply that comes too late plays as silence. Events are only
 * dispatched while the node has an input or output connection.
 */
import { AudioNode, nodeCore, nodeId, postToProcessor } from '../audio-node.js';
import { audioBufferFrom, bufferChannels } from '../audio-buffer.js';
import { AudioProcessingEvent } from '../audio-processing-event.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { indexSize, notSupported } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from '../render/registry.js';
import { INTERNAL, brand, defineEventHandler, exposeMembers, illegalConstructor, toStringTag, unsignedLong } from '../../webidl/index.js';
import { installFactory } from './factory.js';

const VALID_SIZES = [256, 512, 1024, 2048, 4096, 8192, 16384];
const DEFAULT_SIZE = 1024;

interface SpnSlots {
  bufferSize: number;
  inputChannels: number;
  outputChannels: number;
  sampleRate: number;
}

const slots = new WeakMap<object, SpnSlots>();

export class ScriptProcessorNode extends AudioNode {
  declare onaudioprocess: ((ev: AudioProcessingEvent) => unknown) | null;

  constructor(token?: unknown, context?: BaseAudioContext, init?: { bufferSize: number; inputs: number; outputs: number }) {
    if (token !== INTERNAL || init === undefined || context === undefined) throw illegalConstructor('ScriptProcessorNode');
    const channelCount = Math.max(1, init.inputs);
    super(INTERNAL, context, {
      kind: 'ScriptProcessorNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { bufferSize: init.bufferSize, inputs: init.inputs, outputs: init.outputs },
      checkChannelCount(v) {
        if (v !== channelCount) throw notSupported(`ScriptProcessorNode channelCount is fixed at ${channelCount}, got ${v}`);
      },
      checkChannelCountMode(v) {
        if (v !== 'explicit') throw notSupported(`ScriptProcessorNode channelCountMode must stay 'explicit', got '${v}'`);
      },
    });
    slots.set(this, { bufferSize: init.bufferSize, inputChannels: init.inputs, outputChannels: init.outputs, sampleRate: context.sampleRate });
    nodeCore(this).listeners.set(nodeId(this), this);
  }

  get bufferSize(): number {
    return brand(slots, this, 'ScriptProcessorNode', 'bufferSize').bufferSize;
  }

  /** @internal A block of input arrived: fire audioprocess, then send the output back. */
  onRenderMessage(msg: unknown): void {
    const s = slots.get(this)!;
    const m = msg as { t: string; input: Float32Array[]; playbackTime: number; block: number };
    if (m.t !== 'block') return;
    const inputBuffer = audioBufferFrom(m.input, s.sampleRate);
    const outChannels: Float32Array[] = [];
    for (let c = 0; c < Math.max(1, s.outputChannels); c++) outChannels.push(new Float32Array(s.bufferSize));
    const outputBuffer = audioBufferFrom(outChannels, s.sampleRate);
    try {
      this.dispatchEvent(new AudioProcessingEvent('audioprocess', { playbackTime: m.playbackTime, inputBuffer, outputBuffer }));
    } finally {
      // Acquire the content of outputBuffer once dispatch completes.
      postToProcessor(this, { t: 'output', block: m.block, channels: bufferChannels(outputBuffer).map((c) => c.slice()) });
    }
  }
}

toStringTag(ScriptProcessorNode, 'ScriptProcessorNode');
exposeMembers(ScriptProcessorNode, ['bufferSize']);
defineEventHandler(ScriptProcessorNode, 'audioprocess', 'ScriptProcessorNode');

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createScriptProcessor(bufferSize?: number, numberOfInputChannels?: number, numberOfOutputChannels?: number): ScriptProcessorNode;
  }
}

installFactory('createScriptProcessor', (c: BaseAudioContext, args) => {
  const where = "Failed to execute 'createScriptProcessor' on 'BaseAudioContext'";
  let size = args[0] === undefined ? 0 : unsignedLong(args[0], `${where}: parameter 1`);
  const inputs = args[1] === undefined ? 2 : unsignedLong(args[1], `${where}: parameter 2`);
  const outputs = args[2] === undefined ? 2 : unsignedLong(args[2], `${where}: parameter 3`);
  if (size === 0) size = DEFAULT_SIZE;
  if (!VALID_SIZES.includes(size)) throw indexSize(`${where}: bufferSize must be 0 or one of ${VALID_SIZES.join(', ')}, got ${size}`);
  if (inputs === 0 && outputs === 0) throw indexSize(`${where}: numberOfInputChannels and numberOfOutputChannels cannot both be 0`);
  if (inputs > 32) throw indexSize(`${where}: numberOfInputChannels must be at most 32, got ${inputs}`);
  if (outputs > 32) throw indexSize(`${where}: numberOfOutputChannels must be at most 32, got ${outputs}`);
  return new ScriptProcessorNode(INTERNAL, c, { bufferSize: size, inputs, outputs });
});

class ScriptProcessor implements AudioProcessor {
  readonly #size: number;
  readonly #qs: number;
  readonly #sr: number;
  readonly #inCh: number;
  readonly #outCh: number;
  readonly #post: ProcessorInit['post'];
  #input: Float32Array[];
  #fill = 0;
  #block = 0;
  /** The block being played and the next one (filled by the control thread's reply). */
  #playing: Float32Array[] | null = null;
  #next: Float32Array[] | null = null;
  #nextBlock = -1;
  #readPos = 0;
  /** audioprocess is only dispatched while the node has an input or output connection. */
  #connected = false;

  constructor(init: ProcessorInit) {
    const o = init.options as { bufferSize: number; inputs: number; outputs: number };
    this.#size = o.bufferSize;
    this.#qs = init.quantumSize;
    this.#sr = init.sampleRate;
    this.#inCh = Math.max(1, o.inputs);
    this.#outCh = Math.max(1, o.outputs);
    this.#post = init.post;
    this.#input = this.#newInput();
  }

  #newInput(): Float32Array[] {
    const a: Float32Array[] = [];
    for (let c = 0; c < this.#inCh; c++) a.push(new Float32Array(this.#size));
    return a;
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
  }

  onMessage(msg: { t: string; block: number; channels: Float32Array[] }): void {
    if (msg.t === 'output') {
      this.#next = msg.channels;
      this.#nextBlock = msg.block;
    }
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[], _params: unknown, frame: number): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    const qs = this.#qs;
    // Output: the block computed from the previous input block.
    if (this.#readPos === 0) {
      this.#playing = this.#next !== null && this.#nextBlock === this.#block - 1 ? this.#next : null;
      this.#next = null;
    }
    out.setChannelCount(this.#outCh);
    const playing = this.#playing;
    if (playing === null) out.zero();
    else {
      for (let c = 0; c < this.#outCh; c++) {
        const src = playing[c];
        if (src === undefined) out.channels[c]!.fill(0);
        else out.channels[c]!.set(src.subarray(this.#readPos, this.#readPos + qs));
      }
      out.silent = false;
    }
    // Input: accumulate; hand a full block to the control thread.
    for (let c = 0; c < this.#inCh; c++) {
      const dst = this.#input[c]!;
      if (input.silent || c >= input.numberOfChannels) dst.fill(0, this.#fill, this.#fill + qs);
      else dst.set(input.channels[c]!, this.#fill);
    }
    this.#fill += qs;
    this.#readPos += qs;
    if (this.#fill >= this.#size) {
      this.#fill = 0;
      this.#readPos = 0;
      if (this.#connected) {
        // The block's arrays travel to the control thread; start a fresh set.
        const data = this.#input;
        this.#input = this.#newInput();
        // This block's output plays right after the block that is about to start.
        const playbackTime = (frame + qs) / this.#sr;
        this.#post({ t: 'block', input: data, playbackTime, block: this.#block }, data.map((d) => d.buffer as ArrayBuffer));
      }
      this.#block++;
    }
  }
}

registerProcessor('ScriptProcessorNode', (init) => new ScriptProcessor(init));
