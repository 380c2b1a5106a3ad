import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What a request Node's HTTP parser refused gets: status, OAuth-style code, description. */
const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request_header_fields_too_large', 'the request head is larger than 16 KiB'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'request_too_large', 'the chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request did not arrive in time'],
};
const MALFORMED: [number, string, string] = [400, 'invalid_request', 'the request is not valid HTTP/1.1'];

/** A TLS connection whose client has not finished its handshake: no HTTP answer can reach it. */
const handshakeUnfinished = (socket: Socket) =>
  typeof (socket as TLSSocket).getPeerFinished === 'function' &&
  (socket as TLSSocket).getPeerFinished() === undefined;

/**
 * The server's `clientError` listener: a request Node's HTTP parser refuses (a malformed
 * request line or header, a bad Content-Length, a head over the limit, a request that took too
 * long) gets the services' usual error body — `{"error", "error_description"}` as JSON — instead
 * of Node's bare status line, then the connection is closed. The description is fixed text: the
 * parser's own message is never shown. A connection that is gone, or whose answer has already
 * begun, is only closed; so is one whose TLS handshake failed or timed out (an HTTPS server
 * reports those here too): an answer written there waited for a handshake that never came, and
 * the connection stayed open for as long as the client kept it.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (
    err.code === 'ECONNRESET' ||
    !socket.writable ||
    answering?.headersSent ||
    handshakeUnfinished(socket)
  ) {
    socket.destroy();
    return;
  }
  const [status, error, description] = ANSWERS[err.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error, error_description: description });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}
