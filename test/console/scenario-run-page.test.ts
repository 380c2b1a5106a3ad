import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../helpers/console.js';

/**
 * A scenario run from the console's Scenarios page says, like `obmock scenarios`, every
 * outcome it counted and what became of the clients it registered (deleted when it ends,
 * docs/scenarios.md), so a workshop's bank is not left with a run's clients unannounced.
 */
let t: TestConsole;
beforeAll(async () => {
  t = await startTestConsole();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function get(path: string, cookie?: string) {
  const res = await request(`${t.console.url}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function clientsAtBank(): Promise<number> {
  const agent = new Agent({ connect: { ca: t.sb.caBundle } });
  try {
    const res = await request(`${t.sb.bank.issuer}/admin/clients`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
    });
    return ((await res.body.json()) as { total: number }).total;
  } finally {
    await agent.close();
  }
}

describe('the console’s scenario run page', () => {
  it('counts warnings and blocked too, and says the run deleted its clients (no CLI flag named)', async () => {
    const link = new URL(t.console.signInLink());
    const signIn = await get(`${link.pathname}${link.search}`);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await get('/scenarios', cookie)).text)?.[1] ?? '';
    const before = await clientsAtBank();
    const started = await request(`${t.console.url}/scenarios/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ only: 'DCR-*', bank: t.sb.aspsp.banks[0].id, _csrf: csrf }).toString(),
    });
    await started.body.text();
    expect(started.statusCode).toBe(303);
    const runPath = String(started.headers.location);
    let page = '';
    for (const until = Date.now() + 90_000; Date.now() < until; ) {
      page = (await get(runPath, cookie)).text;
      if (/data-run-state="(done|failed)"/.test(page)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page).toContain('data-run-state="done"');
    expect(page).toMatch(/\d+ passed, 0 failed, \d+ warnings, \d+ skipped, \d+ blocked/);
    const cleanup = /<p data-run-cleanup>([^<]*)<\/p>/.exec(page)?.[1];
    expect(cleanup).toMatch(/^clients the run registered: deleted [1-9]\d*$/);
    expect(await clientsAtBank()).toBe(before);
  }, 120_000);
});
