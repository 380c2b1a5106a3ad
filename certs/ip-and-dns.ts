/** IP address and DNS name helpers for subjectAltName. Internal to certs/. */
import { isIPv4, isIPv6 } from 'node:net';

/** 4 or 16 bytes for a textual IPv4/IPv6 address; undefined when it is not one. */
export function ipToBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    tail.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    s = s.slice(0, -v4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const [head, rest] = s.split('::');
  const parse = (part: string | undefined): number[] =>
    part
      ? part
          .split(':')
          .filter((x) => x !== '')
          .map((x) => Number.parseInt(x, 16))
      : [];
  const h = parse(head);
  const r = [...parse(rest), ...tail];
  const groups =
    rest === undefined ? [...h, ...tail] : [...h, ...new Array(8 - h.length - r.length).fill(0), ...r];
  if (groups.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i], i * 2);
  return out;
}

/** RFC 5952 text for 4 or 16 address bytes (other lengths: hex). */
export function bytesToIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) return b.toString('hex');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_RE = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** A hostname (optionally with a leading '*.' wildcard label), at most 253 characters. */
export function isDnsName(s: string): boolean {
  return s.length <= 253 && DNS_RE.test(s);
}
