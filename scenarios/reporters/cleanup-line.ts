import type { RunSummary } from '../types.js';
import { maskText } from './mask.js';
import { oneLine } from './text.js';

export interface CleanupLineOptions {
  /** Name the flag that keeps the clients (the CLI's `--keep-clients`); default true. */
  keepFlag?: boolean;
}

/** What became of the clients the run registered (none when it kept them or made none). */
export function cleanupLine(summary: RunSummary, opts: CleanupLineOptions = {}): string | undefined {
  const c = summary.cleanup;
  if (!c || c.deleted + c.left + c.noDelete + c.revoked === 0) return undefined;
  const clean = (text: string) => oneLine(maskText(text));
  const parts = [`deleted ${c.deleted}`];
  if (c.left > 0)
    parts.push(`left ${c.left} (${c.reasons.map((r) => `${clean(r.reason)} ×${r.count}`).join('; ')})`);
  if (c.revoked > 0) parts.push(`left ${c.revoked} registered over certificates the run revoked`);
  if (c.noDelete > 0) parts.push(`left ${c.noDelete} at a bank that offers no DELETE`);
  const line = `clients the run registered: ${parts.join(', ')}`;
  return opts.keepFlag === false ? line : `${line} (--keep-clients keeps them)`;
}
