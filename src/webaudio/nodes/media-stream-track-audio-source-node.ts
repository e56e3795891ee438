/**
 * MediaStreamTrackAudioSourceNode (webaudio#MediaStreamTrackAudioSourceNode): the audio of one
 * given track as a graph source.
 */
import { AudioNode } from '../audio-node.js';
import type { AudioContext } from '../audio-context.js';
import { invalidState } from '../errors.js';
import { audioContextArg, installAudioContextFactory } from '../media-stream-context.js';
import { trackInput } from '../media-stream-source.js';
import { isMediaStreamTrack, trackKindOf } from '../../stream/media-stream-track.js';
import { INTERNAL, describe, dictionary, requiredMember, toStringTag } from '../../webidl/index.js';

const IFACE = 'MediaStreamTrackAudioSourceNode';

export class MediaStreamTrackAudioSourceNode extends AudioNode {
  constructor(context: unknown, options: unknown) {
    const where = `Failed to construct '${IFACE}'`;
    const ctx = audioContextArg(context, IFACE);
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    // MediaStreamTrackAudioSourceOptions: required MediaStreamTrack mediaStreamTrack.
    const d = dictionary(options, `${where}: parameter 2`);
    const track = requiredMember(d, 'mediaStreamTrack', `${where}: MediaStreamTrackAudioSourceOptions`);
    if (!isMediaStreamTrack(track)) {
      throw new TypeError(`${where}: member mediaStreamTrack of MediaStreamTrackAudioSourceOptions (${describe(track)}) is not of type 'MediaStreamTrack'`);
    }
    // webaudio#dom-mediastreamtrackaudiosourcenode-mediastreamtrackaudiosourcenode
    // 1. kind must be "audio".
    const kind = trackKindOf(track);
    if (kind !== 'audio') throw invalidState(`${where}: the mediaStreamTrack is of kind '${kind}', not 'audio'`);
    // 2. Initialize the AudioNode.
    const input = trackInput(ctx, track);
    super(INTERNAL, ctx, input.descriptor);
    input.attach(this);
  }
}

toStringTag(MediaStreamTrackAudioSourceNode, IFACE);

declare module '../audio-context.js' {
  interface AudioContext {
    createMediaStreamTrackSource(mediaStreamTrack: unknown): MediaStreamTrackAudioSourceNode;
  }
}

// webaudio#dom-audiocontext-createmediastreamtracksource
installAudioContextFactory('createMediaStreamTrackSource', (c: AudioContext, args) => {
  if (args.length < 1) throw new TypeError("Failed to execute 'createMediaStreamTrackSource' on 'AudioContext': 1 argument required, but only 0 present");
  if (!isMediaStreamTrack(args[0])) throw new TypeError(`Failed to execute 'createMediaStreamTrackSource' on 'AudioContext': parameter 1 (${describe(args[0])}) is not of type 'MediaStreamTrack'`);
  return new MediaStreamTrackAudioSourceNode(c, { mediaStreamTrack: args[0] });
});
