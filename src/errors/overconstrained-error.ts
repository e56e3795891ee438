/**
 * OverconstrainedError: a DOMException whose name is "OverconstrainedError" (legacy code 0) and
 * which names the constraint that could not be satisfied.
 * mediacapture-main#overconstrainederror-interface
 */
import { domString, brand, toStringTag, exposeMembers } from '../webidl/index.js';

const constraints = new WeakMap<object, string>();

export class OverconstrainedError extends DOMException {
  // mediacapture-main#dom-overconstrainederror
  constructor(constraint: string, message: string = '') {
    if (arguments.length < 1) {
      throw new TypeError("Failed to construct 'OverconstrainedError': 1 argument required, but only 0 present");
    }
    const c = domString(constraint, "Failed to construct 'OverconstrainedError': parameter 1");
    const m = message === undefined ? '' : domString(message, "Failed to construct 'OverconstrainedError': parameter 2");
    super(m, 'OverconstrainedError');
    constraints.set(this, c);
  }

  // mediacapture-main#dom-overconstrainederror-constraint
  get constraint(): string {
    return brand(constraints, this, 'OverconstrainedError', 'constraint');
  }
}

toStringTag(OverconstrainedError, 'OverconstrainedError');
exposeMembers(OverconstrainedError, ['constraint']);
