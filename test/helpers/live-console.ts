import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsoleApp } from '../../console/app.js';
import type { ConsoleContext } from '../../console/context.js';
import { type LiveFeed, startLiveFeed } from '../../console/live-feed.js';
import { createSessions } from '../../console/sessions.js';
import type { TappedMessage } from '../../lib/http/index.js';
import { silentLogger } from '../../lib/logger.js';

export const ADMIN_TOKEN = 'live-console-test-admin-token';

/** A stand-in for a service's message tap: an SSE stream the test writes to, byte by byte if it likes. */
export interface FakeTap {
  url: string;
  /** Writes one whole event for `m` to every follower. */
  push(m: TappedMessage): void;
  /** Writes raw bytes to every follower (an event split where the test chooses). */
  write(bytes: Buffer): void;
  /** Followers connected now. */
  followers(): number;
  close(): Promise<void>;
}

export async function startFakeTap(): Promise<FakeTap> {
  const followers = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${ADMIN_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    followers.add(res);
    res.on('close', () => followers.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const write = (bytes: Buffer) => {
    for (const f of followers) f.write(bytes);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    push: (m) => write(Buffer.from(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`)),
    write,
    followers: () => followers.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tapped message as a bank would record it; `over` replaces any field. */
export function tapped(seq: number, over: Partial<TappedMessage> = {}): TappedMessage {
  return {
    seq,
    service: 'bank',
    at: new Date(0).toISOString(),
    method: 'GET',
    path: `/banks/default/.well-known/openid-configuration?n=${seq}`,
    requestHeaders: { 'user-agent': 'test' },
    status: 200,
    responseHeaders: {},
    ms: 1,
    ...over,
  };
}

/** The console's app over HTTP with a live feed that follows `tap`, and stand-ins for the services. */
export interface LiveConsole {
  url: string;
  live: LiveFeed;
  /** The console's HTTP server (a test may watch its requests and responses). */
  server: Server;
  /** A new signed-in session's cookie header. */
  signIn(): string;
  close(): Promise<void>;
}

export async function startLiveConsole(
  tap: FakeTap,
  feed: { maxListeners?: number; maxListenersPerOwner?: number; capacity?: number } = {},
  /** Stand-ins for the services the pages under test call (banks, directory). */
  services: Partial<Pick<ConsoleContext, 'banks' | 'directory'>> = {},
  /** The port to listen on (0: any); a second console on the first one's port is a restart. */
  port = 0,
): Promise<LiveConsole> {
  const sessions = createSessions({ adminToken: ADMIN_TOKEN });
  const live = startLiveFeed({
    sources: [{ service: 'bank', url: tap.url }],
    adminToken: ADMIN_TOKEN,
    caBundlePem: '',
    logger: silentLogger,
    ...feed,
  });
  const ctx = {
    logger: silentLogger,
    sessions,
    banks: [],
    ...services,
    adminToken: ADMIN_TOKEN,
    live,
    lanes: ['clients', 'directory', 'bank default'],
  } as unknown as ConsoleContext;
  const server: Server = createServer(createConsoleApp(ctx));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    live,
    server,
    signIn: () => `obmock_console=${sessions.signInWithAdminToken(ADMIN_TOKEN)!.id}`,
    async close() {
      await live.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser tab's stream of the live flow: its status, what it received, and whether the server ended it. */
export interface Tab {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Ids of the messages received so far. */
  ids: number[];
  bytes(): number;
  /** Resolves with the id once a message with that id arrives, or with 'ended' when the stream ends first. */
  until(id: number): Promise<number | 'ended'>;
  close(): void;
}

export function openTab(
  url: string,
  cookie: string,
  opts: { method?: string; lastEventId?: number } = {},
): Promise<Tab> {
  return new Promise((resolve, reject) => {
    const ids: number[] = [];
    let bytes = 0;
    let text = '';
    let ended = false;
    const waiting: (() => void)[] = [];
    const req = request(
      `${url}/live/events`,
      {
        method: opts.method ?? 'GET',
        headers: {
          cookie,
          accept: 'text/event-stream',
          ...(opts.lastEventId !== undefined ? { 'last-event-id': String(opts.lastEventId) } : {}),
        },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          bytes += Buffer.byteLength(d);
          text += d;
          let end = text.indexOf('\n\n');
          while (end >= 0) {
            const id = /^id: (\d+)$/m.exec(text.slice(0, end));
            if (id) ids.push(Number(id[1]));
            text = text.slice(end + 2);
            end = text.indexOf('\n\n');
          }
          for (const w of waiting.splice(0)) w();
        });
        const finish = () => {
          ended = true;
          for (const w of waiting.splice(0)) w();
        };
        res.on('end', finish);
        res.on('close', finish);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          ids,
          bytes: () => bytes,
          until: (id) =>
            new Promise((done) => {
              const check = () => {
                if (ids.includes(id)) done(id);
                else if (ended) done('ended');
                else waiting.push(check);
              };
              check();
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', (err) => {
      if (!ended) reject(err);
    });
    req.end();
  });
}
