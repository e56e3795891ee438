import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { createTrack, getTrackOutput, getTrackSource, endTrack, setTrackMuted, INTERNAL } from '../../src/stream/internals.js';
import { OverconstrainedError } from '../../src/errors/overconstrained-error.js';
import { fakeSource, tick } from './fake-source.js';

function videoTrack() {
  const source = fakeSource('video');
  const track = createTrack(source, {
    kind: 'video',
    label: 'Fake Camera',
    settings: { width: 320, height: 240, frameRate: 30, deviceId: 'dev', groupId: 'grp', facingMode: 'user' },
    capabilities: { width: { min: 1, max: 320 }, height: { min: 1, max: 240 } },
    format: { kind: 'video', width: 320, height: 240, frameRate: 30 },
  });
  return { source, track };
}

describe('MediaStreamTrack object model (checklist 14, 15, 31)', () => {
  test('14/15: a new track has a UUID id, the kind and label of its source, live, enabled, unmuted', () => {
    const { track } = videoTrack();
    assert.match(track.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(track.kind, 'video');
    assert.equal(track.label, 'Fake Camera');
    assert.equal(track.readyState, 'live');
    assert.equal(track.enabled, true);
    assert.equal(track.muted, false);
    assert.equal(track.contentHint, '');
  });

  test('14: [[Muted]] starts as the source\'s muted state', () => {
    const source = fakeSource('audio');
    source.setMuted(true);
    const track = createTrack(source, { kind: 'audio', label: '' });
    assert.equal(track.muted, true);
    track.stop();
  });

  test('constructor is not callable by script; subclassable internally', () => {
    assert.throws(() => new (MediaStreamTrack as unknown as new () => unknown)(), { name: 'TypeError', message: /Illegal constructor/ });
    assert.throws(() => new (MediaStreamTrack as unknown as new (a: unknown) => unknown)(INTERNAL), TypeError);
    class CanvasTrack extends MediaStreamTrack {
      canvas: unknown;
      constructor(token: unknown, construction: unknown, canvas: unknown) {
        super(token, construction);
        this.canvas = canvas;
      }
    }
    const canvas = { width: 10 };
    let cloned: unknown = null;
    const track = createTrack(fakeSource('video'), {
      kind: 'video',
      label: 'canvas',
      trackClass: CanvasTrack,
      trackArgs: [canvas],
      cloneSteps: (_t, c) => {
        cloned = c;
      },
    });
    assert.ok(track instanceof CanvasTrack);
    assert.equal((track as CanvasTrack).canvas, canvas);
    const c = track.clone();
    assert.ok(c instanceof CanvasTrack, 'clone keeps the source type');
    assert.equal(cloned, c, 'source-specific clone steps ran');
    track.stop();
    c.stop();
  });

  test('brand checks, prototype accessors, toStringTag, no own keys', () => {
    const { track } = videoTrack();
    assert.deepEqual(Object.keys(track), []);
    assert.equal(Object.prototype.toString.call(track), '[object MediaStreamTrack]');
    assert.throws(() => MediaStreamTrack.prototype.stop.call({}), TypeError);
    const kindGetter = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'kind')!.get!;
    assert.throws(() => kindGetter.call({}), TypeError);
    assert.equal(kindGetter.call(track), 'video');
    assert.ok(Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'enabled')!.set);
    assert.equal(Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'readyState')!.set, undefined);
    track.stop();
  });

  test('applyConstraints brand failure rejects instead of throwing', async () => {
    const p = MediaStreamTrack.prototype.applyConstraints.call({} as MediaStreamTrack);
    await assert.rejects(p, TypeError);
  });

  test('31: onmute/onunmute/onended handlers are invoked', async () => {
    const { source, track } = videoTrack();
    const seen: string[] = [];
    track.onmute = (e: Event) => seen.push(`on${e.type}`);
    track.onunmute = (e: Event) => seen.push(`on${e.type}`);
    track.onended = (e: Event) => seen.push(`on${e.type}`);
    source.setMuted(true);
    await tick();
    source.setMuted(false);
    await tick();
    source.end();
    await tick();
    assert.deepEqual(seen, ['onmute', 'onunmute', 'onended']);
  });

  test('contentHint accepts only the hints of its kind', () => {
    const { track } = videoTrack();
    track.contentHint = 'motion';
    assert.equal(track.contentHint, 'motion');
    track.contentHint = 'speech';
    assert.equal(track.contentHint, 'motion', 'an audio hint on a video track is ignored');
    track.contentHint = '';
    assert.equal(track.contentHint, '');
    const audio = createTrack(fakeSource('audio'), { kind: 'audio', label: '' });
    audio.contentHint = 'music';
    assert.equal(audio.contentHint, 'music');
    audio.contentHint = 'detail';
    assert.equal(audio.contentHint, 'music');
    track.stop();
    audio.stop();
  });
});

describe('enabled and media flow (checklist 16, 17)', () => {
  test('16/17: enabled drives the output; setting it after ended is kept and harmless', () => {
    const { source, track } = videoTrack();
    const out = source.outputs[0]!;
    track.enabled = false;
    assert.equal(out.enabled, false);
    track.enabled = true;
    assert.equal(out.enabled, true);
    track.stop();
    track.enabled = false;
    assert.equal(track.enabled, false);
    assert.equal(out.enabled, true, 'a closed output is not touched');
  });

  test('enabled converts with ToBoolean', () => {
    const { track } = videoTrack();
    (track as unknown as { enabled: unknown }).enabled = 0;
    assert.equal(track.enabled, false);
    (track as unknown as { enabled: unknown }).enabled = 'yes';
    assert.equal(track.enabled, true);
    track.stop();
  });
});

describe('life-cycle (checklist 18-21, G2)', () => {
  test('19/G2: stop() ends the track without an ended event, closes its output, stops the source', async () => {
    const { source, track } = videoTrack();
    let ended = 0;
    track.addEventListener('ended', () => ended++);
    track.stop();
    assert.equal(track.readyState, 'ended');
    assert.equal(source.outputs[0]!.closed, true);
    assert.equal(source.stopCount, 1);
    track.stop();
    assert.equal(source.stopCount, 1, 'stop() on an ended track does nothing');
    await tick();
    await tick();
    assert.equal(ended, 0);
  });

  test('21: the source stops only when its last track (clones included) ends', () => {
    const { source, track } = videoTrack();
    const c1 = track.clone();
    const c2 = c1.clone();
    track.stop();
    c2.stop();
    assert.equal(source.stopCount, 0);
    c1.stop();
    assert.equal(source.stopCount, 1);
  });

  test('20: ending for another reason fires ended in a queued task, once', async () => {
    const { source, track } = videoTrack();
    const events: string[] = [];
    track.addEventListener('ended', () => events.push(track.readyState));
    endTrack(track);
    endTrack(track);
    assert.equal(track.readyState, 'live', 'not ended synchronously');
    await tick();
    assert.deepEqual(events, ['ended']);
    assert.equal(source.stopCount, 1);
  });

  test('20: a track stopped before the queued task runs fires no ended', async () => {
    const { track } = videoTrack();
    let n = 0;
    track.onended = () => n++;
    endTrack(track);
    track.stop();
    await tick();
    assert.equal(n, 0);
  });

  test('18: set a track\'s muted state fires only on change', () => {
    const { track } = videoTrack();
    const events: string[] = [];
    track.addEventListener('mute', () => events.push('mute'));
    track.addEventListener('unmute', () => events.push('unmute'));
    setTrackMuted(track, true);
    setTrackMuted(track, true);
    setTrackMuted(track, false);
    assert.deepEqual(events, ['mute', 'unmute']);
    assert.equal(track.muted, false);
    track.stop();
  });

  test('18: source muting reaches every live track in a queued task', async () => {
    const { source, track } = videoTrack();
    const clone = track.clone();
    source.setMuted(true);
    assert.equal(track.muted, false);
    await tick();
    assert.equal(track.muted, true);
    assert.equal(clone.muted, true);
    track.stop();
    clone.stop();
  });

  test('consumers see end() when the track stops; an ended track\'s output ends new subscribers', async () => {
    const { track } = videoTrack();
    const ends: string[] = [];
    getTrackOutput(track).subscribe({ frame() {}, end: () => ends.push('a') });
    track.stop();
    assert.deepEqual(ends, ['a']);
    getTrackOutput(track).subscribe({ frame() {}, end: () => ends.push('b') });
    await tick();
    assert.deepEqual(ends, ['a', 'b']);
  });
});

describe('clone (checklist 24, G1)', () => {
  test('24: a clone has a new id, same kind/label/source, independent state', () => {
    const { source, track } = videoTrack();
    const c = track.clone();
    assert.notEqual(c.id, track.id);
    assert.equal(c.kind, 'video');
    assert.equal(c.label, 'Fake Camera');
    assert.equal(getTrackSource(c), source);
    assert.deepEqual(c.getSettings(), track.getSettings());
    assert.deepEqual(c.getCapabilities(), track.getCapabilities());
    c.stop();
    assert.equal(track.readyState, 'live');
    track.stop();
  });

  test('G1: the clone of a disabled track is disabled (enabled is copied)', () => {
    const { source, track } = videoTrack();
    track.enabled = false;
    const c = track.clone();
    assert.equal(c.enabled, false);
    assert.equal(source.outputs[1]!.enabled, false, 'and its output delivers zero-information content');
    track.stop();
    c.stop();
  });

  test('24: the clone of an ended track is ended and opens no output', () => {
    const { source, track } = videoTrack();
    track.stop();
    const c = track.clone();
    assert.equal(c.readyState, 'ended');
    assert.equal(source.outputs.length, 1);
  });
});

describe('constrainable: settings, capabilities, constraints (checklist 25-28, G7)', () => {
  test('25/27: getCapabilities/getSettings return fresh copies', () => {
    const { track } = videoTrack();
    const s = track.getSettings();
    s.width = 1;
    assert.equal(track.getSettings().width, 320);
    const c = track.getCapabilities();
    c.width!.max = 5;
    assert.equal(track.getCapabilities().width!.max, 320);
    track.stop();
  });

  test('G7: getSettings on an ended track keeps only deviceId, facingMode, groupId', () => {
    const { track } = videoTrack();
    track.stop();
    assert.deepEqual(track.getSettings(), { deviceId: 'dev', groupId: 'grp', facingMode: 'user' });
  });

  test('G7: applyConstraints on an ended track resolves with undefined, even if unsatisfiable', async () => {
    const { track } = videoTrack();
    track.stop();
    assert.equal(await track.applyConstraints({ width: { exact: 99999 } }), undefined);
  });

  test('28/73: success replaces [[Constraints]]; failure rejects OverconstrainedError and keeps them', async () => {
    const { track } = videoTrack();
    await track.applyConstraints({ width: { max: 640 }, frameRate: 30 });
    assert.deepEqual(track.getConstraints(), { width: { max: 640 }, frameRate: 30 });
    await assert.rejects(track.applyConstraints({ height: { min: 1000 } }), (e: unknown) => {
      assert.ok(e instanceof OverconstrainedError);
      assert.equal(e.name, 'OverconstrainedError');
      assert.equal(e.constraint, 'height');
      return true;
    });
    assert.deepEqual(track.getConstraints(), { width: { max: 640 }, frameRate: 30 });
    track.stop();
  });

  test('73: applyConstraints calls settle in invocation order', async () => {
    const { track } = videoTrack();
    const order: string[] = [];
    const a = track.applyConstraints({ width: 320 }).then(() => order.push('a'));
    const b = track.applyConstraints({ width: { exact: 7 } }).catch(() => order.push('b'));
    const c = track.applyConstraints({ height: 240 }).then(() => order.push('c'));
    await Promise.all([a, b, c]);
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(track.getConstraints(), { height: 240 });
    track.stop();
  });

  test('73: the promise settles in a task, not synchronously nor in the same microtask checkpoint', async () => {
    const { track } = videoTrack();
    let settled = false;
    const p = track.applyConstraints({}).then(() => {
      settled = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(settled, false);
    await p;
    assert.equal(settled, true);
    track.stop();
  });

  test('28: WebIDL conversion errors reject with TypeError', async () => {
    const { track } = videoTrack();
    await assert.rejects(track.applyConstraints(5 as unknown as MediaTrackConstraints), TypeError);
    await assert.rejects(track.applyConstraints({ advanced: 5 } as unknown as MediaTrackConstraints), TypeError);
    track.stop();
  });

  test('getConstraints returns a copy, not the caller\'s object', async () => {
    const { track } = videoTrack();
    const mine = { width: { ideal: 300 } };
    await track.applyConstraints(mine);
    const got = track.getConstraints();
    assert.notEqual(got, mine);
    (got.width as { ideal: number }).ideal = 1;
    assert.deepEqual(track.getConstraints(), { width: { ideal: 300 } });
    track.stop();
  });
});
