/** A host name as URL parsing leaves it, compared as such: lower case, IPv6 without brackets, no trailing dot. */
export const bareHost = (host: string): string =>
  host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
