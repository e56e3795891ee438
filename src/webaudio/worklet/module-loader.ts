/**
 * Fetches a worklet module graph on the control side (html#fetch-a-worklet-script-graph, as far
 * as a server runtime has one) and turns each module into code the render side can run in its
 * AudioWorkletGlobalScope.
 *
 * A module's source is compiled as the body of an async function
 * `(async function (__import, __exports, __meta) { ... })`: module-scoped declarations stay out of
 * the global object, strict mode and top-level `await` hold, and `import` / `export` declarations
 * are rewritten into reads of the dependency's exports object and getters on this module's
 * exports (so exported `let` bindings stay live for importers of this module's namespace).
 * Dependencies are evaluated before their importers; cyclic imports are rejected.
 *
 * Module specifiers: absolute URLs (`file:`, `data:`, `blob:`, `http(s):`), absolute file paths,
 * and relative references — resolved against the importing module, or for addModule() against
 * the calling script's file, falling back to the current directory. Bare specifiers fail, as in
 * a browser.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolveObjectURL } from 'node:buffer';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { ModuleRecord } from './protocol.js';

/** A failure to fetch or resolve (AbortError) or to parse (SyntaxError) the module graph. */
export class ModuleLoadError extends Error {
  readonly kind: 'AbortError' | 'SyntaxError';
  constructor(kind: 'AbortError' | 'SyntaxError', message: string) {
    super(message);
    this.kind = kind;
  }
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** The URL of the script that called `fn` (its first stack frame outside `fn`), if it has one. */
export function callerUrl(fn: Function): string | null {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  Error.captureStackTrace(holder, fn);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const m = /((?:file|https?):\/\/[^\s)]+?|\/[^\s():]+?):\d+:\d+\)?\s*$/.exec(line);
    if (m === null) continue;
    const loc = m[1]!;
    return loc.startsWith('/') ? pathToFileURL(loc).href : loc;
  }
  return null;
}

async function fileExists(url: URL): Promise<boolean> {
  try {
    return (await stat(fileURLToPath(url))).isFile();
  } catch {
    return false;
  }
}

/** Resolves addModule()'s argument: relative to the caller's file when it exists there, else the cwd. */
export async function resolveRootUrl(spec: string, caller: string | null): Promise<string> {
  if (SCHEME.test(spec)) return new URL(spec).href;
  if (spec.startsWith('/')) return pathToFileURL(spec).href;
  if (caller !== null && caller.startsWith('file:')) {
    const candidate = new URL(spec, caller);
    if (await fileExists(candidate)) return candidate.href;
  } else if (caller !== null) {
    return new URL(spec, caller).href;
  }
  return new URL(spec, pathToFileURL(process.cwd() + '/')).href;
}

function resolveImport(spec: string, base: string): string {
  if (SCHEME.test(spec)) return new URL(spec).href;
  if (spec.startsWith('/') || spec.startsWith('./') || spec.startsWith('../')) {
    if (base.startsWith('data:') || base.startsWith('blob:')) {
      throw new ModuleLoadError('AbortError', `cannot resolve '${spec}' relative to ${base.slice(0, 40)}…`);
    }
    return new URL(spec, base).href;
  }
  // html#resolve-a-module-specifier: a bare specifier without an import map is an error.
  throw new ModuleLoadError('AbortError', `failed to resolve module specifier '${spec}' imported from ${shortUrl(base)}: relative references must start with '/', './' or '../'`);
}

function shortUrl(url: string): string {
  return url.length > 80 ? `${url.slice(0, 77)}…` : url;
}

/** Fetches a module's source text. */
export async function fetchSource(url: string): Promise<string> {
  const u = new URL(url);
  try {
    switch (u.protocol) {
      case 'file:':
        return await readFile(fileURLToPath(u), 'utf8');
      case 'blob:': {
        const blob = resolveObjectURL(url);
        if (blob === undefined) throw new Error('no Blob is registered under this URL (revoked, or created in another thread)');
        return await blob.text();
      }
      case 'data:':
      case 'http:':
      case 'https:': {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`HTTP status ${res.status}`);
        return await res.text();
      }
      default:
        throw new Error(`the '${u.protocol}' scheme is not supported`);
    }
  } catch (e) {
    if (e instanceof ModuleLoadError) throw e;
    throw new ModuleLoadError('AbortError', `failed to fetch the worklet module ${shortUrl(url)}: ${(e as Error).message}`);
  }
}

/** Fetches `root` and everything it imports; returns the records, dependencies first. */
export async function loadModuleGraph(root: string): Promise<ModuleRecord[]> {
  const done = new Map<string, ModuleRecord>();
  const order: ModuleRecord[] = [];
  const visiting = new Set<string>();
  const visit = async (url: string): Promise<void> => {
    if (done.has(url)) return;
    if (visiting.has(url)) throw new ModuleLoadError('AbortError', `cyclic imports are not supported in worklet modules (${shortUrl(url)})`);
    visiting.add(url);
    const source = await fetchSource(url);
    const { code, specifiers } = await compileModule(source, url);
    const deps = specifiers.map((s) => resolveImport(s, url));
    for (const d of deps) await visit(d);
    visiting.delete(url);
    const rec = { url, code, deps };
    done.set(url, rec);
    order.push(rec);
  };
  await visit(root);
  return order;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

let acornModule: Promise<typeof import('acorn')> | null = null;

/**
 * Rewrites a module into the body of `(async function (__import, __exports, __meta) {…})`.
 * Everything added before the original text goes on its first line, so line numbers in errors
 * match the file.
 */
export async function compileModule(source: string, url: string): Promise<{ code: string; specifiers: string[] }> {
  const head = '(async function (__import, __exports, __meta) { "use strict"; ';
  if (!/\b(?:import|export)\b/.test(source)) return { code: `${head}${source}\n})`, specifiers: [] };
  acornModule ??= import('acorn');
  const acorn = await acornModule;
  let ast: { body: AstNode[] };
  try {
    ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as { body: AstNode[] };
  } catch (e) {
    throw new ModuleLoadError('SyntaxError', `${(e as Error).message} in ${shortUrl(url)}`);
  }
  const specifiers: string[] = [];
  const depIndex = (spec: string): number => {
    let i = specifiers.indexOf(spec);
    if (i === -1) i = specifiers.push(spec) - 1;
    return i;
  };
  // Edits as [start, end, replacement], applied from the end.
  const edits: [number, number, string][] = [];
  const bindings: string[] = [];
  const exports: string[] = [];
  const exportLocal = (exported: string, local: string): void => {
    exports.push(`Object.defineProperty(__exports, ${JSON.stringify(exported)}, { enumerable: true, get: () => ${local} });`);
  };
  const name = (n: AstNode): string => (n.type === 'Literal' ? String(n.value) : (n.name as string));
  for (const node of ast.body) {
    switch (node.type) {
      case 'ImportDeclaration': {
        const i = depIndex((node.source as AstNode).value as string);
        for (const sp of node.specifiers as AstNode[]) {
          const local = (sp.local as AstNode).name as string;
          if (sp.type === 'ImportDefaultSpecifier') bindings.push(`const ${local} = __import(${i}).default;`);
          else if (sp.type === 'ImportNamespaceSpecifier') bindings.push(`const ${local} = __import(${i});`);
          else bindings.push(`const ${local} = __import(${i})[${JSON.stringify(name(sp.imported as AstNode))}];`);
        }
        edits.push([node.start, node.end, '']);
        break;
      }
      case 'ExportNamedDeclaration': {
        const decl = node.declaration as AstNode | null;
        if (decl) {
          edits.push([node.start, decl.start, '']);
          for (const n of declaredNames(decl)) exportLocal(n, n);
        } else if (node.source) {
          const i = depIndex((node.source as AstNode).value as string);
          for (const sp of node.specifiers as AstNode[]) {
            exports.push(`Object.defineProperty(__exports, ${JSON.stringify(name(sp.exported as AstNode))}, { enumerable: true, get: () => __import(${i})[${JSON.stringify(name(sp.local as AstNode))}] });`);
          }
          edits.push([node.start, node.end, '']);
        } else {
          for (const sp of node.specifiers as AstNode[]) exportLocal(name(sp.exported as AstNode), name(sp.local as AstNode));
          edits.push([node.start, node.end, '']);
        }
        break;
      }
      case 'ExportDefaultDeclaration': {
        const decl = node.declaration as AstNode;
        const id = decl.id as AstNode | null | undefined;
        if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && id) {
          edits.push([node.start, decl.start, '']);
          exportLocal('default', id.name as string);
        } else {
          edits.push([node.start, decl.start, 'const __default = (']);
          edits.push([decl.end, node.end, ');']);
          exportLocal('default', '__default');
        }
        break;
      }
      case 'ExportAllDeclaration': {
        const i = depIndex((node.source as AstNode).value as string);
        const as = node.exported as AstNode | null;
        if (as) exports.push(`Object.defineProperty(__exports, ${JSON.stringify(name(as))}, { enumerable: true, get: () => __import(${i}) });`);
        else exports.push(`for (const k of Object.keys(__import(${i}))) if (k !== 'default' && !(k in __exports)) Object.defineProperty(__exports, k, { enumerable: true, get: () => __import(${i})[k] });`);
        edits.push([node.start, node.end, '']);
        break;
      }
      default:
        break;
    }
  }
  // import.meta → the module's own meta object.
  walk(ast as unknown as AstNode, (n) => {
    if (n.type === 'MetaProperty' && (n.meta as AstNode).name === 'import') edits.push([n.start, n.end, '__meta']);
  });
  edits.sort((a, b) => b[0] - a[0]);
  let body = source;
  for (const [s, e, r] of edits) body = body.slice(0, s) + keepLines(body.slice(s, e), r) + body.slice(e);
  // Exports are defined before the body runs, so importers evaluated later see live bindings;
  // reading one before its declaration has run is a TDZ error, as in a real module.
  return { code: `${head}${bindings.join(' ')} ${exports.join(' ')} ${body}\n})`, specifiers };
}

/** The replacement text, followed by as many newlines as the replaced text had. */
function keepLines(replaced: string, replacement: string): string {
  let nl = '';
  for (let i = 0; i < replaced.length; i++) if (replaced.charCodeAt(i) === 10) nl += '\n';
  return replacement + nl;
}

function declaredNames(decl: AstNode): string[] {
  if (decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') return [(decl.id as AstNode).name as string];
  const out: string[] = [];
  for (const d of decl.declarations as AstNode[]) patternNames(d.id as AstNode, out);
  return out;
}

function patternNames(p: AstNode, out: string[]): void {
  switch (p.type) {
    case 'Identifier':
      out.push(p.name as string);
      return;
    case 'ObjectPattern':
      for (const prop of p.properties as AstNode[]) patternNames((prop.type === 'RestElement' ? prop.argument : prop.value) as AstNode, out);
      return;
    case 'ArrayPattern':
      for (const el of p.elements as (AstNode | null)[]) if (el) patternNames(el, out);
      return;
    case 'RestElement':
      patternNames(p.argument as AstNode, out);
      return;
    case 'AssignmentPattern':
      patternNames(p.left as AstNode, out);
      return;
  }
}

function walk(node: AstNode, visit: (n: AstNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object' && typeof (c as AstNode).type === 'string') walk(c as AstNode, visit);
    } else if (v !== null && typeof v === 'object' && typeof (v as AstNode).type === 'string') {
      walk(v as AstNode, visit);
    }
  }
}
