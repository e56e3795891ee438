/** OscillatorNode (webaudio#OscillatorNode): a band-limited periodic waveform source. */
import { contextArg, initParams, nodeOptions, nodeParam, postToProcessor } from '../audio-node.js';
import { MOST_POSITIVE_SINGLE_FLOAT, type AudioParam } from '../audio-param.js';
import { AudioScheduledSourceNode } from '../audio-scheduled-source-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidState } from '../errors.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import { ScheduledSourceProcessor, type StartMessage } from '../render/scheduled-source.js';
import { OscillatorKernel, computedOscFrequency } from '../dsp/oscillator.js';
import { WaveTableSet, type BuiltinWaveType, type WaveTableData } from '../dsp/periodic-wave.js';
import { INTERNAL, brand, dictionary, domString, enumeration, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';
import { isPeriodicWave, periodicWaveTables } from './periodic-wave.js';

export type OscillatorType = 'sine' | 'square' | 'sawtooth' | 'triangle' | 'custom';
const TYPES: readonly OscillatorType[] = ['sine', 'square', 'sawtooth', 'triangle', 'custom'];

/** detune's nominal range: +-1200 log2(FLT_MAX) cents. */
const DETUNE_LIMIT = 1200 * Math.log2(MOST_POSITIVE_SINGLE_FLOAT);

type OscMessage = { t: 'type'; type: BuiltinWaveType } | { t: 'wave'; wave: WaveTableData };

interface OscSlots {
  type: OscillatorType;
}

const slots = new WeakMap<object, OscSlots>();

export class OscillatorNode extends AudioScheduledSourceNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'OscillatorNode');
    const where = "Failed to construct 'OscillatorNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    // OscillatorOptions members after AudioNodeOptions, in lexicographic order.
    const detune = d.detune === undefined ? undefined : float(d.detune, `${where}: member detune of OscillatorOptions`);
    const frequency = d.frequency === undefined ? undefined : float(d.frequency, `${where}: member frequency of OscillatorOptions`);
    if (d.periodicWave !== undefined && !isPeriodicWave(d.periodicWave)) {
      throw new TypeError(`${where}: member periodicWave of OscillatorOptions is not of type 'PeriodicWave'`);
    }
    let type = d.type === undefined ? 'sine' : enumeration(d.type, TYPES, `${where}: member type of OscillatorOptions`);
    // webaudio#dom-oscillatoroptions-type: a periodicWave makes the type 'custom'; 'custom' needs one.
    let wave: WaveTableData | undefined;
    if (d.periodicWave !== undefined) {
      type = 'custom';
      wave = periodicWaveTables(d.periodicWave, where);
    } else if (type === 'custom') {
      throw invalidState(`${where}: type 'custom' requires a periodicWave`);
    }
    const nyquist = ctx.sampleRate / 2;
    super(INTERNAL, ctx, {
      kind: 'OscillatorNode',
      numberOfInputs: 0,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [
        { name: 'frequency', defaultValue: 440, minValue: -nyquist, maxValue: nyquist },
        { name: 'detune', defaultValue: 0, minValue: -DETUNE_LIMIT, maxValue: DETUNE_LIMIT },
      ],
      processorOptions: { type: type === 'custom' ? null : type, wave: wave ?? null },
    }, nodeOptions(d));
    slots.set(this, { type });
    initParams(this, { frequency, detune });
  }

  get type(): OscillatorType {
    return brand(slots, this, 'OscillatorNode', 'type').type;
  }

  set type(v: unknown) {
    const s = brand(slots, this, 'OscillatorNode', 'type');
    const str = domString(v, "Failed to set the 'type' property on 'OscillatorNode'");
    // An assignment that is not a valid enumeration value is ignored (WebIDL).
    if (!(TYPES as readonly string[]).includes(str)) return;
    if (str === 'custom') throw invalidState("Failed to set the 'type' property on 'OscillatorNode': 'custom' can only be set with setPeriodicWave()");
    s.type = str as OscillatorType;
    postToProcessor(this, { t: 'type', type: str as BuiltinWaveType } satisfies OscMessage);
  }

  get frequency(): AudioParam {
    return nodeParam(this, 'frequency');
  }

  get detune(): AudioParam {
    return nodeParam(this, 'detune');
  }

  /** webaudio#dom-oscillatornode-setperiodicwave */
  setPeriodicWave(periodicWave: unknown): void {
    const s = brand(slots, this, 'OscillatorNode', 'setPeriodicWave');
    const where = "Failed to execute 'setPeriodicWave' on 'OscillatorNode'";
    if (arguments.length < 1) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
    if (!isPeriodicWave(periodicWave)) throw new TypeError(`${where}: parameter 1 is not of type 'PeriodicWave'`);
    s.type = 'custom';
    postToProcessor(this, { t: 'wave', wave: periodicWaveTables(periodicWave, where) } satisfies OscMessage);
  }
}

toStringTag(OscillatorNode, 'OscillatorNode');
exposeMembers(OscillatorNode, ['type', 'frequency', 'detune', 'setPeriodicWave']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createOscillator(): OscillatorNode;
  }
}
installFactory('createOscillator', (c: BaseAudioContext) => new OscillatorNode(c));

class OscillatorProcessor extends ScheduledSourceProcessor {
  readonly #kernel: OscillatorKernel;
  readonly #range = { from: 0, to: 0 };
  readonly #freqOne = new Float32Array(1);
  readonly #detuneOne = new Float32Array(1);
  #phaseSet = false;

  constructor(init: ProcessorInit) {
    super(init);
    const o = init.options as { type: BuiltinWaveType | null; wave: WaveTableData | null };
    this.#kernel = new OscillatorKernel(
      o.wave !== null ? WaveTableSet.fromData(o.wave) : WaveTableSet.builtin(o.type ?? 'sine'),
    );
  }

  protected override handleStart(_msg: StartMessage): void {
    this.#phaseSet = false;
  }

  protected override handleMessage(msg: unknown): void {
    const m = msg as OscMessage;
    // Changing the wave keeps the phase (webaudio#dom-oscillatornode-type).
    if (m.t === 'type') this.#kernel.setWave(WaveTableSet.builtin(m.type));
    else if (m.t === 'wave') this.#kernel.setWave(WaveTableSet.fromData(m.wave));
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
      const fp = params[0]!;
      const dp = params[1]!;
      let freq = fp.values;
      let detune = dp.values;
      if (fp.constant) {
        this.#freqOne[0] = fp.values[0]!;
        freq = this.#freqOne;
      }
      if (dp.constant) {
        this.#detuneOne[0] = dp.values[0]!;
        detune = this.#detuneOne;
      }
      if (!this.#phaseSet) {
        // Phase zero at the exact start time: the first rendered frame lies up to one frame after it.
        this.#phaseSet = true;
        const f0 = computedOscFrequency(freq[fp.constant ? 0 : r.from]!, detune[dp.constant ? 0 : r.from]!, this.sampleRate);
        const late = (frame + r.from) / this.sampleRate - this.startTime;
        this.#kernel.reset(late > 0 ? f0 * late : 0);
      }
      if (r.from > 0) dst.fill(0, 0, r.from);
      this.#kernel.process(dst, r.from, r.to - r.from, freq, detune, this.sampleRate);
      if (r.to < dst.length) dst.fill(0, r.to);
      out.silent = false;
    }
    if (this.stopReached(frame)) this.end();
  }
}

registerProcessor('OscillatorNode', (init) => new OscillatorProcessor(init));
