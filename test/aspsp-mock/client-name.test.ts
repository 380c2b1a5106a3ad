import { describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS, type ClientRecord } from '../../aspsp-mock/model.js';
import { register, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

/**
 * client_name, the free text a registration stores and serves back (audit s8 F8): at most 256
 * characters (obmock's limit: neither RFC 7591 nor the OB DCR swagger sets one), a string, no
 * control characters or bidirectional overrides — otherwise 400 invalid_client_metadata and
 * nothing stored.
 */
const sb = useTestSandbox();
const tpp = useTestTpp(sb);

const CONTROL =
  'client_name must not contain control characters or bidirectional overrides (U+0000–U+001F, U+007F–U+009F, U+202A–U+202E, U+2066–U+2069)';
const clients = () => sb.bank.ctx.store.list<ClientRecord>(BANK_COLLECTIONS.clients);

const cases: [string, unknown, string | undefined][] = [
  ['a plain name', 'Acme Payments', undefined],
  ['non-ASCII letters and punctuation', 'Zoë’s app — 支払い', undefined],
  ['256 characters', 'n'.repeat(256), undefined],
  ['257 characters', 'n'.repeat(257), 'client_name must be at most 256 characters'],
  ['40,000 characters (the audit)', 'n'.repeat(40_000), 'client_name must be at most 256 characters'],
  ['NUL', 'a\u0000b', CONTROL],
  ['newline', 'a\nb', CONTROL],
  ['tab', 'a\tb', CONTROL],
  ['DEL', 'a\u007fb', CONTROL],
  ['C1 NEL', 'a\u0085b', CONTROL],
  ['U+202E right-to-left override', 'a\u202eb', CONTROL],
  ['U+202A left-to-right embedding', 'a\u202ab', CONTROL],
  ['U+2066 left-to-right isolate', 'a\u2066b', CONTROL],
  ['U+2069 pop directional isolate', 'a\u2069b', CONTROL],
  ['the audit name', 'a\u0000b\u202e\n', CONTROL],
  ['a number', 42, 'client_name must be of type string'],
  ['an object', { en: 'x' }, 'client_name must be of type string'],
];

describe('client_name at POST /register', () => {
  it.each(cases)('%s', async (_name, clientName, description) => {
    const before = clients().length;
    const res = await register(
      tpp,
      sb.bank,
      await signedRegistration(tpp, sb.bank, { overrides: { client_name: clientName } }),
    );
    if (description === undefined) {
      expect(res.status, res.text).toBe(201);
      expect(res.json().client_name).toBe(clientName);
      const stored = sb.bank.ctx.store.get<ClientRecord>(
        BANK_COLLECTIONS.clients,
        String(res.json().client_id),
      );
      expect(stored?.metadata.client_name).toBe(clientName);
      return;
    }
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_client_metadata', error_description: description });
    expect(clients()).toHaveLength(before);
  });
});
