/**
 * What setRemoteDescription needs to know of each media section of a remote description
 * (webrtc-pc#set-description, the steps "for each media description"): whether it is rejected
 * (port 0) and its direction seen from this end. Only these lines are read; the engine parses
 * and applies the whole description.
 */

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SectionState {
  /** Port 0 in the m= line (RFC 8843 / JSEP 5.8: a rejected section). */
  rejected: boolean;
  /** The section's direction reversed to this end's point of view; `inactive` when rejected. */
  direction: Direction;
}

const REVERSED: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

/** The media sections of a remote SDP, by mid (sections without a mid are left out). */
export function remoteSections(sdp: string): Map<string, SectionState> {
  const out = new Map<string, SectionState>();
  let session: Direction = 'sendrecv';
  let current: { mid: string | null; rejected: boolean; direction: Direction | null } | null = null;
  const flush = (): void => {
    if (!current || current.mid === null) return;
    const remote = current.direction ?? session;
    out.set(current.mid, { rejected: current.rejected, direction: current.rejected ? 'inactive' : REVERSED[remote] });
  };
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      flush();
      const port = line.slice(2).split(' ')[1];
      current = { mid: null, rejected: port === '0', direction: null };
      continue;
    }
    const dir = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line)?.[1] as Direction | undefined;
    if (dir) {
      // A session-level direction applies to the sections that state none (RFC 8866 6.7).
      if (current) current.direction = dir;
      else session = dir;
      continue;
    }
    if (current && line.startsWith('a=mid:')) current.mid = line.slice(6);
  }
  flush();
  return out;
}

/** Whether this end receives on a section of this direction. */
export function receives(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}
