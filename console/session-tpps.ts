import { ConsoleTppClosed } from './console-tpp-closed.js';
import type { ConsoleSession } from './sessions.js';
import { type ConsoleTpp, type ConsoleTppOptions, createConsoleTpp } from './tpp-actions.js';
import { TppsFull } from './tpps-full.js';

/** What every session's TPP is made with (its session's number is added per TPP). */
export interface SessionTppsOptions extends Omit<ConsoleTppOptions, 'session'> {
  /** TPPs kept at once; the sessions' own limit (a TPP goes with its session, so it is never reached while sessions end through `end`). */
  max: number;
  /** Whether a session is still open: a request that raced its session's end makes no TPP for it (it would never be ended). */
  isOpen?: (sessionId: string) => boolean;
}

/**
 * Each session's own TPP (docs/console.md): made on the session's first TPP action, ended with
 * the session (`end`, called when the session is signed out, evicted or expires). No session
 * sees or drives another's.
 */
export function createSessionTpps(options: SessionTppsOptions) {
  const tpps = new Map<string, ConsoleTpp>();
  /** Closings under way (a session's TPP may finish its last action after the session ended). */
  const closing = new Set<Promise<void>>();
  const { max, isOpen, ...tppOptions } = options;

  const end = (sessionId: string): Promise<void> => {
    const tpp = tpps.get(sessionId);
    if (!tpp) return Promise.resolve();
    tpps.delete(sessionId);
    const done = tpp.close().finally(() => closing.delete(done));
    closing.add(done);
    return done;
  };

  return {
    /** The session's TPP, if it has one yet. */
    find(session: ConsoleSession): ConsoleTpp | undefined {
      return tpps.get(session.id);
    },
    /** The session's TPP, made now if it has none (no key is made before it onboards); TppsFull when the console keeps `max`, ConsoleTppClosed when the session has ended. */
    of(session: ConsoleSession): ConsoleTpp {
      let tpp = tpps.get(session.id);
      if (!tpp) {
        if (isOpen && !isOpen(session.id)) throw new ConsoleTppClosed();
        if (tpps.size >= max) throw new TppsFull(max);
        tpp = createConsoleTpp({ ...tppOptions, session: session.number });
        tpps.set(session.id, tpp);
      }
      return tpp;
    },
    /** Ends a session's TPP: out of the table at once, its action under way finishes and closes its clients. */
    end,
    /** TPPs kept now. */
    size: (): number => tpps.size,
    /** Ends every TPP (the console stops). */
    async close(): Promise<void> {
      await Promise.all([...tpps.keys()].map(end));
      await Promise.all([...closing]);
    },
  };
}

export type SessionTpps = ReturnType<typeof createSessionTpps>;
