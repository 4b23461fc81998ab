// Browser test of the organisers' insight pages (web/insight.js, issue #14):
// the question statistics' sortable table (mouse and keyboard, aria-sort),
// one block, the options with the key, the bank's history; the integrity
// review: a flagged paper opened, excluded with a reason (the empty reason's
// error beside the field first, then a confirm step) and the exclusion
// lifted; the clip contest's page with each juror's progress, the ranking and
// its publication; a juror's incomplete score sheet warned. Every state is
// checked with axe-core at 390×844 and 1366×768, without sideways scrolling.
//
// Run by infra/localdev/browser_test.go, which seeds (insight_test.go):
//   HOITHI_INSIGHT_ROUND        last week's staff round (closed)
//   HOITHI_INSIGHT_PAPER        a paper of it submitted impossibly fast; HOITHI_INSIGHT_PARTICIPANT its owner's name
//   HOITHI_INSIGHT_CLIPS        two accepted clips (space-separated); the first has a partial sheet of
//   HOITHI_INSIGHT_JUROR        this juror
//   HOITHI_INSIGHT_SESSIONS     {"organiser","juror"}: signed-in sessions (no code asked: the other files ask for theirs)
// with the site's variables (HOITHI_SITE_URL, HOITHI_CHROMIUM).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, PHONE, useBrowser, siteContext, openPage, checkState } from './browser.mjs';

const ROUND = process.env.HOITHI_INSIGHT_ROUND || '';
const PAPER = process.env.HOITHI_INSIGHT_PAPER || '';
const PARTICIPANT = process.env.HOITHI_INSIGHT_PARTICIPANT || '';
const CLIPS = (process.env.HOITHI_INSIGHT_CLIPS || '').split(/\s+/).filter(Boolean);
const JUROR = process.env.HOITHI_INSIGHT_JUROR || '';
const SESSIONS = process.env.HOITHI_INSIGHT_SESSIONS ? JSON.parse(process.env.HOITHI_INSIGHT_SESSIONS) : null;
const skip = SITE && ROUND && PAPER && CLIPS.length === 2 && JUROR && SESSIONS ? false
  : 'HOITHI_SITE_URL and HOITHI_INSIGHT_* are not set: run through go test ./infra/localdev';

useBrowser(skip);

/** A page signed in as role (a session of HOITHI_INSIGHT_SESSIONS), at hash. */
async function signedIn(role, hash) {
  const context = await siteContext({ session: SESSIONS[role], viewport: PHONE, timeout: 20000 });
  const { page, pageErrors } = await openPage(context);
  await page.goto(SITE + '/' + hash);
  return { context, page, pageErrors };
}

/** The rows' values of a data attribute, in the table's order. */
const column = (page, attr) => page.$$eval('#stats-table tbody tr', (rows, a) => rows.map((r) => r.getAttribute(a)), attr);

function assertOrdered(values, dir, what) {
  const nums = values.filter((v) => v !== '').map(Number);
  for (let i = 1; i < nums.length; i++) {
    assert.ok(dir === 'ascending' ? nums[i - 1] <= nums[i] : nums[i - 1] >= nums[i], `${what} not ${dir}: ${nums.join(' ')}`);
  }
  const firstBlank = values.indexOf('');
  if (firstBlank >= 0) assert.ok(values.slice(firstBlank).every((v) => v === ''), `${what}: figures that cannot be computed go last`);
}

test('an organiser sorts the question statistics of a round by mouse and keyboard, narrows them to a block and sees the bank\'s history', { skip, timeout: 120000 }, async () => {
  const { context, page, pageErrors } = await signedIn('organiser', '#/ban-to-chuc');
  try {
    await page.locator('#org-rounds li').first().waitFor();
    await checkState(page, 'organiser page with the review links');
    await page.locator('#org-go-stats').click();
    await page.waitForURL((u) => u.hash === '#/ban-to-chuc/thong-ke');
    await page.locator('#stats-round option').first().waitFor({ state: 'attached' });
    await page.locator('#stats-round').selectOption(ROUND);
    await page.locator(`#stats-body[data-state="loaded"][data-round="${ROUND}"]`).waitFor();
    await page.locator(`#stats-table`).waitFor();
    const count = Number(await page.locator('#stats-body').getAttribute('data-count'));
    assert.ok(count > 0, 'the round has questions');
    assert.equal(await page.locator('#stats-table th[aria-sort="ascending"] button[data-sort="order"]').count(), 1, 'in the bank\'s order first');

    // On a phone the question, its facility and its discrimination are in view without scrolling the table.
    for (const key of ['order', 'facility', 'discrimination']) {
      const box = await page.locator(`#stats-table button[data-sort="${key}"]`).boundingBox();
      assert.ok(box && box.x + box.width <= PHONE.width, `the ${key} column is visible at 390 px (right edge ${box && box.x + box.width})`);
    }
    assert.doesNotMatch(await page.locator('#insight-stats').textContent(), /\bnull\b|undefined/);
    await checkState(page, 'statistics');

    // Mouse: facility, hardest first, then easiest first.
    await page.locator('#stats-table button[data-sort="facility"]').click();
    assert.equal(await page.locator('#stats-table button[data-sort="facility"]').evaluate((b) => b.closest('th').getAttribute('aria-sort')), 'descending');
    assertOrdered(await column(page, 'data-facility'), 'descending', 'facility');
    await page.locator('#stats-table button[data-sort="facility"]').click();
    assert.equal(await page.locator('#stats-table th[aria-sort="ascending"] button').getAttribute('data-sort'), 'facility');
    assertOrdered(await column(page, 'data-facility'), 'ascending', 'facility');
    assert.equal(await page.locator('#stats-table th[aria-sort="none"]').count(), 4, 'the other headers say they are not sorted');

    // Keyboard: the discrimination header's button, focused and pressed.
    await page.locator('#stats-table button[data-sort="discrimination"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.sort), 'discrimination', 'the focus stays on the header');
    assertOrdered(await column(page, 'data-discrimination'), 'ascending', 'discrimination');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#stats-table button[data-sort="discrimination"]').evaluate((b) => b.closest('th').getAttribute('aria-sort')), 'descending');
    assertOrdered(await column(page, 'data-discrimination'), 'descending', 'discrimination');

    // The options of a question, the key marked.
    const first = page.locator('#stats-table tbody tr').first();
    await first.locator('details.q-options summary').click();
    assert.equal(await first.locator('li[data-correct="true"]').count(), 1, 'one key');
    assert.match(await first.locator('li[data-correct="true"]').textContent(), /Đáp án đúng/);
    await checkState(page, 'statistics sorted, options open');
    await page.locator('#stats-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/hoithi-insight-statistics.png' });

    // One block.
    const blocks = await page.locator('#stats-scope option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(blocks.length >= 1, 'the staff round has blocks');
    const whole = Number(await page.locator('#stats-summary').getAttribute('data-papers'));
    await page.locator('#stats-scope').selectOption(blocks[0]);
    const part = Number(await page.locator('#stats-summary').getAttribute('data-papers'));
    assert.ok(part > 0 && part <= whole, `a block's papers (${part}) are some of the round's (${whole})`);
    assert.equal(await page.locator('#stats-table th[aria-sort="descending"] button').getAttribute('data-sort'), 'discrimination', 'the order is kept');
    await checkState(page, 'statistics of a block');

    // The bank's history across the published rounds (none may be published yet in this run).
    await page.locator('#bank-load').click();
    await page.locator('#bank-status[data-state="loaded"], #bank-status[data-state="empty"]').waitFor({ state: 'attached' });
    if (await page.locator('#bank-status').getAttribute('data-state') === 'loaded') {
      await page.locator('#bank-table tbody tr').first().waitFor();
    }
    await checkState(page, 'bank history');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('an organiser opens a flagged paper, is told the empty reason beside its field, excludes it after confirming and lifts the exclusion', { skip, timeout: 120000 }, async () => {
  const { context, page, pageErrors } = await signedIn('organiser', '#/ban-to-chuc/liem-chinh');
  try {
    await page.locator('#integrity-round option').first().waitFor({ state: 'attached' });
    await page.locator('#integrity-round').selectOption(ROUND);
    await page.locator(`#integrity-body[data-state="loaded"][data-round="${ROUND}"]`).waitFor();
    const card = page.locator(`#integrity-flags li[data-paper-id="${PAPER}"]`);
    await card.waitFor();
    assert.equal(await card.getAttribute('data-excluded'), 'false');
    assert.match(await card.textContent(), new RegExp(PARTICIPANT));
    assert.equal(await card.locator('li[data-kind="impossible_speed"]').count(), 1, 'the speed signal in words');
    assert.match(await card.locator('li[data-kind="impossible_speed"]').textContent(), /nhanh bất thường/);
    const shared = await page.locator('#integrity-shared li').allTextContents();
    for (const line of shared) assert.doesNotMatch(line, /\d+\.\d+\.\d+\.\d+|gian lận|vi phạm/, 'shared groups show counts and units, never an address or an accusation');
    for (const box of ['#integrity-body', '#jury-progress']) {
      if (await page.locator(box).count()) assert.doesNotMatch(await page.locator(box).textContent(), /\bnull\b|undefined/, `${box} shows no null`);
    }
    await checkState(page, 'integrity list');

    await card.locator('button[data-open]').click();
    const detail = page.locator('#integrity-detail');
    await detail.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'integrity-detail-title');
    assert.equal(await page.locator('#integrity-state').getAttribute('data-state'), 'ranked');
    await checkState(page, 'a paper\'s detail');

    // No reason: the error is beside the field, named by it.
    await page.locator('#exclude-start').click();
    await page.locator('#error.is-visible.is-inline').waitFor();
    assert.equal(await page.locator('#exclude-reason').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#exclude-reason').getAttribute('aria-describedby'), /\berror\b/);
    assert.equal(await page.evaluate(() => document.querySelector('#exclude-reason').closest('.field').nextElementSibling.id), 'error', 'the error follows the reason\'s field');
    assert.match(await page.locator('#error').textContent(), /lý do/);
    assert.equal(await page.locator('#exclude-confirm').isHidden(), true, 'nothing to confirm without a reason');
    await checkState(page, 'exclusion without a reason');
    await page.screenshot({ path: '/tmp/hoithi-insight-exclusion.png', fullPage: true });

    // A reason, then the confirm step.
    const reason = 'Làm 15 câu trong 10 giây, không thể đọc hết câu hỏi';
    await page.locator('#exclude-reason').fill(reason);
    assert.equal(await page.locator('#error').isVisible(), false, 'typing clears the error');
    await page.locator('#exclude-start').click();
    await page.locator('#exclude-confirm').waitFor();
    assert.match(await page.locator('#exclude-confirm-text').textContent(), new RegExp(reason));
    await checkState(page, 'exclusion to confirm');
    await page.locator('#exclude-confirm-yes').click();
    await page.locator('#integrity-state[data-state="excluded"]').waitFor();
    assert.match(await page.locator('#integrity-state').textContent(), new RegExp('Bài thi không được xếp hạng: ' + reason));
    assert.equal(await card.getAttribute('data-excluded'), 'true');
    assert.match(await card.textContent(), /Không xếp hạng/);
    const next = page.locator('#integrity-next');
    assert.equal(await next.isVisible(), true);
    assert.match(await next.textContent(), /lần tổng hợp kết quả tiếp theo/);
    assert.equal(await page.locator('#integrity-republish').isVisible(), true, 'a closed round offers the republish');
    await checkState(page, 'paper excluded');

    // Reloading the review keeps it excluded (the server's word).
    await page.locator('#integrity-load').click();
    await page.locator(`#integrity-flags li[data-paper-id="${PAPER}"][data-excluded="true"]`).waitFor();

    // Lifted.
    await page.locator('#include-paper').click();
    await page.locator('#integrity-state[data-state="ranked"]').waitFor();
    assert.equal(await page.locator(`#integrity-flags li[data-paper-id="${PAPER}"]`).getAttribute('data-excluded'), 'false');
    await checkState(page, 'exclusion lifted');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('an organiser follows each juror\'s progress with the incomplete sheets, sees the clip ranking per block and publishes it', { skip, timeout: 120000 }, async () => {
  const { context, page, pageErrors } = await signedIn('organiser', '#/ban-to-chuc/video');
  try {
    await page.locator('#jury-progress[data-state="loaded"]').waitFor();
    const row = page.locator(`#jury-progress-table tr[data-email="${JUROR}"]`);
    assert.ok(Number(await row.getAttribute('data-incomplete')) >= 1, 'the juror has an incomplete sheet');
    const line = page.locator(`#jury-incomplete li[data-email="${JUROR}"][data-clip-id="${CLIPS[0]}"]`);
    assert.match(await line.textContent(), /còn thiếu/);
    assert.ok(Number(await page.locator('#jury-progress').getAttribute('data-clips')) >= 2);
    await page.locator('#clip-org-ranking[data-state="loaded"]').waitFor();
    for (const id of CLIPS) assert.equal(await page.locator(`#clip-org-ranking section[data-block="xa-phuong"] tr[data-clip-id="${id}"]`).count(), 1, `${id} ranked in its block`);
    assert.doesNotMatch(await page.locator('#insight-clips').textContent(), /\bnull\b|undefined/);
    await checkState(page, 'clip organiser page');

    await page.locator('#clip-publish').click();
    const link = page.locator('#clip-published li[data-file="ranking.json"] a');
    await link.waitFor();
    const href = await link.getAttribute('href');
    const published = await page.evaluate(async (u) => (await fetch(u, { cache: 'no-store' })).json(), href);
    assert.ok(published.blocks.some((b) => b.clips.some((c) => c.clipId === CLIPS[0])), 'the published ranking has the clip');
    assert.equal(await page.locator('#clip-published li[data-file="ranking.csv"]').count(), 1);
    await checkState(page, 'clip ranking published');
    await page.screenshot({ path: '/tmp/hoithi-insight-clips.png', fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a juror who saves a sheet with some criteria is warned that it is incomplete, and not once it is complete', { skip, timeout: 120000 }, async () => {
  const { context, page, pageErrors } = await signedIn('juror', '#/giam-khao');
  try {
    const partial = page.locator(`#jury-clips form[data-clip-id="${CLIPS[0]}"]`);
    await partial.waitFor();
    assert.match(await page.locator('#jury-scale').textContent(), /từ \d+ đến \d+/, 'the scale comes from the API');
    assert.equal(await partial.locator('.jury-incomplete').isVisible(), true, 'the seeded partial sheet is warned on arrival');

    const form = page.locator(`#jury-clips form[data-clip-id="${CLIPS[1]}"]`);
    const inputs = form.locator('input[data-criterion]');
    const n = await inputs.count();
    assert.ok(n >= 2, 'several criteria');
    assert.equal(await form.locator('.jury-incomplete').isHidden(), true);
    await inputs.nth(0).fill('8');
    await form.locator('button[type="submit"]').click();
    await form.locator('.jury-saved[data-state="saved"]').waitFor();
    const warn = form.locator('.jury-incomplete');
    await warn.waitFor();
    assert.match(await warn.textContent(), /chưa đủ/);
    assert.match(await warn.textContent(), /vẫn được lưu/, 'the juror is told the scores were saved');
    assert.equal((await warn.getAttribute('data-missing')).split(' ').length, n - 1);
    await checkState(page, 'incomplete sheet warned');
    await page.screenshot({ path: '/tmp/hoithi-insight-jury.png', fullPage: true });

    for (let i = 1; i < n; i++) await inputs.nth(i).fill('7');
    await form.locator('button[type="submit"]').click();
    await form.locator('.jury-saved[data-state="saved"]').waitFor();
    await warn.waitFor({ state: 'hidden' });
    await checkState(page, 'complete sheet');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
