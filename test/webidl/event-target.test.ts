import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaEventTarget } from '../../src/webidl/event-target.js';

/** Collects what reportException() hands to 'uncaughtException' while `body` runs. */
async function reported(body: () => void): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onUncaught = (e: unknown): void => void seen.push(e);
  // The test runner listens too: stand in for it while the body runs.
  const others = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onUncaught);
  try {
    body();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('uncaughtException', onUncaught);
    for (const l of others) process.on('uncaughtException', l);
  }
  return seen;
}

test('a throwing listener is reported and the later listeners still run', async () => {
  const t = new MediaEventTarget();
  const order: string[] = [];
  const boom = new Error('listener failed');
  t.addEventListener('x', () => {
    order.push('first');
    throw boom;
  });
  t.addEventListener('x', () => order.push('second'));
  let returned = false;
  const seen = await reported(() => {
    t.dispatchEvent(new Event('x'));
    returned = true;
  });
  assert.equal(returned, true);
  assert.deepEqual(order, ['first', 'second']);
  assert.deepEqual(seen, [boom]);
});

test('listener identity is kept: duplicates collapse, removal works, capture is part of the key', () => {
  const t = new MediaEventTarget();
  let calls = 0;
  const fn = (): void => void calls++;
  t.addEventListener('x', fn);
  t.addEventListener('x', fn);
  t.addEventListener('x', fn, { capture: true });
  t.dispatchEvent(new Event('x'));
  assert.equal(calls, 2);
  t.removeEventListener('x', fn);
  t.dispatchEvent(new Event('x'));
  assert.equal(calls, 3);
  t.removeEventListener('x', fn, true);
  t.dispatchEvent(new Event('x'));
  assert.equal(calls, 3);
});

test('listener objects have handleEvent looked up at each call, with this = the object', async () => {
  const t = new MediaEventTarget();
  const got: string[] = [];
  const obj: { handleEvent: unknown } = {
    handleEvent(this: unknown, e: Event) {
      assert.equal(this, obj);
      got.push(`a:${e.type}`);
    },
  };
  t.addEventListener('x', obj as EventListenerObject);
  t.dispatchEvent(new Event('x'));
  obj.handleEvent = () => got.push('b');
  t.dispatchEvent(new Event('x'));
  obj.handleEvent = 42;
  const seen = await reported(() => t.dispatchEvent(new Event('x')));
  assert.deepEqual(got, ['a:x', 'b']);
  assert.equal(seen.length, 1);
  assert.ok(seen[0] instanceof TypeError);
});

test('function listeners see the target as this and the once / signal options still apply', () => {
  const t = new MediaEventTarget();
  const thisSeen: unknown[] = [];
  t.addEventListener('x', function (this: unknown) {
    thisSeen.push(this);
  }, { once: true });
  const ac = new AbortController();
  let aborted = 0;
  t.addEventListener('y', () => void aborted++, { signal: ac.signal });
  t.dispatchEvent(new Event('x'));
  t.dispatchEvent(new Event('x'));
  ac.abort();
  t.dispatchEvent(new Event('y'));
  assert.deepEqual(thisSeen, [t]);
  assert.equal(aborted, 0);
});
