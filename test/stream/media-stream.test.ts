import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MediaStream } from '../../src/stream/media-stream.js';
import { MediaStreamTrackEvent } from '../../src/stream/media-stream-track-event.js';
import { createTrack, addTrackAndFire, removeTrackAndFire } from '../../src/stream/internals.js';
import { fakeSource, tick } from './fake-source.js';

const audio = () => createTrack(fakeSource('audio'), { kind: 'audio', label: 'a' });
const video = () => createTrack(fakeSource('video'), { kind: 'video', label: 'v' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('MediaStream (checklist 4-12)', () => {
  test('4/5: the three constructor forms, each with a fresh UUID id, duplicates skipped', () => {
    const a = audio();
    const v = video();
    const empty = new MediaStream();
    assert.match(empty.id, UUID);
    assert.deepEqual(empty.getTracks(), []);
    const fromSeq = new MediaStream([a, v, a]);
    assert.deepEqual(fromSeq.getTracks(), [a, v]);
    const fromStream = new MediaStream(fromSeq);
    assert.deepEqual(fromStream.getTracks(), [a, v]);
    assert.notEqual(fromStream.id, fromSeq.id);
    assert.notEqual(empty.id, fromSeq.id);
    const fromIterable = new MediaStream(new Set([v]));
    assert.deepEqual(fromIterable.getTracks(), [v]);
  });

  test('4: constructor argument errors are TypeErrors', () => {
    assert.throws(() => new MediaStream(5 as never), TypeError);
    assert.throws(() => new MediaStream(null as never), TypeError);
    assert.throws(() => new MediaStream([{}] as never), TypeError);
    assert.throws(() => new MediaStream('ab' as never), TypeError);
  });

  test('4: no events from construction', async () => {
    const s = new MediaStream([audio()]);
    let n = 0;
    s.onaddtrack = () => n++;
    await tick();
    assert.equal(n, 0);
  });

  test('6/7: getAudioTracks/getVideoTracks filter by kind; fresh arrays; getTrackById', () => {
    const a = audio();
    const v = video();
    const s = new MediaStream([v, a]);
    assert.deepEqual(s.getAudioTracks(), [a]);
    assert.deepEqual(s.getVideoTracks(), [v]);
    assert.notEqual(s.getTracks(), s.getTracks());
    assert.equal(s.getTrackById(a.id), a);
    assert.equal(s.getTrackById('nope'), null);
  });

  test('8/G2: addTrack/removeTrack are idempotent and fire nothing', async () => {
    const a = audio();
    const s = new MediaStream();
    const events: string[] = [];
    s.addEventListener('addtrack', () => events.push('add'));
    s.addEventListener('removetrack', () => events.push('remove'));
    s.addTrack(a);
    s.addTrack(a);
    assert.deepEqual(s.getTracks(), [a]);
    s.removeTrack(a);
    s.removeTrack(a);
    assert.deepEqual(s.getTracks(), []);
    await tick();
    assert.deepEqual(events, []);
    assert.throws(() => s.addTrack({} as never), TypeError);
  });

  test('9/12: the internal add/remove a track fire MediaStreamTrackEvents (handlers too)', () => {
    const a = audio();
    const s = new MediaStream();
    const seen: Array<[string, unknown, boolean, boolean]> = [];
    s.onaddtrack = (e: Event) => seen.push([e.type, (e as MediaStreamTrackEvent).track, e.bubbles, e.cancelable]);
    s.onremovetrack = (e: Event) => seen.push([e.type, (e as MediaStreamTrackEvent).track, e.bubbles, e.cancelable]);
    addTrackAndFire(s, a);
    addTrackAndFire(s, a);
    removeTrackAndFire(s, a);
    removeTrackAndFire(s, a);
    assert.deepEqual(seen, [
      ['addtrack', a, false, false],
      ['removetrack', a, false, false],
    ]);
    assert.ok(seen.every(() => true));
  });

  test('10: clone() gives a new id and clones of every track', () => {
    const a = audio();
    const v = video();
    v.enabled = false;
    const s = new MediaStream([a, v]);
    const c = s.clone();
    assert.notEqual(c.id, s.id);
    const tracks = c.getTracks();
    assert.equal(tracks.length, 2);
    assert.ok(tracks.every((t) => t !== a && t !== v));
    assert.deepEqual(tracks.map((t) => t.kind), ['audio', 'video']);
    assert.equal(tracks[1]!.enabled, false);
  });

  test('11: active while any track is live', () => {
    const a = audio();
    const v = video();
    const s = new MediaStream([a, v]);
    assert.equal(s.active, true);
    a.stop();
    assert.equal(s.active, true);
    v.stop();
    assert.equal(s.active, false);
    assert.equal(new MediaStream().active, false);
  });

  test('object model: no own keys, toStringTag, brand checks', () => {
    const s = new MediaStream();
    assert.deepEqual(Object.keys(s), []);
    assert.equal(Object.prototype.toString.call(s), '[object MediaStream]');
    assert.throws(() => MediaStream.prototype.getTracks.call({}), TypeError);
    assert.throws(() => Object.getOwnPropertyDescriptor(MediaStream.prototype, 'id')!.get!.call({}), TypeError);
  });
});

describe('MediaStreamTrackEvent (checklist 32)', () => {
  test('32: track is required, must be a MediaStreamTrack, and is [SameObject]', () => {
    const a = audio();
    const e = new MediaStreamTrackEvent('addtrack', { track: a });
    assert.equal(e.type, 'addtrack');
    assert.equal(e.track, a);
    assert.equal(e.track, e.track);
    assert.equal(e.bubbles, false);
    assert.throws(() => new MediaStreamTrackEvent('x', {} as never), TypeError);
    assert.throws(() => new MediaStreamTrackEvent('x', { track: {} } as never), TypeError);
    assert.throws(() => new (MediaStreamTrackEvent as unknown as new (t: string) => unknown)('x'), TypeError);
    assert.throws(() => new MediaStreamTrackEvent('x', 7 as never), TypeError);
    const e2 = new MediaStreamTrackEvent('x', { track: a, bubbles: true, cancelable: true });
    assert.equal(e2.bubbles, true);
    assert.equal(e2.cancelable, true);
    assert.equal(Object.prototype.toString.call(e2), '[object MediaStreamTrackEvent]');
  });

  test('32: a throwing getter in the init dictionary propagates unchanged', () => {
    const boom = new Error('boom');
    assert.throws(
      () =>
        new MediaStreamTrackEvent('x', {
          get track(): never {
            throw boom;
          },
        }),
      (e: unknown) => e === boom,
    );
  });
});
