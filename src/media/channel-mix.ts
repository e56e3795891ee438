// Channel up-mixing and down-mixing: webaudio#channel-up-mixing-and-down-mixing
//
// Channel order follows webaudio#ChannelOrdering: stereo = L R, quad = L R SL SR,
// 5.1 = L R C LFE SL SR.

export type ChannelInterpretation = 'speakers' | 'discrete';

const SQRT_HALF = Math.SQRT1_2;

function isSpeakerLayout(n: number): boolean {
  return n === 1 || n === 2 || n === 4 || n === 6;
}

/** dst[0, frames) = src[0, frames), without the view a subarray() would allocate. */
function copyFrames(dst: Float32Array, src: Float32Array, frames: number): void {
  if (src.length === frames) dst.set(src);
  else for (let i = 0; i < frames; i++) dst[i] = src[i];
}

/** out = v (or out += v when accumulating) for frames [0, frames). */
function put(out: Float32Array, src: Float32Array, gain: number, frames: number, accumulate: boolean): void {
  if (accumulate) {
    if (gain === 1) for (let i = 0; i < frames; i++) out[i] += src[i];
    else for (let i = 0; i < frames; i++) out[i] += gain * src[i];
  } else if (gain === 1) {
    if (src !== out) copyFrames(out, src, frames);
  } else {
    for (let i = 0; i < frames; i++) out[i] = gain * src[i];
  }
}

function zero(out: Float32Array, frames: number, accumulate: boolean): void {
  if (!accumulate) out.fill(0, 0, frames);
}

/** out = ga*a + gb*b (or out += ...). */
function put2(out: Float32Array, a: Float32Array, ga: number, b: Float32Array, gb: number, frames: number,
  accumulate: boolean): void {
  if (accumulate) for (let i = 0; i < frames; i++) out[i] += ga * a[i] + gb * b[i];
  else for (let i = 0; i < frames; i++) out[i] = ga * a[i] + gb * b[i];
}

/**
 * Up-mix or down-mix `input` (one Float32Array per channel) into `output`, first `frames` frames.
 * With `accumulate` the result is added into `output` (the "mix" step of an AudioNode input,
 * webaudio#mixing-rules step 2.2); otherwise `output` is overwritten. Allocates nothing.
 * In-place use (input and output sharing arrays) is supported only when the channel counts are equal.
 */
export function mixChannels(input: readonly Float32Array[], output: readonly Float32Array[], frames: number,
  interpretation: ChannelInterpretation, accumulate = false): void {
  const inCount = input.length;
  const outCount = output.length;
  if (outCount === 0) return;
  for (let c = 0; c < inCount; c++) {
    if (input[c].length < frames) throw new RangeError(`mixChannels: input channel ${c} has ${input[c].length} frames, fewer than ${frames}`);
  }
  for (let c = 0; c < outCount; c++) {
    if (output[c].length < frames) throw new RangeError(`mixChannels: output channel ${c} has ${output[c].length} frames, fewer than ${frames}`);
  }
  if (inCount === outCount || interpretation === 'discrete' || !isSpeakerLayout(inCount) || !isSpeakerLayout(outCount)) {
    mixDiscrete(input, output, frames, accumulate);
    return;
  }
  // webaudio#UpMix-sub and webaudio#down-mix
  const o = output;
  const x = input;
  switch (inCount * 10 + outCount) {
    case 12: { // 1 -> 2: one pass writes both sides
      const l = o[0], r = o[1], m = x[0];
      if (accumulate) {
        for (let i = 0; i < frames; i++) {
          const v = m[i];
          l[i] += v;
          r[i] += v;
        }
      } else {
        copyFrames(l, m, frames);
        copyFrames(r, m, frames);
      }
      return;
    }
    case 14: // 1 -> 4
      put(o[0], x[0], 1, frames, accumulate);
      put(o[1], x[0], 1, frames, accumulate);
      zero(o[2], frames, accumulate);
      zero(o[3], frames, accumulate);
      return;
    case 16: // 1 -> 5.1: mono goes to the centre channel
      zero(o[0], frames, accumulate);
      zero(o[1], frames, accumulate);
      put(o[2], x[0], 1, frames, accumulate);
      zero(o[3], frames, accumulate);
      zero(o[4], frames, accumulate);
      zero(o[5], frames, accumulate);
      return;
    case 24: // 2 -> 4
      put(o[0], x[0], 1, frames, accumulate);
      put(o[1], x[1], 1, frames, accumulate);
      zero(o[2], frames, accumulate);
      zero(o[3], frames, accumulate);
      return;
    case 26: // 2 -> 5.1
      put(o[0], x[0], 1, frames, accumulate);
      put(o[1], x[1], 1, frames, accumulate);
      for (let c = 2; c < 6; c++) zero(o[c], frames, accumulate);
      return;
    case 46: // 4 -> 5.1
      put(o[0], x[0], 1, frames, accumulate);
      put(o[1], x[1], 1, frames, accumulate);
      zero(o[2], frames, accumulate);
      zero(o[3], frames, accumulate);
      put(o[4], x[2], 1, frames, accumulate);
      put(o[5], x[3], 1, frames, accumulate);
      return;
    case 21: // 2 -> 1
      put2(o[0], x[0], 0.5, x[1], 0.5, frames, accumulate);
      return;
    case 41: { // 4 -> 1
      const out = o[0], l = x[0], r = x[1], sl = x[2], sr = x[3];
      if (accumulate) for (let i = 0; i < frames; i++) out[i] += 0.25 * (l[i] + r[i] + sl[i] + sr[i]);
      else for (let i = 0; i < frames; i++) out[i] = 0.25 * (l[i] + r[i] + sl[i] + sr[i]);
      return;
    }
    case 61: { // 5.1 -> 1 (LFE dropped)
      const out = o[0], l = x[0], r = x[1], cc = x[2], sl = x[4], sr = x[5];
      if (accumulate) {
        for (let i = 0; i < frames; i++) out[i] += SQRT_HALF * (l[i] + r[i]) + cc[i] + 0.5 * (sl[i] + sr[i]);
      } else {
        for (let i = 0; i < frames; i++) out[i] = SQRT_HALF * (l[i] + r[i]) + cc[i] + 0.5 * (sl[i] + sr[i]);
      }
      return;
    }
    case 42: // 4 -> 2
      put2(o[0], x[0], 0.5, x[2], 0.5, frames, accumulate);
      put2(o[1], x[1], 0.5, x[3], 0.5, frames, accumulate);
      return;
    case 62: { // 5.1 -> 2
      const ol = o[0], or = o[1], l = x[0], r = x[1], cc = x[2], sl = x[4], sr = x[5];
      if (accumulate) {
        for (let i = 0; i < frames; i++) {
          ol[i] += l[i] + SQRT_HALF * (cc[i] + sl[i]);
          or[i] += r[i] + SQRT_HALF * (cc[i] + sr[i]);
        }
      } else {
        for (let i = 0; i < frames; i++) {
          ol[i] = l[i] + SQRT_HALF * (cc[i] + sl[i]);
          or[i] = r[i] + SQRT_HALF * (cc[i] + sr[i]);
        }
      }
      return;
    }
    case 64: // 5.1 -> 4
      put2(o[0], x[0], 1, x[2], SQRT_HALF, frames, accumulate);
      put2(o[1], x[1], 1, x[2], SQRT_HALF, frames, accumulate);
      put(o[2], x[4], 1, frames, accumulate);
      put(o[3], x[5], 1, frames, accumulate);
      return;
  }
  mixDiscrete(input, output, frames, accumulate);
}

// webaudio#dom-channelinterpretation-discrete: up-mix fills channels in order and zeroes the
// rest; down-mix keeps as many channels as fit and drops the others.
function mixDiscrete(input: readonly Float32Array[], output: readonly Float32Array[], frames: number,
  accumulate: boolean): void {
  const n = Math.min(input.length, output.length);
  for (let c = 0; c < n; c++) put(output[c], input[c], 1, frames, accumulate);
  for (let c = n; c < output.length; c++) zero(output[c], frames, accumulate);
}

/**
 * Mixes `count` mono channels into `output` (overwriting it), exactly as zeroing `output` and then
 * accumulating each source in order with mixChannels() would: each source is up-mixed by the same
 * rule, so the sum is formed once in the channel(s) mono maps to and copied to the other side.
 * The running sum is rounded to float32 after every addition, as a Float32Array accumulator is.
 * This is the common input of a node fed by many mono sources (oscillators into a destination).
 */
export function mixMonoSources(sources: readonly Float32Array[], count: number, output: readonly Float32Array[],
  frames: number, interpretation: ChannelInterpretation): void {
  const outCount = output.length;
  if (outCount === 0) return;
  for (let k = 0; k < count; k++) {
    if (sources[k].length < frames) throw new RangeError(`mixMonoSources: source ${k} has ${sources[k].length} frames, fewer than ${frames}`);
  }
  for (let c = 0; c < outCount; c++) {
    if (output[c].length < frames) throw new RangeError(`mixMonoSources: output channel ${c} has ${output[c].length} frames, fewer than ${frames}`);
  }
  // webaudio#UpMix-sub: mono goes to L and R (stereo, quad), to C (5.1); discrete and other
  // layouts keep it in channel 0. Every other channel is silent.
  const speakers = interpretation === 'speakers';
  const first = speakers && outCount === 6 ? 2 : 0;
  const both = speakers && (outCount === 2 || outCount === 4);
  const sum = output[first];
  const fround = Math.fround;
  if (count === 0) sum.fill(0, 0, frames);
  let k = 0;
  if (count >= 4) {
    // The first four sources, starting from zero: 0 + x turns -0 into +0, as accumulating onto
    // a zeroed buffer does.
    const a = sources[0], b = sources[1], c = sources[2], d = sources[3];
    for (let i = 0; i < frames; i++) sum[i] = fround(fround((0 + a[i]) + b[i]) + c[i]) + d[i];
    k = 4;
  } else if (count > 0) {
    const a = sources[0];
    for (let i = 0; i < frames; i++) sum[i] = 0 + a[i];
    k = 1;
  }
  // Four sources per pass: fewer loads and stores of the sum, same rounding order.
  for (; k + 4 <= count; k += 4) {
    const a = sources[k], b = sources[k + 1], c = sources[k + 2], d = sources[k + 3];
    for (let i = 0; i < frames; i++) {
      sum[i] = fround(fround(fround(sum[i] + a[i]) + b[i]) + c[i]) + d[i];
    }
  }
  for (; k < count; k++) {
    const a = sources[k];
    for (let i = 0; i < frames; i++) sum[i] += a[i];
  }
  for (let c = 0; c < outCount; c++) {
    if (c === first) continue;
    if (both && c === 1) copyFrames(output[1], sum, frames);
    else output[c].fill(0, 0, frames);
  }
}
