import { X509Certificate } from 'node:crypto';
import { dnToString, parseCsr } from '../certs/index.js';
import { type DecodedCertificate, findCertificates } from '../scenarios/reporters/index.js';
import type { LiveMessage } from './live-feed.js';

const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const CSR = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]*?-----END CERTIFICATE REQUEST-----/g;

export interface DecodedJwt {
  where: string;
  header: unknown;
  payload: unknown;
}

export interface DecodedCsr {
  where: string;
  subject: string;
  key: string;
  signatureAlgorithm: string;
}

/** Who a message was from and what it concerns, for the sequence diagram and its filters. */
export interface MessageFacts {
  /** The caller as the service saw it: the mTLS certificate's subject, or the User-Agent. */
  from: string;
  to: string;
  org?: string;
  client?: string;
  bank?: string;
  /** Set when a bank refused: the check that failed, in the bank's words. */
  refusal?: { error: string; description: string };
}

export interface DecodedMessage {
  facts: MessageFacts;
  jwts: DecodedJwt[];
  certificates: DecodedCertificate[];
  csrs: DecodedCsr[];
  clientCertificate?: DecodedCertificate;
}

/** How many JWTs a message's detail decodes at most (nested ones included). */
const MAX_JWTS = 6;

function decodeJwt(where: string, jwt: string): DecodedJwt | undefined {
  const [h, p] = jwt.split('.');
  try {
    return {
      where,
      header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    };
  } catch {
    return undefined; // not a JWT after all
  }
}

/**
 * The JWTs in a body, each followed by those carried whole in its claims: a registration
 * request's SSA (`software_statement`) is decoded as well as the request around it.
 */
function decodeJwts(where: string, text: string | undefined): DecodedJwt[] {
  const out: DecodedJwt[] = [];
  for (const jwt of text?.match(JWT) ?? []) {
    const outer = decodeJwt(where, jwt);
    if (!outer) continue;
    out.push(outer);
    if (outer.payload && typeof outer.payload === 'object') {
      for (const [claim, value] of Object.entries(outer.payload as Record<string, unknown>)) {
        if (out.length >= MAX_JWTS) break;
        if (typeof value !== 'string' || value.match(JWT)?.[0] !== value) continue;
        const inner = decodeJwt(`${where}: its ${claim} claim`, value);
        if (inner) out.push(inner);
      }
    }
    if (out.length >= MAX_JWTS) break;
  }
  return out;
}

function decodeCsrs(where: string, text: string | undefined): DecodedCsr[] {
  const out: DecodedCsr[] = [];
  for (const pem of text?.match(CSR) ?? []) {
    try {
      const csr = parseCsr(pem);
      out.push({
        where,
        subject: dnToString(csr.subject),
        key: `${csr.keyType} ${csr.keyBits}`,
        signatureAlgorithm: csr.signatureAlgorithm,
      });
    } catch {
      // not a CSR
    }
    if (out.length >= 2) break;
  }
  return out;
}

function subjectField(cert: X509Certificate, field: string): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith(`${field}=`));
  return line?.slice(field.length + 1);
}

/** Who, what and which bank a message concerns. */
export function messageFacts(m: LiveMessage): MessageFacts {
  let from = m.requestHeaders['user-agent'] ?? 'client';
  let org: string | undefined;
  if (m.clientCertificate) {
    try {
      const cert = new X509Certificate(m.clientCertificate);
      // OB transport: OU = organisation, CN = software statement; OBWAC: CN = organisation.
      const ou = subjectField(cert, 'OU');
      const cn = subjectField(cert, 'CN');
      org = ou ?? cn;
      from = ou ? `TPP ${ou} / ${cn}` : `TPP ${cn}`;
    } catch {
      from = 'client (unreadable certificate)';
    }
  }
  const path = m.path.split('?')[0];
  const orgInPath = /^\/(?:v2\.1\/organisation|admin\/organisations|keystore)\/([A-Za-z0-9]{6,40})/.exec(
    path,
  );
  org ??= orgInPath?.[1];
  const bank = /^\/banks\/([^/]+)/.exec(path)?.[1];
  let client = /\/register\/([^/?]+)/.exec(path)?.[1];
  if (!client && m.responseBody?.includes('client_id')) {
    client = /"client_id"\s*:\s*"([^"]{1,200})"/.exec(m.responseBody)?.[1];
  }
  let refusal: MessageFacts['refusal'];
  if (m.service === 'bank' && m.status >= 400 && m.responseBody) {
    try {
      const body = JSON.parse(m.responseBody) as { error?: unknown; error_description?: unknown };
      if (typeof body.error === 'string')
        refusal = { error: body.error, description: String(body.error_description ?? '') };
    } catch {
      // not JSON
    }
  }
  return {
    from,
    to: bank ? `bank ${bank}` : m.service,
    ...(org ? { org } : {}),
    ...(client ? { client } : {}),
    ...(bank ? { bank } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

/** Everything in a message a person wants decoded: JWTs, certificates, CSRs and the mTLS client certificate. */
export function decodeMessage(m: LiveMessage): DecodedMessage {
  const clientCertificate = m.clientCertificate
    ? findCertificates(m.clientCertificate, 'mTLS client certificate')[0]
    : undefined;
  return {
    facts: messageFacts(m),
    jwts: [...decodeJwts('request', m.requestBody), ...decodeJwts('response', m.responseBody)],
    certificates: [
      ...findCertificates(m.requestBody, 'request body'),
      ...findCertificates(m.responseBody, 'response body'),
    ],
    csrs: decodeCsrs('request body', m.requestBody),
    ...(clientCertificate ? { clientCertificate } : {}),
  };
}
