/**
 * A media element's own audio output: what it plays goes to the same output AudioContexts use by
 * default, which is none (nothing is rendered) unless MEDIACAPTURE_AUDIO_OUTPUT=system, or
 * installElements({ audioOutput }) names one (any AudioContextOptions.mediacaptureSink value).
 *
 * While an element is potentially playing audio and the output is not none, it has an
 * AudioContext of its own on that output: the element's audio (as a MediaElementAudioSourceNode
 * hears it) through a gain of `volume` (0 when `muted`) to the destination. The context is closed
 * as soon as the element stops playing, so a paused or ended element keeps nothing running.
 * Once script routes the element into a graph (createMediaElementSource), its audio plays there
 * only (webaudio#MediaElementAudioSourceNode) and the own output closes for good.
 *
 * The Web Audio modules are loaded on first use, so elements without an output never load them.
 */
import type { ElementState } from './media-element-core.js';

let configured: unknown = undefined;

/** Where elements play their audio: a mediacaptureSink value, or undefined for AudioContext's default. */
export function setElementAudioOutput(sink: unknown): void {
  configured = sink;
}

function outputIsNone(): boolean {
  if (configured === undefined) return process.env.MEDIACAPTURE_AUDIO_OUTPUT !== 'system';
  return typeof configured === 'object' && configured !== null && (configured as { type?: unknown }).type === 'none';
}

interface Output {
  ctx: { close(): Promise<void>; state: string } | null;
  gain: { gain: { value: number } } | null;
  starting: Promise<void> | null;
  wanted: boolean;
  level: number;
}

const outputs = new WeakMap<ElementState, Output>();
const rerouted = new WeakSet<ElementState>();

/** Script made a MediaElementAudioSourceNode of the element: its own output stops for good. */
export function elementRerouted(s: ElementState): void {
  rerouted.add(s);
  syncElementOutput(s, false, 0);
}

/**
 * Brings the element's output in line: `playing` is whether it potentially plays audio now,
 * `level` its volume (0 when muted).
 */
export function syncElementOutput(s: ElementState, playing: boolean, level: number): void {
  const wanted = playing && !rerouted.has(s) && !outputIsNone();
  let o = outputs.get(s);
  if (!o) {
    if (!wanted) return;
    o = { ctx: null, gain: null, starting: null, wanted, level };
    outputs.set(s, o);
  }
  o.wanted = wanted;
  o.level = level;
  if (o.gain) o.gain.gain.value = level;
  if (o.starting) return;
  if (wanted && !o.ctx) {
    const out = o;
    out.starting = start(s, out)
      .catch(() => undefined)
      .finally(() => {
        out.starting = null;
        syncElementOutput(s, out.wanted, out.level);
      });
  } else if (!wanted && o.ctx) {
    const ctx = o.ctx;
    o.ctx = null;
    o.gain = null;
    void ctx.close().catch(() => undefined);
  }
}

async function start(s: ElementState, o: Output): Promise<void> {
  const [{ AudioContext }, { elementOutputSource }] = await Promise.all([
    import('../webaudio/index.js'),
    import('../webaudio/nodes/media-element-audio-source-node.js'),
  ]);
  if (!o.wanted) return;
  const ctx = new AudioContext(configured === undefined ? {} : ({ mediacaptureSink: configured } as never));
  const source = elementOutputSource(ctx, s.target);
  const gain = ctx.createGain();
  gain.gain.value = o.level;
  source.connect(gain).connect(ctx.destination);
  o.ctx = ctx as never;
  o.gain = gain as never;
}
