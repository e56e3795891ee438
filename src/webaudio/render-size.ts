import { notSupported } from './errors.js';

/**
 * webaudio#rendering-loop §2.5: an integer render size must lie in [1, floor(6 × sampleRate)].
 * The hint is honoured as the nearest power of two within [MIN_QUANTUM, MAX_QUANTUM] (the
 * partitioned convolver and the FFT-based nodes need a power of two); renderQuantumSize reports
 * the size chosen. 'default' and 'hardware' give 128.
 */
export function checkSizeHint(hint: number, sampleRate: number, where: string): void {
  if (hint === -1) return;
  const max = Math.floor(6 * sampleRate);
  if (hint < 1 || hint > max) throw notSupported(`${where}: renderSizeHint ${hint} is outside the supported range 1..${max}`);
}

export const DEFAULT_QUANTUM = 128;
export const MIN_QUANTUM = 16;
export const MAX_QUANTUM = 16384;

/** The render quantum size used for a (validated) hint; -1 stands for 'default' / 'hardware'. */
export function chooseQuantumSize(hint: number): number {
  if (hint === -1) return DEFAULT_QUANTUM;
  const clamped = Math.min(MAX_QUANTUM, Math.max(MIN_QUANTUM, hint));
  const lower = 2 ** Math.floor(Math.log2(clamped));
  const upper = lower * 2;
  return upper <= MAX_QUANTUM && upper - clamped < clamped - lower ? upper : lower;
}
