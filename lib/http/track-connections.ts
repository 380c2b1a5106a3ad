import type { Server, Socket } from 'node:net';

export interface TrackedConnections {
  /** Ends every connection still open. */
  destroyAll(): void;
}

/**
 * Remembers every connection the server accepts until it closes, so that stopping the server
 * can end them all. `closeAllConnections()` ends only the connections the HTTP layer has been
 * given; over HTTPS that is after the TLS handshake, so a client that connected and sent
 * nothing, or half a ClientHello, was not ended, and `server.close()` — so a SIGTERM'd
 * `obmock up` — waited for it as long as the client kept it open.
 */
export function trackConnections(server: Server): TrackedConnections {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    destroyAll: () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
