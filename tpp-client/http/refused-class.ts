import type { AddressClass } from './address-class.js';

/** Classes no host name may resolve to: nothing a bank serves from, and 0.0.0.0 reaches this machine. */
export const NEVER_BY_NAME: ReadonlySet<AddressClass> = new Set(['unspecified', 'multicast', 'reserved']);

/** Classes a host named only by a bank never reaches, whatever its discovery host's: cloud metadata lives at link-local addresses. */
export const NEVER_BANK_NAMED: ReadonlySet<AddressClass> = new Set([...NEVER_BY_NAME, 'link-local']);

/**
 * The first of `classes` (the classes of the addresses a host resolved to) its connection may
 * not reach, or undefined. `anchor` undefined: a host the user gave (anything but
 * NEVER_BY_NAME); else the classes of the user-given host whose document named it: the host
 * must resolve to those classes only, never NEVER_BANK_NAMED ones.
 */
export function refusedClass(
  classes: readonly AddressClass[],
  anchor: ReadonlySet<AddressClass> | undefined,
): AddressClass | undefined {
  for (const c of classes) {
    if (anchor === undefined ? NEVER_BY_NAME.has(c) : NEVER_BANK_NAMED.has(c) || !anchor.has(c)) return c;
  }
  return undefined;
}
