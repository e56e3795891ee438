// tsc writes files without the execute bit: give it to the built command (the package's bin),
// so that ./dist/src/cli/main.js and a linked `mediacapture` run directly after a build.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(pkg.bin ?? {})) {
  const path = join(root, file);
  if (existsSync(path)) chmodSync(path, 0o755);
}
