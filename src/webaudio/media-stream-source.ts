/**
 * The part MediaStreamAudioSourceNode and MediaStreamTrackAudioSourceNode share: an 'ExternalInput'
 * processor fed from one track through an InputPump (media-stream-input.ts).
 *
 * webaudio#MediaStreamAudioSourceNode: 0 inputs, 1 output, whose channel count is the track's; one
 * channel of silence once the track ends; the track's audio resampled to the context rate.
 * Muted or disabled tracks already deliver exact zeros (mediacapture-main#track-enabled), so the
 * node keeps rendering silence for them.
 */
import { AudioNode, postToProcessor, type NodeDescriptor } from './audio-node.js';
import { coreOf } from './context-core.js';
import type { AudioContext } from './audio-context.js';
import { InputPump, type InputPumpStats } from './media-stream-input.js';
import { getTrackOutput } from '../stream/internals.js';
import type { MediaStreamTrack } from '../stream/media-stream-track.js';
import type { ExternalRingOptions } from './render/external-io.js';

export interface TrackInput {
  readonly descriptor: NodeDescriptor;
  /** Call right after super(): subscribes to the track. */
  attach(node: AudioNode): void;
}

const pumps = new WeakMap<AudioNode, InputPump>();

export function trackInput(context: AudioContext, track: MediaStreamTrack): TrackInput {
  const settings = track.getSettings();
  const channels = typeof settings.channelCount === 'number' && settings.channelCount >= 1 && settings.channelCount <= 32 ? settings.channelCount : 1;
  // An ended track's output calls end() in a microtask, which sends { t: 'ended' }; until then the
  // processor, never primed, plays silence (one channel: an ended track's settings carry no
  // channelCount).
  return pumpedInput(context, channels, (pump) => getTrackOutput(track).subscribe(pump));
}

/**
 * An 'ExternalInput' node fed by an InputPump that `subscribe` connects to its media (called
 * when the node is attached; returns the unsubscribe). The pump follows changes of channel count
 * and sample rate in what it is fed, so one pump can serve successive tracks.
 */
export function pumpedInput(context: AudioContext, channels: number, subscribe: (pump: InputPump) => () => void): TrackInput {
  const core = coreOf(context);
  let node: AudioNode | null = null;
  let unsubscribe: (() => void) | null = null;
  const pump = new InputPump({
    contextRate: core.sampleRate,
    quantumSize: core.quantumSize,
    channels,
    running: () => {
      if (core.controlState === 'closed') {
        // The context will never render again: stop listening to the media.
        unsubscribe?.();
        unsubscribe = null;
        return false;
      }
      return core.controlState === 'running';
    },
    onRing: (ring, tuning) => {
      if (node) postToProcessor(node, { t: 'ring', ring: ring.shared, channels: ring.channels, capacity: ring.capacity, ...tuning });
    },
    onTune: (tuning) => {
      if (node) postToProcessor(node, { t: 'tune', ...tuning });
    },
    onEnd: () => {
      unsubscribe = null;
      if (node) postToProcessor(node, { t: 'ended' });
    },
  });
  const ring = pump.ring;
  const options: ExternalRingOptions = { ring: ring.shared, channels: ring.channels, capacity: ring.capacity, ...pump.tuning(), stats: pump.stats.shared };
  return {
    descriptor: {
      kind: 'ExternalInput',
      numberOfInputs: 0,
      numberOfOutputs: 1,
      channelCount: 2,
      channelCountMode: 'max',
      channelInterpretation: 'speakers',
      processorOptions: options,
    },
    attach(n: AudioNode): void {
      node = n;
      pumps.set(n, pump);
      unsubscribe = subscribe(pump);
    },
  };
}

/** Data-path statistics of a MediaStream source node (frames at the context rate). */
export function sourceNodeStats(node: AudioNode): InputPumpStats | null {
  return pumps.get(node)?.snapshot() ?? null;
}
