/**
 * OfflineAudioContext (webaudio#OfflineAudioContext; constructor and method shapes follow the
 * newer idl/webaudio.idl). Renders in-process with the same RenderEngine a realtime context runs
 * in its worker, as fast as the CPU allows, in chunks that yield to the event loop so promises,
 * events and suspend()/resume() work while rendering.
 */
import { setImmediate } from 'node:timers';
import { audioBufferFrom, checkBufferShape, type AudioBuffer } from './audio-buffer.js';
import { BaseAudioContext, queueEvent } from './base-audio-context.js';
import { ContextCore } from './context-core.js';
import { checkSizeHint, chooseQuantumSize } from './render-size.js';
import { invalidState, notSupported } from './errors.js';
import { OfflineAudioCompletionEvent } from './offline-audio-completion-event.js';
import { RenderEngine } from './render/engine.js';
import type { RenderMessage } from './render/protocol.js';
import { INTERNAL, brand, defineEventHandler, dictionary, double, exposeMembers, float, requiredMember, toStringTag, unsignedLong } from '../webidl/index.js';
import './nodes/all.js';
import { WorkletGlobalScope } from './worklet/global-scope.js';
import { queueTask, nextTask } from '../stream/tasks.js';

interface OfflineSlots {
  core: ContextCore;
  length: number;
  numberOfChannels: number;
  renderingStarted: boolean;
  engine: RenderEngine | null;
  channels: Float32Array[] | null;
  /** Quantized frame -> the suspend() promise resolvers. */
  suspends: Map<number, { resolve: () => void }>;
  renderResolve: ((b: AudioBuffer) => void) | null;
  renderReject: ((e: unknown) => void) | null;
  /** True while rendering is paused by a suspend (waiting for resume()). */
  paused: boolean;
  loopScheduled: boolean;
  pending: RenderMessage[];
  /** The AudioWorkletGlobalScope, rendered in-process like the rest of the graph. */
  scope: WorkletGlobalScope | null;
}

const slots = new WeakMap<object, OfflineSlots>();

/** Wall-clock budget of one rendering chunk before yielding to the event loop. */
const CHUNK_MS = 8;

/**
 * One tiny rendered graph kept for the life of the process. V8 keeps the object shapes (maps)
 * that the renderer's optimized code depends on only while some object still has them: once every
 * node of every finished context has been collected, that code is discarded ("weak objects"
 * deoptimization) and the next context renders on unoptimized code until it is compiled again —
 * about twice the cost of a one-minute render, paid again by each context a test suite or a batch
 * job creates. The nodes of this graph (the common kinds: oscillator, biquad, gain, buffer and
 * constant sources, a connected AudioParam) keep those shapes alive; it holds a few kilobytes.
 */
let shapeKeeper: OfflineAudioContext | null = null;

function keepRenderShapesAlive(): void {
  if (shapeKeeper !== null) return;
  const k = new OfflineAudioContext(2, 256, 48000);
  shapeKeeper = k;
  const osc = k.createOscillator();
  const filter = k.createBiquadFilter();
  filter.type = 'lowshelf';
  const gain = k.createGain();
  osc.connect(filter).connect(gain).connect(k.destination);
  const source = k.createBufferSource();
  source.buffer = k.createBuffer(1, 256, 48000);
  source.connect(gain);
  const constant = k.createConstantSource();
  constant.connect(gain.gain);
  osc.start();
  source.start();
  constant.start();
  k.startRendering().catch(() => {});
}

export class OfflineAudioContext extends BaseAudioContext {
  declare oncomplete: ((ev: OfflineAudioCompletionEvent) => unknown) | null;

  constructor(contextOptionsOrNumberOfChannels: unknown, length?: unknown, sampleRate?: unknown) {
    const where = "Failed to construct 'OfflineAudioContext'";
    let numberOfChannels: number;
    let len: number | null;
    let rate: number;
    let sizeHint = -1;
    if (arguments.length >= 3) {
      // webaudio#dom-offlineaudiocontext-offlineaudiocontext-numberofchannels-length-samplerate
      numberOfChannels = unsignedLong(contextOptionsOrNumberOfChannels, `${where}: parameter 1`);
      len = unsignedLong(length, `${where}: parameter 2`);
      rate = float(sampleRate, `${where}: parameter 3`);
    } else {
      if (arguments.length === 0) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
      const d = dictionary(contextOptionsOrNumberOfChannels, `${where}: parameter 1`);
      len = d.length === undefined || d.length === null ? null : unsignedLong(d.length, `${where}: member length of OfflineAudioContextOptions`);
      numberOfChannels = d.numberOfChannels === undefined ? 1 : unsignedLong(d.numberOfChannels, `${where}: member numberOfChannels of OfflineAudioContextOptions`);
      if (typeof d.renderSizeHint === 'string' && d.renderSizeHint !== 'default' && d.renderSizeHint !== 'hardware') {
        throw new TypeError(`${where}: member renderSizeHint of OfflineAudioContextOptions: '${d.renderSizeHint}' is not a valid enumeration value (expected 'default', 'hardware' or a number)`);
      }
      if (d.renderSizeHint !== undefined && typeof d.renderSizeHint !== 'string') {
        const hint = unsignedLong(d.renderSizeHint, `${where}: member renderSizeHint of OfflineAudioContextOptions`);
        sizeHint = hint;
      }
      rate = float(requiredMember(d, 'sampleRate', `${where}: OfflineAudioContextOptions`), `${where}: member sampleRate of OfflineAudioContextOptions`);
    }
    checkSizeHint(sizeHint, rate, where);
    if (len === null) throw notSupported(`${where}: rendering without a length is not supported; give OfflineAudioContextOptions.length`);
    checkBufferShape(numberOfChannels, len, rate, where);
    const core = new ContextCore(rate, true, chooseQuantumSize(sizeHint));
    super(INTERNAL, core, { channelCount: numberOfChannels, maxChannelCount: numberOfChannels });
    slots.set(this, {
      core,
      length: len,
      numberOfChannels,
      renderingStarted: false,
      engine: null,
      channels: null,
      suspends: new Map(),
      renderResolve: null,
      renderReject: null,
      paused: false,
      loopScheduled: false,
      pending: [],
      scope: null,
    });
    const s = slots.get(this)!;
    core.attachWorklet = (ports) => {
      s.scope = new WorkletGlobalScope({ sampleRate: rate, quantumSize: core.quantumSize, ports });
      core.localWorklet = s.scope;
      if (s.engine !== null) s.engine.worklet = s.scope;
    };
  }

  get length(): number {
    return brand(slots, this, 'OfflineAudioContext', 'length').length;
  }

  /** webaudio#dom-offlineaudiocontext-startrendering */
  startRendering(_chunkSize?: unknown): Promise<AudioBuffer> {
    let s: OfflineSlots;
    try {
      s = brand(slots, this, 'OfflineAudioContext', 'startRendering');
    } catch (e) {
      return Promise.reject(e);
    }
    // 2. Only once.
    if (s.renderingStarted) return Promise.reject(invalidState('startRendering() was already called on this OfflineAudioContext'));
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('the OfflineAudioContext is closed'));
    s.renderingStarted = true;
    // 5. [[rendered buffer]]
    s.channels = [];
    for (let c = 0; c < s.numberOfChannels; c++) s.channels.push(new Float32Array(s.length));
    s.engine = new RenderEngine({
      sampleRate: s.core.sampleRate,
      quantumSize: s.core.quantumSize,
      state: s.core.state,
      post: (msg) => s.pending.push(msg),
    });
    s.engine.worklet = s.scope;
    const promise = new Promise<AudioBuffer>((resolve, reject) => {
      s.renderResolve = resolve;
      s.renderReject = reject;
    });
    setRunning(this, s);
    this.#schedule(s);
    keepRenderShapesAlive();
    return promise;
  }

  /** webaudio#dom-offlineaudiocontext-resume */
  resume(): Promise<void> {
    let s: OfflineSlots;
    try {
      s = brand(slots, this, 'OfflineAudioContext', 'resume');
    } catch (e) {
      return Promise.reject(e);
    }
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('cannot resume a closed OfflineAudioContext'));
    if (!s.renderingStarted) return Promise.reject(invalidState('cannot resume an OfflineAudioContext before startRendering()'));
    return new Promise<void>((resolve) => {
      queueTask(() => {
        resolve();
        if (s.paused) {
          s.paused = false;
          setRunning(this, s);
          this.#schedule(s);
        }
      });
    });
  }

  /** webaudio#dom-offlineaudiocontext-suspend */
  suspend(suspendTime: unknown): Promise<void> {
    let s: OfflineSlots;
    let t: number;
    try {
      s = brand(slots, this, 'OfflineAudioContext', 'suspend');
      t = double(suspendTime, "Failed to execute 'suspend' on 'OfflineAudioContext': parameter 1");
    } catch (e) {
      return Promise.reject(e);
    }
    const qs = s.core.quantumSize;
    // Quantized and rounded up to a render quantum boundary.
    const frame = Math.ceil((t * s.core.sampleRate) / qs) * qs;
    const current = s.core.currentFrame;
    if (t < 0) return Promise.reject(invalidState(`cannot suspend at a negative time (${t})`));
    if (frame < current || (frame === current && s.renderingStarted)) {
      return Promise.reject(invalidState(`cannot suspend at ${t} s: rendering is already at ${s.core.currentTime} s`));
    }
    if (frame >= s.length) return Promise.reject(invalidState(`cannot suspend at ${t} s: it is at or beyond the rendering length`));
    if (s.suspends.has(frame)) return Promise.reject(invalidState(`a suspend is already scheduled at frame ${frame}`));
    return new Promise<void>((resolve) => s.suspends.set(frame, { resolve }));
  }

  /** Stops rendering for good (newer idl). A pending startRendering() promise rejects. */
  close(): Promise<void> {
    let s: OfflineSlots;
    try {
      s = brand(slots, this, 'OfflineAudioContext', 'close');
    } catch (e) {
      return Promise.reject(e);
    }
    if (s.core.controlState === 'closed') return Promise.reject(invalidState('the OfflineAudioContext is already closed'));
    s.core.controlState = s.core.stateAttr = 'closed';
    s.paused = false;
    s.renderReject?.(invalidState('the OfflineAudioContext was closed before rendering completed'));
    s.renderResolve = s.renderReject = null;
    closeScope(s);
    queueEvent(this, new Event('statechange'));
    return nextTask();
  }

  #schedule(s: OfflineSlots): void {
    if (s.loopScheduled) return;
    s.loopScheduled = true;
    queueTask(() => {
      s.loopScheduled = false;
      this.#renderChunk(s);
    });
  }

  #renderChunk(s: OfflineSlots): void {
    if (s.core.controlState === 'closed' || s.paused) return;
    const engine = s.engine!;
    const channels = s.channels!;
    const qs = engine.quantumSize;
    const started = performance.now();
    let n = 0;
    try {
      while (engine.frame < s.length) {
        const frame = engine.frame;
        // webaudio#rendering-loop: suspend at this quantum if scheduled.
        const susp = s.suspends.get(frame);
        if (susp !== undefined && !s.paused) {
          s.suspends.delete(frame);
          s.paused = true;
          s.core.controlState = s.core.stateAttr = 'suspended';
          this.#dispatchPending(s);
          queueTask(() => {
            susp.resolve();
            this.dispatchEvent(new Event('statechange'));
          });
          return;
        }
        const batch = s.core.takeBatch();
        if (batch !== null) engine.applyBatch(batch);
        const out = engine.renderQuantum();
        const frames = Math.min(qs, s.length - frame);
        const outCh = out.numberOfChannels;
        for (let c = 0; c < channels.length; c++) {
          const dst = channels[c]!;
          if (c < outCh && !out.silent) dst.set(frames === qs ? out.channels[c]! : out.channels[c]!.subarray(0, frames), frame);
        }
        n++;
        // Yield when a processor needs the control thread, or the chunk's time is up.
        if (s.pending.length > 0) break;
        if ((n & 15) === 0 && performance.now() - started > CHUNK_MS) break;
      }
    } catch (e) {
      s.core.controlState = s.core.stateAttr = 'closed';
      s.renderReject?.(e);
      s.renderResolve = s.renderReject = null;
      return;
    }
    this.#dispatchPending(s);
    if (engine.frame < s.length) {
      this.#schedule(s);
      return;
    }
    // Rendering complete: resolve with [[rendered buffer]], then fire 'complete'.
    const buffer = audioBufferFrom(channels, s.core.sampleRate);
    const resolve = s.renderResolve;
    s.renderResolve = s.renderReject = null;
    queueTask(() => {
      s.core.controlState = s.core.stateAttr = 'closed';
      closeScope(s);
      this.dispatchEvent(new Event('statechange'));
      resolve?.(buffer);
      queueTask(() => this.dispatchEvent(new OfflineAudioCompletionEvent('complete', { renderedBuffer: buffer })));
    });
  }

  #dispatchPending(s: OfflineSlots): void {
    if (s.pending.length === 0) return;
    const msgs = s.pending;
    s.pending = [];
    queueTask(() => {
      for (const m of msgs) s.core.dispatchRenderMessage(m);
    });
  }
}

/**
 * Nothing renders any more: the scope's ports close (messages already posted are still
 * delivered), so ports the script listens on do not keep the process alive.
 */
function closeScope(s: OfflineSlots): void {
  const scope = s.scope;
  if (scope === null) return;
  s.scope = null;
  s.core.localWorklet = null;
  setImmediate(() => scope.close());
}

function setRunning(ctx: OfflineAudioContext, s: OfflineSlots): void {
  if (s.core.controlState === 'running') return;
  s.core.controlState = s.core.stateAttr = 'running';
  queueEvent(ctx, new Event('statechange'));
}

toStringTag(OfflineAudioContext, 'OfflineAudioContext');
exposeMembers(OfflineAudioContext, ['length', 'startRendering', 'resume', 'suspend', 'close']);
defineEventHandler(OfflineAudioContext, 'complete', 'OfflineAudioContext');
