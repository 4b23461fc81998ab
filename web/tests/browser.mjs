// What every browser test file does alike: one Chromium per file (node
// --test runs each file in its own process), contexts of the site in
// Vietnamese at Huế's time (a contest named in config.js, a session stored
// before the first page), pages that record their uncaught errors, the
// sign-in by e-mailed code, and the check of a page state at both sizes (no
// sideways scroll, no critical or serious axe finding).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y } from './axe.mjs';
import { outboxFiles, readCode } from './outbox.mjs';

export const SITE = (process.env.HOITHI_SITE_URL || '').replace(/\/+$/, '');
export const OUTBOX = process.env.HOITHI_OUTBOX || '';
const CHROMIUM = process.env.HOITHI_CHROMIUM || '/usr/bin/chromium';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 768 };

let browser;

/** Launches Chromium before the file's tests (none when skip is set) and closes it after them. */
export function useBrowser(skip) {
  before(async () => {
    if (skip) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    if (browser) await browser.close();
  });
}

/**
 * A browser context of the site: contest, when given, is the one config.js
 * names; session (a JSON string or an object), when given, is stored before
 * the first page unless one is there; other options go to Playwright.
 */
export async function siteContext({ contest, session, timeout = 15000, ...options } = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', ...options });
  context.setDefaultTimeout(timeout);
  if (contest) {
    await context.route('**/config.js', async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace(/"contest":"[^"]*"/, JSON.stringify({ contest }).slice(1, -1));
      await route.fulfill({ response: res, body });
    });
  }
  if (session) {
    await context.addInitScript((s) => {
      if (!localStorage.getItem('hoithi.v1.session')) localStorage.setItem('hoithi.v1.session', s);
    }, typeof session === 'string' ? session : JSON.stringify(session));
  }
  return context;
}

/** A new page of context with the uncaught errors it records. */
export async function openPage(context) {
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  return { page, pageErrors };
}

/** Signs email in through the form with the code the outbox receives; the session stored. */
export async function signIn(page, email) {
  await page.goto(SITE + '/#/dang-nhap');
  await page.locator('#email').fill(email);
  const seenBefore = new Set(await outboxFiles(OUTBOX));
  await page.locator('#send-code').click();
  await page.locator('#session-form').waitFor({ state: 'visible' });
  await page.locator('#code').fill(await readCode(OUTBOX, email, seenBefore));
  await page.locator('#sign-in').click();
  await page.locator('#sign-out').waitFor({ state: 'visible' });
  return page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.v1.session')));
}

/** The elements past the viewport's right edge (the first five), none when the page does not scroll sideways. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getClientRects().length)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} right=${Math.round(el.getBoundingClientRect().right)}`);
  });
}

/** The page state at both sizes: no sideways scroll, no critical/serious axe finding; back to `size` after. */
export async function checkState(page, label, size = PHONE) {
  for (const vp of [PHONE, DESKTOP]) {
    await page.setViewportSize(vp);
    assert.deepEqual(await horizontalOverflow(page), [], `${label} at ${vp.width}px scrolls sideways`);
    await checkA11y(page, `${label} at ${vp.width}px`);
  }
  await page.setViewportSize(size);
}
