import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, state, stopAll, tick } from './helpers.js';
import { MediaDeviceInfo } from '../../src/devices/media-device-info.js';
import { InputDeviceInfo } from '../../src/devices/input-device-info.js';
import { DeviceChangeEvent } from '../../src/devices/device-change-event.js';
import { MediaDevices } from '../../src/devices/media-devices.js';

const plain = (list: MediaDeviceInfo[]) => list.map((d) => d.toJSON());
const FOUR = { microphones: 2, cameras: 2, speakers: 1 } as const;

describe('enumerateDevices exposure (checklist 37-45, G3)', () => {
  test('G3/39/40: before capture, one entry per kind with empty ids and labels, no audiooutput', async () => {
    const { mediaDevices } = setup({ devices: FOUR });
    const list = await mediaDevices.enumerateDevices();
    assert.deepEqual(plain(list), [
      { deviceId: '', kind: 'audioinput', label: '', groupId: '' },
      { deviceId: '', kind: 'videoinput', label: '', groupId: '' },
    ]);
    assert.ok(list.every((d) => d instanceof InputDeviceInfo));
    // 45: capabilities of a filtered device are {}.
    assert.deepEqual((list[0] as InputDeviceInfo).getCapabilities(), {});
  });

  test('41/42: after capture everything is exposed: mics, cameras, then outputs with "default" first', async () => {
    const { mediaDevices } = setup({ devices: FOUR });
    const s = await mediaDevices.getUserMedia({ audio: true });
    const list = await mediaDevices.enumerateDevices();
    assert.deepEqual(
      list.map((d) => [d.kind, d.label]),
      [
        ['audioinput', 'Synthetic Microphone'],
        ['audioinput', 'Synthetic Microphone 2'],
        ['videoinput', 'Synthetic Camera'],
        ['videoinput', 'Synthetic Camera 2'],
        ['audiooutput', 'Default - Synthetic Speaker'],
        ['audiooutput', 'Synthetic Speaker'],
      ],
    );
    assert.equal(list[4]!.deviceId, 'default');
    assert.equal(list[4]!.groupId, list[5]!.groupId);
    assert.ok(list.slice(0, 4).every((d) => /^[0-9a-f]{64}$/.test(d.deviceId)));
    assert.ok(!(list[5] instanceof InputDeviceInfo));
    // The track's deviceId is the one enumerateDevices shows.
    assert.equal(s.getAudioTracks()[0]!.getSettings().deviceId, list[0]!.deviceId);
    stopAll(s);
  });

  test('42: exposure extends to the other kind only if its permission is granted', async () => {
    const { mediaDevices } = setup({ devices: FOUR, permissions: { microphone: 'prompt' } });
    const s = await mediaDevices.getUserMedia({ video: true });
    const list = await mediaDevices.enumerateDevices();
    assert.deepEqual(
      list.map((d) => [d.kind, d.label]),
      [
        ['audioinput', ''],
        ['videoinput', 'Synthetic Camera'],
        ['videoinput', 'Synthetic Camera 2'],
      ],
    );
    stopAll(s);
  });

  test('41: exposure persists after the tracks stop ([[canExposeCameraInfo]])', async () => {
    const { mediaDevices } = setup({ devices: FOUR });
    stopAll(await mediaDevices.getUserMedia({ video: true }));
    const list = await mediaDevices.enumerateDevices();
    assert.equal(list.filter((d) => d.kind === 'videoinput').length, 2);
  });

  test('45: InputDeviceInfo.getCapabilities equals an unconstrained track\'s capabilities', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: { width: { exact: 320 } } });
    const info = (await mediaDevices.enumerateDevices()).find((d) => d.kind === 'videoinput') as InputDeviceInfo;
    assert.deepEqual(info.getCapabilities(), s.getVideoTracks()[0]!.getCapabilities());
    stopAll(s);
  });

  test('39: a feature disallowed by policy hides that kind', async () => {
    const { mediaDevices, controller } = setup();
    controller.allowFeature('camera', false);
    const list = await mediaDevices.enumerateDevices();
    assert.deepEqual(list.map((d) => d.kind), ['audioinput']);
  });

  test('39: the system default device comes first', async () => {
    const { mediaDevices, controller } = setup({ devices: { cameras: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] } });
    stopAll(await mediaDevices.getUserMedia({ video: true }));
    controller.unplug('A');
    await tick();
    await tick();
    const labels = (await mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.label);
    assert.deepEqual(labels, ['B', 'C']);
    controller.plug({ kind: 'videoinput', label: 'D' });
    await tick();
    const after = (await mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.label);
    assert.deepEqual(after, ['B', 'C', 'D']);
  });

  test('37/38: a hidden document waits to enumerate', async () => {
    const { mediaDevices, controller } = setup();
    controller.setVisible(false);
    const p = mediaDevices.enumerateDevices();
    assert.equal(await state(p), 'pending');
    controller.setVisible(true);
    assert.equal((await p).length, 2);
  });

  test('43/44: deviceId stable per origin and key, different across origins; groupId unique per document', async () => {
    const key = 'fixed-key';
    const ids = async (origin: string, k: string = key) => {
      const { mediaDevices } = setup({ origin, deviceIdKey: k, devices: { microphones: [{ group: 'webcam' }], cameras: [{ group: 'webcam' }] } });
      const s = await mediaDevices.getUserMedia({ audio: true, video: true });
      const list = await mediaDevices.enumerateDevices();
      stopAll(s);
      return list;
    };
    const a1 = await ids('https://a.example');
    const a2 = await ids('https://a.example');
    const b = await ids('https://b.example');
    const otherKey = await ids('https://a.example', 'another-key');
    assert.deepEqual(a1.map((d) => d.deviceId), a2.map((d) => d.deviceId));
    assert.notEqual(a1[0]!.deviceId, b[0]!.deviceId);
    assert.notEqual(a1[0]!.deviceId, otherKey[0]!.deviceId);
    assert.notEqual(a1[0]!.deviceId, a1[1]!.deviceId);
    // Same physical device: one groupId in a document; documents never share groupIds.
    assert.equal(a1[0]!.groupId, a1[1]!.groupId);
    assert.notEqual(a1[0]!.groupId, a2[0]!.groupId);
    // Never the raw internal name.
    assert.ok(!a1.some((d) => d.deviceId.includes('synthetic')));
  });

  test('44: MediaDeviceInfo cannot be constructed by script; toJSON and accessors brand-check', async () => {
    assert.throws(() => new (MediaDeviceInfo as unknown as new () => unknown)(), TypeError);
    assert.throws(() => new (InputDeviceInfo as unknown as new () => unknown)(), TypeError);
    assert.throws(() => new (MediaDevices as unknown as new () => unknown)(), TypeError);
    assert.throws(() => MediaDeviceInfo.prototype.toJSON.call({}), TypeError);
    const { mediaDevices } = setup();
    const [info] = await mediaDevices.enumerateDevices();
    assert.deepEqual(Object.keys(info!), []);
    assert.equal(JSON.stringify(info), '{"deviceId":"","kind":"audioinput","label":"","groupId":""}');
    assert.equal(Object.prototype.toString.call(info), '[object InputDeviceInfo]');
  });

  test('47: getSupportedConstraints lists every property of the spec, fresh each call', () => {
    const { mediaDevices } = setup();
    const a = mediaDevices.getSupportedConstraints();
    const expected = [
      'aspectRatio', 'autoGainControl', 'backgroundBlur', 'channelCount', 'deviceId', 'echoCancellation', 'facingMode',
      'frameRate', 'groupId', 'height', 'latency', 'noiseSuppression', 'resizeMode', 'sampleRate', 'sampleSize', 'width',
    ];
    for (const name of expected) assert.equal((a as Record<string, unknown>)[name], true, name);
    assert.ok(Object.values(a).every((v) => v === true));
    assert.notEqual(mediaDevices.getSupportedConstraints(), a);
  });
});

describe('devicechange (checklist 34, 46)', () => {
  test('46: plugging a device in an exposed document fires devicechange with the new list', async () => {
    const { mediaDevices, controller } = setup();
    const s = await mediaDevices.getUserMedia({ video: true, audio: true });
    const events: DeviceChangeEvent[] = [];
    mediaDevices.ondevicechange = (e: Event) => events.push(e as DeviceChangeEvent);
    controller.plug({ kind: 'videoinput', label: 'USB Camera' });
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.ok(e instanceof DeviceChangeEvent);
    assert.deepEqual(e.devices.map((d) => d.label), ['Synthetic Microphone', 'Synthetic Camera', 'USB Camera']);
    assert.deepEqual(e.userInsertedDevices.map((d) => d.label), ['USB Camera']);
    assert.ok(Object.isFrozen(e.devices) && Object.isFrozen(e.userInsertedDevices));
    assert.equal(e.devices, e.devices);
    stopAll(s);
  });

  test('46: unplugging a live device ends its tracks with `ended` and fires devicechange', async () => {
    const { mediaDevices, controller } = setup({ devices: { cameras: 2 } });
    const s = await mediaDevices.getUserMedia({ video: true });
    const t = s.getVideoTracks()[0]!;
    const order: string[] = [];
    t.onended = () => order.push('ended');
    mediaDevices.addEventListener('devicechange', (e) => order.push(`devicechange:${(e as DeviceChangeEvent).devices.length}`));
    controller.unplug('Synthetic Camera');
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(t.readyState, 'ended');
    assert.deepEqual(order.sort(), ['devicechange:2', 'ended']);
    assert.equal(controller.provider!.openSourceCount, 0);
  });

  test('46: without exposure, a second camera changes nothing visible: no event', async () => {
    const { mediaDevices, controller } = setup();
    let n = 0;
    mediaDevices.ondevicechange = () => n++;
    controller.plug({ kind: 'videoinput' });
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(n, 0);
    // ...but the first camera of a kind that had none is visible.
    const empty = setup({ devices: { cameras: 0 } });
    let m = 0;
    empty.mediaDevices.ondevicechange = () => m++;
    empty.controller.plug({ kind: 'videoinput' });
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(m, 1);
  });

  test('46: a hidden document gets the event when it becomes visible', async () => {
    const { mediaDevices, controller } = setup({ devices: { cameras: 0 } });
    let n = 0;
    mediaDevices.ondevicechange = () => n++;
    controller.setVisible(false);
    controller.plug({ kind: 'videoinput' });
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(n, 0);
    controller.setVisible(true);
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(n, 1);
  });

  test('34: DeviceChangeEvent constructor: defaults, frozen [SameObject] arrays, type checks', async () => {
    const e = new DeviceChangeEvent('devicechange');
    assert.deepEqual(e.devices, []);
    assert.deepEqual(e.userInsertedDevices, []);
    assert.ok(Object.isFrozen(e.devices));
    assert.equal(e.devices, e.devices);
    const { mediaDevices } = setup();
    const list = await mediaDevices.enumerateDevices();
    const f = new DeviceChangeEvent('devicechange', { devices: list });
    assert.deepEqual(f.devices, list);
    assert.notEqual(f.devices, list);
    assert.deepEqual(f.userInsertedDevices, []);
    assert.throws(() => new DeviceChangeEvent('x', { devices: [{}] } as never), TypeError);
    assert.throws(() => new DeviceChangeEvent('x', { devices: 3 } as never), TypeError);
    assert.throws(() => new (DeviceChangeEvent as unknown as new () => unknown)(), TypeError);
  });
});
