import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PERMISSION_ENTRIES } from '../../aspsp-mock/routes/consents.js';
import { call, register, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * The bank's account-access-consents (OB Read/Write API v3.1): a refused consent request gets
 * the Read/Write API's OBErrorResponse1 (Code, Id, Message, Errors[{ErrorCode, Message, Path}])
 * naming the field, and nothing is stored; permissions are a set.
 */
const sb = useTestSandbox();
const [tpp] = useTestTpps(sb, [{}]);

let bearer: Record<string, string> = {};
const consentsUrl = () => `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
/** The bank's consents, from its admin listing. */
async function consents(): Promise<{ total: number; items: { ConsentId: string; Permissions: string[] }[] }> {
  const res = await call(tpp.agent, 'GET', `${sb.bank.issuer}/admin/consents`, {
    headers: { authorization: `Bearer ${sb.directory.adminToken}` },
  });
  expect(res.status, res.text).toBe(200);
  return res.json() as never;
}
const consentCount = async () => (await consents()).total;

beforeAll(async () => {
  const reg = await register(tpp, sb.bank, await signedRegistration(tpp, sb.bank));
  expect(reg.status, reg.text).toBe(201);
  const token = await call(tpp.agent, 'POST', `${sb.bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: String(reg.json().client_id),
      scope: 'accounts',
    }).toString(),
  });
  expect(token.status, token.text).toBe(200);
  bearer = {
    authorization: `Bearer ${String(token.json().access_token)}`,
    'content-type': 'application/json',
  };
});

function expectObError(
  res: { status: number; text: string; json(): Record<string, unknown> },
  status: number,
  errorCode: string,
  path: string,
  message: RegExp,
): void {
  expect(res.status, res.text).toBe(status);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['Code', 'Errors', 'Id', 'Message']);
  expect(body.Code).toBe(status === 400 ? '400 Bad Request' : '404 Not Found');
  expect(String(body.Id)).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.Message).toMatch(message);
  expect(body.Errors).toEqual([{ ErrorCode: errorCode, Message: body.Message, Path: path }]);
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('account-access-consents: refused requests (OBErrorResponse1)', () => {
  it.each([
    ['no Data', { Risk: {} }, 'UK.OBIE.Field.Missing', 'Data', /Data is required/],
    ['Data an array', { Data: [], Risk: {} }, 'UK.OBIE.Field.Missing', 'Data', /Data is required/],
    ['no Permissions', { Data: {}, Risk: {} }, 'UK.OBIE.Field.Missing', 'Data.Permissions', /required/],
    [
      'Permissions empty',
      { Data: { Permissions: [] } },
      'UK.OBIE.Field.Invalid',
      'Data.Permissions',
      /non-empty/,
    ],
    [
      'Permissions a string',
      { Data: { Permissions: 'ReadAccountsBasic' } },
      'UK.OBIE.Field.Invalid',
      'Data.Permissions',
      /non-empty array/,
    ],
    [
      'an unknown permission',
      { Data: { Permissions: ['ReadAccountsBasic', 'ReadEverything'] } },
      'UK.OBIE.Field.Invalid',
      'Data.Permissions',
      /unknown "ReadEverything"/,
    ],
    [
      `more than ${MAX_PERMISSION_ENTRIES} entries`,
      { Data: { Permissions: Array(MAX_PERMISSION_ENTRIES + 1).fill('ReadAccountsBasic') } },
      'UK.OBIE.Field.Invalid',
      'Data.Permissions',
      /at most 64 entries/,
    ],
    [
      'an ExpirationDateTime that is not a date',
      { Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: 'tomorrow' } },
      'UK.OBIE.Field.Invalid',
      'Data.ExpirationDateTime',
      /ISO 8601/,
    ],
    [
      'an ExpirationDateTime in the past',
      { Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: '1999-01-01T00:00:00Z' } },
      'UK.OBIE.Field.InvalidDate',
      'Data.ExpirationDateTime',
      /in the future/,
    ],
  ])('%s: 400 %s', async (_what, body, errorCode, path, message) => {
    const before = await consentCount();
    const res = await call(tpp.agent, 'POST', consentsUrl(), { headers: bearer, body: JSON.stringify(body) });
    expectObError(res, 400, errorCode as string, path as string, message as RegExp);
    expect(await consentCount()).toBe(before);
  });

  it('a body that is not a JSON object: 400 UK.OBIE.Field.Invalid', async () => {
    for (const body of ['{', '[1]', '"x"']) {
      const res = await call(tpp.agent, 'POST', consentsUrl(), { headers: bearer, body });
      expect(res.status, res.text).toBe(400);
      expect((res.json().Errors as { ErrorCode: string }[])[0].ErrorCode).toBe('UK.OBIE.Field.Invalid');
    }
  });

  it('an unknown consent id: 404 UK.OBIE.Resource.NotFound', async () => {
    const res = await call(tpp.agent, 'GET', `${consentsUrl()}/urn-obmock-intent-none`, { headers: bearer });
    expectObError(res, 404, 'UK.OBIE.Resource.NotFound', 'ConsentId', /no such consent/);
  });

  it('a token problem stays an RFC 6750 bearer error (401 invalid_token)', async () => {
    const res = await call(tpp.agent, 'POST', consentsUrl(), {
      headers: { ...bearer, authorization: 'Bearer nope' },
      body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] } }),
    });
    expect(res.status).toBe(401);
    expect(res.json().error).toBe('invalid_token');
  });
});

describe('account-access-consents: accepted requests', () => {
  it('repeated permissions are kept once, in the order first given; a future expiry is kept', async () => {
    const expiry = inAnHour();
    const res = await call(tpp.agent, 'POST', consentsUrl(), {
      headers: bearer,
      body: JSON.stringify({
        Data: {
          Permissions: ['ReadBalances', 'ReadAccountsBasic', 'ReadBalances', 'ReadAccountsBasic'],
          ExpirationDateTime: expiry,
        },
        Risk: {},
      }),
    });
    expect(res.status, res.text).toBe(201);
    const data = res.json().Data as Record<string, unknown>;
    expect(data.Permissions).toEqual(['ReadBalances', 'ReadAccountsBasic']);
    expect(data.ExpirationDateTime).toBe(expiry);
    const stored = (await consents()).items.find((c) => c.ConsentId === data.ConsentId);
    expect(stored?.Permissions).toEqual(['ReadBalances', 'ReadAccountsBasic']);
    const again = await call(tpp.agent, 'GET', `${consentsUrl()}/${String(data.ConsentId)}`, {
      headers: bearer,
    });
    expect(again.status).toBe(200);
    expect((again.json().Data as Record<string, unknown>).Permissions).toEqual([
      'ReadBalances',
      'ReadAccountsBasic',
    ]);
  });
});
