import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { AudioContext } from '../../../src/webaudio/audio-context.js';
import { AudioBuffer } from '../../../src/webaudio/audio-buffer.js';
import { ConvolverNode } from '../../../src/webaudio/nodes/convolver-node.js';
import type { AudioNode } from '../../../src/webaudio/audio-node.js';
import { Bus } from '../../../src/webaudio/render/bus.js';
import { RenderEngine } from '../../../src/webaudio/render/engine.js';
import { SharedState, ChannelCountModeCode, InterpretationCode, type ControlMessage } from '../../../src/webaudio/render/protocol.js';
import { processorFactory, type AudioProcessor } from '../../../src/webaudio/render/registry.js';
import { partitionLayout, prepareResponse } from '../../../src/webaudio/dsp/convolver.js';
import { assertDOMException } from '../helpers.js';

const SR = 48000;
const QS = 128;

function noise(n: number, seed: number, gain = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * gain;
  }
  return out;
}

/** The reference: y[n] = sum_m h[m] x[n - m] (doubles), for n < frames. */
function conv(x: ArrayLike<number>, h: ArrayLike<number>, frames: number): Float64Array {
  const y = new Float64Array(frames);
  for (let i = 0; i < x.length && i < frames; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const end = Math.min(h.length, frames - i);
    for (let m = 0; m < end; m++) y[i + m] += xi * h[m]!;
  }
  return y;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!);
}

function makeBuffer(ctx: OfflineAudioContext, channels: Float32Array[], sampleRate = SR): AudioBuffer {
  const b = new AudioBuffer({ numberOfChannels: channels.length, length: channels[0]!.length, sampleRate });
  channels.forEach((c, i) => b.copyToChannel(c, i));
  return b;
}

/** The spec's calculateNormalizationScale, written out for the test. */
function expectedScale(channels: Float32Array[], sampleRate: number): number {
  let power = 0;
  for (const c of channels) for (const v of c) power += v * v;
  power = Math.sqrt(power / (channels.length * channels[0]!.length));
  if (!Number.isFinite(power) || power < 0.000125) power = 0.000125;
  let scale = (1 / power) * 0.00125 * (44100 / sampleRate);
  if (channels.length === 4) scale *= 0.5;
  return scale;
}

function assertClose(actual: Float32Array, expected: Float64Array, tol: number, label: string, from = 0, to = expected.length): void {
  for (let i = from; i < to; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) assert.fail(`${label}: sample ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * Renders `input` channels through a convolver built by `make`, into two output channels by way
 * of a splitter and a merger, so a mono convolver output shows as a silent second channel.
 */
async function renderThrough(
  input: Float32Array[],
  frames: number,
  make: (ctx: OfflineAudioContext) => ConvolverNode,
  during?: (ctx: OfflineAudioContext, node: ConvolverNode) => void,
): Promise<Float32Array[]> {
  const ctx = new OfflineAudioContext(2, frames, SR);
  const node = make(ctx);
  const src = ctx.createBufferSource();
  src.buffer = makeBuffer(ctx, input);
  const splitter = ctx.createChannelSplitter(2);
  const merger = ctx.createChannelMerger(2);
  src.connect(node).connect(splitter);
  splitter.connect(merger, 0, 0);
  splitter.connect(merger, 1, 1);
  merger.connect(ctx.destination);
  src.start();
  during?.(ctx, node);
  const out = await ctx.startRendering();
  return [out.getChannelData(0), out.getChannelData(1)];
}

test('defaults, factory, attribute reflection and no own properties', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const c = ctx.createConvolver();
  assert.ok(c instanceof ConvolverNode);
  assert.equal(Object.prototype.toString.call(c), '[object ConvolverNode]');
  assert.deepEqual(Object.keys(c), []);
  assert.equal(c.buffer, null);
  assert.equal(c.normalize, true);
  assert.equal(c.numberOfInputs, 1);
  assert.equal(c.numberOfOutputs, 1);
  assert.equal(c.channelCount, 2);
  assert.equal(c.channelCountMode, 'clamped-max');
  assert.equal(c.channelInterpretation, 'speakers');
  c.normalize = 0;
  assert.equal(c.normalize, false);
  c.normalize = 'yes';
  assert.equal(c.normalize, true);
  const b = makeBuffer(ctx, [new Float32Array(10)]);
  c.buffer = b;
  assert.equal(c.buffer, b);
  c.buffer = null;
  assert.equal(c.buffer, null);
  c.buffer = b;
  c.buffer = undefined;
  assert.equal(c.buffer, null);
  const d = new ConvolverNode(ctx, { disableNormalization: true, buffer: b, channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'discrete' });
  assert.equal(d.normalize, false);
  assert.equal(d.buffer, b);
  assert.equal(d.channelCount, 1);
  assert.equal(d.channelCountMode, 'explicit');
  assert.equal(d.channelInterpretation, 'discrete');
  assert.equal(new ConvolverNode(ctx, { buffer: null }).buffer, null);
});

test('constructor errors: context, options type, buffer type, channel rules, buffer channels and rate', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  assert.throws(() => new ConvolverNode({}), TypeError);
  assert.throws(() => new ConvolverNode(ctx, 5), TypeError);
  assert.throws(() => new ConvolverNode(ctx, { buffer: new Float32Array(4) }), TypeError);
  assert.throws(() => new ConvolverNode(ctx, { channelCountMode: 'bogus' }), TypeError);
  assertDOMException(() => new ConvolverNode(ctx, { channelCount: 0 }), 'NotSupportedError');
  assertDOMException(() => new ConvolverNode(ctx, { channelCount: 3 }), 'NotSupportedError');
  assertDOMException(() => new ConvolverNode(ctx, { channelCountMode: 'max' }), 'NotSupportedError');
  for (const n of [3, 5, 8]) {
    const b = makeBuffer(ctx, Array.from({ length: n }, () => new Float32Array(4)));
    assertDOMException(() => new ConvolverNode(ctx, { buffer: b }), 'NotSupportedError');
  }
  const wrongRate = makeBuffer(ctx, [new Float32Array(4)], 44100);
  assertDOMException(() => new ConvolverNode(ctx, { buffer: wrongRate }), 'NotSupportedError');
  for (const n of [1, 2, 4]) new ConvolverNode(ctx, { buffer: makeBuffer(ctx, Array.from({ length: n }, () => new Float32Array(4))) });
});

test('attribute errors: channelCount, channelCountMode, buffer type, channels and rate; a failed set keeps the old buffer', () => {
  const ctx = new OfflineAudioContext(1, 128, SR);
  const c = new ConvolverNode(ctx);
  assertDOMException(() => { c.channelCount = 3; }, 'NotSupportedError');
  assertDOMException(() => { c.channelCount = 0; }, 'NotSupportedError');
  c.channelCount = 1;
  assert.equal(c.channelCount, 1);
  assertDOMException(() => { c.channelCountMode = 'max'; }, 'NotSupportedError');
  assert.equal(c.channelCountMode, 'clamped-max');
  c.channelCountMode = 'explicit';
  assert.equal(c.channelCountMode, 'explicit');
  const good = makeBuffer(ctx, [new Float32Array(4)]);
  c.buffer = good;
  assert.throws(() => { c.buffer = {}; }, TypeError);
  assert.throws(() => { c.buffer = new Float32Array(3); }, TypeError);
  assertDOMException(() => { c.buffer = makeBuffer(ctx, [new Float32Array(4), new Float32Array(4), new Float32Array(4)]); }, 'NotSupportedError');
  assertDOMException(() => { c.buffer = makeBuffer(ctx, [new Float32Array(4)], 96000); }, 'NotSupportedError');
  assert.equal(c.buffer, good);
  const getter = Object.getOwnPropertyDescriptor(ConvolverNode.prototype, 'buffer')!.get!;
  assert.throws(() => getter.call({}), TypeError);
});

test('a delayed unit impulse delays the input; no latency is added', async () => {
  const x = noise(3000, 1, 0.5);
  for (const d of [0, 1, 200, 1100, 3000]) {
    const ctxRate = SR;
    const h = new Float32Array(d + 1);
    h[d] = 1;
    const frames = 3000 + d + 300;
    const [y] = await renderThrough([x], frames, (ctx) => new ConvolverNode(ctx, { disableNormalization: true, buffer: makeBuffer(ctx, [h], ctxRate) }));
    assertClose(y!, conv(x, h, frames), 1e-6, `delay ${d}`);
  }
});

test('random short and long responses (several partitions and partition sizes) match direct convolution, tail included', async () => {
  for (const [length, inputLength] of [[37, 1000], [500, 2000], [20000, 2000]] as const) {
    const h = noise(length, length, 0.05);
    const x = noise(inputLength, 2 * length + 1, 0.8);
    const frames = inputLength + length + 1500;
    const [y, right] = await renderThrough([x], frames, (ctx) => {
      const c = ctx.createConvolver();
      c.normalize = false;
      c.buffer = makeBuffer(ctx, [h]);
      return c;
    });
    const ref = conv(x, h, frames);
    assertClose(y!, ref, 3e-6, `length ${length}`);
    // Mono input, mono response: a mono output (the splitter's second channel is silent).
    assert.ok(right!.every((v) => v === 0), `length ${length}: mono output`);
    // The tail rings after the input stops, to the last response sample, then exact silence.
    const last = inputLength + length - 2;
    assert.ok(Math.abs(y![last]!) > 0, 'the tail reaches the end of the response');
    // The source's last quantum with sound ends at soundEnd; the node knows the input by quanta,
    // so from soundEnd + length - 1 on the output is exactly zero (before that, round-off at most).
    const soundEnd = Math.ceil(inputLength / QS) * QS;
    for (let i = inputLength + length - 1; i < frames; i++) {
      if (i < soundEnd + length - 1) assert.ok(Math.abs(y![i]!) < 1e-9, `length ${length}: sample ${i} after the tail`);
      else assert.equal(y![i], 0, `length ${length}: sample ${i} after the tail`);
    }
  }
});

test('channel matrix: mono/stereo input x 1/2/4-channel responses', async () => {
  const L = 700;
  const frames = 1200 + L + 200;
  const xl = noise(1200, 11, 0.7);
  const xr = noise(1200, 12, 0.7);
  const h = [noise(L, 21, 0.05), noise(L, 22, 0.05), noise(L, 23, 0.05), noise(L, 24, 0.05)];
  const c = (x: Float32Array, i: number) => conv(x, h[i]!, frames);
  const cases: { input: Float32Array[]; ir: number; left: Float64Array; right: Float64Array | null }[] = [
    { input: [xl], ir: 1, left: c(xl, 0), right: null },
    { input: [xl, xr], ir: 1, left: c(xl, 0), right: c(xr, 0) },
    { input: [xl], ir: 2, left: c(xl, 0), right: c(xl, 1) },
    { input: [xl, xr], ir: 2, left: c(xl, 0), right: c(xr, 1) },
    // "True" stereo: out L = in L * h0 + in R * h2, out R = in L * h1 + in R * h3.
    { input: [xl, xr], ir: 4, left: add(c(xl, 0), c(xr, 2)), right: add(c(xl, 1), c(xr, 3)) },
    // Mono input with a 4-channel response is up-mixed: in L = in R = mono.
    { input: [xl], ir: 4, left: add(c(xl, 0), c(xl, 2)), right: add(c(xl, 1), c(xl, 3)) },
  ];
  for (const k of cases) {
    const label = `${k.input.length} in x ${k.ir}-channel response`;
    const [y0, y1] = await renderThrough(k.input, frames, (ctx) => new ConvolverNode(ctx, { disableNormalization: true, buffer: makeBuffer(ctx, h.slice(0, k.ir)) }));
    assertClose(y0!, k.left, 3e-6, `${label}, left`);
    if (k.right === null) assert.ok(y1!.every((v) => v === 0), `${label}: mono output`);
    else assertClose(y1!, k.right, 3e-6, `${label}, right`);
  }
});

test('normalize: true scales by calculateNormalizationScale (1, 2, 4 channels), false does not; applies at buffer set', async () => {
  const x = noise(800, 31, 0.5);
  for (const n of [1, 2, 4]) {
    const h = Array.from({ length: n }, (_, i) => noise(300, 40 + i, 0.3));
    const frames = 800 + 300 + 100;
    const scale = expectedScale(h, SR);
    assert.ok(Math.abs(scale - 1) > 0.1, 'the scale is not trivially 1');
    const [norm] = await renderThrough([x], frames, (ctx) => new ConvolverNode(ctx, { buffer: makeBuffer(ctx, h) }));
    const [plain] = await renderThrough([x], frames, (ctx) => new ConvolverNode(ctx, { buffer: makeBuffer(ctx, h), disableNormalization: true }));
    const ref = n === 4 ? add(conv(x, h[0]!, frames), conv(x, h[2]!, frames)) : conv(x, h[0]!, frames);
    assertClose(plain!, ref, 3e-6, `${n} channels, not normalized`);
    assertClose(norm!, ref.map((v) => v * scale), 3e-6 * scale, `${n} channels, normalized`);
  }
  // Changing normalize after the buffer was set has no effect until the buffer is set again.
  const h = [noise(300, 50, 0.3)];
  const frames = 1200;
  const scale = expectedScale(h, SR);
  const [late] = await renderThrough([x], frames, (ctx) => {
    const c = new ConvolverNode(ctx, { buffer: makeBuffer(ctx, h) });
    c.normalize = false;
    return c;
  });
  assertClose(late!, conv(x, h[0]!, frames).map((v) => v * scale), 3e-6 * scale, 'normalize changed after the set');
  const [reset] = await renderThrough([x], frames, (ctx) => {
    const c = new ConvolverNode(ctx, { buffer: makeBuffer(ctx, h) });
    c.normalize = false;
    c.buffer = c.buffer;
    return c;
  });
  assertClose(reset!, conv(x, h[0]!, frames), 3e-6, 'buffer set again after normalize = false');
});

test('the buffer content is acquired at set time: later writes to the AudioBuffer change nothing', async () => {
  const x = noise(500, 61, 0.5);
  const h = noise(200, 62, 0.1);
  const frames = 900;
  const [y] = await renderThrough([x], frames, (ctx) => {
    const b = makeBuffer(ctx, [h]);
    const c = new ConvolverNode(ctx, { buffer: b, disableNormalization: true });
    b.getChannelData(0).fill(1);
    return c;
  });
  assertClose(y!, conv(x, h, frames), 3e-6, 'acquired content');
});

test('buffer set while playing takes effect at that quantum; buffer = null gives silence', async () => {
  const x = noise(4000, 71, 0.5);
  const h1 = noise(600, 72, 0.05);
  const h2 = noise(900, 73, 0.05);
  const frames = 6000;
  const F = 1280; // the suspend frame (a quantum boundary)
  const [y] = await renderThrough([x], frames, (ctx) => new ConvolverNode(ctx, { disableNormalization: true, buffer: makeBuffer(ctx, [h1]) }), (ctx, node) => {
    void ctx.suspend(F / SR).then(() => {
      node.buffer = makeBuffer(ctx, [h2]);
      void ctx.resume();
    });
  });
  assertClose(y!, conv(x, h1, F), 3e-6, 'before the change', 0, F);
  // The new response starts from the input at the change (the old tail is dropped).
  const after = conv(x.map((v, i) => (i < F ? 0 : v)), h2, frames);
  assertClose(y!, after, 3e-6, 'after the change', F, frames);

  const [z] = await renderThrough([x], frames, (ctx) => new ConvolverNode(ctx, { disableNormalization: true, buffer: makeBuffer(ctx, [h1]) }), (ctx, node) => {
    void ctx.suspend(F / SR).then(() => {
      node.buffer = null;
      void ctx.resume();
    });
  });
  assertClose(z!, conv(x, h1, F), 3e-6, 'before null', 0, F);
  for (let i = F; i < frames; i++) assert.equal(z![i], 0, `silence after buffer = null at ${i}`);
});

test('no buffer: the node outputs silence', async () => {
  const x = noise(500, 81);
  const [y0, y1] = await renderThrough([x, x], 600, (ctx) => ctx.createConvolver());
  assert.ok(y0!.every((v) => v === 0) && y1!.every((v) => v === 0));
});

// ---- the render half, driven directly ----

function processor(): AudioProcessor {
  const factory = processorFactory('ConvolverNode');
  assert.ok(factory, 'the ConvolverNode processor is registered');
  return factory({ sampleRate: SR, quantumSize: QS, numberOfInputs: 1, numberOfOutputs: 1, options: null, post: () => {} });
}

test('render half: silent output after the tail, stereo until stereo input stops affecting the output', () => {
  const L = 300;
  const h = noise(L, 91, 0.1);
  const layout = partitionLayout(L, QS);
  const p = processor();
  p.onMessage!({ t: 'buffer', buffer: { channels: 1, length: L, spectra: [prepareResponse(h, layout)] } });
  const input = new Bus(QS, 1);
  const out = new Bus(QS, 1);
  const silentIn = new Bus(QS, 1);
  const xs: number[][] = [[], []];
  const ys: number[][] = [[], []];
  const counts: number[] = [];
  const silentFlags: boolean[] = [];
  const quanta = 12;
  const seq = (q: number): 'mono' | 'stereo' | 'none' => (q < 2 ? 'mono' : q < 4 ? 'stereo' : q < 5 ? 'mono' : 'none');
  for (let q = 0; q < quanta; q++) {
    const kind = seq(q);
    let bus = silentIn;
    if (kind !== 'none') {
      input.setChannelCount(kind === 'mono' ? 1 : 2);
      input.channels.forEach((ch, c) => ch.set(noise(QS, 100 * q + c, 0.5)));
      input.silent = false;
      bus = input;
    }
    p.process([bus], [out], [], q * QS);
    counts.push(out.numberOfChannels);
    silentFlags.push(out.silent);
    for (let c = 0; c < 2; c++) {
      // Input as the up-mixed stereo signal; output as seen through a splitter.
      const src = kind === 'none' ? null : input.channels[Math.min(c, input.numberOfChannels - 1)]!;
      for (let i = 0; i < QS; i++) {
        xs[c]!.push(src === null ? 0 : src[i]!);
        ys[c]!.push(c < out.numberOfChannels ? out.channels[c]![i]! : 0);
      }
    }
  }
  // Output channels: 1 while mono, 2 from the first stereo quantum on (at once), and 2 until the
  // stereo input (ending at frame 512) stops affecting the output, frame 512 + L - 1 = 811.
  assert.deepEqual(counts.slice(0, 7), [1, 1, 2, 2, 2, 2, 2]);
  assert.equal(counts[7], 1, 'back to mono once the stereo input no longer affects the output');
  // Sound ends at frame 640: silent once the whole quantum is past 640 + L - 1 = 939.
  assert.deepEqual(silentFlags, [false, false, false, false, false, false, false, false, true, true, true, true]);
  // Both channels match direct convolution of the up-mixed input (right starts with the mono history).
  const frames = quanta * QS;
  const refL = conv(xs[0]!, h, frames);
  const refR = conv(xs[1]!, h, frames);
  for (let i = 0; i < frames; i++) {
    assert.ok(Math.abs(ys[0]![i]! - refL[i]!) < 3e-6, `left ${i}`);
    const q = Math.floor(i / QS);
    if (counts[q] === 2) assert.ok(Math.abs(ys[1]![i]! - refR[i]!) < 3e-6, `right ${i}`);
    else assert.ok(Math.abs(refR[i]! - refL[i]!) < 1e-9, `mono output only when both channels agree (${i})`);
  }
});

test('realtime context: the response reaches the render thread (a delayed, scaled impulse)', async () => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      bytes += chunk.length;
      cb();
    },
  });
  const ctx = new AudioContext({ sampleRate: 8000, mediacaptureSink: { type: 'stream', stream, format: 'f32le' } });
  try {
    const h = new Float32Array(300);
    h[10] = 0.5;
    h[200] = 0.25;
    const ir = new AudioBuffer({ numberOfChannels: 1, length: h.length, sampleRate: 8000 });
    ir.copyToChannel(h, 0);
    const node = new ConvolverNode(ctx, { buffer: ir, disableNormalization: true });
    const src = ctx.createConstantSource();
    src.connect(node).connect(ctx.destination);
    src.start();
    const need = 4096 * 2 * 4; // 4096 stereo f32 frames
    const start = Date.now();
    while (bytes < need && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10));
    assert.ok(bytes >= need, 'the stream received audio');
  } finally {
    await ctx.close();
  }
  const all = Buffer.concat(chunks);
  const f = new Float32Array(all.buffer, all.byteOffset, Math.floor(all.length / 4));
  // The graph starts at the first quantum after its messages arrive, at some frame k0 (a quantum
  // boundary): silence until k0 + 10, then 0.5, then 0.75 from k0 + 200, on both channels.
  let onset = -1;
  for (let i = 0; i < f.length / 2; i++) if (Math.abs(f[2 * i]!) > 0.25) { onset = i; break; }
  assert.ok(onset >= 10 && (onset - 10) % 128 === 0, `onset at ${onset}`);
  assert.ok(f.length / 2 >= onset + 400, 'enough frames after the onset');
  for (let i = onset - 10; i < onset + 400; i++) {
    const e = i < onset ? 0 : i < onset + 190 ? 0.5 : 0.75;
    for (let c = 0; c < 2; c++) assert.ok(Math.abs(f[2 * i + c]! - e) < 1e-6, `frame ${i} channel ${c}: ${f[2 * i + c]} vs ${e}`);
  }
});

test('a released convolver left without inputs rings out its tail before the engine drops it', () => {
  const e = new RenderEngine({ sampleRate: SR, state: new SharedState(), post: () => {} });
  // Released nodes are collected every 64 quanta (8192 frames): the first pass falls in the tail.
  const L = 10000;
  const h = new Float32Array(L);
  h[L - 1] = 0.5; // a pure delay of L - 1 frames
  const create = (id: number, kind: string, inputs: number, params: { id: number; defaultValue: number }[]): ControlMessage => ({
    t: 'create',
    id,
    kind,
    inputs,
    outputs: 1,
    channelCount: id === 0 ? 1 : 2,
    mode: id === 0 ? ChannelCountModeCode.Explicit : ChannelCountModeCode.ClampedMax,
    interp: InterpretationCode.Speakers,
    params: params.map((p) => ({ ...p, minValue: -1e30, maxValue: 1e30, kRate: false })),
    options: null,
  });
  e.applyBatch({
    seq: 1,
    messages: [
      create(0, 'AudioDestinationNode', 1, []),
      create(1, 'ConstantSourceNode', 0, [{ id: 0, defaultValue: 1 }]),
      create(2, 'ConvolverNode', 1, []),
      { t: 'node', id: 2, msg: { t: 'buffer', buffer: { channels: 1, length: L, spectra: [prepareResponse(h, partitionLayout(L, QS))] } } },
      { t: 'connect', src: 1, output: 0, dst: 2, input: 0 },
      { t: 'connect', src: 2, output: 0, dst: 0, input: 0 },
      { t: 'node', id: 1, msg: { t: 'start', when: 0 } },
      { t: 'node', id: 1, msg: { t: 'stop', when: 256 / SR } },
      { t: 'release', id: 1 },
      { t: 'release', id: 2 },
    ],
  });
  // The source sounds for frames 0..255; the convolver's output is 0.5 at frames L-1 .. L+254.
  const heard: number[] = [];
  let droppedAt = -1;
  for (let q = 0; q < 200; q++) {
    const out = e.renderQuantum();
    for (let i = 0; i < QS; i++) heard.push(out.channels[0]![i]!);
    if (droppedAt < 0 && e.nodeCount === 1) droppedAt = (q + 1) * QS;
  }
  for (let i = 0; i < heard.length; i++) {
    const want = i >= L - 1 && i < L - 1 + 256 ? 0.5 : 0;
    assert.ok(Math.abs(heard[i]! - want) < 1e-6, `frame ${i}: ${heard[i]} vs ${want}`);
  }
  assert.ok(droppedAt > L + 255, `the convolver was kept for its tail (dropped at ${droppedAt})`);
  assert.ok(droppedAt > 0, 'and dropped once silent');
});
