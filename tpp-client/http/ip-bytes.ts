import { isIP } from 'node:net';

/**
 * The 16 bytes of an IP address as text: an IPv6 address as written (`::` compression, an
 * embedded dotted IPv4 tail, a `%zone` and brackets allowed), an IPv4 address as its
 * IPv4-mapped IPv6 form (`::ffff:a.b.c.d`). Undefined when the text is not an IP address.
 */
export function ipBytes(text: string): Uint8Array | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  const kind = isIP(s);
  const out = new Uint8Array(16);
  if (kind === 4) {
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(s.split('.').map(Number), 12);
    return out;
  }
  if (kind !== 6) return undefined;
  let v4: number[] | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    v4 = s
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  for (let i = 0; i < 8; i++) {
    const n = Number.parseInt(groups[i], 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}
