/**
 * WebM (VP8 / VP9 + Opus) and Ogg (Opus) through libav.js: FFmpeg's libvpx, libopus and its
 * Matroska and Ogg muxers compiled to WebAssembly (the `@libav.js/variant-webm-vp9` package,
 * LGPL-2.1). One libav.js instance per recording, driven through its synchronous calls on the
 * calling thread, so that a virtual-clock recording encodes as fast as the clock is advanced and
 * holds no frames in memory.
 */
import type { ByteOutput, MediaWriter, WriterConfig } from './types.js';
import type { I420Picture } from '../i420.js';

/** The part of libav.js's instance API used here (its synchronous, no-worker form). */
interface LibAVInstance {
  AV_PIX_FMT_YUV420P: number;
  AV_SAMPLE_FMT_FLT: number;
  AV_LOG_QUIET: number;
  av_log_set_level_sync(level: number): void;
  onwrite: ((name: string, position: number, data: Uint8Array | Int8Array) => void) | null;
  ff_init_encoder_sync(name: string, opts: { ctx: Record<string, number>; time_base: [number, number]; options?: Record<string, string> }): [number, number, number, number, number];
  ff_init_muxer_sync(opts: { format_name: string; filename: string; open: boolean; device: boolean }, streams: [number, number, number][]): [number, number, number, number[]];
  avformat_write_header_sync(oc: number, options: number): number;
  av_packet_alloc_sync(): number;
  av_packet_free_js_sync(pkt: number): void;
  ff_encode_multi_sync(ctx: number, frame: number, pkt: number, frames: object[], fin?: boolean): LibAVPacket[];
  ff_write_multi_sync(oc: number, pkt: number, packets: LibAVPacket[], interleave?: boolean): void;
  av_interleaved_write_frame_sync(oc: number, pkt: number): number;
  av_write_frame_sync(oc: number, pkt: number): number;
  avio_flush_sync(pb: number): void;
  av_write_trailer_sync(oc: number): number;
  ff_free_muxer_sync(oc: number, pb: number): void;
  ff_free_encoder_sync(ctx: number, frame: number, pkt: number): void;
  unlink(name: string): Promise<void>;
  terminate(): void;
}

interface LibAVPacket {
  stream_index?: number;
}

interface LibAVModule {
  LibAV(opts: { noworker: boolean }): Promise<LibAVInstance>;
}

let modulePromise: Promise<LibAVModule> | null = null;

function loadLibAV(): Promise<LibAVModule> {
  modulePromise ??= import('@libav.js/variant-webm-vp9').then((m: unknown) => ((m as { default?: unknown }).default ?? m) as LibAVModule);
  return modulePromise;
}

/** libav's channel layout masks for mono and stereo. */
const CHANNEL_LAYOUT = [0, 0x4, 0x3];
/** AV_PICTURE_TYPE_I: libvpx makes such a frame a key frame. */
const PICTURE_TYPE_I = 1;
const OPUS_RATE = 48000;
const OPUS_FRAME = 960;

let fileCounter = 0;

export async function createLibAVWriter(config: WriterConfig, output: ByteOutput): Promise<MediaWriter> {
  const { container, video, audio } = config;
  if (container === 'ogg' && (video || !audio)) throw new TypeError('audio/ogg holds one audio track and no video');
  if (!video && !audio) throw new TypeError('a recording needs at least one track');
  if (audio && audio.codec !== 'opus') throw new TypeError(`${container} recordings take Opus audio, not ${audio.codec}`);
  const mod = await loadLibAV();
  const libav = await mod.LibAV({ noworker: true });
  // FFmpeg's own log lines (encoder banners, warnings) would go to the process's stderr.
  libav.av_log_set_level_sync(libav.AV_LOG_QUIET);
  const filename = `recording-${++fileCounter}.${container}`;
  let open = true;
  let vc = 0, vframe = 0, vpkt = 0, ac = 0, aframe = 0, apkt = 0, oc = 0, pb = 0, pkt = 0;
  const free = () => {
    if (!open) return;
    open = false;
    try {
      if (oc) libav.ff_free_muxer_sync(oc, pb);
      if (vc) libav.ff_free_encoder_sync(vc, vframe, vpkt);
      if (ac) libav.ff_free_encoder_sync(ac, aframe, apkt);
      if (pkt) libav.av_packet_free_js_sync(pkt);
    } finally {
      libav.onwrite = null;
      libav.terminate();
    }
  };
  try {
    libav.onwrite = (name, position, data) => {
      if (name === filename) output.write(position, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    };
    const streams: [number, number, number][] = [];
    let videoIndex = -1, audioIndex = -1;
    if (video) {
      const name = video.codec === 'vp9' ? 'libvpx-vp9' : 'libvpx';
      [, vc, vframe, vpkt] = libav.ff_init_encoder_sync(name, {
        ctx: {
          pix_fmt: libav.AV_PIX_FMT_YUV420P,
          width: video.width,
          height: video.height,
          bit_rate: video.bitsPerSecond,
          framerate_num: Math.max(1, Math.round(video.frameRate * 1000)),
          framerate_den: 1000,
          // Key frames come when the session asks for them.
          gop_size: 1 << 30,
        },
        time_base: [1, 1_000_000],
        options: { deadline: 'realtime', 'cpu-used': '8', 'static-thresh': '1000', 'lag-in-frames': '0', 'auto-alt-ref': '0', ...(video.codec === 'vp9' ? { 'row-mt': '1' } : {}) },
      });
      videoIndex = streams.length;
      streams.push([vc, 1, 1_000_000]);
    }
    let channels = 0;
    if (audio) {
      channels = Math.min(2, audio.channelCount);
      [, ac, aframe, apkt] = libav.ff_init_encoder_sync('libopus', {
        ctx: { sample_fmt: libav.AV_SAMPLE_FMT_FLT, sample_rate: OPUS_RATE, channels, channel_layout: CHANNEL_LAYOUT[channels]!, bit_rate: audio.bitsPerSecond },
        time_base: [1, OPUS_RATE],
        options: { vbr: audio.bitrateMode === 'constant' ? 'off' : 'on', application: 'audio' },
      });
      audioIndex = streams.length;
      streams.push([ac, 1, OPUS_RATE]);
    }
    [oc, , pb] = libav.ff_init_muxer_sync({ format_name: container, filename, open: true, device: true }, streams);
    if (libav.avformat_write_header_sync(oc, 0) < 0) throw new Error(`libav could not start the ${container} file`);
    pkt = libav.av_packet_alloc_sync();

    const write = (packets: LibAVPacket[], index: number) => {
      if (packets.length === 0) return;
      for (const p of packets) p.stream_index = index;
      libav.ff_write_multi_sync(oc, pkt, packets);
    };
    let interleaved: Float32Array | null = null;

    return {
      audioFormat: audio ? { sampleRate: OPUS_RATE, channelCount: channels, frameSize: OPUS_FRAME } : null,
      writeVideo(picture: I420Picture, timestampUs: number, _durationUs: number, key: boolean) {
        if (!open || !vc) return;
        const frame = {
          data: picture.data,
          layout: picture.layout,
          format: libav.AV_PIX_FMT_YUV420P,
          width: picture.width,
          height: picture.height,
          pts: timestampUs,
          time_base_num: 1,
          time_base_den: 1_000_000,
          pict_type: key ? PICTURE_TYPE_I : 0,
        };
        write(libav.ff_encode_multi_sync(vc, vframe, vpkt, [frame]), videoIndex);
      },
      writeAudio(planes: readonly Float32Array[], frames: number, position: number) {
        if (!open || !ac || frames === 0) return;
        const n = frames * channels;
        if (!interleaved || interleaved.length !== n) interleaved = new Float32Array(n);
        for (let c = 0; c < channels; c++) {
          const p = planes[c]!;
          for (let i = 0; i < frames; i++) interleaved[i * channels + c] = p[i]!;
        }
        const frame = {
          data: interleaved,
          format: libav.AV_SAMPLE_FMT_FLT,
          sample_rate: OPUS_RATE,
          channels,
          channel_layout: CHANNEL_LAYOUT[channels]!,
          nb_samples: frames,
          pts: position,
          time_base_num: 1,
          time_base_den: OPUS_RATE,
        };
        write(libav.ff_encode_multi_sync(ac, aframe, apkt, [frame]), audioIndex);
      },
      flush() {
        if (!open) return;
        // Drain the interleaving queue, then let the muxer close its cluster / page.
        libav.av_interleaved_write_frame_sync(oc, 0);
        libav.av_write_frame_sync(oc, 0);
        libav.avio_flush_sync(pb);
      },
      finish() {
        if (!open) return;
        try {
          if (vc) write(libav.ff_encode_multi_sync(vc, vframe, vpkt, [], true), videoIndex);
          if (ac) write(libav.ff_encode_multi_sync(ac, aframe, apkt, [], true), audioIndex);
          libav.av_interleaved_write_frame_sync(oc, 0);
          libav.av_write_trailer_sync(oc);
          libav.avio_flush_sync(pb);
        } finally {
          free();
        }
      },
      dispose: free,
    };
  } catch (e) {
    free();
    throw e;
  }
}
