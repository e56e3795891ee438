import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { convertMediaStreamConstraints, convertMediaTrackConstraints, supportedConstraints } from '../../src/constraints/convert.js';

const conv = (v: unknown) => convertMediaTrackConstraints(v, 'test');

describe('item 3/67: [Clamp] unsigned long members', () => {
  test('item 3: -1 clamps to 0 and 2**40 to 4294967295, bare and inside ranges', () => {
    assert.deepEqual(conv({ width: -1 }), { width: 0 });
    assert.deepEqual(conv({ width: 2 ** 40 }), { width: 4294967295 });
    assert.deepEqual(conv({ height: { min: -1, max: 2 ** 40, exact: -5, ideal: 2 ** 33 } }), {
      height: { max: 4294967295, min: 0, exact: 0, ideal: 4294967295 },
    });
  });
  test('item 3: non-integers round half to even as [Clamp] does', () => {
    assert.deepEqual(conv({ sampleRate: 2.5, channelCount: 3.5, sampleSize: 1.4 }), { channelCount: 4, sampleRate: 2, sampleSize: 1 });
  });
  test('item 67: a string in a ULong member is converted to a number', () => {
    assert.deepEqual(conv({ width: '1280' }), { width: 1280 });
    assert.deepEqual(conv({ channelCount: { exact: '2' } }), { channelCount: { exact: 2 } });
    // "abc" is NaN, which [Clamp] turns into 0.
    assert.deepEqual(conv({ width: 'abc' }), { width: 0 });
    // booleans are not in the union, so they go through ToNumber.
    assert.deepEqual(conv({ width: true }), { width: 1 });
  });
  test('item 67: symbols and BigInts in a ULong member are TypeErrors', () => {
    assert.throws(() => conv({ width: Symbol('x') }), TypeError);
    assert.throws(() => conv({ width: 10n }), TypeError);
  });
});

describe('item 67: double members', () => {
  test('NaN and Infinity in a double member are TypeErrors, bare or inside a range', () => {
    assert.throws(() => conv({ frameRate: NaN }), TypeError);
    assert.throws(() => conv({ frameRate: Infinity }), TypeError);
    assert.throws(() => conv({ aspectRatio: { ideal: -Infinity } }), TypeError);
    assert.throws(() => conv({ latency: { min: 'x' } }), TypeError);
  });
  test('finite doubles pass unchanged, strings are parsed', () => {
    assert.deepEqual(conv({ frameRate: 29.97, latency: { max: '0.02' } }), { frameRate: 29.97, latency: { max: 0.02 } });
  });
});

describe('item 67: union resolution', () => {
  test('ConstrainDOMString: string, sequence (any iterable), or parameters dictionary', () => {
    assert.deepEqual(conv({ facingMode: 'user' }), { facingMode: 'user' });
    assert.deepEqual(conv({ facingMode: ['environment', 'user'] }), { facingMode: ['environment', 'user'] });
    assert.deepEqual(conv({ facingMode: new Set(['left']) }), { facingMode: ['left'] });
    assert.deepEqual(conv({ facingMode: { exact: 'user', ideal: new Set(['a', 'b']) } }), {
      facingMode: { exact: 'user', ideal: ['a', 'b'] },
    });
    // Primitives other than strings are stringified; null picks the dictionary.
    assert.deepEqual(conv({ deviceId: 5 }), { deviceId: '5' });
    assert.deepEqual(conv({ deviceId: null }), { deviceId: {} });
    assert.deepEqual(conv({ deviceId: { exact: null } }), { deviceId: { exact: 'null' } });
  });
  test('ConstrainBoolean: booleans, dictionaries, everything else through ToBoolean', () => {
    assert.deepEqual(conv({ autoGainControl: 0, noiseSuppression: 'yes', backgroundBlur: { exact: 1, ideal: '' } }), {
      autoGainControl: false,
      backgroundBlur: { exact: true, ideal: false },
      noiseSuppression: true,
    });
  });
  test('ConstrainBooleanOrDOMString: booleans stay booleans, other primitives become strings', () => {
    assert.deepEqual(conv({ echoCancellation: true }), { echoCancellation: true });
    assert.deepEqual(conv({ echoCancellation: 'all' }), { echoCancellation: 'all' });
    assert.deepEqual(conv({ echoCancellation: 1 }), { echoCancellation: '1' });
    assert.deepEqual(conv({ echoCancellation: { exact: 'remote-only', ideal: false } }), {
      echoCancellation: { exact: 'remote-only', ideal: false },
    });
  });
  test('ConstrainULong: null picks the (empty) range dictionary', () => {
    assert.deepEqual(conv({ width: null }), { width: {} });
  });
  test('a non-callable @@iterator on a ConstrainDOMString value is a TypeError', () => {
    assert.throws(() => conv({ facingMode: { [Symbol.iterator]: 5 } }), TypeError);
  });
});

describe('item 3: dictionary reading', () => {
  test('unknown members are dropped and never read', () => {
    let touched = false;
    const input = {
      width: 5,
      volume: 1,
      get bogus() {
        touched = true;
        return 1;
      },
    };
    const out = conv(input);
    assert.deepEqual(out, { width: 5 });
    assert.equal(touched, false);
  });
  test('getters are called once each, in WebIDL order (set members by code unit, then advanced)', () => {
    const log: string[] = [];
    const target: Record<string, unknown> = {
      width: { ideal: 1, min: 1, max: 2, exact: 1 },
      advanced: [],
      aspectRatio: 1,
      frameRate: 30,
      facingMode: 'user',
      deviceId: 'd',
      sampleRate: 1,
      cursor: 'never',
    };
    const proxy = new Proxy(target, {
      get(t, key, r) {
        if (typeof key === 'string') log.push(key);
        return Reflect.get(t, key, r);
      },
    });
    conv(proxy);
    // Every MediaTrackConstraintSet member (mediacapture-main + extensions + screen-capture),
    // sorted by hand, then MediaTrackConstraints' own member.
    const expected = [
      'aspectRatio', 'autoGainControl', 'backgroundBlur', 'backgroundSegmentationMask', 'channelCount', 'cursor',
      'deviceId', 'displaySurface', 'echoCancellation', 'eyeGazeCorrection', 'faceFraming', 'facingMode',
      'frameRate', 'gestureReactions', 'groupId', 'height', 'humanFaceDetectionMode', 'latency', 'logicalSurface',
      'noiseSuppression', 'resizeMode', 'restrictOwnAudio', 'sampleRate', 'sampleSize', 'suppressLocalAudioPlayback',
      'voiceIsolation', 'width', 'advanced',
    ];
    assert.deepEqual(log, expected);
  });
  test('range members are read inherited-first: max, min, then exact, ideal', () => {
    const log: string[] = [];
    const range = new Proxy(
      { ideal: 1, exact: 1, min: 1, max: 2 },
      {
        get(t, key, r) {
          if (typeof key === 'string') log.push(key);
          return Reflect.get(t, key, r);
        },
      },
    );
    conv({ frameRate: range });
    assert.deepEqual(log, ['max', 'min', 'exact', 'ideal']);
  });
  test("a throwing getter's error propagates unchanged and stops the conversion", () => {
    const boom = new RangeError('boom');
    let later = false;
    const input = {
      get aspectRatio(): number {
        throw boom;
      },
      get width() {
        later = true;
        return 1;
      },
    };
    assert.throws(() => conv(input), (e) => e === boom);
    assert.equal(later, false);
  });
  test('a non-object where a dictionary is needed is a TypeError; undefined and null are empty', () => {
    assert.throws(() => conv(5), TypeError);
    assert.throws(() => conv('width'), TypeError);
    assert.throws(() => conv({ advanced: [5] }), TypeError);
    assert.throws(() => convertMediaStreamConstraints(true, 'gUM'), TypeError);
    assert.deepEqual(conv(undefined), {});
    assert.deepEqual(conv(null), {});
    assert.deepEqual(conv({ advanced: [null, {}] }), { advanced: [{}, {}] });
  });
  test('advanced that is not iterable is a TypeError', () => {
    assert.throws(() => conv({ advanced: {} }), TypeError);
    assert.throws(() => conv({ advanced: 5 }), TypeError);
    assert.throws(() => conv({ advanced: 'ab' }), TypeError);
    assert.throws(() => conv({ advanced: null }), TypeError);
  });
  test('the error message names the member that was wrong', () => {
    assert.throws(() => conv({ advanced: [{}, { frameRate: { min: NaN } }] }), /advanced\[1\]\.frameRate\.min/);
  });
  test('the result is a fresh object that does not alias the input', () => {
    const list = ['user'];
    const input = { facingMode: list, width: { ideal: 5 }, advanced: [{ height: 3 }] };
    const out = conv(input);
    assert.notEqual(out, input);
    assert.notEqual(out.facingMode, list);
    list.push('left');
    input.width.ideal = 9;
    input.advanced[0]!.height = 7;
    assert.deepEqual(out, { facingMode: ['user'], width: { ideal: 5 }, advanced: [{ height: 3 }] });
  });
  test('item 82: extension and screen-capture members are converted by their IDL types', () => {
    assert.deepEqual(conv({ voiceIsolation: 1, humanFaceDetectionMode: ['none'], displaySurface: 'monitor', logicalSurface: { exact: 0 } }), {
      displaySurface: 'monitor',
      humanFaceDetectionMode: ['none'],
      logicalSurface: { exact: false },
      voiceIsolation: true,
    });
  });
});

describe('item 66: MediaStreamConstraints', () => {
  test('members default to false; booleans and dictionaries per (boolean or MediaTrackConstraints)', () => {
    assert.deepEqual(convertMediaStreamConstraints(undefined, 'gUM'), { audio: false, video: false });
    assert.deepEqual(convertMediaStreamConstraints({}, 'gUM'), { audio: false, video: false });
    assert.deepEqual(convertMediaStreamConstraints({ audio: 1, video: 0 }, 'gUM'), { audio: true, video: false });
    assert.deepEqual(convertMediaStreamConstraints({ audio: null, video: { width: '5', foo: 1 } }, 'gUM'), {
      audio: {},
      video: { width: 5 },
    });
  });
  test('audio is read before video', () => {
    const log: string[] = [];
    const proxy = new Proxy(
      { video: true, audio: true },
      {
        get(t, key, r) {
          if (typeof key === 'string') log.push(key);
          return Reflect.get(t, key, r);
        },
      },
    );
    convertMediaStreamConstraints(proxy, 'gUM');
    assert.deepEqual(log, ['audio', 'video']);
  });
  test('bad nested constraints throw TypeError', () => {
    assert.throws(() => convertMediaStreamConstraints({ video: { frameRate: NaN } }, 'gUM'), TypeError);
  });
});

describe('item 47/78: supportedConstraints()', () => {
  test('true for every mediacapture-main property and the display-surface ones, nothing else', () => {
    const s = supportedConstraints();
    const expected = [
      'width', 'height', 'aspectRatio', 'frameRate', 'facingMode', 'resizeMode', 'sampleRate', 'sampleSize',
      'echoCancellation', 'autoGainControl', 'noiseSuppression', 'latency', 'channelCount', 'deviceId', 'groupId',
      'backgroundBlur',
      // screen-capture#extensions-to-mediatracksupportedconstraints (getDisplayMedia tracks have them)
      'displaySurface', 'logicalSurface', 'cursor', 'restrictOwnAudio', 'suppressLocalAudioPlayback',
    ];
    assert.deepEqual(Object.keys(s).sort(), [...expected].sort());
    for (const k of expected) assert.equal((s as Record<string, unknown>)[k], true, k);
    assert.equal('volume' in s, false);
    assert.equal('voiceIsolation' in s, false);
  });
  test('a fresh object on each call', () => {
    const a = supportedConstraints();
    const b = supportedConstraints();
    assert.notEqual(a, b);
    (a as Record<string, unknown>).width = false;
    assert.equal(b.width, true);
    assert.equal(supportedConstraints().width, true);
  });
});
