import { describe, expect, it } from 'vitest';
import { LEARNED_LINE_MAX, learnTarget } from '../../scenarios/learn-target.js';
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
    expect(learned.audienceGuessed).toBe(true);
    expect(learned.lines).toContain(AUD_WARNING);
    expect(learned.lines.find((l) => l.startsWith('in force:'))).toContain(
      `aud ${ISSUER} (the issuer (a guess))`,
    );
  });

  it('discovery ob_organisation_id: that is aud, and no warning', async () => {
    const learned = await learnTarget(target(), discovery({ ob_organisation_id: '0015800001041RHAAY' }));
    expect(learned.hints.audience).toBe('0015800001041RHAAY');
    expect(learned.audienceGuessed).toBe(false);
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

/** Control characters, including C1 (U+009B is a one-character CSI on some terminals). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ESC = '\u001b';

describe('learnTarget: the lines about a hostile discovery are safe for a terminal', () => {
  const cases: [string, Partial<Discovery>][] = [
    ['registration_endpoint', { registration_endpoint: `${ISSUER}/register/${ESC}[2J${ESC}[31mPWNED` }],
    ['ob_organisation_id (aud)', { ob_organisation_id: `ORG${ESC}[2J${ESC}[H\r<b>x</b>` }],
    [
      'token_endpoint_auth_methods_supported',
      { token_endpoint_auth_methods_supported: [`m${ESC}]0;title\u0007`] },
    ],
    [
      'request_object_signing_alg_values_supported',
      { request_object_signing_alg_values_supported: [`PS256${ESC}[5m`] },
    ],
    ['ob_registration_media_types', { ob_registration_media_types: [`application/jose\u009b2J\r\n`] }],
    ['issuer (aud fallback)', { issuer: `${ISSUER}${ESC}[31m\u0008\u0008` }],
  ];
  it.each(cases)('%s: no escape sequence or control character reaches a line', async (_field, extra) => {
    const learned = await learnTarget(target(), discovery(extra));
    for (const line of learned.lines) {
      expect(line).not.toMatch(CONTROL);
      expect(line).not.toMatch(/\[2J|\[31m|\[5m|\]0;/);
    }
  });

  it('a line is at most LEARNED_LINE_MAX characters, however long the advertised lists', async () => {
    const learned = await learnTarget(
      target(),
      discovery({
        ob_registration_media_types: Array.from({ length: 20_000 }, (_, i) => `application/x-${i}`),
      }),
    );
    for (const line of learned.lines) expect(line.length).toBeLessThanOrEqual(LEARNED_LINE_MAX);
    expect(learned.lines[0]).toMatch(/…$/);
  });
});
