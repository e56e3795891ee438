// Installs node-canvas (the npm package `canvas`) for the canvas-capture tests
// (test/elements/node-canvas.test.ts), built from source against the system's cairo, into an npm
// prefix outside the repository:
//
//   node scripts/install-node-canvas.mjs [dir]   (default: $MEDIACAPTURE_NODE_CANVAS_DIR or ~/.cache/mediacapture-node-canvas)
//
// The package comes from the npm registry; its install script (`prebuild-install || node-gyp
// rebuild`) runs with npm_config_build_from_source=true, so prebuild-install does not fetch a
// prebuilt binary and node-gyp compiles the addon. node-gyp is pointed at the headers of the Node
// running this script (npm_config_nodedir) so that it does not fetch those either. What the build
// needs: a C++ compiler, make, python3, pkg-config and the cairo, pango, libpng, freetype and pixman
// development files (JPEG, GIF and SVG support are used when their libraries are there); `.ci/run`
// installs the Debian packages for them.
//
// The addon is a Node-API one, so one build serves every Node version the tests run under. It is
// not a dependency in package.json: `npm ci` needs no cairo, and without this folder the tests
// skip with the reason. Nothing here ever fails the caller: a missing library, no registry or a
// failed build is printed, and the script exits 0. Run again, it does nothing when the pinned
// version is already there and loads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const VERSION = '3.2.3';
const dir = process.argv[2] || process.env.MEDIACAPTURE_NODE_CANVAS_DIR || join(homedir(), '.cache', 'mediacapture-node-canvas');
const pkgDir = join(dir, 'node_modules', 'canvas');
const say = (s) => console.log(`[node-canvas] ${s}`);
const npmFlags = ['--save-exact', '--no-audit', '--no-fund', '--no-update-notifier', '--fetch-timeout=60000', '--fetch-retries=1'];

/** The pkg-config modules binding.gyp requires, and the Debian package that gives each. */
const REQUIRED = [
  ['cairo', 'libcairo2-dev'],
  ['pangocairo', 'libpango1.0-dev'],
  ['libpng', 'libpng-dev'],
  ['freetype2', 'libfreetype-dev'],
  ['pixman-1', 'libpixman-1-dev'],
];

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Loads the package in a child process (a broken addon must not take this script down) and draws a pixel. */
function probe() {
  const code = `const c = require(${JSON.stringify(pkgDir)}); const cv = c.createCanvas(1, 1); const x = cv.getContext('2d');
x.fillStyle = '#0f0'; x.fillRect(0, 0, 1, 1);
if (x.getImageData(0, 0, 1, 1).data[1] !== 255) throw new Error('a green pixel did not read back green');
console.log('canvas ' + require(${JSON.stringify(join(pkgDir, 'package.json'))}).version + ', cairo ' + c.cairoVersion + ', pango ' + c.pangoVersion);`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000 });
  if (r.status === 0) return { ok: true, text: r.stdout.trim() };
  const err = (r.stderr || '').split('\n').find((l) => /Error|error:/.test(l)) || r.error?.message || `exit ${r.status}`;
  return { ok: false, text: err.trim() };
}

/** Why npm failed: node-gyp's and the compiler's error lines first, else npm's own words. */
function why(r) {
  if (r.error) return r.error.message;
  const lines = `${r.stdout || ''}\n${r.stderr || ''}`
    .split('\n')
    .map((l) => l.replace(/^npm (error|ERR!) ?/, '').trim())
    .filter((l) => l && !l.startsWith('A complete log of this run') && !/^npm warn/.test(l));
  const build = lines.filter((l) => /error:|gyp ERR! (stack )?Error|not found|No package/i.test(l));
  return (build.length ? build : lines).slice(0, 4).join('; ') || `exit ${r.status}`;
}

/** The folder holding include/node/ for the Node running this script, when its headers are installed. */
function nodeHeaders() {
  const candidates = [dirname(dirname(process.execPath)), process.config?.variables?.node_prefix].filter(Boolean);
  for (const prefix of candidates) {
    const h = join(prefix, 'include', 'node', 'node_version.h');
    if (!existsSync(h)) continue;
    const text = readFileSync(h, 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`#define NODE_${k}_VERSION (\\d+)`).exec(text)?.[1]).join('.');
    if (`v${v}` === process.version) return prefix;
  }
  return null;
}

function main() {
  const have = installedVersion();
  if (have === VERSION) {
    const p = probe();
    if (p.ok) {
      say(`already installed in ${dir}: ${p.text}`);
      return;
    }
    say(`canvas ${have} is in ${dir} but does not load (${p.text}); building it again`);
  } else if (have) {
    say(`canvas ${have} is in ${dir}; replacing it with ${VERSION}`);
  }

  const pc = spawnSync('pkg-config', ['--version'], { encoding: 'utf8' });
  if (pc.status !== 0) {
    say('not installed: pkg-config is missing (Debian: apt-get install pkg-config); the node-canvas tests will be skipped');
    return;
  }
  const missing = REQUIRED.filter(([mod]) => spawnSync('pkg-config', ['--exists', mod]).status !== 0);
  if (missing.length) {
    say(`not installed: the build needs ${missing.map(([m]) => m).join(', ')} (Debian: apt-get install ${missing.map(([, p]) => p).join(' ')}); the node-canvas tests will be skipped`);
    return;
  }
  const tools = ['c++', 'make', 'python3'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (tools.length) {
    say(`not installed: the build needs ${tools.join(', ')} (Debian: apt-get install build-essential python3); the node-canvas tests will be skipped`);
    return;
  }
  const nodedir = nodeHeaders();
  if (!nodedir) {
    say(`not installed: no headers for Node ${process.version} next to ${process.execPath} (include/node/), and node-gyp would download them; the node-canvas tests will be skipped`);
    return;
  }

  mkdirSync(dir, { recursive: true });
  if (have) rmSync(pkgDir, { recursive: true, force: true });
  say(`building canvas@${VERSION} from source into ${dir} (Node headers from ${nodedir})`);
  const env = { ...process.env, npm_config_build_from_source: 'true', npm_config_nodedir: nodedir };
  const r = spawnSync('npm', ['install', '--prefix', dir, '--foreground-scripts', '--ignore-scripts=false', `canvas@${VERSION}`, ...npmFlags], {
    encoding: 'utf8',
    env,
    timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    say(`not installed: npm install failed (${why(r)}); the node-canvas tests will be skipped`);
    return;
  }
  if (!existsSync(join(pkgDir, 'build', 'Release', 'canvas.node'))) {
    say('not installed: npm finished but no build/Release/canvas.node was built (were install scripts disabled?); the node-canvas tests will be skipped');
    return;
  }
  const p = probe();
  if (p.ok) say(`ready in ${dir}: ${p.text}`);
  else say(`built, but it does not load (${p.text}); the node-canvas tests will be skipped`);
}

try {
  main();
} catch (e) {
  say(`stopped: ${e && e.message ? e.message : e}`);
}
