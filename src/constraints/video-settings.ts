/**
 * SelectSettings (mediacapture-main#dfn-selectsettings) over a camera's settings space.
 *
 * The space: every native mode as is (resizeMode "none"), and from every native mode any integer
 * width in [1, mode.width], height in [1, mode.height] and frame rate in (0, mode.frameRate]
 * (resizeMode "crop-and-scale": downscaling, cropping and frame decimation, never upscaling;
 * mediacapture-main#dfn-resizemode, #dfn-width, #dfn-framerate).
 *
 * It is organised in blocks: one per native mode and resizeMode. Inside a block every property
 * other than width/height/aspectRatio and frameRate is fixed, and every constraint names one
 * property, so a block is a product (size pairs) x (frame rates) and every constraint set is a
 * product of a condition on pairs and one on rates. Fitness distances add up, so:
 * - a block keeps a settings dictionary for a constraint set iff it keeps a pair and a rate;
 * - a block's smallest distance is (smallest pair distance) + (smallest rate distance) + (the
 *   fixed part), and the dictionaries reaching it are (best pairs) x (best rates).
 * That lets SelectSettings run on pairs and rates separately, without forming their product.
 *
 * Which pairs and rates are enough (the crop-and-scale space is infinite): each fitness term
 * |x - ideal| / max(x, ideal) is linear below the ideal and concave above it, and a constraint is
 * an interval (min/max/exact). A function that is concave on each piece between breakpoints has
 * its minimum over the integers of an interval at the integer neighbours of the interval's ends
 * or of a breakpoint. So:
 * - frame rates: F = {mode rate, 30 (the UA default), every frameRate number of every set},
 *   clamped into (0, mode rate], contains the best rate and a point of every non-empty feasible
 *   interval;
 * - without aspectRatio constraints width and height are independent the same way: W x H with
 *   W = {mode width, 640, every width number, clamped}, H likewise (with 480);
 * - with aspectRatio constraints every height h in [1, mode.height] is tried, with the widths W
 *   plus floor/ceil(h * r) for every aspectRatio number r: for a fixed h the width terms and the
 *   aspectRatio term (w / h) are again linear / concave pieces whose breakpoints and interval
 *   ends are exactly those, so this is exact.
 * Pairs floor/ceil(w / r0), floor/ceil(h * r0) for the mode's own ratio r0 are added so that
 * ties can prefer scaling over cropping. Pairs, rates and blocks that break a required basic
 * constraint are dropped up front (SelectSettings step 3 would drop them anyway).
 */
import type { VideoMode } from '../sources/types.js';
import { compileConstraintSet, distanceOf, failedConstraintOf, relDistance, round10, sameDistance, type CompiledConstraint } from './fitness-distance.js';
import type { MediaTrackConstraints, MediaTrackConstraintSet, MediaTrackSettings } from './types.js';

/** UA default values (the note under mediacapture-main#dfn-selectsettings): they only break ties. */
export const DEFAULT_WIDTH = 640;
export const DEFAULT_HEIGHT = 480;
export const DEFAULT_FRAME_RATE = 30;

export interface VideoSpace {
  readonly modes: readonly VideoMode[];
  /** Index in the device's mode list of each of `modes` (-1 if not listed). */
  readonly modeIndexes: readonly number[];
  /** The fixed members of every settings dictionary (facingMode, deviceId, groupId, backgroundBlur). */
  readonly fixed: MediaTrackSettings;
}

/**
 * Above this many (height x width) trials per mode the exact height scan is replaced by ratio
 * corners: only reachable with hundreds of constraint numbers, it keeps SelectSettings fast on
 * hostile input at the price of possibly missing the exact optimum or an exact-ratio size.
 */
const HEIGHT_SCAN_BUDGET = 60000;
/** Above this many width x height pairs per mode size, pairs are formed per constraint set. */
const PAIR_BUDGET = 20000;

export type VideoChoice = { settings: MediaTrackSettings; mode: VideoMode } | { failedConstraint: string };

/** A constraint set split by the part of a settings dictionary each constraint reads. */
interface SplitSet {
  readonly pair: CompiledConstraint[];
  readonly rate: CompiledConstraint[];
  readonly other: CompiledConstraint[];
}

function split(compiled: CompiledConstraint[]): SplitSet {
  const out: SplitSet = { pair: [], rate: [], other: [] };
  for (const c of compiled) {
    if (c.name === 'width' || c.name === 'height' || c.name === 'aspectRatio') out.pair.push(c);
    else if (c.name === 'frameRate') out.rate.push(c);
    else out.other.push(c);
  }
  return out;
}

interface Block {
  readonly mode: VideoMode;
  readonly modeIndex: number;
  readonly native: boolean;
  /** The fixed part of the block's settings dictionaries (with resizeMode). */
  readonly base: MediaTrackSettings;
  ws: number[];
  hs: number[];
  rates: number[];
  /** Step-3 distances of the pairs / rates, and of the fixed part. */
  dPair: number[];
  dRate: number[];
  dBase: number;
}

function numbersIn(value: unknown, into: number[]): void {
  if (typeof value === 'number') into.push(value);
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const k of ['min', 'max', 'exact', 'ideal']) if (typeof o[k] === 'number') into.push(o[k] as number);
  }
}

/** Every finite number given for `name` in the basic set and every advanced set. */
function constraintNumbers(constraints: MediaTrackConstraints, name: keyof MediaTrackConstraintSet): number[] {
  const out: number[] = [];
  numbersIn(constraints[name], out);
  if (constraints.advanced) for (const cs of constraints.advanced) numbersIn(cs[name], out);
  return out.filter((x) => Number.isFinite(x));
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** The distinct values of `xs` rounded and clamped into [1, max], in first-seen order. */
function clampedSet(xs: readonly number[], max: number): number[] {
  return [...new Set(xs.map((x) => clampInt(x, 1, max)))];
}

/**
 * One numeric constraint's fitness distance for a value the settings dictionary has (rules 2, 4,
 * 6 and 7 of M#dfn-fitness-distance; rule 3 never applies to video properties on a camera and
 * rule 5 cannot, the member always exists). Same result as distanceOf, without building a
 * dictionary, since it runs for every candidate size.
 */
function numericTerm(c: CompiledConstraint, v: number): number {
  if (c.existence !== undefined) {
    if (c.required && !c.existence) return Infinity;
    return c.existence ? 0 : 1;
  }
  if (c.required) {
    if (c.min !== undefined && v < c.min) return Infinity;
    if (c.max !== undefined && v > c.max) return Infinity;
    if (c.exact !== undefined && v !== c.exact) return Infinity;
  }
  return c.ideal === undefined ? 0 : relDistance(v, c.ideal);
}

function pairDistance(cs: readonly CompiledConstraint[], w: number, h: number): number {
  let d = 0;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    d += numericTerm(c, c.name === 'width' ? w : c.name === 'height' ? h : round10(w / h));
  }
  return d;
}

function rateDistance(cs: readonly CompiledConstraint[], fr: number): number {
  let d = 0;
  for (let i = 0; i < cs.length; i++) d += numericTerm(cs[i]!, fr);
  return d;
}

/**
 * The blocks of the space with their step-3 distances to the basic set. With `basic`, values at
 * an infinite distance are left out; without it (null), every candidate value is kept with
 * distance 0 (for the failedConstraint search).
 */
function buildBlocks(space: VideoSpace, constraints: MediaTrackConstraints, basic: SplitSet | null): Block[] {
  const widths = constraintNumbers(constraints, 'width');
  const heights = constraintNumbers(constraints, 'height');
  const rates = constraintNumbers(constraints, 'frameRate');
  const ratios = constraintNumbers(constraints, 'aspectRatio').filter((r) => r > 0);
  const pairCs = basic ? basic.pair : [];
  const rateCs = basic ? basic.rate : [];
  const reqH = pairCs.filter((c) => c.name === 'height' && c.required);
  // Several modes often share a size (720p at 30 and 60 fps): their pairs are the same.
  const pairCache = new Map<string, { ws: number[]; hs: number[]; d: number[] }>();

  const pairsFor = (mw: number, mh: number) => {
    const key = `${mw}x${mh}`;
    const cached = pairCache.get(key);
    if (cached) return cached;
    const out = { ws: [] as number[], hs: [] as number[], d: [] as number[] };
    const add = (w: number, h: number) => {
      if (!(w >= 1 && w <= mw && h >= 1 && h <= mh)) return;
      const d = pairDistance(pairCs, w, h);
      if (d === Infinity) return;
      out.ws.push(w);
      out.hs.push(h);
      out.d.push(d);
    };
    const W = clampedSet([mw, DEFAULT_WIDTH, ...widths], mw);
    const r0 = mw / mh;
    if (ratios.length === 0 || mh * (W.length + 2 * ratios.length) > HEIGHT_SCAN_BUDGET) {
      const H = clampedSet([mh, DEFAULT_HEIGHT, ...heights], mh);
      const ratioCorners = (ws: readonly number[], hs: readonly number[], rs: readonly number[]) => {
        for (const r of rs) {
          for (const w of ws) {
            add(w, Math.floor(w / r));
            add(w, Math.ceil(w / r));
          }
          for (const h of hs) {
            add(Math.floor(h * r), h);
            add(Math.ceil(h * r), h);
          }
        }
      };
      if (W.length * H.length + ratios.length * (W.length + H.length) <= PAIR_BUDGET) {
        for (const w of W) for (const h of H) add(w, h);
        // Past the height-scan budget (hundreds of numbers): pairs from the corners the ratios give.
        ratioCorners(W, H, ratios);
      } else {
        // Hostile input (thousands of sets): the full product would cost gigabytes. Pair the
        // widths, heights and ratios of each constraint set among themselves, and every number
        // with the mode's and the default size; a set that needs a width of one set and a height
        // of another may then be missed.
        for (const cs of [constraints, ...(constraints.advanced ?? [])]) {
          const ws: number[] = [];
          const hs: number[] = [];
          const rs: number[] = [];
          numbersIn(cs.width, ws);
          numbersIn(cs.height, hs);
          numbersIn(cs.aspectRatio, rs);
          const Ws = clampedSet([mw, DEFAULT_WIDTH, ...ws.filter(Number.isFinite)], mw);
          const Hs = clampedSet([mh, DEFAULT_HEIGHT, ...hs.filter(Number.isFinite)], mh);
          for (const w of Ws) for (const h of Hs) add(w, h);
          ratioCorners(Ws, Hs, rs.filter((r) => Number.isFinite(r) && r > 0));
        }
        for (const w of W) for (const h of [mh, DEFAULT_HEIGHT]) add(w, clampInt(h, 1, mh));
        for (const h of H) for (const w of [mw, DEFAULT_WIDTH]) add(clampInt(w, 1, mw), h);
      }
      ratioCorners(W, H, [r0]);
    } else {
      const R = [...ratios, r0];
      for (let h = 1; h <= mh; h++) {
        if (reqH.length > 0 && numericTerm(reqH[0]!, h) === Infinity) continue;
        for (const w of W) add(w, h);
        for (const r of R) {
          const x = h * r;
          if (!(x < mw + 1)) continue;
          const f = Math.floor(x);
          add(f, h);
          if (f !== x) add(f + 1, h);
        }
      }
    }
    pairCache.set(key, out);
    return out;
  };

  const blocks: Block[] = [];
  for (let i = 0; i < space.modes.length; i++) {
    const m = space.modes[i]!;
    if (!(m.width >= 1 && m.height >= 1 && m.frameRate > 0)) continue;
    const modeIndex = space.modeIndexes[i]!;
    for (const native of [true, false]) {
      const base: MediaTrackSettings = { ...space.fixed, resizeMode: native ? 'none' : 'crop-and-scale' };
      const dBase = basic ? distanceOf(basic.other, base, 'video') : 0;
      if (dBase === Infinity) continue;
      let ws: number[];
      let hs: number[];
      let dPair: number[];
      const frs: number[] = [];
      const dRate: number[] = [];
      const seenRates = new Set<number>();
      const addRate = (fr: number) => {
        if (seenRates.has(fr)) return;
        seenRates.add(fr);
        const d = rateDistance(rateCs, fr);
        if (d !== Infinity) {
          frs.push(fr);
          dRate.push(d);
        }
      };
      if (native) {
        const d = pairDistance(pairCs, m.width, m.height);
        if (d === Infinity) continue;
        ws = [m.width];
        hs = [m.height];
        dPair = [d];
        addRate(m.frameRate);
      } else {
        const p = pairsFor(m.width, m.height);
        // Copies: step 5 narrows each block's lists in place.
        ws = p.ws.slice();
        hs = p.hs.slice();
        dPair = p.d.slice();
        for (const x of [m.frameRate, DEFAULT_FRAME_RATE, ...rates]) if (x > 0) addRate(Math.min(x, m.frameRate));
      }
      if (ws.length === 0 || frs.length === 0) continue;
      blocks.push({ mode: m, modeIndex, native, base, ws, hs, rates: frs, dPair, dRate, dBase });
    }
  }
  return blocks;
}

function hasRequired(cs: readonly CompiledConstraint[]): boolean {
  for (const c of cs) if (c.required) return true;
  return false;
}

/** Whether block `b` has a settings dictionary that satisfies `s` (a finite distance). */
function blockSatisfies(b: Block, s: SplitSet): boolean {
  if (distanceOf(s.other, b.base, 'video') === Infinity) return false;
  let pairFound = !hasRequired(s.pair);
  for (let i = 0; !pairFound && i < b.ws.length; i++) pairFound = pairDistance(s.pair, b.ws[i]!, b.hs[i]!) !== Infinity;
  if (!pairFound) return false;
  if (!hasRequired(s.rate)) return true;
  for (let i = 0; i < b.rates.length; i++) if (rateDistance(s.rate, b.rates[i]!) !== Infinity) return true;
  return false;
}

/** Keeps, in place, only the pairs and rates of `b` that satisfy `s`. */
function restrictBlock(b: Block, s: SplitSet): void {
  if (hasRequired(s.pair)) {
    let j = 0;
    for (let i = 0; i < b.ws.length; i++) {
      if (pairDistance(s.pair, b.ws[i]!, b.hs[i]!) === Infinity) continue;
      b.ws[j] = b.ws[i]!;
      b.hs[j] = b.hs[i]!;
      b.dPair[j] = b.dPair[i]!;
      j++;
    }
    b.ws.length = b.hs.length = b.dPair.length = j;
  }
  if (hasRequired(s.rate)) {
    let j = 0;
    for (let i = 0; i < b.rates.length; i++) {
      if (rateDistance(s.rate, b.rates[i]!) === Infinity) continue;
      b.rates[j] = b.rates[i]!;
      b.dRate[j] = b.dRate[i]!;
      j++;
    }
    b.rates.length = b.dRate.length = j;
  }
}

interface BlockBest {
  block: Block;
  distance: number;
  w: number;
  h: number;
  fr: number;
  /** How far the pair's ratio is from the mode's (0 = scaled, not cropped). */
  aspect: number;
  /** How far from the UA default 640x480@30. */
  ua: number;
}

/** The best settings dictionary of a block: smallest distance, then the source's ratio, then nearest 640x480@30. */
function bestOf(b: Block): BlockBest {
  let minP = Infinity;
  for (const d of b.dPair) if (d < minP) minP = d;
  let minF = Infinity;
  for (const d of b.dRate) if (d < minF) minF = d;
  const r0 = b.mode.width / b.mode.height;
  let w = 0;
  let h = 0;
  let aspect = Infinity;
  let uaPair = Infinity;
  for (let i = 0; i < b.ws.length; i++) {
    if (!sameDistance(b.dPair[i]!, minP)) continue;
    const wi = b.ws[i]!;
    const hi = b.hs[i]!;
    const a = relDistance(round10(wi / hi), r0);
    const u = relDistance(wi, DEFAULT_WIDTH) + relDistance(hi, DEFAULT_HEIGHT);
    if (a < aspect || (a === aspect && u < uaPair)) {
      w = wi;
      h = hi;
      aspect = a;
      uaPair = u;
    }
  }
  let fr = 0;
  let uaRate = Infinity;
  for (let i = 0; i < b.rates.length; i++) {
    if (!sameDistance(b.dRate[i]!, minF)) continue;
    const u = relDistance(b.rates[i]!, DEFAULT_FRAME_RATE);
    if (u < uaRate) {
      fr = b.rates[i]!;
      uaRate = u;
    }
  }
  return { block: b, distance: minP + minF + b.dBase, w, h, fr, aspect, ua: uaPair + uaRate };
}

/**
 * Orders equally fit dictionaries (M#dfn-selectsettings step 6, "system default values, then UA
 * default values"): the native mode as is (resizeMode "none"), then the device's default mode, then
 * scaling over cropping, then nearest 640x480@30, then the cheapest native mode to run.
 */
function better(a: BlockBest, b: BlockBest): boolean {
  if (!sameDistance(a.distance, b.distance)) return a.distance < b.distance;
  if (a.block.native !== b.block.native) return a.block.native;
  const ad = a.block.modeIndex === 0;
  const bd = b.block.modeIndex === 0;
  if (ad !== bd) return ad;
  if (a.aspect !== b.aspect) return a.aspect < b.aspect;
  if (a.ua !== b.ua) return a.ua < b.ua;
  const ac = a.block.mode.width * a.block.mode.height * a.block.mode.frameRate;
  const bc = b.block.mode.width * b.block.mode.height * b.block.mode.frameRate;
  return ac < bc;
}

function settingsOf(b: Block, w: number, h: number, fr: number): MediaTrackSettings {
  const s: MediaTrackSettings = { width: w, height: h, aspectRatio: round10(w / h), frameRate: fr };
  const base = b.base as Record<string, unknown>;
  // Members in MediaTrackSettings order: facingMode and resizeMode follow frameRate.
  if (base.facingMode !== undefined) s.facingMode = base.facingMode as string;
  s.resizeMode = base.resizeMode as string;
  for (const k of Object.keys(base)) if (!(k in s)) (s as Record<string, unknown>)[k] = base[k];
  return s;
}

/** SelectSettings over a camera's space; see the comment at the top of this file. */
export function selectVideoSettings(space: VideoSpace, constraints: MediaTrackConstraints): VideoChoice {
  // Step 3: distance to the basic set, bare values as ideal; keep the finite ones.
  const basicCompiled = compileConstraintSet(constraints, 'ideal');
  let blocks = buildBlocks(space, constraints, split(basicCompiled));
  // Step 4: nothing satisfies the basic set.
  if (blocks.length === 0) return { failedConstraint: failedConstraintOf(basicCompiled, examined(space, constraints)) };
  // Step 5: each advanced set in order, bare values as exact; keep what satisfies it, if anything does.
  for (const cs of constraints.advanced ?? []) {
    const compiled = compileConstraintSet(cs, 'exact');
    if (compiled.length === 0) continue;
    const s = split(compiled);
    const kept = blocks.filter((b) => blockSatisfies(b, s));
    if (kept.length === 0) continue;
    for (const b of kept) restrictBlock(b, s);
    blocks = kept;
  }
  // Step 6: the smallest step-3 distance, ties broken by default values.
  let best = bestOf(blocks[0]!);
  for (let i = 1; i < blocks.length; i++) {
    const c = bestOf(blocks[i]!);
    if (better(c, best)) best = c;
  }
  return { settings: settingsOf(best.block, best.w, best.h, best.fr), mode: best.block.mode };
}

/**
 * The dictionaries examined for the failedConstraint search, without pre-filtering: each block's
 * native-size dictionary, plus every candidate size and every candidate rate of the block. Sizes
 * and rates are listed as partial dictionaries (the rest of each is the block's fixed part, which
 * its native-size dictionary already shows), since only "does any dictionary satisfy constraint X"
 * is asked of them.
 */
function examined(space: VideoSpace, constraints: MediaTrackConstraints): MediaTrackSettings[] {
  const out: MediaTrackSettings[] = [];
  for (const b of buildBlocks(space, constraints, null)) {
    out.push(settingsOf(b, b.mode.width, b.mode.height, b.mode.frameRate));
    for (let i = 0; i < b.ws.length; i++) out.push({ width: b.ws[i]!, height: b.hs[i]!, aspectRatio: round10(b.ws[i]! / b.hs[i]!) });
    for (const fr of b.rates) out.push({ frameRate: fr });
  }
  return out;
}
