/** PEM encoding and strict decoding. Internal to certs/. */

export interface PemBlock {
  label: string;
  der: Buffer;
}

export function toPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * All PEM blocks in `text`. With `strict`, anything but whitespace outside the blocks is an error
 * (OpenSSL's "explanatory text" is otherwise ignored). Throws Error with a readable message.
 */
export function pemBlocks(text: string, strict: boolean): PemBlock[] {
  const blocks: PemBlock[] = [];
  let last = 0;
  for (const m of text.matchAll(BLOCK_RE)) {
    const between = text.slice(last, m.index);
    if (strict && between.trim() !== '') throw new Error('unexpected text outside the PEM block');
    last = m.index + m[0].length;
    const [, label, body, endLabel] = m;
    if (label !== endLabel) throw new Error(`PEM block BEGIN ${label} ends with END ${endLabel}`);
    if (body.includes(':')) throw new Error('PEM headers are not supported');
    const b64 = body.replace(/\s+/g, '');
    if (b64.length === 0 || b64.length % 4 !== 0 || !B64_RE.test(b64)) {
      throw new Error(`invalid base64 in the ${label} block`);
    }
    blocks.push({ label, der: Buffer.from(b64, 'base64') });
  }
  const rest = text.slice(last);
  if (rest.includes('-----BEGIN ')) throw new Error('unterminated PEM block');
  if (blocks.length === 0) return blocks;
  if (strict && rest.trim() !== '') throw new Error('unexpected text after the PEM block');
  return blocks;
}
