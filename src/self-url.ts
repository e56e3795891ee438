/**
 * Where the compiled files are, in whichever build is running. The package ships an ES module
 * build (dist/src) and a CommonJS one (dist/cjs/src) compiled from the same sources; only this
 * file differs between them: in the CommonJS build scripts/build-cjs.mjs puts __filename in place
 * of the ES module's own URL (import.meta, which CommonJS cannot parse). Everything that needs a file next to its own
 * (a worker's entry, createRequire) goes through here.
 */
import { createRequire } from 'node:module';

// @ts-ignore -- TS1343 in the CommonJS pass, where this line is rewritten after compiling.
const self: string = import.meta.url;

/** The URL of `path`, relative to the src/ directory of the running build. */
export function srcUrl(path: string): URL {
  return new URL(path, self);
}

/** A require() that resolves packages the way this package's own files do. */
export const packageRequire: NodeJS.Require = createRequire(self);
