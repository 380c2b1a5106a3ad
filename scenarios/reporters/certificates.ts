import { X509Certificate } from 'node:crypto';
import type { Exchange } from '../types.js';

/** A certificate found in an exchange, decoded for reports. */
export interface DecodedCertificate {
  /** Where it was found: `request body`, `response header x-ssl-client-cert`, … */
  where: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  subjectAltName?: string;
  fingerprint256: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
/** `"x5c": ["MII…", …]` in a JWK or JWT header. */
const X5C = /"x5c"\s*:\s*\[([^\]]*)\]/g;
const MAX_PER_EXCHANGE = 8;

/** `C=GB\nO=obmock\nCN=x` (node's form) as `C=GB, O=obmock, CN=x`. */
function oneLineDn(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function decodeDer(der: Buffer, where: string): DecodedCertificate | undefined {
  try {
    const cert = new X509Certificate(der);
    return {
      where,
      subject: oneLineDn(cert.subject),
      issuer: oneLineDn(cert.issuer),
      validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(),
      serialNumber: cert.serialNumber,
      ...(cert.subjectAltName ? { subjectAltName: cert.subjectAltName } : {}),
      fingerprint256: cert.fingerprint256,
    };
  } catch {
    return undefined; // looked like a certificate, is not one
  }
}

/** Base64 from a PEM body that may sit JSON-escaped (`\n`, `\/`) inside a string. */
function base64Of(block: string): string {
  return block
    .replace(/\\[nr]/g, '')
    .replace(/\\\//g, '/')
    .replace(/[^A-Za-z0-9+/=]/g, '');
}

/** Certificates in one piece of text: PEM blocks (raw, JSON-escaped or URL-encoded) and x5c arrays. */
export function findCertificates(text: string | undefined, where: string): DecodedCertificate[] {
  if (!text) return [];
  const candidates = [text];
  if (/-----BEGIN%20CERTIFICATE/i.test(text)) {
    try {
      candidates.push(decodeURIComponent(text));
    } catch {
      // not URL-encoded after all
    }
  }
  const found: DecodedCertificate[] = [];
  const seen = new Set<string>();
  const add = (b64: string): void => {
    if (b64.length < 64 || seen.has(b64) || found.length >= MAX_PER_EXCHANGE) return;
    seen.add(b64);
    const cert = decodeDer(Buffer.from(b64, 'base64'), where);
    if (cert) found.push(cert);
  };
  for (const candidate of candidates) {
    for (const m of candidate.matchAll(PEM_BLOCK)) add(base64Of(m[1]));
    for (const m of candidate.matchAll(X5C)) {
      for (const s of m[1].matchAll(/"([A-Za-z0-9+/=\\]+)"/g)) add(base64Of(s[1]));
    }
  }
  return found;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Every certificate in an exchange's bodies and header values, at most a few. */
export function exchangeCertificates(e: Exchange): DecodedCertificate[] {
  const all = [
    ...findCertificates(e.requestBody, 'request body'),
    ...Object.entries(e.requestHeaders ?? {}).flatMap(([k, v]) => findCertificates(v, `request header ${k}`)),
    ...findCertificates(e.responseBody, 'response body'),
    ...Object.entries(e.responseHeaders ?? {}).flatMap(([k, v]) =>
      findCertificates(v, `response header ${k}`),
    ),
    ...(e.jwts ?? []).flatMap((j) => findCertificates(safeJson(j.header), `JWT header (${j.where})`)),
  ];
  const unique = all.filter((c, i) => all.findIndex((o) => o.fingerprint256 === c.fingerprint256) === i);
  return unique.slice(0, MAX_PER_EXCHANGE);
}
