/**
 * Which WebRTC engine our RTCPeerConnection runs on. The default, `@roamhq/wrtc`, is an optional
 * peer dependency (a native addon): it is loaded on first use, so installs without it stay free
 * of native code, and constructing RTCPeerConnection without it throws an error naming it.
 */
import type { WebRtcEngine } from './engine.js';
import { createWrtcEngine, WRTC_PACKAGE } from './wrtc.js';
import { packageRequire } from '../../self-url.js';

let current: WebRtcEngine | null = null;
let loadError: unknown = null;


/** Uses `engine` for every RTCPeerConnection constructed from now on. */
export function setWebRtcEngine(engine: WebRtcEngine): void {
  if (typeof engine !== 'object' || engine === null || typeof engine.RTCPeerConnection !== 'function') {
    throw new TypeError('setWebRtcEngine: the engine must be an object with an RTCPeerConnection constructor');
  }
  current = engine;
}

/** Whether an engine is set or the default one can be loaded (without loading it). */
export function isWebRtcEngineAvailable(): boolean {
  if (current) return true;
  try {
    packageRequire.resolve(WRTC_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** The engine, loading the default one on first call; throws NotSupportedError naming the package when absent. */
export function getWebRtcEngine(): WebRtcEngine {
  if (current) return current;
  if (loadError === null) {
    try {
      // A CommonJS addon: require() loads it synchronously, as a constructor needs.
      current = createWrtcEngine(packageRequire(WRTC_PACKAGE));
      return current;
    } catch (error) {
      loadError = error;
    }
  }
  const reason = loadError instanceof Error && (loadError as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' ? ` (loading it failed: ${loadError.message})` : '';
  throw new DOMException(
    `RTCPeerConnection needs a WebRTC engine: install the optional peer dependency ${WRTC_PACKAGE} (npm install ${WRTC_PACKAGE})${reason}`,
    'NotSupportedError',
  );
}

/** Loads the default engine ahead of the first RTCPeerConnection (e.g. to fail early). */
export async function loadWebRtcEngine(): Promise<WebRtcEngine> {
  if (current) return current;
  try {
    const specifier: string = WRTC_PACKAGE;
    const mod = (await import(specifier)) as { default?: unknown };
    current = createWrtcEngine(mod.default ?? mod);
    return current;
  } catch (error) {
    loadError = error;
    return getWebRtcEngine();
  }
}

export type { WebRtcEngine } from './engine.js';
