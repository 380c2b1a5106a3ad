/**
 * The console as a workshop uses it, in Debian's chromium (never a downloaded browser): a tab
 * open when the presenter restarts `obmock up`, the keyboard in step-by-step mode, and every page
 * at a laptop's, a projector's and a phone's width. Skipped without chromium, unless CI=true
 * (as test/console/workshop.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_ENDED } from '../../console/pages/sign-in.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import {
  type FakeTap,
  type LiveConsole,
  startFakeTap,
  startLiveConsole,
  tapped,
} from '../helpers/live-console.js';

let browser: Browser;
beforeAll(async () => {
  if (!haveChromium) return;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** A page of a fresh browser context signed in to `con`. */
async function tabOf(con: LiveConsole): Promise<Page> {
  const [name, value] = con.signIn().split('=');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addCookies([{ name, value, url: con.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

describe.skipIf(!haveChromium)('the live flow page', { timeout: 60_000 }, () => {
  let tap: FakeTap;
  const consoles: LiveConsole[] = [];
  beforeAll(async () => {
    tap = await startFakeTap();
  });
  afterAll(async () => {
    for (const c of consoles) await c.close();
    await tap?.close();
  });

  it('says the session has ended, with the way to sign in, when the console restarts under an open tab', async () => {
    const first = await startLiveConsole(tap);
    const page = await tabOf(first);
    await page.goto(`${first.url}/live`);
    tap.push(tapped(1));
    await page.locator('.msg').first().waitFor();
    const port = Number(new URL(first.url).port);
    await first.close();
    const waiting = page.locator('#waiting');
    // while it is down the tab says so (and keeps trying, however long the restart takes)
    await expect
      .poll(async () => waiting.textContent(), { timeout: 20_000 })
      .toBe('Lost the console: reconnecting…');
    await new Promise((r) => setTimeout(r, 6_000));
    // the presenter restarts: a new console on the same port, whose sessions are new
    consoles.push(await startLiveConsole(tap, {}, {}, port));
    await expect
      .poll(async () => waiting.textContent(), { timeout: 20_000 })
      .toMatch(/^Your session has ended .*sign in again\.$/);
    await expect(waiting.locator('a').getAttribute('href')).resolves.toBe('/sign-in');
    expect(await waiting.textContent()).not.toMatch(/no room/);
    // and a message opened now says the same instead of showing the sign-in page in the detail
    await page.locator('.msg').first().click();
    // the page asks the console for the message, then fills the pane: wait for that answer
    await expect
      .poll(async () => page.locator('#message-detail').textContent(), { timeout: 15_000 })
      .toMatch(/^Your session has ended/);
    await expect(page.locator('#message-detail form').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('a form sent from a page of an ended session gets the sign-in form and the reason, not a bare status', async () => {
    const con = await startLiveConsole(tap);
    consoles.push(con);
    const res = await fetch(`${con.url}/tpp/onboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'obmock_console=gone' },
      body: '_csrf=stale',
      redirect: 'manual',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toContain(SESSION_ENDED.slice(0, 40));
    expect(body).toMatch(/<form method="post" action="\/sign-in">/);
    expect(body).not.toMatch(/<nav/);
  });

  it('back on the page in step-by-step mode: the messages from before show at once, new ones wait', async () => {
    const con = await startLiveConsole(tap);
    consoles.push(con);
    const page = await tabOf(con);
    tap.push(tapped(1));
    tap.push(tapped(2));
    await expect.poll(() => con.live.messages().length).toBe(2);
    await page.goto(`${con.url}/live`);
    await expect.poll(() => page.locator('.msg').count()).toBe(2);
    await page.check('#step-mode');
    await page.goto(`${con.url}/assets/console.css`);
    await page.goBack();
    await page.locator('#flow').waitFor({ state: 'attached' });
    // the browser restores the ticked box; the two earlier messages are not queued behind it
    expect(await page.isChecked('#step-mode')).toBe(true);
    await expect.poll(() => page.locator('.msg').count()).toBe(2);
    expect(await page.locator('#waiting').textContent()).toBe('');
    tap.push(tapped(3));
    await expect.poll(() => page.locator('#waiting').textContent()).toMatch(/^1 more/);
    expect(await page.locator('.msg').count()).toBe(2);
    await page.context().close();
  });

  it('in step-by-step mode Enter opens the focused message and Space elsewhere reveals the next', async () => {
    const con = await startLiveConsole(tap);
    consoles.push(con);
    const page = await tabOf(con);
    await page.goto(`${con.url}/live`);
    tap.push(tapped(1));
    await page.locator('.msg').first().waitFor();
    await page.check('#step-mode');
    tap.push(tapped(2));
    tap.push(tapped(3));
    await expect.poll(() => page.locator('#waiting').textContent()).toMatch(/^2 more/);
    const rows = () => page.locator('.msg').count();
    const before = await rows();
    await page.locator('.msg').first().focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#message-detail h2').textContent())
      .toMatch(/openid-configuration\?n=1/);
    expect(await rows()).toBe(before);
    await expect(page.locator('#waiting').textContent()).resolves.toMatch(/^2 more/);
    // Space with the focus on the detail (not a control) reveals the next message
    await page.locator('#message-detail').focus();
    await page.keyboard.press('Space');
    expect(await rows()).toBe(before + 1);
    // and so does Space on the step-by-step checkbox itself, as the page says
    await page.locator('#step-mode').focus();
    await page.keyboard.press('Space');
    expect(await rows()).toBe(before + 2);
    expect(await page.isChecked('#step-mode')).toBe(true);
    await page.context().close();
  });
});

describe.skipIf(!haveChromium)('the console’s own calls in the live flow', { timeout: 60_000 }, () => {
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

  it('can be hidden, leaving every other caller’s', async () => {
    const page = await tabOf(con);
    await page.goto(`${con.url}/live`);
    tap.push(
      tapped(1, { path: '/banks/default/admin/clients', requestHeaders: { 'user-agent': 'obmock-console' } }),
    );
    tap.push(tapped(2, { path: '/banks/default/register', requestHeaders: { 'user-agent': 'curl/8' } }));
    await expect.poll(() => page.locator('.msg:visible').count()).toBe(2);
    await expect(page.locator('.msg .who').first().textContent()).resolves.toBe(
      'obmock-console → bank default',
    );
    await page.check('#hide-console');
    await expect.poll(() => page.locator('.msg:visible').count()).toBe(1);
    await expect(page.locator('.msg:visible .label').textContent()).resolves.toMatch(
      /^GET \/banks\/default\/register/,
    );
    tap.push(
      tapped(3, { path: '/banks/default/admin/tokens', requestHeaders: { 'user-agent': 'obmock-console' } }),
    );
    tap.push(tapped(4, { path: '/banks/default/token', requestHeaders: { 'user-agent': 'curl/8' } }));
    await expect.poll(() => page.locator('.msg').count()).toBe(4);
    expect(await page.locator('.msg:visible').count()).toBe(2);
    await page.uncheck('#hide-console');
    expect(await page.locator('.msg:visible').count()).toBe(4);
    await page.context().close();
  });
});

describe.skipIf(!haveChromium)('every page at 1280, 1024 and 390 pixels wide', { timeout: 120_000 }, () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a scenario step that made no exchange says so instead of showing nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(t.console.signInLink());
    await page.goto(`${t.console.url}/scenarios`);
    await page.fill('input[name=only]', 'DCR-001 DCR-002');
    await page.click('form[action="/scenarios/runs"] button[type=submit]');
    const run = page.url();
    await expect
      .poll(
        async () => {
          await page.goto(run);
          return page.locator('[data-run-state]').getAttribute('data-run-state');
        },
        { timeout: 30_000 },
      )
      .toBe('done');
    await page.goto(`${run}/DCR-001`);
    await expect(page.locator('[data-no-exchange]').textContent()).resolves.toMatch(/^No HTTP exchange/);
    await page.goto(`${run}/DCR-002`);
    expect(await page.locator('[data-no-exchange]').count()).toBe(0);
    expect(await page.locator('ol.exchanges details').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('no page is wider than the window (long ids, claims and URLs wrap or scroll in their table)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(t.console.signInLink());
    await page.goto(`${t.console.url}/tpp`);
    await page.click('form[action="/tpp/onboard"] button');
    await page.click('button[name=action][value=register]');
    const ss = await page.locator('a[href*="/ss/"]').first().getAttribute('href');
    const org = await page.locator('a[href^="/directory/"]').first().getAttribute('href');
    const paths = ['/directory', org, ss, `${ss}/ssa`, '/banks', '/tpp', '/live', '/scenarios'];
    const wider: string[] = [];
    for (const width of [1280, 1024, 390]) {
      await page.setViewportSize({ width, height: 720 });
      for (const path of paths) {
        await page.goto(`${t.console.url}${path}`);
        // a string, evaluated in the page (this file is type-checked without the DOM's types)
        const { scroll, client } = (await page.evaluate(
          '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
        )) as { scroll: number; client: number };
        if (scroll > client) wider.push(`${path} at ${width}: ${scroll} px`);
      }
    }
    expect(wider).toEqual([]);
    // the console's own calls to the services name it as their caller in the live flow
    await page.goto(`${t.console.url}/banks`);
    await page.goto(`${t.console.url}/live`);
    await expect
      .poll(() => page.locator('.msg .who', { hasText: /^obmock-console → bank default$/ }).count())
      .toBeGreaterThan(0);
    // the navigation and Sign out stay in the window on a phone
    const signOut = await page.locator('header.top button').boundingBox();
    expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(390);
    await context.close();
  });
});
