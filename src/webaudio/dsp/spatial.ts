// PannerNode geometry and gains: azimuth/elevation, distance models, sound cones, equal-power
// panning. webaudio#Spatialization. Plain numbers in, numbers out: no allocation.

export const enum DistanceModel {
  Linear = 0,
  Inverse = 1,
  Exponential = 2,
}

/** The panner-side scalars the gains depend on (attributes, not AudioParams). */
export interface SpatialSettings {
  distanceModel: DistanceModel;
  refDistance: number;
  maxDistance: number;
  rolloffFactor: number;
  coneInnerAngle: number;
  coneOuterAngle: number;
  coneOuterGain: number;
}

/**
 * One frame's positions and orientations: the panner's (px..pz, ox..oz) and the listener's
 * (lx..lz position, fx..fz forward, ux..uz up). Results land in `azimuth`, `elevation`,
 * `distance`; `updateGain()` reads them.
 */
/** Slots of SpatialFrame.v (a typed array, so per-frame stores never box a double). */
export const F_PX = 0;
export const F_PY = 1;
export const F_PZ = 2;
export const F_OX = 3;
export const F_OY = 4;
export const F_OZ = 5;
export const F_LX = 6;
export const F_LY = 7;
export const F_LZ = 8;
export const F_FX = 9;
export const F_FY = 10;
export const F_FZ = 11;
export const F_UX = 12;
export const F_UY = 13;
export const F_UZ = 14;
export const F_AZIMUTH = 15;
export const F_ELEVATION = 16;
export const F_DISTANCE = 17;
export const F_CONE_GAIN = 18;
export const F_DISTANCE_GAIN = 19;
/** Cone gain x distance gain, written by updateGain(). */
export const F_GAIN = 20;

export class SpatialFrame {
  /** Inputs px..uz (defaults: source at the origin facing +x, the default listener), then outputs. */
  readonly v = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 1, 1, 1]);

  get azimuth(): number {
    return this.v[F_AZIMUTH]!;
  }
  get elevation(): number {
    return this.v[F_ELEVATION]!;
  }
  get distance(): number {
    return this.v[F_DISTANCE]!;
  }

  /** webaudio#azimuth-elevation, and the distance of webaudio#Spatialization-distance-effects. */
  compute(): void {
    const v = this.v;
    // Calculate the source-listener vector.
    const dx = v[F_PX]! - v[F_LX]!;
    const dy = v[F_PY]! - v[F_LY]!;
    const dz = v[F_PZ]! - v[F_LZ]!;
    const dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
    v[F_DISTANCE] = dist;
    if (dist === 0) {
      // Degenerate case: source and listener at the same point.
      v[F_AZIMUTH] = 0;
      v[F_ELEVATION] = 0;
      return;
    }
    const sx = dx / dist;
    const sy = dy / dist;
    const sz = dz / dist;
    // Align axes: right = forward x up.
    const fx = v[F_FX]!;
    const fy = v[F_FY]!;
    const fz = v[F_FZ]!;
    let rx = fy * v[F_UZ]! - fz * v[F_UY]!;
    let ry = fz * v[F_UX]! - fx * v[F_UZ]!;
    let rz = fx * v[F_UY]! - fy * v[F_UX]!;
    const rm = Math.sqrt(rx * rx + ry * ry + rz * rz);
    const fm = Math.sqrt(fx * fx + fy * fy + fz * fz);
    if (rm === 0 || fm === 0) {
      // 'up' and 'forward' linearly dependent: 'right' cannot be determined.
      v[F_AZIMUTH] = 0;
      v[F_ELEVATION] = 0;
      return;
    }
    rx /= rm;
    ry /= rm;
    rz /= rm;
    const nfx = fx / fm;
    const nfy = fy / fm;
    const nfz = fz / fm;
    // A unit vector orthogonal to right and forward: up = right x forward.
    const upx = ry * nfz - rz * nfy;
    const upy = rz * nfx - rx * nfz;
    const upz = rx * nfy - ry * nfx;
    const upProjection = sx * upx + sy * upy + sz * upz;
    let qx = sx - upx * upProjection;
    let qy = sy - upy * upProjection;
    let qz = sz - upz * upProjection;
    const qm = Math.sqrt(qx * qx + qy * qy + qz * qz);
    // A source straight above or below projects to the zero vector (normalize() keeps it zero).
    if (qm > 0) {
      qx /= qm;
      qy /= qm;
      qz /= qm;
    }
    let azimuth = (180 * Math.acos(clampUnit(qx * rx + qy * ry + qz * rz))) / Math.PI;
    // Source in front or behind the listener.
    const frontBack = qx * nfx + qy * nfy + qz * nfz;
    if (frontBack < 0) azimuth = 360 - azimuth;
    // Make azimuth relative to "forward" and not "right".
    if (azimuth >= 0 && azimuth <= 270) azimuth = 90 - azimuth;
    else azimuth = 450 - azimuth;
    let elevation = 90 - (180 * Math.acos(clampUnit(upProjection))) / Math.PI;
    if (elevation > 90) elevation = 180 - elevation;
    else if (elevation < -90) elevation = -180 - elevation;
    v[F_AZIMUTH] = azimuth;
    v[F_ELEVATION] = elevation;
  }

  /**
   * webaudio#Spatialization-sound-cones. The spec's pseudo-code takes the angle against
   * `sourcePosition.diff(listenerPosition)`, but names it "sourceToListener" and describes a source
   * "pointing directly at the listener" as the loud case; the vector from the source to the
   * listener (listener - source) is used here, as browsers do. The result goes to
   * v[F_CONE_GAIN], so no double crosses a call (V8 would box it).
   */
  #writeConeGain(s: SpatialSettings): void {
    const v = this.v;
    const ox = v[F_OX]!;
    const oy = v[F_OY]!;
    const oz = v[F_OZ]!;
    const om = Math.sqrt(ox * ox + oy * oy + oz * oz);
    if (om === 0 || (s.coneInnerAngle === 360 && s.coneOuterAngle === 360)) {
      v[F_CONE_GAIN] = 1; // no cone: unity gain
      return;
    }
    const d = v[F_DISTANCE]!;
    let dot = 0;
    if (d > 0) dot = ((v[F_LX]! - v[F_PX]!) * ox + (v[F_LY]! - v[F_PY]!) * oy + (v[F_LZ]! - v[F_PZ]!) * oz) / (d * om);
    // Angle between the source orientation and the source-to-listener vector.
    const absAngle = Math.abs((180 * Math.acos(clampUnit(dot))) / Math.PI);
    // The API gives whole angles, not half-angles.
    const absInner = Math.abs(s.coneInnerAngle) / 2;
    const absOuter = Math.abs(s.coneOuterAngle) / 2;
    if (absAngle <= absInner) v[F_CONE_GAIN] = 1;
    else if (absAngle >= absOuter) v[F_CONE_GAIN] = s.coneOuterGain;
    else {
      // Between the cones: x goes 0 -> 1 from inner to outer.
      const x = (absAngle - absInner) / (absOuter - absInner);
      v[F_CONE_GAIN] = 1 - x + s.coneOuterGain * x;
    }
  }

  /** Cone gain x distance gain into v[F_GAIN] (results in `v`, so nothing is boxed). */
  updateGain(s: SpatialSettings): void {
    this.#writeConeGain(s);
    this.#writeDistanceGain(s);
    const v = this.v;
    v[F_GAIN] = v[F_CONE_GAIN]! * v[F_DISTANCE_GAIN]!;
  }

  /** webaudio#enumdef-distancemodeltype, with rolloffFactor clamped to its nominal range. */
  #writeDistanceGain(s: SpatialSettings): void {
    const v = this.v;
    const d = v[F_DISTANCE]!;
    const ref = s.refDistance;
    // Initialised so that V8 keeps `gain` an unboxed double on every path through the switch.
    let gain = 1;
    switch (s.distanceModel) {
      case DistanceModel.Linear: {
        const f = s.rolloffFactor > 1 ? 1 : s.rolloffFactor;
        const dRef = Math.min(ref, s.maxDistance);
        const dMax = Math.max(ref, s.maxDistance);
        if (dRef === dMax) gain = 1 - f;
        else {
          const dc = Math.max(Math.min(d, dMax), dRef);
          gain = 1 - (f * (dc - dRef)) / (dMax - dRef);
        }
        break;
      }
      case DistanceModel.Inverse:
        gain = ref === 0 ? 0 : ref / (ref + s.rolloffFactor * (Math.max(d, ref) - ref));
        break;
      case DistanceModel.Exponential:
        gain = ref === 0 ? 0 : Math.pow(Math.max(d, ref) / ref, -s.rolloffFactor);
        break;
    }
    v[F_DISTANCE_GAIN] = gain;
  }
}

function clampUnit(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/**
 * webaudio#Spatialization-equal-power-panning steps 2-4: the left/right gains for an azimuth.
 * Reads the azimuth from a SpatialFrame's `v` (a double passed to a function V8 does not inline
 * would be boxed); writes [gainL, gainR] into `out`; returns whether the azimuth is <= 0 (the
 * stereo branch).
 */
export function equalPowerGains(frame: Float64Array, stereo: boolean, out: Float64Array): boolean {
  const azimuth = frame[F_AZIMUTH]!;
  // 2. Clamp to [-180, 180], then wrap into [-90, 90].
  let az = azimuth < -180 ? -180 : azimuth > 180 ? 180 : azimuth;
  if (az < -90) az = -180 - az;
  else if (az > 90) az = 180 - az;
  // 3. Normalise to x in [0, 1].
  let x: number;
  if (!stereo) x = (az + 90) / 180;
  else x = az <= 0 ? (az + 90) / 90 : az / 90;
  // 4.
  out[0] = Math.cos((x * Math.PI) / 2);
  out[1] = Math.sin((x * Math.PI) / 2);
  return az <= 0;
}
