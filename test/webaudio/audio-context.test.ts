import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { assertDOMException } from './helpers.js';
import { parseWav } from '../../src/media/codecs/wav.js';
import { AudioContext } from '../../src/webaudio/audio-context.js';
import { AudioSinkInfo } from '../../src/webaudio/audio-sink-info.js';

const none = { sinkId: { type: 'none' as const } };

function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > ms) reject(new Error('condition not reached in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Waits until the context runs and its 'running' statechange event has been dispatched. */
async function running(ctx: AudioContext): Promise<void> {
  await waitFor(() => ctx.state === 'running');
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === name);
}

describe('AudioContext (realtime, render worker)', () => {
  test('constructor options: sampleRate range, latencyHint, sinkId', async () => {
    assertDOMException(() => new AudioContext({ sampleRate: 2999 }), 'NotSupportedError');
    assertDOMException(() => new AudioContext({ sampleRate: 768001 }), 'NotSupportedError');
    assert.throws(() => new AudioContext({ latencyHint: 'fast' as never }), TypeError);
    assert.throws(() => new AudioContext({ sinkId: { type: 'speaker' } as never }), TypeError);
    const ctx = new AudioContext({ ...none, sampleRate: 22050, latencyHint: 'playback' });
    assert.equal(ctx.sampleRate, 22050);
    assert.equal(ctx.state, 'suspended');
    assert.equal(ctx.destination.channelCount, 2);
    assert.ok(ctx.baseLatency >= (2 * 128) / 22050);
    assert.equal(ctx.outputLatency, 0);
    assert.deepEqual(ctx.getOutputTimestamp(), { contextTime: 0, performanceTime: 0 });
    await ctx.close();
  });

  test('starts by itself: statechange running, currentTime advances in real time, sinkId is an AudioSinkInfo', async () => {
    const ctx = new AudioContext(none);
    const states: string[] = [];
    ctx.onstatechange = () => states.push(ctx.state);
    await waitFor(() => ctx.state === 'running');
    assert.ok(ctx.sinkId instanceof AudioSinkInfo);
    assert.equal((ctx.sinkId as AudioSinkInfo).type, 'none');
    const t0 = ctx.currentTime;
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 200));
    const dt = ctx.currentTime - t0;
    const dw = (performance.now() - w0) / 1000;
    assert.ok(dt > 0, 'currentTime advanced');
    // Real time, within a generous margin for a loaded machine.
    assert.ok(dt <= dw + 0.1, `context advanced ${dt}s in ${dw}s of wall time`);
    const ts = ctx.getOutputTimestamp();
    assert.ok(ts.contextTime > 0 && ts.contextTime <= ctx.currentTime);
    assert.ok(ts.performanceTime > 0 && ts.performanceTime <= performance.now());
    await ctx.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(states, ['running', 'closed']);
  });

  test('suspend / resume / close: promises, state and event order, frozen time', async () => {
    const ctx = new AudioContext(none);
    const log: string[] = [];
    ctx.addEventListener('statechange', () => log.push(`event:${ctx.state}`));
    await waitFor(() => ctx.state === 'running');
    await ctx.suspend();
    log.push(`suspend resolved:${ctx.state}`);
    const frozen = ctx.currentTime;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ctx.currentTime, frozen);
    await ctx.resume();
    log.push(`resume resolved:${ctx.state}`);
    await ctx.close();
    log.push(`close resolved:${ctx.state}`);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, [
      'event:running',
      'suspend resolved:suspended',
      'event:suspended',
      'resume resolved:running',
      'event:running',
      'close resolved:closed',
      'event:closed',
    ]);
    await rejectsWith(ctx.close(), 'InvalidStateError');
    await rejectsWith(ctx.resume(), 'InvalidStateError');
    await rejectsWith(ctx.suspend(), 'InvalidStateError');
  });

  test('an unknown sinkId string fires error and leaves [[sink ID]] empty (no exception)', async () => {
    const ctx = new AudioContext({ sinkId: 'no-such-device' });
    const err = await new Promise<Event>((resolve) => (ctx.onerror = (e) => resolve(e)));
    assert.equal(err.type, 'error');
    assert.equal(ctx.sinkId, '');
    await ctx.close();
  });

  test('setSinkId: same id resolves; unknown id NotAllowedError; "" <-> none fires sinkchange', async () => {
    const ctx = new AudioContext(none);
    await running(ctx);
    await ctx.setSinkId({ type: 'none' });
    await rejectsWith(ctx.setSinkId('bogus-device'), 'NotAllowedError');
    const events: string[] = [];
    ctx.onsinkchange = () => events.push('sinkchange');
    ctx.onstatechange = () => events.push(`statechange:${ctx.state}`);
    await ctx.setSinkId('');
    events.push('resolved');
    assert.equal(ctx.sinkId, '');
    await waitFor(() => events.includes('statechange:running'));
    // sinkchange fires in the task that resolves the promise, before its reactions run.
    assert.deepEqual(events, ['statechange:suspended', 'sinkchange', 'resolved', 'statechange:running']);
    await ctx.close();
  });

  test('AudioParam.value and ended events come back from the render thread', async () => {
    const ctx = new AudioContext(none);
    try {
      const src = ctx.createConstantSource();
      // Intrinsic value equals the context time (seconds).
      src.offset.setValueAtTime(0, 0);
      src.offset.linearRampToValueAtTime(1000, 1000);
      src.connect(ctx.destination);
      src.start();
      await waitFor(() => ctx.currentTime > 0.1);
      const v = src.offset.value;
      const t = ctx.currentTime;
      assert.ok(v > 0 && t - v >= 0 && t - v < 0.05, `value ${v} at currentTime ${t}`);
      const other = ctx.createConstantSource();
      const ended = new Promise<number>((resolve) => (other.onended = () => resolve(ctx.currentTime)));
      other.start();
      const stopAt = ctx.currentTime + 0.05;
      other.stop(stopAt);
      assert.ok((await ended) >= stopAt);
    } finally {
      await ctx.close();
    }
  });

  test('the render thread keeps time while the main thread is blocked', async () => {
    const ctx = new AudioContext(none);
    try {
      await waitFor(() => ctx.state === 'running');
      const t0 = ctx.currentTime;
      const end = performance.now() + 300;
      while (performance.now() < end) {
        // busy main thread: no task, timer or message can run here
      }
      assert.ok(ctx.currentTime > t0, 'currentTime advanced while the main thread was blocked');
    } finally {
      await ctx.close();
    }
  });

  test('a script that closes its context exits by itself', () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const mod = join(here, '../../src/webaudio/audio-context.js');
    const script = `
      import { AudioContext } from ${JSON.stringify(mod)};
      const ctx = new AudioContext({ sinkId: { type: 'none' } });
      const o = ctx.createConstantSource(); o.connect(ctx.destination); o.start();
      setTimeout(() => ctx.close().then(() => console.log('closed')), 50);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'the process had to be killed: it did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'closed');
  });
});

describe('AudioContext process lifetime', () => {
  test('a suspended context with nothing pending does not keep the process alive', () => {
    const mod = join(fileURLToPath(new URL('.', import.meta.url)), '../../src/webaudio/audio-context.js');
    const script = `
      import { AudioContext } from ${JSON.stringify(mod)};
      const ctx = new AudioContext({ sinkId: { type: 'none' } });
      ctx.onstatechange = () => {
        if (ctx.state === 'running') ctx.suspend().then(() => console.log('suspended'));
      };
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'the process had to be killed: it did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'suspended');
  });
});

describe('AudioContext sinks', () => {
  test('the WAV file sink writes a valid float WAV of the rendered output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-sink-'));
    const path = join(dir, 'out.wav');
    try {
      const ctx = new AudioContext({ sampleRate: 8000, mediacaptureSink: { type: 'file', path } });
      const src = ctx.createConstantSource();
      src.offset.value = 0.5;
      src.connect(ctx.destination);
      src.start();
      await waitFor(() => ctx.state === 'running');
      await new Promise((r) => setTimeout(r, 150));
      await ctx.close();
      const f = readFileSync(path);
      assert.equal(f.toString('ascii', 0, 4), 'RIFF');
      assert.equal(f.toString('ascii', 8, 12), 'WAVE');
      assert.equal(f.readUInt16LE(20), 3); // IEEE float
      assert.equal(f.readUInt16LE(22), 2);
      assert.equal(f.readUInt32LE(24), 8000);
      assert.equal(f.readUInt16LE(34), 32);
      const dataBytes = f.readUInt32LE(40);
      assert.equal(f.readUInt32LE(4), 36 + dataBytes);
      assert.equal(f.length, 44 + dataBytes);
      assert.ok(dataBytes >= 128 * 8, `only ${dataBytes} bytes of audio`);
      // Silence until the graph reached the render thread, then the constant 0.5 on both channels.
      const samples = new Float32Array(f.buffer.slice(f.byteOffset + 44, f.byteOffset + 44 + dataBytes));
      const first = samples.indexOf(0.5);
      assert.ok(first >= 0 && first % 2 === 0, 'the constant reached the file');
      assert.ok(samples.subarray(0, first).every((v) => v === 0));
      assert.ok(samples.subarray(first).every((v) => v === 0.5));
      // The shared WAV reader agrees.
      const parsed = parseWav(new Uint8Array(f));
      assert.equal(parsed.sampleRate, 8000);
      assert.equal(parsed.channels.length, 2);
      assert.equal(parsed.channels[0]!.length, dataBytes / 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the stream sink writes raw s16le frames to a Writable', async () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    const ctx = new AudioContext({ sampleRate: 8000, mediacaptureSink: { type: 'stream', stream, format: 's16le' } });
    const src = ctx.createConstantSource();
    src.offset.value = 0.25;
    src.connect(ctx.destination);
    src.start();
    await waitFor(() => chunks.length > 3);
    await ctx.close();
    const all = Buffer.concat(chunks);
    assert.equal(all.length % 4, 0);
    const s = new Int16Array(all.buffer.slice(all.byteOffset, all.byteOffset + all.length));
    const v = 0.25 * 32768;
    const first = s.indexOf(v);
    assert.ok(first >= 0 && first % 2 === 0, 'the constant reached the stream');
    assert.ok(s.subarray(0, first).every((x) => x === 0));
    assert.ok(s.subarray(first).every((x) => x === v));
  });

  test('the system sink without a sound server fires error and never crashes', async (t) => {
    const probe = spawnSync('pactl', ['info'], { stdio: 'ignore' });
    if (probe.status === 0) {
      t.skip('a sound server is running here; this test needs one to be absent');
      return;
    }
    const ctx = new AudioContext({ mediacaptureSink: { type: 'system' } });
    const err = await new Promise<Event>((resolve) => ctx.addEventListener('error', resolve));
    assert.equal(err.type, 'error');
    assert.equal(ctx.state, 'suspended');
    // resume() falls back to rendering without output.
    await ctx.resume();
    assert.equal(ctx.state, 'running');
    await ctx.close();
  });
});

describe('AudioContext stream sink failures', () => {
  test('a Writable that errors fires error on the context instead of crashing', async () => {
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('disk full'));
      },
    });
    const ctx = new AudioContext({ sampleRate: 8000, mediacaptureSink: { type: 'stream', stream } });
    try {
      const err = await new Promise<Event>((resolve) => ctx.addEventListener('error', resolve));
      assert.match((err as Event & { message: string }).message, /disk full/);
    } finally {
      await ctx.close();
    }
  });

  test('a slow Writable holds rendering back (backpressure) and nothing is lost', async () => {
    const received: Buffer[] = [];
    let pending: (() => void) | null = null;
    const stream = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk);
        pending = cb;
      },
    });
    const ctx = new AudioContext({ sampleRate: 8000, mediacaptureSink: { type: 'stream', stream, format: 'f32le' } });
    try {
      await waitFor(() => pending !== null);
      // Not acknowledging writes: the renderer must stop soon after the Writable is full.
      await new Promise((r) => setTimeout(r, 300));
      const stalled = ctx.currentTime;
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(ctx.currentTime - stalled < 0.05, `time moved ${ctx.currentTime - stalled}s while the stream was blocked`);
      // Release it: rendering continues.
      const release = setInterval(() => {
        const cb = pending;
        pending = null;
        cb?.();
      }, 1);
      await waitFor(() => ctx.currentTime > stalled + 0.1);
      clearInterval(release);
    } finally {
      const cb = pending as (() => void) | null;
      cb?.();
      await ctx.close();
    }
  });
});
