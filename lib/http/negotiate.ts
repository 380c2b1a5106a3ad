import type { Request } from 'express';

/**
 * Picks the response media type from `offered` (preferred first) that the
 * request's Accept header allows; no Accept header or a wildcard takes the first.
 * When nothing matches it answers with the first offered type rather than 406:
 * HTTP lets a server ignore Accept, and clients that send a generic
 * `Accept: application/json` for a JWT resource should still get it.
 */
export function negotiate(req: Request, offered: string[]): string {
  const accept = req.headers.accept;
  if (!accept) return offered[0];
  const ranges = accept
    .split(',')
    .map((part) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.type && !(r.q <= 0));
  for (const range of ranges.sort((a, b) => b.q - a.q)) {
    if (range.type === '*/*') return offered[0];
    const found = offered.find(
      (o) => o === range.type || (range.type.endsWith('/*') && o.startsWith(range.type.slice(0, -1))),
    );
    if (found) return found;
  }
  return offered[0];
}
