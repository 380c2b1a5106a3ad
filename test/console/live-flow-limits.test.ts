/**
 * The live flow's limits (docs/console.md, "Live flow limits"): places per session and in all,
 * refusals before any work, HEAD takes no place, the backlog a new tab gets, summaries bounded and
 * shown with visible marks for control and bidi characters, and messages whose UTF-8 characters
 * arrive split between chunks of the tap's stream.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type FakeTap,
  type LiveConsole,
  openTab,
  startFakeTap,
  startLiveConsole,
  type Tab,
  tapped,
} from '../helpers/live-console.js';

let tap: FakeTap;
let con: LiveConsole;
let seq = 0;
const tabs: Tab[] = [];

/** Pushes one message through the fake tap and waits until the console's feed holds it; returns its id. */
async function publish(over: Parameters<typeof tapped>[1] = {}): Promise<number> {
  seq += 1;
  const before = con.live.messages().at(-1)?.id ?? 0;
  tap.push(tapped(seq, over));
  await vi.waitFor(() => expect(con.live.messages().at(-1)?.id ?? 0).toBeGreaterThan(before));
  return con.live.messages().at(-1)!.id;
}

async function tab(cookie: string, opts: Parameters<typeof openTab>[2] = {}): Promise<Tab> {
  const t = await openTab(con.url, cookie, opts);
  tabs.push(t);
  return t;
}

function closeTabs(): void {
  for (const t of tabs.splice(0)) t.close();
}

beforeAll(async () => {
  tap = await startFakeTap();
  // small numbers, so the limits are reached with few streams: 6 in all, 3 per session
  con = await startLiveConsole(tap, { maxListeners: 6, maxListenersPerOwner: 3 });
  await vi.waitFor(() => expect(tap.followers()).toBe(1));
  await publish(); // a backlog from the start
});
afterEach(async () => {
  closeTabs();
  // every place is free again before the next case
  await vi.waitFor(async () => {
    const probe = await openTab(con.url, con.signIn());
    probe.close();
    expect(probe.status).toBe(200);
  });
});
afterAll(async () => {
  await con?.close();
  await tap?.close();
});

describe('places in the live flow', () => {
  it.each([
    { name: 'a session past its share', sessions: [3], next: 'same' as const, expected: 503 },
    {
      name: 'another session while one holds its share',
      sessions: [3],
      next: 'other' as const,
      expected: 200,
    },
    {
      name: 'any session when every place is taken',
      sessions: [3, 3],
      next: 'other' as const,
      expected: 503,
    },
  ])('$name → $expected', async ({ sessions, next: who, expected }) => {
    const cookies = sessions.map(() => con.signIn());
    for (const [i, n] of sessions.entries()) {
      for (let k = 0; k < n; k++) expect((await tab(cookies[i])).status).toBe(200);
    }
    const next = await tab(who === 'same' ? cookies[0] : con.signIn());
    expect(next.status).toBe(expected);
    if (expected === 503) {
      expect(next.headers['retry-after']).toMatch(/^\d+$/);
      expect(next.headers['content-type']).toMatch(/^text\/plain/);
      expect(next.ids).toEqual([]); // no backlog for a refused tab
    } else {
      const id = await publish();
      expect(await next.until(id)).toBe(id);
    }
  });

  it.each([3, 6])('%i HEAD requests of the stream take no place', async (heads) => {
    const cookie = con.signIn();
    const held = await Promise.all(
      Array.from(
        { length: heads },
        () =>
          new Promise<() => void>((resolve) => {
            const req = request(`${con.url}/live/events`, { method: 'HEAD', headers: { cookie } }, (res) => {
              expect(res.statusCode).toBe(200);
              res.resume();
              resolve(() => req.destroy());
            });
            req.end();
          }),
      ),
    );
    try {
      const t = await tab(cookie);
      expect(t.status).toBe(200);
      const id = await publish();
      expect(await t.until(id)).toBe(id);
    } finally {
      for (const close of held) close();
    }
  });
});

describe('what a tab is sent', () => {
  it('a new tab gets the newest messages within 512 KiB, however large the callers made them', async () => {
    const before = con.live.messages().at(-1)?.id ?? 0;
    for (let i = 0; i < 120; i++) {
      seq += 1;
      tap.push(
        tapped(seq, {
          path: `/banks/default/register/${'c'.repeat(2000)}${i}`,
          requestHeaders: { 'user-agent': 'u'.repeat(4000) },
        }),
      );
    }
    const last = before + 120;
    await vi.waitFor(() => expect(con.live.messages().at(-1)?.id).toBe(last));
    const t = await tab(con.signIn());
    expect(await t.until(last)).toBe(last);
    expect(t.bytes()).toBeLessThanOrEqual(512 * 1024);
  });

  it.each([
    { field: 'path', over: { path: `/banks/default/register/${'p'.repeat(2040)}` } },
    { field: 'facts.from', over: { requestHeaders: { 'user-agent': 'u'.repeat(4000) } } },
    { field: 'facts.client', over: { path: `/banks/default/register/${'c'.repeat(2000)}` } },
    {
      field: 'facts.refusal.description',
      over: {
        status: 400,
        responseBody: JSON.stringify({
          error: 'invalid_client_metadata',
          error_description: 'd'.repeat(9000),
        }),
      },
    },
  ])('each text of a summary is at most 200 characters: $field', async ({ field, over }) => {
    const id = await publish(over);
    const summary = await summaryOf(id);
    const value = field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], summary);
    expect(typeof value).toBe('string');
    expect((value as string).length).toBeLessThanOrEqual(200);
  });

  // In the detail, a claim decoded as JSON shows a C0 control as JSON's own escape.
  it.each([
    ['U+202E right-to-left override', '\u202e', '[U+202E]', 'safe[U+202E]gnp.exe'],
    ['U+2066 left-to-right isolate', '\u2066', '[U+2066]', 'safe[U+2066]gnp.exe'],
    ['U+200F right-to-left mark', '\u200f', '[U+200F]', 'safe[U+200F]gnp.exe'],
    ['U+0085 next line (C1)', '\u0085', '[U+0085]', 'safe[U+0085]gnp.exe'],
    ['U+001B escape (ANSI)', '\u001b', '[U+001B]', 'safe\\u001bgnp.exe'],
  ])('%s is shown as a mark in the summary and the detail', async (_name, char, mark, inDetail) => {
    const claims = Buffer.from(JSON.stringify({ client_name: `safe${char}gnp.exe` })).toString('base64url');
    const jwt = `eyJhbGciOiJQUzI1NiJ9.${claims}.c2ln`;
    const id = await publish({
      method: 'POST',
      path: '/banks/default/register',
      requestHeaders: { 'user-agent': `agent${char}x` },
      requestBody: jwt,
    });
    const summary = (await summaryOf(id)) as { facts: { from: string } };
    expect(summary.facts.from).toBe(`agent${mark}x`);
    const detail = await fetchText(`/live/messages/${id}`);
    expect(detail).not.toContain(char);
    expect(detail).toContain(inDetail);
  });
});

describe('messages from the tap', () => {
  // A character split between two chunks of the tap's stream must arrive whole.
  it.each([
    ['é (2 bytes), split after byte 1', 'é', 1],
    ['€ (3 bytes), split after byte 1', '€', 1],
    ['€ (3 bytes), split after byte 2', '€', 2],
    ['😀 (4 bytes), split after byte 2', '😀', 2],
    ['😀 (4 bytes), split after byte 3', '😀', 3],
  ])('%s', async (_name, char, at) => {
    seq += 1;
    const body = `pad ${char.repeat(40)} end`;
    const event = Buffer.from(
      `id: ${seq}\nevent: message\ndata: ${JSON.stringify(tapped(seq, { requestBody: body }))}\n\n`,
    );
    const split = event.indexOf(Buffer.from(char)) + at;
    const before = con.live.messages().at(-1)?.id ?? 0;
    tap.write(event.subarray(0, split));
    // the first part reaches the console on its own before the rest is written
    await new Promise((r) => setTimeout(r, 50));
    tap.write(event.subarray(split));
    await vi.waitFor(() => expect(con.live.messages().at(-1)?.id ?? 0).toBeGreaterThan(before));
    expect(con.live.messages().at(-1)?.requestBody).toBe(body);
  });
});

async function fetchText(path: string): Promise<string> {
  const res = await fetch(`${con.url}${path}`, { headers: { cookie: con.signIn() } });
  return res.text();
}

/** The summary a tab receives for message `id` (resuming just before it). */
async function summaryOf(id: number): Promise<unknown> {
  const chunks: string[] = [];
  await new Promise<void>((resolve) => {
    const req = request(
      `${con.url}/live/events`,
      { headers: { cookie: con.signIn(), 'last-event-id': String(id - 1) } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          chunks.push(d);
          if (chunks.join('').includes('\n\n')) {
            req.destroy();
            resolve();
          }
        });
      },
    );
    req.end();
  });
  const block = chunks.join('').split('\n\n')[0];
  return JSON.parse(block.slice(block.indexOf('data: ') + 6));
}
