import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionController } from '../../src/permissions/permission-controller.js';
import { setup, stopAll, tick, rejection } from '../devices/helpers.js';

describe('device permission revocation (checklist 22, 84)', () => {
  test('22: revoke("camera") ends live camera tracks (and clones) with `ended`; microphone tracks stay', async () => {
    const { mediaDevices, controller } = setup();
    const s = await mediaDevices.getUserMedia({ audio: true, video: true });
    const v = s.getVideoTracks()[0]!;
    const a = s.getAudioTracks()[0]!;
    const clone = v.clone();
    const ended: string[] = [];
    v.onended = () => ended.push('video');
    clone.onended = () => ended.push('clone');
    a.onended = () => ended.push('audio');
    controller.permissions.revoke('camera');
    assert.equal(v.readyState, 'live', 'ending happens in a queued task');
    await tick();
    assert.deepEqual(ended.sort(), ['clone', 'video']);
    assert.equal(a.readyState, 'live');
    assert.equal(controller.provider!.openSourceCount, 1);
    assert.equal(controller.permissions.query('camera'), 'prompt');
    stopAll(s);
  });

  test('22: a transition from granted to denied also revokes; the next request is refused', async () => {
    const { mediaDevices, controller } = setup();
    const s = await mediaDevices.getUserMedia({ audio: true });
    const a = s.getAudioTracks()[0]!;
    controller.permissions.set('microphone', 'denied');
    await tick();
    assert.equal(a.readyState, 'ended');
    const e = await rejection(mediaDevices.getUserMedia({ audio: true }));
    assert.ok(e instanceof DOMException && e.name === 'NotAllowedError');
  });

  test('22: revoking one device ends only its tracks', async () => {
    const { mediaDevices, controller } = setup({ devices: { cameras: 2 } });
    const s1 = await mediaDevices.getUserMedia({ video: true });
    const list = await mediaDevices.enumerateDevices();
    const second = list.filter((d) => d.kind === 'videoinput')[1]!;
    const s2 = await mediaDevices.getUserMedia({ video: { deviceId: { exact: second.deviceId } } });
    controller.permissions.revoke('camera', 'Synthetic Camera 2');
    await tick();
    assert.equal(s1.getVideoTracks()[0]!.readyState, 'live');
    assert.equal(s2.getVideoTracks()[0]!.readyState, 'ended');
    stopAll(s1);
  });

  test('after revocation the prompt is asked again; tracks live in the document count as granted', async () => {
    const asked: string[] = [];
    const { mediaDevices, controller } = setup({ permissions: { camera: 'prompt', onPrompt: (p) => (asked.push(p.name), 'granted') } });
    const s = await mediaDevices.getUserMedia({ video: true });
    assert.deepEqual(asked, ['camera']);
    const s2 = await mediaDevices.getUserMedia({ video: true });
    assert.deepEqual(asked, ['camera'], 'a device live in this document needs no new prompt');
    stopAll(s);
    stopAll(s2);
    await mediaDevices.getUserMedia({ video: true }).then(stopAll);
    assert.deepEqual(asked, ['camera', 'camera']);
    controller.permissions.setPromptHandler(() => 'denied');
    const e = await rejection(mediaDevices.getUserMedia({ video: true }));
    assert.ok(e instanceof DOMException && e.name === 'NotAllowedError');
  });
});

describe('PermissionController', () => {
  test('defaults to granted; per-device states override the feature', () => {
    const p = new PermissionController({ devices: { 'Cam B': 'denied' } });
    assert.equal(p.query('camera'), 'granted');
    assert.equal(p.query('microphone'), 'granted');
    assert.equal(p.stateFor('camera', { internalId: 'x', label: 'Cam B' }), 'denied');
    assert.equal(p.stateFor('camera', { internalId: 'y', label: 'Cam A' }), 'granted');
  });

  test('request: granted/denied states answer without prompting; prompt asks the callback', async () => {
    const asked: string[] = [];
    const p = new PermissionController({ camera: 'prompt', microphone: 'denied', onPrompt: (x) => (asked.push(x.name), 'denied') });
    const dev = { internalId: 'i', label: 'l' };
    assert.equal(await p.request({ name: 'microphone', devices: [dev] }), 'denied');
    assert.equal(await p.request({ name: 'camera', devices: [dev] }), 'denied');
    assert.deepEqual(asked, ['camera']);
    p.setPromptHandler(null);
    assert.equal(await p.request({ name: 'camera', devices: [dev] }), 'granted', 'no handler: the prompt is accepted');
  });

  test('bad input is a TypeError naming what was wrong', () => {
    assert.throws(() => new PermissionController({ camera: 'yes' as never }), /permissions\.camera/);
    const p = new PermissionController();
    assert.throws(() => p.set('speaker' as never, 'granted'), TypeError);
    assert.throws(() => p.set('camera', 'maybe' as never), TypeError);
  });

  test('a prompt handler answering nonsense rejects the request', async () => {
    const p = new PermissionController({ camera: 'prompt', onPrompt: () => 'sure' as never });
    await assert.rejects(p.request({ name: 'camera', devices: [{ internalId: 'i', label: 'l' }] }), TypeError);
  });
});
