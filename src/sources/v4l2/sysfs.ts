/**
 * Linux sysfs paths name where a device sits on its bus. A USB webcam's camera (video4linux) and
 * its microphone (sound card) are different interfaces of one USB device, so the USB device's own
 * directory ("…/usb1/1-1") identifies the physical device both belong to.
 */

/** USB device directories are named <bus>-<port>[.<port>…]; interfaces add ":<config>.<interface>". */
const USB_DEVICE = /^\d+-\d+(\.\d+)*$/;

/**
 * A key for the physical device behind a sysfs path: the path up to its deepest USB device
 * directory, or the whole path (without the /sys prefix) when it is not on USB. Null for "".
 */
export function physicalDeviceKey(sysfsPath: string): string | null {
  const parts = sysfsPath.replace(/^\/sys(?=\/)/, '').split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (USB_DEVICE.test(parts[i]!)) return '/' + parts.slice(0, i + 1).join('/');
  }
  return '/' + parts.join('/');
}
