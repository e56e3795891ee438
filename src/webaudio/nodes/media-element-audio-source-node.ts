/**
 * MediaElementAudioSourceNode (webaudio#MediaElementAudioSourceNode): the audio an HTMLMediaElement
 * plays, as a graph source. Media elements here play MediaStreams (src/elements), so the node hears
 * what the element renders: its first live audio track while it is potentially playing, silence
 * while it is paused, not yet loaded or has ended; a new srcObject, or a track coming or going, is
 * followed. The element's audio goes nowhere else (elements here have no audio sink of their own).
 *
 * Built on the element's capture (elements/media-element-capture.ts), which already gives "what
 * the element renders" as tracks; one InputPump follows those tracks as they change.
 */
import type { DomHTMLMediaElement } from '../../webidl/dom-types.js';
import { AudioNode } from '../audio-node.js';
import type { AudioContext } from '../audio-context.js';
import { invalidState } from '../errors.js';
import { audioContextArg, installAudioContextFactory } from '../media-stream-context.js';
import { pumpedInput } from '../media-stream-source.js';
import type { InputPump } from '../media-stream-input.js';
import { elementStateOf, type ElementState } from '../../elements/media-element-core.js';
import { createCapture, releaseCapture } from '../../elements/media-element-capture.js';
import { elementRerouted } from '../../elements/element-audio-output.js';
import { getTrackOutput } from '../../stream/internals.js';
import type { MediaStreamTrack } from '../../stream/media-stream-track.js';
import { INTERNAL, brand, describe, dictionary, exposeMembers, requiredMember, toStringTag } from '../../webidl/index.js';

const IFACE = 'MediaElementAudioSourceNode';

const slots = new WeakMap<object, { mediaElement: object }>();
/** Elements already routed into a graph (browsers allow one node per element). */
const routed = new WeakSet<object>();
/** Set while the element's own audio output (elements/element-audio-output.ts) makes its node. */
let forElementOutput = false;

/** Feeds `pump` from the audio the element renders; returns the undo. */
function followElement(s: ElementState, pump: InputPump): () => void {
  const capture = createCapture(s.capture);
  let current: { track: MediaStreamTrack; unsubscribe: () => void } | null = null;
  const follow = (): void => {
    const track = capture.getAudioTracks().find((t) => t.readyState === 'live') ?? null;
    if (current !== null && current.track === track) return;
    current?.unsubscribe();
    current = null;
    if (track === null) return;
    const unsubscribe = getTrackOutput(track).subscribe({
      frame: (f) => pump.frame(f),
      // A captured track ends when the element stops playing it; the node stays and goes silent.
      end: () => {
        if (current?.track === track) current = null;
        queueMicrotask(follow);
      },
    });
    current = { track, unsubscribe };
  };
  capture.addEventListener('addtrack', follow);
  capture.addEventListener('removetrack', follow);
  follow();
  return () => {
    capture.removeEventListener('addtrack', follow);
    capture.removeEventListener('removetrack', follow);
    current?.unsubscribe();
    current = null;
    releaseCapture(s.capture, capture);
  };
}

export class MediaElementAudioSourceNode extends AudioNode {
  /** webaudio#dom-mediaelementaudiosourcenode-mediaelementaudiosourcenode */
  constructor(context: unknown, options: unknown) {
    const where = `Failed to construct '${IFACE}'`;
    const ctx = audioContextArg(context, IFACE);
    if (arguments.length < 2) throw new TypeError(`${where}: 2 arguments required, but only ${arguments.length} present`);
    // MediaElementAudioSourceOptions: required HTMLMediaElement mediaElement.
    const d = dictionary(options, `${where}: parameter 2`);
    const element = requiredMember(d, 'mediaElement', `${where}: MediaElementAudioSourceOptions`);
    const state = elementStateOf(element);
    if (state === undefined) {
      throw new TypeError(
        `${where}: member mediaElement of MediaElementAudioSourceOptions (${describe(element)}) is not an HTMLMediaElement this library plays (see installElements / patchMediaElements)`,
      );
    }
    const own = forElementOutput;
    forElementOutput = false;
    if (!own && routed.has(element as object)) {
      throw invalidState(`${where}: the HTMLMediaElement is already connected to a MediaElementAudioSourceNode`);
    }
    // One channel until the element plays audio; the pump follows the played track's layout.
    const input = pumpedInput(ctx, 1, (pump) => followElement(state, pump));
    super(INTERNAL, ctx, input.descriptor);
    if (!own) {
      // webaudio#MediaElementAudioSourceNode: the element's audio now plays only through the graph.
      routed.add(element as object);
      elementRerouted(state);
    }
    slots.set(this, { mediaElement: element as object });
    input.attach(this);
  }

  /** webaudio#dom-mediaelementaudiosourcenode-mediaelement ([SameObject]) */
  get mediaElement(): DomHTMLMediaElement {
    return brand(slots, this, IFACE, 'mediaElement').mediaElement as DomHTMLMediaElement;
  }
}

toStringTag(MediaElementAudioSourceNode, IFACE);
exposeMembers(MediaElementAudioSourceNode, ['mediaElement']);

declare module '../audio-context.js' {
  interface AudioContext {
    createMediaElementSource(mediaElement: unknown): MediaElementAudioSourceNode;
  }
}

// webaudio#dom-audiocontext-createmediaelementsource
installAudioContextFactory('createMediaElementSource', (c: AudioContext, args) => {
  if (args.length < 1) throw new TypeError("Failed to execute 'createMediaElementSource' on 'AudioContext': 1 argument required, but only 0 present");
  return new MediaElementAudioSourceNode(c, { mediaElement: args[0] });
});

/** The node an element's own audio output plays through: not a routing of the element (elements/element-audio-output.ts). */
export function elementOutputSource(context: AudioContext, element: object): MediaElementAudioSourceNode {
  forElementOutput = true;
  try {
    return new MediaElementAudioSourceNode(context, { mediaElement: element });
  } finally {
    forElementOutput = false;
  }
}
