import { beforeAll, describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { TooManyTokens } from '../../aspsp-mock/errors.js';
import { BANK_LIMITS, bankLimits, invalidBankLimit } from '../../aspsp-mock/limits.js';
import {
  BANK_COLLECTIONS,
  type ClientRecord,
  type ConsentRecord,
  type TokenRecord,
} from '../../aspsp-mock/model.js';
import {
  forgetClientOfOrganisation,
  organisationHasRoom,
} from '../../aspsp-mock/register/clients-of-organisation.js';
import { keepConsent } from '../../aspsp-mock/routes/consents-of-client.js';
import { countNewToken } from '../../aspsp-mock/token/live-tokens.js';
import { silentLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../lib/store/index.js';
import { call, register, signedRegistration, type TestTpp } from '../helpers/sandbox.js';
import { eventLoopTurns, SlowStore } from '../helpers/slow-store.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * How much one TPP may keep at a bank (aspsp-mock/limits.ts, docs/bank.md "Limits per TPP"): a
 * TPP with valid credentials registering, asking for tokens or creating consents in a loop is
 * refused (clients, tokens) or has its oldest consents replaced, instead of growing the bank's
 * store without end. The limits are lowered here so that the test reaches them.
 */
const sb = useTestSandbox();
const [tpp, other] = useTestTpps(sb, [{}, {}]);

const LIMITS = { clientsPerOrganisation: 2, liveTokensPerClient: 3, consentsPerClient: 2 };
beforeAll(() => {
  sb.bank.ctx.limits = bankLimits(LIMITS);
});

const clientsOf = (orgId: string) =>
  sb.bank.ctx.store.list<ClientRecord>(BANK_COLLECTIONS.clients).filter((c) => c.org_id === orgId);

const tokenCount = () => sb.bank.ctx.store.list(BANK_COLLECTIONS.tokens).length;

async function registered(t: TestTpp): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await register(t, sb.bank, await signedRegistration(t, sb.bank));
  return { status: res.status, body: res.json() };
}

async function token(t: TestTpp, clientId: string) {
  return call(t.agent, 'POST', `${sb.bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: 'accounts',
    }).toString(),
  });
}

describe('limits: the defaults and their check', () => {
  it('defaults: 10,000 clients per organisation, 10,000 live tokens and 10,000 consents per client', () => {
    expect(BANK_LIMITS).toEqual({
      clientsPerOrganisation: 10_000,
      liveTokensPerClient: 10_000,
      consentsPerClient: 10_000,
    });
  });

  it.each([
    [{ clientsPerOrganisation: 0 }, 'clientsPerOrganisation'],
    [{ liveTokensPerClient: 1.5 }, 'liveTokensPerClient'],
    [{ consentsPerClient: 1_000_001 }, 'consentsPerClient'],
    [{ consentsPerClient: Number.NaN }, 'consentsPerClient'],
    [{ clientsPerOrganisation: '5' as unknown as number }, 'clientsPerOrganisation'],
  ])('%j is refused, naming %s', (overrides, field) => {
    expect(invalidBankLimit(overrides)).toBe(field);
  });

  it('whole numbers from 1 to 1,000,000 are taken', () => {
    expect(invalidBankLimit({ clientsPerOrganisation: 1, liveTokensPerClient: 1_000_000 })).toBeUndefined();
  });
});

describe('clients per organisation', () => {
  it('the organisation’s third registration is refused (400 unapproved_software_statement), nothing stored; another organisation is unaffected; a DELETE makes room', async () => {
    const first = await registered(tpp);
    const second = await registered(tpp);
    expect([first.status, second.status]).toEqual([201, 201]);
    const third = await registered(tpp);
    expect(third.status).toBe(400);
    expect(third.body.error).toBe('unapproved_software_statement');
    expect(third.body.error_description).toBe(
      `organisation ${tpp.orgId} has 2 clients registered at this bank, the most it keeps for one organisation; delete one (DELETE on its registration) first`,
    );
    expect(
      clientsOf(tpp.orgId)
        .map((c) => c.client_id)
        .sort(),
    ).toEqual([first.body.client_id, second.body.client_id].sort());

    expect((await registered(other)).status).toBe(201);

    // RFC 7592 / OB: DELETE with a token of that client; then the organisation has room again
    const t = await token(tpp, String(first.body.client_id));
    expect(t.status, t.text).toBe(200);
    const del = await call(
      tpp.agent,
      'DELETE',
      `${sb.bank.issuer}/register/${String(first.body.client_id)}`,
      {
        headers: { authorization: `Bearer ${String(t.json().access_token)}` },
      },
    );
    expect(del.status, del.text).toBe(204);
    expect((await registered(tpp)).status).toBe(201);
    expect((await registered(tpp)).status).toBe(400);
  });
});

describe('live access tokens per client', () => {
  it('the fourth unexpired token is refused (429 temporarily_unavailable, Retry-After until the oldest expires); the earlier tokens still work; another client is unaffected', async () => {
    const client = clientsOf(tpp.orgId)[0];
    const before = tokenCount();
    // the client may hold tokens from the test above: the limit counts them too
    const tokens: string[] = [];
    for (let i = 0; i < LIMITS.liveTokensPerClient; i++) {
      const res = await token(tpp, client.client_id);
      if (res.status !== 200) break;
      tokens.push(String(res.json().access_token));
    }
    const refused = await token(tpp, client.client_id);
    expect(refused.status, refused.text).toBe(429);
    expect(refused.json().error).toBe('temporarily_unavailable');
    expect(refused.json().error_description).toBe(
      'the client holds 3 unexpired access tokens, the most the bank issues to one; use one until it expires',
    );
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3_500);
    expect(retryAfter).toBeLessThanOrEqual(sb.bank.ctx.settings.accessTokenLifetimeSeconds + 1);
    expect(tokenCount()).toBe(before + tokens.length);

    // a token already issued is still good
    const consent = await call(
      tpp.agent,
      'POST',
      `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`,
      {
        headers: { authorization: `Bearer ${tokens.at(-1) ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
      },
    );
    expect(consent.status, consent.text).toBe(201);

    const otherClient = clientsOf(other.orgId)[0];
    expect((await token(other, otherClient.client_id)).status).toBe(200);
  });
});

describe('consents per client', () => {
  it('a client keeps its newest consents: the third replaces the first, which then answers 404; the bank holds two', async () => {
    const client = clientsOf(other.orgId)[0];
    const t = await token(other, client.client_id);
    expect(t.status, t.text).toBe(200);
    const headers = {
      authorization: `Bearer ${String(t.json().access_token)}`,
      'content-type': 'application/json',
    };
    const url = `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(other.agent, 'POST', url, {
        headers,
        body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
      });
      expect(res.status, res.text).toBe(201);
      ids.push(String((res.json().Data as Record<string, unknown>).ConsentId));
    }
    const held = sb.bank.ctx.store
      .list<ConsentRecord>(BANK_COLLECTIONS.consents)
      .filter((c) => c.client_id === client.client_id)
      .map((c) => c.ConsentId)
      .sort();
    expect(held).toEqual([ids[1], ids[2]].sort());
    const gone = await call(other.agent, 'GET', `${url}/${ids[0]}`, { headers });
    expect(gone.status).toBe(404);
    const kept = await call(other.agent, 'GET', `${url}/${ids[2]}`, { headers });
    expect(kept.status, kept.text).toBe(200);
  });
});

describe('a deleted client’s consents', () => {
  it('are deleted with it: registering, making consents and deleting in a loop leaves nothing behind', async () => {
    const consentsOf = (clientId: string) =>
      sb.bank.ctx.store
        .list<ConsentRecord>(BANK_COLLECTIONS.consents)
        .filter((c) => c.client_id === clientId);
    const client = clientsOf(other.orgId)[0];
    const t = await token(other, client.client_id);
    expect(t.status, t.text).toBe(200);
    const headers = {
      authorization: `Bearer ${String(t.json().access_token)}`,
      'content-type': 'application/json',
    };
    const url = `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
    const made = await call(other.agent, 'POST', url, {
      headers,
      body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
    });
    expect(made.status, made.text).toBe(201);
    expect(consentsOf(client.client_id).length).toBeGreaterThan(0);
    const del = await call(other.agent, 'DELETE', `${sb.bank.issuer}/register/${client.client_id}`, {
      headers: { authorization: headers.authorization },
    });
    expect(del.status, del.text).toBe(204);
    expect(consentsOf(client.client_id)).toEqual([]);
  });
});

describe('after a restart (a new process, the same store): what is on record counts', () => {
  const T0 = 1_800_000_000;
  function freshBank(store: MemoryStore): BankContext {
    return {
      id: 'bank',
      store,
      logger: silentLogger,
      settings: { clockSkewSeconds: 30 },
      limits: bankLimits({ clientsPerOrganisation: 3, liveTokensPerClient: 2 }),
      now: () => new Date(T0 * 1000),
    } as unknown as BankContext;
  }

  it('clients: the organisation’s records on file fill its place; deleted ones are dropped when it is full', async () => {
    const store = new MemoryStore(Object.values(BANK_COLLECTIONS));
    for (const [id, org] of [
      ['c1', 'org-a'],
      ['c2', 'org-a'],
      ['c3', 'org-a'],
      ['c4', 'org-b'],
    ])
      await store.put(BANK_COLLECTIONS.clients, id, { client_id: id, org_id: org } as ClientRecord);
    expect(await organisationHasRoom(store, 'org-a', 3)).toBe(false);
    expect(await organisationHasRoom(store, 'org-b', 3)).toBe(true);
    await store.delete(BANK_COLLECTIONS.clients, 'c2'); // deleted without the route (e.g. by hand)
    expect(await organisationHasRoom(store, 'org-a', 3)).toBe(true);
  });

  it('clients: refusals of a full organisation read its clients once, not once per refused registration', async () => {
    // A store that counts its records (as the file store does) and the records it reads.
    class CountingStore extends MemoryStore {
      reads = 0;
      override get<T>(collection: string, id: string): T | undefined {
        this.reads++;
        return super.get<T>(collection, id);
      }
      count(collection: string): number {
        return this.list(collection).length;
      }
    }
    const store = new CountingStore(Object.values(BANK_COLLECTIONS));
    for (const id of ['c1', 'c2', 'c3'])
      await store.put(BANK_COLLECTIONS.clients, id, { client_id: id, org_id: 'org-a' } as ClientRecord);
    for (let i = 0; i < 100; i++) expect(await organisationHasRoom(store, 'org-a', 3)).toBe(false);
    expect(store.reads).toBe(3);
    await store.delete(BANK_COLLECTIONS.clients, 'c2'); // by hand: the number on file changes
    expect(await organisationHasRoom(store, 'org-a', 3)).toBe(true);
  });

  it('tokens: unexpired tokens on file count, expired ones do not', async () => {
    const store = new MemoryStore(Object.values(BANK_COLLECTIONS));
    const put = (hash: string, expiresAt: number) =>
      store.put<TokenRecord>(BANK_COLLECTIONS.tokens, hash, {
        hash,
        client_id: 'c1',
        scope: 'accounts',
        x5tS256: 'x',
        expiresAt,
      });
    await put('expired', T0 - 1);
    await put('live', T0 + 600);
    const ctx = freshBank(store);
    await countNewToken(ctx, 'c1', T0 + 3600); // the expired one is dropped to make room
    await expect(countNewToken(ctx, 'c1', T0 + 3600)).rejects.toThrow(TooManyTokens);
    const refused = await countNewToken(ctx, 'c1', T0 + 3600).catch((err: unknown) => err);
    expect((refused as TooManyTokens).headers['Retry-After']).toBe('601');
    await countNewToken(ctx, 'c2', T0 + 3600);
  });
});

describe('after a restart with many records on file: the first count does not hold the event loop', () => {
  const T0 = 1_800_000_000;
  const N = 4_000;
  function bank(store: MemoryStore): BankContext {
    return {
      id: 'bank',
      store,
      logger: silentLogger,
      settings: { clockSkewSeconds: 30 },
      limits: bankLimits({ clientsPerOrganisation: N, liveTokensPerClient: N, consentsPerClient: N }),
      now: () => new Date(T0 * 1000),
    } as unknown as BankContext;
  }

  it('clients: counted over several turns; a client deleted meanwhile is not counted', async () => {
    const clock = eventLoopTurns();
    const store = new SlowStore(clock);
    for (let i = 0; i < N; i++)
      await store.put(BANK_COLLECTIONS.clients, `c${i}`, {
        client_id: `c${i}`,
        org_id: 'org-a',
      } as ClientRecord);
    const room = organisationHasRoom(store, 'org-a', N);
    await store.delete(BANK_COLLECTIONS.clients, 'c0');
    forgetClientOfOrganisation(store, { client_id: 'c0', org_id: 'org-a' } as ClientRecord);
    expect(await room).toBe(true);
    clock.stop();
    expect(store.readTurns.size).toBeGreaterThan(3);
  });

  it('tokens: counted over several turns, and the count holds', async () => {
    const clock = eventLoopTurns();
    const store = new SlowStore(clock);
    for (let i = 0; i < N; i++)
      await store.put<TokenRecord>(BANK_COLLECTIONS.tokens, `t${i}`, {
        hash: `t${i}`,
        client_id: 'c1',
        scope: 'accounts',
        x5tS256: 'x',
        expiresAt: T0 + 600,
      });
    // (async: the first call on a store waits for the count)
    await expect((async () => countNewToken(bank(store), 'c1', T0 + 3600))()).rejects.toThrow(TooManyTokens);
    clock.stop();
    expect(store.readTurns.size).toBeGreaterThan(3);
  });

  it('consents: read over several turns; the oldest is the one replaced', async () => {
    const clock = eventLoopTurns();
    const store = new SlowStore(clock);
    const at = (i: number) => new Date((T0 + i) * 1000).toISOString();
    // written newest first: the index orders them by CreationDateTime, not by what it reads first
    for (let i = N - 1; i >= 0; i--)
      await store.put<ConsentRecord>(BANK_COLLECTIONS.consents, `k${i}`, {
        ConsentId: `k${i}`,
        client_id: 'c1',
        Status: 'AwaitingAuthorisation',
        Permissions: ['ReadAccountsBasic'],
        CreationDateTime: at(i),
        StatusUpdateDateTime: at(i),
      });
    await keepConsent(bank(store), {
      ConsentId: 'new',
      client_id: 'c1',
      Status: 'AwaitingAuthorisation',
      Permissions: ['ReadAccountsBasic'],
      CreationDateTime: at(N),
      StatusUpdateDateTime: at(N),
    });
    clock.stop();
    expect(store.get(BANK_COLLECTIONS.consents, 'k0')).toBeUndefined();
    expect(store.get(BANK_COLLECTIONS.consents, 'k1')).toBeDefined();
    expect(store.get(BANK_COLLECTIONS.consents, 'new')).toBeDefined();
    expect(store.readTurns.size).toBeGreaterThan(3);
  });
});
