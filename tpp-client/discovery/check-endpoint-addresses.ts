import { lookup as systemLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { bareHost } from '../../lib/bare-host.js';
import { DiscoveryError } from '../errors.js';
import { type AddressClass, aClass } from '../http/address-class.js';
import { classOf } from '../http/check-host-classes.js';
import { refusedClass } from '../http/refused-class.js';
import { resolveAll } from '../http/resolve-all.js';
import type { Discovery } from '../types.js';
import { CALLED_ENDPOINTS } from './endpoint-hosts.js';

const resolveClasses = (resolve: LookupFunction, host: string): Promise<AddressClass[] | undefined> =>
  new Promise((done) => {
    const literal = isIP(host) ? classOf(host) : undefined;
    if (literal) return done([literal]);
    resolveAll(resolve, host, (_err, list) => done(list?.map((a) => classOf(a.address))));
  });

/**
 * Resolves now, with `lookup` (default `dns.lookup`), the hosts a discovery document fetched
 * from `discoveryUrl` names for the calls the TPP makes (issuer, registration and token
 * endpoints and their mutual-TLS aliases) and refuses, with a DiscoveryError naming the field,
 * one that `guardedLookup` would refuse at connect time: a host named only by the bank that
 * resolves to addresses of another class than the discovery host's, or to link-local,
 * unspecified, multicast or reserved ones. This is a report in advance (the scenario runner's
 * exit 3), not the protection: DNS may answer otherwise by the time the TPP connects, and the
 * connection's own lookup judges again. A host that does not resolve is left to the call.
 */
export async function checkEndpointAddresses(
  discovery: Discovery,
  discoveryUrl: string,
  opts: { lookup?: LookupFunction; allowedHosts?: readonly string[] } = {},
  source = `discovery document at ${discoveryUrl}`,
): Promise<void> {
  const resolve = opts.lookup ?? (systemLookup as LookupFunction);
  const from = bareHost(new URL(discoveryUrl).hostname);
  const allowed = new Set((opts.allowedHosts ?? []).map(bareHost));
  const fields = CALLED_ENDPOINTS.map((pick) => pick(discovery));
  let anchor: Set<AddressClass> | undefined;
  for (const [field, value] of fields) {
    if (value === undefined) continue;
    const host = bareHost(new URL(value).hostname);
    if (host === from || allowed.has(host)) continue;
    const classes = await resolveClasses(resolve, host);
    if (!classes) continue;
    anchor ??= new Set((await resolveClasses(resolve, from)) ?? []);
    const bad = refusedClass(classes, anchor);
    if (bad)
      throw new DiscoveryError(
        `${source}: ${field} is on host ${host}, which resolves to ${aClass(bad)} address, while the discovery host ${from} resolves to ${anchor.size > 0 ? [...anchor].join(' or ') : 'no address'}; the TPP calls a host named only by the bank at addresses of its discovery host's class, never link-local, unspecified, multicast or reserved ones — if the bank really serves it there, allow that host (allowedHosts)`,
        { field },
      );
  }
}
