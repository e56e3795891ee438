/**
 * Type-level checks, run through the TypeScript compiler over the built declarations (npm test
 * builds first): the public types against lib.dom in both directions, the polyfill's globals with
 * and without the DOM lib, and the shipped .d.ts files of both builds under lib ES2022 alone with
 * every declaration file checked (no skipLibCheck); and that those .d.ts files carry no `#private`
 * member (scripts/structural-dts.mjs removes it), so our classes stay structural.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

function compile(project: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function assertCompiles(project: string): void {
  const { status, output } = compile(project);
  assert.equal(status, 0, `tsc -p ${project} failed:\n${output}`);
}

test('our public types and lib.dom assign both ways, exceptions as listed (DOM lib)', () => {
  assertCompiles('test/types/tsconfig.json');
});

test('the ES build declarations and polyfill globals compile with lib ES2022 and no DOM', () => {
  assertCompiles('test/types/tsconfig.no-dom.json');
});

test('the CommonJS build declarations and polyfill globals compile with lib ES2022 and no DOM', () => {
  assertCompiles('test/types/tsconfig.no-dom.cjs.json');
});

function declarationFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) declarationFiles(full, out);
    else if (name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

test('the shipped declarations of both builds have no #private member: our classes are structural', () => {
  for (const build of ['dist/src', 'dist/cjs/src']) {
    const files = declarationFiles(join(root, build));
    // Not vacuous: the build's declarations are there to read.
    assert.ok(files.length > 50, `${build}: only ${files.length} .d.ts files`);
    const branded = files.filter((f) => /^\s*#private\b/m.test(readFileSync(f, 'utf8')));
    assert.deepEqual(branded.map((f) => f.slice(root.length + 1)), [], `${build}: .d.ts files with a #private member`);
  }
});

test('a wrong assignment is reported: the checks can fail', () => {
  // The same setup as the assignability project, with one assignment lib.dom cannot accept.
  const dir = mkdtempSync(join(root, 'test', 'types', 'fixtures', '.tmp-'));
  try {
    writeFileSync(join(dir, 'wrong.ts'), [
      "import type * as M from 'mediacapture';",
      'declare const track: M.MediaStreamTrack;',
      'export const stream: MediaStream = track;',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: '../../tsconfig.json',
      files: ['wrong.ts'],
    }));
    const { status, output } = compile(join(dir, 'tsconfig.json'));
    assert.notEqual(status, 0);
    assert.match(output, /wrong\.ts\(3,14\): error TS2\d{3}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
