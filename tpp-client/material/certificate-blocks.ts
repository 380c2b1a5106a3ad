const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Each CERTIFICATE block of a PEM text, in order (leaf first in a chain file), newline-terminated. */
export function certificateBlocks(pem: string): string[] {
  return (pem.match(BLOCK) ?? []).map((b) => `${b}\n`);
}
