import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_TABLE_END, RULE_TABLE_START } from '../../scenarios/catalogue/rule-table.js';
import { BASELINES, CATALOGUE, renderRuleTable, specRules } from '../../scenarios/index.js';

/** The rule ids agreed with the independent spec bank's mutation test: they must exist. */
const SHARED_IDS = [
  'reg.request-signature',
  'reg.request-alg',
  'reg.request-exp',
  'reg.request-iss',
  'reg.request-jti-replay',
  'reg.required-claims',
  'reg.ssa-signature',
  'reg.ssa-status',
  'reg.redirect-subset',
  'reg.redirect-https',
  'reg.response-types',
  'reg.auth-method',
  'reg.tls-subject-dn',
  'reg.cert-trusted',
  'reg.cert-revoked',
  'reg.cert-owner',
  'reg.response-schema',
  'mgmt.auth',
  'mgmt.deleted',
  'token.client-auth',
  'token.cert-bound',
  'token.cert-revoked',
];

describe('the spec rule table', () => {
  const ids = specRules.map((r) => r.id);

  it('has unique ids, a level, a source and a quoted sentence per rule, and the shared ids', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of specRules) {
      expect(['MUST', 'SHOULD', 'MAY'], r.id).toContain(r.level);
      expect(r.source.length, r.id).toBeGreaterThan(5);
      expect(r.quote.length, r.id).toBeGreaterThan(20);
    }
    for (const id of SHARED_IDS) expect(ids, id).toContain(id);
  });

  it('every scenario cites at least one known rule, and every rule has a scenario', () => {
    for (const s of CATALOGUE) {
      expect(s.rules.length, s.id).toBeGreaterThan(0);
      for (const id of s.rules) expect(ids, `${s.id} cites ${id}`).toContain(id);
    }
    const cited = new Set(CATALOGUE.flatMap((s) => s.rules));
    expect(ids.filter((id) => !cited.has(id))).toEqual([]);
  });

  it('every negative scenario rests on a baseline that exists', () => {
    const baselines = BASELINES.map((b) => b.id);
    for (const s of CATALOGUE.filter((x) => x.tags.includes('negative'))) {
      expect(s.baseline, s.id).toBeDefined();
      expect(baselines, s.id).toContain(s.baseline);
    }
  });

  it('every baseline is some scenario’s, and needs nothing its scenarios do not (else a scenario would run with its twin skipped)', () => {
    for (const b of BASELINES) {
      const resting = CATALOGUE.filter((s) => s.baseline === b.id);
      expect(resting.length, b.id).toBeGreaterThan(0);
      for (const s of resting)
        for (const n of b.needs ?? []) expect(s.needs ?? [], `${s.id} on ${b.id}`).toContain(n);
    }
  });

  it('a negative on the token endpoint, management or consents rests on a baseline of that path, not on a registration or a token alone', () => {
    const on = (s: (typeof CATALOGUE)[number], need: string) => (s.needs ?? []).includes(need as never);
    for (const s of CATALOGUE.filter((x) => x.baseline)) {
      if (on(s, 'consents')) expect(s.baseline, s.id).toBe('consent');
      else if (s.id.startsWith('TOKEN-') && on(s, 'private_key_jwt'))
        expect(s.baseline, s.id).toBe('token-private_key_jwt');
      else if (s.id.startsWith('TOKEN-') && on(s, 'client_secret_basic'))
        expect(s.baseline, s.id).toBe('token-client_secret_basic');
      else if (s.id.startsWith('TOKEN-') && on(s, 'tls_client_auth'))
        expect(s.baseline, s.id).toBe('token-tls_client_auth');
      else if (s.tags.includes('management'))
        expect(s.baseline, s.id).toMatch(/^management-(get|put|delete)$/);
    }
  });

  it('docs/scenarios.md holds exactly the table generated from the code', () => {
    const doc = readFileSync(new URL('../../docs/scenarios.md', import.meta.url), 'utf8');
    const start = doc.indexOf(RULE_TABLE_START);
    const end = doc.indexOf(RULE_TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(doc.slice(start, end + RULE_TABLE_END.length)).toBe(renderRuleTable(CATALOGUE));
  });
});
