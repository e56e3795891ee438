/**
 * DOMRectReadOnly (geometry-1#DOMRectReadOnly) for VideoFrame.codedRect/visibleRect. Runtimes that
 * have the global class get it; elsewhere a faithful read-only rectangle is used.
 */
import { unrestrictedDouble, dictionary, toStringTag, exposeMembers, brand } from '../webidl/index.js';
import type { DOMRectReadOnly as DOMRectReadOnlyShape } from '../webidl/dom-types.js';

export interface DOMRectInitLike {
  x: number;
  y: number;
  width: number;
  height: number;
}

const slots = new WeakMap<object, DOMRectInitLike>();

class DOMRectReadOnlyImpl {
  constructor(x: unknown = 0, y: unknown = 0, width: unknown = 0, height: unknown = 0) {
    slots.set(this, {
      x: Number(x),
      y: Number(y),
      width: Number(width),
      height: Number(height),
    });
  }
  static fromRect(other?: unknown): DOMRectReadOnlyImpl {
    const r = readRectInit(other, 'DOMRectReadOnly.fromRect');
    return new DOMRectReadOnlyImpl(r.x, r.y, r.width, r.height);
  }
  get x(): number {
    return brand(slots, this, 'DOMRectReadOnly', 'x').x;
  }
  get y(): number {
    return brand(slots, this, 'DOMRectReadOnly', 'y').y;
  }
  get width(): number {
    return brand(slots, this, 'DOMRectReadOnly', 'width').width;
  }
  get height(): number {
    return brand(slots, this, 'DOMRectReadOnly', 'height').height;
  }
  get top(): number {
    const r = brand(slots, this, 'DOMRectReadOnly', 'top');
    return Math.min(r.y, r.y + r.height);
  }
  get right(): number {
    const r = brand(slots, this, 'DOMRectReadOnly', 'right');
    return Math.max(r.x, r.x + r.width);
  }
  get bottom(): number {
    const r = brand(slots, this, 'DOMRectReadOnly', 'bottom');
    return Math.max(r.y, r.y + r.height);
  }
  get left(): number {
    const r = brand(slots, this, 'DOMRectReadOnly', 'left');
    return Math.min(r.x, r.x + r.width);
  }
  toJSON(): Record<string, number> {
    return { x: this.x, y: this.y, width: this.width, height: this.height, top: this.top, right: this.right, bottom: this.bottom, left: this.left };
  }
}
toStringTag(DOMRectReadOnlyImpl, 'DOMRectReadOnly');
exposeMembers(DOMRectReadOnlyImpl, ['x', 'y', 'width', 'height', 'top', 'right', 'bottom', 'left', 'toJSON']);

type RectCtor = new (x?: number, y?: number, width?: number, height?: number) => DOMRectReadOnlyShape;
const globalRect = (globalThis as { DOMRectReadOnly?: RectCtor }).DOMRectReadOnly;

export function makeRect(x: number, y: number, width: number, height: number): DOMRectReadOnlyShape {
  if (globalRect) return new globalRect(x, y, width, height);
  return new DOMRectReadOnlyImpl(x, y, width, height) as unknown as DOMRectReadOnlyShape;
}

export { DOMRectReadOnlyImpl as DOMRectReadOnly };

/** Converts a DOMRectInit (geometry-1#dictdef-domrectinit): unrestricted doubles defaulting to 0. */
export function readRectInit(value: unknown, context: string): DOMRectInitLike {
  const d = dictionary(value, context);
  const num = (name: string): number => {
    const v = d[name];
    return v === undefined ? 0 : unrestrictedDouble(v, `${context}.${name}`);
  };
  // Read in lexicographic order, as WebIDL converts dictionary members.
  const height = num('height');
  const width = num('width');
  const x = num('x');
  const y = num('y');
  return { x, y, width, height };
}
