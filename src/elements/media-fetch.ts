/**
 * Fetching a media element's `src` (html#concept-media-load-resource), whole, with the origin
 * rules that decide what script may see of it:
 *
 *   http:, https:   the runtime's fetch(). A resource of another origin than the document's is
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
import { resolveObjectURL } from 'node:buffer';
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

async function fetchNetwork(url: URL, ctx: FetchContext): Promise<FetchedMedia> {
  if (typeof globalThis.fetch !== 'function') throw new MediaFetchError('this runtime has no fetch() to load the resource with');
  const sameOrigin = url.protocol === 'data:' || ctx.origin === null || ctx.origin === 'null' || url.origin === ctx.origin;
  const cors = !sameOrigin && ctx.crossOrigin !== null;
  const headers: Record<string, string> = {};
  if (cors) headers['origin'] = ctx.origin!;
  let response: Response;
  try {
    response = await globalThis.fetch(url, {
      headers,
      credentials: ctx.crossOrigin === 'use-credentials' ? 'include' : 'same-origin',
      redirect: 'follow',
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (e) {
    throw new MediaFetchError(`fetching ${url.href} failed: ${(e as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new MediaFetchError(`fetching ${url.href} failed: HTTP ${response.status}`);
  }
  if (cors) {
    // fetch#cors-check
    const allow = response.headers.get('access-control-allow-origin');
    const credentials = ctx.crossOrigin === 'use-credentials';
    const ok = allow !== null && (allow === ctx.origin || (allow === '*' && !credentials)) && (!credentials || response.headers.get('access-control-allow-credentials') === 'true');
    if (!ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new MediaFetchError(`${url.href} is of another origin and its response does not allow ${ctx.origin} (CORS check failed)`);
    }
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { bytes, contentType: response.headers.get('content-type'), corsCrossOrigin: !sameOrigin && !cors };
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
