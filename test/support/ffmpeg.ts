/** FFmpeg's command-line tools as the judge of what we write: real players' demuxers and decoders. */
import { execFileSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** False when ffmpeg and ffprobe are both installed, else the reason to skip. */
export const ffmpegMissing: string | false =
  hasTool('ffprobe') && hasTool('ffmpeg') ? false : 'ffmpeg / ffprobe are not installed (apt-get install ffmpeg)';

export function probe(file: string): { streams: Array<Record<string, string | number>>; format: Record<string, string> } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' }));
}

/** The end time (s) of the last packet of a stream, as the demuxer reads it. */
export function streamEnd(file: string, stream: 'v' | 'a'): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  let end = 0;
  for (const line of out.trim().split('\n')) {
    const [pts, dur] = line.split(',').map(Number);
    end = Math.max(end, pts! + (dur || 0));
  }
  return end;
}

/** Decodes every frame; throws if the decoder reports an error. */
export function decodeAll(file: string): void {
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
}
