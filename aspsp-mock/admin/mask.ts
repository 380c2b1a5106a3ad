/** A stored SHA-256 (hex) of a secret, shown as a short fingerprint: enough to tell two apart, nothing to use. */
export const shortHash = (sha256Hex: string): string => `sha256:${sha256Hex.slice(0, 12)}…`;
