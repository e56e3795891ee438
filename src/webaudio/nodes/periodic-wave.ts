/** PeriodicWave (webaudio#PeriodicWave): Fourier coefficients for an OscillatorNode. */
import type { BaseAudioContext } from '../base-audio-context.js';
import { hasCore } from '../context-core.js';
import { indexSize } from '../errors.js';
import { boolean, dictionary, exposeMembers, float, sequence, toStringTag } from '../../webidl/index.js';
import { WaveTableSet, type WaveTableData } from '../dsp/periodic-wave.js';
import { installFactory } from './factory.js';

interface WaveSlots {
  context: BaseAudioContext;
  /** [[real]] and [[imag]], index 0 zeroed. */
  real: Float32Array;
  imag: Float32Array;
  /** [[normalize]] */
  normalize: boolean;
  /** Band-limited tables, built on first use by an OscillatorNode and shared by all of them. */
  tables: WaveTableData | null;
}

/** The coefficients and normalisation flag held by a PeriodicWave. */
export interface PeriodicWaveCoefficients {
  real: Float32Array;
  imag: Float32Array;
  normalize: boolean;
}

const slots = new WeakMap<object, WaveSlots>();

export class PeriodicWave {
  constructor(context: unknown, options?: unknown) {
    const where = "Failed to construct 'PeriodicWave'";
    if (!hasCore(context)) throw new TypeError(`${where}: parameter 1 is not of type 'BaseAudioContext'`);
    const d = dictionary(options, `${where}: parameter 2`);
    // Inherited members first, then lexicographic order, as WebIDL converts dictionaries.
    const disableNormalization = d.disableNormalization === undefined ? false : boolean(d.disableNormalization);
    const imagSeq = d.imag === undefined ? undefined : sequence(d.imag, `${where}: member imag of PeriodicWaveOptions`, float);
    const realSeq = d.real === undefined ? undefined : sequence(d.real, `${where}: member real of PeriodicWaveOptions`, float);
    let real: Float32Array;
    let imag: Float32Array;
    // webaudio#dom-periodicwave-periodicwave step 2. A length mismatch is an IndexSizeError here
    // (the algorithm and createPeriodicWave() say so; the dictionary prose says NotSupportedError).
    if (realSeq !== undefined && imagSeq !== undefined) {
      if (realSeq.length !== imagSeq.length) throw indexSize(`${where}: real and imag must have the same length (${realSeq.length} != ${imagSeq.length})`);
      if (realSeq.length < 2) throw indexSize(`${where}: real and imag need at least 2 elements, got ${realSeq.length}`);
      real = Float32Array.from(realSeq);
      imag = Float32Array.from(imagSeq);
    } else if (realSeq !== undefined) {
      if (realSeq.length < 2) throw indexSize(`${where}: real needs at least 2 elements, got ${realSeq.length}`);
      real = Float32Array.from(realSeq);
      imag = new Float32Array(realSeq.length);
    } else if (imagSeq !== undefined) {
      if (imagSeq.length < 2) throw indexSize(`${where}: imag needs at least 2 elements, got ${imagSeq.length}`);
      imag = Float32Array.from(imagSeq);
      real = new Float32Array(imagSeq.length);
    } else {
      // 2.4: equivalent to the built-in sine.
      real = new Float32Array(2);
      imag = new Float32Array(2);
      imag[1] = 1;
    }
    // 3. The DC component is 0.
    real[0] = 0;
    imag[0] = 0;
    // 4. [[normalize]] = !disableNormalization
    slots.set(this, { context: context as BaseAudioContext, real, imag, normalize: !disableNormalization, tables: null });
  }
}

function waveSlots(wave: unknown, where: string): WaveSlots {
  const s = slots.get(wave as object);
  if (s === undefined) throw new TypeError(`${where}: parameter is not of type 'PeriodicWave'`);
  return s;
}

/** Copies of the wave's [[real]], [[imag]] and [[normalize]]. */
export function periodicWaveCoefficients(wave: unknown, where: string): PeriodicWaveCoefficients {
  const s = waveSlots(wave, where);
  return { real: s.real.slice(), imag: s.imag.slice(), normalize: s.normalize };
}

/**
 * The wave's band-limited tables for an OscillatorNode processor. They are synthesised here, on
 * the control side, once per PeriodicWave, so the render thread only receives finished tables.
 */
export function periodicWaveTables(wave: unknown, where: string): WaveTableData {
  const s = waveSlots(wave, where);
  if (s.tables === null) s.tables = new WaveTableSet(s.real, s.imag, s.normalize).data();
  return s.tables;
}

export function isPeriodicWave(v: unknown): v is PeriodicWave {
  return typeof v === 'object' && v !== null && slots.has(v);
}

toStringTag(PeriodicWave, 'PeriodicWave');
exposeMembers(PeriodicWave, []);

declare module '../base-audio-context.js' {
  interface BaseAudioContext {
    createPeriodicWave(real: Iterable<number>, imag: Iterable<number>, constraints?: { disableNormalization?: boolean }): PeriodicWave;
  }
}

// webaudio#dom-baseaudiocontext-createperiodicwave
installFactory('createPeriodicWave', (c: BaseAudioContext, args) => {
  const where = "Failed to execute 'createPeriodicWave' on 'BaseAudioContext'";
  if (args.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${args.length} present`);
  const real = sequence(args[0], `${where}: parameter 1`, float);
  const imag = sequence(args[1], `${where}: parameter 2`, float);
  const constraints = dictionary(args[2], `${where}: parameter 3`);
  const disableNormalization = constraints.disableNormalization === undefined ? false : boolean(constraints.disableNormalization);
  // 1. Lengths must match.
  if (real.length !== imag.length) throw indexSize(`${where}: real and imag must have the same length (${real.length} != ${imag.length})`);
  // 2-6.
  return new PeriodicWave(c, { real, imag, disableNormalization });
});
