import { describe, expect, it } from 'vitest';
import { learnTarget } from '../../scenarios/learn-target.js';
import type { BankHints, Target } from '../../scenarios/target.js';
import type { Discovery, SigningAlg, TppMaterial } from '../../tpp-client/index.js';

/**
 * What the harness learns from discovery before a run, here without a directory to look the bank
 * up in (a bank that is not enrolled at an obmock directory): no network is involved.
 */
const ISSUER = 'https://bank.example';

function target(hints: BankHints = {}, signingAlg: SigningAlg = 'PS256'): Target {
  return {
    name: 'bank',
    discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
    hints,
    material: { signing: { alg: signingAlg } } as TppMaterial,
  };
}

function discovery(extra: Partial<Discovery> = {}): Discovery {
  return {
    issuer: ISSUER,
    registration_endpoint: `${ISSUER}/register`,
    token_endpoint: `${ISSUER}/token`,
    ...extra,
  };
}

const AUD_WARNING =
  "warning: aud is the bank's issuer, a guess: the spec wants the bank's OB organisation id — set hints.audience";

describe('learnTarget: where aud comes from', () => {
  it('no hint, no directory record, no ob_organisation_id: aud falls back to the issuer, with a warning', async () => {
    const learned = await learnTarget(target(), discovery());
    expect(learned.hints.audience).toBe(ISSUER);
    expect(learned.lines).toContain(AUD_WARNING);
    expect(learned.lines.find((l) => l.startsWith('in force:'))).toContain(
      `aud ${ISSUER} (the issuer (a guess))`,
    );
  });

  it('discovery ob_organisation_id: that is aud, and no warning', async () => {
    const learned = await learnTarget(target(), discovery({ ob_organisation_id: '0015800001041RHAAY' }));
    expect(learned.hints.audience).toBe('0015800001041RHAAY');
    expect(learned.lines).not.toContain(AUD_WARNING);
    expect(learned.lines.join('\n')).toContain('aud 0015800001041RHAAY (discovery ob_organisation_id)');
  });

  it('hints.audience wins over discovery, and no warning', async () => {
    const learned = await learnTarget(
      target({ audience: 'aud-from-docs' }),
      discovery({ ob_organisation_id: '0015800001041RHAAY' }),
    );
    expect(learned.hints.audience).toBe('aud-from-docs');
    expect(learned.lines).not.toContain(AUD_WARNING);
    expect(learned.lines.join('\n')).toContain('aud aud-from-docs (hint)');
  });
});

describe('learnTarget: the request object algorithm', () => {
  it('says which alg requests are signed with', async () => {
    const learned = await learnTarget(target({}, 'ES256'), discovery());
    expect(learned.lines.find((l) => l.startsWith('in force:'))).toContain('requests signed ES256');
  });

  it('warns when the bank does not advertise the alg of the TPP signing key, and says what to supply', async () => {
    const learned = await learnTarget(
      target(),
      discovery({ request_object_signing_alg_values_supported: ['ES256'] }),
    );
    expect(learned.lines).toContain(
      "warning: the bank advertises request objects signed ES256; the TPP's signing key signs PS256 — supply an EC P-256 signing key with signingAlg ES256",
    );
    const fine = await learnTarget(
      target({}, 'ES256'),
      discovery({ request_object_signing_alg_values_supported: ['ES256'] }),
    );
    expect(fine.lines.filter((l) => l.includes('signing key'))).toEqual([]);
  });
});
