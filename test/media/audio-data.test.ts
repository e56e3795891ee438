import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AudioData, audioDataChannels } from '../../src/media/audio-data.js';
import { framePlaneStats } from '../../src/media/frame-buffer.js';

const isDom = (name: string) => (e: unknown) => e instanceof DOMException && e.name === name;

describe('AudioData', () => {
  test('attributes and duration', () => {
    const a = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 2, timestamp: -5, data: new Float32Array(960) });
    assert.equal(a.format, 'f32-planar');
    assert.equal(a.sampleRate, 48000);
    assert.equal(a.numberOfFrames, 480);
    assert.equal(a.numberOfChannels, 2);
    assert.equal(a.timestamp, -5);
    assert.equal(a.duration, 10000);
    assert.equal(Object.prototype.toString.call(a), '[object AudioData]');
    assert.deepEqual(Object.keys(a), []);
    a.close();
  });

  test('invalid init', () => {
    const base = { format: 's16', sampleRate: 8000, numberOfFrames: 4, numberOfChannels: 2, timestamp: 0, data: new Int16Array(8) };
    assert.throws(() => new AudioData({ ...base, sampleRate: 0 }), TypeError);
    assert.throws(() => new AudioData({ ...base, numberOfFrames: 0 }), TypeError);
    assert.throws(() => new AudioData({ ...base, numberOfChannels: 0 }), TypeError);
    assert.throws(() => new AudioData({ ...base, data: new Int16Array(7) }), TypeError);
    assert.throws(() => new AudioData({ ...base, format: 's24' }), TypeError);
    assert.throws(() => new AudioData({ ...base, timestamp: undefined }), TypeError);
    assert.throws(() => new AudioData({ ...base, numberOfFrames: -1 }), TypeError);
    assert.throws(() => new AudioData({ ...base, data: [1, 2] }), TypeError);
    const ab = new ArrayBuffer(16);
    assert.throws(() => new AudioData({ ...base, data: ab, transfer: [ab, ab] }), isDom('DataCloneError'));
  });

  test('copyTo the same format: planes, frameOffset, frameCount', () => {
    const data = new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]);
    const a = new AudioData({ format: 'f32-planar', sampleRate: 8000, numberOfFrames: 4, numberOfChannels: 2, timestamp: 0, data });
    const out = new Float32Array(2);
    assert.equal(a.allocationSize({ planeIndex: 1, frameOffset: 1, frameCount: 2 }), 8);
    a.copyTo(out, { planeIndex: 1, frameOffset: 1, frameCount: 2 });
    assert.deepEqual([...out], [11, 12]);
    assert.throws(() => a.copyTo(out, { planeIndex: 2 }), RangeError);
    assert.throws(() => a.copyTo(out, { planeIndex: 0, frameOffset: 4 }), RangeError);
    assert.throws(() => a.copyTo(out, { planeIndex: 0, frameOffset: 3, frameCount: 2 }), RangeError);
    assert.throws(() => a.copyTo(new Float32Array(1), { planeIndex: 0 }), RangeError, 'destination too small');
    assert.throws(() => a.copyTo(out, {}), TypeError, 'planeIndex is required');
    a.close();
  });

  test('interleaved s16 to f32-planar and back to interleaved u8', () => {
    const s16 = new Int16Array([16384, -32768, 0, 32767, -16384, 8192]); // 3 frames x 2 channels
    const a = new AudioData({ format: 's16', sampleRate: 8000, numberOfFrames: 3, numberOfChannels: 2, timestamp: 0, data: s16 });
    const left = new Float32Array(3), right = new Float32Array(3);
    a.copyTo(left, { planeIndex: 0, format: 'f32-planar' });
    a.copyTo(right, { planeIndex: 1, format: 'f32-planar' });
    assert.deepEqual([...left], [0.5, 0, -0.5]);
    assert.deepEqual([...right], [-1, 32767 / 32768, 0.25]);
    // interleaved destinations only have plane 0
    assert.throws(() => a.allocationSize({ planeIndex: 1, format: 'f32' }), RangeError);
    assert.equal(a.allocationSize({ planeIndex: 0, format: 'u8' }), 6);
    const u8 = new Uint8Array(6);
    a.copyTo(u8, { planeIndex: 0, format: 'u8' });
    // v * 128 + 128, rounded and clamped
    assert.deepEqual([...u8], [192, 0, 128, 255, 64, 160]);
    a.close();
  });

  test('f32 clipping when converting to s16 and s32', () => {
    const a = new AudioData({ format: 'f32', sampleRate: 8000, numberOfFrames: 3, numberOfChannels: 1, timestamp: 0, data: new Float32Array([2, -2, 0.5]) });
    const out = new Int16Array(3);
    a.copyTo(out, { planeIndex: 0, format: 's16' });
    assert.deepEqual([...out], [32767, -32768, 16384]);
    const out32 = new Int32Array(3);
    a.copyTo(out32, { planeIndex: 0, format: 's32-planar' });
    assert.deepEqual([...out32], [2147483647, -2147483648, 1073741824]);
  });

  test('clone shares storage; close detaches and releases', () => {
    const live = framePlaneStats().live;
    const a = new AudioData({ format: 'f32-planar', sampleRate: 8000, numberOfFrames: 2, numberOfChannels: 1, timestamp: 3, data: new Float32Array([0.25, 0.75]) });
    const b = a.clone();
    assert.equal(framePlaneStats().live, live + 1);
    a.close();
    assert.equal(a.format, null);
    assert.equal(a.sampleRate, 0);
    assert.equal(a.numberOfFrames, 0);
    assert.equal(a.numberOfChannels, 0);
    assert.throws(() => a.clone(), isDom('InvalidStateError'));
    assert.throws(() => a.copyTo(new Float32Array(2), { planeIndex: 0 }), isDom('InvalidStateError'));
    assert.throws(() => a.allocationSize({ planeIndex: 0 }), isDom('InvalidStateError'));
    assert.deepEqual([...audioDataChannels(b)[0]!], [0.25, 0.75]);
    b.close();
    assert.equal(framePlaneStats().live, live);
  });

  test('transfer moves the data without a copy', () => {
    const f = new Float32Array([0.5, -0.5]);
    const ab = f.buffer;
    const copied = framePlaneStats().bytesCopied;
    const a = new AudioData({ format: 'f32', sampleRate: 8000, numberOfFrames: 2, numberOfChannels: 1, timestamp: 0, data: f, transfer: [ab] });
    assert.equal(ab.byteLength, 0);
    assert.equal(framePlaneStats().bytesCopied, copied);
    const out = new Float32Array(2);
    a.copyTo(out, { planeIndex: 0 });
    assert.deepEqual([...out], [0.5, -0.5]);
    a.close();
  });
});
