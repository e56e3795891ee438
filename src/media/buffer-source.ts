/** AllowSharedBufferSource handling shared by AudioData and VideoFrame. */
import { describe } from '../webidl/index.js';
import { structuredCloneOf } from '../webidl/structured-clone.js';

/**
 * A byte view over an AllowSharedBufferSource, without copying; TypeError for anything else.
 * (The spec text types AudioDataInit.data as BufferSource; the IDL says AllowSharedBufferSource,
 * which is followed here, so SharedArrayBuffer data is accepted.)
 */
export function bytesOf(value: unknown, context: string): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${context}: ${describe(value)} is not an ArrayBuffer, SharedArrayBuffer or ArrayBufferView`);
}

/** Converts `sequence<ArrayBuffer> transfer` and checks it as the constructors require (DataCloneError cases). */
export function readTransferList(value: unknown, context: string): ArrayBuffer[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(`${context}: 'transfer' must be a sequence of ArrayBuffer`);
  }
  const list: ArrayBuffer[] = [];
  for (const item of value as Iterable<unknown>) {
    if (!(item instanceof ArrayBuffer)) throw new TypeError(`${context}: every entry of 'transfer' must be an ArrayBuffer`);
    list.push(item);
  }
  // Duplicates and already-detached buffers are DataCloneError (webcodecs#dom-audiodata-audiodata steps 2-3).
  if (new Set(list).size !== list.length) throw new DOMException(`${context}: 'transfer' lists the same ArrayBuffer more than once`, 'DataCloneError');
  for (const ab of list) {
    if (isDetached(ab)) throw new DOMException(`${context}: 'transfer' holds a detached ArrayBuffer`, 'DataCloneError');
  }
  return list;
}

export function isDetached(ab: ArrayBuffer): boolean {
  const d = (ab as { detached?: boolean }).detached;
  if (typeof d === 'boolean') return d;
  // Runtimes without ArrayBuffer.prototype.detached: a detached buffer has length 0 and cannot be viewed.
  if (ab.byteLength !== 0) return false;
  try {
    new Uint8Array(ab);
    return false;
  } catch {
    return true;
  }
}

/** Detaches `ab` and returns a new ArrayBuffer owning the same memory (no copy). */
export function detachAndTake(ab: ArrayBuffer): ArrayBuffer {
  return structuredCloneOf(ab, { transfer: [ab] });
}
