/**
 * The polyfill under the test runners people use: jest (node and jsdom environments, CommonJS
 * and ES modules) and vitest (node, jsdom and happy-dom environments, each in the threads, forks
 * and vmThreads pools). One throwaway project is made in a temp directory with the package
 * "installed" (its published files copied into node_modules/mediacapture, its dependencies and
 * the runners linked from this checkout); each combination then runs the same component test
 * (fixtures/component.js) with the documented one-line setup, in turn.
 *
 * A combination whose tools are not installed here is skipped with the reason printed.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../support/package-root.js';



const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; dependencies?: Record<string, string> };
const TOOLS = ['jest', 'jest-environment-jsdom', 'vitest', 'happy-dom', 'jsdom'] as const;
const has = (name: string): boolean => existsSync(join(root, 'node_modules', name, 'package.json'));

interface RunResult {
  code: number | null;
  out: string;
}

/** Runs node with `args` in `cwd`; kills the process group it started (by pid) after `timeoutMs`. */
function run(cwd: string, args: string[], timeoutMs = 120000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, CI: '1', NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

let project = '';
const component = readFileSync(join(root, 'test', 'runners', 'fixtures', 'component.js'), 'utf8');

/** A sub-project of the throwaway one: its own package.json type, config and test file. */
function subproject(name: string, type: 'module' | 'commonjs', files: Record<string, string>): string {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `runner-${name}`, private: true, type }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const cjsComponent = `${component}\nmodule.exports = { mountCapture, checkCapture, checkFilePlayback };\n`;
const esmComponent = `${component}\nexport { mountCapture, checkCapture, checkFilePlayback };\n`;

function testBody(dom: boolean, importLine: string): string {
  return `${importLine}
test('a button click captures the camera and microphone and feeds an AudioContext', async () => {
  ${dom ? "const root = document.createElement('div'); document.body.append(root);" : 'const root = null;'}
  expect(await checkCapture(expect, root)).toBe('ok');
});
${dom ? `test('an <audio> element plays a sound file (a data: URL) to its end', async () => {
  const root = document.createElement('div'); document.body.append(root);
  expect(await checkFilePlayback(expect, root)).toBe('ok');
});` : ''}
test('the package imported by the test is the one the setup line installed', () => {
  expect(globalThis.MediaStream).toBe(lib.MediaStream);
  expect(globalThis.AudioContext).toBe(lib.AudioContext);
  expect(navigator.mediaDevices instanceof lib.MediaDevices).toBe(true);
});
`;
}

before(() => {
  if (!TOOLS.every(has)) return;
  project = mkdtempSync(join(tmpdir(), 'mediacapture-runners-'));
  const nm = join(project, 'node_modules');
  mkdirSync(nm);
  // The package as npm would install it: package.json and the "files".
  const installed = join(nm, 'mediacapture');
  mkdirSync(installed);
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  for (const f of pkg.files) cpSync(join(root, f), join(installed, f), { recursive: true });
  // Its dependencies and the runners, linked from this checkout.
  for (const name of [...Object.keys(pkg.dependencies ?? {}), ...TOOLS]) {
    const target = join(root, 'node_modules', name);
    if (!existsSync(target)) continue;
    mkdirSync(dirname(join(nm, name)), { recursive: true });
    symlinkSync(target, join(nm, name), 'dir');
  }
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const jestBin = (): string => join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const vitestBin = (): string => join(root, 'node_modules', 'vitest', 'vitest.mjs');

function skipReason(needs: readonly string[]): string | false {
  const missing = needs.filter((n) => !has(n));
  return missing.length ? `not installed: ${missing.join(', ')} (npm ci installs the devDependencies)` : false;
}

function check(result: RunResult, what: string): void {
  assert.equal(result.code, 0, `${what} failed:\n${result.out}`);
}

describe('jest', () => {
  for (const env of ['node', 'jsdom'] as const) {
    for (const format of ['cjs', 'esm'] as const) {
      const name = `jest ${env} ${format === 'cjs' ? 'CommonJS' : 'ES modules'}`;
      const reason = skipReason(env === 'jsdom' ? ['jest', 'jest-environment-jsdom'] : ['jest']);
      test(name, { skip: reason }, async () => {
        const dir = subproject(`jest-${env}-${format}`, format === 'cjs' ? 'commonjs' : 'module', {
          // The documented setup line. jest loads a setup file named by package with require(),
          // so in ES module mode it names a one-line module of the project's instead: the test's
          // own imports then get the same (ES module) build.
          'jest.config.json': JSON.stringify({ testEnvironment: env, setupFiles: [format === 'cjs' ? 'mediacapture/polyfill' : '<rootDir>/jest.setup.mjs'], transform: {}, rootDir: '.' }),
          'jest.setup.mjs': "import 'mediacapture/polyfill';\n",
          'component.js': format === 'cjs' ? cjsComponent : esmComponent,
          'capture.test.js': testBody(env === 'jsdom', format === 'cjs' ? "const { checkCapture, checkFilePlayback } = require('./component.js');\nconst lib = require('mediacapture');" : "import { checkCapture, checkFilePlayback } from './component.js';\nimport * as lib from 'mediacapture';"),
        });
        const args = format === 'esm' ? ['--experimental-vm-modules', jestBin()] : [jestBin()];
        check(await run(dir, [...args, '--ci', '--config', 'jest.config.json']), name);
      });
    }
  }
});

describe('vitest', () => {
  for (const env of ['node', 'jsdom', 'happy-dom'] as const) {
    for (const pool of ['threads', 'forks', 'vmThreads'] as const) {
      const name = `vitest ${env} ${pool}`;
      const reason = skipReason(env === 'node' ? ['vitest'] : ['vitest', env]);
      test(name, { skip: reason }, async () => {
        // Vite serves only files under the project root, so the config sits at the root of the
        // throwaway project (next to its node_modules, as in a real project).
        const sub = `vitest-${env}-${pool}`;
        subproject(sub, 'module', {
          'component.js': esmComponent,
          'capture.test.js': testBody(env !== 'node', "import { expect, test } from 'vitest';\nimport { checkCapture, checkFilePlayback } from './component.js';\nimport * as lib from 'mediacapture';"),
        });
        const config = `${sub}.config.mjs`;
        // The documented setup line is setupFiles; the rest picks this combination.
        writeFileSync(join(project, config), `export default { test: { environment: '${env}', pool: '${pool}', setupFiles: ['mediacapture/polyfill'], include: ['${sub}/**/*.test.js'] } };\n`);
        check(await run(project, [vitestBin(), 'run', '--config', config]), name);
      });
    }
  }
});
