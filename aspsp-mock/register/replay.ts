import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClientMetadata } from '../errors.js';
import { BANK_COLLECTIONS, type JtiRecord } from '../model.js';

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
