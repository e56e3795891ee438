/**
 * What MediaRecorder can produce, and the spec's "is type supported" over it
 * (mediastream-recording#abstract-opdef-is-type-supported).
 *
 * Containers and codecs: WebM with VP8 / VP9 video and Opus audio, Ogg with Opus, and WAV with
 * PCM (our own extra). Encoding and muxing of WebM and Ogg go through libav.js; WAV is written
 * here.
 */

export type Container = 'webm' | 'ogg' | 'wav';
export type VideoCodec = 'vp8' | 'vp9';
export type AudioCodec = 'opus' | 'pcm';

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

interface ContainerSupport {
  readonly container: Container;
  /** The media type is audio/…: video tracks cannot go in it. */
  readonly audioOnly: boolean;
  readonly video: ReadonlyMap<string, VideoCodec>;
  readonly audio: ReadonlyMap<string, AudioCodec>;
}

const WEBM_VIDEO = new Map<string, VideoCodec>([['vp8', 'vp8'], ['vp9', 'vp9'], ['vp09', 'vp9']]);
const OPUS = new Map<string, AudioCodec>([['opus', 'opus']]);
const PCM = new Map<string, AudioCodec>([['pcm', 'pcm']]);
const NONE = new Map<string, never>();

const SUPPORTED: ReadonlyMap<string, ContainerSupport> = new Map([
  ['video/webm', { container: 'webm', audioOnly: false, video: WEBM_VIDEO, audio: OPUS }],
  ['audio/webm', { container: 'webm', audioOnly: true, video: NONE, audio: OPUS }],
  ['audio/ogg', { container: 'ogg', audioOnly: true, video: NONE, audio: OPUS }],
  ['audio/wav', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
  ['audio/wave', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
  ['audio/x-wav', { container: 'wav', audioOnly: true, video: NONE, audio: PCM }],
]);

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

/** mediastream-recording#abstract-opdef-is-type-supported */
export function isTypeSupported(type: string, deferNewerCodecsCheck: boolean): boolean {
  // 1.
  if (type === '') return true;
  // 2.
  const mime = parseMimeType(type);
  if (!mime) return false;
  // 3.
  const support = SUPPORTED.get(`${mime.type}/${mime.subtype}`);
  if (!support) return false;
  // 4, 6-7.
  const ids = codecIdentifiers(mime);
  // 5.
  if (ids.filter((id) => VIDEO_IDENTIFIERS.has(id)).length > 1) return false;
  if (ids.filter((id) => AUDIO_IDENTIFIERS.has(id)).length > 1) return false;
  // 8.
  for (const id of ids) {
    if (!SYNCHRONOUSLY_EXPOSED.has(id)) continue;
    if (!support.video.has(id) && !support.audio.has(id)) return false;
  }
  // 9. ('vp09' is ours to answer: it names VP9, which we record.)
  if (ids.some((id) => !SYNCHRONOUSLY_EXPOSED.has(id) && !support.video.has(id) && !support.audio.has(id))) return deferNewerCodecsCheck;
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

/**
 * Fixes the container and codecs for recording `hasVideo` / `hasAudio` tracks under the
 * [[ConstrainedMimeType]] (mediastream-recording#dom-mediarecorder-start steps 8, 14 and 15.1).
 * Returns a reason string where the tracks cannot be recorded in that type.
 */
export function chooseConfiguration(constrained: string, hasVideo: boolean, hasAudio: boolean): RecordingConfiguration | string {
  const mime = constrained === '' ? null : parseMimeType(constrained);
  if (constrained !== '' && !mime) return `'${constrained}' is not a valid MIME type`;
  const essence = mime ? `${mime.type}/${mime.subtype}` : hasVideo ? 'video/webm' : 'audio/webm';
  const support = SUPPORTED.get(essence);
  if (!support) return `'${essence}' is not a type MediaRecorder can produce`;
  if (hasVideo && support.audioOnly) return `'${essence}' cannot hold the stream's video track`;
  let videoCodec: VideoCodec | null = null;
  let audioCodec: AudioCodec | null = null;
  for (const id of mime ? codecIdentifiers(mime) : []) {
    const v = support.video.get(id);
    const a = support.audio.get(id);
    if (v) videoCodec = v;
    else if (a) audioCodec = a;
    else return `codec '${id}' cannot be recorded in ${essence}`;
  }
  if (!hasVideo) videoCodec = null;
  else videoCodec ??= 'vp8';
  if (!hasAudio) audioCodec = null;
  else audioCodec ??= [...support.audio.values()][0]!;
  const codecs = [videoCodec, audioCodec].filter((c) => c !== null).join(',');
  return { container: support.container, videoCodec, audioCodec, mimeType: codecs === '' ? essence : `${essence};codecs=${codecs}` };
}
