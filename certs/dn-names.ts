/** Attribute types of distinguished names: short names and OIDs. Internal to certs/. */

const ATTRIBUTE_TYPES: readonly (readonly [name: string, oid: string, aliases: readonly string[]])[] = [
  ['CN', '2.5.4.3', ['commonName']],
  ['SN', '2.5.4.4', ['surname']],
  ['serialNumber', '2.5.4.5', []],
  ['C', '2.5.4.6', ['countryName']],
  ['L', '2.5.4.7', ['localityName']],
  ['ST', '2.5.4.8', ['S', 'stateOrProvinceName']],
  ['STREET', '2.5.4.9', ['streetAddress']],
  ['O', '2.5.4.10', ['organizationName']],
  ['OU', '2.5.4.11', ['organizationalUnitName']],
  ['title', '2.5.4.12', []],
  ['GN', '2.5.4.42', ['givenName']],
  ['organizationIdentifier', '2.5.4.97', []],
  ['DC', '0.9.2342.19200300.100.1.25', ['domainComponent']],
  ['UID', '0.9.2342.19200300.100.1.1', ['userId']],
  ['emailAddress', '1.2.840.113549.1.9.1', ['E', 'email']],
];

const NAME_BY_OID = new Map<string, string>(ATTRIBUTE_TYPES.map(([name, oid]) => [oid, name]));
const OID_BY_KEY = new Map<string, string>();
for (const [name, oid, aliases] of ATTRIBUTE_TYPES) {
  for (const key of [name, ...aliases]) OID_BY_KEY.set(key.toLowerCase(), oid);
}

export const OID_ORGANIZATION_IDENTIFIER = '2.5.4.97';

const NUMERIC_OID_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** Canonical short name for an OID, or the OID itself when unknown. */
export function attributeName(oid: string): string {
  return NAME_BY_OID.get(oid) ?? oid;
}

/** { oid, name } for a short name, long name, dotted OID or 'OID.<dotted>'; undefined when unknown. */
export function resolveAttributeType(key: string): { oid: string; name: string } | undefined {
  const k = key.trim();
  const dotted = /^oid\./i.test(k) ? k.slice(4) : k;
  if (NUMERIC_OID_RE.test(dotted)) return { oid: dotted, name: attributeName(dotted) };
  const oid = OID_BY_KEY.get(k.toLowerCase());
  return oid ? { oid, name: attributeName(oid) } : undefined;
}
