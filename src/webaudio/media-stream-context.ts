/**
 * What the MediaStream nodes share on the control side: the `AudioContext` argument check (their
 * constructors take an AudioContext, not any BaseAudioContext: webaudio IDL, e.g.
 * `constructor (AudioContext context, MediaStreamAudioSourceOptions options)`), factory methods
 * that exist on AudioContext.prototype only (the IDL puts createMediaStream* on AudioContext, so
 * an OfflineAudioContext has none), and the MediaStream brand check.
 *
 * This module imports AudioContext, so it is not reachable from nodes/all.ts (which
 * audio-context.ts itself imports); the public entry point (webaudio/index.ts) loads it.
 */
import { AudioContext } from './audio-context.js';
import { coreOf, hasCore } from './context-core.js';
import { MediaStream } from '../stream/media-stream.js';
import { describe, idlLength, illegalInvocation } from '../webidl/index.js';

/** Converts a constructor's first argument to an AudioContext (TypeError otherwise). */
export function audioContextArg(context: unknown, iface: string): AudioContext {
  if (!hasCore(context) || coreOf(context as object).offline) {
    throw new TypeError(`Failed to construct '${iface}': parameter 1 (${describe(context)}) is not of type 'AudioContext'`);
  }
  return context as AudioContext;
}

/** Defines a factory method on AudioContext.prototype (an IDL operation: enumerable, writable). */
export function installAudioContextFactory(name: string, create: (context: AudioContext, args: unknown[]) => unknown): void {
  Object.defineProperty(AudioContext.prototype, name, {
    configurable: true,
    enumerable: true,
    writable: true,
    value: idlLength('AudioContext', name, {
      [name](this: unknown, ...args: unknown[]): unknown {
        if (!hasCore(this) || coreOf(this as object).offline) throw illegalInvocation('AudioContext', name);
        return create(this as AudioContext, args);
      },
    }[name]!),
  });
}

/** True for objects that are MediaStreams (the IDL brand). */
export { isMediaStream } from '../stream/media-stream.js';
