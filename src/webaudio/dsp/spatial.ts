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
 * `distance`; `coneGain()`/`distanceGain()` read them.
 */
export class SpatialFrame {
  px = 0;
  py = 0;
  pz = 0;
  ox = 1;
  oy = 0;
  oz = 0;
  lx = 0;
  ly = 0;
  lz = 0;
  fx = 0;
  fy = 0;
  fz = -1;
  ux = 0;
  uy = 1;
  uz = 0;
  azimuth = 0;
  elevation = 0;
  distance = 0;

  /** webaudio#azimuth-elevation, and the distance of webaudio#Spatialization-distance-effects. */
  compute(): void {
    // Calculate the source-listener vector.
    const dx = this.px - this.lx;
    const dy = this.py - this.ly;
    const dz = this.pz - this.lz;
    const dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
    this.distance = dist;
    if (dist === 0) {
      // Degenerate case: source and listener at the same point.
      this.azimuth = 0;
      this.elevation = 0;
      return;
    }
    const sx = dx / dist;
    const sy = dy / dist;
    const sz = dz / dist;
    // Align axes: right = forward x up.
    const fx = this.fx;
    const fy = this.fy;
    const fz = this.fz;
    let rx = fy * this.uz - fz * this.uy;
    let ry = fz * this.ux - fx * this.uz;
    let rz = fx * this.uy - fy * this.ux;
    const rm = Math.sqrt(rx * rx + ry * ry + rz * rz);
    const fm = Math.sqrt(fx * fx + fy * fy + fz * fz);
    if (rm === 0 || fm === 0) {
      // 'up' and 'forward' linearly dependent: 'right' cannot be determined.
      this.azimuth = 0;
      this.elevation = 0;
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
    this.azimuth = azimuth;
    this.elevation = elevation;
  }

  /**
   * webaudio#Spatialization-sound-cones. The spec's pseudo-code takes the angle against
   * `sourcePosition.diff(listenerPosition)`, but names it "sourceToListener" and describes a source
   * "pointing directly at the listener" as the loud case; the vector from the source to the
   * listener (listener - source) is used here, as browsers do.
   */
  coneGain(s: SpatialSettings): number {
    const ox = this.ox;
    const oy = this.oy;
    const oz = this.oz;
    const om = Math.sqrt(ox * ox + oy * oy + oz * oz);
    if (om === 0 || (s.coneInnerAngle === 360 && s.coneOuterAngle === 360)) return 1; // no cone: unity gain
    const d = this.distance;
    let dot = 0;
    if (d > 0) dot = ((this.lx - this.px) * ox + (this.ly - this.py) * oy + (this.lz - this.pz) * oz) / (d * om);
    // Angle between the source orientation and the source-to-listener vector.
    const absAngle = Math.abs((180 * Math.acos(clampUnit(dot))) / Math.PI);
    // The API gives whole angles, not half-angles.
    const absInner = Math.abs(s.coneInnerAngle) / 2;
    const absOuter = Math.abs(s.coneOuterAngle) / 2;
    if (absAngle <= absInner) return 1;
    if (absAngle >= absOuter) return s.coneOuterGain;
    // Between the cones: x goes 0 -> 1 from inner to outer.
    const x = (absAngle - absInner) / (absOuter - absInner);
    return 1 - x + s.coneOuterGain * x;
  }

  /** webaudio#enumdef-distancemodeltype, with rolloffFactor clamped to its nominal range. */
  distanceGain(s: SpatialSettings): number {
    return distanceGain(s, this.distance);
  }
}

export function distanceGain(s: SpatialSettings, d: number): number {
  const ref = s.refDistance;
  switch (s.distanceModel) {
    case DistanceModel.Linear: {
      const f = s.rolloffFactor > 1 ? 1 : s.rolloffFactor;
      const dRef = Math.min(ref, s.maxDistance);
      const dMax = Math.max(ref, s.maxDistance);
      if (dRef === dMax) return 1 - f;
      const dc = Math.max(Math.min(d, dMax), dRef);
      return 1 - (f * (dc - dRef)) / (dMax - dRef);
    }
    case DistanceModel.Inverse:
      if (ref === 0) return 0;
      return ref / (ref + s.rolloffFactor * (Math.max(d, ref) - ref));
    case DistanceModel.Exponential:
      if (ref === 0) return 0;
      return Math.pow(Math.max(d, ref) / ref, -s.rolloffFactor);
  }
}

function clampUnit(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/**
 * webaudio#Spatialization-equal-power-panning steps 2-4: the left/right gains for an azimuth.
 * Writes [gainL, gainR] into `out`; returns whether the azimuth is <= 0 (the stereo branch).
 */
export function equalPowerGains(azimuth: number, stereo: boolean, out: Float64Array): boolean {
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
