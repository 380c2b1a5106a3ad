/**
 * The live flow's list from the keyboard, in Debian's chromium (never a downloaded browser): one
 * Tab stop for the whole list (roving tabindex), ↑/↓ between the messages shown, Home/End to the
 * first/last, Enter opens the focused one, Tab back returns to it, hidden messages are skipped.
 * Skipped without chromium, unless CI=true (as test/console/workshop.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import {
  type FakeTap,
  type LiveConsole,
  startFakeTap,
  startLiveConsole,
  tapped,
} from '../helpers/live-console.js';

let browser: Browser;
let tap: FakeTap;
let con: LiveConsole;

beforeAll(async () => {
  if (!haveChromium) return;
  browser = await launchChromium();
  tap = await startFakeTap();
  con = await startLiveConsole(tap);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await con?.close();
  await tap?.close();
});

/** The live flow page of a fresh signed-in browser context. */
async function livePage(): Promise<Page> {
  const [name, value] = con.signIn().split('=');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addCookies([{ name, value, url: con.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${con.url}/live`);
  return page;
}

// strings evaluated in the page (this file is type-checked without the DOM's types)
/** The id of the focused message (undefined when the focus is not on one). */
const focusedId = (page: Page) =>
  page.evaluate("document.activeElement?.closest('.msg')?.getAttribute('data-id')") as Promise<
    string | undefined
  >;
/** The ids of the messages that are a Tab stop (tabindex 0). */
const tabStops = (page: Page) =>
  page.evaluate(
    "[...document.querySelectorAll('.msg')].filter((r) => r.tabIndex === 0).map((r) => r.getAttribute('data-id'))",
  ) as Promise<string[]>;
const evaluate = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

describe.skipIf(!haveChromium)('the live flow list from the keyboard', { timeout: 60_000 }, () => {
  it('is one Tab stop; arrows, Home and End move between messages; Enter opens; hidden ones are skipped', async () => {
    const page = await livePage();
    const base = con.live.messages().at(-1)?.id ?? 0;
    for (let i = 1; i <= 5; i++)
      tap.push(
        tapped(base + i, {
          // the third is the console's own read: hidden with its checkbox
          requestHeaders: { 'user-agent': i === 3 ? 'obmock-console' : 'curl/8' },
        }),
      );
    await expect.poll(() => page.locator('.msg').count()).toBe(5);
    const ids = await evaluate<string[]>(
      page,
      "[...document.querySelectorAll('.msg')].map((r) => r.dataset.id)",
    );
    const [m1, m2, m3, m4, m5] = ids;

    // one Tab stop for the list: the first message; Tab from the last control lands on it
    expect(await tabStops(page)).toEqual([m1]);
    await page.locator('#next-message').focus();
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe(m1);

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe(m3);
    expect(await tabStops(page)).toEqual([m3]);
    await page.keyboard.press('ArrowUp');
    expect(await focusedId(page)).toBe(m2);
    await page.keyboard.press('End');
    expect(await focusedId(page)).toBe(m5);
    await page.keyboard.press('ArrowDown'); // stays on the last
    expect(await focusedId(page)).toBe(m5);
    await page.keyboard.press('Home');
    expect(await focusedId(page)).toBe(m1);
    await page.keyboard.press('ArrowUp'); // stays on the first
    expect(await focusedId(page)).toBe(m1);
    // the arrows moved the focus, not the page
    expect(await evaluate<number>(page, 'window.scrollY')).toBe(0);

    // Enter opens the focused message; the focus goes to its detail, Shift+Tab comes back to it
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#message-detail h2').textContent())
      .toMatch(new RegExp(`openid-configuration\\?n=${base + 2}`));
    expect(await evaluate<string>(page, 'document.activeElement?.id')).toBe('message-detail');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe(m2);

    // hiding the console's own calls: the arrows skip the hidden message
    await page.check('#hide-console');
    await page.locator(`.msg[data-id="${m2}"]`).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe(m4);
    // and a Tab stop that becomes hidden passes to the first message shown
    await page.uncheck('#hide-console');
    await page.locator(`.msg[data-id="${m3}"]`).focus();
    await page.check('#hide-console');
    expect(await tabStops(page)).toEqual([m1]);
    await page.context().close();
  });
});
