import { createHash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { createSecureContext } from 'node:tls';
import { Agent, buildConnector, Pool } from 'undici';
import { guardedConnector } from './guarded-connector.js';
import { guardedLookup } from './guarded-lookup.js';
import { leafIdentityCheck } from './leaf-identity-check.js';

/** What makes two clients the same TPP identity towards the same servers. */
export interface AgentIdentity {
  ca: string[];
  cert?: string;
  key?: string;
  servername?: string;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxResponseBytes: number;
  /** The resolver under the address rule (`guardedLookup`); default the system's. */
  lookup?: LookupFunction;
}

interface Entry {
  agent: Agent;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

/** Agents kept at most; past this, an identity gets an agent of its own, closed with its client. */
export const MAX_SHARED_AGENTS = 32;

const agents = new Map<string, Entry>();
/** Agents of their own (past MAX_SHARED_AGENTS) not yet released. */
let unsharedHeld = 0;

const systemLookup = dnsLookup as LookupFunction;

/** A number per resolver function given, for the identity key (functions do not serialise). */
const resolverIds = new WeakMap<LookupFunction, number>();
let nextResolverId = 1;

function resolverId(lookup: LookupFunction | undefined): number {
  if (!lookup) return 0;
  let id = resolverIds.get(lookup);
  if (id === undefined) {
    id = nextResolverId++;
    resolverIds.set(lookup, id);
  }
  return id;
}

function identityKey(id: AgentIdentity): string {
  // The key and certificate are hashed together with everything else: nothing secret is kept as a map key.
  const { lookup, ...rest } = id;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, resolver: resolverId(lookup) }))
    .digest('base64url');
}

function newAgent(id: AgentIdentity): Agent {
  // One TLS context per identity, made once: without it every new connection parses the CA
  // bundle (all of Node's root store with trustSystemCas), the certificate and the key again.
  const secureContext = createSecureContext({
    ca: id.ca,
    ...(id.cert !== undefined ? { cert: id.cert, key: id.key } : {}),
    minVersion: 'TLSv1.2',
  });
  const resolve = id.lookup ?? systemLookup;
  const connect = {
    secureContext,
    // every new connection's addresses are judged (guardedLookup): a bank's document cannot
    // send the TPP to the operator's own network by naming a host that resolves there
    lookup: guardedLookup(resolve),
    ...(id.servername !== undefined ? { servername: id.servername } : {}),
    rejectUnauthorized: true,
    timeout: id.connectTimeoutMs,
  };
  return new Agent({
    // a connector per origin, as undici makes them (each keeps its own TLS session cache),
    // whose server-identity check reads the leaf certificate only (leafIdentityCheck)
    factory: (origin, opts) =>
      new Pool(origin, {
        ...opts,
        connect: leafIdentityCheck(guardedConnector(buildConnector(connect), resolve)),
      }),
    // headers and body deadlines are given per call
    keepAliveTimeout: id.keepAliveTimeoutMs,
    maxResponseSize: id.maxResponseBytes,
  });
}

/** Closes the least recently released idle agent, to make room. */
function evictIdle(): boolean {
  for (const [key, entry] of agents) {
    if (entry.users === 0) {
      clearTimeout(entry.idleTimer);
      agents.delete(key);
      void entry.agent.close();
      return true;
    }
  }
  return false;
}

/**
 * The undici Agent of one TPP identity (same trusted CAs, client certificate and key, limits),
 * shared by every client made with it in this process: its keep-alive connections and its TLS
 * session cache (undici resumes TLS sessions per server name) carry over from one client to the
 * next, e.g. from one scenario to the next. Agents are never shared between identities, so a
 * TLS session (which carries the client certificate) is never resumed by another TPP. When the
 * last client lets go, the agent stays open for `keepAliveTimeoutMs`, then closes; at most
 * {@link MAX_SHARED_AGENTS} are kept. Every connection resolves its host through
 * `guardedLookup` (IP addresses a bank named: `guardedConnector`).
 */
export function acquireAgent(id: AgentIdentity): { agent: Agent; release(): Promise<void> } {
  const key = identityKey(id);
  let entry = agents.get(key);
  if (!entry && (agents.size < MAX_SHARED_AGENTS || evictIdle())) {
    entry = { agent: newAgent(id), users: 0 };
    agents.set(key, entry);
  }
  if (!entry) {
    const agent = newAgent(id);
    unsharedHeld += 1;
    let closing: Promise<void> | undefined;
    return {
      agent,
      // once: closing a closed agent again would throw
      release: () => {
        if (!closing) {
          unsharedHeld -= 1;
          closing = agent.close();
        }
        return closing;
      },
    };
  }
  const shared = entry;
  clearTimeout(shared.idleTimer);
  shared.idleTimer = undefined;
  shared.users += 1;
  let released = false;
  return {
    agent: shared.agent,
    release: async () => {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      // Re-inserted: the map's order is the order agents went idle (oldest evicted first).
      agents.delete(key);
      agents.set(key, shared);
      shared.idleTimer = setTimeout(() => {
        if (shared.users > 0 || agents.get(key) !== shared) return;
        agents.delete(key);
        void shared.agent.close();
      }, id.keepAliveTimeoutMs);
      shared.idleTimer.unref();
    },
  };
}

/** Agents currently kept (tests). */
export function sharedAgentCount(): number {
  return agents.size;
}

/** Agents some client has not let go of (`close`): shared ones with users, and agents of their own (tests: a leak check). */
export function agentsInUse(): number {
  let n = unsharedHeld;
  for (const entry of agents.values()) if (entry.users > 0) n += 1;
  return n;
}
