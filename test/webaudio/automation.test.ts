import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render, assertSamples, assertDOMException } from './helpers.js';
import type { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import type { AudioParam } from '../../src/webaudio/audio-param.js';

const SR = 8000;
const f = Math.fround;

/** A ConstantSourceNode with offset 0 whose offset param is automated; output = intrinsic value. */
async function automate(length: number, program: (p: AudioParam, ctx: OfflineAudioContext) => void, sampleRate = SR): Promise<Float32Array> {
  const [ch] = await render(1, length, sampleRate, (ctx) => {
    const src = ctx.createConstantSource();
    src.offset.value = 0;
    program(src.offset, ctx);
    src.connect(ctx.destination);
    src.start();
  });
  return ch!;
}

describe('AudioParam automation at exact sample frames', () => {
  test('setValueAtTime steps at the first frame at or after the time', async () => {
    // 0.01 s * 8000 = frame 80; 0.0101 s -> frame 80.8 -> first frame is 81.
    const out = await automate(256, (p) => {
      p.setValueAtTime(0.25, 0.01);
      p.setValueAtTime(0.75, 0.0101);
    });
    assertSamples(out, 0, 80, () => 0);
    assert.equal(out[80], 0.25);
    assertSamples(out, 81, 256, () => 0.75);
  });

  test('linearRampToValueAtTime follows V0 + (V1-V0)(t-T0)/(T1-T0)', async () => {
    const out = await automate(512, (p) => {
      p.setValueAtTime(1, 100 / SR);
      p.linearRampToValueAtTime(3, 300 / SR);
    });
    assertSamples(out, 0, 100, () => 0);
    assertSamples(out, 100, 300, (n) => 1 + (2 * (n / SR - 100 / SR)) / (200 / SR), 1e-6);
    assertSamples(out, 300, 512, () => 3);
  });

  test('exponentialRampToValueAtTime follows V0 (V1/V0)^((t-T0)/(T1-T0))', async () => {
    const out = await automate(512, (p) => {
      p.setValueAtTime(0.5, 64 / SR);
      p.exponentialRampToValueAtTime(8, 320 / SR);
    });
    assertSamples(out, 64, 320, (n) => 0.5 * Math.pow(16, (n - 64) / 256), 1e-5);
    assertSamples(out, 320, 512, () => 8);
  });

  test('exponential ramp from a value of the opposite sign holds V0 until T1', async () => {
    const out = await automate(256, (p) => {
      p.setValueAtTime(-1, 0);
      p.exponentialRampToValueAtTime(2, 100 / SR);
    });
    assertSamples(out, 0, 100, () => -1);
    assertSamples(out, 100, 256, () => 2);
  });

  test('setTargetAtTime approaches the target exponentially from the value at T0', async () => {
    const tau = 0.01;
    const out = await automate(1024, (p) => {
      p.setValueAtTime(1, 0);
      p.setTargetAtTime(0.25, 200 / SR, tau);
    });
    assertSamples(out, 0, 200, () => 1);
    assertSamples(out, 200, 1024, (n) => 0.25 + (1 - 0.25) * Math.exp(-(n / SR - 200 / SR) / tau), 1e-5);
  });

  test('setTargetAtTime with timeConstant 0 jumps to the target', async () => {
    const out = await automate(256, (p) => {
      p.setValueAtTime(1, 0);
      p.setTargetAtTime(0.5, 10 / SR, 0);
    });
    assertSamples(out, 0, 10, () => 1);
    assertSamples(out, 10, 256, () => 0.5);
  });

  test('setValueCurveAtTime interpolates V[k]..V[k+1] and holds the last value', async () => {
    const curve = [0, 1, 0.5, -1];
    const T0 = 40 / SR;
    const TD = 300 / SR;
    const out = await automate(512, (p) => p.setValueCurveAtTime(curve, T0, TD));
    const N = curve.length;
    const expected = (n: number): number => {
      const t = n / SR;
      if (t < T0) return 0;
      if (t >= T0 + TD) return curve[N - 1]!;
      const pos = ((N - 1) / TD) * (t - T0);
      const k = Math.floor(pos);
      return curve[k]! + (curve[k + 1]! - curve[k]!) * (pos - k);
    };
    assertSamples(out, 0, 512, expected, 1e-5);
  });

  test('a linear ramp after setTargetAtTime that has not started replaces it', async () => {
    // SetTarget at 100 frames (not started at call time 0) then a ramp to 0 at 200 frames:
    // T0 = SetTarget time, V0 = value just before it (1).
    const out = await automate(256, (p) => {
      p.setValueAtTime(1, 0);
      p.setTargetAtTime(5, 100 / SR, 0.1);
      p.linearRampToValueAtTime(0, 200 / SR);
    });
    assertSamples(out, 0, 100, () => 1);
    assertSamples(out, 100, 200, (n) => 1 - (n - 100) / 100, 1e-5);
    assertSamples(out, 200, 256, () => 0);
  });

  test('a ramp with no preceding event starts from the current value at currentTime', async () => {
    const out = await automate(256, (p) => {
      p.value = 2;
      p.linearRampToValueAtTime(4, 128 / SR);
    });
    assertSamples(out, 0, 128, (n) => 2 + 2 * (n / 128), 1e-6);
    assertSamples(out, 128, 256, () => 4);
  });

  test('cancelScheduledValues removes events at or after the time, restoring the prior value', async () => {
    const out = await automate(512, (p) => {
      p.setValueAtTime(0.5, 0);
      p.linearRampToValueAtTime(1, 256 / SR);
      p.setValueAtTime(0.1, 300 / SR);
      p.cancelScheduledValues(200 / SR);
    });
    // The ramp (time 256/SR >= cancel time) is gone entirely: 0.5 everywhere.
    assertSamples(out, 0, 512, () => 0.5);
  });

  test('cancelAndHoldAtTime truncates a linear ramp at the cancel time and holds', async () => {
    const out = await automate(512, (p) => {
      p.setValueAtTime(0, 0);
      p.linearRampToValueAtTime(1, 400 / SR);
      p.cancelAndHoldAtTime(100 / SR);
    });
    assertSamples(out, 0, 100, (n) => n / 400, 1e-6);
    assertSamples(out, 100, 512, () => 100 / 400, 1e-6);
  });

  test('cancelAndHoldAtTime during setTargetAtTime holds the target curve value', async () => {
    const tau = 0.005;
    const out = await automate(512, (p) => {
      p.setValueAtTime(1, 0);
      p.setTargetAtTime(0, 0, tau);
      p.cancelAndHoldAtTime(160 / SR);
    });
    const held = Math.exp(-(160 / SR) / tau);
    assertSamples(out, 0, 160, (n) => Math.exp(-(n / SR) / tau), 1e-5);
    assertSamples(out, 160, 512, () => held, 1e-5);
  });

  test('cancelAndHoldAtTime inside a value curve truncates it but samples it with the original duration', async () => {
    const curve = [0, 1];
    const out = await automate(512, (p) => {
      p.setValueCurveAtTime(curve, 0, 400 / SR);
      p.cancelAndHoldAtTime(100 / SR);
    });
    assertSamples(out, 0, 100, (n) => n / 400, 1e-6);
    assertSamples(out, 100, 512, () => 0.25, 1e-6);
  });

  test('k-rate samples the automation once per render quantum', async () => {
    const [ch] = await render(1, 384, SR, (ctx) => {
      const src = ctx.createConstantSource();
      src.offset.automationRate = 'k-rate';
      src.offset.setValueAtTime(0, 0);
      src.offset.linearRampToValueAtTime(384, 384 / SR);
      src.connect(ctx.destination);
      src.start();
    });
    for (let q = 0; q < 3; q++) assertSamples(ch!, q * 128, (q + 1) * 128, () => q * 128);
  });

  test('computedValue = intrinsic + inputs, clamped to the nominal range', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const mod = ctx.createConstantSource();
      mod.offset.value = 0.75;
      const g = ctx.createGain();
      g.gain.value = 0.5;
      mod.connect(g.gain);
      const src = ctx.createConstantSource();
      src.connect(g).connect(ctx.destination);
      src.start();
      mod.start(128 / SR);
    });
    assertSamples(ch!, 0, 128, () => 0.5);
    assertSamples(ch!, 128, 256, () => 1.25);
  });

  test('values are clamped to [minValue, maxValue] when applied', async () => {
    const [ch] = await render(1, 256, SR, (ctx) => {
      const src = ctx.createConstantSource();
      // maxValue 1/64 s (exact in float32); automation above it is clamped when applied.
      const d = ctx.createDelay(1 / 64);
      d.delayTime.setValueAtTime(1, 0);
      assert.equal(d.delayTime.maxValue, 1 / 64);
      src.connect(d).connect(ctx.destination);
      src.start();
    });
    // 1/64 s = 125 frames of delay.
    assertSamples(ch!, 0, 125, () => 0);
    assertSamples(ch!, 125, 256, () => 1);
  });
});

describe('AudioParam errors and attributes', () => {
  test('time arguments: negative -> RangeError, non-finite -> TypeError', async () => {
    await render(1, 128, SR, (ctx) => {
      const p = ctx.createGain().gain;
      assert.throws(() => p.setValueAtTime(1, -1), RangeError);
      assert.throws(() => p.setValueAtTime(1, Infinity), TypeError);
      assert.throws(() => p.linearRampToValueAtTime(1, -0.5), RangeError);
      assert.throws(() => p.exponentialRampToValueAtTime(0, 1), RangeError);
      assert.throws(() => p.setTargetAtTime(1, 0, -1), RangeError);
      assert.throws(() => p.setValueCurveAtTime([1, 2], 0, 0), RangeError);
      assert.throws(() => p.cancelScheduledValues(-1), RangeError);
      assert.throws(() => p.cancelAndHoldAtTime(-1), RangeError);
      assert.throws(() => p.setValueAtTime(NaN, 0), TypeError);
    });
  });

  test('setValueCurveAtTime: short curve InvalidStateError, overlaps NotSupportedError', async () => {
    await render(1, 128, SR, (ctx) => {
      const p = ctx.createGain().gain;
      assertDOMException(() => p.setValueCurveAtTime([1], 0, 1), 'InvalidStateError');
      p.setValueAtTime(0.5, 0.5);
      assertDOMException(() => p.setValueCurveAtTime([1, 2], 0.25, 1), 'NotSupportedError');
      p.setValueCurveAtTime([1, 2], 1, 1);
      assertDOMException(() => p.setValueAtTime(1, 1.5), 'NotSupportedError');
      assertDOMException(() => p.linearRampToValueAtTime(1, 1), 'NotSupportedError');
      // At exactly T + D is allowed.
      p.setValueAtTime(1, 2);
    });
  });

  test('value reflects assignments and defaults; automationRate rules', async () => {
    await render(1, 128, SR, (ctx) => {
      const g = ctx.createGain();
      assert.equal(g.gain.value, 1);
      assert.equal(g.gain.defaultValue, 1);
      g.gain.value = 0.1;
      assert.equal(g.gain.value, f(0.1));
      assert.throws(() => {
        g.gain.value = NaN;
      }, TypeError);
      assert.equal(g.gain.automationRate, 'a-rate');
      g.gain.automationRate = 'bogus';
      assert.equal(g.gain.automationRate, 'a-rate');
      g.gain.automationRate = 'k-rate';
      assert.equal(g.gain.automationRate, 'k-rate');
      const b = ctx.createBufferSource();
      assert.equal(b.playbackRate.automationRate, 'k-rate');
      assertDOMException(() => {
        b.playbackRate.automationRate = 'a-rate';
      }, 'InvalidStateError');
      assert.equal(g.gain.setValueAtTime(1, 0), g.gain);
      assert.deepEqual(Object.keys(g.gain), []);
    });
  });

  test('value returns the intrinsic value at the start of the last rendered quantum', async () => {
    const { OfflineAudioContext } = await import('../../src/webaudio/offline-audio-context.js');
    const ctx = new OfflineAudioContext(1, 1024, SR);
    const src = ctx.createConstantSource();
    src.offset.setValueAtTime(0, 0);
    src.offset.linearRampToValueAtTime(1024, 1024 / SR);
    src.connect(ctx.destination);
    src.start();
    const seen = ctx.suspend(512 / SR).then(() => {
      // Quanta rendered: frames 0..511; the last quantum started at 384.
      assert.equal(src.offset.value, 384);
      return ctx.resume();
    });
    await ctx.startRendering();
    await seen;
  });
});
