/**
 * MediaStreamAudioDestinationNode (webaudio#MediaStreamAudioDestinationNode): a graph output that
 * is a MediaStream with one audio track carrying what the node's input renders, with the node's
 * channel count. The track is an ordinary track over a GeneratorSource: any consumer
 * (MediaStreamTrackProcessor, another context's source node, trackToReadable) can use it, clones
 * share it, and stopping every track stops the drain. Closing the context ends the track.
 */
import { AudioNode, nodeOptions, postToProcessor } from '../audio-node.js';
import type { AudioContext } from '../audio-context.js';
import { coreOf } from '../context-core.js';
import { notSupported } from '../errors.js';
import { audioContextArg, installAudioContextFactory } from '../media-stream-context.js';
import { OutputDrain } from '../media-stream-output.js';
import type { ExternalRingOptions } from '../render/external-io.js';
import { MediaStream } from '../../stream/media-stream.js';
import type { MediaStreamTrack } from '../../stream/media-stream-track.js';
import { trackSettingsOf } from '../../stream/media-stream-track.js';
import { createTrack } from '../../stream/internals.js';
import { INTERNAL, brand, dictionary, exposeMembers, toStringTag } from '../../webidl/index.js';

const IFACE = 'MediaStreamAudioDestinationNode';

interface DestinationSlots {
  readonly stream: MediaStream;
  readonly track: MediaStreamTrack;
  readonly drain: OutputDrain;
}

const slots = new WeakMap<object, DestinationSlots>();

export class MediaStreamAudioDestinationNode extends AudioNode {
  constructor(context: unknown, options?: unknown) {
    const ctx = audioContextArg(context, IFACE);
    const d = dictionary(options, `Failed to construct '${IFACE}': parameter 2`);
    const nodeOpts = nodeOptions(d, IFACE);
    const core = coreOf(ctx);
    // The ring starts with the channel count the node will have; an out-of-range count is
    // rejected by the AudioNode initialisation below (NotSupportedError).
    const requested = nodeOpts.channelCount as number | undefined;
    const channels = requested !== undefined && requested >= 1 && requested <= 32 ? requested : 2;
    const drain = new OutputDrain(core.sampleRate, channels);
    let self: AudioNode | null = null;
    let track: MediaStreamTrack | null = null;
    const ring = drain.ring;
    const processorOptions: ExternalRingOptions = { ring: ring.shared, channels: ring.channels, capacity: ring.capacity, stats: drain.stats.shared };
    // webaudio#dom-mediastreamaudiodestinationnode-mediastreamaudiodestinationnode
    // 1. Initialize the AudioNode with context and options.
    super(INTERNAL, ctx, {
      kind: 'ExternalOutput',
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 2,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions,
      checkChannelCount(n: number): void {
        if (n === 0 || n > 32) throw notSupported(`${IFACE}: channelCount must be between 1 and 32, got ${n}`);
        // The track has "the same number of channels as the node itself": follow changes.
        if (self !== null && n !== drain.ring.channels) {
          const r = drain.switchRing(n);
          postToProcessor(self, { t: 'ring', ring: r.shared, channels: r.channels, capacity: r.capacity });
          if (track !== null) trackSettingsOf(track).channelCount = n;
        }
      },
    }, nodeOpts);
    self = this;
    // webaudio#dom-mediastreamaudiodestinationnode-stream: one audio track, the node's channel count.
    track = createTrack(drain.source, {
      kind: 'audio',
      label: IFACE,
      settings: { channelCount: this.channelCount, sampleRate: core.sampleRate, sampleSize: 32 },
      capabilities: {},
      format: null,
    });
    const stream = new MediaStream([track]);
    slots.set(this, { stream, track, drain });
    // The drain follows the context: running -> drain, suspended -> pause, closed -> the track ends.
    const follow = (): void => {
      const state = ctx.state;
      if (state === 'running') drain.resume();
      else if (state === 'suspended') drain.pause();
      else {
        ctx.removeEventListener('statechange', follow);
        drain.close('the AudioContext was closed');
      }
    };
    ctx.addEventListener('statechange', follow);
    drain.source.onStop(() => ctx.removeEventListener('statechange', follow));
    if (core.controlState === 'closed') drain.close('the AudioContext is closed');
    else follow();
  }

  /** webaudio#dom-mediastreamaudiodestinationnode-stream */
  get stream(): MediaStream {
    return brand(slots, this, IFACE, 'stream').stream;
  }
}

toStringTag(MediaStreamAudioDestinationNode, IFACE);
exposeMembers(MediaStreamAudioDestinationNode, ['stream']);

declare module '../audio-context.js' {
  interface AudioContext {
    createMediaStreamDestination(): MediaStreamAudioDestinationNode;
  }
}

// webaudio#dom-audiocontext-createmediastreamdestination
installAudioContextFactory('createMediaStreamDestination', (c: AudioContext) => new MediaStreamAudioDestinationNode(c));
