// Frequency response of a rational filter H(z) = sum b_k z^-k / sum a_k z^-k, evaluated on the
// unit circle at z = e^{j 2 pi f / Fs}; NaN outside [0, Fs/2]. Shared by the biquad (a second-order
// case) and the IIR filter. webaudio#dom-biquadfilternode-getfrequencyresponse,
// webaudio#dom-iirfilternode-getfrequencyresponse

export function filterFrequencyResponse(
  b: Float64Array,
  a: Float64Array,
  sampleRate: number,
  frequencyHz: Float32Array,
  magResponse: Float32Array,
  phaseResponse: Float32Array,
): void {
  const nyquist = sampleRate / 2;
  const n = Math.min(frequencyHz.length, magResponse.length, phaseResponse.length);
  for (let i = 0; i < n; i++) {
    const f = frequencyHz[i]!;
    if (!(f >= 0 && f <= nyquist)) {
      magResponse[i] = NaN;
      phaseResponse[i] = NaN;
      continue;
    }
    const w = (2 * Math.PI * f) / sampleRate;
    evalPoly(b, w);
    const nr = scratch[0], ni = scratch[1];
    evalPoly(a, w);
    const dr = scratch[0], di = scratch[1];
    const den = dr * dr + di * di;
    const hr = (nr * dr + ni * di) / den;
    const hi = (ni * dr - nr * di) / den;
    magResponse[i] = Math.hypot(hr, hi);
    phaseResponse[i] = Math.atan2(hi, hr);
  }
}

const scratch: [number, number] = [0, 0];

// sum c_k e^{-j k w}, by Horner's rule in z^-1; the result is left in `scratch`.
function evalPoly(c: Float64Array, w: number): void {
  const zr = Math.cos(w), zi = -Math.sin(w);
  let re = 0, im = 0;
  for (let k = c.length - 1; k >= 0; k--) {
    const r = re * zr - im * zi + c[k]!;
    im = re * zi + im * zr;
    re = r;
  }
  scratch[0] = re;
  scratch[1] = im;
}
