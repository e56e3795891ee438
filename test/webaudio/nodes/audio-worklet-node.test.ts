/**
 * AudioWorkletNode and AudioWorkletProcessor (webaudio#AudioWorkletNode,
 * webaudio#AudioWorkletProcessor): construction and its errors, the process() contract as the
 * rendering loop runs it, parameters, messaging, processorerror — offline and on a realtime
 * context fed by a microphone.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertDOMException, assertSamples } from '../helpers.js';
import { OfflineAudioContext } from '../../../src/webaudio/offline-audio-context.js';
import { AudioContext, AudioWorkletNode, AudioParamMap, ConstantSourceNode, GainNode } from '../../../src/webaudio/index.js';
import { createMediaDevices } from '../../../src/devices/create-media-devices.js';

const SR = 8000;
const dataUrl = (src: string): string => `data:text/javascript;base64,${Buffer.from(src).toString('base64')}`;

/** Processors used below, in one module. */
const PROCESSORS = `
registerProcessor('gain', class extends AudioWorkletProcessor {
  static get parameterDescriptors() { return [{ name: 'gain', defaultValue: 1 }]; }
  process(inputs, outputs, parameters) {
    const g = parameters.gain;
    const input = inputs[0], output = outputs[0];
    for (let c = 0; c < input.length; c++) {
      for (let i = 0; i < output[c].length; i++) output[c][i] = input[c][i] * (g.length === 1 ? g[0] : g[i]);
    }
    return true;
  }
});

// Reports, per call, what process() was handed; stops after 'calls' calls if told to.
registerProcessor('probe', class extends AudioWorkletProcessor {
  static get parameterDescriptors() { return [{ name: 'a' }, { name: 'k', automationRate: 'k-rate' }]; }
  constructor(options) {
    super();
    this.calls = 0;
    this.stopAfter = options.processorOptions?.stopAfter ?? Infinity;
    this.port.postMessage({ t: 'constructed', options, frame: currentFrame });
  }
  process(inputs, outputs, parameters) {
    this.calls++;
    let frozen = Object.isFrozen(inputs) && Object.isFrozen(outputs) && Object.isFrozen(parameters);
    for (const i of inputs) frozen = frozen && Object.isFrozen(i);
    for (const o of outputs) frozen = frozen && Object.isFrozen(o);
    this.port.postMessage({
      t: 'process', call: this.calls, frame: currentFrame, time: currentTime, frozen,
      inputChannels: inputs.map((i) => i.length), outputChannels: outputs.map((o) => o.length),
      aLength: parameters.a.length, kLength: parameters.k.length, a0: parameters.a[0], aLast: parameters.a[parameters.a.length - 1],
      realm: inputs instanceof Array && parameters.a instanceof Float32Array,
    });
    for (const o of outputs) for (const ch of o) ch.fill(0.25);
    return this.calls < this.stopAfter;
  }
});

registerProcessor('throws-in-constructor', class extends AudioWorkletProcessor {
  constructor() { super(); throw new RangeError('no constructing today'); }
  process() { return true; }
});

registerProcessor('throws-in-process', class extends AudioWorkletProcessor {
  constructor() { super(); this.n = 0; }
  process(inputs, outputs) {
    for (const ch of outputs[0]) ch.fill(1);
    if (++this.n === 3) throw new Error('third time');
    return true;
  }
});

registerProcessor('no-process', class extends AudioWorkletProcessor {});

// Echoes messages; writes into a SharedArrayBuffer it is sent; keeps a transferred buffer.
registerProcessor('echo', class extends AudioWorkletProcessor {
  constructor() {
    super();
    this.port.onmessage = (e) => {
      const d = e.data;
      if (d.sab) { new Int32Array(d.sab)[0] = 42; Atomics.notify(new Int32Array(d.sab), 0); this.port.postMessage('wrote'); return; }
      if (d.buffer) { this.port.postMessage({ got: d.buffer.byteLength, first: new Uint8Array(d.buffer)[0] }); return; }
      this.port.postMessage({ echo: d });
    };
  }
  process() { return true; }
});

registerProcessor('source', class extends AudioWorkletProcessor {
  process(inputs, outputs) {
    for (const ch of outputs[0]) for (let i = 0; i < ch.length; i++) ch[i] = (currentFrame + i) / 1000;
    return true;
  }
});

registerProcessor('multi', class extends AudioWorkletProcessor {
  process(inputs, outputs) {
    outputs.forEach((o, k) => o.forEach((ch, c) => ch.fill(k * 10 + c + 1)));
    return true;
  }
});
`;

async function offline(length: number, channels = 1): Promise<OfflineAudioContext> {
  const ctx = new OfflineAudioContext(channels, length, SR);
  await ctx.audioWorklet.addModule(dataUrl(PROCESSORS));
  return ctx;
}

/** Collects messages from a port until `done(list)` holds. */
function collect(port: MessagePort | import('node:worker_threads').MessagePort, done: (all: any[]) => boolean): Promise<any[]> {
  return new Promise((resolve) => {
    const all: any[] = [];
    (port as MessagePort).onmessage = (e: MessageEvent) => {
      all.push(e.data);
      if (done(all)) {
        (port as MessagePort).onmessage = null;
        resolve(all);
      }
    };
  });
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('AudioWorkletNode construction', () => {
  test('spec errors for names, port counts and channel counts', async () => {
    const ctx = await offline(128);
    assert.throws(() => new (AudioWorkletNode as any)(ctx), TypeError);
    assert.throws(() => new AudioWorkletNode({} as never, 'gain'), TypeError);
    assertDOMException(() => new AudioWorkletNode(ctx, 'unregistered'), 'InvalidStateError');
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { numberOfInputs: 0, numberOfOutputs: 0 }), 'NotSupportedError');
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { outputChannelCount: [0] }), 'NotSupportedError');
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { outputChannelCount: [33] }), 'NotSupportedError');
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { numberOfOutputs: 2, outputChannelCount: [1] }), 'IndexSizeError');
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { channelCount: 0 }), 'NotSupportedError');
    assert.throws(() => new AudioWorkletNode(ctx, 'gain', { parameterData: { gain: NaN } }), TypeError);
    assert.throws(() => new AudioWorkletNode(ctx, 'gain', { processorOptions: 5 as never }), TypeError);
    assertDOMException(() => new AudioWorkletNode(ctx, 'gain', { processorOptions: { f: () => 1 } }), 'DataCloneError');
    const node = new AudioWorkletNode(ctx, 'gain', { numberOfInputs: 2, numberOfOutputs: 3, outputChannelCount: [1, 2, 3] });
    assert.equal(node.numberOfInputs, 2);
    assert.equal(node.numberOfOutputs, 3);
    assert.equal(node.channelCount, 2);
    assert.equal(node.channelCountMode, 'max');
    assert.ok(node.parameters instanceof AudioParamMap);
    assert.equal(node.parameters, node.parameters);
    assert.equal(Object.prototype.toString.call(node), '[object AudioWorkletNode]');
    assert.equal(node.onprocessorerror, null);
    assert.throws(() => new (AudioParamMap as any)(), TypeError);
    assert.equal(AudioParamMap.prototype.forEach.length, 1);
    assert.equal(AudioParamMap.prototype[Symbol.iterator], AudioParamMap.prototype.entries);
    assert.equal(AudioWorkletNode.length, 2);
  });

  test('the processor gets the serialized options, its own port, and the current frame', async () => {
    const ctx = await offline(128);
    const node = new AudioWorkletNode(ctx, 'probe', {
      numberOfInputs: 1,
      numberOfOutputs: 2,
      outputChannelCount: [1, 3],
      channelCount: 1,
      parameterData: { a: 0.5 },
      processorOptions: { stopAfter: 1, nested: { list: [1, 2], when: new Date(5) } },
    });
    const msgs = collect(node.port, (all) => all.length >= 1);
    // Constructed with the node (no rendering needed), as browsers do.
    const [first] = await msgs;
    assert.equal(first.t, 'constructed');
    assert.equal(first.frame, 0);
    assert.deepEqual(first.options.processorOptions.nested.list, [1, 2]);
    assert.equal(first.options.processorOptions.nested.when.getTime(), 5);
    assert.equal(first.options.numberOfOutputs, 2);
    assert.deepEqual(first.options.outputChannelCount, [1, 3]);
    assert.deepEqual(first.options.parameterData, { a: 0.5 });
    assert.equal(first.options.channelCount, 1);
  });
});

describe('the process() contract', () => {
  test('a gain processor renders input × a-rate parameter, sample by sample', async () => {
    const ctx = await offline(512);
    const src = new ConstantSourceNode(ctx, { offset: 0.5 });
    const node = new AudioWorkletNode(ctx, 'gain', { parameterData: { gain: 2 } });
    const gain = node.parameters.get('gain')!;
    gain.setValueAtTime(2, 0);
    gain.setValueAtTime(2, 256 / SR);
    gain.linearRampToValueAtTime(0, 512 / SR);
    src.connect(node).connect(ctx.destination);
    src.start();
    const ch = (await ctx.startRendering()).getChannelData(0);
    assertSamples(ch, 0, 256, () => 1, 1e-6, 'constant part');
    assertSamples(ch, 256, 512, (n) => 0.5 * 2 * (1 - (n - 256) / 256), 1e-5, 'ramp');
  });

  test('frozen arrays from the scope realm; constant parameters are one value, automated ones 128', async () => {
    const ctx = await offline(128 * 4);
    const src = new ConstantSourceNode(ctx);
    const node = new AudioWorkletNode(ctx, 'probe', { outputChannelCount: [2] });
    const a = node.parameters.get('a')!;
    a.setValueAtTime(0, 0);
    a.linearRampToValueAtTime(1, 256 / SR); // automated over quanta 0 and 1, constant after
    const k = node.parameters.get('k')!;
    k.linearRampToValueAtTime(1, 512 / SR); // k-rate: always one value
    src.connect(node).connect(ctx.destination);
    src.start();
    const msgs = collect(node.port, (all) => all.filter((m) => m.t === 'process').length >= 4);
    const out = (await ctx.startRendering()).getChannelData(0);
    const calls = (await msgs).filter((m) => m.t === 'process');
    assert.deepEqual(calls.map((m) => m.frame), [0, 128, 256, 384]);
    assert.deepEqual(calls.map((m) => m.time), [0, 128 / SR, 256 / SR, 384 / SR]);
    assert.ok(calls.every((m) => m.frozen && m.realm));
    assert.deepEqual(calls.map((m) => m.aLength), [128, 128, 1, 1]);
    assert.deepEqual(calls.map((m) => m.kLength), [1, 1, 1, 1]);
    assert.equal(calls[0].a0, 0);
    assert.ok(Math.abs(calls[1].aLast - 255 / 256) < 1e-6);
    assert.equal(calls[2].a0, 1);
    assert.deepEqual(calls[0].inputChannels, [1]);
    assert.deepEqual(calls[0].outputChannels, [2]);
    // The destination down-mixes the two 0.25 channels of the output: 0.25.
    assertSamples(out, 0, 512, () => 0.25);
  });

  test('an unconnected input is an empty array; outputs follow the input channel count for 1 in / 1 out', async () => {
    const ctx = await offline(256, 2);
    const node = new AudioWorkletNode(ctx, 'probe');
    const merged = new AudioWorkletNode(ctx, 'probe');
    const src = new ConstantSourceNode(ctx);
    const up = new GainNode(ctx, { channelCount: 2, channelCountMode: 'explicit' });
    src.connect(up).connect(merged);
    src.start();
    node.connect(ctx.destination);
    merged.connect(ctx.destination);
    const a = collect(node.port, (all) => all.some((m) => m.t === 'process'));
    const b = collect(merged.port, (all) => all.some((m) => m.t === 'process'));
    await ctx.startRendering();
    const pa = (await a).find((m) => m.t === 'process');
    const pb = (await b).find((m) => m.t === 'process');
    assert.deepEqual(pa.inputChannels, [0]);
    assert.deepEqual(pa.outputChannels, [1]);
    assert.deepEqual(pb.inputChannels, [2]);
    assert.deepEqual(pb.outputChannels, [2]);
  });

  test('returning false without live inputs ends processing; returning true keeps a source sounding', async () => {
    const ctx = await offline(128 * 8);
    const stopping = new AudioWorkletNode(ctx, 'probe', { processorOptions: { stopAfter: 3 } });
    const source = new AudioWorkletNode(ctx, 'source', { numberOfInputs: 0 });
    stopping.connect(ctx.destination);
    const g = new GainNode(ctx, { gain: 0 });
    source.connect(g).connect(ctx.destination);
    const msgs = collect(stopping.port, (all) => all.filter((m) => m.t === 'process').length >= 3);
    const out = (await ctx.startRendering()).getChannelData(0);
    await settle();
    const calls = (await msgs).filter((m) => m.t === 'process');
    assert.deepEqual(calls.map((m) => m.call), [1, 2, 3]);
    // After its third call it renders silence: 0.25 for 3 quanta, then 0.
    assertSamples(out, 0, 384, () => 0.25);
    assertSamples(out, 384, 1024, () => 0);
  });

  test('a processor with no inputs is a source: its output reaches the destination', async () => {
    const ctx = await offline(256);
    const node = new AudioWorkletNode(ctx, 'source', { numberOfInputs: 0, outputChannelCount: [1] });
    node.connect(ctx.destination);
    const ch = (await ctx.startRendering()).getChannelData(0);
    assertSamples(ch, 0, 256, (n) => n / 1000, 1e-6);
  });

  test('several outputs with their own channel counts, routed separately', async () => {
    const ctx = await offline(128, 2);
    const node = new AudioWorkletNode(ctx, 'multi', { numberOfInputs: 0, numberOfOutputs: 2, outputChannelCount: [1, 2] });
    const merger = ctx.createChannelMerger(2);
    const split = ctx.createChannelSplitter(2);
    node.connect(merger, 0, 0); // output 0, channel 0: 1
    node.connect(split, 1); // output 1: channels 11, 12
    split.connect(merger, 1, 1); // channel 12
    merger.connect(ctx.destination);
    const buf = await ctx.startRendering();
    assertSamples(buf.getChannelData(0), 0, 128, () => 1);
    assertSamples(buf.getChannelData(1), 0, 128, () => 12);
  });
});

describe('processorerror', () => {
  test('an exception in the constructor fires processorerror; the node outputs silence', async () => {
    const ctx = await offline(256);
    const node = new AudioWorkletNode(ctx, 'throws-in-constructor', { numberOfInputs: 0 });
    const fired = new Promise<Event>((resolve) => (node.onprocessorerror = resolve));
    node.connect(ctx.destination);
    const ch = (await ctx.startRendering()).getChannelData(0);
    const ev = (await fired) as ErrorEvent;
    assert.equal(ev.type, 'processorerror');
    assert.match(ev.message, /no constructing today/);
    assert.equal(ev.bubbles, false);
    assertSamples(ch, 0, 256, () => 0);
  });

  test('an exception in process() fires processorerror once; the rest of the graph keeps rendering', async () => {
    const ctx = await offline(128 * 6);
    const bad = new AudioWorkletNode(ctx, 'throws-in-process', { numberOfInputs: 0 });
    const missing = new AudioWorkletNode(ctx, 'no-process', { numberOfInputs: 0 });
    const good = new ConstantSourceNode(ctx, { offset: 0.5 });
    bad.connect(ctx.destination);
    missing.connect(ctx.destination);
    good.connect(ctx.destination);
    good.start();
    const events: ErrorEvent[] = [];
    const missingEvents: ErrorEvent[] = [];
    bad.addEventListener('processorerror', (e) => events.push(e as ErrorEvent));
    missing.addEventListener('processorerror', (e) => missingEvents.push(e as ErrorEvent));
    const ch = (await ctx.startRendering()).getChannelData(0);
    await settle();
    assert.equal(events.length, 1);
    assert.match(events[0]!.message, /third time/);
    assert.ok(events[0]!.filename.startsWith('data:'), events[0]!.filename);
    assert.ok(events[0]!.lineno > 0);
    assert.equal(missingEvents.length, 1);
    assert.match(missingEvents[0]!.message, /TypeError/);
    // Two quanta of 1 + 0.5, the throwing quantum and after: 0.5.
    assertSamples(ch, 0, 256, () => 1.5);
    assertSamples(ch, 256, 768, () => 0.5);
  });
});

describe('messaging between the node and its processor', () => {
  async function exchange(node: AudioWorkletNode): Promise<void> {
    const port = node.port as unknown as MessagePort;
    const next = (): Promise<any> => collect(port, () => true).then((a) => a[0]);

    let reply = next();
    port.postMessage({ hello: [1, { two: 2 }] });
    assert.deepEqual(await reply, { echo: { hello: [1, { two: 2 }] } });

    const buffer = new Uint8Array([7, 8, 9]).buffer;
    reply = next();
    port.postMessage({ buffer }, [buffer]);
    assert.equal(buffer.byteLength, 0, 'transferred away');
    assert.deepEqual(await reply, { got: 3, first: 7 });

    const sab = new SharedArrayBuffer(4);
    reply = next();
    port.postMessage({ sab });
    assert.equal(await reply, 'wrote');
    assert.equal(new Int32Array(sab)[0], 42);
  }

  test('offline: messages both ways, a transferred ArrayBuffer, a SharedArrayBuffer written by the processor', async () => {
    const ctx = await offline(256);
    const node = new AudioWorkletNode(ctx, 'echo');
    // The processor is constructed when rendering starts; talk to it while rendering is suspended.
    const suspended = ctx.suspend(128 / SR);
    const done = ctx.startRendering();
    await suspended;
    await exchange(node);
    await ctx.resume();
    await done;
  });

  test('realtime: the same exchange with the processor on the render thread', async () => {
    const ctx = new AudioContext();
    try {
      await ctx.audioWorklet.addModule(dataUrl(PROCESSORS));
      await exchange(new AudioWorkletNode(ctx, 'echo'));
    } finally {
      await ctx.close();
    }
  });
});

describe('AudioWorklet on a realtime AudioContext', () => {
  test('a level meter on a microphone posts the level measured on the render thread', async () => {
    const { mediaDevices } = createMediaDevices({ devices: { microphones: [{ id: 'mic', toneFrequency: 440, amplitude: 0.5 }], cameras: 0 } });
    const stream = await mediaDevices.getUserMedia({ audio: true });
    const ctx = new AudioContext({ sampleRate: 16000 });
    try {
      // Loaded from a file, as an application ships its processors.
      const dir = mkdtempSync(join(tmpdir(), 'mc-meter-'));
      const file = join(dir, 'meter.js');
      writeFileSync(file, `registerProcessor('meter', class extends AudioWorkletProcessor {
          constructor() { super(); this.sum = 0; this.n = 0; this.first = -1; }
          process(inputs) {
            const ch = inputs[0][0];
            if (ch) {
              if (this.first < 0) this.first = currentFrame;
              for (let i = 0; i < ch.length; i++) this.sum += ch[i] * ch[i];
              this.n += ch.length;
              if (this.n >= sampleRate / 4) {
                this.port.postMessage({ rms: Math.sqrt(this.sum / this.n), rate: sampleRate, frame: currentFrame });
                this.sum = 0; this.n = 0;
              }
            }
            return true;
          }
        });`);
      try {
        await ctx.audioWorklet.addModule(file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const node = new AudioWorkletNode(ctx, 'meter', { numberOfOutputs: 0 });
      ctx.createMediaStreamSource(stream).connect(node);
      const levels = await collect(node.port, (all) => all.length >= 3);
      for (const l of levels) {
        assert.equal(l.rate, 16000);
        // A sine of amplitude 0.5 has an RMS of 0.5/√2 ≈ 0.354.
        assert.ok(Math.abs(l.rms - 0.5 / Math.SQRT2) < 0.03, `rms ${l.rms}`);
      }
      assert.ok(levels[2].frame > levels[0].frame);
    } finally {
      for (const t of stream.getTracks()) t.stop();
      await ctx.close();
    }
  });

  test('a script that closes its context exits on its own', () => {
    const entry = fileURLToPath(new URL('../../../src/webaudio/index.js', import.meta.url));
    const script = `
      import { AudioContext, AudioWorkletNode } from ${JSON.stringify(entry)};
      const ctx = new AudioContext();
      await ctx.audioWorklet.addModule('data:text/javascript,' + encodeURIComponent(
        "registerProcessor('p', class extends AudioWorkletProcessor { constructor() { super(); this.port.onmessage = () => {}; } process() { return true; } });"));
      const node = new AudioWorkletNode(ctx, 'p');
      node.port.onmessage = () => {};
      node.connect(ctx.destination);
      await new Promise((r) => setTimeout(r, 200));
      await ctx.close();
      console.log('closed');
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.error, undefined, 'the process did not exit within 20 s');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /closed/);
  });
});
