import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, state, rejection, stopAll, tick } from './helpers.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import { MediaStreamTrack } from '../../src/stream/media-stream-track.js';
import { OverconstrainedError } from '../../src/errors/overconstrained-error.js';
import { MediaDevices } from '../../src/devices/media-devices.js';

function isDOMException(e: unknown, name: string): boolean {
  return e instanceof DOMException && e.name === name;
}

describe('getUserMedia argument checks, in spec order (checklist 49-51, 66)', () => {
  test('49: nothing requested -> TypeError ({}, no argument, both false)', async () => {
    const { mediaDevices } = setup();
    for (const c of [{}, undefined, { audio: false, video: false }, { audio: 0, video: '' }]) {
      const e = await rejection(mediaDevices.getUserMedia(c as never));
      assert.ok(e instanceof TypeError, `for ${JSON.stringify(c)}`);
    }
  });

  test('49: {} is a TypeError before anything else (inactive document, policy, denied permission)', async () => {
    const { mediaDevices, controller } = setup({ permissions: { camera: 'denied', microphone: 'denied' } });
    controller.allowFeature('camera', false);
    controller.setFullyActive(false);
    assert.ok((await rejection(mediaDevices.getUserMedia({}))) instanceof TypeError);
  });

  test('WebIDL conversion: a non-dictionary argument rejects with TypeError (not a sync throw)', async () => {
    const { mediaDevices } = setup();
    const p = mediaDevices.getUserMedia(5 as never);
    assert.ok(p instanceof Promise);
    assert.ok((await rejection(p)) instanceof TypeError);
    assert.ok((await rejection(mediaDevices.getUserMedia({ video: { advanced: 3 } } as never))) instanceof TypeError);
  });

  test('brand check rejects', async () => {
    const e = await rejection(MediaDevices.prototype.getUserMedia.call({}, { audio: true }));
    assert.ok(e instanceof TypeError);
  });

  test('50: a document that is not fully active -> InvalidStateError, before the policy check', async () => {
    const { mediaDevices, controller } = setup();
    controller.allowFeature('camera', false);
    controller.setFullyActive(false);
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ video: true })), 'InvalidStateError'));
  });

  test('51: permissions policy disallowing the feature -> NotAllowedError', async () => {
    const { mediaDevices, controller } = setup();
    controller.allowFeature('camera', false);
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ video: true })), 'NotAllowedError'));
    const s = await mediaDevices.getUserMedia({ audio: true });
    assert.equal(s.getAudioTracks().length, 1);
    stopAll(s);
    controller.allowFeature('microphone', false);
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ audio: true })), 'NotAllowedError'));
  });

  test('66: false means no track of that kind; true gives one', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ audio: true, video: false });
    assert.deepEqual(s.getTracks().map((t) => t.kind), ['audio']);
    stopAll(s);
  });
});

describe('getUserMedia waits (checklist 52, 58, 59)', () => {
  test('52: a hidden document keeps the promise pending until it is visible', async () => {
    const { mediaDevices, controller } = setup();
    controller.setVisible(false);
    const p = mediaDevices.getUserMedia({ video: true });
    assert.equal(await state(p), 'pending');
    controller.setVisible(true);
    const s = await p;
    assert.equal(s.getVideoTracks().length, 1);
    stopAll(s);
  });

  test('59: without system focus the promise waits for focus', async () => {
    const { mediaDevices, controller } = setup();
    controller.setFocused(false);
    const p = mediaDevices.getUserMedia({ audio: true });
    assert.equal(await state(p), 'pending');
    controller.setFocused(true);
    stopAll(await p);
  });

  test('58: a prompt that is never answered leaves the promise pending; a later answer settles it', async () => {
    let answer: ((a: 'granted' | 'denied') => void) | null = null;
    const asked: string[] = [];
    const { mediaDevices } = setup({
      permissions: {
        camera: 'prompt',
        onPrompt: (p) => {
          asked.push(`${p.name}:${p.devices.map((d) => d.label).join(',')}`);
          return new Promise((r) => (answer = r));
        },
      },
    });
    const p = mediaDevices.getUserMedia({ video: true });
    assert.equal(await state(p, 10), 'pending');
    assert.deepEqual(asked, ['camera:Synthetic Camera']);
    answer!('granted');
    stopAll(await p);
  });

  test('58: a denied prompt -> NotAllowedError', async () => {
    const { mediaDevices } = setup({ permissions: { microphone: 'prompt', onPrompt: () => 'denied' } });
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ audio: true })), 'NotAllowedError'));
  });

  test('unload while waiting rejects with InvalidStateError (no promise pending forever)', async () => {
    const { mediaDevices, controller } = setup();
    controller.setVisible(false);
    const p = mediaDevices.getUserMedia({ video: true });
    assert.equal(await state(p), 'pending');
    controller.unload();
    assert.ok(isDOMException(await rejection(p), 'InvalidStateError'));
  });
});

describe('getUserMedia failures (checklist 53-57, 60, 63, 64, G4, G5, G8)', () => {
  test('53/63: no device of the kind -> NotFoundError', async () => {
    const { mediaDevices } = setup({ devices: { cameras: 0 } });
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ video: true })), 'NotFoundError'));
  });

  test('63/G4: no device and the permission denied -> NotAllowedError', async () => {
    const { mediaDevices } = setup({ devices: { cameras: 0 }, permissions: { camera: 'denied' } });
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ video: true })), 'NotAllowedError'));
  });

  test('55/G5: a required backgroundBlur -> TypeError; as ideal it is fine', async () => {
    const { mediaDevices } = setup();
    assert.ok((await rejection(mediaDevices.getUserMedia({ video: { backgroundBlur: { exact: true } } } as never))) instanceof TypeError);
    const s = await mediaDevices.getUserMedia({ video: { backgroundBlur: true } } as never);
    assert.equal(s.getVideoTracks()[0]!.getSettings().backgroundBlur, false);
    stopAll(s);
  });

  test('55/G5: the same required constraint in applyConstraints is just an unsatisfiable constraint', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: true });
    const t = s.getVideoTracks()[0]!;
    const e = await rejection(t.applyConstraints({ backgroundBlur: { exact: true } } as never));
    assert.ok(e instanceof OverconstrainedError);
    assert.equal(e.constraint, 'backgroundBlur');
    stopAll(s);
  });

  test('54/G8: audio constraints inside video are ignored, not overconstrained', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: { sampleRate: { exact: 1 }, channelCount: { min: 9 } }, audio: { width: { exact: 1 } } });
    assert.equal(s.getTracks().length, 2);
    assert.deepEqual(s.getVideoTracks()[0]!.getConstraints(), {});
    stopAll(s);
  });

  test('56/64/G4: unsatisfiable -> OverconstrainedError with constraint "" before exposure, the name after', async () => {
    const { mediaDevices } = setup();
    const before = await rejection(mediaDevices.getUserMedia({ video: { width: { min: 5000 } } }));
    assert.ok(before instanceof OverconstrainedError);
    assert.equal(before.constraint, '');
    const s = await mediaDevices.getUserMedia({ audio: true });
    stopAll(s);
    const after = await rejection(mediaDevices.getUserMedia({ video: { width: { min: 5000 } } }));
    assert.ok(after instanceof OverconstrainedError);
    assert.equal(after.constraint, 'width');
  });

  test('64/G4: denied permission turns an unsatisfiable request into NotAllowedError', async () => {
    const { mediaDevices } = setup({ permissions: { camera: 'denied' } });
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ video: { width: { exact: 9999 } } })), 'NotAllowedError'));
  });

  test('57: all candidate devices denied -> NotAllowedError; a denied device is skipped', async () => {
    const { mediaDevices } = setup({ devices: { cameras: 2 }, permissions: { devices: { 'Synthetic Camera': 'denied' } } });
    const s = await mediaDevices.getUserMedia({ video: true });
    assert.equal(s.getVideoTracks()[0]!.label, 'Synthetic Camera 2');
    stopAll(s);
    const two = setup({ devices: { cameras: 2 }, permissions: { devices: { 'Synthetic Camera': 'denied', 'Synthetic Camera 2': 'denied' } } });
    assert.ok(isDOMException(await rejection(two.mediaDevices.getUserMedia({ video: true })), 'NotAllowedError'));
  });

  test('60: a device locked by another program -> NotReadableError; other failures -> AbortError', async () => {
    const a = setup();
    a.controller.provider!.setOpenFailure('Synthetic Camera', 'lock');
    assert.ok(isDOMException(await rejection(a.mediaDevices.getUserMedia({ video: true })), 'NotReadableError'));
    a.controller.provider!.setOpenFailure('Synthetic Camera', 'other');
    assert.ok(isDOMException(await rejection(a.mediaDevices.getUserMedia({ video: true })), 'AbortError'));
    a.controller.provider!.setOpenFailure('Synthetic Camera', null);
    stopAll(await a.mediaDevices.getUserMedia({ video: true }));
  });

  test('60: a failed candidate is dropped and the next one opened', async () => {
    const { mediaDevices, controller } = setup({ devices: { cameras: 2 } });
    controller.provider!.setOpenFailure('Synthetic Camera', 'lock');
    const s = await mediaDevices.getUserMedia({ video: true });
    assert.equal(s.getVideoTracks()[0]!.label, 'Synthetic Camera 2');
    stopAll(s);
  });

  test('a failure opening the second kind releases the first kind\'s device', async () => {
    const { mediaDevices, controller } = setup();
    controller.provider!.setOpenFailure('Synthetic Camera', 'other');
    await rejection(mediaDevices.getUserMedia({ audio: true, video: true }));
    assert.equal(controller.provider!.openSourceCount, 0);
  });
});

describe('getUserMedia success (checklist 59-62, 21, 48)', () => {
  test('61/62: one live track per kind in a new stream; {width: 1280} gives 1280x720', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: { width: 1280 }, audio: true });
    assert.ok(s instanceof MediaStream);
    const [a] = s.getAudioTracks();
    const [v] = s.getVideoTracks();
    assert.ok(a instanceof MediaStreamTrack && v instanceof MediaStreamTrack);
    assert.equal(a.label, 'Synthetic Microphone');
    assert.equal(v.label, 'Synthetic Camera');
    assert.equal(v.readyState, 'live');
    const settings = v.getSettings();
    assert.equal(settings.width, 1280);
    assert.equal(settings.height, 720);
    assert.equal(settings.resizeMode, 'none');
    assert.deepEqual(v.getConstraints(), { width: 1280 });
    stopAll(s);
  });

  test('the promise settles in a task', async () => {
    const { mediaDevices } = setup();
    let done = false;
    const p = mediaDevices.getUserMedia({ audio: true }).then((s) => {
      done = true;
      return s;
    });
    await Promise.resolve();
    assert.equal(done, false);
    stopAll(await p);
  });

  test('deviceId exact picks that device; an unknown one fails on deviceId once exposed', async () => {
    const { mediaDevices } = setup({ devices: { cameras: 2 } });
    stopAll(await mediaDevices.getUserMedia({ video: true }));
    const list = await mediaDevices.enumerateDevices();
    const second = list.filter((d) => d.kind === 'videoinput')[1]!;
    const s = await mediaDevices.getUserMedia({ video: { deviceId: { exact: second.deviceId } } });
    const t = s.getVideoTracks()[0]!;
    assert.equal(t.label, 'Synthetic Camera 2');
    assert.equal(t.getSettings().deviceId, second.deviceId);
    assert.equal(t.getSettings().groupId, second.groupId);
    const e = await rejection(mediaDevices.getUserMedia({ video: { deviceId: { exact: 'nope' } } }));
    assert.ok(e instanceof OverconstrainedError);
    assert.equal(e.constraint, 'deviceId');
    stopAll(s);
  });

  test('21/48: stopping every track releases the device; the context stops capturing', async () => {
    const { mediaDevices, controller } = setup();
    const s = await mediaDevices.getUserMedia({ video: true, audio: true });
    assert.equal(controller.provider!.openSourceCount, 2);
    assert.equal(controller.isCapturing(), true);
    const clone = s.getVideoTracks()[0]!.clone();
    stopAll(s);
    assert.equal(controller.provider!.openSourceCount, 1, 'the clone keeps the camera open');
    assert.equal(controller.isCapturing(), true);
    clone.stop();
    assert.equal(controller.provider!.openSourceCount, 0);
    assert.equal(controller.isCapturing(), false);
  });

  test('two requests for the same device share its source; each track keeps its own settings', async () => {
    const { mediaDevices, controller } = setup();
    const a = await mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
    const b = await mediaDevices.getUserMedia({ video: { width: { exact: 640 }, height: { exact: 360 } } });
    assert.equal(controller.provider!.openSourceCount, 1);
    const sa = a.getVideoTracks()[0]!.getSettings();
    const sb = b.getVideoTracks()[0]!.getSettings();
    assert.deepEqual([sa.width, sa.height], [1280, 720]);
    assert.deepEqual([sb.width, sb.height, sb.resizeMode], [640, 360, 'crop-and-scale']);
    stopAll(a);
    assert.equal(b.getVideoTracks()[0]!.readyState, 'live');
    stopAll(b);
    assert.equal(controller.provider!.openSourceCount, 0);
  });

  test('23: unload stops all sources; tracks end without an event', async () => {
    const { mediaDevices, controller } = setup();
    const s = await mediaDevices.getUserMedia({ video: true, audio: true });
    let events = 0;
    for (const t of s.getTracks()) t.onended = () => events++;
    controller.unload();
    assert.deepEqual(s.getTracks().map((t) => t.readyState), ['ended', 'ended']);
    assert.equal(controller.provider!.openSourceCount, 0);
    await tick();
    assert.equal(events, 0);
    assert.ok(isDOMException(await rejection(mediaDevices.getUserMedia({ audio: true })), 'InvalidStateError'));
  });
});

describe('applyConstraints on a device track (checklist 28, 72, 73, 76)', () => {
  test('a new mode is selected and the source reconfigured; failure keeps constraints and settings', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: true });
    const t = s.getVideoTracks()[0]!;
    assert.deepEqual([t.getSettings().width, t.getSettings().height], [640, 480]);
    await t.applyConstraints({ width: { exact: 1920 }, frameRate: { min: 50 } });
    const st = t.getSettings();
    assert.deepEqual([st.width, st.height, st.frameRate], [1920, 1080, 60]);
    const e = await rejection(t.applyConstraints({ width: { min: 5000 } }));
    assert.ok(e instanceof OverconstrainedError);
    assert.equal(e.constraint, 'width');
    assert.deepEqual(t.getConstraints(), { width: { exact: 1920 }, frameRate: { min: 50 } });
    assert.equal(t.getSettings().width, 1920);
    stopAll(s);
  });

  test('audio: channelCount 2 selects the stereo mode', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ audio: true });
    const t = s.getAudioTracks()[0]!;
    assert.equal(t.getSettings().channelCount, 1);
    await t.applyConstraints({ channelCount: { exact: 2 }, echoCancellation: false });
    assert.equal(t.getSettings().channelCount, 2);
    assert.equal(t.getSettings().echoCancellation, false);
    stopAll(s);
  });

  test('capabilities are those of the device (checklist 25, 75)', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: true });
    const c = s.getVideoTracks()[0]!.getCapabilities();
    assert.deepEqual(c.width, { min: 1, max: 1920 });
    assert.deepEqual(c.height, { min: 1, max: 1080 });
    assert.deepEqual(c.frameRate, { min: 0, max: 60 });
    assert.ok(c.resizeMode!.includes('none'));
    assert.deepEqual(c.facingMode, ['user']);
    assert.equal(typeof c.deviceId, 'string');
    stopAll(s);
  });

  test('G7: getSettings of an ended device track keeps only deviceId, groupId, facingMode', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: true });
    const t = s.getVideoTracks()[0]!;
    const live = t.getSettings();
    t.stop();
    assert.deepEqual(t.getSettings(), { deviceId: live.deviceId, groupId: live.groupId, facingMode: 'user' });
  });
});

describe('G6: bare values are ideal in the basic set, exact in advanced sets', () => {
  test('basic facingMode "environment" is only ideal: the user-facing camera is still chosen', async () => {
    const { mediaDevices } = setup();
    const s = await mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    assert.equal(s.getVideoTracks()[0]!.getSettings().facingMode, 'user');
    stopAll(s);
  });

  test('as exact it cannot be satisfied', async () => {
    const { mediaDevices } = setup();
    const e = await rejection(mediaDevices.getUserMedia({ video: { facingMode: { exact: 'environment' } } }));
    assert.ok(e instanceof OverconstrainedError);
  });

  test('in an advanced set a bare value is exact: the set picks the matching camera', async () => {
    const { mediaDevices } = setup({ devices: { cameras: [{ label: 'Front', facingMode: 'user' }, { label: 'Back', facingMode: 'environment' }] } });
    const s = await mediaDevices.getUserMedia({ video: { advanced: [{ facingMode: 'environment' }] } });
    assert.equal(s.getVideoTracks()[0]!.label, 'Back');
    stopAll(s);
    // An advanced set nothing satisfies is dropped, not an error.
    const t = await mediaDevices.getUserMedia({ video: { advanced: [{ width: 99999 }] } });
    assert.equal(t.getVideoTracks()[0]!.getSettings().width, 640);
    stopAll(t);
  });

  test('ties go to the defaults: the default camera and its default 640x480@30 mode', async () => {
    const { mediaDevices } = setup({ devices: { cameras: 2 } });
    const s = await mediaDevices.getUserMedia({ video: true });
    const t = s.getVideoTracks()[0]!;
    const st = t.getSettings();
    assert.equal(t.label, 'Synthetic Camera');
    assert.deepEqual([st.width, st.height, st.frameRate, st.resizeMode], [640, 480, 30, 'none']);
    stopAll(s);
  });
});

describe('concurrent requests', () => {
  test('two simultaneous requests for the one camera open it once and share the source', async () => {
    const { mediaDevices, controller } = setup();
    const [a, b] = await Promise.all([mediaDevices.getUserMedia({ video: true }), mediaDevices.getUserMedia({ video: { width: 320 } })]);
    assert.equal(controller.provider!.openSourceCount, 1);
    assert.equal(b.getVideoTracks()[0]!.getSettings().width, 320);
    stopAll(a);
    stopAll(b);
    assert.equal(controller.provider!.openSourceCount, 0);
  });
});
