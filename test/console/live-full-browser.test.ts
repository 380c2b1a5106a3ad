/**
 * The live flow page in Debian's chromium (never a downloaded browser) when the feed has no
 * place for the tab: the page says so instead of reconnecting for ever; a tab with a place shows
 * the messages. Skipped without chromium, unless CI=true (as test/console/workshop.test.ts).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import {
  type FakeTap,
  type LiveConsole,
  startFakeTap,
  startLiveConsole,
  tapped,
} from '../helpers/live-console.js';

const NO_ROOM = 'The live flow has no room for this tab';

describe.skipIf(!haveChromium)('the live flow page when the feed is full', { timeout: 60_000 }, () => {
  let tap: FakeTap;
  let browser: Browser;
  const consoles: LiveConsole[] = [];

  beforeAll(async () => {
    tap = await startFakeTap();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const c of consoles) await c.close();
    await tap?.close();
  });

  it.each([
    { places: 2, tabs: 2, noRoom: [false, false] },
    { places: 1, tabs: 2, noRoom: [false, true] },
    { places: 1, tabs: 3, noRoom: [false, true, true] },
  ])('$places place(s), $tabs tabs of one browser', async ({ places, tabs, noRoom }) => {
    const con = await startLiveConsole(tap, { maxListeners: places });
    consoles.push(con);
    const [name, value] = con.signIn().split('=');
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: con.url }]);
    const pages = [];
    for (let i = 0; i < tabs; i++) {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${con.url}/live`);
      pages.push(page);
    }
    // a tab with a place shows the message; a tab without one says there is no room
    tap.push(tapped(1000 + consoles.length, { path: '/banks/default/register' }));
    for (const [i, page] of pages.entries()) {
      if (noRoom[i]) {
        await expect
          .poll(() => page.locator('#waiting').textContent(), { timeout: 20_000 })
          .toContain(NO_ROOM);
        expect(await page.locator('#flow .msg').count()).toBe(0);
      } else {
        await page.locator('#flow .msg').first().waitFor();
        expect(await page.locator('#waiting').textContent()).not.toContain(NO_ROOM);
      }
    }
    await context.close();
  });
});
