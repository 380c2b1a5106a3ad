import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/** Per request: the DER the TLS layer holds is read once however many steps ask for it. */
const seen = new WeakMap<Request, Buffer | null>();

/** Connections whose certificate cannot change: renegotiation refused from their first handshake on. */
const fixed = new WeakMap<object, Buffer | null>();

/**
 * Refuses TLS renegotiation on a server-side connection (TLS 1.2; TLS 1.3 has
 * none): a client's attempt to renegotiate is a TLS error and the connection
 * is closed. A client could otherwise present another certificate halfway
 * through a connection; with renegotiation refused, the certificate of the
 * first handshake is the connection's for its whole life, so
 * {@link peerCertificateDer} reads it once per connection instead of once per
 * request. `listenHttps` calls it on every connection.
 */
export function refuseRenegotiation(socket: TLSSocket): void {
  socket.disableRenegotiation();
  fixed.set(socket, null);
}

/** The X509Certificate each DER was read from (the session's certificate, decoded once by OpenSSL). */
const x509Of = new WeakMap<Buffer, X509Certificate>();

function readDer(socket: Partial<TLSSocket>): Buffer | null {
  // getPeerX509Certificate wraps the session's certificate; getPeerCertificate would also
  // compute three fingerprints and decode every field (≈7× the time) for a DER only
  const x509 =
    typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
  const raw = x509?.raw;
  if (!x509 || !raw || raw.length === 0) return null;
  x509Of.set(raw, x509);
  return raw;
}

/**
 * The certificate of {@link peerCertificateDer} as the X509Certificate it was read from (no
 * second decode, and no second `getPeerX509Certificate`, which copies and decodes the client's
 * chain certificate each time), or undefined.
 */
export function peerX509Certificate(req: Request): X509Certificate | undefined {
  const der = peerCertificateDer(req);
  return der ? x509Of.get(der) : undefined;
}

/**
 * The DER of the certificate the client presented over mutual TLS on this
 * request's connection, or undefined (plain TLS, HTTP, or none presented).
 * Read from the TLS session once per connection where renegotiation is
 * refused ({@link refuseRenegotiation}), else once per request (a TLS 1.2
 * renegotiation could change a connection's certificate), and shared by every
 * step that asks (the message tap, the bank's certificate check).
 */
export function peerCertificateDer(req: Request): Buffer | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const onConnection = fixed.get(socket);
  if (onConnection !== undefined) {
    if (onConnection !== null) return onConnection;
    const der = readDer(socket);
    // a connection whose handshake gave no certificate stays without one: read again next time only if none
    if (der) fixed.set(socket, der);
    return der ?? undefined;
  }
  const known = seen.get(req);
  if (known !== undefined) return known ?? undefined;
  const der = readDer(socket);
  seen.set(req, der);
  return der ?? undefined;
}
