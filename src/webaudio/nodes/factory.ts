/**
 * Installs a node's factory method on BaseAudioContext.prototype (webaudio#factory-method).
 * Each node file calls this, so BaseAudioContext never needs editing for a new node.
 */
import { BaseAudioContext } from '../base-audio-context.js';
import { hasCore } from '../context-core.js';
import { idlLength, illegalInvocation } from '../../webidl/index.js';

export function installFactory(name: string, create: (context: BaseAudioContext, args: unknown[]) => unknown): void {
  Object.defineProperty(BaseAudioContext.prototype, name, {
    configurable: true,
    enumerable: true,
    writable: true,
    value: idlLength('BaseAudioContext', name, {
      [name](this: unknown, ...args: unknown[]): unknown {
        if (!hasCore(this)) throw illegalInvocation('BaseAudioContext', name);
        return create(this as BaseAudioContext, args);
      },
    }[name]!),
  });
}
