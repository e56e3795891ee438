/** AudioBuffer (webaudio#AudioBuffer): planar float32 PCM held in memory. */
import { indexSize, notSupported } from './errors.js';
import { brand, dictionary, exposeMembers, float, requiredMember, toStringTag, unsignedLong } from '../webidl/index.js';

export const MIN_SAMPLE_RATE = 3000;
export const MAX_SAMPLE_RATE = 768000;
export const MAX_CHANNELS = 32;
/** The most sample memory one AudioBuffer (or an OfflineAudioContext's result) may hold: 2 GiB. */
export const MAX_AUDIO_BUFFER_BYTES = 2 ** 31;

interface BufferSlots {
  sampleRate: number;
  length: number;
  channels: Float32Array[];
}

const slots = new WeakMap<object, BufferSlots>();

/** webaudio#dom-audiobuffer-audiobuffer step 1: nominal ranges, NotSupportedError. */
export function checkBufferShape(numberOfChannels: number, length: number, sampleRate: number, where: string): void {
  if (numberOfChannels < 1 || numberOfChannels > MAX_CHANNELS) {
    throw notSupported(`${where}: numberOfChannels must be between 1 and ${MAX_CHANNELS}, got ${numberOfChannels}`);
  }
  if (length < 1) throw notSupported(`${where}: length must be at least 1 frame, got ${length}`);
  if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
    throw notSupported(`${where}: sampleRate must be between ${MIN_SAMPLE_RATE} and ${MAX_SAMPLE_RATE} Hz, got ${sampleRate}`);
  }
  // Browsers fail an allocation they cannot make with NotSupportedError; fail it before trying,
  // at a fixed size, rather than reserving tens of GiB that are later touched by rendering.
  if (numberOfChannels * length * 4 > MAX_AUDIO_BUFFER_BYTES) {
    throw notSupported(
      `${where}: ${numberOfChannels} channels of ${length} frames need ${Math.ceil((numberOfChannels * length * 4) / 2 ** 20)} MiB, more than the ${MAX_AUDIO_BUFFER_BYTES / 2 ** 20} MiB an audio buffer may hold`,
    );
  }
}

export class AudioBuffer {
  constructor(options: unknown) {
    const where = "Failed to construct 'AudioBuffer'";
    if (arguments.length < 1) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
    const d = dictionary(options, `${where}: parameter 1`);
    const length = unsignedLong(requiredMember(d, 'length', `${where}: AudioBufferOptions`), `${where}: member length of AudioBufferOptions`);
    const numberOfChannels = d.numberOfChannels === undefined ? 1 : unsignedLong(d.numberOfChannels, `${where}: member numberOfChannels of AudioBufferOptions`);
    const sampleRate = float(requiredMember(d, 'sampleRate', `${where}: AudioBufferOptions`), `${where}: member sampleRate of AudioBufferOptions`);
    checkBufferShape(numberOfChannels, length, sampleRate, where);
    const channels: Float32Array[] = [];
    for (let c = 0; c < numberOfChannels; c++) channels.push(new Float32Array(length));
    slots.set(this, { sampleRate, length, channels });
  }

  get sampleRate(): number {
    return brand(slots, this, 'AudioBuffer', 'sampleRate').sampleRate;
  }

  get length(): number {
    return brand(slots, this, 'AudioBuffer', 'length').length;
  }

  get duration(): number {
    const s = brand(slots, this, 'AudioBuffer', 'duration');
    return s.length / s.sampleRate;
  }

  get numberOfChannels(): number {
    return brand(slots, this, 'AudioBuffer', 'numberOfChannels').channels.length;
  }

  getChannelData(channel: unknown): Float32Array<ArrayBuffer> {
    const s = brand(slots, this, 'AudioBuffer', 'getChannelData');
    const where = "Failed to execute 'getChannelData' on 'AudioBuffer'";
    if (arguments.length < 1) throw new TypeError(`${where}: 1 argument required, but only 0 present`);
    const c = unsignedLong(channel, `${where}: parameter 1`);
    if (c >= s.channels.length) throw indexSize(`${where}: channel index ${c} exceeds number of channels (${s.channels.length})`);
    return s.channels[c]! as Float32Array<ArrayBuffer>;
  }

  copyFromChannel(destination: unknown, channelNumber: unknown, bufferOffset: unknown = 0): void {
    const s = brand(slots, this, 'AudioBuffer', 'copyFromChannel');
    const where = "Failed to execute 'copyFromChannel' on 'AudioBuffer'";
    if (!(destination instanceof Float32Array)) throw new TypeError(`${where}: parameter 1 is not of type 'Float32Array'`);
    const c = unsignedLong(channelNumber, `${where}: parameter 2`);
    const k = unsignedLong(bufferOffset, `${where}: parameter 3`);
    if (c >= s.channels.length) throw indexSize(`${where}: channel number ${c} exceeds number of channels (${s.channels.length})`);
    // Frames copied: max(0, min(Nb - k, Nf)).
    const n = Math.max(0, Math.min(s.length - k, destination.length));
    if (n > 0) destination.set(s.channels[c]!.subarray(k, k + n));
  }

  copyToChannel(source: unknown, channelNumber: unknown, bufferOffset: unknown = 0): void {
    const s = brand(slots, this, 'AudioBuffer', 'copyToChannel');
    const where = "Failed to execute 'copyToChannel' on 'AudioBuffer'";
    if (!(source instanceof Float32Array)) throw new TypeError(`${where}: parameter 1 is not of type 'Float32Array'`);
    const c = unsignedLong(channelNumber, `${where}: parameter 2`);
    const k = unsignedLong(bufferOffset, `${where}: parameter 3`);
    if (c >= s.channels.length) throw indexSize(`${where}: channel number ${c} exceeds number of channels (${s.channels.length})`);
    const n = Math.max(0, Math.min(s.length - k, source.length));
    if (n > 0) s.channels[c]!.set(source.subarray(0, n), k);
  }
}

/**
 * webaudio#acquire-the-content: the render side gets its own copy of the channel data, so later
 * writes through getChannelData()/copyToChannel() do not change what is playing.
 */
export function acquireContent(buffer: AudioBuffer): { sampleRate: number; length: number; channels: Float32Array[] } {
  const s = slots.get(buffer)!;
  return { sampleRate: s.sampleRate, length: s.length, channels: s.channels.map((c) => c.slice()) };
}

/** Wraps rendered channel data in an AudioBuffer without copying. */
export function audioBufferFrom(channels: Float32Array[], sampleRate: number): AudioBuffer {
  const b = Object.create(AudioBuffer.prototype) as AudioBuffer;
  slots.set(b, { sampleRate, length: channels[0]!.length, channels });
  return b;
}

export function isAudioBuffer(v: unknown): v is AudioBuffer {
  return typeof v === 'object' && v !== null && slots.has(v);
}

/** Internal: the live channel arrays (for the ScriptProcessorNode event buffers). */
export function bufferChannels(buffer: AudioBuffer): Float32Array[] {
  return slots.get(buffer)!.channels;
}

toStringTag(AudioBuffer, 'AudioBuffer');
exposeMembers(AudioBuffer, ['sampleRate', 'length', 'duration', 'numberOfChannels', 'getChannelData', 'copyFromChannel', 'copyToChannel']);
