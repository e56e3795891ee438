/**
 * AudioBufferSourceNode (webaudio#AudioBufferSourceNode). The processor follows the normative
 * playback algorithm (webaudio#playback-AudioBufferSourceNode), tracking the playhead in buffer
 * sample frames so that unit-rate playback reads exact samples, with linear interpolation
 * between frames otherwise.
 */
import { contextArg, initParams, nodeParam } from '../audio-node.js';
import type { AudioParam } from '../audio-param.js';
import { acquireContent, isAudioBuffer, type AudioBuffer } from '../audio-buffer.js';
import { AudioScheduledSourceNode } from '../audio-scheduled-source-node.js';
import type { BaseAudioContext } from '../base-audio-context.js';
import { invalidState } from '../errors.js';
import { postToProcessor } from '../audio-node.js';
import type { Bus } from '../render/bus.js';
import { registerProcessor, type ParamBuffer, type ProcessorInit } from '../render/registry.js';
import { ScheduledSourceProcessor, type StartMessage } from '../render/scheduled-source.js';
import { INTERNAL, boolean, brand, dictionary, double, exposeMembers, float, toStringTag } from '../../webidl/index.js';
import { installFactory } from './factory.js';

interface AbsnSlots {
  buffer: AudioBuffer | null;
  bufferSet: boolean;
  started: boolean;
  loop: boolean;
  loopStart: number;
  loopEnd: number;
}

const slots = new WeakMap<object, AbsnSlots>();

export class AudioBufferSourceNode extends AudioScheduledSourceNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = contextArg(context, 'AudioBufferSourceNode');
    const where = "Failed to construct 'AudioBufferSourceNode'";
    const d = dictionary(options, `${where}: parameter 2`);
    const buffer = d.buffer;
    if (buffer !== undefined && buffer !== null && !isAudioBuffer(buffer)) throw new TypeError(`${where}: member buffer is not of type 'AudioBuffer'`);
    const detune = d.detune === undefined ? undefined : float(d.detune, `${where}: member detune of AudioBufferSourceOptions`);
    const loop = d.loop === undefined ? false : boolean(d.loop);
    const loopEnd = d.loopEnd === undefined ? 0 : double(d.loopEnd, `${where}: member loopEnd of AudioBufferSourceOptions`);
    const loopStart = d.loopStart === undefined ? 0 : double(d.loopStart, `${where}: member loopStart of AudioBufferSourceOptions`);
    const playbackRate = d.playbackRate === undefined ? undefined : float(d.playbackRate, `${where}: member playbackRate of AudioBufferSourceOptions`);
    super(INTERNAL, ctx, {
      kind: 'AudioBufferSourceNode',
      numberOfInputs: 0,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      params: [
        { name: 'playbackRate', defaultValue: 1, automationRate: 'k-rate', kRateOnly: true },
        { name: 'detune', defaultValue: 0, automationRate: 'k-rate', kRateOnly: true },
      ],
    });
    slots.set(this, { buffer: null, bufferSet: false, started: false, loop, loopStart, loopEnd });
    initParams(this, { playbackRate, detune });
    postToProcessor(this, { t: 'loop', loop, loopStart, loopEnd });
    if (buffer !== undefined && buffer !== null) this.buffer = buffer;
  }

  get buffer(): AudioBuffer | null {
    return brand(slots, this, 'AudioBufferSourceNode', 'buffer').buffer;
  }

  /** webaudio#dom-audiobuffersourcenode-buffer */
  set buffer(v: unknown) {
    const s = brand(slots, this, 'AudioBufferSourceNode', 'buffer');
    const where = "Failed to set the 'buffer' property on 'AudioBufferSourceNode'";
    if (v !== null && !isAudioBuffer(v)) throw new TypeError(`${where}: the provided value is not of type 'AudioBuffer'`);
    // 2. A second non-null buffer is an error.
    if (v !== null && s.bufferSet) throw invalidState(`${where}: the buffer has already been set`);
    if (v !== null) s.bufferSet = true;
    s.buffer = v;
    // After start() the setter acquires the content at once (webaudio#acquire-the-content).
    if (s.started) sendBuffer(this, v);
  }

  get playbackRate(): AudioParam {
    return nodeParam(this, 'playbackRate');
  }

  get detune(): AudioParam {
    return nodeParam(this, 'detune');
  }

  get loop(): boolean {
    return brand(slots, this, 'AudioBufferSourceNode', 'loop').loop;
  }

  set loop(v: unknown) {
    const s = brand(slots, this, 'AudioBufferSourceNode', 'loop');
    s.loop = boolean(v);
    postToProcessor(this, { t: 'loop', loop: s.loop, loopStart: s.loopStart, loopEnd: s.loopEnd });
  }

  get loopStart(): number {
    return brand(slots, this, 'AudioBufferSourceNode', 'loopStart').loopStart;
  }

  set loopStart(v: unknown) {
    const s = brand(slots, this, 'AudioBufferSourceNode', 'loopStart');
    s.loopStart = double(v, "Failed to set the 'loopStart' property on 'AudioBufferSourceNode'");
    postToProcessor(this, { t: 'loop', loop: s.loop, loopStart: s.loopStart, loopEnd: s.loopEnd });
  }

  get loopEnd(): number {
    return brand(slots, this, 'AudioBufferSourceNode', 'loopEnd').loopEnd;
  }

  set loopEnd(v: unknown) {
    const s = brand(slots, this, 'AudioBufferSourceNode', 'loopEnd');
    s.loopEnd = double(v, "Failed to set the 'loopEnd' property on 'AudioBufferSourceNode'");
    postToProcessor(this, { t: 'loop', loop: s.loop, loopStart: s.loopStart, loopEnd: s.loopEnd });
  }

  /** webaudio#dom-audiobuffersourcenode-start */
  override start(when: unknown = 0, offset?: unknown, duration?: unknown): void {
    const s = brand(slots, this, 'AudioBufferSourceNode', 'start');
    const where = "Failed to execute 'start' on 'AudioBufferSourceNode'";
    this.assertStartable(where);
    const w = double(when, `${where}: parameter 1`);
    const o = offset === undefined ? 0 : double(offset, `${where}: parameter 2`);
    const dur = duration === undefined ? undefined : double(duration, `${where}: parameter 3`);
    if (w < 0) throw new RangeError(`${where}: when must not be negative, got ${w}`);
    if (o < 0) throw new RangeError(`${where}: offset must not be negative, got ${o}`);
    if (dur !== undefined && dur < 0) throw new RangeError(`${where}: duration must not be negative, got ${dur}`);
    s.started = true;
    // Acquire the buffer's content at start().
    if (s.buffer !== null) sendBuffer(this, s.buffer);
    this.startMessage(w, dur === undefined ? { offset: o } : { offset: o, duration: dur });
  }
}

function sendBuffer(node: AudioBufferSourceNode, buffer: AudioBuffer | null): void {
  postToProcessor(node, { t: 'buffer', data: buffer === null ? null : acquireContent(buffer) });
}

toStringTag(AudioBufferSourceNode, 'AudioBufferSourceNode');
exposeMembers(AudioBufferSourceNode, ['buffer', 'playbackRate', 'detune', 'loop', 'loopStart', 'loopEnd', 'start']);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createBufferSource(): AudioBufferSourceNode;
  }
}
installFactory('createBufferSource', (c: BaseAudioContext) => new AudioBufferSourceNode(c));

interface BufferData {
  sampleRate: number;
  length: number;
  channels: Float32Array[];
}

class BufferSourceProcessor extends ScheduledSourceProcessor {
  #buffer: BufferData | null = null;
  #loop = false;
  #loopStart = 0;
  #loopEnd = 0;
  #offset = 0;
  #duration = Infinity;
  /** Playhead in buffer sample frames, and buffer frames played (for `duration`). */
  #pos = 0;
  #elapsed = 0;
  #started = false;
  #enteredLoop = false;
  readonly #range = { from: 0, to: 0 };

  constructor(init: ProcessorInit) {
    super(init);
  }

  protected override handleStart(msg: StartMessage): void {
    this.#offset = msg.offset ?? 0;
    if (msg.duration !== undefined) this.#duration = msg.duration;
  }

  protected override handleMessage(msg: { t: string; data?: BufferData | null; loop?: boolean; loopStart?: number; loopEnd?: number }): void {
    if (msg.t === 'buffer') this.#buffer = msg.data ?? null;
    else if (msg.t === 'loop') {
      this.#loop = msg.loop!;
      this.#loopStart = msg.loopStart!;
      this.#loopEnd = msg.loopEnd!;
    }
  }

  process(_inputs: readonly Bus[], outputs: readonly Bus[], params: readonly ParamBuffer[], frame: number): void {
    const out = outputs[0]!;
    const buffer = this.#buffer;
    const r = this.#range;
    if (this.finished) {
      out.makeSilent();
      return;
    }
    this.activeRange(frame, r);
    if (buffer === null) {
      // A null buffer plays silence; the node still ends at its stop time.
      out.makeSilent();
      if (this.stopReached(frame)) this.end();
      return;
    }
    if (r.from >= r.to) {
      out.makeSilent();
      if (this.stopReached(frame)) this.end();
      return;
    }
    const bufRate = buffer.sampleRate;
    const length = buffer.length;
    const bufDuration = length / bufRate;
    // k-rate: computedPlaybackRate = playbackRate * 2^(detune/1200).
    const rate = params[0]!.values[0]! * Math.pow(2, params[1]!.values[0]! / 1200);
    const step = (rate * bufRate) / this.sampleRate;
    let loopStartT = 0;
    let loopEndT = bufDuration;
    const loop = this.#loop;
    if (loop) {
      if (this.#loopStart >= 0 && this.#loopEnd > 0 && this.#loopStart < this.#loopEnd) {
        loopStartT = this.#loopStart;
        loopEndT = Math.min(this.#loopEnd, bufDuration);
      }
    } else {
      this.#enteredLoop = false;
    }
    const loopStartF = loopStartT * bufRate;
    const loopEndF = loopEndT * bufRate;
    const offsetF = this.#offset * bufRate;
    const durationF = this.#duration * bufRate;
    const nch = buffer.channels.length;
    out.setChannelCount(nch);
    const chans = out.channels;
    for (let c = 0; c < nch; c++) {
      chans[c]!.fill(0, 0, r.from);
      chans[c]!.fill(0, r.to);
    }
    let done = false;
    for (let i = r.from; i < r.to; i++) {
      if (this.#elapsed >= durationF) {
        done = true;
        for (let c = 0; c < nch; c++) chans[c]!.fill(0, i, r.to);
        break;
      }
      if (!this.#started) {
        let off = offsetF;
        if (loop && rate >= 0 && off >= loopEndF) off = loopEndF;
        if (rate < 0 && loop && off < loopStartF) off = loopStartF;
        // Sub-sample accurate start: the first frame at or after `when` lies (t - when) seconds
        // into playback, so the playhead starts that far past the offset.
        const late = (frame + i) / this.sampleRate - this.startTime;
        const advance = late > 0 ? late * rate * bufRate : 0;
        this.#pos = off + advance;
        this.#elapsed = Math.abs(advance);
        this.#started = true;
      }
      let pos = this.#pos;
      if (loop) {
        if (!this.#enteredLoop) {
          if (offsetF < loopEndF && pos >= loopStartF) this.#enteredLoop = true;
          if (offsetF >= loopEndF && pos < loopEndF) this.#enteredLoop = true;
        }
        if (this.#enteredLoop && loopEndF > loopStartF) {
          const span = loopEndF - loopStartF;
          while (pos >= loopEndF) pos -= span;
          while (pos < loopStartF) pos += span;
        }
      }
      if (pos >= 0 && pos < length) {
        const k = Math.floor(pos);
        const f = pos - k;
        for (let c = 0; c < nch; c++) {
          const data = buffer.channels[c]!;
          const a = data[k]!;
          if (f === 0) chans[c]![i] = a;
          else {
            let next = k + 1;
            if (loop && this.#enteredLoop && next >= loopEndF) next = Math.floor(next - (loopEndF - loopStartF));
            const b = next < length && next >= 0 ? data[next]! : 0;
            chans[c]![i] = a + (b - a) * f;
          }
        }
      } else {
        for (let c = 0; c < nch; c++) chans[c]![i] = 0;
        // Without a loop, the playhead has left the buffer for good: playback is over.
        if (!loop && ((step >= 0 && pos >= length) || (step < 0 && pos < 0))) {
          done = true;
          for (let c = 0; c < nch; c++) chans[c]!.fill(0, i, r.to);
          break;
        }
      }
      this.#pos = pos + step;
      this.#elapsed += Math.abs(step);
    }
    out.silent = false;
    if (done || this.stopReached(frame)) this.end();
  }
}

registerProcessor('AudioBufferSourceNode', (init) => new BufferSourceProcessor(init));
