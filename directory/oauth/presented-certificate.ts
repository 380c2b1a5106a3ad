import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/** The TLS client certificate of the request (DER) and its SHA-256 thumbprint, if one was presented. */
export function presentedCertificate(req: Request): { der: Buffer; x5tS256: string } | undefined {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const der = socket.getPeerCertificate(false)?.raw;
  if (!der || der.length === 0) return undefined;
  return { der, x5tS256: createHash('sha256').update(der).digest('base64url') };
}
