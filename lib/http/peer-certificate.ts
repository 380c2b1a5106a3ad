import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/** Per request: the DER the TLS layer holds is read once however many steps ask for it. */
const seen = new WeakMap<Request, Buffer | null>();

/**
 * The DER of the certificate the client presented over mutual TLS on this
 * request's connection, or undefined (plain TLS, HTTP, or none presented).
 * Read from the TLS session once per request and shared by every step that
 * asks (the message tap, the bank's certificate check): a TLS 1.2
 * renegotiation can change the certificate of a connection, so it is never
 * cached per socket.
 */
export function peerCertificateDer(req: Request): Buffer | undefined {
  const known = seen.get(req);
  if (known !== undefined) return known ?? undefined;
  const socket = req.socket as Partial<TLSSocket>;
  // getPeerX509Certificate wraps the session's certificate; getPeerCertificate would also
  // compute three fingerprints and decode every field (≈7× the time) for a DER only
  const raw =
    typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate()?.raw : undefined;
  const der = raw && raw.length > 0 ? raw : undefined;
  seen.set(req, der ?? null);
  return der;
}
