/** A minimal EngineSource for spec-layer tests: records what the spec layer asks of it. */
import { VirtualClock } from '../../src/media/clock.js';
import type { EngineSource, SourceConfig, SourceObserver, TrackFormat, TrackOutput, MediaConsumer } from '../../src/sources/types.js';

export interface FakeOutput extends TrackOutput {
  format: TrackFormat | null;
  enabled: boolean;
  closed: boolean;
  consumers: Set<MediaConsumer<unknown>>;
}

export interface FakeSource extends EngineSource {
  outputs: FakeOutput[];
  stopCount: number;
  configured: SourceConfig[];
  setMuted(m: boolean): void;
  end(): void;
}

export function fakeSource(kind: 'audio' | 'video', config: SourceConfig | null = null): FakeSource {
  let muted = false;
  let current = config;
  const src: FakeSource = {
    kind,
    clock: new VirtualClock(),
    get muted() {
      return muted;
    },
    get config() {
      return current;
    },
    configure(c: SourceConfig) {
      current = c;
      src.configured.push(c);
    },
    createOutput(format: TrackFormat | null): TrackOutput {
      const out: FakeOutput = {
        format,
        enabled: true,
        closed: false,
        consumers: new Set(),
        setFormat(f) {
          out.format = f;
        },
        setEnabled(e) {
          out.enabled = e;
        },
        subscribe(c) {
          out.consumers.add(c);
          return () => out.consumers.delete(c);
        },
        close() {
          if (out.closed) return;
          out.closed = true;
          for (const c of out.consumers) c.end();
        },
      };
      src.outputs.push(out);
      return out;
    },
    stop() {
      src.stopCount++;
    },
    observer: null as SourceObserver | null,
    outputs: [],
    stopCount: 0,
    configured: [],
    setMuted(m: boolean) {
      muted = m;
      src.observer?.muted?.(m);
    },
    end() {
      src.observer?.ended?.('gone');
    },
  };
  return src;
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
