/**
 * BaseAudioContext (webaudio#BaseAudioContext). Node factories are installed on the prototype
 * by each node's own file (see nodes/), so adding a node never edits this class.
 */
import { AudioBuffer, checkBufferShape } from './audio-buffer.js';
import { AudioDestinationNode } from './audio-destination-node.js';
import { AudioListener } from './audio-listener.js';
import { setCore, type ContextCore, type ContextState } from './context-core.js';
import { notSupported } from './errors.js';
import { INTERNAL, brand, defineEventHandler, exposeMembers, float, illegalConstructor, toStringTag, unsignedLong } from '../webidl/index.js';
import { MediaEventTarget } from '../webidl/event-target.js';
import { queueTask } from '../stream/tasks.js';

/**
 * webaudio#enumdef-audiocontextstate, the whole enum. The contexts here are never interrupted (no
 * audio session takes the output away), so `state` is always one of ContextState's values.
 */
export type AudioContextState = ContextState | 'interrupted';

interface ContextSlots {
  core: ContextCore;
  destination: AudioDestinationNode;
  listener: AudioListener | null;
}

const slots = new WeakMap<object, ContextSlots>();

export class BaseAudioContext extends MediaEventTarget {
  declare onstatechange: ((ev: Event) => unknown) | null;

  constructor(token?: unknown, core?: ContextCore, destination?: { channelCount: number; maxChannelCount: number }) {
    super();
    if (token !== INTERNAL || core === undefined || destination === undefined) throw illegalConstructor('BaseAudioContext');
    setCore(this, core);
    // The destination is node 0: the engine reads its input as the context output.
    const dest = new AudioDestinationNode(INTERNAL, this, { ...destination, offline: core.offline });
    slots.set(this, { core, destination: dest, listener: null });
  }

  get destination(): AudioDestinationNode {
    return brand(slots, this, 'BaseAudioContext', 'destination').destination;
  }

  /** Created on first use: its params then exist on the render side too. */
  get listener(): AudioListener {
    const s = brand(slots, this, 'BaseAudioContext', 'listener');
    s.listener ??= new AudioListener(INTERNAL, s.core);
    return s.listener;
  }

  get sampleRate(): number {
    return brand(slots, this, 'BaseAudioContext', 'sampleRate').core.sampleRate;
  }

  get currentTime(): number {
    return brand(slots, this, 'BaseAudioContext', 'currentTime').core.currentTime;
  }

  get state(): AudioContextState {
    return brand(slots, this, 'BaseAudioContext', 'state').core.stateAttr;
  }

  get renderQuantumSize(): number {
    return brand(slots, this, 'BaseAudioContext', 'renderQuantumSize').core.quantumSize;
  }

  /** webaudio#dom-baseaudiocontext-createbuffer */
  createBuffer(numberOfChannels: unknown, length: unknown, sampleRate: unknown): AudioBuffer {
    brand(slots, this, 'BaseAudioContext', 'createBuffer');
    const where = "Failed to execute 'createBuffer' on 'BaseAudioContext'";
    if (arguments.length < 3) throw new TypeError(`${where}: 3 arguments required, but only ${arguments.length} present`);
    const n = unsignedLong(numberOfChannels, `${where}: parameter 1`);
    const l = unsignedLong(length, `${where}: parameter 2`);
    const r = float(sampleRate, `${where}: parameter 3`);
    checkBufferShape(n, l, r, where);
    return new AudioBuffer({ numberOfChannels: n, length: l, sampleRate: r });
  }

  /** Only WAV data can be decoded here (no codec libraries); others reject with EncodingError. */
  decodeAudioData(
    audioData: ArrayBuffer,
    successCallback?: ((decodedData: AudioBuffer) => void) | null,
    errorCallback?: ((error: DOMException) => void) | null,
  ): Promise<AudioBuffer> {
    brand(slots, this, 'BaseAudioContext', 'decodeAudioData');
    return decodeHook(this, audioData, successCallback, errorCallback);
  }
}

type DecodeFn = (ctx: BaseAudioContext, data: unknown, ok: unknown, err: unknown) => Promise<AudioBuffer>;
let decodeHook: DecodeFn = () => Promise.reject(notSupported('decodeAudioData is not available'));

/** Installs the decodeAudioData implementation (kept in its own file). */
export function setDecodeAudioData(fn: DecodeFn): void {
  decodeHook = fn;
}

/** Fires a simple event at the context in a new task. */
export function queueEvent(target: EventTarget, event: Event): void {
  queueTask(() => target.dispatchEvent(event));
}

toStringTag(BaseAudioContext, 'BaseAudioContext');
exposeMembers(BaseAudioContext, ['destination', 'listener', 'sampleRate', 'currentTime', 'state', 'renderQuantumSize', 'createBuffer', 'decodeAudioData']);
defineEventHandler(BaseAudioContext, 'statechange', 'BaseAudioContext');
