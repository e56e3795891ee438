/**
 * What MediaRecorder can produce, and the spec's "is type supported" over it
 * (mediastream-recording#abstract-opdef-is-type-supported).
 *
 * Which containers and codecs exist depends on the recording engine (engine/select.ts): the
 * WebAssembly one records WebM with VP8 / VP9 and Opus and Ogg with Opus; the system ffmpeg adds
 * whatever its encoders allow (AV1, MP4 with H.264 / AV1 and AAC / Opus). WAV with PCM (our own
 * extra) is written here, whatever the engine.
 */

export type Container = 'webm' | 'ogg' | 'wav' | 'mp4';
export type VideoCodec = 'vp8' | 'vp9' | 'av1' | 'h264';
export type AudioCodec = 'opus' | 'pcm' | 'aac';

/** What one engine produces: per container, the video and audio codecs it can put there. */
export type Capabilities = ReadonlyMap<Container, { readonly video: ReadonlySet<VideoCodec>; readonly audio: ReadonlySet<AudioCodec> }>;

/** A parsed MIME type (mimesniff#parse-a-mime-type), essence lowercased. */
export interface MimeType {
  readonly type: string;
  readonly subtype: string;
  readonly parameters: ReadonlyMap<string, string>;
}

/** mediastream-recording#list-of-synchronously-exposed-codec-identifiers */
const SYNCHRONOUSLY_EXPOSED = new Set(['vp8', 'vp9', 'h264', 'avc1', 'av1', 'av01', 'hvc1', 'hev1', 'avc3', 'opus', 'pcm']);

/** Codec identifiers (the part before the first '.') by the kind of media they code. */
const VIDEO_IDENTIFIERS = new Set(['vp8', 'vp9', 'vp09', 'h264', 'avc1', 'avc3', 'av1', 'av01', 'hvc1', 'hev1', 'h265', 'theora']);
const AUDIO_IDENTIFIERS = new Set(['opus', 'pcm', 'vorbis', 'flac', 'mp4a', 'aac', 'mp3', 'alaw', 'ulaw']);

interface ContainerNames {
  readonly container: Container;
  /** The media type is audio/…: video tracks cannot go in it. */
  readonly audioOnly: boolean;
  /** Identifiers naming a codec this container can hold, in the order a default is picked. */
  readonly video: ReadonlyMap<string, VideoCodec>;
  readonly audio: ReadonlyMap<string, AudioCodec>;
}

const WEBM_VIDEO = new Map<string, VideoCodec>([['vp8', 'vp8'], ['vp9', 'vp9'], ['vp09', 'vp9'], ['av1', 'av1'], ['av01', 'av1']]);
const MP4_VIDEO = new Map<string, VideoCodec>([['avc1', 'h264'], ['avc3', 'h264'], ['h264', 'h264'], ['av01', 'av1'], ['av1', 'av1']]);
const OPUS = new Map<string, AudioCodec>([['opus', 'opus']]);
// Browsers record AAC in MP4 where they can, Opus otherwise.
const MP4_AUDIO = new Map<string, AudioCodec>([['mp4a', 'aac'], ['aac', 'aac'], ['opus', 'opus']]);
const PCM = new Map<string, AudioCodec>([['pcm', 'pcm']]);
const NONE = new Map<string, never>();

const NAMES: ReadonlyMap<string, ContainerNames> = new Map([
  ['video/webm', { container: 'webm', audioOnly: false, video: WEBM_VIDEO, audio: OPUS }],
  ['audio/webm', { container: 'webm', audioOnly: true, video: NONE, audio: OPUS }],
  ['audio/ogg', { container: 'ogg', audioOnly: true, video: NONE, audio: OPUS }],
  ['video/mp4', { container: 'mp4', audioOnly: false, video: MP4_VIDEO, audio: MP4_AUDIO }],
  ['audio/mp4', { container: 'mp4', audioOnly: true, video: NONE, audio: MP4_AUDIO }],
  ['audio/wav', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
  ['audio/wave', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
  ['audio/x-wav', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
]);

/** The WebAssembly engine's repertoire (and the WAV writer's). */
export const WASM_CAPABILITIES: Capabilities = new Map([
  ['webm', { video: new Set<VideoCodec>(['vp8', 'vp9']), audio: new Set<AudioCodec>(['opus']) }],
  ['ogg', { video: new Set<VideoCodec>(), audio: new Set<AudioCodec>(['opus']) }],
  ['wav', { video: new Set<VideoCodec>(), audio: new Set<AudioCodec>(['pcm']) }],
]);

interface ContainerSupport {
  readonly container: Container;
  readonly audioOnly: boolean;
  readonly video: ReadonlyMap<string, VideoCodec>;
  readonly audio: ReadonlyMap<string, AudioCodec>;
}

/** The names of `essence` narrowed to what `caps` produces; null where the container is not produced. */
function support(essence: string, caps: Capabilities): ContainerSupport | null {
  const names = NAMES.get(essence);
  if (!names) return null;
  const can = caps.get(names.container);
  if (!can) return null;
  const video = new Map([...names.video].filter(([, c]) => can.video.has(c)));
  const audio = new Map([...names.audio].filter(([, c]) => can.audio.has(c)));
  // A container none of whose codecs can be produced is not produced either.
  if (audio.size === 0 && (names.audioOnly || video.size === 0)) return null;
  return { container: names.container, audioOnly: names.audioOnly, video, audio };
}

/** Every identifier of a codec `names` can hold (produced here or not). */
function known(essence: string, id: string): boolean {
  const names = NAMES.get(essence);
  return names !== undefined && (names.video.has(id) || names.audio.has(id));
}

// mimesniff#http-token-code-point and #http-quoted-string-token-code-point
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUOTED_OK = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

function trimHttpWhitespace(s: string): string {
  return s.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

/** mimesniff#parse-a-mime-type; null where the string is not a valid MIME type. */
export function parseMimeType(input: string): MimeType | null {
  const s = trimHttpWhitespace(input);
  let pos = s.indexOf('/');
  if (pos < 0) return null;
  const type = s.slice(0, pos);
  if (!TOKEN.test(type)) return null;
  pos++;
  const semi = s.indexOf(';', pos);
  const subtype = trimHttpWhitespace(semi < 0 ? s.slice(pos) : s.slice(pos, semi));
  if (!TOKEN.test(subtype)) return null;
  const parameters = new Map<string, string>();
  pos = semi < 0 ? s.length : semi;
  while (pos < s.length) {
    pos++; // the ';'
    while (pos < s.length && /[\t\n\r ]/.test(s[pos]!)) pos++;
    let end = pos;
    while (end < s.length && s[end] !== ';' && s[end] !== '=') end++;
    const name = s.slice(pos, end).toLowerCase();
    pos = end;
    if (pos >= s.length) break;
    if (s[pos] === ';') continue;
    pos++; // the '='
    let value: string;
    if (s[pos] === '"') {
      // mimesniff#collect-an-http-quoted-string, extract-value
      let v = '';
      pos++;
      while (pos < s.length && s[pos] !== '"') {
        if (s[pos] === '\\' && pos + 1 < s.length) pos++;
        v += s[pos];
        pos++;
      }
      pos++;
      while (pos < s.length && s[pos] !== ';') pos++;
      value = v;
      if (!QUOTED_OK.test(value)) continue;
    } else {
      end = s.indexOf(';', pos);
      if (end < 0) end = s.length;
      value = trimHttpWhitespace(s.slice(pos, end));
      pos = end;
      if (value === '' || !QUOTED_OK.test(value)) continue;
    }
    if (name !== '' && TOKEN.test(name) && !parameters.has(name)) parameters.set(name, value);
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters };
}

/** The lowercased identifiers of the `codecs` parameter (the part of each entry before the first '.'). */
function codecIdentifiers(mime: MimeType): string[] {
  const codecs = mime.parameters.get('codecs');
  // Step 4: strictly split on ','.
  if (codecs === undefined) return [];
  // Step 7: the ASCII lowercase of the part before the first '.' (entries trimmed of spaces).
  return codecs.split(',').map((c) => c.trim().split('.')[0]!.toLowerCase());
}

/** mediastream-recording#abstract-opdef-is-type-supported, over what `caps` produces. */
export function isTypeSupported(type: string, deferNewerCodecsCheck: boolean, caps: Capabilities = WASM_CAPABILITIES): boolean {
  // 1.
  if (type === '') return true;
  // 2.
  const mime = parseMimeType(type);
  if (!mime) return false;
  // 3.
  const essence = `${mime.type}/${mime.subtype}`;
  const sup = support(essence, caps);
  if (!sup) return false;
  // 4, 6-7.
  const ids = codecIdentifiers(mime);
  // 5.
  if (ids.filter((id) => VIDEO_IDENTIFIERS.has(id)).length > 1) return false;
  if (ids.filter((id) => AUDIO_IDENTIFIERS.has(id)).length > 1) return false;
  const produced = (id: string) => sup.video.has(id) || sup.audio.has(id);
  // 8. A codec the container could hold but this engine cannot encode is refused here too
  // (step 9 is for codecs unknown to us, not for ones we know we cannot make).
  for (const id of ids) {
    if (!SYNCHRONOUSLY_EXPOSED.has(id) && !known(essence, id)) continue;
    if (!produced(id)) return false;
  }
  // 9. ('vp09' and 'mp4a' are ours to answer: they name VP9 and AAC, which we know.)
  if (ids.some((id) => !SYNCHRONOUSLY_EXPOSED.has(id) && !produced(id))) return deferNewerCodecsCheck;
  // 10.
  return true;
}

/** The container and codecs one recording uses, and the MIME type that names them. */
export interface RecordingConfiguration {
  readonly container: Container;
  readonly videoCodec: VideoCodec | null;
  readonly audioCodec: AudioCodec | null;
  /** The extended MIME type (mediastream-recording#dom-mediarecorder-start step 15.3.2). */
  readonly mimeType: string;
}

/** The picture a recording's video has, for the codec strings of MP4 (profile and level). */
export interface VideoShape {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
}

/** H.264 levels: level_idc, max macroblocks per second, max frame size in macroblocks. */
const H264_LEVELS: readonly [number, number, number][] = [
  [10, 1485, 99], [11, 3000, 396], [12, 6000, 396], [13, 11880, 396], [20, 11880, 396], [21, 19800, 792], [22, 20250, 1620],
  [30, 40500, 1620], [31, 108000, 3600], [32, 216000, 5120], [40, 245760, 8192], [42, 522240, 8704], [50, 589824, 22080],
  [51, 983040, 36864], [52, 2073600, 36864], [60, 4177920, 139264], [61, 8355840, 139264], [62, 16711680, 139264],
];

/** The smallest H.264 level (level_idc) that holds `shape`. */
export function h264Level(shape: VideoShape): number {
  const mbs = Math.ceil(shape.width / 16) * Math.ceil(shape.height / 16);
  const rate = mbs * Math.max(1, shape.frameRate);
  return (H264_LEVELS.find(([, maxRate, maxFs]) => rate <= maxRate && mbs <= maxFs) ?? H264_LEVELS[H264_LEVELS.length - 1]!)[0];
}

/** AV1 levels: seq_level_idx, max picture samples, max display samples per second. */
const AV1_LEVELS: readonly [number, number, number][] = [
  [0, 147456, 4423680], [1, 278784, 8363520], [4, 665856, 19975680], [5, 1065024, 31950720], [8, 2359296, 70778880],
  [9, 2359296, 141557760], [12, 8912896, 267386880], [13, 8912896, 534773760], [14, 8912896, 1069547520], [16, 35651584, 1069547520],
];

function av1Level(shape: VideoShape): number {
  const samples = shape.width * shape.height;
  const rate = samples * Math.max(1, shape.frameRate);
  return (AV1_LEVELS.find(([, maxSamples, maxRate]) => samples <= maxSamples && rate <= maxRate) ?? AV1_LEVELS[AV1_LEVELS.length - 1]!)[0];
}

/** The name a codec has in the MIME type of a recording (RFC 6381 strings in MP4, as browsers give). */
function codecName(container: Container, codec: VideoCodec | AudioCodec, shape: VideoShape): string {
  if (container !== 'mp4') return codec;
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  switch (codec) {
    // High profile (0x64), no constraint flags, the level the picture needs.
    case 'h264': return `avc1.6400${hex(h264Level(shape))}`;
    // Main profile, the level, Main tier, 8 bits.
    case 'av1': return `av01.0.${String(av1Level(shape)).padStart(2, '0')}M.08`;
    case 'aac': return 'mp4a.40.2';
    default: return codec;
  }
}

/**
 * Fixes the container and codecs for recording `hasVideo` / `hasAudio` tracks under the
 * [[ConstrainedMimeType]] (mediastream-recording#dom-mediarecorder-start steps 8, 14 and 15.1),
 * among what `caps` produces. Returns a reason string where the tracks cannot be recorded in that
 * type.
 */
export function chooseConfiguration(constrained: string, hasVideo: boolean, hasAudio: boolean, caps: Capabilities = WASM_CAPABILITIES, shape: VideoShape = { width: 640, height: 480, frameRate: 30 }): RecordingConfiguration | string {
  const mime = constrained === '' ? null : parseMimeType(constrained);
  if (constrained !== '' && !mime) return `'${constrained}' is not a valid MIME type`;
  const essence = mime ? `${mime.type}/${mime.subtype}` : hasVideo ? 'video/webm' : 'audio/webm';
  const sup = support(essence, caps);
  if (!sup) return `'${essence}' is not a type MediaRecorder can produce${NAMES.has(essence) ? ' with this recording engine' : ''}`;
  if (hasVideo && sup.audioOnly) return `'${essence}' cannot hold the stream's video track`;
  let videoCodec: VideoCodec | null = null;
  let audioCodec: AudioCodec | null = null;
  for (const id of mime ? codecIdentifiers(mime) : []) {
    const v = sup.video.get(id);
    const a = sup.audio.get(id);
    if (v) videoCodec = v;
    else if (a) audioCodec = a;
    else return `codec '${id}' cannot be recorded in ${essence}${known(essence, id) ? ' with this recording engine' : ''}`;
  }
  if (!hasVideo) videoCodec = null;
  else {
    videoCodec ??= [...sup.video.values()][0] ?? null;
    if (videoCodec === null) return `'${essence}' cannot hold video with this recording engine`;
  }
  if (!hasAudio) audioCodec = null;
  else {
    audioCodec ??= [...sup.audio.values()][0] ?? null;
    if (audioCodec === null) return `'${essence}' cannot hold audio with this recording engine`;
  }
  const codecs = [videoCodec, audioCodec].filter((c) => c !== null).map((c) => codecName(sup.container, c, shape)).join(',');
  return { container: sup.container, videoCodec, audioCodec, mimeType: codecs === '' ? essence : `${essence};codecs=${codecs}` };
}
