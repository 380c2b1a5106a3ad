import { ipBytes } from './ip-bytes.js';

/**
 * What an address reaches, as the TPP's connections rule on it: `loopback` (this machine),
 * `private` (a network of its own: RFC 1918, shared CGNAT space, benchmarking space as
 * fake-IP DNS proxies hand out, IPv6 unique-local and site-local), `link-local` (169.254/16,
 * fe80::/10: where clouds serve instance metadata), `unspecified` (0.0.0.0/8, `::`: Linux
 * connects them to this machine), `multicast`, `reserved` (documentation, IETF protocol and
 * future-use ranges, unassigned IPv6) and `public`.
 */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'public';

interface Row {
  bytes: Uint8Array;
  bits: number;
  cls: AddressClass;
}

/** IPv4 ranges, first match wins; anything else is public. */
const IPV4: readonly [string, number, AddressClass][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['198.18.0.0', 15, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * IPv6 prefixes that carry an IPv4 address, and the byte it starts at: the address is classed
 * as the IPv4 address it carries (IPv4-mapped, SIIT-translated, NAT64 well-known prefix,
 * 6to4, the deprecated IPv4-compatible form).
 */
const CARRIERS: readonly [string, number, number][] = [
  ['::ffff:0:0', 96, 12],
  ['::ffff:0:0:0', 96, 12],
  ['64:ff9b::', 96, 12],
  ['2002::', 16, 2],
  ['::', 96, 12],
];

/** IPv6 ranges after the carriers, first match wins; anything else is reserved (unassigned). */
const IPV6: readonly [string, number, AddressClass][] = [
  ['fe80::', 10, 'link-local'],
  ['fc00::', 7, 'private'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
  ['64:ff9b:1::', 48, 'private'],
  ['2001:db8::', 32, 'reserved'],
  ['3fff::', 20, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['100::', 64, 'reserved'],
  ['2000::', 3, 'public'],
];

const row = ([address, bits, cls]: [string, number, AddressClass]): Row => ({
  bytes: ipBytes(address) as Uint8Array,
  bits,
  cls,
});
const V4_ROWS = IPV4.map(([a, bits, cls]) => row([a, bits + 96, cls]));
const V6_ROWS = IPV6.map(row);
const CARRIER_ROWS = CARRIERS.map(([a, bits, at]) => ({ ...row([a, bits, 'reserved']), at }));

function matches(bytes: Uint8Array, r: { bytes: Uint8Array; bits: number }): boolean {
  const whole = r.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== r.bytes[i]) return false;
  const rest = r.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (r.bytes[whole] & mask);
}

function v4Class(b: Uint8Array, at: number): AddressClass {
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(b.subarray(at, at + 4), 12);
  return V4_ROWS.find((r) => matches(mapped, r))?.cls ?? 'public';
}

/**
 * The class of an IP address (text, as DNS answers or a URL gives it); an IPv6 address that
 * carries an IPv4 one has the class of the IPv4 address. Undefined when `address` is not an IP
 * address.
 */
export function addressClass(address: string): AddressClass | undefined {
  const b = ipBytes(address);
  if (!b) return undefined;
  let zero = 0;
  while (zero < 15 && b[zero] === 0) zero++;
  if (zero === 15 && b[15] <= 1) return b[15] === 0 ? 'unspecified' : 'loopback';
  for (const c of CARRIER_ROWS) if (matches(b, c)) return v4Class(b, c.at);
  return V6_ROWS.find((r) => matches(b, r))?.cls ?? 'reserved';
}

/** A class with its indefinite article, for messages: `a private`, `an unspecified`. */
export const aClass = (cls: AddressClass): string => (/^[aeiou]/.test(cls) ? `an ${cls}` : `a ${cls}`);
