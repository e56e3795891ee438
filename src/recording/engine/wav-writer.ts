/**
 * audio/wav: 16-bit PCM in a canonical RIFF/WAVE file. The header goes out first with "unknown"
 * sizes (which players read as "to the end of the file"); finish() writes the real sizes back,
 * which a recording delivered in one piece or written to a file keeps.
 */
import { encodeWavSamples, wavHeader } from '../../media/codecs/wav.js';
import type { ByteOutput, MediaWriter, WriterConfig } from './types.js';

const HEADER_BYTES = 44;
/** Beyond this the RIFF sizes cannot be written: they stay "unknown". */
const MAX_DATA_BYTES = 0xffffffff - 36;

export function createWavWriter(config: WriterConfig, output: ByteOutput): MediaWriter {
  const audio = config.audio;
  if (!audio || config.video) throw new TypeError('audio/wav holds exactly one audio track and no video');
  const { sampleRate, channelCount } = audio;
  output.write(0, wavHeader(sampleRate, channelCount, 's16'));
  let dataBytes = 0;
  let position = 0;
  let open = true;
  return {
    audioFormat: { sampleRate, channelCount, frameSize: 0 },
    writeVideo() {
      throw new TypeError('audio/wav has no video track');
    },
    writeAudio(planes, frames, at) {
      if (!open || frames === 0) return;
      // The session hands over contiguous audio; a later start would be a gap, filled by it.
      if (at !== position) throw new RangeError(`WAV writer: audio at sample ${at}, expected ${position}`);
      const bytes = encodeWavSamples(planes.map((p) => p.subarray(0, frames)), frames, 's16');
      output.write(HEADER_BYTES + dataBytes, bytes);
      dataBytes += bytes.length;
      position += frames;
    },
    flush() {},
    finish() {
      if (!open) return;
      open = false;
      if (dataBytes <= MAX_DATA_BYTES) output.write(0, wavHeader(sampleRate, channelCount, 's16', dataBytes));
    },
    dispose() {
      open = false;
    },
  };
}
