import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ffmpegCaptureArguments, parseV4l2Formats, v4l2Modes } from '../../../src/sources/v4l2/formats.js';

// A typical UVC webcam, as ffmpeg 6 prints it (stderr).
const WEBCAM = `[video4linux2,v4l2 @ 0x5600c1d2a480] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 160x120 320x240 1280x720
[video4linux2,v4l2 @ 0x5600c1d2a480] Compressed:       mjpeg :          Motion-JPEG : 1920x1080 1280x720 640x480
/dev/video0: Immediate exit requested
`;

// A driver with stepwise sizes and a libv4l-emulated format.
const STEPWISE = `[video4linux2,v4l2 @ 0x55f0] Raw       :        nv12 :           Y/UV 4:2:0 : {32-1920, 2}x{32-1088, 2}
[video4linux2,v4l2 @ 0x55f0] Raw       :     yuv420p :     Planar YUV 4:2:0 : Emulated : {32-1920, 2}x{32-1088, 2}
[video4linux2,v4l2 @ 0x55f0] Compressed: Unsupported :             HEVC-ish : 640x480
`;

test('parses raw and compressed format lines with their discrete sizes', () => {
  const formats = parseV4l2Formats(WEBCAM);
  assert.equal(formats.length, 2);
  assert.deepEqual(formats[0], {
    compressed: false,
    name: 'yuyv422',
    description: 'YUYV 4:2:2',
    emulated: false,
    sizes: [
      { width: 640, height: 480 },
      { width: 160, height: 120 },
      { width: 320, height: 240 },
      { width: 1280, height: 720 },
    ],
    ranges: [],
  });
  assert.equal(formats[1]!.compressed, true);
  assert.equal(formats[1]!.name, 'mjpeg');
  assert.equal(formats[1]!.description, 'Motion-JPEG');
  assert.deepEqual(formats[1]!.sizes.map((s) => `${s.width}x${s.height}`), ['1920x1080', '1280x720', '640x480']);
});

test('parses stepwise ranges and the Emulated marker', () => {
  const formats = parseV4l2Formats(STEPWISE);
  assert.equal(formats.length, 3);
  assert.deepEqual(formats[0]!.ranges, [{ minWidth: 32, maxWidth: 1920, stepWidth: 2, minHeight: 32, maxHeight: 1088, stepHeight: 2 }]);
  assert.equal(formats[0]!.emulated, false);
  assert.equal(formats[1]!.emulated, true);
  assert.equal(formats[1]!.description, 'Planar YUV 4:2:0');
  assert.equal(formats[2]!.name, 'Unsupported');
});

test('text that is not a format report gives no formats', () => {
  assert.deepEqual(parseV4l2Formats('[video4linux2,v4l2 @ 0x1] Not a video capture device.\n/dev/video1: No such device\n'), []);
  assert.deepEqual(parseV4l2Formats(''), []);
});

test('modes: each size once, raw preferred, 640x480 first, then largest first', () => {
  const modes = v4l2Modes(parseV4l2Formats(WEBCAM));
  assert.deepEqual(
    modes.map((m) => `${m.width}x${m.height}@${m.frameRate}/${m.inputFormat}`),
    ['640x480@30/yuyv422', '1920x1080@30/mjpeg', '1280x720@30/yuyv422', '320x240@30/yuyv422', '160x120@30/yuyv422'],
  );
});

test('modes from a stepwise range are the common sizes inside it; unsupported formats give none', () => {
  const modes = v4l2Modes(parseV4l2Formats(STEPWISE), 25);
  // Every common size is within 32..1920 x 32..1088 on the even grid.
  assert.deepEqual(
    modes.map((m) => `${m.width}x${m.height}@${m.frameRate}/${m.inputFormat}`),
    ['640x480@25/nv12', '1920x1080@25/nv12', '1280x720@25/nv12', '800x600@25/nv12', '320x240@25/nv12', '160x120@25/nv12'],
  );
  assert.deepEqual(v4l2Modes(parseV4l2Formats('[x @ 0x1] Compressed: Unsupported :   Foo : 640x480\n')), []);
});

test('a range whose step excludes a size does not offer it', () => {
  const modes = v4l2Modes(parseV4l2Formats('[x @ 0x1] Raw       :     yuyv422 :   YUYV 4:2:2 : {100-2000, 300}x{100-2000, 20}\n'));
  // Widths 100, 400, 700, 1000, 1300, 1600, 1900: none of the common widths (640, 320, 1280, 1920, 800, 160).
  assert.deepEqual(modes, []);
});

test('capture arguments ask ffmpeg for raw I420 of the chosen mode on stdout', () => {
  const args = ffmpegCaptureArguments('/dev/video2', { width: 1280, height: 720, frameRate: 30, inputFormat: 'mjpeg' });
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(at('-f'), 'v4l2');
  assert.equal(at('-input_format'), 'mjpeg');
  assert.equal(at('-video_size'), '1280x720');
  assert.equal(at('-framerate'), '30');
  assert.equal(at('-i'), '/dev/video2');
  assert.equal(at('-pix_fmt'), 'yuv420p');
  assert.equal(args.at(-1), 'pipe:1');
});
