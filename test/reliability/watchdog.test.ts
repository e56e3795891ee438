/**
 * The reliability suite's watchdog itself: a test that freezes the event loop for 1.5 s fails,
 * whether the main thread spins or blocks; a test that waits as long on a timer passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const subject = fileURLToPath(new URL('./fixtures/watchdog-subject.js', import.meta.url));

function run(mode: string): { status: number | null; output: string } {
  // A test runner of its own: without NODE_TEST_CONTEXT the child does not report to this one.
  const env: NodeJS.ProcessEnv = { ...process.env, WATCHDOG_SUBJECT: mode };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', subject], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

for (const mode of ['spin', 'block']) {
  test(`a test whose event loop is frozen for 1.5 s (${mode}) fails with the stall named`, () => {
    const { status, output } = run(mode);
    assert.notEqual(status, 0, output);
    assert.match(output, /the event loop stopped answering timers for (\d+) ms/);
    const ms = Number(/stopped answering timers for (\d+) ms/.exec(output)![1]);
    assert.ok(ms >= 1000 && ms < 10_000, `reported stall ${ms} ms`);
  });
}

test('a test that waits 1.5 s on a timer passes', () => {
  const { status, output } = run('idle');
  assert.equal(status, 0, output);
  assert.match(output, /# pass 1/);
});
