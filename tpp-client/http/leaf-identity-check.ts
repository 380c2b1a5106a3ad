import { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';

/**
 * Wraps an undici connector so that Node's server-identity check of each new TLS session reads
 * the server's leaf certificate only.
 *
 * After a handshake that did not resume a session, Node's TLS client calls
 * `socket.getPeerCertificate(true)` and hands the result to `checkServerIdentity`, which reads
 * only the leaf's `subjectaltname` (and its `subject.CN` when it names no DNS host). The detailed
 * form also copies and decodes every certificate of the server's chain up to the trusted root:
 * about 1 ms of CPU per new session with OpenSSL 3, where the leaf alone costs about 0.05 ms.
 * For the duration of the handshake, the socket's `getPeerCertificate` returns the leaf alone
 * (Node's own abbreviated form, the same `subject` and `subjectaltname`), so Node's own
 * `checkServerIdentity` runs unchanged on the same fields and refuses a certificate for another
 * name exactly as before; the chain itself is verified by OpenSSL during the handshake as
 * before. Once the handshake is done the socket's method is Node's again.
 *
 * If undici's connector ever stops returning its socket, or Node stops calling the socket's
 * method, the check simply runs Node's detailed way again: slower, never weaker.
 */
export function leafIdentityCheck(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    // undici's connector returns the socket it made (its typings say void); the handshake has not run yet
    const socket: unknown = (connect as (...args: Parameters<buildConnector.connector>) => unknown)(
      options,
      callback,
    );
    if (socket instanceof TLSSocket) checkOnLeaf(socket);
    return socket as undefined;
  };
}

function checkOnLeaf(socket: TLSSocket): void {
  socket.getPeerCertificate = function leafOnly(this: TLSSocket) {
    return TLSSocket.prototype.getPeerCertificate.call(this, false);
  } as TLSSocket['getPeerCertificate'];
  const restore = () => {
    Reflect.deleteProperty(socket, 'getPeerCertificate');
  };
  socket.once('secureConnect', restore);
  socket.once('close', restore);
}
