/**
 * `import 'mediacapture/polyfill'` installs navigator.mediaDevices and the global classes, keeping
 * any that already exist. The devices are synthetic by default; MEDIACAPTURE_DEVICES chooses others
 * (counts, labels, modes, WAV/Y4M files, or the machine's real devices with "real": true).
 * installPolyfill() is exported for explicit use (e.g. { replace: true } under jsdom).
 */
import { installPolyfill } from './install-polyfill.js';

installPolyfill();

export { installPolyfill };
export type { InstallPolyfillOptions } from './install-polyfill.js';
