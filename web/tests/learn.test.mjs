// Browser tests of learning after the week (issue #15): a participant reviews
// their paper of a closed round (with the right options, explanations and
// legal bases where no round can still draw the questions; their own answers
// only where one can), and anyone practises on the questions of closed
// rounds with instant feedback, a visitor included when the contest allows
// it. At 390×844 and 1366×768, axe-core on every state.
//
// Run by infra/localdev/browser_test.go, which seeds the learn contest
// (infra/localdev/learn_test.go):
//   HOITHI_LEARN_CONTEST      the contest's id (config.js is served with it)
//   HOITHI_LEARN_PARTICIPANT  a participant with submitted papers in weeks 1 and 2
// Week 1 drew from a bank no round uses any more; week 2 from the bank this
// week's round draws from; the contest lets everyone practise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y } from './axe.mjs';
import { SITE, useBrowser, siteContext, openPage } from './browser.mjs';
import { outboxFiles as listOutbox, readCode as codeFrom } from './outbox.mjs';

const OUTBOX = process.env.HOITHI_OUTBOX || '';
const CONTEST = process.env.HOITHI_LEARN_CONTEST || '';
const PARTICIPANT = process.env.HOITHI_LEARN_PARTICIPANT || '';
const skip = SITE && OUTBOX && CONTEST && PARTICIPANT ? false : 'HOITHI_SITE_URL, HOITHI_OUTBOX and HOITHI_LEARN_* are not set: run through go test ./infra/localdev';

useBrowser(skip);

const PHONE = { name: '390×844', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LAPTOP = { name: '1366×768', viewport: { width: 1366, height: 768 } };
const VIEWPORTS = [PHONE, LAPTOP];

let signedIn = null; // the participant's storage state, signed in once (one code a minute)

/** A page of the site deployed for the learn contest: config.js names it. */
async function newPage(vp, options = {}) {
  const { name, ...opts } = vp;
  const context = await siteContext({ contest: CONTEST, ...opts, ...options });
  return { context, ...(await openPage(context)) };
}

async function signInOnce() {
  if (signedIn) return signedIn;
  const { context, page } = await newPage(LAPTOP);
  try {
    await page.goto(SITE + '/#/dang-nhap');
    await page.locator('#email').fill(PARTICIPANT);
    const seen = new Set(await listOutbox(OUTBOX));
    await page.locator('#send-code').click();
    await page.locator('#session-form').waitFor({ state: 'visible' });
    await page.locator('#code').fill(await codeFrom(OUTBOX, PARTICIPANT, seen));
    await page.locator('#sign-in').click();
    await page.locator('#sign-out').waitFor({ state: 'visible' });
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.v1.session')));
    assert.equal(session.contest, CONTEST);
    const cfg = await page.evaluate(() => window.HOITHI_CONFIG);
    signedIn = { state: await context.storageState(), token: session.token, cfg };
    return signedIn;
  } finally {
    await context.close();
  }
}

async function paperOf(roundId) {
  const { token, cfg } = await signInOnce();
  const res = await fetch(`${cfg.quiz}/rounds/${roundId}/papers?contest=${CONTEST}`, { headers: { Authorization: 'Bearer ' + token } });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.papers.length, 1, `papers of ${roundId}: ${JSON.stringify(body)}`);
  return body.papers[0].id;
}

function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Fields that would give a key away before an answer is sent. */
function answerFields(v, path = '') {
  if (Array.isArray(v)) return v.flatMap((x, i) => answerFields(x, `${path}[${i}]`));
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => (['correct', 'correctOption', 'right', 'explanation', 'legalBasis', 'key'].includes(k) ? [`${path}.${k}`] : answerFields(x, `${path}.${k}`)));
}

test('a participant reviews a closed round\'s paper from its result page: keys, explanations and legal bases where no round can draw the questions, only their answers where one can', { skip, timeout: 120000 }, async (t) => {
  const { state } = await signInOnce();
  const week1 = await paperOf('tuan-1');
  const week2 = await paperOf('tuan-2');
  for (const vp of VIEWPORTS) {
    await t.test(vp.name, async () => {
      const { context, page, pageErrors } = await newPage(vp, { storageState: state });
      try {
        // The result page of week 1 (closed) offers the review.
        await page.goto(`${SITE}/#/ket-qua/${encodeURIComponent(week1)}`);
        const link = page.locator('#result-review:not([hidden])');
        await link.waitFor();
        assert.equal(await link.textContent(), 'Xem lại bài thi');
        await checkA11y(page, `result of a closed round, ${vp.name}`);
        await link.click();
        const view = page.locator('#view-review[data-state="keys"]');
        await view.waitFor();
        assert.match(await page.locator('#review-title').textContent(), /^Xem lại bài thi — Tuần 1/);
        assert.match(await page.locator('#review-summary').textContent(), /Bạn trả lời đúng 3\/5 câu/);
        const items = page.locator('#review-list > li');
        assert.equal(await items.count(), 5);
        // Three right, one wrong, one left blank (as seeded); each shows the right option.
        assert.deepEqual(await page.locator('#review-list .learn-verdict').evaluateAll((els) => els.map((e) => e.dataset.verdict)),
          ['right', 'right', 'right', 'wrong', 'blank']);
        assert.equal(await page.locator('#review-list .learn-option.is-correct').count(), 5);
        assert.equal(await page.locator('#review-list .learn-option.is-chosen').count(), 4);
        const wrong = items.nth(3);
        assert.match(await wrong.textContent(), /Bạn chọn/);
        assert.match(await wrong.textContent(), /Đáp án đúng/);
        assert.equal(await page.locator('#review-list .learn-explanation').count(), 5);
        assert.equal(await page.locator('#review-list .learn-basis').count(), 5);
        assert.match(await page.locator('#review-list').textContent(), /Căn cứ pháp lý: .*(Nghị định|Nghị quyết|Quyết định)/);
        assert.ok(await noHorizontalScroll(page), `the review scrolls sideways at ${vp.name}`);
        await checkA11y(page, `review with keys, ${vp.name}`);
        await page.screenshot({ path: `/tmp/hoithi-learn-review-${vp.viewport.width}.png`, fullPage: true });

        // Week 2's bank is this week's: the answers only, and why.
        await page.goto(`${SITE}/#/xem-lai/${encodeURIComponent(week2)}`);
        await page.locator('#view-review[data-state="answers"]').waitFor();
        assert.match(await page.locator('#review-note').textContent(), /không còn tuần thi nào đang mở hoặc sắp mở/);
        assert.equal(await page.locator('#review-list > li').count(), 5);
        assert.equal(await page.locator('#review-list .learn-option.is-correct, #review-list .learn-explanation, #review-list .learn-verdict').count(), 0);
        assert.equal(await page.locator('#review-list .learn-option.is-chosen').count(), 4);
        await checkA11y(page, `review without keys, ${vp.name}`);
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
      }
    });
  }
});

test('a signed-out visitor practises on the questions of closed rounds: no key before answering, instant feedback with the explanation after', { skip, timeout: 120000 }, async (t) => {
  for (const vp of VIEWPORTS) {
    await t.test(vp.name, async () => {
      const { context, page, pageErrors } = await newPage(vp);
      try {
        // From the home page.
        await page.goto(SITE + '/');
        await page.locator('#practice-link').waitFor();
        const [batch] = await Promise.all([
          page.waitForResponse((r) => r.url().includes('/practice?') && r.request().method() === 'GET'),
          page.locator('#practice-link').click(),
        ]);
        assert.equal(batch.request().headers().authorization, undefined, 'a visitor sends no session');
        const body = await batch.json();
        assert.deepEqual(answerFields(body), [], 'the batch carries no key');
        await page.locator('#view-practice[data-state="loaded"]').waitFor();
        const forms = page.locator('#practice-list form');
        const n = await forms.count();
        assert.ok(n >= 1 && n <= 10, `${n} practice questions`);
        assert.deepEqual([...new Set(await forms.evaluateAll((fs) => fs.map((f) => f.dataset.bankId)))], ['tuan-cu'],
          'only the retired bank (the others can still be drawn)');
        assert.ok(await noHorizontalScroll(page), `practice scrolls sideways at ${vp.name}`);
        await checkA11y(page, `practice, ${vp.name}`);

        // "Kiểm tra" without a choice: the message is next to the question.
        const first = forms.first();
        await first.locator('button[type="submit"]').click();
        const err = first.locator('.field-error:not([hidden])');
        await err.waitFor();
        assert.equal(await err.textContent(), 'Vui lòng chọn một phương án trước khi kiểm tra.');
        await checkA11y(page, `practice, no choice, ${vp.name}`);

        // An answer gets its verdict, the right option, the explanation and the legal basis at once.
        await first.locator('.option').first().click();
        await first.locator('button[type="submit"]').click();
        await first.locator('.learn-verdict').waitFor();
        const verdict = await first.getAttribute('data-verdict');
        assert.ok(verdict === 'right' || verdict === 'wrong', verdict);
        assert.match(await first.locator('.learn-verdict').textContent(), verdict === 'right' ? /^Chính xác!$/ : /^Chưa đúng\. Đáp án đúng là [A-D]\.$/);
        assert.equal(await first.locator('.option.is-correct').count(), 1);
        assert.match(await first.locator('.learn-explanation').textContent(), /^Giải thích: .+/);
        assert.match(await first.locator('.learn-basis').textContent(), /^Căn cứ pháp lý: .+/);
        assert.equal(await first.locator('input:not([disabled])').count(), 0, 'an answered question is locked');
        assert.match(await page.locator('#practice-score').textContent(), /đúng [01]\/1 câu/);
        await checkA11y(page, `practice feedback, ${vp.name}`);
        await page.screenshot({ path: `/tmp/hoithi-learn-practice-${vp.viewport.width}.png`, fullPage: true });

        // Another topic: a new batch of that topic only.
        await page.locator('#practice-topic').selectOption('chinh-phu-so');
        await page.locator('#view-practice[data-state="loaded"]').waitFor();
        assert.equal(await page.locator('#practice-list form').count(), 2);
        await checkA11y(page, `practice by topic, ${vp.name}`);
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
      }
    });
  }
});
