import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { bankFromSpec } from '../../aspsp-mock/index.js';
import { metadataSchema, redirectSchema } from '../../aspsp-mock/register/claim-schema.js';
import type { FieldRule } from '../../lib/validate.js';

/**
 * The bank's registration claim table (aspsp-mock/register/claim-schema.ts) against the OB DCR
 * swaggers v3.1–v3.3 (OBClientRegistration1): every request claim of the swagger is in the
 * table of a bank of that version, with the swagger's type, no value outside the swagger's enum,
 * and no longer than the swagger's maxLength — except where docs/bank.md says otherwise
 * (LOOSER below). The per-claim refusals themselves are register-negative.test.ts's rows.
 */
const here = dirname(fileURLToPath(import.meta.url));
const swaggerFile = (v: string) =>
  readFileSync(join(here, '..', 'fixtures', `ob-dcr-v${v}.swagger.yaml`), 'utf8');

type Prop = { type?: string; enum?: string[]; maxLength?: number; items?: Prop; $ref?: string };

function requestClaims(v: string): { props: Record<string, Prop>; required: string[] } {
  const doc = parseYaml(swaggerFile(v));
  const defs = doc.definitions ?? doc.components.schemas;
  const props: Record<string, Prop> = {};
  const required: string[] = [];
  const walk = (s: {
    $ref?: string;
    allOf?: unknown[];
    properties?: Record<string, Prop>;
    required?: string[];
  }) => {
    if (s.$ref) return walk(defs[s.$ref.split('/').pop() as string]);
    for (const part of s.allOf ?? []) walk(part as typeof s);
    for (const [k, p] of Object.entries(s.properties ?? {}))
      props[k] = p.$ref ? defs[p.$ref.split('/').pop() as string] : p;
    required.push(...(s.required ?? []));
  };
  walk(defs.OBClientRegistration1);
  // What the bank answers with, not what a TPP sends.
  for (const k of ['client_id', 'client_secret', 'client_id_issued_at', 'client_secret_expires_at'])
    delete props[k];
  return { props, required };
}

/** Where the bank takes more than the swagger, and why (docs/bank.md). */
const LOOSER: Record<string, string> = {
  'aud maxLength':
    'aud may be the issuer URL (profiles with `audience: issuer`), longer than an 18-character org id',
  'jti maxLength': 'RFC 7519 §4.1.7 sets no length; a TPP may use any unique string up to 128 characters',
  '3.1 iss maxLength':
    'v3.1 names 18 (an organisation id) but its iss is the software id, 22 characters in v3.2 and v3.3',
};

const TYPES: Record<string, FieldRule['type'][]> = {
  string: ['string'],
  integer: ['integer'],
  boolean: ['boolean'],
  array: ['string[]'],
};

const used = new Set<string>();

describe('the registration claim table against the OB DCR swagger of each version', () => {
  it.each(['3.1', '3.2', '3.3'])('v%s', (v) => {
    const settings = bankFromSpec(`x=ob-v${v}`).settings;
    const { props, required } = requestClaims(v);
    const tls = metadataSchema(settings, { token_endpoint_auth_method: 'tls_client_auth' });
    const jwt = metadataSchema(settings, { token_endpoint_auth_method: 'private_key_jwt' });
    const ciba = metadataSchema(settings, {
      token_endpoint_auth_method: 'tls_client_auth',
      grant_types: ['urn:openid:params:grant-type:ciba'],
    });
    const table: Record<string, FieldRule> = {
      ...jwt,
      ...ciba,
      ...tls,
      ...redirectSchema(settings),
      software_statement: { type: 'string', required: true },
    };
    const problems: string[] = [];
    for (const [claim, prop] of Object.entries(props)) {
      const rule = table[claim];
      if (!rule) {
        problems.push(`${claim}: not in the table`);
        continue;
      }
      const types = Array.isArray(rule.type) ? rule.type : [rule.type];
      if (!(TYPES[prop.type ?? 'string'] ?? []).some((t) => types.includes(t as (typeof types)[number])))
        problems.push(`${claim}: type ${types.join('|')}, the swagger ${prop.type}`);
      const values = prop.enum ?? prop.items?.enum;
      if (values && rule.enum)
        for (const e of rule.enum)
          if (!values.includes(String(e))) problems.push(`${claim}: ${e} not in the swagger's enum`);
      if (values && !rule.enum) problems.push(`${claim}: no enum, the swagger has ${values.join(', ')}`);
      const max = prop.maxLength ?? prop.items?.maxLength;
      const key = LOOSER[`${v} ${claim} maxLength`] ? `${v} ${claim} maxLength` : `${claim} maxLength`;
      if (max !== undefined && LOOSER[key]) used.add(key);
      if (max !== undefined && !LOOSER[key] && (rule.maxLength === undefined || rule.maxLength > max))
        problems.push(`${claim}: maxLength ${rule.maxLength}, the swagger ${max}`);
    }
    // Each claim the swagger requires is required, or is required when it applies (the DN iff tls_client_auth).
    for (const claim of required) {
      const when = [tls, jwt, ciba, redirectSchema(settings)].some((s) => s[claim]?.required);
      if (!when && claim !== 'software_statement')
        problems.push(`${claim}: required by the swagger, never here`);
    }
    expect(problems).toEqual([]);
  });

  it('every entry of LOOSER is still needed', () => {
    expect(Object.keys(LOOSER).filter((k) => !used.has(k))).toEqual([]);
  });
});
