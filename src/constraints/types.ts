/**
 * TypeScript shapes of the constraint dictionaries of Media Capture and Streams
 * (idl/mediacapture-streams.idl), with the partial-dictionary members of Media Capture
 * Extensions (idl/mediacapture-extensions.idl) and Screen Capture (idl/screen-capture.idl).
 * Values of these types are always the output of WebIDL conversion (convert.ts): plain objects
 * holding only present members, numbers already clamped / checked, strings already strings.
 */

/** mediacapture-main#dictionary-ulongrange-members */
export interface ULongRange {
  max?: number;
  min?: number;
}

/** mediacapture-main#dictionary-doublerange-members */
export interface DoubleRange {
  max?: number;
  min?: number;
}

/** mediacapture-main#dictionary-constrainulongrange-members */
export interface ConstrainULongRange extends ULongRange {
  exact?: number;
  ideal?: number;
}

/** mediacapture-main#dictionary-constraindoublerange-members */
export interface ConstrainDoubleRange extends DoubleRange {
  exact?: number;
  ideal?: number;
}

/** mediacapture-main#dictionary-constrainbooleanparameters-members */
export interface ConstrainBooleanParameters {
  exact?: boolean;
  ideal?: boolean;
}

/** mediacapture-main#dictionary-constraindomstringparameters-members */
export interface ConstrainDOMStringParameters {
  exact?: string | string[];
  ideal?: string | string[];
}

/** mediacapture-main#dictionary-constrainbooleanordomstringparameters-members */
export interface ConstrainBooleanOrDOMStringParameters {
  exact?: boolean | string;
  ideal?: boolean | string;
}

/** mediacapture-main#dom-constrainulong */
export type ConstrainULong = number | ConstrainULongRange;
/** mediacapture-main#dom-constraindouble */
export type ConstrainDouble = number | ConstrainDoubleRange;
/** mediacapture-main#dom-constrainboolean */
export type ConstrainBoolean = boolean | ConstrainBooleanParameters;
/** mediacapture-main#dom-constraindomstring */
export type ConstrainDOMString = string | string[] | ConstrainDOMStringParameters;
/** mediacapture-main#dom-constrainbooleanordomstring */
export type ConstrainBooleanOrDOMString = boolean | string | ConstrainBooleanOrDOMStringParameters;

/** mediacapture-main#media-track-supported-constraints (+ extension and screen-capture members) */
export interface MediaTrackSupportedConstraints {
  width?: boolean;
  height?: boolean;
  aspectRatio?: boolean;
  frameRate?: boolean;
  facingMode?: boolean;
  resizeMode?: boolean;
  sampleRate?: boolean;
  sampleSize?: boolean;
  echoCancellation?: boolean;
  autoGainControl?: boolean;
  noiseSuppression?: boolean;
  latency?: boolean;
  channelCount?: boolean;
  deviceId?: boolean;
  groupId?: boolean;
  backgroundBlur?: boolean;
  powerEfficient?: boolean;
  powerEfficientPixelFormat?: boolean;
  gestureReactions?: boolean;
  faceFraming?: boolean;
  eyeGazeCorrection?: boolean;
  voiceIsolation?: boolean;
  humanFaceDetectionMode?: boolean;
  backgroundSegmentationMask?: boolean;
  displaySurface?: boolean;
  logicalSurface?: boolean;
  cursor?: boolean;
  restrictOwnAudio?: boolean;
  suppressLocalAudioPlayback?: boolean;
}

/** mediacapture-main#media-track-capabilities (+ extension and screen-capture members) */
export interface MediaTrackCapabilities {
  width?: ULongRange;
  height?: ULongRange;
  aspectRatio?: DoubleRange;
  frameRate?: DoubleRange;
  facingMode?: string[];
  resizeMode?: string[];
  sampleRate?: ULongRange;
  sampleSize?: ULongRange;
  echoCancellation?: (boolean | string)[];
  autoGainControl?: boolean[];
  noiseSuppression?: boolean[];
  latency?: DoubleRange;
  channelCount?: ULongRange;
  deviceId?: string;
  groupId?: string;
  backgroundBlur?: boolean[];
  powerEfficient?: boolean[];
  powerEfficientPixelFormat?: boolean[];
  gestureReactions?: boolean[];
  faceFraming?: boolean[];
  eyeGazeCorrection?: boolean[];
  voiceIsolation?: boolean[];
  humanFaceDetectionMode?: string[];
  backgroundSegmentationMask?: boolean[];
  displaySurface?: string;
  logicalSurface?: boolean;
  cursor?: string[];
}

/** mediacapture-main#dom-mediatrackconstraintset (+ extension and screen-capture members) */
export interface MediaTrackConstraintSet {
  width?: ConstrainULong;
  height?: ConstrainULong;
  aspectRatio?: ConstrainDouble;
  frameRate?: ConstrainDouble;
  facingMode?: ConstrainDOMString;
  resizeMode?: ConstrainDOMString;
  sampleRate?: ConstrainULong;
  sampleSize?: ConstrainULong;
  echoCancellation?: ConstrainBooleanOrDOMString;
  autoGainControl?: ConstrainBoolean;
  noiseSuppression?: ConstrainBoolean;
  latency?: ConstrainDouble;
  channelCount?: ConstrainULong;
  deviceId?: ConstrainDOMString;
  groupId?: ConstrainDOMString;
  backgroundBlur?: ConstrainBoolean;
  gestureReactions?: ConstrainBoolean;
  faceFraming?: ConstrainBoolean;
  eyeGazeCorrection?: ConstrainBoolean;
  voiceIsolation?: ConstrainBoolean;
  humanFaceDetectionMode?: ConstrainDOMString;
  backgroundSegmentationMask?: ConstrainBoolean;
  displaySurface?: ConstrainDOMString;
  logicalSurface?: ConstrainBoolean;
  cursor?: ConstrainDOMString;
  restrictOwnAudio?: ConstrainBoolean;
  suppressLocalAudioPlayback?: ConstrainBoolean;
}

/** mediacapture-main#media-track-constraints */
export interface MediaTrackConstraints extends MediaTrackConstraintSet {
  advanced?: MediaTrackConstraintSet[];
}

/** mediacapture-main#media-track-settings (+ extension and screen-capture members) */
export interface MediaTrackSettings {
  width?: number;
  height?: number;
  aspectRatio?: number;
  frameRate?: number;
  facingMode?: string;
  resizeMode?: string;
  sampleRate?: number;
  sampleSize?: number;
  echoCancellation?: boolean | string;
  autoGainControl?: boolean;
  noiseSuppression?: boolean;
  latency?: number;
  channelCount?: number;
  deviceId?: string;
  groupId?: string;
  backgroundBlur?: boolean;
  powerEfficient?: boolean;
  powerEfficientPixelFormat?: boolean;
  gestureReactions?: boolean;
  faceFraming?: boolean;
  eyeGazeCorrection?: boolean;
  voiceIsolation?: boolean;
  humanFaceDetectionMode?: string;
  backgroundSegmentationMask?: boolean;
  displaySurface?: string;
  logicalSurface?: boolean;
  cursor?: string;
  restrictOwnAudio?: boolean;
  suppressLocalAudioPlayback?: boolean;
  screenPixelRatio?: number;
}

/** mediacapture-main#mediastreamconstraints */
export interface MediaStreamConstraints {
  video?: boolean | MediaTrackConstraints;
  audio?: boolean | MediaTrackConstraints;
}

/*
 * What getSettings(), getCapabilities() and getConstraints() are declared to return. The
 * extension spec lets echoCancellation be a mode string ("all", "remote-only") as well as a
 * boolean; TypeScript's lib.dom still types it boolean-only. These views keep lib.dom's boolean
 * so that our MediaStreamTrack (and everything holding tracks: MediaStream, MediaDevices, events)
 * stays assignable to lib.dom's. Inputs (getUserMedia, applyConstraints) accept the wider form.
 * A device configured with mode strings does report them at run time; read such values with a cast.
 */
/** getSettings(): MediaTrackSettings with lib.dom's echoCancellation. */
export interface ReportedMediaTrackSettings extends Omit<MediaTrackSettings, 'echoCancellation'> {
  echoCancellation?: boolean;
}
/** getCapabilities(): MediaTrackCapabilities with lib.dom's echoCancellation. */
export interface ReportedMediaTrackCapabilities extends Omit<MediaTrackCapabilities, 'echoCancellation'> {
  echoCancellation?: boolean[];
}
/** A constraint set of getConstraints(), with lib.dom's echoCancellation. */
export interface ReportedMediaTrackConstraintSet extends Omit<MediaTrackConstraintSet, 'echoCancellation'> {
  echoCancellation?: ConstrainBoolean;
}
/** getConstraints(): MediaTrackConstraints with lib.dom's echoCancellation. */
export interface ReportedMediaTrackConstraints extends ReportedMediaTrackConstraintSet {
  advanced?: ReportedMediaTrackConstraintSet[];
}
