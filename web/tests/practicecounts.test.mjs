// Browser test of the organisers' practice counts (GET {quiz}/practice/counts,
// on the statistics page #/ban-to-chuc/thong-ke): anonymous practice answers
// are given, then an organiser reads each question's answers, right answers
// and share right for a range of days, sorts the table (aria-sort), and sees
// a backwards range refused beside its date. Every state is checked with
// axe-core at 390×844 and 1366×768, without sideways scrolling.
//
// Run by infra/localdev/browser_test.go, which seeds the learn contest (learn_test.go):
//   HOITHI_LEARN_CONTEST            the contest (practice open to everyone)
//   HOITHI_LEARN_ORGANISER_SESSION  an organiser's session as the site stores it
// with the site's variables (HOITHI_SITE_URL, HOITHI_CHROMIUM). The learn
// browser test practises in the same contest at the same time: counts are
// compared as at least what this test added.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, PHONE, useBrowser, siteContext, openPage, checkState } from './browser.mjs';

const CONTEST = process.env.HOITHI_LEARN_CONTEST || '';
const SESSION = process.env.HOITHI_LEARN_ORGANISER_SESSION || '';
const skip = SITE && CONTEST && SESSION ? false
  : 'HOITHI_SITE_URL and HOITHI_LEARN_CONTEST, HOITHI_LEARN_ORGANISER_SESSION are not set: run through go test ./infra/localdev';

useBrowser(skip);

/** A page of the learn contest's site, signed in as its organiser. */
async function organiserPage() {
  const context = await siteContext({ contest: CONTEST, session: SESSION, viewport: PHONE, timeout: 20000 });
  return { context, ...(await openPage(context)) };
}

test('an organiser reads the practice counts per question, sorts them, and a backwards range is refused beside its date', { skip, timeout: 180000 }, async () => {
  const { context, page, pageErrors } = await organiserPage();
  try {
    await page.goto(SITE + '/#/ban-to-chuc/thong-ke');
    await page.locator('#practice-form').waitFor();

    // GIVEN the counts as they stand, then three anonymous practice answers to one question
    const given = await page.evaluate(async (contest) => {
      const cfg = window.HOITHI_CONFIG;
      const token = JSON.parse(localStorage.getItem('hoithi.v1.session')).token;
      const counts = async () => (await (await fetch(cfg.quiz + '/practice/counts', { headers: { Authorization: 'Bearer ' + token } })).json()).questions;
      const before = await counts();
      const batch = await (await fetch(cfg.quiz + '/practice?contest=' + encodeURIComponent(contest))).json();
      const q = batch.questions[0];
      let right = 0;
      for (const chosen of ['A', 'B', 'A']) {
        const res = await fetch(cfg.quiz + '/practice/answers?contest=' + encodeURIComponent(contest), {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ bankId: q.bankId, questionId: q.id, chosen }),
        });
        if ((await res.json()).feedback.right) right++;
      }
      const was = before.find((x) => x.bankId === q.bankId && x.questionId === q.id) || { answered: 0, right: 0 };
      return { bankId: q.bankId, questionId: q.id, right, was };
    }, CONTEST);
    await checkState(page, 'the statistics page with the practice form');

    // WHEN the organiser reads the last week's counts
    await page.locator('#practice-load').click();
    await page.locator('#practice-body[data-state="loaded"]').waitFor();
    const row = page.locator(`#practice-table tbody tr[data-bank-id="${given.bankId}"][data-question-id="${given.questionId}"]`);
    // THEN the question's row has the answers given, with its text
    assert.ok(Number(await row.getAttribute('data-answered')) >= given.was.answered + 3, 'the three answers are counted');
    assert.ok(Number(await row.getAttribute('data-right')) >= given.was.right + given.right, 'the right ones too');
    assert.ok((await row.locator('td.q').textContent()).length > 20, 'the row shows the question text');
    assert.equal(await page.locator('#practice-table th[aria-sort="descending"]').textContent(), 'Số lượt trả lời ▼');
    assert.match(await page.locator('#practice-summary').textContent(), /lượt trả lời từ \d{4}-\d\d-\d\d đến/);
    await checkState(page, 'the practice counts');

    // AND sorting by the share right (lowest first), by keyboard
    await page.locator('#practice-table button[data-sort="share"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#practice-table th[aria-sort="ascending"] button[data-sort="share"]').waitFor();
    const shares = await page.$$eval('#practice-table tbody tr', (rows) => rows.map((r) => Number(r.dataset.right) / Number(r.dataset.answered)));
    assert.deepEqual(shares, shares.slice().sort((a, b) => a - b), 'rows by share right, lowest first');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.sort), 'share', 'the focus stays on the sorted column');
    await checkState(page, 'the practice counts sorted by share right');

    // AND a range whose start is after its end is refused beside the start
    await page.locator('#practice-from').fill('2026-03-10');
    await page.locator('#practice-to').fill('2026-03-01');
    await page.locator('#practice-load').click();
    await page.locator('#practice-status[data-state="problems"]').waitFor({ state: 'attached' });
    assert.match(await page.locator('#practice-from-error').textContent(), /Ngày bắt đầu phải trước/);
    assert.equal(await page.locator('#practice-from').getAttribute('aria-invalid'), 'true');
    await checkState(page, 'a backwards range refused beside its date');

    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
