/**
 * A minimal live Matroska stream of one uncompressed track, the way the ffmpeg engine hands media
 * to ffmpeg: I420 pictures (`V_UNCOMPRESSED`, colour space `I420`) or interleaved 32-bit float
 * samples (`A_PCM/FLOAT/IEEE`). Unlike a raw `.yuv` pipe it carries each picture's own timestamp,
 * so variable frame timing (a muted camera's one black frame, a source that drops frames) reaches
 * the encoder as it was. The segment and clusters have unknown sizes (a stream); the time scale
 * is 1 µs, and every block gets a cluster of its own, whose timestamp is the block's (a block's
 * 16-bit relative time would not reach the next frame).
 *
 * The header ends with an empty cluster: ffmpeg opens its inputs one after the other, reading
 * nothing else meanwhile, and the demuxer reads up to the first cluster to open one. With the
 * header alone enough, opening an input never waits for media this process may be unable to
 * write yet (it could be blocked writing the other input).
 */

/** An element ID, as its bytes (IDs carry their own length marker). */
function idBytes(id: number): number[] {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return out;
}

/** An unsigned integer in as few bytes as it takes (at least one). */
function uintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    out.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return out;
}

/** An element size as an 8-byte variable-length integer. */
function sizeBytes(size: number): number[] {
  const out = [0x01];
  for (let shift = 6; shift >= 0; shift--) out.push(Math.floor(size / 2 ** (shift * 8)) & 0xff);
  return out;
}

function element(id: number, payload: readonly number[]): number[] {
  return [...idBytes(id), ...sizeBytes(payload.length), ...payload];
}

const uint = (id: number, value: number) => element(id, uintBytes(value));
const ascii = (id: number, text: string) => element(id, [...text].map((c) => c.charCodeAt(0) & 0x7f));
/** A master element whose size is "unknown" (it runs until an element that cannot be its child). */
const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

const EBML = 0x1a45dfa3, SEGMENT = 0x18538067, INFO = 0x1549a966, TRACKS = 0x1654ae6b, TRACK_ENTRY = 0xae, VIDEO = 0xe0, AUDIO = 0xe1;
const CLUSTER = 0x1f43b675, TIMESTAMP = 0xe7, SIMPLE_BLOCK = 0xa3;

export type RawTrack =
  | { readonly kind: 'video'; readonly width: number; readonly height: number; readonly frameRate: number }
  | { readonly kind: 'audio'; readonly sampleRate: number; readonly channels: number };

function float64(id: number, value: number): number[] {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, value);
  return element(id, [...new Uint8Array(b.buffer)]);
}

/**
 * The stream's start: EBML header, segment, info (1 µs ticks), the one track, and an empty
 * cluster. A video track's default duration (the nominal frame rate) is what ffmpeg tells the
 * encoder's rate control.
 */
export function rawMatroskaHeader(track: RawTrack): Uint8Array {
  const header = element(EBML, [
    ...uint(0x4286, 1), ...uint(0x42f7, 1), ...uint(0x42f2, 4), ...uint(0x42f3, 8),
    ...ascii(0x4282, 'matroska'), ...uint(0x4287, 4), ...uint(0x4285, 2),
  ]);
  const info = element(INFO, [...uint(0x2ad7b1, 1000), ...ascii(0x4d80, 'mediacapture'), ...ascii(0x5741, 'mediacapture')]);
  const common = [...uint(0xd7, 1), ...uint(0x73c5, 1), ...uint(0x9c, 0)];
  const entry = track.kind === 'video'
    ? element(TRACK_ENTRY, [
      ...common, ...uint(0x83, 1), ...ascii(0x86, 'V_UNCOMPRESSED'),
      ...uint(0x23e383, Math.round(1e9 / (track.frameRate > 0 ? track.frameRate : 30))),
      ...element(VIDEO, [...uint(0xb0, track.width), ...uint(0xba, track.height), ...element(0x2eb524, [0x49, 0x34, 0x32, 0x30])]),
    ])
    : element(TRACK_ENTRY, [
      ...common, ...uint(0x83, 2), ...ascii(0x86, 'A_PCM/FLOAT/IEEE'),
      ...element(AUDIO, [...float64(0xb5, track.sampleRate), ...uint(0x9f, track.channels), ...uint(0x6264, 32)]),
    ]);
  const emptyCluster = [...idBytes(CLUSTER), ...UNKNOWN_SIZE, ...uint(TIMESTAMP, 0)];
  return Uint8Array.from([...header, ...idBytes(SEGMENT), ...UNKNOWN_SIZE, ...info, ...element(TRACKS, entry), ...emptyCluster]);
}

/**
 * What goes before a block of `payloadBytes` bytes (a picture, or samples) at `timestampUs`: a
 * cluster with that timestamp and the head of a SimpleBlock (track 1, relative time 0, key flag)
 * whose payload follows.
 */
export function rawMatroskaBlockHead(timestampUs: number, payloadBytes: number): Uint8Array {
  if (!(Number.isSafeInteger(timestampUs) && timestampUs >= 0)) throw new RangeError(`raw Matroska: bad timestamp ${timestampUs} µs`);
  return Uint8Array.from([
    ...idBytes(CLUSTER), ...UNKNOWN_SIZE,
    ...uint(TIMESTAMP, timestampUs),
    ...idBytes(SIMPLE_BLOCK), ...sizeBytes(payloadBytes + 4), 0x81, 0x00, 0x00, 0x80,
  ]);
}
