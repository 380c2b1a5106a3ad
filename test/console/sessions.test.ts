/**
 * The console's sessions (console/sessions.ts): a full table closes the session unused the
 * longest, and only once it has been unused for a while; until then a sign-in is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../console/sessions.js';
import { SessionsFull } from '../../console/sessions-full.js';
import {
  ADMIN_TOKEN,
  type FakeTap,
  type LiveConsole,
  startFakeTap,
  startLiveConsole,
} from '../helpers/live-console.js';

const TOKEN = 'sessions-test-admin-token';

describe('a full table of sessions', () => {
  // max 3; `use` lists the sessions (by the order they were opened) used before the 4th opens
  it.each([
    { use: [], closed: 0 },
    { use: [0], closed: 1 },
    { use: [0, 1], closed: 2 },
    { use: [1, 0], closed: 2 },
    { use: [2, 1, 0], closed: 2 },
    { use: [0, 1, 2], closed: 0 },
  ])('opened in order, then used $use: the 4th closes session $closed', ({ use, closed }) => {
    let clock = 0;
    // evictIdleMs 0: whatever its idle time, the session unused the longest is the one closed
    const sessions = createSessions({ adminToken: TOKEN, max: 3, evictIdleMs: 0, now: () => clock });
    const opened = [0, 1, 2].map(() => {
      clock += 1;
      return sessions.signInWithAdminToken(TOKEN)!.id;
    });
    for (const i of use) {
      clock += 1;
      expect(sessions.find(opened[i])).toBeDefined();
    }
    clock += 1;
    const fourth = sessions.signInWithAdminToken(TOKEN)!.id;
    expect(sessions.find(fourth)).toBeDefined();
    opened.forEach((id, i) => {
      expect(sessions.find(id) === undefined).toBe(i === closed);
    });
  });

  it('a busy session outlives any number of sign-ins that are not used', () => {
    let clock = 0;
    const sessions = createSessions({ adminToken: TOKEN, max: 3, evictIdleMs: 0, now: () => clock });
    const presenter = sessions.signInWithAdminToken(TOKEN)!.id;
    for (let i = 0; i < 50; i++) {
      clock += 1;
      sessions.signInWithAdminToken(TOKEN);
      expect(sessions.find(presenter)).toBeDefined(); // the presenter keeps using the console
    }
  });
});

describe('a full table of sessions all in use', () => {
  // max 3, evictIdleMs 600 s; the three are used at 0 s, then a sign-in comes `after` seconds later
  it.each([
    { after: 0, refused: true, retryAfter: 600 },
    { after: 1, refused: true, retryAfter: 599 },
    { after: 599, refused: true, retryAfter: 1 },
    { after: 600, refused: false, retryAfter: 0 },
    { after: 3600, refused: false, retryAfter: 0 },
  ])('a sign-in $after s later: refused $refused', ({ after, refused, retryAfter }) => {
    let clock = 0;
    const sessions = createSessions({ adminToken: TOKEN, max: 3, evictIdleMs: 600_000, now: () => clock });
    const opened = [0, 1, 2].map(() => sessions.signInWithAdminToken(TOKEN)!.id);
    const code = sessions.issueCode();
    clock = after * 1000;
    for (const signIn of [() => sessions.signInWithAdminToken(TOKEN), () => sessions.redeemCode(code)]) {
      if (refused) {
        let thrown: unknown;
        try {
          signIn();
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(SessionsFull);
        expect((thrown as SessionsFull).retryAfterSeconds).toBe(retryAfter);
      } else {
        expect(signIn()).toBeDefined();
      }
    }
    // refused: every session still open, and the one-time code not spent
    if (refused) {
      for (const id of opened) expect(sessions.find(id)).toBeDefined();
      clock += 600_000;
      expect(sessions.redeemCode(code)).toBeDefined();
    }
  });
});

describe('signing in to a console whose sessions are all in use', () => {
  let tap: FakeTap;
  let con: LiveConsole;
  beforeAll(async () => {
    tap = await startFakeTap();
    con = await startLiveConsole(tap);
  });
  afterAll(async () => {
    await con?.close();
    await tap?.close();
  });

  it('200 sessions in use: a sign-in is 503 with Retry-After, and the presenter stays signed in', async () => {
    const presenter = con.signIn();
    for (let i = 0; i < 199; i++) con.signIn();
    const res = await fetch(`${con.url}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('try again');
    const page = await fetch(`${con.url}/live`, { headers: { cookie: presenter }, redirect: 'manual' });
    expect(page.status).toBe(200);
  });
});
