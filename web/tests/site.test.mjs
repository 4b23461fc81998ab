// Browser tests of the contest site: Debian's Chromium driven by playwright-core
// against the real functions behind their local function URLs.
//
// Run by infra/localdev/browser_test.go (go test -run Browser ./infra/localdev/
// under `localdev exec`), which starts the platform and sets:
//   HOITHI_SITE_URL    the site's origin (the only origin CORS allows)
//   HOITHI_OUTBOX      the folder where e-mails (sign-in codes) are written
//   HOITHI_ACCOUNTS    JSON of the demo accounts by role
//   HOITHI_OPEN_ROUND  this week's open staff round (optional)
//   HOITHI_CHROMIUM    the browser (default /usr/bin/chromium)
// Without HOITHI_SITE_URL every test is skipped.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const SITE = (process.env.HOITHI_SITE_URL || '').replace(/\/+$/, '');
const OUTBOX = process.env.HOITHI_OUTBOX || '';
const ACCOUNTS = process.env.HOITHI_ACCOUNTS ? JSON.parse(process.env.HOITHI_ACCOUNTS) : null;
const CHROMIUM = process.env.HOITHI_CHROMIUM || '/usr/bin/chromium';
const skip = SITE && OUTBOX && ACCOUNTS ? false : 'HOITHI_SITE_URL, HOITHI_OUTBOX and HOITHI_ACCOUNTS are not set: run through go test ./infra/localdev';

const QUESTIONS = 15; // the demo staff round: 15 questions, 10 minutes
const LIMIT_MS = 10 * 60 * 1000;

// Each e-mail may request a code once a minute: one demo participant per test.
// participant[0] and the end of the roster belong to the Go e2e tests.
const participant = (i) => ACCOUNTS.participant[i];

let browser;
let chromium;

before(async () => {
  if (skip) return;
  ({ chromium } = await import('playwright-core'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

// ------------------------------------------------------------ helpers

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return { context, page, consoleErrors };
}

async function outboxFiles() {
  try {
    return (await readdir(OUTBOX)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
}

/** The code of the newest e-mail to `email` that was not in `before` (file names). */
async function readCode(email, before) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const files = await outboxFiles();
    for (let i = files.length - 1; i >= 0; i--) {
      const msg = JSON.parse(await readFile(path.join(OUTBOX, files[i]), 'utf8'));
      if (msg.to !== email) continue;
      if (before.has(files[i])) break; // the newest one to this address is old: wait
      assert.match(msg.code, /^\d{6}$/, `outbox message to ${email} has no code: ${JSON.stringify(msg)}`);
      return msg.code;
    }
    if (Date.now() > deadline) throw new Error(`no new e-mail to ${email} in ${OUTBOX}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in through the form: e-mail → send code → code from the outbox → sign in. */
async function signIn(page, email) {
  if (!page.url().startsWith(SITE)) await page.goto(SITE + '/#/dang-nhap');
  else await page.evaluate(() => { location.hash = '#/dang-nhap'; });
  await page.locator('#email').fill(email);
  const before = new Set(await outboxFiles());
  await page.locator('#send-code').click();
  await page.locator('#session-form').waitFor({ state: 'visible' });
  const code = await readCode(email, before);
  await page.locator('#code').fill(code);
  await page.locator('#sign-in').click();
  await page.locator('#sign-out').waitFor({ state: 'visible' });
  const session = await page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.v1.session')));
  assert.equal(session.participant.email, email);
  return session;
}

async function config(page) {
  return page.evaluate(() => window.HOITHI_CONFIG);
}

/** This week's open staff round. */
async function openStaffRound(page) {
  if (process.env.HOITHI_OPEN_ROUND) return process.env.HOITHI_OPEN_ROUND;
  const cfg = await config(page);
  const data = await (await fetch(cfg.quiz + '/rounds')).json();
  const open = data.rounds.filter((r) => r.status === 'open' && r.audience === 'staff' && r.timeLimitSeconds === LIMIT_MS / 1000);
  assert.ok(open.length >= 1, `no open staff round in ${JSON.stringify(data.rounds)}`);
  return open[0].id;
}

/** Clicks the round's button on the home page and waits for the paper. Returns the paper id. */
async function startRound(page, roundId) {
  const btn = page.locator(`#rounds button[data-round-id="${roundId}"]`);
  await btn.click();
  await page.waitForURL(/#\/bai-thi\//);
  await page.locator('#questions fieldset[data-question-id]').nth(QUESTIONS - 1).waitFor();
  return decodeURIComponent(new URL(page.url()).hash.replace('#/bai-thi/', ''));
}

/** The paper as shown: [{id, text, options: [optionId…], checked}]. */
async function shownPaper(page) {
  return page.$$eval('#questions fieldset[data-question-id]', (sets) => sets.map((fs) => ({
    id: fs.dataset.questionId,
    text: fs.querySelector('.q-text').textContent,
    options: [...fs.querySelectorAll('input[type=radio]')].map((i) => i.value),
    optionTexts: [...fs.querySelectorAll('.opt-text')].map((o) => o.textContent),
    checked: (fs.querySelector('input[type=radio]:checked') || {}).value || '',
  })));
}

async function choose(page, questionId, optionId) {
  await page.locator(`#questions input[type=radio][name="${questionId}"][value="${optionId}"]`).check();
}

/** Fields that could carry a correct answer: "key", "correct" outside a "result", and the like. */
function answerFields(v, at = '$', parentKey = '') {
  const found = [];
  if (Array.isArray(v)) {
    v.forEach((x, i) => found.push(...answerFields(x, `${at}[${i}]`, parentKey)));
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v)) {
      const p = `${at}.${k}`;
      if (k === 'key' || k === 'answerKey' || k === 'isCorrect' || /^correctoption/i.test(k)) found.push(p);
      else if (k === 'correct' && parentKey !== 'result') found.push(p);
      found.push(...answerFields(val, p, k));
    }
  }
  return found;
}

function noHorizontalScroll(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    widest: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getClientRects().length)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} right=${Math.round(el.getBoundingClientRect().right)}`),
  }));
}

// Responses seen by the page during scenario 1, checked by scenario 4.
const seen = { bodies: [], unreadable: [], storage: null };

// ------------------------------------------------------------ 1

test('sign in and take a whole paper: autosave, reload, submit, result', { skip, timeout: 40000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  const reads = [];
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() === 'OPTIONS') return;
    const type = res.headers()['content-type'] || '';
    if (!type.includes('json')) return;
    reads.push(res.text().then(
      (text) => seen.bodies.push({ url: `${req.method()} ${res.url()}`, status: res.status(), text }),
      (err) => seen.unreadable.push(`${req.method()} ${res.url()}: ${err.message}`),
    ));
  });
  try {
    const email = participant(1);

    // Home lists the rounds (signed out: open rounds ask to sign in).
    await page.goto(SITE + '/');
    await page.locator('#rounds li.round').nth(5).waitFor();
    const roundId = await openStaffRound(page);
    const items = await page.$$eval('#rounds li.round', (lis) => lis.map((li) => ({ id: li.dataset.roundIdItem, status: li.dataset.status })));
    assert.ok(items.length >= 6, `home lists ${items.length} rounds, want the demo's 6`);
    assert.deepEqual(items.find((r) => r.id === roundId), { id: roundId, status: 'open' });
    for (const s of ['open', 'closed', 'upcoming']) assert.ok(items.some((r) => r.status === s), `no ${s} round listed: ${JSON.stringify(items)}`);
    await page.locator(`#rounds a[data-sign-in-for="${roundId}"]`).waitFor();

    await page.locator('#go-sign-in').click();
    await page.waitForURL(/#\/dang-nhap$/);
    await signIn(page, email);
    await page.waitForURL((u) => u.hash === '#/' || u.hash === '');

    const paperId = await startRound(page, roundId);
    const first = await shownPaper(page);
    assert.equal(first.length, QUESTIONS);
    assert.equal(new Set(first.map((q) => q.id)).size, QUESTIONS, 'question ids are distinct');
    for (const q of first) {
      assert.ok(q.text.trim(), `question ${q.id} has text`);
      assert.ok(q.options.length >= 2, `question ${q.id} has options`);
      assert.equal(q.checked, '', `a new paper has no answer checked (${q.id})`);
    }
    assert.equal(await page.locator('#answered-count').textContent(), `0/${QUESTIONS}`);

    // Answer some; autosave reaches "saved".
    const chosen = {};
    for (const [i, q] of first.slice(0, 6).entries()) {
      chosen[q.id] = q.options[i % q.options.length];
      await choose(page, q.id, chosen[q.id]);
    }
    assert.equal(await page.locator('#answered-count').textContent(), `6/${QUESTIONS}`);
    await page.locator('#save-status[data-state="saved"]').waitFor();

    // Reload: the same paper, same order, the answers still checked (from the server).
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.v1.session')));
    const cfg = await config(page);
    const getPaper = async () => {
      const res = await fetch(`${cfg.quiz}/papers/${encodeURIComponent(paperId)}`, { headers: { Authorization: 'Bearer ' + session.token } });
      assert.equal(res.status, 200, `GET paper: ${res.status}`);
      return (await res.json()).paper;
    };
    assert.deepEqual((await getPaper()).answers, chosen, 'the server holds the autosaved answers');
    assert.equal(await page.evaluate((id) => localStorage.getItem('hoithi.v1.draft.' + id), paperId), null, 'no unsaved draft is left once saved');

    await page.reload();
    await page.waitForURL(/#\/bai-thi\//);
    await page.locator('#questions fieldset[data-question-id]').nth(QUESTIONS - 1).waitFor();
    const again = await shownPaper(page);
    assert.deepEqual(again.map(({ checked, ...q }) => q), first.map(({ checked, ...q }) => q), 'same questions and options in the same order');
    assert.deepEqual(Object.fromEntries(again.filter((q) => q.checked).map((q) => [q.id, q.checked])), chosen);
    assert.equal(await page.locator('#answered-count').textContent(), `6/${QUESTIONS}`);

    // Answer the rest, predict, submit, confirm.
    for (const [i, q] of again.entries()) {
      if (chosen[q.id]) continue;
      chosen[q.id] = q.options[(i * 3) % q.options.length];
      await choose(page, q.id, chosen[q.id]);
    }
    assert.equal(await page.locator('#answered-count').textContent(), `${QUESTIONS}/${QUESTIONS}`);
    await page.locator('#prediction').fill('1234');
    await page.locator('#submit').click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#confirm-unanswered').textContent(), '0');
    await page.locator('#confirm-submit').click();
    await page.waitForURL(/#\/ket-qua\//);
    await page.locator('#result[data-correct]').waitFor({ state: 'attached' });
    const shown = await page.evaluate(() => ({
      correct: document.querySelector('#result').dataset.correct,
      total: document.querySelector('#result').dataset.total,
      correctText: document.querySelector('#result-correct').textContent,
      totalText: document.querySelector('#result-total').textContent,
    }));
    assert.equal(shown.total, String(QUESTIONS));
    assert.equal(shown.correctText, shown.correct);
    assert.equal(shown.totalText, shown.total);

    // The numbers are the server's.
    const paper = await getPaper();
    assert.equal(paper.status, 'submitted');
    assert.equal(String(paper.result.correct), shown.correct);
    assert.equal(String(paper.result.total), shown.total);
    assert.equal(paper.result.prediction, 1234);
    assert.match(await page.locator('#result-prediction').textContent(), /^1\.234 /);
    assert.equal(await page.locator('#result').isVisible(), true);
    seen.storage = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
    assert.deepEqual(consoleErrors, [], 'no uncaught page errors');
  } finally {
    await Promise.all(reads);
    await context.close();
  }
});

// ------------------------------------------------------------ 2

test('the timer follows the server clock, not the device clock', { skip, timeout: 30000 }, async (t) => {
  for (const [i, skewMs] of [[2, 3600e3], [3, -3600e3]]) {
    await t.test(`device clock ${skewMs > 0 ? '+' : ''}${skewMs / 3600e3} h`, async () => {
      const { context, page } = await newPage();
      try {
        await context.addInitScript((skew) => {
          const real = Date.now.bind(Date);
          Date.now = () => real() + skew;
        }, skewMs);
        await page.goto(SITE + '/');
        const drift = (await page.evaluate(() => Date.now())) - Date.now();
        assert.ok(Math.abs(drift - skewMs) < 5000, `the page's clock is off by ${drift} ms, want ${skewMs}`);
        const roundId = await openStaffRound(page);
        await signIn(page, participant(i));
        await startRound(page, roundId);
        await page.waitForFunction(() => /^\d+:\d\d/.test(document.querySelector('#timer').textContent));
        const read = () => page.evaluate(() => ({ text: document.querySelector('#timer').textContent, ms: Number(document.querySelector('#timer').dataset.remainingMs) }));
        const timer = await read();
        const [mm, ss] = timer.text.split(':').map(Number);
        const textMs = (mm * 60 + ss) * 1000;
        assert.ok(textMs <= LIMIT_MS && textMs > LIMIT_MS - 60e3, `#timer shows ${timer.text}, want ≤ 10:00 and > 09:00`);
        assert.ok(timer.ms <= LIMIT_MS && timer.ms > LIMIT_MS - 60e3, `#timer data-remaining-ms = ${timer.ms}`);
        await page.waitForTimeout(1200);
        const later = await read();
        assert.ok(later.ms < timer.ms && later.ms > timer.ms - 5000, `the timer counts down: ${timer.ms} → ${later.ms}`);
        assert.notEqual(await page.locator('#submit').isDisabled(), true, 'the paper was not auto-submitted');
      } finally {
        await context.close();
      }
    });
  }
});

// ------------------------------------------------------------ 3

test('errors are shown in Vietnamese', { skip, timeout: 30000 }, async (t) => {
  const { context, page } = await newPage();
  try {
    await page.goto(SITE + '/#/dang-nhap');

    await t.test('an e-mail not on the roster is not eligible', async () => {
      const email = 'ai.do@example.com';
      await page.locator('#email').fill(email);
      assert.equal(await page.locator('#is-citizen').isChecked(), false);
      const before = new Set(await outboxFiles());
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/codes') && r.request().method() === 'POST'),
        page.locator('#send-code').click(),
      ]);
      const body = await res.json();
      assert.equal(res.status(), 403);
      assert.equal(body.error.code, 'not_eligible');
      await page.locator('#error.is-visible').waitFor();
      const shown = await page.locator('#error .error-message').textContent();
      assert.equal(shown, body.error.message);
      assert.match(shown, /Email này không có trong danh sách dự thi/);
      assert.equal(await page.locator('#session-form').isHidden(), true, 'no code step for an ineligible e-mail');
      const sent = (await outboxFiles()).filter((f) => !before.has(f));
      for (const f of sent) {
        assert.notEqual(JSON.parse(await readFile(path.join(OUTBOX, f), 'utf8')).to, email, 'no code is sent to an ineligible e-mail');
      }
    });

    await t.test('a wrong code tells how many tries are left', async () => {
      const email = participant(4);
      await page.locator('#email').fill(email);
      const before = new Set(await outboxFiles());
      await page.locator('#send-code').click();
      await page.locator('#session-form').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#error').evaluate((el) => el.classList.contains('is-visible')), false, 'the previous error is cleared');
      const code = await readCode(email, before);
      const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
      await page.locator('#code').fill(wrong);
      await page.locator('#sign-in').click();
      await page.locator('#error.is-visible').waitFor();
      const shown = await page.locator('#error .error-message').textContent();
      assert.equal(shown, 'Mã xác thực không đúng. Bạn còn 4 lần thử.');
      assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#sign-out').isHidden(), true, 'still signed out');

      // The right code still works after a wrong try.
      await page.locator('#code').fill(code);
      await page.locator('#sign-in').click();
      await page.locator('#sign-out').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#error').evaluate((el) => el.classList.contains('is-visible')), false);
    });
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 4

test('the page never receives a correct answer', { skip }, async () => {
  const bodies = seen.bodies;
  assert.deepEqual(seen.unreadable, [], 'every JSON response of scenario 1 was read');
  for (const want of [/^GET .*\/rounds/, /^POST .*\/rounds\/.+\/papers$/, /^PUT .*\/papers\/.+\/answers$/, /^GET .*\/papers\/[^/]+$/, /^POST .*\/papers\/.+\/submission$/]) {
    assert.ok(bodies.some((b) => want.test(b.url)), `scenario 1 saw no response to ${want}; saw ${bodies.map((b) => b.url).join(', ')}`);
  }
  for (const b of bodies) {
    const fields = answerFields(JSON.parse(b.text));
    assert.deepEqual(fields, [], `${b.url} (${b.status}) has answer fields: ${b.text.slice(0, 500)}`);
  }
  // Nor does it keep one: localStorage at the end of scenario 1.
  assert.ok(seen.storage && Object.keys(seen.storage).length, 'scenario 1 left localStorage to check');
  for (const [k, v] of Object.entries(seen.storage)) {
    let parsed;
    try { parsed = JSON.parse(v); } catch { continue; }
    assert.deepEqual(answerFields(parsed), [], `localStorage ${k} has answer fields: ${v.slice(0, 500)}`);
  }
});

// ------------------------------------------------------------ 5

test('mobile viewport: no horizontal scroll', { skip, timeout: 30000 }, async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    await page.goto(SITE + '/');
    await page.locator('#rounds li.round').nth(5).waitFor();
    const roundId = await openStaffRound(page);
    let m = await noHorizontalScroll(page);
    assert.ok(m.scrollWidth <= m.innerWidth, `home: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; ${m.widest.join('; ')}`);
    await page.screenshot({ path: '/tmp/hoithi-home-390.png' });

    await signIn(page, participant(5));
    await startRound(page, roundId);
    const q = (await shownPaper(page))[0];
    await choose(page, q.id, q.options[0]);
    await page.locator('#save-status[data-state="saved"]').waitFor();
    m = await noHorizontalScroll(page);
    await page.screenshot({ path: '/tmp/hoithi-quiz-390.png' });
    assert.equal(m.innerWidth, 390);
    assert.ok(m.scrollWidth <= m.innerWidth, `quiz: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; ${m.widest.join('; ')}`);
  } finally {
    await context.close();
  }
});
