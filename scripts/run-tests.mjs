// Runs the compiled test files under dist/test with the built-in node:test runner.
// Usage: npm test [-- <substring filter> ...]
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'dist', 'test');

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = collect(testRoot, []).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => relative(root, f).includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const args = ['--test', '--test-timeout=180000', ...files.map((f) => relative(root, f))];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
