/**
 * The constrainable properties this library knows: those of mediacapture-main
 * (mediacapture-main#constrainable-properties), which it supports, and the members that
 * Media Capture Extensions and Screen Capture add to MediaTrackConstraintSet. It supports the
 * properties of Screen Capture (displaySurface, logicalSurface, cursor, restrictOwnAudio,
 * suppressLocalAudioPlayback); the others it converts but does not support (fitness distance rule 1 gives them 0).
 */

/** The WebIDL type of the property's MediaTrackConstraintSet member. */
export type ConstraintType = 'ulong' | 'double' | 'boolean' | 'string' | 'booleanOrString';

export interface PropertyInfo {
  readonly name: string;
  readonly type: ConstraintType;
  /** The kind of track the property is defined for. */
  readonly kind: 'audio' | 'video' | 'both';
  /** Whether the UA supports it (listed by getSupportedConstraints, used by fitness distance). */
  readonly supported: boolean;
}

const table: readonly PropertyInfo[] = [
  // mediacapture-main#constrainable-properties
  { name: 'width', type: 'ulong', kind: 'video', supported: true },
  { name: 'height', type: 'ulong', kind: 'video', supported: true },
  { name: 'aspectRatio', type: 'double', kind: 'video', supported: true },
  { name: 'frameRate', type: 'double', kind: 'video', supported: true },
  { name: 'facingMode', type: 'string', kind: 'video', supported: true },
  { name: 'resizeMode', type: 'string', kind: 'video', supported: true },
  { name: 'sampleRate', type: 'ulong', kind: 'audio', supported: true },
  { name: 'sampleSize', type: 'ulong', kind: 'audio', supported: true },
  { name: 'echoCancellation', type: 'booleanOrString', kind: 'audio', supported: true },
  { name: 'autoGainControl', type: 'boolean', kind: 'audio', supported: true },
  { name: 'noiseSuppression', type: 'boolean', kind: 'audio', supported: true },
  { name: 'latency', type: 'double', kind: 'audio', supported: true },
  { name: 'channelCount', type: 'ulong', kind: 'audio', supported: true },
  { name: 'deviceId', type: 'string', kind: 'both', supported: true },
  { name: 'groupId', type: 'string', kind: 'both', supported: true },
  { name: 'backgroundBlur', type: 'boolean', kind: 'video', supported: true },
  // mediacapture-extensions (idl/mediacapture-extensions.idl)
  { name: 'gestureReactions', type: 'boolean', kind: 'video', supported: false },
  { name: 'faceFraming', type: 'boolean', kind: 'video', supported: false },
  { name: 'eyeGazeCorrection', type: 'boolean', kind: 'video', supported: false },
  { name: 'voiceIsolation', type: 'boolean', kind: 'audio', supported: false },
  { name: 'humanFaceDetectionMode', type: 'string', kind: 'video', supported: false },
  { name: 'backgroundSegmentationMask', type: 'boolean', kind: 'video', supported: false },
  // screen-capture (idl/screen-capture.idl): display tracks (and the audio shared with them) have these settings.
  { name: 'displaySurface', type: 'string', kind: 'video', supported: true },
  { name: 'logicalSurface', type: 'boolean', kind: 'video', supported: true },
  { name: 'cursor', type: 'string', kind: 'video', supported: true },
  { name: 'restrictOwnAudio', type: 'boolean', kind: 'audio', supported: true },
  { name: 'suppressLocalAudioPlayback', type: 'boolean', kind: 'audio', supported: true },
];

export const PROPERTIES: ReadonlyMap<string, PropertyInfo> = new Map(table.map((p) => [p.name, p]));

/**
 * MediaTrackConstraintSet member names in WebIDL dictionary order: members of a dictionary and
 * its partial dictionaries together, sorted by code units (WebIDL "dictionary members" ordering).
 */
export const CONSTRAINT_SET_MEMBERS: readonly string[] = table.map((p) => p.name).sort();

/** Names whose support getSupportedConstraints() reports (checklist item 78). */
export const SUPPORTED_NAMES: readonly string[] = table.filter((p) => p.supported).map((p) => p.name);

/** The inherent properties, kept by getSettings() after the track ends (M#list-of-inherent-constrainable-track-properties). */
export const INHERENT_PROPERTIES: readonly string[] = ['deviceId', 'facingMode', 'groupId'];

export function isSupported(name: string): boolean {
  return PROPERTIES.get(name)?.supported === true;
}

export function appliesTo(name: string, kind: 'audio' | 'video'): boolean {
  const p = PROPERTIES.get(name);
  return p !== undefined && (p.kind === 'both' || p.kind === kind);
}
