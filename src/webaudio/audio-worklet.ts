/**
 * Worklet (html#worklets) and AudioWorklet (webaudio#AudioWorklet), control side, and
 * BaseAudioContext.audioWorklet. Modules are fetched here (worklet/module-loader.ts) and
 * evaluated in the context's AudioWorkletGlobalScope on its render thread
 * (worklet/global-scope.ts), reached over a private MessagePort.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { BaseAudioContext } from './base-audio-context.js';
import { coreOf, type ContextCore } from './context-core.js';
import { callerUrl, loadModuleGraph, ModuleLoadError, resolveRootUrl } from './worklet/module-loader.js';
import type { FromScope, ToScope } from './worklet/protocol.js';
import { INTERNAL, brand, dictionary, enumeration, exposeMembers, illegalConstructor, toStringTag, usvString } from '../webidl/index.js';

interface WorkletSlots {
  core: ContextCore;
  control: MessagePort;
  user: MessagePort;
  nextId: number;
  pending: Map<number, { resolve: () => void; reject: (e: unknown) => void }>;
  /** Set once the render side is gone: every later request fails at once. */
  gone: boolean;
}

const slots = new WeakMap<object, WorkletSlots>();

/** html#worklet */
export class Worklet {
  constructor(token?: unknown, core?: ContextCore) {
    if (token !== INTERNAL || core === undefined) throw illegalConstructor('Worklet');
    const control = new MessageChannel();
    const user = new MessageChannel();
    const s: WorkletSlots = { core, control: control.port1, user: user.port1, nextId: 1, pending: new Map(), gone: false };
    slots.set(this, s);
    s.control.on('message', (m: FromScope) => onScopeMessage(s, m));
    s.control.on('close', () => {
      s.gone = true;
      for (const p of s.pending.values()) p.reject(new DOMException('the audio rendering thread of this context is gone', 'AbortError'));
      s.pending.clear();
    });
    s.control.unref();
    core.attachWorklet?.({ control: control.port2, user: user.port2 });
  }

  /** html#dom-worklet-addmodule */
  addModule(moduleURL: unknown, options?: unknown): Promise<void> {
    let s: WorkletSlots;
    let spec: string;
    try {
      s = brand(slots, this, 'Worklet', 'addModule');
      const where = "Failed to execute 'addModule' on 'Worklet'";
      if (arguments.length < 1) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
      spec = usvString(moduleURL, `${where}: parameter 1`);
      const d = dictionary(options, `${where}: parameter 2`);
      if (d.credentials !== undefined) enumeration(d.credentials, ['omit', 'same-origin', 'include'] as const, `${where}: member credentials of WorkletOptions`);
    } catch (e) {
      return Promise.reject(e);
    }
    const caller = callerUrl(Worklet.prototype.addModule);
    return (async () => {
      if (s.gone || s.core.controlState === 'closed') throw new DOMException('cannot add a module to the AudioWorklet of a closed context', 'InvalidStateError');
      let root: string;
      try {
        root = await resolveRootUrl(spec, caller);
      } catch {
        // 2. Parsing the URL failed.
        throw new DOMException(`'${spec}' is not a valid URL`, 'SyntaxError');
      }
      let modules;
      try {
        modules = await loadModuleGraph(root);
      } catch (e) {
        if (e instanceof ModuleLoadError) throw e.kind === 'SyntaxError' ? new SyntaxError(e.message) : new DOMException(e.message, 'AbortError');
        throw new DOMException(`failed to load the worklet module: ${(e as Error).message}`, 'AbortError');
      }
      if (s.gone) throw new DOMException('the audio rendering thread of this context is gone', 'AbortError');
      await new Promise<void>((resolve, reject) => {
        const id = s.nextId++;
        s.pending.set(id, { resolve, reject });
        s.control.ref();
        s.control.postMessage({ t: 'add', id, modules, root } satisfies ToScope);
      });
    })();
  }
}

function onScopeMessage(s: WorkletSlots, m: FromScope): void {
  switch (m.t) {
    case 'registered':
      // webaudio#dom-audioworkletglobalscope-registerprocessor step 9.
      s.core.workletProcessors.set(m.name, m.descriptors);
      return;
    case 'added':
    case 'failed': {
      const p = s.pending.get(m.id);
      s.pending.delete(m.id);
      if (s.pending.size === 0) s.control.unref();
      if (p === undefined) return;
      if (m.t === 'added') p.resolve();
      else p.reject(m.name === 'SyntaxError' ? new SyntaxError(m.message) : new DOMException(m.message, m.name));
      return;
    }
  }
}

/** webaudio#AudioWorklet */
export class AudioWorklet extends Worklet {
  constructor(token?: unknown, core?: ContextCore) {
    if (token !== INTERNAL) throw illegalConstructor('AudioWorklet');
    super(token, core);
  }

  /** webaudio#dom-audioworklet-port */
  get port(): MessagePort {
    return brand(slots, this, 'AudioWorklet', 'port').user;
  }
}

toStringTag(Worklet, 'Worklet');
exposeMembers(Worklet, ['addModule']);
// html#worklet: addModule(USVString moduleURL, optional WorkletOptions options = {}).
Object.defineProperty(Worklet.prototype.addModule, 'length', { value: 1 });
toStringTag(AudioWorklet, 'AudioWorklet');
exposeMembers(AudioWorklet, ['port']);

const worklets = new WeakMap<object, AudioWorklet>();

// webaudio#dom-baseaudiocontext-audioworklet: created on first use, with its global scope.
Object.defineProperty(BaseAudioContext.prototype, 'audioWorklet', {
  configurable: true,
  enumerable: true,
  get(this: BaseAudioContext): AudioWorklet {
    let core: ContextCore;
    try {
      core = coreOf(this);
    } catch {
      throw new TypeError("Failed to read the 'audioWorklet' property from 'BaseAudioContext': Illegal invocation");
    }
    let w = worklets.get(this);
    if (w === undefined) {
      w = new AudioWorklet(INTERNAL, core);
      worklets.set(this, w);
    }
    return w;
  },
});
Object.defineProperty(Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'audioWorklet')!.get!, 'name', { value: 'get audioWorklet' });

declare module './base-audio-context.js' {
  interface BaseAudioContext {
    readonly audioWorklet: AudioWorklet;
  }
}
