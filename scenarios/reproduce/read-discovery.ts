import { readFile, stat } from 'node:fs/promises';
import { Agent } from 'undici';
import { boundedGet } from '../../lib/http/bounded-fetch.js';
import { ReproduceInputError } from './errors.js';

export interface ReadDiscoveryOptions {
  /** Extra CA certificates (PEM) trusted for an https URL, e.g. a sandbox's CA bundle. */
  ca?: string;
  /** Deadline for the whole fetch (default 5 s). */
  timeoutMs?: number;
  /** Largest accepted document (default 256 KiB). */
  maxBytes?: number;
}

export interface DiscoverySource {
  document: Record<string, unknown>;
  /** The URL it was fetched from (tells the discovery path); undefined for a file. */
  url?: string;
}

function parseDocument(text: string, where: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ReproduceInputError(`${where}: not JSON`, 'discovery');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ReproduceInputError(`${where}: not a JSON object`, 'discovery');
  return doc as Record<string, unknown>;
}

/**
 * A discovery document from an https URL (bounded in time and size, no redirects followed) or
 * from a saved JSON file. Plain http is refused: save the document to a file instead.
 */
export async function readDiscovery(
  source: string,
  opts: ReadDiscoveryOptions = {},
): Promise<DiscoverySource> {
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new ReproduceInputError(`discovery URL '${source}' is not a URL`, 'discovery');
    }
    if (url.protocol !== 'https:')
      throw new ReproduceInputError(
        `discovery URL must use https (got ${url.protocol}); save the document to a file to use it`,
        'discovery',
      );
    const dispatcher = new Agent({ connect: opts.ca ? { ca: opts.ca } : {}, connections: 1 });
    try {
      const res = await boundedGet(url.href, {
        dispatcher,
        timeoutMs,
        maxBytes,
        headers: { accept: 'application/json' },
      });
      if (res.status !== 200)
        throw new ReproduceInputError(`GET ${url.href} answered ${res.status}, expected 200`, 'discovery');
      return { document: parseDocument(res.body.toString('utf8'), `GET ${url.href}`), url: url.href };
    } catch (err) {
      if (err instanceof ReproduceInputError) throw err;
      throw new ReproduceInputError(`discovery: ${(err as Error).message}`, 'discovery');
    } finally {
      // destroy, not close: a body abandoned past maxBytes must not keep the connection open.
      await dispatcher.destroy().catch(() => undefined);
    }
  }
  let size: number;
  try {
    size = (await stat(source)).size;
  } catch {
    throw new ReproduceInputError(`discovery file '${source}' not found`, 'discovery');
  }
  if (size > maxBytes)
    throw new ReproduceInputError(`discovery file '${source}' is larger than ${maxBytes} bytes`, 'discovery');
  return { document: parseDocument(await readFile(source, 'utf8'), `discovery file '${source}'`) };
}
