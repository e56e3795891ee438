/**
 * Audio container sniffing by the bytes at the start of a resource: the signatures of MIME
 * Sniffing § 6.2 ("matching an audio or video type pattern": AIFF, MP3 with and without ID3,
 * Ogg, WAVE, MP4, WebM) plus those browsers also recognise for decodeAudioData (native FLAC,
 * Matroska, ADTS AAC). Extensions and declared types play no part.
 */

export type AudioContainer = 'wav' | 'aiff' | 'mp3' | 'ogg' | 'flac' | 'matroska' | 'mp4' | 'adts';

function ascii(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

const MP3_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_BITRATES_V1_L2 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
const MP3_BITRATES_V1_L1 = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448];
const MP3_RATES = [44100, 48000, 32000];

/** The byte length of the MPEG audio frame whose header is at `at`, or 0 if none is there. */
export function mpegFrameLength(b: Uint8Array, at: number): number {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return 0;
  const version = (b[at + 1]! >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layer = (b[at + 1]! >> 1) & 3; // 1: III, 2: II, 3: I
  const bitrateIndex = b[at + 2]! >> 4;
  const rateIndex = (b[at + 2]! >> 2) & 3;
  const padding = (b[at + 2]! >> 1) & 1;
  if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const rate = MP3_RATES[rateIndex]! / (version === 3 ? 1 : version === 2 ? 2 : 4);
  if (layer === 3) {
    const kbps = version === 3 ? MP3_BITRATES_V1_L1[bitrateIndex]! : [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256][bitrateIndex]!;
    return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  }
  const kbps = version === 3 ? (layer === 2 ? MP3_BITRATES_V1_L2 : MP3_BITRATES_V1_L3)[bitrateIndex]! : MP3_BITRATES_V2_L3[bitrateIndex]!;
  const perFrame = layer === 1 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/** Two MPEG audio frames in a row at `at` (one frame is too weak a signature). */
function mpegFramesAt(b: Uint8Array, at: number): boolean {
  const n = mpegFrameLength(b, at);
  if (n === 0) return false;
  if (at + n + 4 > b.length) return at + n === b.length;
  return mpegFrameLength(b, at + n) > 0;
}

/** The length of an ID3v2 tag at the start of `b` (0 if there is none). */
export function id3Length(b: Uint8Array): number {
  if (!ascii(b, 0, 'ID3') || b.length < 10) return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

function isAdts(b: Uint8Array, at: number): boolean {
  if (at + 7 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xf6) !== 0xf0) return false;
  const len = ((b[at + 3]! & 3) << 11) | (b[at + 4]! << 3) | (b[at + 5]! >> 5);
  if (len < 7) return false;
  if (at + len + 2 > b.length) return at + len === b.length;
  return b[at + len] === 0xff && (b[at + len + 1]! & 0xf6) === 0xf0;
}

export function sniffAudioContainer(b: Uint8Array): AudioContainer | null {
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'wav';
  if (ascii(b, 0, 'RF64') && ascii(b, 8, 'WAVE')) return 'wav';
  if (ascii(b, 0, 'FORM') && (ascii(b, 8, 'AIFF') || ascii(b, 8, 'AIFC'))) return 'aiff';
  if (ascii(b, 0, 'OggS\0')) return 'ogg';
  if (ascii(b, 0, 'fLaC')) return 'flac';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'matroska';
  if (ascii(b, 4, 'ftyp')) return 'mp4';
  const id3 = id3Length(b);
  if (id3 > 0) {
    // An ID3 tag may front MP3, ADTS AAC or even FLAC.
    if (ascii(b, id3, 'fLaC')) return 'flac';
    if (isAdts(b, id3)) return 'adts';
    return 'mp3';
  }
  if (isAdts(b, 0)) return 'adts';
  if (mpegFramesAt(b, 0)) return 'mp3';
  return null;
}
