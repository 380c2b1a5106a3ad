import type { LookupFunction } from 'node:net';
import { ForbiddenAddressError } from '../errors.js';
import { type AddressClass, aClass, addressClass } from './address-class.js';
import { type BankNamedHost, bankNamedHost, noteResolvedClasses, resolvedClassesOf } from './named-hosts.js';
import { refusedClass } from './refused-class.js';
import { resolveAll } from './resolve-all.js';

/** The class of a resolved address (anything not an IP address counts as reserved). */
export const classOf = (address: string): AddressClass => addressClass(address) ?? 'reserved';

/**
 * The classes of the user-given hosts whose documents named `named`: an IP address's own, a
 * name's as its last connection resolved it, else as `resolve` resolves it now.
 */
function anchorClasses(
  named: BankNamedHost,
  resolve: LookupFunction,
  done: (err: Error | null, classes?: Set<AddressClass>) => void,
): void {
  const classes = new Set<AddressClass>();
  const pending: string[] = [];
  for (const anchor of named.anchors) {
    const literal = addressClass(anchor);
    const known = literal ? [literal] : resolvedClassesOf(anchor);
    if (known) for (const c of known) classes.add(c);
    else pending.push(anchor);
  }
  let left = pending.length;
  if (left === 0) {
    done(null, classes);
    return;
  }
  for (const anchor of pending) {
    resolveAll(resolve, anchor, (err, list) => {
      if (list) {
        const found = list.map((a) => classOf(a.address));
        noteResolvedClasses(anchor, found);
        for (const c of found) classes.add(c);
      }
      left -= 1;
      if (left === 0) done(classes.size > 0 ? null : (err ?? null), classes);
    });
  }
}

/** The refusal of a connection to `host` (bare) at addresses of `classes`, or undefined. */
export function checkHostClasses(
  host: string,
  classes: readonly AddressClass[],
  resolve: LookupFunction,
  done: (refusal: ForbiddenAddressError | undefined) => void,
): void {
  const named = bankNamedHost(host);
  if (!named) {
    const bad = refusedClass(classes, undefined);
    done(bad ? refusal(host, bad, undefined) : undefined);
    return;
  }
  anchorClasses(named, resolve, (_err, anchor) => {
    const bad = refusedClass(classes, anchor ?? new Set());
    done(bad ? refusal(host, bad, named, anchor) : undefined);
  });
}

function refusal(
  host: string,
  cls: AddressClass,
  named: BankNamedHost | undefined,
  anchor?: Set<AddressClass>,
): ForbiddenAddressError {
  if (!named)
    return new ForbiddenAddressError(
      `${host} resolves to ${aClass(cls)} address, which the TPP never connects to`,
      {
        host,
        addressClass: cls,
      },
    );
  const fields = [...named.fields].join(', ');
  const anchors = [...named.anchors].join(', ');
  const theirs =
    anchor && anchor.size > 0 ? [...anchor].join(' or ') : 'an unknown class (it did not resolve)';
  return new ForbiddenAddressError(
    `${host}, named by ${fields} in ${named.where}, resolves to ${aClass(cls)} address; a host named only by the bank must resolve to addresses of the class of its discovery host ${anchors} (${theirs}), never link-local, unspecified, multicast or reserved ones — if the bank really serves it there, allow that host (allowedHosts)`,
    { host, addressClass: cls, field: fields },
  );
}
