/**
 * `import 'mediacapture/polyfill'` installs navigator.mediaDevices and the global classes, keeping
 * any that already exist. The devices are synthetic (MEDIACAPTURE_DEVICES configures them).
 * installPolyfill() is exported for explicit use (e.g. { replace: true } under jsdom).
 */
import { installPolyfill } from './devices/install-globals.js';

installPolyfill();

export { installPolyfill };
export type { InstallPolyfillOptions } from './devices/install-globals.js';
