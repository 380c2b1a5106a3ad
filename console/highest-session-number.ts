import type { Upstream } from './upstream.js';

/** The organisation names a session's number appears in: its TPP's, and the Directory page's default. */
const NUMBERED_NAMES = /^(?:Console TPP|Workshop TPP) ([1-9][0-9]{0,8})$/;

/**
 * The highest session number the directory's organisations already carry (0 when none): the
 * console numbers its sessions after it, so a restarted console's `Console TPP N` never repeats
 * a name an earlier run left in the directory (docs/console.md). Read once at start with the
 * admin token.
 */
export async function highestSessionNumber(directory: Upstream): Promise<number> {
  const organisations = await directory.json<{ OrganisationName?: unknown }[]>('GET', '/admin/organisations');
  let highest = 0;
  for (const o of Array.isArray(organisations) ? organisations : []) {
    const n = typeof o?.OrganisationName === 'string' ? NUMBERED_NAMES.exec(o.OrganisationName) : null;
    if (n) highest = Math.max(highest, Number(n[1]));
  }
  return highest;
}
