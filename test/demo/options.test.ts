import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDemoArgs, sweepGainAt, DEFAULT_SECONDS, SWEEP_FROM_DB, SWEEP_TO_DB } from '../../demo/options.js';

describe('parseDemoArgs', () => {
  test('defaults: the gain sweep, 5 s, ./out, automatic output', () => {
    assert.deepEqual(parseDemoArgs([]), { gain: null, seconds: DEFAULT_SECONDS, outDir: 'out', output: 'auto', help: false });
    assert.equal(DEFAULT_SECONDS, 5);
  });

  test('reads every option, in either spelling', () => {
    assert.deepEqual(parseDemoArgs(['--gain', '12.5', '--seconds', '2', '--out', '/tmp/x', '--output', 'file']), {
      gain: 12.5, seconds: 2, outDir: '/tmp/x', output: 'file', help: false,
    });
    assert.deepEqual(parseDemoArgs(['--gain=3', '--seconds=0.5', '--output=system']), {
      gain: 3, seconds: 0.5, outDir: 'out', output: 'system', help: false,
    });
    assert.equal(parseDemoArgs(['-h']).help, true);
    assert.equal(parseDemoArgs(['--help']).help, true);
  });

  test('a negative gain may follow --gain as its own argument', () => {
    assert.equal(parseDemoArgs(['--gain', '-6']).gain, -6);
    assert.equal(parseDemoArgs(['--gain', '-.5', '--seconds', '1']).gain, -0.5);
    assert.equal(parseDemoArgs(['--gain=-40']).gain, -40);
  });

  test('bad values are TypeErrors naming the option', () => {
    assert.throws(() => parseDemoArgs(['--gain', 'loud']), { name: 'TypeError', message: /--gain: expected a number, got "loud"/ });
    assert.throws(() => parseDemoArgs(['--gain', '']), { name: 'TypeError', message: /--gain: expected a number/ });
    assert.throws(() => parseDemoArgs(['--gain', '41']), { name: 'TypeError', message: /--gain: 41 dB is outside -40\.\.40 dB/ });
    assert.throws(() => parseDemoArgs(['--seconds', '0']), { name: 'TypeError', message: /--seconds: 0 is not within/ });
    assert.throws(() => parseDemoArgs(['--seconds', '-1']), { name: 'TypeError', message: /--seconds: -1 is not within/ });
    assert.throws(() => parseDemoArgs(['--seconds', '1e9']), { name: 'TypeError', message: /--seconds/ });
    assert.throws(() => parseDemoArgs(['--output', 'speakers']), { name: 'TypeError', message: /--output: expected auto, system or file, got "speakers"/ });
    assert.throws(() => parseDemoArgs(['--out', '']), { name: 'TypeError', message: /--out/ });
    assert.throws(() => parseDemoArgs(['--volume', '3']), { name: 'TypeError', message: /--volume/ });
    assert.throws(() => parseDemoArgs(['stray']), { name: 'TypeError' });
    assert.throws(() => parseDemoArgs(['--gain']), { name: 'TypeError', message: /--gain/ });
  });
});

describe('sweepGainAt', () => {
  test('is the linear ramp from the first to the last slider position, held at both ends', () => {
    assert.equal(sweepGainAt(0, 4), SWEEP_FROM_DB);
    assert.equal(sweepGainAt(4, 4), SWEEP_TO_DB);
    assert.equal(sweepGainAt(1, 4), SWEEP_FROM_DB + (SWEEP_TO_DB - SWEEP_FROM_DB) / 4);
    assert.equal(sweepGainAt(-1, 4), SWEEP_FROM_DB);
    assert.equal(sweepGainAt(9, 4), SWEEP_TO_DB);
  });
});
