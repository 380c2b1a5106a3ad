import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClientMetadata } from '../errors.js';
import { BANK_COLLECTIONS, type JtiRecord } from '../model.js';
import { MAX_CLOCK_SKEW_SECONDS, MAX_REQUEST_LIFETIME_SECONDS } from '../profile/switches.js';

/**
 * How far ahead of now any jti record the bank makes can expire, under any profile: a signed
 * request's `exp` is at most `requestMaxLifetimeSeconds` after its `iat`, which is at most the
 * clock skew ahead of now, and the record adds the skew again (a client assertion's exp is
 * bounded more tightly, 1 h; a registration without exp is kept 1 h). Taken at the switches'
 * largest values, so that no profile, nor a swap of profiles, ever makes a record the purge
 * may delete before its expiry. A record further ahead than this (an older version stored the
 * client's exp unbounded) is expirable: a JWT that far from expiring is refused before its jti
 * is looked up.
 */
export const JTI_HORIZON_SECONDS = MAX_REQUEST_LIFETIME_SECONDS + 2 * MAX_CLOCK_SKEW_SECONDS;

/**
 * Records a JWT id until its expiry; a second use is refused. Check and
 * record happen without an await in between, so two concurrent uses cannot
 * both pass. Returns the durable write.
 */
export function rememberJti(
  ctx: BankContext,
  namespace: string,
  jti: string,
  expiresAt: number,
  onReplay: () => Error = () => new InvalidClientMetadata(`jti '${jti}' has already been used`),
): Promise<void> {
  const key = `${namespace}:${jti}`;
  const seen = ctx.store.get<JtiRecord>(BANK_COLLECTIONS.jtis, key);
  if (seen && seen.expiresAt >= nowSeconds(ctx)) throw onReplay();
  return ctx.store.put<JtiRecord>(BANK_COLLECTIONS.jtis, key, {
    key,
    expiresAt: expiresAt + ctx.settings.clockSkewSeconds,
  });
}
