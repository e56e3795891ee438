/**
 * Fetching a media element's `src` (html#concept-media-load-resource), whole, with the origin
 * rules that decide what script may see of it:
 *
 *   http:, https:   the runtime's fetch() (node:http / node:https where the global object has
 *                   none, as in jest's jsdom environment). A resource of another origin than the document's is
 *                   CORS-cross-origin unless the element has a crossorigin attribute, in which
 *                   case it is requested in CORS mode and a response without a matching
 *                   Access-Control-Allow-Origin is a network error (html#cors-settings-attribute).
 *   data:           decoded in place.
 *   blob:           an object URL of this runtime (URL.createObjectURL of node:buffer Blobs).
 *   file:           a regular file (a FIFO or device is refused: reading it could block forever).
 *
 * Standalone elements have no document: their resources count as same-origin and relative URLs
 * resolve against the working directory.
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { Buffer, resolveObjectURL } from 'node:buffer';
import { fileURLToPath, pathToFileURL } from 'node:url';

export class MediaFetchError extends Error {
  override name = 'MediaFetchError';
}

export interface FetchedMedia {
  readonly bytes: Uint8Array;
  /** The Content-Type the server gave, if any. */
  readonly contentType: string | null;
  /** True when the data came from another origin without CORS: it is not origin-clean. */
  readonly corsCrossOrigin: boolean;
}

export interface FetchContext {
  /** The document's origin ("null" or null for none: everything is same-origin). */
  readonly origin: string | null;
  /** The element's crossorigin attribute (null when absent). */
  readonly crossOrigin: string | null;
  /** Aborts a network fetch (the element loaded something else). */
  readonly signal?: AbortSignal;
}

/** The base URL relative `src` values resolve against when there is no document. */
export function defaultBaseURL(): string {
  return pathToFileURL(`${process.cwd()}/`).href;
}

/** Largest resource read into memory (a file larger than this is refused with a message). */
const MAX_BYTES = 2 ** 31 - 1;

export async function fetchMedia(url: URL, ctx: FetchContext): Promise<FetchedMedia> {
  switch (url.protocol) {
    case 'file:':
      return { bytes: await readRegularFile(url), contentType: null, corsCrossOrigin: false };
    case 'blob:': {
      const blob = resolveObjectURL(url.href);
      if (!blob) throw new MediaFetchError(`${url.href} is not an object URL of this runtime (revoked, or made by another realm)`);
      return { bytes: new Uint8Array(await blob.arrayBuffer()), contentType: blob.type || null, corsCrossOrigin: false };
    }
    case 'data:':
    case 'http:':
    case 'https:':
      return fetchNetwork(url, ctx);
    default:
      throw new MediaFetchError(`the URL scheme ${url.protocol} cannot be fetched`);
  }
}

/** What fetchNetwork() needs of a response. */
interface NetResponse {
  readonly status: number;
  header(name: string): string | null;
  body(): Promise<Uint8Array>;
  discard(): void;
}

async function fetchNetwork(url: URL, ctx: FetchContext): Promise<FetchedMedia> {
  const sameOrigin = url.protocol === 'data:' || ctx.origin === null || ctx.origin === 'null' || url.origin === ctx.origin;
  const cors = !sameOrigin && ctx.crossOrigin !== null;
  const headers: Record<string, string> = {};
  if (cors) headers['origin'] = ctx.origin!;
  let response: NetResponse;
  try {
    response = typeof globalThis.fetch === 'function' ? await viaFetch(url, headers, ctx) : await viaNode(url, headers, ctx.signal, 20);
  } catch (e) {
    throw new MediaFetchError(`fetching ${url.protocol === 'data:' ? 'a data: URL' : url.href} failed: ${(e as Error).message}`);
  }
  if (response.status < 200 || response.status > 299) {
    response.discard();
    throw new MediaFetchError(`fetching ${url.href} failed: HTTP ${response.status}`);
  }
  if (cors) {
    // fetch#cors-check
    const allow = response.header('access-control-allow-origin');
    const credentials = ctx.crossOrigin === 'use-credentials';
    const ok = allow !== null && (allow === ctx.origin || (allow === '*' && !credentials)) && (!credentials || response.header('access-control-allow-credentials') === 'true');
    if (!ok) {
      response.discard();
      throw new MediaFetchError(`${url.href} is of another origin and its response does not allow ${ctx.origin} (CORS check failed)`);
    }
  }
  const bytes = await response.body();
  return { bytes, contentType: response.header('content-type'), corsCrossOrigin: !sameOrigin && !cors };
}

async function viaFetch(url: URL, headers: Record<string, string>, ctx: FetchContext): Promise<NetResponse> {
  const r = await globalThis.fetch(url, {
    headers,
    credentials: ctx.crossOrigin === 'use-credentials' ? 'include' : 'same-origin',
    redirect: 'follow',
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return {
    status: r.status,
    header: (name) => r.headers.get(name),
    body: async () => new Uint8Array(await r.arrayBuffer()),
    discard: () => void r.body?.cancel().catch(() => undefined),
  };
}

/**
 * Without a global fetch() (jest's jsdom environment replaces the global object): node:http(s)
 * GET with redirects, and data: URLs decoded here.
 */
async function viaNode(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined, redirects: number): Promise<NetResponse> {
  if (url.protocol === 'data:') {
    const comma = url.pathname.indexOf(',');
    if (comma < 0) throw new Error('the data: URL has no comma');
    const meta = url.pathname.slice(0, comma);
    const payload = url.pathname.slice(comma + 1) + url.search;
    const bytes = /;base64$/i.test(meta) ? Buffer.from(decodeURIComponent(payload), 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
    const type = meta.replace(/;base64$/i, '') || 'text/plain';
    return { status: 200, header: (n) => (n === 'content-type' ? type : null), body: async () => new Uint8Array(bytes), discard() {} };
  }
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<NetResponse>((resolve, reject) => {
    const req = request(url, { headers, ...(signal ? { signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects === 0) return reject(new Error('too many redirects'));
        return resolve(viaNode(new URL(location, url), headers, signal, redirects - 1));
      }
      const chunks: Buffer[] = [];
      const done = new Promise<Uint8Array>((ok, fail) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok(new Uint8Array(Buffer.concat(chunks))));
        res.on('error', fail);
      });
      done.catch(() => undefined);
      resolve({
        status,
        header: (name) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
        body: () => done,
        discard: () => res.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function readRegularFile(url: URL): Promise<Uint8Array> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (e) {
    throw new MediaFetchError(`${url.href}: ${(e as Error).message}`);
  }
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new MediaFetchError(`cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new MediaFetchError(`${path} is not a regular file`);
    if (st.size > MAX_BYTES) throw new MediaFetchError(`${path} is too large to play (${st.size} bytes)`);
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
