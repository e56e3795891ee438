// Finishes the CommonJS build (dist/cjs, compiled by `tsc -p tsconfig.cjs.json`):
// - dist/cjs/package.json says {"type":"commonjs"}, so Node and bundlers read the .js files
//   there as CommonJS although the package itself is "type": "module";
// - src/self-url.js, the one file that locates the build, gets __filename instead of
//   import.meta.url (a syntax error in CommonJS).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cjs = join(root, 'dist', 'cjs');
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const selfUrl = join(cjs, 'src', 'self-url.js');
const text = readFileSync(selfUrl, 'utf8');
const needle = 'import.meta.url';
const replacement = 'require("node:url").pathToFileURL(__filename).href';
// An incremental tsc run that found nothing to do leaves the already rewritten file.
if (text.includes(needle)) writeFileSync(selfUrl, text.replaceAll(needle, replacement));
else if (!text.includes(replacement)) throw new Error(`${selfUrl}: expected ${needle} to rewrite`);
