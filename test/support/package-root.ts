/** The package root above the compiled tests (where `mediacapture` resolves by self-reference). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'mediacapture') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json of mediacapture not found above the tests');
    dir = up;
  }
}
