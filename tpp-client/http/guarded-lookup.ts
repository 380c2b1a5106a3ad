import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { bareHost } from '../../lib/bare-host.js';
import { checkHostClasses, classOf } from './check-host-classes.js';
import { bankNamedHost, noteResolvedClasses } from './named-hosts.js';
import { resolveAll } from './resolve-all.js';

/**
 * A `lookup` for the TPP's connections (net/tls `lookup` option): resolves with `resolve`
 * (default the system's `dns.lookup`), every address at once, and refuses (with
 * ForbiddenAddressError, before any connection is made) when one of them may not be reached:
 * a host the user gave may resolve to anything but unspecified, multicast or reserved
 * addresses; a host named only by a bank's document (`noteBankNamedHost`) to addresses of its
 * discovery host's class only, and never link-local ones. It runs at every new connection, so
 * a name that answers differently the second time (DNS rebinding) is judged again.
 */
export function guardedLookup(resolve: LookupFunction = systemLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(
      resolve,
      hostname,
      (err, list) => {
        if (err || !list) return callback(err as NodeJS.ErrnoException, '', 0);
        const host = bareHost(hostname);
        const classes = list.map((a) => classOf(a.address));
        checkHostClasses(host, classes, resolve, (refused) => {
          if (refused) return callback(refused as unknown as NodeJS.ErrnoException, '', 0);
          if (!bankNamedHost(host)) noteResolvedClasses(host, classes);
          if (options.all) return callback(null, list);
          callback(null, list[0].address, list[0].family);
        });
      },
      options,
    );
  };
}
