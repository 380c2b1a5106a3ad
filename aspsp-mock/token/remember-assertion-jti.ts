import type { Store } from '../../lib/store/index.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClient } from '../errors.js';
import { BANK_COLLECTIONS, type JtiRecord } from '../model.js';
import { JTI_HORIZON_SECONDS, rememberJti } from '../register/replay.js';

/**
 * Most unexpired client assertions one client may have on record. Each is kept until its
 * `exp` (at most 1 h ahead, check-assertion-claims.ts) so that a replay is refused (RFC 7523
 * §3 item 7); past this many the client's next assertion is refused (401 invalid_client)
 * until older ones expire — never one forgotten early, which would let it be replayed.
 * 10,000 an hour is ≈ 2.8 tokens a second, sustained, for one client.
 */
export const MAX_LIVE_ASSERTIONS_PER_CLIENT = 10_000;

const NAMESPACE = 'assertion';

/** Per bank store: each client's unexpired assertion jtis, as their record's expiry times. */
const live = new WeakMap<Store, Map<string, number[]>>();

/**
 * The index of a bank's store, built on first use after a start from the assertion jtis on
 * record (so a restart does not reset the count), then kept up by {@link rememberAssertionJti}.
 * Records further ahead than any assertion can be (left by an older version) are not counted:
 * the purge deletes them.
 */
function liveIndex(ctx: BankContext): Map<string, number[]> {
  const known = live.get(ctx.store);
  if (known) return known;
  const index = new Map<string, number[]>();
  const now = nowSeconds(ctx);
  const prefix = `${NAMESPACE}:`;
  for (const [key, record] of ctx.store.entries<JtiRecord>(BANK_COLLECTIONS.jtis)) {
    if (!key.startsWith(prefix)) continue;
    const end = key.indexOf(':', prefix.length); // client ids are UUIDs: no ':'
    if (end < 0 || record.expiresAt < now || record.expiresAt > now + JTI_HORIZON_SECONDS) continue;
    const client = key.slice(prefix.length, end);
    const list = index.get(client);
    if (list) list.push(record.expiresAt);
    else index.set(client, [record.expiresAt]);
  }
  live.set(ctx.store, index);
  return index;
}

/**
 * Records a client assertion's jti until its exp; refuses a replay, and a client holding
 * {@link MAX_LIVE_ASSERTIONS_PER_CLIENT} unexpired ones. Check and record happen without an
 * await in between (as rememberJti). Returns the durable write.
 */
export function rememberAssertionJti(
  ctx: BankContext,
  clientId: string,
  jti: string,
  exp: number,
): Promise<void> {
  const index = liveIndex(ctx);
  const now = nowSeconds(ctx);
  let list = index.get(clientId) ?? [];
  if (list.length >= MAX_LIVE_ASSERTIONS_PER_CLIENT) list = list.filter((e) => e >= now);
  if (list.length >= MAX_LIVE_ASSERTIONS_PER_CLIENT)
    throw new InvalidClient(
      `the client has ${MAX_LIVE_ASSERTIONS_PER_CLIENT} unexpired client assertions on record; use fewer or shorter-lived ones`,
    );
  const written = rememberJti(
    ctx,
    `${NAMESPACE}:${clientId}`,
    jti,
    exp,
    () => new InvalidClient('client_assertion jti has already been used'),
  );
  list.push(exp + ctx.settings.clockSkewSeconds);
  index.set(clientId, list);
  return written;
}
