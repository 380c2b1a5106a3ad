import { bareHost } from '../../lib/bare-host.js';
import type { AddressClass } from './address-class.js';

/** A host the TPP knows only because a bank's document named it. */
export interface BankNamedHost {
  /** The user-given hosts whose documents named it (normally the discovery URL's host). */
  anchors: Set<string>;
  /** The fields that named it, e.g. `registration_endpoint`. */
  fields: Set<string>;
  /** The document that named it last, e.g. `the discovery document at https://…`. */
  where: string;
}

/** Hosts kept at most in each table; past this, the oldest entry goes. */
export const MAX_NOTED_HOSTS = 10_000;

const bankNamed = new Map<string, BankNamedHost>();
const userGiven = new Map<string, true>();
const resolved = new Map<string, readonly AddressClass[]>();

function put<V>(table: Map<string, V>, key: string, value: V): void {
  table.delete(key);
  table.set(key, value);
  if (table.size > MAX_NOTED_HOSTS) table.delete(table.keys().next().value as string);
}

/**
 * A host the user gave (a discovery URL's host, a configured bank, `allowedHosts`): it may
 * resolve to any address, even where a bank's document also names it.
 */
export function noteUserGivenHost(host: string): void {
  const h = bareHost(host);
  put(userGiven, h, true);
  bankNamed.delete(h);
}

/**
 * A host that `field` of a bank's document (`where`) names, fetched from `fromHost`: its
 * connections must reach addresses of the class of `fromHost`'s (or, when `fromHost` is itself
 * bank-named, of its anchors'). Nothing is noted for the host itself or a user-given host.
 */
export function noteBankNamedHost(host: string, fromHost: string, field: string, where: string): void {
  const h = bareHost(host);
  const from = bareHost(fromHost);
  if (h === from || userGiven.has(h)) return;
  const anchors = bankNamed.get(from)?.anchors ?? [from];
  const entry = bankNamed.get(h) ?? { anchors: new Set<string>(), fields: new Set<string>(), where };
  for (const a of anchors) entry.anchors.add(a);
  entry.fields.add(field);
  entry.where = where;
  put(bankNamed, h, entry);
}

/** The entry of a host named only by a bank's document; undefined for any other host. */
export function bankNamedHost(host: string): BankNamedHost | undefined {
  return bankNamed.get(bareHost(host));
}

/** The classes `host` resolved to at its last connection, when it is not bank-named. */
export function resolvedClassesOf(host: string): readonly AddressClass[] | undefined {
  return resolved.get(bareHost(host));
}

export function noteResolvedClasses(host: string, classes: readonly AddressClass[]): void {
  put(resolved, bareHost(host), classes);
}

/** Forgets every noted host (tests). */
export function forgetNotedHosts(): void {
  bankNamed.clear();
  userGiven.clear();
  resolved.clear();
}
