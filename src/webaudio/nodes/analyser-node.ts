/**
 * AnalyserNode (webaudio#AnalyserNode): passes audio through and exposes time- and frequency-domain
 * data. The render side appends the down-mixed input to a history in shared memory; the getters
 * read it synchronously on the control side and run the FFT there.
 */
import { AudioNode, contextArg, nodeCore, nodeOptions } from '../audio-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import type { ContextCore } from '../context-core.js';
import { indexSize } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type AudioProcessor, type ProcessorInit } from '../render/registry.js';
import {
  AnalyserKernel,
  createAnalyserHistory,
  isValidFftSize,
  writeAnalyserInput,
  type AnalyserHistory,
} from '../dsp/analyser.js';
import { INTERNAL, brand, dictionary, double, exposeMembers, toStringTag, unsignedLong } from '../../webidl/index.js';
import { installFactory } from './factory.js';

interface AnalyserSlots {
  core: ContextCore;
  kernel: AnalyserKernel;
  fftSize: number;
  minDecibels: number;
  maxDecibels: number;
  smoothingTimeConstant: number;
}

const slots = new WeakMap<object, AnalyserSlots>();

function checkFftSize(v: number, where: string): void {
  if (!isValidFftSize(v)) throw indexSize(`${where}: fftSize must be a power of two between 32 and 32768, got ${v}`);
}

function checkSmoothing(v: number, where: string): void {
  if (!(v >= 0 && v <= 1)) throw indexSize(`${where}: smoothingTimeConstant must be between 0 and 1, got ${v}`);
}

export class AnalyserNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'AnalyserNode');
    const where = "Failed to construct 'AnalyserNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    // AnalyserOptions members in lexicographic order.
    const fftSize = d.fftSize === undefined ? 2048 : unsignedLong(d.fftSize, `${where}: member fftSize of AnalyserOptions`);
    const maxDecibels = d.maxDecibels === undefined ? -30 : double(d.maxDecibels, `${where}: member maxDecibels of AnalyserOptions`);
    const minDecibels = d.minDecibels === undefined ? -100 : double(d.minDecibels, `${where}: member minDecibels of AnalyserOptions`);
    const smoothingTimeConstant = d.smoothingTimeConstant === undefined ? 0.8 : double(d.smoothingTimeConstant, `${where}: member smoothingTimeConstant of AnalyserOptions`);
    // The attributes' rules apply to the options; the decibel pair is checked as a whole so that
    // any valid combination can be given regardless of the defaults.
    checkFftSize(fftSize, where);
    if (!(minDecibels < maxDecibels)) throw indexSize(`${where}: minDecibels (${minDecibels}) must be less than maxDecibels (${maxDecibels})`);
    checkSmoothing(smoothingTimeConstant, where);
    const history: AnalyserHistory = createAnalyserHistory(true);
    super(INTERNAL, ctx, {
      kind: 'AnalyserNode',
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      processorOptions: { history },
    }, nodeOptions(d));
    slots.set(this, { core: nodeCore(this), kernel: new AnalyserKernel(history), fftSize, minDecibels, maxDecibels, smoothingTimeConstant });
  }

  get fftSize(): number {
    return brand(slots, this, 'AnalyserNode', 'fftSize').fftSize;
  }

  set fftSize(v: unknown) {
    const s = brand(slots, this, 'AnalyserNode', 'fftSize');
    const where = "Failed to set the 'fftSize' property on 'AnalyserNode'";
    const n = unsignedLong(v, where);
    checkFftSize(n, where);
    if (n !== s.fftSize) {
      // A new size resets the smoothing state (webaudio#dom-analysernode-fftsize).
      s.fftSize = n;
      s.kernel.resetSmoothing();
    }
  }

  get frequencyBinCount(): number {
    return brand(slots, this, 'AnalyserNode', 'frequencyBinCount').fftSize / 2;
  }

  get minDecibels(): number {
    return brand(slots, this, 'AnalyserNode', 'minDecibels').minDecibels;
  }

  set minDecibels(v: unknown) {
    const s = brand(slots, this, 'AnalyserNode', 'minDecibels');
    const where = "Failed to set the 'minDecibels' property on 'AnalyserNode'";
    const x = double(v, where);
    if (x >= s.maxDecibels) throw indexSize(`${where}: minDecibels (${x}) must be less than maxDecibels (${s.maxDecibels})`);
    s.minDecibels = x;
  }

  get maxDecibels(): number {
    return brand(slots, this, 'AnalyserNode', 'maxDecibels').maxDecibels;
  }

  set maxDecibels(v: unknown) {
    const s = brand(slots, this, 'AnalyserNode', 'maxDecibels');
    const where = "Failed to set the 'maxDecibels' property on 'AnalyserNode'";
    const x = double(v, where);
    if (x <= s.minDecibels) throw indexSize(`${where}: maxDecibels (${x}) must be greater than minDecibels (${s.minDecibels})`);
    s.maxDecibels = x;
  }

  get smoothingTimeConstant(): number {
    return brand(slots, this, 'AnalyserNode', 'smoothingTimeConstant').smoothingTimeConstant;
  }

  set smoothingTimeConstant(v: unknown) {
    const s = brand(slots, this, 'AnalyserNode', 'smoothingTimeConstant');
    const where = "Failed to set the 'smoothingTimeConstant' property on 'AnalyserNode'";
    const x = double(v, where);
    checkSmoothing(x, where);
    s.smoothingTimeConstant = x;
  }

  /** webaudio#dom-analysernode-getfloatfrequencydata */
  getFloatFrequencyData(array: unknown): void {
    const s = brand(slots, this, 'AnalyserNode', 'getFloatFrequencyData');
    const out = typedArg(array, Float32Array, 'Float32Array', 'getFloatFrequencyData', arguments.length);
    updateFrequencyData(s);
    s.kernel.getFloatFrequencyData(out);
  }

  /** webaudio#dom-analysernode-getbytefrequencydata */
  getByteFrequencyData(array: unknown): void {
    const s = brand(slots, this, 'AnalyserNode', 'getByteFrequencyData');
    const out = typedArg(array, Uint8Array, 'Uint8Array', 'getByteFrequencyData', arguments.length);
    updateFrequencyData(s);
    s.kernel.getByteFrequencyData(out, s.minDecibels, s.maxDecibels);
  }

  /** webaudio#dom-analysernode-getfloattimedomaindata */
  getFloatTimeDomainData(array: unknown): void {
    const s = brand(slots, this, 'AnalyserNode', 'getFloatTimeDomainData');
    const out = typedArg(array, Float32Array, 'Float32Array', 'getFloatTimeDomainData', arguments.length);
    s.kernel.getFloatTimeDomainData(s.fftSize, out);
  }

  /** webaudio#dom-analysernode-getbytetimedomaindata */
  getByteTimeDomainData(array: unknown): void {
    const s = brand(slots, this, 'AnalyserNode', 'getByteTimeDomainData');
    const out = typedArg(array, Uint8Array, 'Uint8Array', 'getByteTimeDomainData', arguments.length);
    s.kernel.getByteTimeDomainData(s.fftSize, out);
  }
}

// Within one render quantum the previous frequency data are returned (no new smoothing step).
function updateFrequencyData(s: AnalyserSlots): void {
  s.kernel.update(s.fftSize, s.smoothingTimeConstant, s.core.currentFrame);
}

function typedArg<T extends Float32Array | Uint8Array>(
  v: unknown,
  ctor: { new (n: number): T; prototype: T },
  name: string,
  method: string,
  count: number,
): T {
  const where = `Failed to execute '${method}' on 'AnalyserNode'`;
  if (count < 1) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
  if (!(v instanceof ctor)) throw new TypeError(`${where}: parameter 1 is not of type '${name}'`);
  return v as T;
}

toStringTag(AnalyserNode, 'AnalyserNode');
exposeMembers(AnalyserNode, [
  'getFloatFrequencyData', 'getByteFrequencyData', 'getFloatTimeDomainData', 'getByteTimeDomainData',
  'fftSize', 'frequencyBinCount', 'minDecibels', 'maxDecibels', 'smoothingTimeConstant',
]);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createAnalyser(): AnalyserNode;
  }
}
installFactory('createAnalyser', (c: BaseAudioContext) => new AnalyserNode(c));

class AnalyserProcessor implements AudioProcessor {
  readonly #history: AnalyserHistory;
  readonly #qs: number;
  readonly #silence: Float32Array[];

  constructor(init: ProcessorInit) {
    this.#history = (init.options as { history: AnalyserHistory }).history;
    this.#qs = init.quantumSize;
    this.#silence = [new Float32Array(init.quantumSize)];
  }

  process(inputs: readonly Bus[], outputs: readonly Bus[]): void {
    const input = inputs[0]!;
    const out = outputs[0]!;
    if (input.silent) {
      // Time still passes: the history records the silence.
      writeAnalyserInput(this.#history, this.#silence, this.#qs);
      out.makeSilent();
      return;
    }
    writeAnalyserInput(this.#history, input.channels, this.#qs);
    // The input passes to the output unprocessed.
    const n = input.numberOfChannels;
    out.setChannelCount(n);
    for (let c = 0; c < n; c++) out.channels[c]!.set(input.channels[c]!);
    out.silent = false;
  }
}

registerProcessor('AnalyserNode', (init) => new AnalyserProcessor(init));
