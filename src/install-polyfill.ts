/**
 * Installs navigator.mediaDevices and the global interface objects (MediaStream, MediaStreamTrack,
 * ...) so code written for browsers runs unchanged. Which existing globals are replaced is chosen by
 * `replace`: by default ('dom') the partial media classes a DOM implementation (jsdom, happy-dom)
 * put there give way to ours, so one coherent set of classes is in use, while globals defined by
 * anyone else (the test's own setup, another library) stay.
 */
import { availableParallelism } from 'node:os';
import { MediaStream } from './stream/media-stream.js';
import { MediaStreamTrack } from './stream/media-stream-track.js';
import { MediaStreamTrackEvent } from './stream/media-stream-track-event.js';
import { OverconstrainedError } from './errors/overconstrained-error.js';
import { MediaDevices } from './devices/media-devices.js';
import { MediaDeviceInfo } from './devices/media-device-info.js';
import { InputDeviceInfo } from './devices/input-device-info.js';
import { DeviceChangeEvent } from './devices/device-change-event.js';
import { createMediaDevices, type CreateMediaDevicesOptions, type MediaDevicesHandle } from './devices/create-media-devices.js';
import { AudioData } from './media/audio-data.js';
import { VideoFrame } from './media/video-frame.js';
import { VideoColorSpace } from './media/video-color-space.js';
import { MediaStreamTrackProcessor } from './transform/media-stream-track-processor.js';
import { VideoTrackGenerator } from './transform/video-track-generator.js';
import { MediaStreamTrackGenerator } from './transform/media-stream-track-generator.js';
import * as webaudio from './webaudio/index.js';
import { installElements } from './elements/install.js';
import { MediaRecorder } from './recording/media-recorder.js';
import { BlobEvent } from './recording/blob-event.js';
import { CaptureController } from './devices/capture-controller.js';
import * as webrtc from './webrtc/index.js';

export interface InstallPolyfillOptions extends CreateMediaDevicesOptions {
  /**
   * Which existing globals to replace: 'dom' (the default) replaces the media classes a DOM
   * implementation (jsdom, happy-dom) provides and keeps every other existing global; true
   * replaces all of them (and navigator.mediaDevices); false keeps all of them.
   */
  replace?: boolean | 'dom';
}

/** Every option name installPolyfill takes; others are a TypeError rather than silently ignored. */
const OPTION_NAMES: readonly string[] = [
  'replace',
  'devices',
  'providers',
  'real',
  'permissions',
  'origin',
  'deviceIdKey',
  'clock',
  'display',
  'document',
] satisfies readonly (keyof InstallPolyfillOptions)[];

/**
 * The globals of our interface set that jsdom and happy-dom define themselves. Theirs are partial
 * (a MediaStream that our AudioContext cannot read, events without our internals), so by default
 * ours replace them. Element classes are not listed: installElements() patches those in place.
 */
const DOM_PROVIDED: Record<'jsdom' | 'happy-dom', ReadonlySet<string>> = {
  jsdom: new Set(['BlobEvent']),
  'happy-dom': new Set([
    'MediaStream',
    'MediaStreamTrack',
    'MediaStreamTrackEvent',
    'OverconstrainedError',
    'BlobEvent',
    'AudioProcessingEvent',
    'OfflineAudioCompletionEvent',
    'RTCDataChannelEvent',
    'RTCPeerConnectionIceEvent',
  ]),
};

/** Which DOM implementation the global object comes from (as set up by jest, vitest or by hand). */
function detectDom(): 'jsdom' | 'happy-dom' | null {
  const g = globalThis as Record<string, unknown>;
  if (g.happyDOM !== undefined) return 'happy-dom';
  const nav = g.navigator as { userAgent?: unknown } | undefined;
  const ua = typeof nav?.userAgent === 'string' ? nav.userAgent : '';
  if (/HappyDOM/.test(ua)) return 'happy-dom';
  if (/jsdom/.test(ua)) return 'jsdom';
  return null;
}

function checkOptions(options: unknown): asserts options is InstallPolyfillOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('installPolyfill: options must be an object');
  const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
  if (unknown.length) {
    throw new TypeError(`installPolyfill: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);
  }
  const { replace } = options as { replace?: unknown };
  if (replace !== undefined && typeof replace !== 'boolean' && replace !== 'dom') {
    throw new TypeError(`installPolyfill: replace must be true, false or 'dom' (got ${String(replace)})`);
  }
}

const INTERFACES: Record<string, unknown> = {
  MediaStream,
  MediaStreamTrack,
  MediaStreamTrackEvent,
  OverconstrainedError,
  MediaDevices,
  MediaDeviceInfo,
  InputDeviceInfo,
  DeviceChangeEvent,
  AudioData,
  VideoFrame,
  VideoColorSpace,
  MediaStreamTrackProcessor,
  VideoTrackGenerator,
  MediaStreamTrackGenerator,
  MediaRecorder,
  BlobEvent,
  CaptureController,
  // Every Web Audio interface object (AudioContext, OfflineAudioContext, the nodes, AudioParam...).
  ...Object.fromEntries(Object.entries(webaudio).filter(([, v]) => typeof v === 'function')),
};

let installed: MediaDevicesHandle | null = null;

/**
 * Installs the globals; returns the handle of the MediaDevices behind navigator.mediaDevices (an
 * existing one when nothing was replaced and it is ours). navigator.mediaDevices is installed
 * only where it is missing, unless `replace`.
 */
export function installPolyfill(options: InstallPolyfillOptions = {}): MediaDevicesHandle {
  checkOptions(options);
  const { replace = 'dom', ...factoryOptions } = options;
  const g = globalThis as Record<string, unknown>;
  const dom = detectDom();
  const replaces = (name: string): boolean => replace === true || (replace === 'dom' && dom !== null && DOM_PROVIDED[dom].has(name));
  for (const [name, value] of Object.entries(INTERFACES)) {
    if (g[name] !== undefined && !replaces(name)) continue;
    // Interface objects are writable, configurable and not enumerable (WebIDL).
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  // Media elements and canvas capture: a DOM's own classes are patched, else standalone ones are added.
  installElements();
  // WebRTC, when an engine is installed (an optional peer dependency, loaded on first use).
  if (webrtc.isWebRtcEngineAvailable()) installWebRtc(replaces, replace === true);

  let navigator = g.navigator as Record<string, unknown> | undefined;
  if (navigator === undefined || navigator === null) {
    // Node 20 has no navigator. Node >= 21 has one behind a getter on globalThis; assigning to it
    // throws, so everything here goes through defineProperty.
    // The members Node >= 21 has, so code that reads them keeps working on Node 20.
    navigator = {} as Record<string, unknown>;
    const os = process.platform;
    const members: Record<string, unknown> = {
      hardwareConcurrency: availableParallelism(),
      language: 'en-US',
      languages: Object.freeze(['en-US']),
      platform: os === 'darwin' ? 'MacIntel' : os === 'win32' ? 'Win32' : os === 'linux' ? `Linux ${process.arch === 'x64' ? 'x86_64' : process.arch}` : os,
      userAgent: `Node.js/${process.versions.node.split('.')[0]}`,
    };
    for (const [k, v] of Object.entries(members)) Object.defineProperty(navigator, k, { value: v, enumerable: true, configurable: true });
    Object.defineProperty(navigator, Symbol.toStringTag, { value: 'Navigator', configurable: true });
    Object.defineProperty(globalThis, 'navigator', { value: navigator, writable: true, configurable: true, enumerable: true });
  }
  const existing = navigator.mediaDevices;
  if (existing !== undefined && replace !== true) {
    if (installed && existing === installed.mediaDevices) return installed;
    // Someone else's mediaDevices stays; give the caller a working handle anyway.
    return createMediaDevices(factoryOptions);
  }
  const previous = installed;
  const handle = createMediaDevices(factoryOptions);
  const mediaDevices = handle.mediaDevices;
  // [SameObject] readonly attribute: a getter that always returns this MediaDevices.
  Object.defineProperty(navigator, 'mediaDevices', { get: () => mediaDevices, configurable: true, enumerable: true });
  installed = handle;
  if (previous && previous !== handle) previous.controller.unload();
  return handle;
}

const WEBRTC_INTERFACES: Record<string, unknown> = {
  RTCPeerConnection: webrtc.RTCPeerConnection,
  RTCRtpSender: webrtc.RTCRtpSender,
  RTCRtpReceiver: webrtc.RTCRtpReceiver,
  RTCRtpTransceiver: webrtc.RTCRtpTransceiver,
  RTCTrackEvent: webrtc.RTCTrackEvent,
  RTCPeerConnectionIceEvent: webrtc.RTCPeerConnectionIceEvent,
  RTCPeerConnectionIceErrorEvent: webrtc.RTCPeerConnectionIceErrorEvent,
  RTCDataChannelEvent: webrtc.RTCDataChannelEvent,
};

/** The engine's own classes, installed as globals that load the engine when first read. */
const ENGINE_INTERFACES = ['RTCSessionDescription', 'RTCIceCandidate', 'RTCDataChannel', 'RTCDtlsTransport', 'RTCIceTransport', 'RTCSctpTransport'] as const;

function installWebRtc(replaces: (name: string) => boolean, replace: boolean): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(WEBRTC_INTERFACES)) {
    if (g[name] !== undefined && !replaces(name)) continue;
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  for (const name of ENGINE_INTERFACES) {
    if (!replace && Object.getOwnPropertyDescriptor(globalThis, name) !== undefined) continue;
    const define = (value: unknown): void => {
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
    };
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() {
        const native: unknown = webrtc.getWebRtcEngine().interfaces[name];
        define(native);
        return native;
      },
      set(value: unknown) {
        define(value);
      },
    });
  }
}
