/**
 * The fitness distance of mediacapture-main#dfn-fitness-distance, with constraint sets compiled
 * once into flat records so SelectSettings can score many settings dictionaries cheaply.
 */
import { appliesTo, PROPERTIES } from './properties.js';
import type { MediaTrackConstraintSet, MediaTrackSettings } from './types.js';

/** aspectRatio is "a double rounded to the tenth decimal place" (mediacapture-main#dfn-aspectratio). */
export function round10(x: number): number {
  // Past 2**53 / 1e10 a double has no tenth decimal to round (and x * 1e10 could overflow).
  return Math.abs(x) < 900719 ? Math.round(x * 1e10) / 1e10 : x;
}

type Discrete = string | boolean;

/** One constraint of a set, ready to be scored. */
export interface CompiledConstraint {
  readonly name: string;
  /** Has min/max/exact, or is a bare value in a set whose bare values are exact (M#dfn-required). */
  readonly required: boolean;
  readonly numeric: boolean;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly exact: number | undefined;
  readonly ideal: number | undefined;
  readonly exactList: readonly Discrete[] | undefined;
  readonly idealList: readonly Discrete[] | undefined;
  /** Rule 4: a bare boolean given for a property that is not boolean; the value it asks for "exists". */
  readonly existence: boolean | undefined;
}

function isPlainValue(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Array.isArray(v);
}

function asList(v: unknown): Discrete[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).filter((x): x is Discrete => typeof x === 'string' || typeof x === 'boolean');
  // M#dfn-selectsettings step 1: an empty list is the same as no constraint.
  return list.length === 0 ? undefined : list;
}

function asNumber(v: unknown, name: string): number | undefined {
  if (typeof v !== 'number' || Number.isNaN(v)) return undefined;
  return name === 'aspectRatio' ? round10(v) : v;
}

/**
 * Compiles one ConstraintSet. Members that are not supported by the UA are left out: rule 1 gives
 * them 0 whatever the settings dictionary holds.
 */
export function compileConstraintSet(cs: MediaTrackConstraintSet, bareValues: 'ideal' | 'exact'): CompiledConstraint[] {
  const out: CompiledConstraint[] = [];
  for (const name of Object.keys(cs)) {
    if (name === 'advanced') continue;
    const info = PROPERTIES.get(name);
    // Rule 1: a name the UA does not support contributes 0.
    if (info === undefined || !info.supported) continue;
    const value = (cs as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const numeric = info.type === 'ulong' || info.type === 'double';
    const booleanProperty = info.type === 'boolean' || info.type === 'booleanOrString';
    let min: number | undefined;
    let max: number | undefined;
    let exact: number | undefined;
    let ideal: number | undefined;
    let exactList: Discrete[] | undefined;
    let idealList: Discrete[] | undefined;
    let existence: boolean | undefined;
    let bare = false;
    if (typeof value === 'boolean' && !booleanProperty) {
      existence = value;
      bare = true;
    } else if (isPlainValue(value)) {
      bare = true;
      if (numeric) {
        const n = asNumber(value, name);
        if (n === undefined) continue;
        if (bareValues === 'exact') exact = n;
        else ideal = n;
      } else {
        const list = asList(value);
        if (list === undefined) continue;
        if (bareValues === 'exact') exactList = list;
        else idealList = list;
      }
    } else {
      const o = value as Record<string, unknown>;
      if (numeric) {
        min = asNumber(o.min, name);
        max = asNumber(o.max, name);
        exact = asNumber(o.exact, name);
        ideal = asNumber(o.ideal, name);
      } else {
        exactList = asList(o.exact);
        idealList = asList(o.ideal);
        // {exact: [], ideal: []}: only empty lists were given, which is no constraint at all.
        if (exactList === undefined && idealList === undefined && (o.exact !== undefined || o.ideal !== undefined)) continue;
      }
    }
    const required = bare
      ? bareValues === 'exact'
      : min !== undefined || max !== undefined || exact !== undefined || exactList !== undefined;
    out.push({ name, required, numeric, min, max, exact, ideal, exactList, idealList, existence });
  }
  return out;
}

/** Whether `value` satisfies the required part (min/max/exact) of `c`. */
export function satisfies(c: CompiledConstraint, value: unknown): boolean {
  if (value === undefined) return false;
  if (c.existence !== undefined) return c.existence;
  if (c.numeric) {
    if (typeof value !== 'number') return false;
    const v = c.name === 'aspectRatio' ? round10(value) : value;
    if (c.min !== undefined && v < c.min) return false;
    if (c.max !== undefined && v > c.max) return false;
    if (c.exact !== undefined && v !== c.exact) return false;
    return true;
  }
  // M#dfn-fitness-distance: for strings, "==" is true when any element of the list matches.
  return c.exactList === undefined || c.exactList.includes(value as Discrete);
}

/** Fitness distance of one settings dictionary against a compiled set (rules 1-8, in order). */
export function distanceOf(compiled: readonly CompiledConstraint[], settings: MediaTrackSettings, kind: 'audio' | 'video'): number {
  const sd = settings as Record<string, unknown>;
  let d = 0;
  for (let i = 0; i < compiled.length; i++) {
    const c = compiled[i]!;
    const actual = sd[c.name];
    // Rule 2: a required constraint not satisfied (or the member missing) is infinitely far.
    if (c.required && !satisfies(c, actual)) return Infinity;
    // Rule 3: a property not defined for this kind of object does not count.
    if (!appliesTo(c.name, kind)) continue;
    // Rule 4: a boolean given for a non-boolean property asks whether the member exists.
    if (c.existence !== undefined) {
      d += (actual !== undefined) === c.existence ? 0 : 1;
      continue;
    }
    // Rule 5: the settings dictionary lacks the member.
    if (actual === undefined) {
      d += 1;
      continue;
    }
    if (c.numeric) {
      // Rule 6: no ideal.
      if (c.ideal === undefined) continue;
      // Rule 7: |actual - ideal| / max(|actual|, |ideal|).
      if (typeof actual !== 'number') {
        d += 1;
        continue;
      }
      const a = c.name === 'aspectRatio' ? round10(actual) : actual;
      const ideal = c.ideal;
      if (a !== ideal) d += Math.abs(a - ideal) / Math.max(Math.abs(a), Math.abs(ideal));
    } else {
      // Rule 6: no ideal.
      if (c.idealList === undefined) continue;
      // Rule 8: 0 when the value equals (any element of) the ideal, else 1.
      if (!c.idealList.includes(actual as Discrete)) d += 1;
    }
  }
  return d;
}

/**
 * mediacapture-main#dfn-fitness-distance: the fitness distance between a settings dictionary and
 * a constraint set, with bare values treated as ideal (basic set) or exact (advanced sets).
 */
export function fitnessDistance(
  settings: MediaTrackSettings,
  constraintSet: MediaTrackConstraintSet,
  bareValues: 'ideal' | 'exact',
  kind: 'audio' | 'video',
): number {
  return distanceOf(compileConstraintSet(constraintSet, bareValues), settings, kind);
}

/** The relative distance of rule 7, also used to rank ties against default values. */
export function relDistance(actual: number, ideal: number): number {
  return actual === ideal ? 0 : Math.abs(actual - ideal) / Math.max(Math.abs(actual), Math.abs(ideal));
}

/** Distances within this relative margin are equal (sums of the same terms in floating point). */
export function sameDistance(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * M#dfn-applyconstraints-algorithm step 2: a required constraint of the basic set whose fitness
 * distance was infinite for every examined settings dictionary, or "" if there is none.
 */
export function failedConstraintOf(basic: readonly CompiledConstraint[], examined: readonly MediaTrackSettings[]): string {
  for (const c of basic) {
    if (!c.required) continue;
    let anySatisfied = false;
    for (const s of examined) {
      if (satisfies(c, (s as Record<string, unknown>)[c.name])) {
        anySatisfied = true;
        break;
      }
    }
    if (!anySatisfied) return c.name;
  }
  return '';
}
