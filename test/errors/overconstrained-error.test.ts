import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverconstrainedError } from '../../src/errors/overconstrained-error.js';

test('33: OverconstrainedError is a DOMException named OverconstrainedError with code 0', () => {
  const e = new OverconstrainedError('width', 'too wide');
  assert.ok(e instanceof DOMException);
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'OverconstrainedError');
  assert.equal(e.code, 0);
  assert.equal(e.message, 'too wide');
  assert.equal(e.constraint, 'width');
  assert.deepEqual(Object.keys(e), []);
  assert.equal(Object.prototype.toString.call(e), '[object OverconstrainedError]');
});

test('33: message defaults to "", arguments are converted to DOMString', () => {
  const e = new OverconstrainedError('');
  assert.equal(e.message, '');
  assert.equal(e.constraint, '');
  const f = new OverconstrainedError(12 as unknown as string, undefined);
  assert.equal(f.constraint, '12');
  assert.equal(f.message, '');
});

test('33: the constraint argument is required; symbols cannot convert', () => {
  assert.throws(() => new (OverconstrainedError as unknown as new () => unknown)(), TypeError);
  assert.throws(() => new OverconstrainedError(Symbol('x') as unknown as string), TypeError);
});

test('constraint getter brand-checks', () => {
  const get = Object.getOwnPropertyDescriptor(OverconstrainedError.prototype, 'constraint')!.get!;
  assert.throws(() => get.call(new DOMException('x')), TypeError);
});
