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

/**
 * The DER of the connection's client certificate, from `getPeerCertificate(false)`.
 *
 * Not from `getPeerX509Certificate()`: on a server socket in Node 20 each call leaves native
 * memory behind that no garbage collection gives back (measured on a bare `node:https`
 * mutual-TLS server, one call per new connection: RSS 47 → 207 MB over 10,000 connections,
 * and still 47 → 146 MB over 8,000 with a forced full GC every 200; with
 * `getPeerCertificate(false)` 47 → 96 MB, level after the first 4,000, the same as without
 * either call). A client opening a connection per request could grow the process without
 * limit.
 */
function readDer(socket: Partial<TLSSocket>): Buffer | null {
  const raw =
    typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false)?.raw : undefined;
  return raw && raw.length > 0 ? raw : null;
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
