/**
 * MediaStreamAudioSourceNode (webaudio#MediaStreamAudioSourceNode): the audio of a MediaStream as a
 * graph source. The stream's audio track with the smallest id (UTF-16 code-unit order) is picked
 * at construction and kept; later changes to the stream's track set do not affect the node.
 */
import { AudioNode } from '../audio-node.js';
import type { AudioContext } from '../audio-context.js';
import { invalidState } from '../errors.js';
import { audioContextArg, installAudioContextFactory } from '../media-stream-context.js';
import { toMediaStream } from '../../stream/media-stream.js';
import { trackInput } from '../media-stream-source.js';
import type { MediaStream } from '../../stream/media-stream.js';
import type { MediaStreamTrack } from '../../stream/media-stream-track.js';
import { INTERNAL, brand, describe, dictionary, exposeMembers, requiredMember, toStringTag } from '../../webidl/index.js';

const IFACE = 'MediaStreamAudioSourceNode';

interface SourceSlots {
  readonly mediaStream: MediaStream;
  /** [[input track]] */
  readonly inputTrack: MediaStreamTrack;
}

const slots = new WeakMap<object, SourceSlots>();

export class MediaStreamAudioSourceNode extends AudioNode {
  constructor(context: unknown, options: unknown) {
    const where = `Failed to construct '${IFACE}'`;
    const ctx = audioContextArg(context, IFACE);
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    // MediaStreamAudioSourceOptions: required MediaStream mediaStream.
    const d = dictionary(options, `${where}: parameter 2`);
    const given = requiredMember(d, 'mediaStream', `${where}: MediaStreamAudioSourceOptions`);
    const stream = toMediaStream(given);
    if (!stream) {
      throw new TypeError(`${where}: member mediaStream of MediaStreamAudioSourceOptions (${describe(given)}) is not of type 'MediaStream'`);
    }
    // webaudio#dom-mediastreamaudiosourcenode-mediastreamaudiosourcenode
    // 1-2. The stream's audio tracks (ended ones included); none -> InvalidStateError.
    const tracks = stream.getAudioTracks();
    if (tracks.length === 0) throw invalidState(`${where}: the MediaStream has no track of kind 'audio'`);
    // 3. Sort by id in code-unit order (plain comparison of JS strings, not localeCompare).
    tracks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // 4. Initialize the AudioNode; 5. [[input track]] = the first.
    const inputTrack = tracks[0]!;
    const input = trackInput(ctx, inputTrack);
    super(INTERNAL, ctx, input.descriptor);
    slots.set(this, { mediaStream: stream, inputTrack });
    input.attach(this);
  }

  /** webaudio#dom-mediastreamaudiosourcenode-mediastream ([SameObject]) */
  get mediaStream(): MediaStream {
    return brand(slots, this, IFACE, 'mediaStream').mediaStream;
  }
}

toStringTag(MediaStreamAudioSourceNode, IFACE);
exposeMembers(MediaStreamAudioSourceNode, ['mediaStream']);

/** [[input track]] of a MediaStreamAudioSourceNode (for tests and diagnostics). */
export function inputTrackOf(node: MediaStreamAudioSourceNode): MediaStreamTrack {
  return brand(slots, node, IFACE, 'inputTrack').inputTrack;
}

declare module '../audio-context.js' {
  interface AudioContext {
    createMediaStreamSource(mediaStream: unknown): MediaStreamAudioSourceNode;
  }
}

// webaudio#dom-audiocontext-createmediastreamsource
installAudioContextFactory('createMediaStreamSource', (c: AudioContext, args) => {
  if (args.length < 1) throw new TypeError("Failed to execute 'createMediaStreamSource' on 'AudioContext': 1 argument required, but only 0 present");
  if (!toMediaStream(args[0])) throw new TypeError(`Failed to execute 'createMediaStreamSource' on 'AudioContext': parameter 1 (${describe(args[0])}) is not of type 'MediaStream'`);
  return new MediaStreamAudioSourceNode(c, { mediaStream: args[0] });
});
