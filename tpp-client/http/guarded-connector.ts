import { isIP, type LookupFunction } from 'node:net';
import type { buildConnector } from 'undici';
import { addressClass } from './address-class.js';
import { checkHostClasses } from './check-host-classes.js';
import { bankNamedHost } from './named-hosts.js';

/**
 * Wraps an undici connector so that a connection to an IP address a bank's document named
 * (no lookup runs for an address) meets the rule `guardedLookup` applies to names: refused
 * with ForbiddenAddressError, before any connection is made, when its class is not its
 * discovery host's or is link-local, unspecified, multicast or reserved. An address the user
 * gave is connected to as given. Host names go through on the spot; their lookup judges them.
 */
export function guardedConnector(
  connect: buildConnector.connector,
  resolve: LookupFunction,
): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname;
    const cls = isIP(host) ? addressClass(host) : undefined;
    if (!cls || !bankNamedHost(host)) return connect(options, callback);
    // undici's connector returns its socket (its typings say void): handed on when the check ran at once
    let socket: unknown;
    checkHostClasses(host, [cls], resolve, (refused) => {
      if (refused) callback(refused, null);
      else
        socket = (connect as (...args: Parameters<buildConnector.connector>) => unknown)(options, callback);
    });
    return socket as undefined;
  };
}
