import { notSupported } from './errors.js';

/**
 * webaudio#rendering-loop §2.5: an integer render size must lie in [1, floor(6 × sampleRate)].
 * The engine renders 128-frame quanta whatever the hint (renderQuantumSize reports 128).
 */
export function checkSizeHint(hint: number, sampleRate: number, where: string): void {
  if (hint === -1) return;
  const max = Math.floor(6 * sampleRate);
  if (hint < 1 || hint > max) throw notSupported(`${where}: renderSizeHint ${hint} is outside the supported range 1..${max}`);
}
