/** Output paths: a file as given, or a time-stamped file inside a directory. */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CliError, EXIT } from './errors.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** Whether `out` names a directory: an existing one, or a path ending in a separator. */
export async function namesDirectory(out: string): Promise<boolean> {
  return out.endsWith('/') || out.endsWith(sep) || (await isDirectory(out));
}

/**
 * The file to write: `out` itself when it names a file (its directory must exist), else
 * `<out>/<prefix>-<date>-<time>.<ext>` (the directory is created; a taken name gets -2, -3...).
 */
export async function outputPath(out: string | undefined, prefix: string, ext: string): Promise<string> {
  const target = out ?? '.';
  if (await namesDirectory(target)) {
    await ensureDirectory(target);
    const base = join(target, `${prefix}-${stamp(new Date())}`);
    let path = `${base}.${ext}`;
    for (let n = 2; await exists(path); n++) path = `${base}-${n}.${ext}`;
    return path;
  }
  const parent = dirname(target);
  if (!(await isDirectory(parent))) throw new CliError(`--out ${JSON.stringify(target)}: the directory ${JSON.stringify(parent)} does not exist`, EXIT.failure);
  return target;
}

/**
 * Creates `dir` and its missing parents. One level at a time rather than mkdir's `recursive`,
 * which loops forever on some file systems (a path under /proc, with Node 20).
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); !(await exists(d)); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await isDirectory(d))) continue;
      throw new CliError(`cannot create the directory ${JSON.stringify(dir)}: ${(e as Error).message}`, EXIT.failure);
    }
  }
  if (!(await isDirectory(dir))) throw new CliError(`${JSON.stringify(dir)} is not a directory`, EXIT.failure);
}
