/**
 * Property-based robustness: arbitrary, malformed and hostile constraint objects fed to
 * getUserMedia, applyConstraints and the constructors never produce anything but TypeError,
 * DOMException (OverconstrainedError included) or the user's own getter error; no promise stays
 * pending; no device stays open once the tracks of successful calls are stopped.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VirtualClock } from '../../src/media/clock.js';
import type { Clock } from '../../src/media/clock.js';
import type { DeviceDescriptor, DeviceProvider, EngineSource, SourceConfig } from '../../src/sources/types.js';
import { SyntheticProvider } from '../../src/sources/synthetic/provider.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import { MediaStreamTrackEvent } from '../../src/stream/media-stream-track-event.js';
import { OverconstrainedError } from '../../src/errors/overconstrained-error.js';
import { DeviceChangeEvent } from '../../src/devices/device-change-event.js';

/** Counts sources opened through it that are not stopped yet. */
class CountingProvider implements DeviceProvider {
  readonly name = 'counting';
  live = 0;
  constructor(private readonly inner: DeviceProvider) {}
  list(): Promise<readonly DeviceDescriptor[]> {
    return this.inner.list();
  }
  async open(device: DeviceDescriptor, config: SourceConfig, clock: Clock): Promise<EngineSource> {
    const src = await this.inner.open(device, config, clock);
    this.live++;
    let stopped = false;
    const stop = src.stop.bind(src);
    return Object.assign(Object.create(null) as object, {
      get kind() {
        return src.kind;
      },
      get clock() {
        return src.clock;
      },
      get muted() {
        return src.muted;
      },
      get config() {
        return src.config;
      },
      configure: (c: SourceConfig) => src.configure(c),
      createOutput: src.createOutput.bind(src),
      stop: () => {
        if (!stopped) {
          stopped = true;
          this.live--;
        }
        stop();
      },
      get observer() {
        return src.observer;
      },
      set observer(o) {
        src.observer = o;
      },
    }) as EngineSource;
  }
}

/** Errors thrown by generated getters / proxies: they must come out unchanged. */
class UserError extends Error {}
const thrown = new Set<UserError>();
function userError(): UserError {
  const e = new UserError('getter failed');
  thrown.add(e);
  return e;
}

const KEYS = [
  'width', 'height', 'aspectRatio', 'frameRate', 'facingMode', 'resizeMode', 'sampleRate', 'sampleSize',
  'echoCancellation', 'autoGainControl', 'noiseSuppression', 'latency', 'channelCount', 'deviceId', 'groupId',
  'backgroundBlur', 'voiceIsolation', 'displaySurface', 'advanced', 'min', 'max', 'exact', 'ideal', 'audio', 'video',
  'track', 'devices', 'bubbles', 'bogus',
];

const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 40, -1, -0, Number.MAX_VALUE, 4294967296),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('user', 'environment', 'none', 'crop-and-scale', 'all', 'remote-only', ''),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -5n, max: 5n }),
  fc.constant(Symbol('s')),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
);

type Tree = unknown;
const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof({ maxDepth: 4, depthSize: 'small' }, leaf, tie('dict'), tie('list')),
  dict: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
  list: fc.array(tie('node'), { maxLength: 3 }),
})).node;

/**
 * Makes some objects hostile, deterministically from `seed`: a member turned into a throwing
 * getter, a transparent Proxy, or a Proxy whose get trap throws.
 */
function hostile(value: unknown, seed: number): unknown {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? v.map(walk) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    const r = next() % 10;
    if (r === 0 && !Array.isArray(copy)) {
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? keys[next() % keys.length]! : KEYS[next() % KEYS.length]!;
      Object.defineProperty(copy, key, {
        enumerable: true,
        get() {
          throw userError();
        },
      });
      return copy;
    }
    if (r === 1) return new Proxy(copy, {});
    if (r === 2) {
      return new Proxy(copy, {
        get(target, prop, receiver) {
          if (prop === Symbol.iterator || typeof prop === 'string') throw userError();
          return Reflect.get(target, prop, receiver);
        },
      });
    }
    return copy;
  };
  return walk(value);
}

const input = fc.tuple(tree, fc.nat()).map(([t, seed]) => hostile(t, seed));

function acceptable(e: unknown): boolean {
  if (e instanceof UserError) return thrown.has(e);
  return e instanceof TypeError || e instanceof DOMException || e instanceof OverconstrainedError;
}

const BOUND_MS = 5000;

/** Settles `p` or fails if it is still pending after BOUND_MS. */
async function bounded<T>(p: Promise<T>, what: string): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    const value = await Promise.race([p, limit]);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Error && /still pending/.test(error.message)) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

function setup() {
  const counting = new CountingProvider(new SyntheticProvider({ microphones: 2, cameras: 2 }));
  const { mediaDevices } = createMediaDevices({ providers: [counting], clock: new VirtualClock() });
  return { mediaDevices, counting };
}

describe('fuzz: constraints never crash, hang or leak', () => {
  test('getUserMedia with 10,000 generated constraint objects', async () => {
    const { mediaDevices, counting } = setup();
    let resolved = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(input, fc.record({ audio: input, video: input })), async (c) => {
        const r = await bounded(mediaDevices.getUserMedia(c as never), 'getUserMedia');
        if (r.ok) {
          resolved++;
          assert.ok(r.value instanceof MediaStream);
          for (const t of r.value.getTracks()) t.stop();
        } else {
          assert.ok(acceptable(r.error), `unexpected ${String(r.error)}`);
          seen.add(r.error instanceof UserError ? 'user' : (r.error as Error).name);
        }
        assert.equal(counting.live, 0, 'a device stayed open');
      }),
      { numRuns: 10000 },
    );
    assert.ok(resolved > 0, 'some generated requests should succeed');
    // The generator reaches every kind of outcome.
    for (const kind of ['TypeError', 'OverconstrainedError', 'user']) assert.ok(seen.has(kind), `no ${kind} was produced`);
  });

  test('applyConstraints with 10,000 generated constraint objects keeps the track usable', async () => {
    const { mediaDevices, counting } = setup();
    const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
    const tracks = stream.getTracks();
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), async (c, audio) => {
        const track = tracks[audio ? 0 : 1]!;
        const before = track.getConstraints();
        const r = await bounded(track.applyConstraints(c as never), 'applyConstraints');
        if (!r.ok) {
          assert.ok(acceptable(r.error), `unexpected ${String(r.error)}`);
          assert.deepEqual(track.getConstraints(), before, 'a failed applyConstraints changed the constraints');
        }
        assert.equal(track.readyState, 'live');
      }),
      { numRuns: 10000 },
    );
    for (const t of tracks) t.stop();
    assert.equal(counting.live, 0);
  });

  test('constructors with 10,000 generated arguments throw only TypeError/DOMException or the user error', () => {
    const ctors: Array<(x: unknown, y: unknown) => unknown> = [
      (x) => new MediaStream(x as never),
      (x, y) => new MediaStreamTrackEvent(x as never, y as never),
      (x, y) => new OverconstrainedError(x as never, y as never),
      (x, y) => new DeviceChangeEvent(x as never, y as never),
    ];
    fc.assert(
      fc.property(fc.nat({ max: 3 }), input, input, (which, x, y) => {
        try {
          ctors[which]!(x, y);
        } catch (e) {
          assert.ok(acceptable(e), `unexpected ${String(e)}`);
        }
      }),
      { numRuns: 10000 },
    );
  });
});
