/** `mediacapture probe`, and the command's errors: unknown devices, options and commands, --help. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, runJson } from './run-cli.js';

interface Probed {
  constraints: MediaStreamConstraints;
  tracks: Array<{ kind: string; label: string; settings: Record<string, unknown>; capabilities: Record<string, unknown> }>;
  error?: { name: string; constraint?: string; message: string };
}

describe('mediacapture probe', () => {
  test('shows the device and settings a constraint set resolves to', async () => {
    const p = await runJson<Probed>(['probe', '--video', '--width', '1280', '--height', '720', '--fps', '25', '--json']);
    assert.deepEqual(p.constraints, { video: { width: { exact: 1280 }, height: { exact: 720 }, frameRate: { exact: 25 } } });
    assert.equal(p.tracks.length, 1);
    const [t] = p.tracks;
    assert.equal(t!.kind, 'video');
    assert.equal(t!.label, 'Synthetic Camera');
    assert.equal(t!.settings['width'], 1280);
    assert.equal(t!.settings['height'], 720);
    assert.equal(t!.settings['frameRate'], 25);
    assert.equal(t!.settings['resizeMode'], 'crop-and-scale', 'the 640x480 camera is scaled to the size asked for');
  });

  test('--constraints takes MediaStreamConstraints; ideal values resolve to the nearest the device has', async () => {
    const p = await runJson<Probed>(['probe', '--constraints', '{"audio": {"channelCount": {"ideal": 2}}, "video": {"width": {"ideal": 5000}}}', '--json']);
    const audio = p.tracks.find((t) => t.kind === 'audio')!;
    const video = p.tracks.find((t) => t.kind === 'video')!;
    assert.equal(audio.settings['channelCount'], 2);
    assert.equal(video.settings['width'], (video.capabilities['width'] as { max: number }).max);
  });

  test('the human output names the device and its settings', async () => {
    const r = await runCli(['probe', '--audio', '--sample-rate', '48000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /audio: Synthetic Microphone \(deviceId [0-9a-f]{64}\)/);
    assert.match(r.stdout, /sampleRate 48000/);
  });

  test('a constraint no device satisfies is named, with exit status 4', async () => {
    for (const [args, constraint] of [
      [['probe', '--video', '--width', '4000'], 'width'],
      [['probe', '--constraints', '{"video": {"frameRate": {"min": 120}}}'], 'frameRate'],
      [['probe', '--audio', '--sample-rate', '8000'], 'sampleRate'],
    ] as const) {
      const r = await runCli(args);
      assert.equal(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`OverconstrainedError \\(constraint '${constraint}'\\)`));
      const j = await runJson<Probed>([...args, '--json'], undefined, 4);
      assert.equal(j.error!.name, 'OverconstrainedError');
      assert.equal(j.error!.constraint, constraint);
    }
  });

  test('record and screenshot name the impossible constraint too', async () => {
    const rec = await runCli(['record', '--video', '--height', '5000', '--duration', '1']);
    assert.equal(rec.code, 4, rec.stderr);
    assert.match(rec.stderr, /constraint 'height'/);
    const shot = await runCli(['screenshot', '--video', '--fps', '500']);
    assert.equal(shot.code, 4, shot.stderr);
    assert.match(shot.stderr, /constraint 'frameRate'/);
  });
});

describe('mediacapture errors and help', () => {
  test('an unknown device is an error listing the devices there are, exit status 3', async () => {
    const r = await runCli(['record', '--audio', 'No Such Mic', '--duration', '1']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /unknown microphone "No Such Mic": the microphones are: "Synthetic Microphone"/);
    const cam = await runCli(['screenshot', '--video', 'nope']);
    assert.equal(cam.code, 3, cam.stderr);
    assert.match(cam.stderr, /unknown camera "nope"/);
  });

  test('a label part shared by several devices is ambiguous', async () => {
    const r = await runCli(['probe', '--video', 'cam', '--devices', '{"cameras": [{"label": "Cam A"}, {"label": "Cam B"}]}']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /matches several cameras: "Cam A", "Cam B"/);
  });

  test('unknown options, bad values and unknown commands are usage errors (exit status 2) naming what was wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['record', '--durration', '3'], /unknown option --durration \(did you mean --duration\?\)/],
      [['devices', '--bogus'], /unknown option --bogus/],
      [['probe', '--width', 'wide'], /--width expects a number, got "wide"/],
      [['probe', '--width', '12.5'], /--width expects a whole number/],
      [['probe', '--constraints', '{"video": '], /--constraints is not valid JSON/],
      [['probe', '--constraints', '{"width": 5}'], /unexpected member "width"/],
      [['probe', '--constraints', '{"video": {"width": {"exact": 640, "min": "x"}, "advanced": 3}}'], /the constraints are not valid/],
      [['probe', '--sample-rate', '48000', '--video'], /--sample-rate is a audio constraint, but no audio is captured/],
      [['record', '--duration'], /--duration needs a value/],
      [['record', 'extra'], /unexpected argument "extra"/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  test('--help describes each command and its options', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    for (const c of ['devices', 'record', 'probe', 'screenshot']) assert.match(top.stdout, new RegExp(`^  ${c}\\s`, 'm'));
    const options: Record<string, string[]> = {
      devices: ['--json', '--real', '--devices'],
      record: ['--audio', '--video', '--duration', '--out', '--format', '--codec', '--virtual-clock', '--constraints', '--width'],
      probe: ['--audio', '--video', '--constraints', '--json'],
      screenshot: ['--video', '--screen', '--out', '--skip'],
    };
    for (const [command, names] of Object.entries(options)) {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0, command);
      assert.match(r.stdout, new RegExp(`^Usage: mediacapture ${command}`));
      for (const name of names) assert.match(r.stdout, new RegExp(`${name}\\b`), `${command} --help lists ${name}`);
    }
    const bare = await runCli([]);
    assert.equal(bare.code, 2, 'no command at all is a usage error');
    assert.match(bare.stdout, /^Usage: mediacapture <command>/);
  });
});
