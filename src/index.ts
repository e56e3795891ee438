export { MediaStream } from './stream/media-stream.js';
export { MediaStreamTrack } from './stream/media-stream-track.js';
export type { MediaStreamTrackState } from './stream/media-stream-track.js';
export { MediaStreamTrackEvent } from './stream/media-stream-track-event.js';
export type { MediaStreamTrackEventInit } from './stream/media-stream-track-event.js';
export { OverconstrainedError } from './errors/overconstrained-error.js';
export type {
  MediaTrackConstraints,
  MediaTrackConstraintSet,
  MediaTrackSettings,
  MediaTrackCapabilities,
  MediaTrackSupportedConstraints,
  MediaStreamConstraints,
  ReportedMediaTrackSettings,
  ReportedMediaTrackCapabilities,
  ReportedMediaTrackConstraints,
  ReportedMediaTrackConstraintSet,
  ULongRange,
  DoubleRange,
  ConstrainULongRange,
  ConstrainDoubleRange,
  ConstrainBooleanParameters,
  ConstrainDOMStringParameters,
  ConstrainBooleanOrDOMStringParameters,
  ConstrainULong,
  ConstrainDouble,
  ConstrainBoolean,
  ConstrainDOMString,
  ConstrainBooleanOrDOMString,
} from './constraints/types.js';
export { MediaDevices } from './devices/media-devices.js';
export { MediaDeviceInfo } from './devices/media-device-info.js';
export type { MediaDeviceKind } from './devices/media-device-info.js';
export { InputDeviceInfo } from './devices/input-device-info.js';
export { DeviceChangeEvent } from './devices/device-change-event.js';
export type { DeviceChangeEventInit } from './devices/device-change-event.js';
export { createMediaDevices } from './devices/create-media-devices.js';
export type { CreateMediaDevicesOptions, MediaDevicesController, MediaDevicesHandle } from './devices/create-media-devices.js';
export { PermissionController } from './permissions/permission-controller.js';
export type { PermissionState, CapturePermissionName, PermissionsInit, PermissionPrompt, PromptHandler } from './permissions/permission-controller.js';
export { SyntheticProvider, createSyntheticProvider } from './sources/synthetic/provider.js';
export type { SyntheticPlugConfig } from './sources/synthetic/provider.js';
export type { SyntheticDevicesConfig, SyntheticMicrophoneConfig, SyntheticCameraConfig, SyntheticSpeakerConfig } from './sources/synthetic/config.js';
export { DeviceOpenError } from './sources/types.js';
export type { DeviceProvider, DeviceDescriptor, EngineSource, SourceConfig, TrackFormat } from './sources/types.js';
export { RealClock, VirtualClock } from './media/clock.js';
export type { Clock } from './media/clock.js';
export { installPolyfill } from './install-polyfill.js';
export type { InstallPolyfillOptions } from './install-polyfill.js';
export type { MediaDevicesConfig } from './devices/create-media-devices.js';

// Frames (WebCodecs shapes) and frame streams (mediacapture-transform).
export { AudioData } from './media/audio-data.js';
export { VideoFrame } from './media/video-frame.js';
export { VideoColorSpace } from './media/video-color-space.js';
export { MediaStreamTrackProcessor } from './transform/media-stream-track-processor.js';
export type { MediaStreamTrackProcessorInit } from './transform/media-stream-track-processor.js';
export { VideoTrackGenerator } from './transform/video-track-generator.js';
export { MediaStreamTrackGenerator } from './transform/media-stream-track-generator.js';

// Node stream interop.
export { trackToReadable, trackFromReadable, TrackReadable } from './interop/index.js';
export type { AudioReadableOptions, VideoReadableOptions, AudioFromReadableOptions, VideoFromReadableOptions } from './interop/index.js';

// Device providers beyond the synthetic one.
export { FileProvider } from './sources/file/provider.js';
export { PulseProvider } from './sources/pulse/provider.js';
export { V4l2Provider } from './sources/v4l2/provider.js';

// Screen capture (getDisplayMedia is on MediaDevices).
export { CaptureController } from './devices/capture-controller.js';
export type { CaptureStartFocusBehavior } from './devices/capture-controller.js';
export type { DisplayMediaStreamOptions } from './devices/get-display-media.js';
export { SyntheticDisplayProvider, createDisplayProviders } from './sources/display/provider.js';
export type { DisplayConfig } from './sources/display/provider.js';
export { X11DisplayProvider } from './sources/display/x11.js';
export type { X11ProviderOptions } from './sources/display/x11.js';
export type { DisplayProvider, DisplaySurfaceDescriptor, DisplayEngineSource, DisplaySurfaceType, CursorMode } from './sources/display/types.js';
export * from './webaudio/index.js';
export * from './elements/index.js';
export * from './recording/index.js';

// Image and raw-video files: PNG stills and YUV4MPEG2 (Y4M) streams, for snapshots, fixtures and
// raw frame dumps (the mediacapture command writes both through these).
export { encodePng, decodePng, PngFormatError } from './media/codecs/png.js';
export type { DecodedPng } from './media/codecs/png.js';
export { Y4mWriter, Y4mFileWriter, Y4mReader, Y4mFileReader, Y4mFormatError } from './media/codecs/y4m.js';
export type { Y4mHeader, Y4mFrame, Y4mColorspace, Y4mInterlace } from './media/codecs/y4m.js';
export * from './webrtc/index.js';
