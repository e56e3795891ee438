/** Shared by the WebRTC tests: whether the engine is here, loopback signalling, reading pictures. */
import { isWebRtcEngineAvailable } from '../../src/webrtc/index.js';
import { readFrameCounter } from '../../src/sources/synthetic/video.js';

export const skipNoEngine: string | false = isWebRtcEngineAvailable() ? false : 'the WebRTC engine @roamhq/wrtc is not installed (npm install @roamhq/wrtc)';

interface PcLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onicecandidate: ((e: any) => unknown) | null;
  addIceCandidate(c: unknown): Promise<void>;
  createOffer(): Promise<unknown>;
  createAnswer(): Promise<unknown>;
  setLocalDescription(d?: unknown): Promise<void>;
  setRemoteDescription(d: unknown): Promise<void>;
}

/**
 * Whether an ICE candidate is on the loopback interface. Tests hand only those to the far end,
 * so media between the two ends flows over 127.0.0.1 / ::1 alone.
 */
export function isLoopbackCandidate(c: unknown): boolean {
  const text = typeof c === 'object' && c !== null ? String((c as { candidate?: unknown }).candidate ?? '') : '';
  const address = text.split(' ')[4];
  return address === '127.0.0.1' || address === '::1';
}

/** The classic sample's signalling: candidates cross over, then offer / answer. */
export async function connect(pc1: PcLike, pc2: PcLike): Promise<void> {
  pc1.onicecandidate = (e) => void (isLoopbackCandidate(e.candidate) && pc2.addIceCandidate(e.candidate).catch(() => {}));
  pc2.onicecandidate = (e) => void (isLoopbackCandidate(e.candidate) && pc1.addIceCandidate(e.candidate).catch(() => {}));
  await negotiate(pc1, pc2);
}

export async function negotiate(pc1: PcLike, pc2: PcLike): Promise<void> {
  const offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(offer);
  const answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  await pc1.setRemoteDescription(answer);
}

export interface Picture {
  width: number;
  height: number;
  counter: number | null;
  /** Mean luma of the whole picture. */
  meanLuma: number;
  timestamp: number;
}

interface FrameLike {
  codedWidth: number;
  codedHeight: number;
  timestamp: number;
  format: string | null;
  allocationSize(): number;
  copyTo(dest: Uint8Array): Promise<unknown>;
  close(): void;
}

/** Reads `count` pictures from a video track through MediaStreamTrackProcessor (then cancels). */
export async function readPictures(Processor: new (init: { track: unknown }) => { readable: ReadableStream }, track: unknown, count: number, until?: (p: Picture) => boolean): Promise<Picture[]> {
  const reader = new Processor({ track }).readable.getReader();
  const out: Picture[] = [];
  try {
    while (out.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      const frame = value as FrameLike;
      const data = new Uint8Array(frame.allocationSize());
      await frame.copyTo(data);
      const w = frame.codedWidth, h = frame.codedHeight;
      let sum = 0;
      for (let i = 0; i < w * h; i++) sum += data[i]!;
      const p: Picture = { width: w, height: h, counter: readFrameCounter(data, w, h), meanLuma: sum / (w * h), timestamp: frame.timestamp };
      frame.close();
      if (until && !until(p)) continue;
      out.push(p);
    }
  } finally {
    await reader.cancel();
  }
  return out;
}
