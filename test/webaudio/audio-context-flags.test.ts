import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The render worker is started with the parent's flags; flags a worker cannot take must not
// stop it (test runners pass many, e.g. --stack-trace-limit), and neither must --input-type.
const index = fileURLToPath(new URL('../../src/webaudio/index.js', import.meta.url));
const script = `
import { AudioContext } from ${JSON.stringify(index)};
const ctx = new AudioContext();
await new Promise((r) => setTimeout(r, 300));
console.log(ctx.state, ctx.currentTime > 0);
await ctx.close();
`;

for (const flags of [['--stack-trace-limit=10', '--input-type=module'], ['--input-type=module']]) {
  test(`a realtime AudioContext renders when node runs with ${flags.join(' ')}`, () => {
    const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.signal, null, `did not exit by itself\n${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'running true');
  });
}
