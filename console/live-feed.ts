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
  /** Readers at once with the same owner (a console session); default 8. */
  maxListenersPerOwner?: number;
}

export interface LiveFeed {
  messages(after?: number): LiveMessage[];
  message(id: number): LiveMessage | undefined;
  /**
   * Calls `fn` for each new message; returns the unsubscribe function, or undefined when the
   * feed has no room (all readers taken, or all of `owner`'s).
   */
  subscribe(fn: (m: LiveMessage) => void, owner?: string): (() => void) | undefined;
  stop(): Promise<void>;
}

/** Bytes of the tap's stream held while an event is incomplete; more ends the connection (it is retried). */
const EVENT_LIMIT = 4 * 1024 * 1024;

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
  const maxPerOwner = options.maxListenersPerOwner ?? 8;
  const ring: LiveMessage[] = [];
  const listeners = new Set<(m: LiveMessage) => void>();
  const owners = new Map<string, number>();
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
        // One decoder for the whole stream: a character split between two chunks is decoded whole.
        const decoder = new TextDecoder('utf-8');
        let buffered = '';
        for await (const chunk of res.body) {
          // an event's end may straddle the chunks: look from just before the new text
          const from = Math.max(0, buffered.length - 1);
          buffered += decoder.decode(chunk, { stream: true });
          if (buffered.length > EVENT_LIMIT) throw new Error('event too large');
          let end = buffered.indexOf('\n\n', from);
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
    subscribe(fn, owner) {
      const held = owner === undefined ? 0 : (owners.get(owner) ?? 0);
      if (listeners.size >= maxListeners || held >= maxPerOwner) return undefined;
      // a function given twice is still one reader
      const wrapped = (m: LiveMessage) => fn(m);
      listeners.add(wrapped);
      if (owner !== undefined) owners.set(owner, held + 1);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        listeners.delete(wrapped);
        if (owner === undefined) return;
        const left = (owners.get(owner) ?? 1) - 1;
        if (left > 0) owners.set(owner, left);
        else owners.delete(owner);
      };
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}
