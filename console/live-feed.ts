import { Agent, request } from 'undici';
import type { TappedMessage } from '../lib/http/index.js';
import { MESSAGE_TAP_PATH } from '../lib/http/index.js';
import type { Logger } from '../lib/logger.js';

/** A message of the live flow: a service's tapped exchange with a console-wide id. */
export interface LiveMessage extends TappedMessage {
  id: number;
}

export interface LiveSource {
  /** Service label (directory, bank, tpp). */
  service: string;
  /** Base URL of the service (its tap is at /admin/messages). */
  url: string;
}

export interface LiveFeedOptions {
  sources: LiveSource[];
  adminToken: string;
  caBundlePem: string;
  logger: Logger;
  /** Messages kept for late readers; default 500. */
  capacity?: number;
  /** Readers (browser tabs) at once; default 64. */
  maxListeners?: number;
}

export interface LiveFeed {
  messages(after?: number): LiveMessage[];
  message(id: number): LiveMessage | undefined;
  /** Calls `fn` for each new message; returns the unsubscribe function, or undefined when full. */
  subscribe(fn: (m: LiveMessage) => void): (() => void) | undefined;
  stop(): Promise<void>;
}

/** Parses one SSE event block into its data, or undefined. */
function eventData(block: string): { id?: string; data: string } | undefined {
  let data = '';
  let id: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith('data: ')) data += line.slice(6);
    else if (line.startsWith('id: ')) id = line.slice(4);
  }
  return data ? { id, data } : undefined;
}

/**
 * The live flow: follows each service's message tap (Server-Sent Events over
 * HTTPS with the admin token), merges what arrives into one bounded ring and
 * hands each message to the browser tabs that listen. Reconnects with backoff.
 */
export function startLiveFeed(options: LiveFeedOptions): LiveFeed {
  const capacity = options.capacity ?? 500;
  const maxListeners = options.maxListeners ?? 64;
  const ring: LiveMessage[] = [];
  const listeners = new Set<(m: LiveMessage) => void>();
  const dispatcher = new Agent({ connect: { ca: options.caBundlePem }, bodyTimeout: 0 });
  const abort = new AbortController();
  let nextId = 0;

  const publish = (m: TappedMessage) => {
    nextId += 1;
    const live: LiveMessage = { ...m, id: nextId };
    ring.push(live);
    if (ring.length > capacity) ring.splice(0, ring.length - capacity);
    for (const l of listeners) l(live);
  };

  const follow = async (source: LiveSource) => {
    let lastEventId = '0';
    let delay = 500;
    while (!abort.signal.aborted) {
      try {
        const res = await request(`${source.url}${MESSAGE_TAP_PATH}`, {
          dispatcher,
          signal: abort.signal,
          headers: {
            authorization: `Bearer ${options.adminToken}`,
            accept: 'text/event-stream',
            'last-event-id': lastEventId,
          },
        });
        if (res.statusCode !== 200) {
          await res.body.dump();
          throw new Error(`tap answered ${res.statusCode}`);
        }
        delay = 500;
        let buffered = '';
        for await (const chunk of res.body) {
          buffered += chunk.toString();
          if (buffered.length > 4 * 1024 * 1024) throw new Error('event too large');
          let end = buffered.indexOf('\n\n');
          while (end >= 0) {
            const event = eventData(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
            end = buffered.indexOf('\n\n');
            if (!event) continue;
            if (event.id) lastEventId = event.id;
            try {
              publish(JSON.parse(event.data) as TappedMessage);
            } catch {
              // not a message: ignore
            }
          }
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        options.logger.debug('live flow: tap unavailable, retrying', {
          service: source.service,
          error: (err as Error).message,
        });
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  };
  const running = options.sources.map((s) => follow(s));

  return {
    messages: (after = 0) => ring.filter((m) => m.id > after),
    message: (id) => ring.find((m) => m.id === id),
    subscribe(fn) {
      if (listeners.size >= maxListeners) return undefined;
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}
