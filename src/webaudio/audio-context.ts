/**
 * AudioContext (webaudio#AudioContext): a realtime context whose render engine runs in a
 * worker_threads Worker, so a busy main event loop does not glitch audio.
 *
 * Output ("sink"): the spec's `sinkId` ("" = the default output, or { type: 'none' }) plus the
 * non-spec option `mediacaptureSink` choosing where the default output goes:
 *   { type: 'none' }                    render in real time, output nothing (the default)
 *   { type: 'system', latencyMs? }      the machine's sound server (pacat); error event if none
 *   { type: 'file', path, format? }     a WAV file ('f32' float or 's16' PCM), valid after close()
 *   { type: 'stream', stream, format? } raw interleaved 'f32le' or 's16le' written to a Writable
 * The environment variable MEDIACAPTURE_AUDIO_OUTPUT=system makes 'system' the default.
 */
import type { Worker } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import { AudioSinkInfo, setSinkInfoType } from './audio-sink-info.js';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './audio-buffer.js';
import { BaseAudioContext, queueEvent } from './base-audio-context.js';
import { ContextCore, type ContextState } from './context-core.js';
import { checkSizeHint, chooseQuantumSize } from './render-size.js';
import { invalidAccess, invalidState, notAllowed, notSupported } from './errors.js';
import { STATE_FRAME, STATE_OUTPUT_LATENCY, STATE_PERF_TIME } from './render/protocol.js';
import { STATE_OUTPUT_FRAME } from './render/realtime-renderer.js';
import type { FromWorker, ToWorker, WorkerInit } from './render/worker-protocol.js';
import { RenderLink } from './render/render-host.js';
import { audioOutputFor } from '../devices/audio-output.js';
import type { SinkConfig } from './sinks/types.js';
import { INTERNAL, brand, defineEventHandler, dictionary, domString, double, exposeMembers, float, requiredMember, toStringTag, unsignedLong } from '../webidl/index.js';
import './nodes/all.js';
import { queueTask } from '../stream/tasks.js';

export type AudioContextLatencyCategory = 'balanced' | 'interactive' | 'playback';

export interface AudioTimestamp {
  contextTime: number;
  performanceTime: number;
}

/** The non-spec member of AudioContextOptions selecting the output. */
export type MediacaptureSink =
  | { type: 'none' }
  | { type: 'system'; latencyMs?: number }
  | { type: 'file'; path: string; format?: 'f32' | 's16' }
  | { type: 'stream'; stream: Writable; format?: 'f32le' | 's16le' };

const DEFAULT_SAMPLE_RATE = 48000;

interface Pending {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface RealtimeSlots {
  core: ContextCore;
  /** This context's session on a shared render thread (null once closed or lost). */
  worker: RenderLink | null;
  latencyHint: AudioContextLatencyCategory | number;
  leadFrames: number;
  /** [[sink ID]] */
  sinkId: string | AudioSinkInfo;
  /** The output chosen for the default sink ("" or { type: 'none' } use 'none'). */
  output: MediacaptureSink;
  stream: Writable | null;
  suspendedByUser: boolean;
  nextRequest: number;
  pending: Map<number, Pending>;
  /** setSinkId requests: the sinkId to install when the worker confirms. */
  pendingSink: Map<number, { sinkId: string | { type: 'none' }; resolve: () => void; reject: (e: unknown) => void }>;
  /** Worker kept referenced (keeps the process alive) only while rendering or waiting on it. */
  refed: boolean;
  streamBlocked: boolean;
}

const slots = new WeakMap<object, RealtimeSlots>();

/** webaudio#AudioContextOptions, with the non-spec mediacaptureSink. */
export interface AudioContextOptions {
  latencyHint?: AudioContextLatencyCategory | number;
  renderSizeHint?: 'default' | 'hardware' | number;
  sampleRate?: number;
  /** An output device id ("" for the default output), or { type: 'none' }. */
  sinkId?: string | { type: 'none' };
  mediacaptureSink?: MediacaptureSink;
}

export class AudioContext extends BaseAudioContext {
  declare onsinkchange: ((ev: Event) => unknown) | null;
  declare onerror: ((ev: Event) => unknown) | null;

  constructor(contextOptions?: AudioContextOptions) {
    const where = "Failed to construct 'AudioContext'";
    const d = dictionary(contextOptions, `${where}: parameter 1`);
    // AudioContextOptions members in order: latencyHint, renderSizeHint, sampleRate, sinkId.
    let latencyHint: AudioContextLatencyCategory | number = 'interactive';
    if (d.latencyHint !== undefined) {
      if (typeof d.latencyHint === 'number') latencyHint = double(d.latencyHint, `${where}: member latencyHint of AudioContextOptions`);
      else {
        const s = domString(d.latencyHint, `${where}: member latencyHint of AudioContextOptions`);
        if (s !== 'balanced' && s !== 'interactive' && s !== 'playback') {
          throw new TypeError(`${where}: member latencyHint of AudioContextOptions: '${s}' is not a valid enumeration value (expected 'balanced', 'interactive', 'playback' or a number)`);
        }
        latencyHint = s;
      }
    }
    let sizeHint = -1;
    if (typeof d.renderSizeHint === 'string' && d.renderSizeHint !== 'default' && d.renderSizeHint !== 'hardware') {
      throw new TypeError(`${where}: member renderSizeHint of AudioContextOptions: '${d.renderSizeHint}' is not a valid enumeration value (expected 'default', 'hardware' or a number)`);
    }
    if (d.renderSizeHint !== undefined && typeof d.renderSizeHint !== 'string') {
      const hint = unsignedLong(d.renderSizeHint, `${where}: member renderSizeHint of AudioContextOptions`);
      sizeHint = hint;
    }
    let sampleRate = DEFAULT_SAMPLE_RATE;
    if (d.sampleRate !== undefined) {
      sampleRate = float(d.sampleRate, `${where}: member sampleRate of AudioContextOptions`);
      // webaudio#sample-rates
      if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
        throw notSupported(`${where}: sampleRate ${sampleRate} is outside the supported range ${MIN_SAMPLE_RATE}..${MAX_SAMPLE_RATE} Hz`);
      }
    }
    checkSizeHint(sizeHint, sampleRate, where);
    let sinkArg: string | { type: 'none' } = '';
    if (d.sinkId !== undefined) sinkArg = convertSinkId(d.sinkId, `${where}: member sinkId of AudioContextOptions`);
    const output = convertOutput(d.mediacaptureSink, `${where}: member mediacaptureSink of AudioContextOptions`);

    const core = new ContextCore(sampleRate, false, chooseQuantumSize(sizeHint));
    super(INTERNAL, core, { channelCount: 2, maxChannelCount: 32 });
    const leadFrames = leadFor(latencyHint, sampleRate, core.quantumSize);
    const s: RealtimeSlots = {
      core,
      worker: null,
      latencyHint,
      leadFrames,
      sinkId: '',
      output,
      stream: output.type === 'stream' ? output.stream : null,
      suspendedByUser: false,
      nextRequest: 1,
      pending: new Map(),
      pendingSink: new Map(),
      refed: true,
      streamBlocked: false,
    };
    slots.set(this, s);

    const init: WorkerInit = { sampleRate, quantumSize: core.quantumSize, channels: 2, leadFrames, stateBuffer: core.state.buffer };
    const worker = new RenderLink(init);
    s.worker = worker;
    worker.on('message', (m: FromWorker) => this.#onWorkerMessage(s, m));
    // The render thread is gone: nothing may stay pending.
    worker.on('exit', (reason: string) => {
      if (s.worker === null) return;
      s.worker = null;
      core.deliver = null;
      core.controlState = 'closed';
      for (const p of s.pending.values()) p.reject(invalidState(reason));
      s.pending.clear();
      for (const p of s.pendingSink.values()) p.reject(invalidState(reason));
      s.pendingSink.clear();
      this.dispatchEvent(new ErrorEventLike('error', reason));
      this.#setState(s, 'closed');
    });
    core.deliver = (batch) => this.#post(s, { t: 'batch', batch });
    core.attachWorklet = (ports) => this.#post(s, { t: 'worklet', ports });
    // A failing output stream must not crash the process: report it and stop writing to it.
    s.stream?.on('error', (e: Error) => {
      s.stream = null;
      queueEvent(this, new ErrorEventLike('error', `the output stream failed: ${e.message}`));
    });
    core.onRenderError = (message) => queueEvent(this, new ErrorEventLike('error', message));
    // Step 11.1: [[sink ID at construction]]; step 12: start processing (always allowed here).
    const validation = validateSinkId(sinkArg);
    if (!validation) {
      // Start processing step 2: invalid sink id -> [[sink ID]] = "" and an error event.
      s.sinkId = '';
      queueEvent(this, new ErrorEventLike('error', `sinkId '${String(sinkArg)}' does not identify an audio output device`));
      this.#unref(s);
      return;
    }
    const config = sinkConfig(sinkArg, s);
    const id = s.nextRequest++;
    s.pending.set(id, {
      resolve: () => {
        s.sinkId = typeof sinkArg === 'string' ? sinkArg : new AudioSinkInfo(INTERNAL, 'none');
      },
      reject: () => {},
    });
    this.#post(s, { t: 'start', id, sink: config });
  }

  get baseLatency(): number {
    const s = brand(slots, this, 'AudioContext', 'baseLatency');
    return s.leadFrames / s.core.sampleRate;
  }

  get outputLatency(): number {
    return brand(slots, this, 'AudioContext', 'outputLatency').core.state.header[STATE_OUTPUT_LATENCY]!;
  }

  get sinkId(): string | AudioSinkInfo {
    return brand(slots, this, 'AudioContext', 'sinkId').sinkId;
  }

  /** webaudio#dom-audiocontext-getoutputtimestamp */
  getOutputTimestamp(): AudioTimestamp {
    const s = brand(slots, this, 'AudioContext', 'getOutputTimestamp');
    const h = s.core.state.header;
    if (h[STATE_FRAME] === 0) return { contextTime: 0, performanceTime: 0 };
    return {
      contextTime: h[STATE_OUTPUT_FRAME]! / s.core.sampleRate,
      performanceTime: Math.max(0, h[STATE_PERF_TIME]! - performance.timeOrigin),
    };
  }

  /** webaudio#dom-audiocontext-resume */
  resume(): Promise<void> {
    let s: RealtimeSlots;
    try {
      s = brand(slots, this, 'AudioContext', 'resume');
    } catch (e) {
      return Promise.reject(e);
    }
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('cannot resume a closed AudioContext'));
    s.suspendedByUser = false;
    s.core.controlState = 'running';
    return this.#request(s, (id) => ({ t: 'resume', id }));
  }

  /** webaudio#dom-audiocontext-suspend */
  suspend(): Promise<void> {
    let s: RealtimeSlots;
    try {
      s = brand(slots, this, 'AudioContext', 'suspend');
    } catch (e) {
      return Promise.reject(e);
    }
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('cannot suspend a closed AudioContext'));
    s.suspendedByUser = true;
    s.core.controlState = 'suspended';
    return this.#request(s, (id) => ({ t: 'suspend', id }));
  }

  /** webaudio#dom-audiocontext-close */
  close(): Promise<void> {
    let s: RealtimeSlots;
    try {
      s = brand(slots, this, 'AudioContext', 'close');
    } catch (e) {
      return Promise.reject(e);
    }
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('the AudioContext is already closed'));
    s.core.flush();
    s.core.controlState = 'closed';
    return this.#request(s, (id) => ({ t: 'close', id }));
  }

  /** webaudio#dom-audiocontext-setsinkid-domstring-or-audiosinkoptions-sinkid */
  setSinkId(sinkId: unknown): Promise<void> {
    let s: RealtimeSlots;
    let arg: string | { type: 'none' };
    try {
      s = brand(slots, this, 'AudioContext', 'setSinkId');
      arg = convertSinkId(sinkId, "Failed to execute 'setSinkId' on 'AudioContext': parameter 1");
    } catch (e) {
      return Promise.reject(e);
    }
    // 2. Equal to [[sink ID]]: resolve at once.
    if (sinkEquals(arg, s.sinkId)) return Promise.resolve();
    // 3-4. Validation.
    if (!validateSinkId(arg)) return Promise.reject(notAllowed(`sinkId '${String(arg)}' does not identify an audio output device`));
    if (s.core.controlState === 'closed' || s.worker === null) return Promise.reject(invalidState('the AudioContext is closed'));
    return new Promise<void>((resolve, reject) => {
      const id = s.nextRequest++;
      s.pendingSink.set(id, { sinkId: arg, resolve, reject });
      this.#ref(s);
      this.#post(s, { t: 'setSink', id, sink: sinkConfig(arg, s) });
    });
  }

  #post(s: RealtimeSlots, m: ToWorker): void {
    if (m.t !== 'batch') s.core.flush();
    const transfer = m.t === 'batch' ? m.batch.transfer : m.t === 'worklet' ? [m.ports.control, m.ports.user] : undefined;
    s.worker?.postMessage(m, transfer ?? []);
  }

  #request(s: RealtimeSlots, make: (id: number) => ToWorker): Promise<void> {
    if (s.worker === null) return Promise.reject(invalidState('the AudioContext has no render thread'));
    const id = s.nextRequest++;
    this.#ref(s);
    return new Promise<void>((resolve, reject) => {
      s.pending.set(id, { resolve, reject });
      this.#post(s, make(id));
    });
  }

  #ref(s: RealtimeSlots): void {
    if (!s.refed && s.worker) {
      s.worker.ref();
      s.refed = true;
    }
  }

  #unref(s: RealtimeSlots): void {
    if (s.refed && s.worker) {
      s.worker.unref();
      s.refed = false;
    }
  }

  /** Keep the process alive while rendering or while a request is outstanding. */
  #updateRef(s: RealtimeSlots): void {
    if (s.core.stateAttr === 'running' || s.pending.size > 0 || s.pendingSink.size > 0) this.#ref(s);
    else this.#unref(s);
  }

  #setState(s: RealtimeSlots, state: ContextState, fireNow = false): void {
    if (s.core.stateAttr === state) return;
    s.core.stateAttr = state;
    if (fireNow) this.dispatchEvent(new Event('statechange'));
    else queueEvent(this, new Event('statechange'));
  }

  #onWorkerMessage(s: RealtimeSlots, m: FromWorker): void {
    const core = s.core;
    switch (m.t) {
      case 'render':
        core.dispatchRenderMessage(m.msg);
        return;
      case 'chunk': {
        const stream = s.stream;
        if (stream && !stream.destroyed && !stream.writableEnded) {
          const ok = stream.write(Buffer.from(m.data));
          if (!ok && !s.streamBlocked) {
            // Backpressure: the renderer waits until the Writable drains.
            s.streamBlocked = true;
            s.worker?.postMessage({ t: 'streamBlocked', blocked: true } satisfies ToWorker);
            stream.once('drain', () => {
              s.streamBlocked = false;
              s.worker?.postMessage({ t: 'streamBlocked', blocked: false } satisfies ToWorker);
            });
          }
        }
        return;
      }
      case 'running':
        // Start processing / resume: resolve the promise, then state 'running' + statechange
        // (queued for resume; fired in the same task around setSinkId, id -1).
        queueTask(() => {
          this.#settle(s, m.id, true);
          if (core.controlState !== 'closed') {
            if (m.id !== -1 || !s.suspendedByUser) core.controlState = 'running';
            this.#setState(s, 'running', m.id === -1);
          }
          this.#updateRef(s);
        });
        return;
      case 'suspended':
        queueTask(() => {
          this.#settle(s, m.id, true);
          if (core.stateAttr !== 'closed') this.#setState(s, 'suspended', m.id === -1);
          this.#updateRef(s);
        });
        return;
      case 'closed':
        queueTask(() => {
          this.#settle(s, m.id, true);
          this.#setState(s, 'closed');
          for (const p of s.pending.values()) p.reject(invalidState('the AudioContext was closed'));
          s.pending.clear();
          for (const p of s.pendingSink.values()) p.reject(invalidState('the AudioContext was closed'));
          s.pendingSink.clear();
          const w = s.worker;
          s.worker = null;
          core.deliver = null;
          w?.removeAllListeners('exit');
          // A stream sink's Writable stays open: it belongs to the caller.
          void w?.terminate();
        });
        return;
      case 'sinkFailed': {
        queueTask(() => {
          const ps = s.pendingSink.get(m.id);
          if (ps) {
            // setSinkId step 10: acquisition failure rejects with InvalidAccessError.
            s.pendingSink.delete(m.id);
            ps.reject(invalidAccess(`cannot use the requested audio output: ${m.message}`));
          } else {
            s.pending.delete(m.id);
            this.dispatchEvent(new ErrorEventLike('error', `cannot use the audio output: ${m.message}`));
          }
          this.#updateRef(s);
        });
        return;
      }
      case 'sinkChanged':
        queueTask(() => {
          const ps = s.pendingSink.get(m.id);
          if (!ps) return;
          s.pendingSink.delete(m.id);
          // Step 11 (with G12: update, resolve and fire for both kinds of id).
          if (typeof ps.sinkId === 'string') s.sinkId = ps.sinkId;
          else if (typeof s.sinkId === 'string') s.sinkId = new AudioSinkInfo(INTERNAL, ps.sinkId.type);
          else setSinkInfoType(s.sinkId, ps.sinkId.type);
          ps.resolve();
          this.dispatchEvent(new Event('sinkchange'));
          this.#updateRef(s);
        });
        return;
      case 'sinkError':
        queueTask(() => {
          this.dispatchEvent(new ErrorEventLike('error', m.message));
          this.#setState(s, 'suspended');
          core.controlState = 'suspended';
          this.#updateRef(s);
        });
        return;
    }
  }

  #settle(s: RealtimeSlots, id: number, ok: boolean): void {
    const p = s.pending.get(id);
    if (!p) return;
    s.pending.delete(id);
    if (ok) p.resolve();
    else p.reject(invalidState('request failed'));
  }
}

/** An 'error' Event carrying a readable message (the spec fires a plain Event). */
class ErrorEventLike extends Event {
  readonly message: string;
  constructor(type: string, message: string) {
    super(type);
    this.message = message;
  }
}

function convertSinkId(v: unknown, context: string): string | { type: 'none' } {
  if (typeof v === 'object' && v !== null) {
    const d = dictionary(v, context);
    const type = domString(requiredMember(d, 'type', `${context} (AudioSinkOptions)`), `${context}: member type of AudioSinkOptions`);
    if (type !== 'none') throw new TypeError(`${context}: member type of AudioSinkOptions: '${type}' is not a valid enumeration value (expected 'none')`);
    return { type: 'none' };
  }
  return domString(v, context);
}

/** webaudio#validating-sink-identifier, with G10: a non-empty id that matches no device is invalid. */
/** webaudio#validating-sink-identifier ("speaker-selection" is always allowed here). */
function validateSinkId(id: string | { type: 'none' }): boolean {
  if (typeof id === 'string') return id === '' || audioOutputFor(id) !== null;
  return true;
}

function sinkEquals(a: string | { type: 'none' }, b: string | AudioSinkInfo): boolean {
  if (typeof a === 'string') return typeof b === 'string' && a === b;
  return typeof b !== 'string' && b.type === a.type;
}

function sinkConfig(id: string | { type: 'none' }, s: RealtimeSlots): SinkConfig {
  if (typeof id !== 'string') return { type: 'none' };
  const o = s.output;
  if (id !== '') {
    // An audio output device enumerateDevices() exposes: a sound-server sink is played to by
    // name; a synthetic speaker is a virtual device that takes the audio in real time.
    const device = audioOutputFor(id);
    const pulse = device?.internalId.startsWith('pulse:sink:') ? device.internalId.slice('pulse:sink:'.length) : null;
    if (pulse !== null) return { type: 'system', device: pulse, ...(o.type === 'system' && o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}) };
    return { type: 'none' };
  }
  if (o.type === 'stream') return { type: 'stream', format: o.format ?? 'f32le' };
  return o;
}

function convertOutput(v: unknown, context: string): MediacaptureSink {
  if (v === undefined) {
    return process.env.MEDIACAPTURE_AUDIO_OUTPUT === 'system' ? { type: 'system' } : { type: 'none' };
  }
  const d = dictionary(v, context);
  const type = domString(requiredMember(d, 'type', context), `${context}: member type`);
  switch (type) {
    case 'none':
      return { type: 'none' };
    case 'system': {
      const latencyMs = d.latencyMs === undefined ? undefined : double(d.latencyMs, `${context}: member latencyMs`);
      if (latencyMs !== undefined && !(latencyMs > 0)) throw new RangeError(`${context}: latencyMs must be positive, got ${latencyMs}`);
      return latencyMs === undefined ? { type: 'system' } : { type: 'system', latencyMs };
    }
    case 'file': {
      const path = domString(requiredMember(d, 'path', context), `${context}: member path`);
      const format = d.format === undefined ? 'f32' : domString(d.format, `${context}: member format`);
      if (format !== 'f32' && format !== 's16') throw new TypeError(`${context}: member format must be 'f32' or 's16', got '${format}'`);
      return { type: 'file', path, format };
    }
    case 'stream': {
      const stream = requiredMember(d, 'stream', context) as Writable;
      if (typeof (stream as { write?: unknown }).write !== 'function') throw new TypeError(`${context}: member stream is not a Writable`);
      const format = d.format === undefined ? 'f32le' : domString(d.format, `${context}: member format`);
      if (format !== 'f32le' && format !== 's16le') throw new TypeError(`${context}: member format must be 'f32le' or 's16le', got '${format}'`);
      return { type: 'stream', stream, format };
    }
    default:
      throw new TypeError(`${context}: member type '${type}' is not one of 'none', 'system', 'file', 'stream'`);
  }
}

/** Frames rendered ahead of the output position for a latencyHint (whole quanta, at least 2). */
function leadFor(hint: AudioContextLatencyCategory | number, sampleRate: number, qs: number): number {
  let seconds: number;
  if (typeof hint === 'number') seconds = Math.max(0, hint);
  else seconds = hint === 'interactive' ? 0 : hint === 'balanced' ? 0.02 : 0.08;
  return Math.max(2, Math.ceil((seconds * sampleRate) / qs)) * qs;
}

toStringTag(AudioContext, 'AudioContext');
exposeMembers(AudioContext, ['baseLatency', 'outputLatency', 'sinkId', 'getOutputTimestamp', 'resume', 'suspend', 'close', 'setSinkId']);
defineEventHandler(AudioContext, 'sinkchange', 'AudioContext');
defineEventHandler(AudioContext, 'error', 'AudioContext');

/** The render thread a realtime context runs on, for fault-injection tests (null once it is gone). */
export function renderWorkerOf(context: AudioContext): Worker | null {
  return brand(slots, context, 'AudioContext', 'renderWorkerOf').worker?.thread ?? null;
}
