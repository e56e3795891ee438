import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { physicalDeviceKey } from '../../../src/sources/v4l2/sysfs.js';
import { describePulseDevices, type PulseDevice } from '../../../src/sources/pulse/pactl.js';
import { V4l2Provider } from '../../../src/sources/v4l2/provider.js';

const CAMERA_INTERFACE = '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0';
const SOUND_CARD = '/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.3/sound/card2';

test('interfaces of one USB device map to that device', () => {
  assert.equal(physicalDeviceKey(CAMERA_INTERFACE), '/devices/pci0000:00/0000:00:14.0/usb1/1-4');
  assert.equal(physicalDeviceKey(SOUND_CARD), '/devices/pci0000:00/0000:00:14.0/usb1/1-4');
  // Behind a hub: the deepest USB device wins.
  assert.equal(physicalDeviceKey('/devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.2/3-1.2:1.0'), '/devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.2');
  // Not on USB: the path itself.
  assert.equal(physicalDeviceKey('/devices/pci0000:00/0000:00:1f.3/sound/card0'), '/devices/pci0000:00/0000:00:1f.3/sound/card0');
  assert.equal(physicalDeviceKey(''), null);
});

test("a webcam's camera and microphone share a group key", async () => {
  const mic: PulseDevice = {
    name: 'alsa_input.usb-Webcam_C920-02.analog-stereo',
    description: 'HD Pro Webcam C920 Analog Stereo',
    sampleFormat: 's16le',
    channels: 2,
    sampleRate: 32000,
    properties: { 'sysfs.path': SOUND_CARD, 'device.bus_path': 'pci-0000:00:14.0-usb-0:4:1.3' },
    monitorOf: null,
  };
  const [micDescriptor] = describePulseDevices({ defaultSource: mic.name, defaultSink: '', sources: [mic], sinks: [] });

  const root = mkdtempSync(join(tmpdir(), 'mc-sysfs-'));
  try {
    // A miniature sysfs: <root>/class/video4linux/video0/device -> <root>/devices/…/1-4:1.0
    const dev = join(root, 'dev');
    const sys = join(root, 'class', 'video4linux');
    const iface = join(root, CAMERA_INTERFACE.slice('/sys'.length));
    mkdirSync(dev);
    mkdirSync(join(sys, 'video0'), { recursive: true });
    mkdirSync(iface, { recursive: true });
    writeFileSync(join(dev, 'video0'), '');
    writeFileSync(join(sys, 'video0', 'name'), 'HD Pro Webcam C920\n');
    symlinkSync(iface, join(sys, 'video0', 'device'));
    const p = new V4l2Provider({ devDir: dev, sysDir: sys, run: async () => '[v4l2 @ 0x1] Raw       :     yuyv422 :  YUYV 4:2:2 : 640x480\n' });
    const [camera] = await p.list();
    assert.equal(micDescriptor!.groupKey, 'hw-group:/devices/pci0000:00/0000:00:14.0/usb1/1-4');
    assert.equal(camera!.groupKey, micDescriptor!.groupKey);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
