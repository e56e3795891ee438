import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION,
  capabilitiesOf,
  filterForKind,
  inherentSettings,
  requiredConstraintNames,
  selectSettings,
  selectSettingsFromList,
  type ConstrainableDevice,
  type SelectResult,
} from '../../src/constraints/select-settings.js';
import { convertMediaTrackConstraints } from '../../src/constraints/convert.js';
import type { AudioMode, DeviceDescriptor, SourceConfig, VideoMode } from '../../src/sources/types.js';

const vm = (width: number, height: number, frameRate: number): VideoMode => ({ width, height, frameRate });

function camera(modes: VideoMode[], opts: { facingMode?: string[]; backgroundBlur?: boolean[]; locked?: VideoMode } = {}): ConstrainableDevice {
  const descriptor: DeviceDescriptor = {
    kind: 'videoinput',
    internalId: 'test:cam',
    label: 'Test camera',
    groupKey: 'g',
    isDefault: true,
    video: { modes, facingMode: opts.facingMode ?? ['user'], backgroundBlur: opts.backgroundBlur ?? [false] },
  };
  const lockedConfig: SourceConfig | null = opts.locked ? { kind: 'video', mode: opts.locked } : null;
  return { descriptor, deviceId: 'cam-id', groupId: 'group-id', lockedConfig };
}

const am = (sampleRate: number, channelCount: number, sampleSize = 16, latency = 0.01): AudioMode => ({ sampleRate, channelCount, sampleSize, latency });

function microphone(
  modes: AudioMode[],
  opts: { ec?: (boolean | string)[]; agc?: boolean[]; ns?: boolean[]; locked?: AudioMode } = {},
): ConstrainableDevice {
  const descriptor: DeviceDescriptor = {
    kind: 'audioinput',
    internalId: 'test:mic',
    label: 'Test microphone',
    groupKey: 'g',
    isDefault: true,
    audio: {
      modes,
      echoCancellation: opts.ec ?? [true, false],
      autoGainControl: opts.agc ?? [true, false],
      noiseSuppression: opts.ns ?? [true, false],
    },
  };
  return { descriptor, deviceId: 'mic-id', groupId: 'group-id', lockedConfig: opts.locked ? { kind: 'audio', mode: opts.locked } : null };
}

// The reference camera of the brief: default 640x480@30 first.
const CAM = camera([vm(640, 480, 30), vm(1280, 720, 30), vm(1280, 720, 60), vm(1920, 1080, 30), vm(1920, 1080, 60), vm(320, 240, 30)]);
const MIC = microphone([am(48000, 2), am(44100, 1, 16, 0.02)]);

function select(device: ConstrainableDevice, constraints: unknown): SelectResult {
  const r = selectSettings(device, convertMediaTrackConstraints(constraints, 'test'));
  if ('failedConstraint' in r) assert.fail(`expected settings, got failedConstraint ${JSON.stringify(r.failedConstraint)}`);
  return r;
}
function fails(device: ConstrainableDevice, constraints: unknown): string {
  const r = selectSettings(device, convertMediaTrackConstraints(constraints, 'test'));
  if (!('failedConstraint' in r)) assert.fail(`expected failure, got ${JSON.stringify(r.settings)}`);
  return r.failedConstraint;
}
const dims = (r: SelectResult) => [r.settings.width, r.settings.height, r.settings.frameRate, r.settings.resizeMode];
const modeOf = (r: SelectResult) => (r.config.kind === 'video' ? [r.config.mode.width, r.config.mode.height, r.config.mode.frameRate] : null);

describe('item 70: SelectSettings on a camera', () => {
  test('{width: 1280} picks native 1280x720@30 (resizeMode none, closest to 30 fps)', () => {
    const r = select(CAM, { width: 1280 });
    assert.deepEqual(dims(r), [1280, 720, 30, 'none']);
    assert.deepEqual(modeOf(r), [1280, 720, 30]);
    assert.deepEqual(r.format, { kind: 'video', width: 1280, height: 720, frameRate: 30 });
  });
  test('{width: 1280, height: {exact: 600}} crops 1280x600 from a mode at least that large', () => {
    const r = select(CAM, { width: 1280, height: { exact: 600 } });
    assert.deepEqual(dims(r).slice(0, 2), [1280, 600]);
    assert.equal(r.settings.resizeMode, 'crop-and-scale');
    assert.ok(r.config.kind === 'video' && r.config.mode.width >= 1280 && r.config.mode.height >= 600);
    assert.equal(r.settings.aspectRatio, Math.round((1280 / 600) * 1e10) / 1e10);
    assert.deepEqual(r.format, { kind: 'video', width: 1280, height: 600, frameRate: r.settings.frameRate });
  });
  test('{width: {min: 2000}} fails with failedConstraint "width"', () => {
    assert.equal(fails(CAM, { width: { min: 2000 } }), 'width');
  });
  test('ties: no constraints give the default (first) mode, native', () => {
    assert.deepEqual(dims(select(CAM, {})), [640, 480, 30, 'none']);
    const other = camera([vm(1280, 720, 30), vm(640, 480, 30)]);
    assert.deepEqual(dims(select(other, {})), [1280, 720, 30, 'none']);
  });
  test('ties: resizeMode none wins over an equally fit crop-and-scale', () => {
    // 1920 ideal: native 1920x1080 and any crop at width 1920 are both 0 away; native wins, at 30 fps.
    assert.deepEqual(dims(select(CAM, { width: 1920 })), [1920, 1080, 30, 'none']);
  });
  test('the full settings dictionary of a camera', () => {
    const r = select(CAM, {});
    assert.deepEqual(r.settings, {
      width: 640,
      height: 480,
      aspectRatio: 1.3333333333,
      frameRate: 30,
      facingMode: 'user',
      resizeMode: 'none',
      deviceId: 'cam-id',
      groupId: 'group-id',
      backgroundBlur: false,
    });
  });
  test('item 68/G6: bare values are ideal in the basic set and exact in advanced sets', () => {
    // ideal 4000 is out of reach: the widest native mode is the closest.
    assert.deepEqual(dims(select(CAM, { width: 4000 })), [1920, 1080, 30, 'none']);
    // as an advanced set it cannot be satisfied, so it is ignored.
    assert.deepEqual(dims(select(CAM, { advanced: [{ width: 4000 }] })), [640, 480, 30, 'none']);
    // and {width: 1280} in an advanced set is exact.
    assert.equal(select(CAM, { advanced: [{ width: 1280 }] }).settings.width, 1280);
  });
  test('item 70 step 5: an unsatisfiable advanced set is dropped while a later one applies', () => {
    const r = select(CAM, { advanced: [{ width: 1920, height: 1280 }, { height: 720 }] });
    assert.equal(r.settings.height, 720);
    assert.deepEqual(dims(r), [1280, 720, 30, 'none']);
  });
  test('item 70 step 5: advanced sets apply in order; a later conflicting one is dropped', () => {
    const r = select(CAM, { advanced: [{ aspectRatio: 4 / 3 }, { width: 1280, height: 720 }, { frameRate: { min: 50 } }] });
    assert.equal(r.settings.aspectRatio, 1.3333333333);
    assert.equal(r.settings.frameRate! >= 50, true);
    // 4:3 at >= 50 fps exists only as a crop of a 60 fps mode.
    assert.equal(r.settings.resizeMode, 'crop-and-scale');
  });
  test('item 75: facingMode lists are disjunctions', () => {
    assert.equal(select(CAM, { facingMode: { exact: ['environment', 'user'] } }).settings.facingMode, 'user');
    assert.equal(fails(CAM, { facingMode: { exact: ['environment', 'left'] } }), 'facingMode');
    const noFacing = camera([vm(640, 480, 30)], { facingMode: [] });
    assert.equal('facingMode' in select(noFacing, {}).settings, false);
    assert.equal(fails(noFacing, { facingMode: { exact: 'user' } }), 'facingMode');
  });
  test('item 68: an empty list is the same as no constraint', () => {
    assert.deepEqual(dims(select(CAM, { facingMode: { exact: [] }, deviceId: [] })), [640, 480, 30, 'none']);
  });
  test('min/max/exact mixed with ideals', () => {
    // width in [800, 1300] and >= 40 fps; height ideally 700.
    // Natively only 1280x720@60 qualifies (height 20/720 away); a crop to height 700 is 0 away.
    // Among those: the source's own 16:9 is kept (700 * 16/9 = 1244.4 -> 1244 is nearer than 1245),
    // the rate nearest 30 that is allowed is 40, and the cheapest source is 1280x720@60.
    const r = select(CAM, { width: { min: 800, max: 1300 }, height: { ideal: 700 }, frameRate: { min: 40 } });
    assert.deepEqual(dims(r), [1244, 700, 40, 'crop-and-scale']);
    assert.deepEqual(modeOf(r), [1280, 720, 60]);
  });
  test('frame rate decimation: {frameRate: {exact: 15}} runs the default mode at 30 and delivers 15', () => {
    const r = select(CAM, { frameRate: { exact: 15 } });
    assert.deepEqual(dims(r), [640, 480, 15, 'crop-and-scale']);
    assert.deepEqual(modeOf(r), [640, 480, 30]);
    assert.equal(fails(CAM, { frameRate: { min: 61 } }), 'frameRate');
  });
  test('resizeMode "none" vs "crop-and-scale"', () => {
    // ideal none: native 1280 (280/1280 away) beats a crop to 1000 (resizeMode 1 away).
    assert.deepEqual(dims(select(CAM, { resizeMode: 'none', width: 1000 })), [1280, 720, 30, 'none']);
    // exact none: only native modes; none has width 1000, but each constraint alone is satisfiable.
    assert.equal(fails(CAM, { resizeMode: { exact: 'none' }, width: { exact: 1000 } }), '');
    // exact crop-and-scale excludes the native dictionaries, even at native size.
    const r = select(CAM, { resizeMode: { exact: 'crop-and-scale' } });
    assert.deepEqual(dims(r), [640, 480, 30, 'crop-and-scale']);
    assert.deepEqual(modeOf(r), [640, 480, 30]);
    // no upscaling
    assert.equal(fails(camera([vm(640, 480, 30)]), { width: { exact: 641 } }), 'width');
  });
  test('aspectRatio: exact 4:3 at width 1280 needs height 960, cropped from 1920x1080', () => {
    const r = select(CAM, { aspectRatio: { exact: 4 / 3 }, width: { exact: 1280 } });
    assert.deepEqual(dims(r).slice(0, 2), [1280, 960]);
    assert.deepEqual(modeOf(r)!.slice(0, 2), [1920, 1080]);
  });
  test('aspectRatio: an ideal 3:2 is met exactly by integer sizes (largest 3:2 inside the default mode)', () => {
    // 3k x 2k <= 640x480 -> k <= 213 -> 639x426; nearest to 640x480 among exact 3:2 crops of it.
    const r = select(CAM, { aspectRatio: 1.5 });
    assert.deepEqual(dims(r), [639, 426, 30, 'crop-and-scale']);
    assert.equal(r.settings.aspectRatio, 1.5);
    assert.deepEqual(modeOf(r), [640, 480, 30]);
  });
  test('aspectRatio out of reach fails with "aspectRatio"', () => {
    assert.equal(fails(camera([vm(640, 480, 30)]), { aspectRatio: { min: 700 } }), 'aspectRatio');
  });
  test('deviceId / groupId: exact mismatch fails with that name, match succeeds', () => {
    assert.equal(fails(CAM, { deviceId: { exact: 'someone-else' } }), 'deviceId');
    assert.equal(fails(CAM, { groupId: { exact: ['a', 'b'] } }), 'groupId');
    assert.equal(select(CAM, { deviceId: { exact: 'cam-id' }, groupId: 'group-id' }).settings.deviceId, 'cam-id');
    // as an ideal a mismatch is only a distance
    assert.equal(select(CAM, { deviceId: 'someone-else' }).settings.deviceId, 'cam-id');
  });
  test('backgroundBlur follows the capability list', () => {
    assert.equal(select(CAM, {}).settings.backgroundBlur, false);
    assert.equal(fails(CAM, { backgroundBlur: { exact: true } }), 'backgroundBlur');
    assert.equal(select(camera([vm(640, 480, 30)], { backgroundBlur: [true] }), {}).settings.backgroundBlur, true);
  });
  test('rule 2 before rule 3: a required audio constraint on a camera is unsatisfiable', () => {
    assert.equal(fails(CAM, { sampleRate: { exact: 48000 } }), 'sampleRate');
    // an ideal one is ignored
    assert.deepEqual(dims(select(CAM, { sampleRate: 48000 })), [640, 480, 30, 'none']);
  });
  test('unsupported extension constraints are ignored even when required', () => {
    assert.deepEqual(dims(select(CAM, { gestureReactions: { exact: true }, voiceIsolation: { exact: true } })), [640, 480, 30, 'none']);
  });
  test('display-surface constraints are supported: a camera has no such setting, so a required one fails', () => {
    assert.equal(fails(CAM, { displaySurface: { exact: 'monitor' } }), 'displaySurface');
    assert.equal(fails(CAM, { cursor: { exact: 'never' } }), 'cursor');
    // an ideal one only adds the same distance to every settings dictionary
    assert.deepEqual(dims(select(CAM, { cursor: 'never' })), [640, 480, 30, 'none']);
  });
  test('the first unsatisfiable required constraint is reported', () => {
    // height 5000 and width 5000 both fail on their own; WebIDL order puts height first.
    assert.equal(fails(CAM, { width: { exact: 5000 }, height: { exact: 5000 } }), 'height');
  });
  test('a source already running: only its mode, or crops/decimation of it', () => {
    const locked = camera(CAM.descriptor.video!.modes as VideoMode[], { locked: vm(1280, 720, 30) });
    assert.deepEqual(dims(select(locked, {})), [1280, 720, 30, 'none']);
    assert.deepEqual(dims(select(locked, { width: 1920 })), [1280, 720, 30, 'none']);
    // 640 wide keeping 16:9 -> 360 high
    const r = select(locked, { width: { exact: 640 } });
    assert.deepEqual(dims(r), [640, 360, 30, 'crop-and-scale']);
    assert.deepEqual(modeOf(r), [1280, 720, 30]);
    assert.equal(fails(locked, { frameRate: { exact: 60 } }), 'frameRate');
    assert.equal(fails(locked, { height: { min: 1080 } }), 'height');
  });
  test('spec Example 3: 1920x1280 is skipped, 4:3 kept, >= 50 fps kept, so 960x720 cropped from 720p60', () => {
    // Required: width >= 640, height >= 480, frameRate >= 30. Advanced: 1920x1280 is impossible
    // (no 1280-high source), 4:3 is possible, >= 50 fps then only from the 60 fps modes, and
    // >= 40 fps is then already true. Among 4:3 crops of 1280x720@60 / 1920x1080@60 the distance to
    // the ideals 1280x720 is smallest (0.25) for 960x720 (height exact) and for 1280x960 (width
    // exact); the tie goes to the one nearer 640x480: 960x720.
    const r = select(CAM, {
      width: { min: 640, ideal: 1280 },
      height: { min: 480, ideal: 720 },
      frameRate: { min: 30 },
      advanced: [{ width: 1920, height: 1280 }, { aspectRatio: 4 / 3 }, { frameRate: { min: 50 } }, { frameRate: { min: 40 } }],
    });
    assert.deepEqual(dims(r), [960, 720, 50, 'crop-and-scale']);
    assert.deepEqual(modeOf(r), [1280, 720, 60]);
  });
  test('selectSettings does not modify the constraints it is given', () => {
    const c = convertMediaTrackConstraints({ width: { min: 10, ideal: 700 }, facingMode: ['user'], advanced: [{ height: 400 }, {}] }, 't');
    const before = JSON.stringify(c);
    select(CAM, c);
    select(camera(CAM.descriptor.video!.modes as VideoMode[], { locked: vm(1280, 720, 30) }), c);
    assert.equal(JSON.stringify(c), before);
  });
  test('hundreds of advanced sets still give a dictionary meeting the required constraints', () => {
    const advanced = Array.from({ length: 300 }, (_, i) => ({ width: { min: i, max: 2 * i + 100 }, aspectRatio: 1 + i / 300, frameRate: { ideal: i % 60 } }));
    const r = select(CAM, { width: { min: 500, max: 1500 }, aspectRatio: { min: 1.2, ideal: 1.9 }, advanced });
    assert.ok(r.settings.width! >= 500 && r.settings.width! <= 1500);
    assert.ok(r.settings.aspectRatio! >= 1.2);
  });
  test('a device with no modes has nothing to select', () => {
    assert.deepEqual(selectSettings(camera([]), {}), { failedConstraint: '' });
  });
  test('the returned settings are a fresh object each call', () => {
    const a = select(CAM, {});
    const b = select(CAM, {});
    assert.notEqual(a.settings, b.settings);
    a.settings.width = 1;
    assert.equal(select(CAM, {}).settings.width, 640);
  });
});

describe('item 70: SelectSettings on a microphone', () => {
  test('no constraints: default mode, processing on where available', () => {
    const r = select(MIC, {});
    assert.deepEqual(r.settings, {
      sampleRate: 48000,
      sampleSize: 16,
      echoCancellation: true,
      autoGainControl: true,
      noiseSuppression: true,
      latency: 0.01,
      channelCount: 2,
      deviceId: 'mic-id',
      groupId: 'group-id',
    });
    assert.deepEqual(r.config, { kind: 'audio', mode: am(48000, 2) });
    assert.deepEqual(r.format, { kind: 'audio', sampleRate: 48000, channelCount: 2 });
  });
  test('sampleRate and channelCount pick the matching native mode', () => {
    assert.equal(select(MIC, { sampleRate: 44100 }).settings.sampleRate, 44100);
    const mono = select(MIC, { channelCount: { exact: 1 } });
    assert.deepEqual([mono.settings.sampleRate, mono.settings.channelCount, mono.settings.latency], [44100, 1, 0.02]);
    assert.equal(select(MIC, { latency: { max: 0.015 } }).settings.sampleRate, 48000);
    assert.equal(fails(MIC, { sampleRate: { min: 96000 } }), 'sampleRate');
    assert.equal(fails(MIC, { sampleSize: { exact: 24 } }), 'sampleSize');
  });
  test('processing switches follow the capability lists', () => {
    const r = select(MIC, { echoCancellation: false, noiseSuppression: { exact: false } });
    assert.equal(r.settings.echoCancellation, false);
    assert.equal(r.settings.noiseSuppression, false);
    assert.equal(r.settings.autoGainControl, true);
    const fixed = microphone([am(48000, 1)], { ec: [true], agc: [false], ns: [false] });
    assert.equal(fails(fixed, { noiseSuppression: { exact: true } }), 'noiseSuppression');
    assert.equal(fails(fixed, { echoCancellation: { exact: 'all' } }), 'echoCancellation');
    const modes = microphone([am(48000, 1)], { ec: [true, false, 'all', 'remote-only'] });
    assert.equal(select(modes, { echoCancellation: { exact: 'remote-only' } }).settings.echoCancellation, 'remote-only');
  });
  test('a running source can be down-mixed but not re-rated', () => {
    const locked = microphone([am(48000, 2), am(44100, 1)], { locked: am(48000, 2) });
    const r = select(locked, { channelCount: { exact: 1 } });
    assert.deepEqual([r.settings.sampleRate, r.settings.channelCount], [48000, 1]);
    assert.deepEqual(r.config, { kind: 'audio', mode: am(48000, 2) });
    assert.deepEqual(r.format, { kind: 'audio', sampleRate: 48000, channelCount: 1 });
    assert.equal(select(locked, {}).settings.channelCount, 2);
    assert.equal(fails(locked, { sampleRate: { exact: 44100 } }), 'sampleRate');
    assert.equal(fails(locked, { channelCount: { min: 3 } }), 'channelCount');
  });
  test('video constraints on a microphone: ideal ignored, required unsatisfiable', () => {
    assert.equal(select(MIC, { width: 640, facingMode: 'user' }).settings.sampleRate, 48000);
    assert.equal(fails(MIC, { width: { min: 1 } }), 'width');
  });
});

describe('item 75/25: capabilities', () => {
  test('camera: width {min 1, max}, height, aspectRatio, frameRate {min 0, max}, resizeMode has "none"', () => {
    const c = capabilitiesOf(CAM);
    assert.deepEqual(c, {
      width: { min: 1, max: 1920 },
      height: { min: 1, max: 1080 },
      aspectRatio: { min: Math.round((1 / 1080) * 1e10) / 1e10, max: 1920 },
      frameRate: { min: 0, max: 60 },
      facingMode: ['user'],
      resizeMode: ['none', 'crop-and-scale'],
      deviceId: 'cam-id',
      groupId: 'group-id',
      backgroundBlur: [false],
    });
    assert.equal(typeof c.deviceId, 'string');
    assert.ok(c.resizeMode!.includes('none'));
  });
  test('microphone: ranges over the modes and the processing lists', () => {
    assert.deepEqual(capabilitiesOf(MIC), {
      sampleRate: { min: 44100, max: 48000 },
      sampleSize: { min: 16, max: 16 },
      echoCancellation: [true, false],
      autoGainControl: [true, false],
      noiseSuppression: [true, false],
      latency: { min: 0.01, max: 0.02 },
      channelCount: { min: 1, max: 2 },
      deviceId: 'mic-id',
      groupId: 'group-id',
    });
  });
  test('a fresh object each call, not sharing the descriptor lists', () => {
    const a = capabilitiesOf(CAM);
    a.facingMode!.push('left');
    a.width!.max = 1;
    assert.deepEqual(capabilitiesOf(CAM).facingMode, ['user']);
    assert.equal(capabilitiesOf(CAM).width!.max, 1920);
    assert.deepEqual(CAM.descriptor.video!.facingMode, ['user']);
  });
  test('item 76: selected settings lie within the capabilities', () => {
    const caps = capabilitiesOf(CAM);
    for (const c of [{}, { width: 1 }, { aspectRatio: 0.001 }, { frameRate: 0.5 }, { height: 1080, width: 1 }]) {
      const s = select(CAM, c).settings;
      assert.ok(s.width! >= caps.width!.min! && s.width! <= caps.width!.max!);
      assert.ok(s.height! >= caps.height!.min! && s.height! <= caps.height!.max!);
      assert.ok(s.frameRate! >= caps.frameRate!.min! && s.frameRate! <= caps.frameRate!.max!);
      assert.ok(s.aspectRatio! >= caps.aspectRatio!.min! && s.aspectRatio! <= caps.aspectRatio!.max!);
    }
  });
});

describe('items 54/55, G5, G8: constraint-set helpers for getUserMedia', () => {
  test('item 55: the allowed required constraints for device selection', () => {
    assert.deepEqual([...ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION].sort(), [
      'aspectRatio', 'autoGainControl', 'channelCount', 'deviceId', 'echoCancellation', 'facingMode', 'frameRate',
      'groupId', 'height', 'latency', 'noiseSuppression', 'resizeMode', 'sampleRate', 'sampleSize', 'width',
    ]);
    assert.equal(ALLOWED_REQUIRED_CONSTRAINTS_FOR_DEVICE_SELECTION.includes('backgroundBlur'), false);
  });
  test('G5: requiredConstraintNames lists basic members with min/max/exact only', () => {
    const c = convertMediaTrackConstraints(
      {
        width: { min: 1 },
        height: 480,
        backgroundBlur: { exact: true },
        facingMode: { ideal: 'user' },
        deviceId: { exact: [] },
        frameRate: { max: 30, ideal: 10 },
        advanced: [{ sampleRate: { exact: 1 } }],
      },
      'test',
    );
    assert.deepEqual(requiredConstraintNames(c).sort(), ['backgroundBlur', 'frameRate', 'width']);
  });
  test('item 54/G8: filterForKind drops members of the other kind, also inside advanced', () => {
    const c = convertMediaTrackConstraints(
      { width: 640, sampleRate: 48000, deviceId: 'x', voiceIsolation: true, advanced: [{ channelCount: 2, height: 480 }, { groupId: 'g' }] },
      'test',
    );
    assert.deepEqual(filterForKind(c, 'video'), { deviceId: 'x', width: 640, advanced: [{ height: 480 }, { groupId: 'g' }] });
    assert.deepEqual(filterForKind(c, 'audio'), { deviceId: 'x', sampleRate: 48000, voiceIsolation: true, advanced: [{ channelCount: 2 }, { groupId: 'g' }] });
    // fresh, not aliasing the input
    const f = filterForKind(c, 'video');
    f.advanced![0]!.height = 1;
    assert.deepEqual(c.advanced![0], { channelCount: 2, height: 480 });
  });
});

describe('item 27/72: helpers for tracks', () => {
  test('selectSettingsFromList applies the same algorithm to a fixed list', () => {
    const list = [
      { width: 640, height: 480, frameRate: 30 },
      { width: 320, height: 240, frameRate: 30 },
    ];
    const r = selectSettingsFromList(list, convertMediaTrackConstraints({ width: 300 }, 't'), 'video');
    assert.deepEqual(r, { settings: list[1], index: 1 });
    assert.deepEqual(selectSettingsFromList(list, convertMediaTrackConstraints({}, 't'), 'video'), { settings: list[0], index: 0 });
    assert.deepEqual(selectSettingsFromList(list, convertMediaTrackConstraints({ height: { min: 500 } }, 't'), 'video'), {
      failedConstraint: 'height',
    });
  });
  test('item 27: inherentSettings keeps deviceId, facingMode and groupId only', () => {
    const s = select(CAM, {}).settings;
    assert.deepEqual(inherentSettings(s), { deviceId: 'cam-id', facingMode: 'user', groupId: 'group-id' });
    assert.deepEqual(inherentSettings(select(MIC, {}).settings), { deviceId: 'mic-id', groupId: 'group-id' });
  });
});
