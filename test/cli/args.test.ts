/** The command line's option parser. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions, type OptionSpec } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

const SPECS: OptionSpec[] = [
  { name: 'audio', type: 'optional-string', help: '' },
  { name: 'video', type: 'optional-string', help: '' },
  { name: 'gain', type: 'number', help: '' },
  { name: 'width', type: 'integer', help: '' },
  { name: 'out', type: 'string', help: '' },
  { name: 'json', type: 'flag', help: '' },
  { name: 'help', type: 'flag', short: 'h', help: '' },
];

describe('parseOptions', () => {
  test('an optional value is taken unless the next argument is an option', () => {
    const o = parseOptions(['--audio', '--video', 'Back Camera', '--json'], SPECS, 'x');
    assert.equal(o.get('audio'), true);
    assert.equal(o.get('video'), 'Back Camera');
    assert.equal(o.get('json'), true);
    assert.equal(parseOptions(['--audio=--odd'], SPECS, 'x').get('audio'), '--odd');
  });

  test('values: --name value and --name=value; negative numbers; short aliases', () => {
    const o = parseOptions(['--gain', '-6.5', '--width=640', '--out', '-', '-h'], SPECS, 'x');
    assert.equal(o.get('gain'), -6.5);
    assert.equal(o.get('width'), 640);
    assert.equal(o.get('out'), '-');
    assert.equal(o.get('help'), true);
  });

  test('errors name the option', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--widht', '3'], /unknown option --widht \(did you mean --width\?\)/],
      [['--width', '1e'], /--width expects a number/],
      [['--width', ''], /--width expects a number/],
      [['--width', '2.5'], /--width expects a whole number/],
      [['--json=yes'], /--json takes no value/],
      [['--out'], /--out needs a value/],
      [['--out', '--json'], /--out needs a value/],
      [['--json', '--json'], /--json is given twice/],
      [['-q'], /unknown option -q/],
      [['file.webm'], /unexpected argument "file.webm"/],
    ];
    for (const [argv, message] of bad) {
      assert.throws(() => parseOptions(argv, SPECS, 'x'), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.exitCode === 2, argv.join(' '));
    }
  });
});
