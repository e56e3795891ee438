// StereoPannerNode kernel: equal-power panning of mono or stereo input. webaudio#stereopanner-algorithm

/**
 * Pans input (one channel, or two with inputR non-null) into outL/outR for `length` frames.
 * `pan` holds one value per frame or a single value for the whole block. Outputs may alias inputs.
 */
export function stereoPan(
  inputL: Float32Array,
  inputR: Float32Array | null,
  pan: Float32Array,
  outL: Float32Array,
  outR: Float32Array,
  length: number,
): void {
  const step = pan.length > 1 ? 1 : 0;
  const halfPi = Math.PI / 2;
  let lastPan = NaN;
  let gainL = 0;
  let gainR = 0;
  let lastLow = true;
  for (let i = 0; i < length; i++) {
    let p = pan[i * step]!;
    if (p !== lastPan) {
      lastPan = p;
      // 2. Clamp pan to [-1, 1] (NaN pans centre).
      if (p !== p) p = 0;
      p = p < -1 ? -1 : p > 1 ? 1 : p;
      // 3. Normalise to [0, 1].
      let x: number;
      if (inputR === null) x = (p + 1) / 2;
      else x = p <= 0 ? p + 1 : p;
      lastLow = p <= 0;
      // 4.
      gainL = Math.cos(x * halfPi);
      gainR = Math.sin(x * halfPi);
    }
    // 5.
    if (inputR === null) {
      const s = inputL[i]!;
      outL[i] = s * gainL;
      outR[i] = s * gainR;
    } else {
      const l = inputL[i]!;
      const r = inputR[i]!;
      if (lastLow) {
        outL[i] = l + r * gainL;
        outR[i] = r * gainR;
      } else {
        outL[i] = l * gainL;
        outR[i] = r + l * gainR;
      }
    }
  }
}
