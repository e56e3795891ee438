// Makes the shipped declarations (dist/src and dist/cjs/src) structural: tsc writes a `#private;`
// member into the .d.ts of every class that has ECMAScript private fields, and TypeScript then
// treats that class nominally, so a value typed with lib.dom's MediaStream, AudioContext, ... is
// not accepted where ours is expected, although under the polyfill those globals are our objects.
// The line only carries the brand into the types; the brand checks stay at run time (every
// method still checks its `this` through its #private fields or WeakMaps). Run after both tsc
// builds; an incremental run leaves stripped files alone, so stripping again is a no-op.
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The member exactly as tsc writes it: alone on its line, indented, in a class body.
const privateMember = /^[ \t]*#private;[ \t]*\r?\n/gm;

function* declarations(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* declarations(full);
    else if (name.endsWith('.d.ts')) yield full;
  }
}

for (const dir of [join(root, 'dist', 'src'), join(root, 'dist', 'cjs', 'src')]) {
  if (!existsSync(dir)) throw new Error(`${dir}: missing; run tsc first`);
  for (const file of declarations(dir)) {
    const text = readFileSync(file, 'utf8');
    const stripped = text.replace(privateMember, '');
    if (/^[ \t]*#private\b/m.test(stripped)) throw new Error(`${file}: a #private member this script does not recognise`);
    if (stripped !== text) writeFileSync(file, stripped);
  }
}
