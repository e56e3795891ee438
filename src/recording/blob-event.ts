/**
 * BlobEvent: the event of `dataavailable`. mediastream-recording#blobevent-section
 */
import { Blob as NodeBlob } from 'node:buffer';
import { dictionary, domString, requiredMember, boolean as toBoolean, double, brand, toStringTag, exposeMembers, describe } from '../webidl/index.js';
import type { EventInit } from '../webidl/dom-types.js';

// `data` is typed with the global Blob: lib.dom's where the DOM lib is in use (what lib.dom's
// BlobEvent has, so the two BlobEvent types assign both ways), @types/node's (node:buffer's)
// otherwise. The value is node:buffer's Blob, or the global Blob a DOM installed (isBlob).
interface BlobEventSlots {
  readonly data: Blob;
  readonly timecode: number;
}

const slots = new WeakMap<object, BlobEventSlots>();

export interface BlobEventInit extends EventInit {
  data: Blob;
  timecode?: number;
}

function isBlob(value: unknown): value is Blob {
  if (value instanceof NodeBlob) return true;
  const G = (globalThis as { Blob?: new (...a: never[]) => object }).Blob;
  return typeof G === 'function' && value instanceof G;
}

export class BlobEvent extends Event {
  // mediastream-recording#dom-blobevent-blobevent
  constructor(type: string, eventInitDict: BlobEventInit) {
    const ctx = "Failed to construct 'BlobEvent'";
    if (arguments.length < 2) throw new TypeError(`${ctx}: 2 arguments required, but only ${arguments.length} present`);
    const t = domString(type, `${ctx}: parameter 1`);
    const dict = dictionary(eventInitDict, `${ctx}: parameter 2`);
    // EventInit members first, then BlobEventInit's (data, timecode), each set in lexicographic order.
    const bubbles = toBoolean(dict.bubbles);
    const cancelable = toBoolean(dict.cancelable);
    const composed = toBoolean(dict.composed);
    const data = requiredMember(dict, 'data', `${ctx}: BlobEventInit`);
    if (!isBlob(data)) throw new TypeError(`${ctx}: BlobEventInit member 'data' (${describe(data)}) is not of type Blob`);
    const timecode = dict.timecode === undefined ? 0 : double(dict.timecode, `${ctx}: BlobEventInit member 'timecode'`);
    super(t, { bubbles, cancelable, composed });
    slots.set(this, { data: data as Blob, timecode });
  }

  /** mediastream-recording#dom-blobevent-data ([SameObject]) */
  get data(): Blob {
    return brand(slots, this, 'BlobEvent', 'data').data;
  }

  /** mediastream-recording#dom-blobevent-timecode */
  get timecode(): number {
    return brand(slots, this, 'BlobEvent', 'timecode').timecode;
  }
}

toStringTag(BlobEvent, 'BlobEvent');
exposeMembers(BlobEvent, ['data', 'timecode']);
