import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SessionsFull } from './sessions-full.js';

export interface ConsoleSession {
  id: string;
  /** Numbers the sessions in the order they were opened, after `numberAfter`: names the session's TPP. */
  number: number;
  csrf: string;
  createdAt: number;
  lastSeen: number;
  /** The token endpoint auth method this session last registered its TPP with (chosen again by default). */
  tppAuthMethod?: string;
  /** The outcome of the last form, shown once on the next page. */
  flash?: { kind: 'ok' | 'error'; text: string; secret?: { label: string; value: string } };
}

export interface SessionsOptions {
  adminToken: string;
  /** Sessions kept at once; default 200. */
  max?: number;
  /**
   * With `max` open, a sign-in closes the session unused the longest if it has been unused this
   * long, and is refused (SessionsFull) otherwise; default 10 minutes.
   */
  evictIdleMs?: number;
  /** Idle time after which a session ends; default 12 h. */
  idleMs?: number;
  now?: () => number;
  /** Sessions are numbered from this + 1 (default 0): a restarted console continues after the numbers the directory holds. */
  numberAfter?: number;
  /** Told of every session that ends (signed out, closed for room, expired), after it is gone. */
  onEnd?: (id: string) => void;
}

const token = () => randomBytes(32).toString('base64url');
const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * The console's sign-in: one-time codes (the link printed at start) and the admin
 * token open a session; a session carries its CSRF token. Bounded in number and time.
 */
export function createSessions(options: SessionsOptions) {
  const max = options.max ?? 200;
  const idleMs = options.idleMs ?? 12 * 60 * 60 * 1000;
  const evictIdleMs = options.evictIdleMs ?? 10 * 60 * 1000;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, ConsoleSession>();
  const codes = new Set<string>();
  let opened = options.numberAfter ?? 0;
  /** Every session ends here, so what goes with it (its TPP) goes too. */
  const end = (id: string): void => {
    if (sessions.delete(id)) options.onEnd?.(id);
  };

  /** Makes room for one more session, or throws SessionsFull: a flood of sign-ins signs nobody out who is using the console. */
  const makeRoom = (): void => {
    // the Map is in order of last use (find moves a session to the end)
    while (sessions.size >= max) {
      const [id, lru] = sessions.entries().next().value as [string, ConsoleSession];
      const idle = now() - lru.lastSeen;
      if (idle < evictIdleMs) throw new SessionsFull(Math.ceil((evictIdleMs - idle) / 1000));
      end(id);
    }
  };

  const open = (): ConsoleSession => {
    makeRoom();
    const s: ConsoleSession = {
      id: token(),
      number: ++opened,
      csrf: token(),
      createdAt: now(),
      lastSeen: now(),
    };
    sessions.set(s.id, s);
    return s;
  };

  return {
    /** A new one-time sign-in code (at most 16 unused at once). */
    issueCode(): string {
      while (codes.size >= 16) codes.delete(codes.values().next().value as string);
      const code = token();
      codes.add(code);
      return code;
    },
    /** Opens a session for an unused code, spending it (not when SessionsFull is thrown). */
    redeemCode(code: string): ConsoleSession | undefined {
      for (const c of codes) {
        if (same(c, code)) {
          const s = open();
          codes.delete(c);
          return s;
        }
      }
      return undefined;
    },
    /** Opens a session for the admin token. */
    signInWithAdminToken(given: string): ConsoleSession | undefined {
      return given.length > 0 && same(given, options.adminToken) ? open() : undefined;
    },
    find(id: string | undefined): ConsoleSession | undefined {
      if (!id) return undefined;
      const s = sessions.get(id);
      if (!s) return undefined;
      if (now() - s.lastSeen > idleMs) {
        end(id);
        return undefined;
      }
      s.lastSeen = now();
      // most recently used last: a full table closes the session unused the longest, not the oldest
      sessions.delete(id);
      sessions.set(id, s);
      return s;
    },
    close(id: string): void {
      end(id);
    },
    /** Whether a session is still open (without counting as a use). */
    isOpen: (id: string): boolean => sessions.has(id),
    /** Sessions kept now. */
    size: (): number => sessions.size,
    /** At most this many sessions at once. */
    max,
    checkCsrf(s: ConsoleSession, given: unknown): boolean {
      return typeof given === 'string' && given.length > 0 && same(given, s.csrf);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
