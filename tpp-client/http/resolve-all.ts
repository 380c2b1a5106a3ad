import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

export type ResolveAllDone = (err: Error | null, addresses?: LookupAddress[]) => void;

/** Every address `resolve` (a `dns.lookup`-shaped function) gives for `host`, as a list; none is ENOTFOUND. */
export function resolveAll(
  resolve: LookupFunction,
  host: string,
  done: ResolveAllDone,
  options: Pick<LookupOptions, 'family' | 'hints'> = {},
): void {
  const { family, hints } = options;
  const asked: LookupAllOptions = {
    all: true,
    ...(family !== undefined ? { family } : {}),
    ...(hints !== undefined ? { hints } : {}),
  };
  resolve(host, asked, (err, addresses) => {
    if (err) return done(err);
    const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: isIP(addresses) }];
    if (list.length === 0)
      return done(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }));
    done(null, list);
  });
}
