/**
 * Names in the console's URLs are looked up among its own entries only: an asset or a bank
 * listing called `constructor`, `__proto__` or `toString` is not found, with or without a session,
 * and nothing is asked of a service for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleBank } from '../../console/context.js';
import type { Upstream } from '../../console/upstream.js';
import { type FakeTap, type LiveConsole, startFakeTap, startLiveConsole } from '../helpers/live-console.js';

let tap: FakeTap;
let con: LiveConsole;
const asked: string[] = [];

const bankApi: Upstream = {
  url: 'https://bank.invalid/banks/default',
  call: async (_method, path) => {
    asked.push(path);
    return { status: 200, headers: {}, text: '{"total":0,"items":[]}' } as Awaited<
      ReturnType<Upstream['call']>
    >;
  },
  json: async <T>(_method: string, path: string) => {
    asked.push(path);
    return { total: 0, items: [] } as T;
  },
};

beforeAll(async () => {
  tap = await startFakeTap();
  const bank: ConsoleBank = {
    id: 'default',
    issuer: bankApi.url,
    discovery: `${bankApi.url}/.well-known/openid-configuration`,
    profile: 'ob-v3.3',
    api: bankApi,
  };
  con = await startLiveConsole(tap, {}, { banks: [bank] });
});
afterAll(async () => {
  await con?.close();
  await tap?.close();
});

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('names that are not the console’s own', () => {
  it.each(
    PROTOTYPE_NAMES.flatMap((name) => [
      [name, 'without a session'],
      [name, 'signed in'],
    ]),
  )('GET /assets/%s (%s) → 404', async (name, who) => {
    const res = await fetch(`${con.url}/assets/${name}`, {
      headers: who === 'signed in' ? { cookie: con.signIn() } : {},
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('not found');
  });

  it.each(PROTOTYPE_NAMES)('GET /banks/default/%s → 404, the bank not asked', async (name) => {
    asked.length = 0;
    const res = await fetch(`${con.url}/banks/default/${name}`, { headers: { cookie: con.signIn() } });
    expect(res.status).toBe(404);
    expect(asked).toEqual([]);
  });

  it.each([
    ['/assets/console.css', 200],
    ['/assets/console.js', 200],
    ['/banks/default/clients', 200],
  ])('the console’s own %s still answers %i', async (path, status) => {
    const res = await fetch(`${con.url}${path}`, { headers: { cookie: con.signIn() } });
    expect(res.status).toBe(status);
  });
});
