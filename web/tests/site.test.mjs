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
//   HOITHI_LEFT_PAPER  a participant whose paper of this week was left open past its time
//                      (HOITHI_LEFT_PAPER_CORRECT of its saved answers right; optional)
//   HOITHI_RANKED      a participant with a paper in last week's round (optional)
// Without HOITHI_SITE_URL every test is skipped.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkA11y } from './axe.mjs';
import { outboxFiles as listOutbox, readCode as codeFrom } from './outbox.mjs';

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

/** Rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line breaks; rows end in CRLF). */
function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return { context, page, consoleErrors };
}

const outboxFiles = () => listOutbox(OUTBOX);
const readCode = (email, before) => codeFrom(OUTBOX, email, before);

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
    // Published results (the site's own results/…) carry scores, not answers: only the functions' responses count here.
    if (res.url().startsWith(SITE + '/results/')) return;
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
    await checkA11y(page, 'home, signed out');

    await page.locator('#go-sign-in').click();
    await page.waitForURL(/#\/dang-nhap$/);
    await signIn(page, email);
    await page.waitForURL((u) => u.hash === '#/' || u.hash === '');
    await checkA11y(page, 'home, signed in');

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
    await checkA11y(page, 'quiz, answers saved');

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
    await checkA11y(page, 'quiz, confirm dialog');
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
    await checkA11y(page, 'result');
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
      await checkA11y(page, 'sign-in, e-mail not eligible');
      assert.equal(await page.locator('#session-form').isHidden(), true, 'no code step for an ineligible e-mail');
      const sent = (await outboxFiles()).filter((f) => !before.has(f));
      for (const f of sent) {
        assert.notEqual(JSON.parse(await readFile(path.join(OUTBOX, f), 'utf8')).to, email, 'no code is sent to an ineligible e-mail');
      }
    });

    await t.test('a read the functions refuse at a peak (429, 5xx) is tried again before anything is shown', async () => {
      let refused = 0;
      await page.route(/\/rounds\?contest=/, (route) => {
        if (refused < 2) {
          refused += 1;
          return route.fulfill(refused === 1
            ? { status: 429, contentType: 'application/json', body: '{"Message":"Rate Exceeded."}' }
            : { status: 502, contentType: 'application/json', body: '{"Message":"Internal server error"}' });
        }
        return route.continue();
      });
      await page.goto(SITE + '/');
      await page.locator('#rounds button[data-round-id], #rounds a[data-sign-in-for]').first().waitFor();
      assert.equal(refused, 2);
      assert.equal(await page.locator('#error').evaluate((el) => el.classList.contains('is-visible')), false, 'no error after the retries');
      await page.unroute(/\/rounds\?contest=/);
      await page.goto(SITE + '/#/dang-nhap');
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
      await checkA11y(page, 'sign-in, wrong code');
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
    await checkA11y(page, 'home at 390 px');

    await signIn(page, participant(5));
    await startRound(page, roundId);
    const q = (await shownPaper(page))[0];
    await choose(page, q.id, q.options[0]);
    await page.locator('#save-status[data-state="saved"]').waitFor();
    m = await noHorizontalScroll(page);
    await page.screenshot({ path: '/tmp/hoithi-quiz-390.png' });
    await checkA11y(page, 'quiz at 390 px');
    assert.equal(m.innerWidth, 390);
    assert.ok(m.scrollWidth <= m.innerWidth, `quiz: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; ${m.widest.join('; ')}`);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ published results, unit admins, organisers

const PAGE_SIZE = 50; // the full ranking's page size on the site

/** Lower case without Vietnamese diacritics (as the site's name search). */
const fold = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
/** Digits of a Vietnamese-formatted number ("1.234" → "1234"). */
const digits = (s) => String(s).replace(/\./g, '').trim();

/** A shown Vietnamese decimal ("75,0%", "9,15") as a number. */
const shownNumber = (s) => Number(String(s).replace(/[%\s.]/g, '').replace(',', '.'));
/** The shown value rounds the published one to `places` decimals. */
function assertRounded(shown, value, places, what) {
  assert.ok(Math.abs(shownNumber(shown) - value) <= 0.5 * 10 ** -places + 1e-9, `${what}: shows ${shown} for ${value}`);
}

/** mm:ss.t as the site shows a time taken. */
function timeTaken(ms) {
  const p2 = (n) => String(n).padStart(2, '0');
  return `${p2(Math.floor(ms / 60000))}:${p2(Math.floor(ms / 1000) % 60)}.${Math.floor((ms % 1000) / 100)}`;
}

async function call(method, url, token) {
  const res = await fetch(url, { method, headers: token ? { Authorization: 'Bearer ' + token } : {} });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The newest closed round of an audience. */
function lastClosed(rounds, audience) {
  return rounds.filter((r) => r.status === 'closed' && r.audience === audience)
    .sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt))[0];
}

// One code a minute per e-mail: the first organiser signs in through the
// form once, and the tests that need an organiser share that browser state.
let organiserSignIn = null;
function organiser() {
  organiserSignIn ||= (async () => {
    const { context, page } = await newPage();
    try {
      const session = await signIn(page, ACCOUNTS.organiser[0]);
      assert.ok(session.participant.roles.includes('organiser'), `${ACCOUNTS.organiser[0]} is no organiser: ${JSON.stringify(session.participant)}`);
      const cfg = await config(page);
      assert.ok(cfg.tally, 'config.js names the tally function URL');
      return { session, cfg, state: await context.storageState() };
    } finally {
      await context.close();
    }
  })();
  return organiserSignIn;
}

// ------------------------------------------------------------ 6

test('published results of last week: the numbers that decided it, units, files and their SHA-256', { skip, timeout: 45000 }, async () => {
  const org = await organiser();
  const { rounds } = await call('GET', `${org.cfg.quiz}/rounds?contest=${org.cfg.contest}`);
  const week = lastClosed(rounds, 'staff');
  assert.ok(week, `no closed staff round in ${JSON.stringify(rounds)}`);
  const other = lastClosed(rounds, 'citizen');

  // Publish it now: the weekly schedule may not have run on this platform.
  const tally = await call('POST', `${org.cfg.tally}/rounds/${week.id}/tally`, org.session.token);
  assert.equal(tally.published, true);
  // The call answers a summary; the ranking is in the published results.json.
  const res = { ...tally.result, ranking: (await call('GET', `${SITE}/${tally.prefix}results.json`)).ranking };
  const sha = Object.fromEntries(tally.artefacts.map((a) => [a.name, a.sha256]));
  for (const f of ['ranking.csv', 'units.csv', 'report.xlsx', 'manifest.json']) assert.match(sha[f] || '', /^[0-9a-f]{64}$/, `artefact ${f}`);
  assert.ok(res.ranking.length > PAGE_SIZE, `the demo's closed round has ${res.ranking.length} participants, want more than a page`);
  assert.ok(res.prizes.length >= 1);

  const { context, page, consoleErrors } = await newPage();
  try {
    // A closed round whose results are not there (404) says they are being compiled.
    if (other) await page.route(`**/results/*/${other.id}/units.json`, (r) => r.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await page.goto(SITE + '/');
    if (other) {
      const pending = page.locator(`#rounds [data-results-for="${other.id}"][data-state="pending"]`);
      await pending.waitFor();
      assert.match(await pending.textContent(), /Kết quả đang được tổng hợp/);
      assert.equal(await page.locator(`#rounds a[data-weekly-results="${other.id}"]`).count(), 0);
    }
    await checkA11y(page, 'home with published results');
    const slot = page.locator(`#rounds [data-results-for="${week.id}"][data-state="published"]`);
    await slot.waitFor();
    assert.match(await slot.textContent(), new RegExp(`đúng tất cả các câu: ${res.allCorrect.toLocaleString('vi-VN')}\\b`));
    await slot.locator('a', { hasText: 'Xem kết quả tuần' }).click();
    await page.waitForURL((u) => u.hash === `#/ket-qua-tuan/${week.id}`);
    await page.locator('#weekly-body').waitFor();
    await page.locator('#weekly-downloads li[data-file="manifest.json"] code.sha-value').waitFor();

    const shown = await page.evaluate(() => {
      const val = (sel) => document.querySelector(sel).dataset.value;
      const rows = (sel) => [...document.querySelectorAll(sel)].map((tr) => [...tr.cells].map((td) => td.textContent.trim()));
      return {
        allCorrect: val('#weekly-all-correct'), participants: val('#weekly-participants'), papers: val('#weekly-papers'),
        tieBreak: [...document.querySelectorAll('#weekly-tiebreak li')].map((li) => li.dataset.key),
        tieBreakText: document.querySelector('#weekly-tiebreak').textContent,
        prizes: rows('#weekly-prizes tbody tr'),
        units: [...document.querySelectorAll('#weekly-units tr[data-unit-id]')].map((tr) => ({ id: tr.dataset.unitId, over: tr.dataset.overRoster, cells: [...tr.cells].map((td) => td.textContent.trim()) })),
        blocks: [...document.querySelectorAll('#weekly-units section[data-block]')].map((s) => s.dataset.block),
        files: Object.fromEntries([...document.querySelectorAll('#weekly-downloads li[data-file]')].map((li) => [li.dataset.file, {
          sha: (li.querySelector('code.sha-value') || {}).textContent, href: li.querySelector('a[href]').href,
        }])),
      };
    });
    assert.equal(shown.allCorrect, String(res.allCorrect), 'the all-correct count (the answer to the prediction question)');
    assert.equal(shown.participants, String(res.participants));
    assert.equal(shown.papers, String(res.papers));
    assert.deepEqual(shown.tieBreak, res.tieBreak);
    assert.match(shown.tieBreakText, /Nhiều câu trả lời đúng hơn/);
    assert.match(shown.tieBreakText, new RegExp(`\\(${res.allCorrect} bài\\)`));

    // Every number that decided a prize: rank, name, unit, correct/total, prediction and distance, time, submission.
    assert.equal(shown.prizes.length, res.prizes.length);
    res.prizes.forEach((p, i) => {
      const [prize, rank, name, unit, correct, prediction, distance, time, submitted] = shown.prizes[i];
      assert.deepEqual([prize, digits(rank), name, unit, correct, digits(prediction), digits(distance), time],
        [p.prize, String(p.rank), p.name, p.unit, `${p.correct}/${p.total}`, String(p.prediction), String(p.distance), timeTaken(p.timeTakenMs)], `prize row ${i + 1}`);
      const at = new Date(Date.parse(p.submittedAt) + 7 * 3600e3).toISOString(); // ICT
      assert.equal(submitted, `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)} ${at.slice(11, 23)}`, `prize row ${i + 1} submitted at`);
    });

    // Units by block, in the published order, with the figures that ranked them.
    assert.deepEqual(shown.units.map((u) => u.id), res.units.map((u) => u.unitId));
    assert.deepEqual(shown.blocks, [...new Set(res.units.map((u) => u.block))]);
    res.units.forEach((u, i) => {
      const [rank, name, headcount, participants, rate, score] = shown.units[i].cells;
      assert.equal(digits(rank), String(u.rankInBlock));
      assert.equal(name, u.name);
      assert.equal(digits(headcount), String(u.headcount));
      assert.match(participants, new RegExp(`^${u.participants}\\b`));
      assert.match(rate, /^\d+,\d%$/);
      assertRounded(rate, u.rate * 100, 1, `${u.unitId} rate`);
      assertRounded(score, u.averageScore, 2, `${u.unitId} average score`);
      assert.equal(shown.units[i].over, u.overRoster ? 'true' : 'false');
    });

    // Downloads with the SHA-256 the organiser endpoint reported (the manifest's own computed in the browser).
    for (const f of ['ranking.csv', 'units.csv', 'report.xlsx', 'manifest.json']) {
      assert.ok(shown.files[f], `no download for ${f}: ${Object.keys(shown.files)}`);
      assert.equal(shown.files[f].sha, sha[f], `SHA-256 of ${f}`);
      assert.equal(shown.files[f].href, `${SITE}/results/${org.cfg.contest}/${week.id}/${f}`);
    }
    await page.locator('#weekly-downloads [data-verify="report.xlsx"]').click();
    await page.locator('#weekly-downloads li[data-file="report.xlsx"] .verify[data-state="ok"]').waitFor();
    await page.screenshot({ path: '/tmp/hoithi-weekly.png', fullPage: true });
    await checkA11y(page, 'weekly results');

    // The full ranking only on demand, a page at a time (the first page file
    // only: results.json, the whole ranking, waits for a search), searchable by name.
    assert.equal(await page.locator('#ranking').isHidden(), true);
    assert.ok(res.rankingPages >= 1 && res.rankingPageSize > PAGE_SIZE, `rankingPages ${res.rankingPages} of ${res.rankingPageSize}`);
    const wholeRead = [];
    page.on('request', (r) => { if (r.url().endsWith(`/${week.id}/results.json`)) wholeRead.push(r.url()); });
    const [rankingResp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/${week.id}/ranking/0001.json`)),
      page.locator('#load-ranking').click(),
    ]);
    assert.equal(rankingResp.status(), 200);
    await page.locator('#ranking-table tbody tr').first().waitFor();
    const rankRows = () => page.$$eval('#ranking-table tbody tr', (trs) => trs.map((tr) => ({ rank: tr.dataset.rank, name: tr.cells[1].textContent })));
    let rows = await rankRows();
    assert.equal(rows.length, PAGE_SIZE);
    assert.deepEqual(rows.slice(0, 3), res.ranking.slice(0, 3).map((e) => ({ rank: String(e.rank), name: e.name })));
    await page.locator('[data-ranking-verified="ok"][data-file="ranking/0001.json"]').waitFor();
    await page.locator('#ranking-next').click();
    await page.locator('#ranking-page[data-page="2"]').waitFor();
    rows = await rankRows();
    assert.deepEqual(rows[0], { rank: String(res.ranking[PAGE_SIZE].rank), name: res.ranking[PAGE_SIZE].name });
    assert.deepEqual(wholeRead, [], 'browsing the ranking does not read results.json');
    await checkA11y(page, 'weekly results, full ranking');

    const winner = res.prizes[0].name;
    const q = fold(winner).split(' ').slice(-2).join(' '); // e.g. "thi van": no diacritics, part of the name
    const want = res.ranking.filter((e) => fold(e.name).includes(q) || fold(e.unit).includes(q));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/${week.id}/results.json`)),
      page.locator('#ranking-search').fill(q),
    ]);
    await page.locator(`#ranking-count[data-count="${want.length}"]`).waitFor();
    rows = await rankRows();
    assert.deepEqual(rows, want.slice(0, PAGE_SIZE).map((e) => ({ rank: String(e.rank), name: e.name })));
    assert.ok(rows.some((r) => r.name === winner), `searching "${q}" finds ${winner}`);

    // One unit's lines, from the unit's own file; the search then looks within it.
    await page.locator('#ranking-search').fill('');
    await page.locator(`#ranking-count[data-count="${res.ranking.length}"]`).waitFor();
    const unitPick = res.units.find((u) => u.participants > PAGE_SIZE / 10);
    const [unitResp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/${week.id}/ranking/units/${unitPick.unitId}.json`)),
      page.locator('#ranking-unit').selectOption(unitPick.unitId),
    ]);
    assert.equal(unitResp.status(), 200);
    const ofUnit = res.ranking.filter((e) => e.unitId === unitPick.unitId);
    assert.equal(ofUnit.length, unitPick.participants);
    await page.locator(`#ranking-count[data-count="${ofUnit.length}"]`).waitFor();
    assert.deepEqual(await rankRows(), ofUnit.slice(0, PAGE_SIZE).map((e) => ({ rank: String(e.rank), name: e.name })));
    const someone = fold(ofUnit[ofUnit.length - 1].name).split(' ').slice(-1)[0];
    await page.locator('#ranking-search').fill(someone);
    const within = ofUnit.filter((e) => fold(e.name).includes(someone));
    await page.locator(`#ranking-count[data-count="${within.length}"]`).waitFor();
    assert.deepEqual(await rankRows(), within.slice(0, PAGE_SIZE).map((e) => ({ rank: String(e.rank), name: e.name })));

    // Contest to date: units by block with their average rate and score.
    const toDate = await call('GET', `${SITE}/results/${org.cfg.contest}/to-date/results.json`);
    await page.locator('#nav-todate').click();
    await page.waitForURL((u) => u.hash === '#/ket-qua-toan-cuoc');
    await page.locator('#todate-body').waitFor();
    const td = await page.evaluate(() => ({
      units: [...document.querySelectorAll('#todate-units tr[data-unit-id]')].map((tr) => ({ id: tr.dataset.unitId, cells: [...tr.cells].map((c) => c.textContent.trim()) })),
      rounds: [...document.querySelectorAll('#todate-meta a')].map((a) => a.getAttribute('href')),
    }));
    assert.deepEqual(td.units.map((u) => u.id), toDate.units.map((u) => u.unitId));
    toDate.units.forEach((u, i) => {
      assertRounded(td.units[i].cells[5], u.averageRate * 100, 1, `${u.unitId} average rate`);
      assertRounded(td.units[i].cells[6], u.averageScore, 2, `${u.unitId} average score`);
    });
    assert.ok(td.rounds.includes(`#/ket-qua-tuan/${week.id}`), `to-date names ${week.id}: ${td.rounds}`);
    await checkA11y(page, 'contest to date');

    // The results page on a phone: tables scroll inside their box, the page does not.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${SITE}/#/ket-qua-tuan/${week.id}`);
    await page.locator('#weekly-body').waitFor();
    const m = await noHorizontalScroll(page);
    assert.ok(m.scrollWidth <= m.innerWidth, `weekly results at 390 px: scrollWidth ${m.scrollWidth}`);
    await page.screenshot({ path: '/tmp/hoithi-weekly-390.png' });
    await checkA11y(page, 'weekly results at 390 px');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 7

test('a unit admin sees the unit\'s participation and who has not taken part yet', { skip, timeout: 40000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: SITE });
    const email = ACCOUNTS.unitAdmin[1];
    await page.goto(SITE + '/');
    const roundId = await openStaffRound(page);
    assert.equal(await page.locator('#nav-unit').isHidden(), true, 'no unit link when signed out');
    const session = await signIn(page, email);
    const unitId = session.participant.unitId;
    assert.ok(session.participant.roles.includes('unitAdmin') && unitId, JSON.stringify(session.participant));
    await page.locator('#nav-unit').waitFor();
    assert.equal(await page.locator('#nav-organiser').isHidden(), true, 'a unit admin gets no organiser link');

    await page.locator('#nav-unit').click();
    await page.waitForURL((u) => u.hash === '#/don-vi');
    const loaded = page.locator('#unit-participation[data-state="loaded"]');
    await loaded.waitFor();
    assert.equal(await page.locator('#unit-round').inputValue(), roundId, 'the open staff round is chosen');
    const read = () => page.evaluate(() => {
      const b = document.querySelector('#unit-participation');
      return {
        unitId: b.dataset.unitId, headcount: Number(b.dataset.headcount), participants: Number(b.dataset.participants),
        rate: b.querySelector('[data-stat="rate"]').textContent, bar: Number(b.querySelector('[role="progressbar"]').getAttribute('aria-valuenow')),
        missing: [...b.querySelectorAll('tr[data-email]')].map((tr) => ({ email: tr.dataset.email, name: tr.querySelector('.name').textContent })),
      };
    });
    const cfg = await config(page);
    const want = await call('GET', `${cfg.units}/rounds/${roundId}/units/${unitId}/participation`, session.token);
    const before = await read();
    assert.equal(before.unitId, unitId);
    assert.equal(before.headcount, want.unit.headcount);
    assert.ok(before.headcount > 0);
    assert.equal(before.participants, want.participants);
    assert.equal(before.bar, Math.round(want.rate * 1000) / 10);
    assert.deepEqual(before.missing, want.notTakenPart.map((p) => ({ email: p.email, name: p.name })));
    assert.ok(before.missing.some((p) => p.email === email), 'the admin has not taken part yet');

    // The whole list downloads as a CSV file for Excel: who has not taken part first.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#unit-participation button[data-download="csv"]').click()]);
    assert.equal(download.suggestedFilename(), `tham-gia-${unitId}-${roundId}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\uFEFFSTT,Họ và tên,Email,Tình trạng\r\n'), csv.slice(0, 80));
    const csvRows = csv.trim().split('\r\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(csvRows.map((r) => [r[2], r[3]]), [
      ...want.notTakenPart.map((p) => [p.email, 'Chưa dự thi']),
      ...want.inProgress.map((p) => [p.email, 'Đang làm bài']),
      ...want.takenPart.map((p) => [p.email, 'Đã dự thi']),
    ]);
    assert.deepEqual(csvRows.map((r) => r[0]), csvRows.map((_, i) => String(i + 1)));

    // Names and e-mails that Excel would run as formulas are written as text
    // (a leading single quote), the same rule as shared/sheet on the server.
    const cases = [
      ['=HYPERLINK("http://evil.example/?x","Nhan thuong")', '\'=HYPERLINK("http://evil.example/?x","Nhan thuong")'],
      ['=1+1', "'=1+1"], ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"],
      ['\t=1', "'\t=1"], ['\r=1', "'\r=1"], ['＝1+1', "'＝1+1"],
      ['Nguyễn Thị Hoa', 'Nguyễn Thị Hoa'], ['Tôn Nữ Lan-Anh', 'Tôn Nữ Lan-Anh'], ['', ''],
    ];
    assert.deepEqual(await page.evaluate(async (values) => {
      const { sheetText } = await import('/util.js');
      return values.map(sheetText);
    }, cases.map((c) => c[0])), cases.map((c) => c[1]));
    const hostile = [
      { email: 'a@evil.example', name: '=HYPERLINK("http://evil.example/?x","Nhan thuong")' },
      { email: 'b@evil.example', name: '@SUM(A1)' },
      { email: 'c@evil.example', name: '\t=1' },
      { email: 'd@evil.example', name: '\r=1' },
      { email: '=1+1@evil.example', name: 'Nguyễn Thị Hoa' },
    ];
    const participationURL = `${cfg.units}/rounds/${roundId}/units/${unitId}/participation`;
    await page.route(participationURL, async (route) => {
      const resp = await route.fetch();
      const body = await resp.json();
      await route.fulfill({ response: resp, json: { ...body, notTakenPart: [...hostile, ...body.notTakenPart] } });
    });
    await page.locator('#unit-refresh').click();
    await page.locator(`#unit-participation[data-state="loaded"] tr[data-email="${hostile[0].email}"]`).waitFor();
    const [hostileDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#unit-participation button[data-download="csv"]').click()]);
    const hostileRows = parseCSV((await readFile(await hostileDownload.path(), 'utf8')).replace(/^\uFEFF/, ''));
    assert.deepEqual(hostileRows.slice(1, 1 + hostile.length).map((r) => [r[1], r[2]]), [
      ['\'=HYPERLINK("http://evil.example/?x","Nhan thuong")', 'a@evil.example'],
      ["'@SUM(A1)", 'b@evil.example'],
      ["'\t=1", 'c@evil.example'],
      ["'\r=1", 'd@evil.example'],
      ['Nguyễn Thị Hoa', "'=1+1@evil.example"],
    ]);
    await page.unroute(participationURL);
    await page.locator('#unit-refresh').click();
    await page.locator(`#unit-participation tr[data-email="${hostile[0].email}"]`).waitFor({ state: 'detached' });
    await loaded.waitFor();

    // The list copies in one go.
    await page.locator('#unit-participation button[data-copy="emails"]').click();
    await page.locator('#unit-participation .copy-status[data-state="ok"]').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), want.notTakenPart.map((p) => p.email).join('; '));
    await page.screenshot({ path: '/tmp/hoithi-unit.png', fullPage: true });
    await checkA11y(page, 'unit page');

    // The admin starts a paper: the unit's page lists them as taking it,
    // no longer as not taken part, and not yet as taken part.
    await page.locator('#nav-home').click();
    await startRound(page, roundId);
    let q = (await shownPaper(page))[0];
    await choose(page, q.id, q.options[0]);
    await page.locator('#nav-unit').click();
    await loaded.waitFor();
    await page.locator('#unit-refresh').click();
    await page.locator('#unit-participation[data-state="loaded"][data-in-progress="1"]').waitFor();
    await checkA11y(page, 'unit page, someone taking a paper');
    const taking = await read();
    assert.equal(taking.participants, before.participants);
    assert.deepEqual(taking.missing, before.missing.filter((p) => p.email !== email));
    assert.deepEqual(await page.locator('#unit-participation .in-progress-list li').evaluateAll((lis) => lis.map((li) => li.dataset.email)), [email]);
    assert.match(await page.locator('#unit-participation .in-progress-list li').textContent(), /hết giờ lúc \d{2}:\d{2}:\d{2}/);
    assert.equal(await page.locator('#unit-participation [data-stat="in-progress"]').textContent(), '1');

    // The admin goes back to the paper and submits; "Làm mới số liệu" shows it.
    await page.locator('#nav-home').click();
    await startRound(page, roundId);
    q = (await shownPaper(page))[0];
    await choose(page, q.id, q.options[0]);
    await page.locator('#prediction').fill('42');
    await page.locator('#submit').click();
    await page.locator('#confirm-submit').click();
    await page.locator('#result[data-correct]').waitFor({ state: 'attached' });
    await page.locator('#nav-unit').click();
    await loaded.waitFor();
    let after;
    for (let i = 0; ; i++) {
      after = await read();
      if (after.participants === before.participants + 1 || i >= 10) break;
      await page.waitForTimeout(300);
      await page.locator('#unit-refresh').click();
      await loaded.waitFor();
    }
    assert.equal(after.participants, before.participants + 1);
    assert.deepEqual(after.missing, before.missing.filter((p) => p.email !== email));
    assert.equal(await page.locator('#unit-participation .in-progress-list').count(), 0, 'nobody is taking a paper any more');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 8

test('the organiser previews the open round, republishes last week and reads any unit', { skip, timeout: 40000 }, async () => {
  const org = await organiser();
  const { context, page, consoleErrors } = await newPage({ storageState: org.state });
  try {
    await page.goto(SITE + '/');
    const roundId = await openStaffRound(page);
    await page.locator('#nav-organiser').click();
    await page.waitForURL((u) => u.hash === '#/ban-to-chuc');
    assert.equal(await page.locator('#nav-unit').isHidden(), true, 'an organiser without a unit gets no unit link');

    const tallyOf = (id) => (r) => r.url() === `${org.cfg.tally}/rounds/${id}/tally` && r.request().method() === 'POST';
    const [resp] = await Promise.all([
      page.waitForResponse(tallyOf(roundId)),
      page.locator(`#org-rounds li[data-round-id="${roundId}"] button[data-action="preview"]`).click(),
    ]);
    assert.equal(resp.status(), 200);
    const preview = await resp.json();
    assert.equal(preview.published, false);
    await page.locator(`#org-output[data-round-id="${roundId}"][data-published="false"]`).waitFor();
    assert.equal(await page.locator('#org-all-correct').getAttribute('data-value'), String(preview.result.allCorrect));
    assert.equal(await page.locator('#org-participants').getAttribute('data-value'), String(preview.result.participants));
    assert.ok(preview.result.participants >= 1, 'earlier scenarios submitted papers this week');
    const top = await page.$$eval('#org-top tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent));
    assert.deepEqual(top, preview.result.leaders.map((e) => e.name));
    assert.equal(preview.result.ranking, undefined, 'the preview answers a summary, not the ranking');
    assert.deepEqual(await page.$$eval('#org-output tr[data-unit-id]', (trs) => trs.map((tr) => tr.dataset.unitId)), preview.result.units.map((u) => u.unitId));
    await page.screenshot({ path: '/tmp/hoithi-organiser-preview.png', fullPage: true });
    await checkA11y(page, 'organiser, preview');

    // Any unit's participation, from the unit picker.
    const unit = preview.result.units.find((u) => u.participants > 0) || preview.result.units[0];
    await page.locator('#org-unit-round').selectOption(roundId);
    await page.locator('#org-unit').selectOption(unit.unitId);
    await page.locator('#org-unit-show').click();
    const box = page.locator(`#org-participation[data-state="loaded"][data-unit-id="${unit.unitId}"]`);
    await box.waitFor();
    assert.equal(await box.getAttribute('data-participants'), String(unit.participants));
    assert.equal(Number(await box.getAttribute('data-missing')), await page.locator('#org-participation tr[data-email]').count());
    await checkA11y(page, 'organiser, a unit\'s participation');

    // Last week, closed: recompute and publish again; the files and their SHA-256 are shown.
    const week = lastClosed((await call('GET', `${org.cfg.quiz}/rounds`)).rounds, 'staff');
    const [pub] = await Promise.all([
      page.waitForResponse(tallyOf(week.id)),
      page.locator(`#org-rounds li[data-round-id="${week.id}"] button[data-action="publish"]`).click(),
    ]);
    assert.equal(pub.status(), 200);
    const published = await pub.json();
    assert.equal(published.published, true);
    await page.locator(`#org-output[data-round-id="${week.id}"][data-published="true"]`).waitFor();
    const rows = (sel) => page.$$eval(`${sel} tr[data-file]`, (trs) => trs.map((tr) => [tr.dataset.file, tr.querySelector('code').textContent]));
    const files = await rows('#org-artefacts');
    const parts = await rows('#org-artefact-parts'); // the ranking's pages and units' lines, folded away
    assert.deepEqual([...files, ...parts].sort(), published.artefacts.map((a) => [a.name, a.sha256]).sort());
    assert.ok(files.some(([f]) => f === 'manifest.json'));
    assert.ok(parts.length > 1 && parts.every(([f]) => f.startsWith('ranking/')), JSON.stringify(parts.map(([f]) => f)));
    const part = await page.locator('#org-artefact-parts a').first().getAttribute('href');
    const got = await fetch(new URL(part, SITE + '/').href);
    assert.equal(got.status, 200, `${part}: ${got.status}`);
    await page.screenshot({ path: '/tmp/hoithi-organiser-published.png', fullPage: true });
    await checkA11y(page, 'organiser, published');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 9

test('own papers from the server: resume on another device, the prediction autosaved, the result after 409', { skip, timeout: 40000 }, async () => {
  const first = await newPage();
  const other = await newPage();
  /** The other browser becomes a new device: only the session in localStorage (no paper pointer, draft or known result). */
  const newDevice = async (session) => {
    await other.page.goto(SITE + '/config.js'); // same origin, without the app
    await other.page.evaluate((s) => { localStorage.clear(); localStorage.setItem('hoithi.v1.session', s); }, JSON.stringify(session));
    await other.page.goto(SITE + '/');
    return other.page;
  };
  try {
    const { page } = first;
    await page.goto(SITE + '/');
    const roundId = await openStaffRound(page);
    const session = await signIn(page, participant(6));
    await startRound(page, roundId);
    const q = (await shownPaper(page))[0];
    await choose(page, q.id, q.options[1]);
    const [put] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PUT' && /"prediction":77\b/.test(r.postData() || '')),
      page.locator('#prediction').fill('77'),
    ]);
    assert.equal(JSON.parse(put.postData()).prediction, 77);
    await page.locator('#save-status[data-state="saved"]').waitFor();

    // Another device: the home page finds the paper in progress; the prediction comes back from the server.
    let b = await newDevice(session);
    const resume = b.locator(`#rounds button[data-round-id="${roundId}"]`, { hasText: 'Tiếp tục làm bài' });
    await resume.waitFor();
    assert.equal(await b.locator('#resume-banner').isVisible(), true);
    await checkA11y(b, 'home, a paper to resume');
    await resume.click();
    await b.locator('#questions fieldset[data-question-id]').nth(QUESTIONS - 1).waitFor();
    assert.equal(await b.locator('#prediction').inputValue(), '77');
    assert.equal(await b.locator(`#questions input[name="${q.id}"][value="${q.options[1]}"]`).isChecked(), true);
    await b.locator('#submit').click();
    await b.locator('#confirm-submit').click();
    await b.locator('#result[data-correct]').waitFor({ state: 'attached' });
    const correct = await b.locator('#result').getAttribute('data-correct');

    // A third device shows the result on the home page, with no button to start again.
    b = await newDevice(session);
    const own = b.locator(`#rounds [data-own-result="${roundId}"]`);
    await own.waitFor();
    assert.match(await own.textContent(), new RegExp(`^Bạn đã nộp bài: đúng ${correct}/${QUESTIONS} câu`));
    assert.equal(await b.locator(`#rounds button[data-round-id="${roundId}"]`).count(), 0);

    // The home page could not ask (503, its retries too): "Vào thi" gets 409 attempts_used, and the site shows the result.
    let started = false;
    await other.context.route(/\/rounds\/[^/]+\/papers$/, (route) => {
      if (route.request().method() === 'POST') started = true;
      else if (!started) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"internal","message":"internal"}}' });
      return route.continue();
    });
    b = await newDevice(session);
    const start = b.locator(`#rounds button[data-round-id="${roundId}"]`, { hasText: 'Vào thi' });
    await start.waitFor();
    const [conflict] = await Promise.all([
      b.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/rounds/${roundId}/papers`)),
      start.click(),
    ]);
    assert.equal(conflict.status(), 409);
    const err = (await conflict.json()).error;
    assert.equal(err.code, 'attempts_used');
    await b.waitForURL(/#\/ket-qua\//);
    await b.locator(`#result[data-correct="${correct}"]`).waitFor({ state: 'attached' });
    assert.equal(await b.locator('#result-note').textContent(), err.message);
    await checkA11y(b, 'result after 409');
    assert.deepEqual([...first.consoleErrors, ...other.consoleErrors], []);
  } finally {
    await first.context.close();
    await other.context.close();
  }
});

// ------------------------------------------------------------ 10

// The accepted fixture of shared/mp4 (4:59, moov first; docs/clips.md, functions/clips/handler_test.go).
const CLIP_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/mp4/testdata/moov-first-4m59.mp4');

test('a unit admin uploads a clip straight to S3, it is accepted and shown in the gallery; the jury scores it', { skip, timeout: 60000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  let jury = null;
  try {
    const email = ACCOUNTS.unitAdmin[2];
    await page.goto(SITE + '/');
    assert.equal(await page.locator('#nav-video').isVisible(), true, 'the gallery link is there for everyone');
    assert.equal(await page.locator('#nav-jury').isHidden(), true, 'no jury link when signed out');
    const session = await signIn(page, email);
    assert.ok(session.participant.roles.includes('unitAdmin') && session.participant.unitId, JSON.stringify(session.participant));
    assert.equal(await page.locator('#nav-jury').isHidden(), true, 'a unit admin gets no jury link');

    await page.locator('#nav-unit').click();
    await page.waitForURL((u) => u.hash === '#/don-vi');
    await page.locator('#unit-clips').waitFor();
    await page.locator('#clip-list[data-state="loaded"]').waitFor();
    const title = 'Phường số hoá thủ tục ' + Date.now().toString(36);
    await page.locator('#clip-title').fill(title);
    await page.locator('#clip-genre').selectOption('huong-dan-dvc');
    await page.locator('#clip-file').setInputFiles(CLIP_FIXTURE);
    const s3Posts = [];
    page.on('request', (req) => { if (req.method() === 'POST' && /multipart\/form-data/.test(req.headers()['content-type'] || '')) s3Posts.push(req.url()); });
    await page.locator('#clip-upload').click();
    const status = page.locator('#clip-status');
    await page.locator('#clip-status:is([data-state="accepted"], [data-state="rejected"], [data-state="failed"])').waitFor({ timeout: 20000 });
    assert.equal(await status.getAttribute('data-state'), 'accepted', await status.textContent());
    assert.match(await status.textContent(), /hợp lệ/);
    assert.ok(s3Posts.length === 1 && !s3Posts[0].startsWith(SITE), `one form POST straight to S3: ${JSON.stringify(s3Posts)}`);
    assert.equal(await page.locator('#clip-progress').evaluate((p) => p.value === p.max && !p.hidden), true, 'the progress bar is full');
    const clipId = await status.getAttribute('data-clip-id');
    assert.ok(clipId && clipId.startsWith(session.participant.unitId + '.'), clipId);

    const row = page.locator(`#clip-list tr[data-clip-id="${clipId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'accepted');
    assert.equal(await row.locator('.clip-title').textContent(), title);
    assert.equal(await row.locator('.clip-duration').textContent(), '04:59');
    assert.equal(await row.locator('[data-clip-status]').textContent(), 'Hợp lệ');
    await page.screenshot({ path: '/tmp/hoithi-clips-unit.png', fullPage: true });
    await checkA11y(page, 'unit page, clip accepted');

    // The public gallery shows it, with a player.
    await page.locator('#nav-video').click();
    await page.waitForURL((u) => u.hash === '#/video');
    const card = page.locator(`#gallery article[data-clip-id="${clipId}"]`);
    await card.waitFor();
    assert.equal(await card.locator('.clip-title').textContent(), title);
    assert.equal(await card.locator('.clip-duration').textContent(), '04:59');
    assert.ok((await card.locator('.clip-unit').textContent()).trim().length > 0, 'the unit is named');
    const src = await card.locator('video').getAttribute('src');
    assert.match(src, /^https?:\/\//);
    await page.screenshot({ path: '/tmp/hoithi-clips-gallery.png', fullPage: true });
    await checkA11y(page, 'gallery');

    // A juror scores it; the saved scores come back on reload.
    jury = await newPage();
    const jp = jury.page;
    await jp.goto(SITE + '/');
    await signIn(jp, ACCOUNTS.jury[0]);
    await jp.locator('#nav-jury').waitFor();
    await jp.locator('#nav-jury').click();
    await jp.waitForURL((u) => u.hash === '#/giam-khao');
    const form = jp.locator(`#jury-clips form[data-clip-id="${clipId}"]`);
    await form.waitFor();
    const inputs = form.locator('input[data-criterion]');
    const n = await inputs.count();
    assert.ok(n >= 1, 'one score field per criterion');
    await inputs.nth(0).fill('11');
    await form.locator('button[type="submit"]').click();
    assert.equal(await form.locator('.jury-saved').getAttribute('data-state'), 'invalid');
    for (let i = 0; i < n; i++) await inputs.nth(i).fill(String(7 + (i % 3)));
    await form.locator('button[type="submit"]').click();
    await form.locator('.jury-saved[data-state="saved"]').waitFor();
    await jp.reload();
    await form.waitFor();
    for (let i = 0; i < n; i++) assert.equal(await inputs.nth(i).inputValue(), String(7 + (i % 3)));
    assert.equal(await form.locator('.jury-saved').getAttribute('data-state'), 'saved');
    await jp.screenshot({ path: '/tmp/hoithi-clips-jury.png', fullPage: true });
    await checkA11y(jp, 'jury');
    assert.deepEqual(jury.consoleErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
    if (jury) await jury.context.close();
  }
});

// A valid MP4 written box by box (ftyp, moov with a version-0 mvhd, mdat of
// mediaBytes), as shared/mp4/mp4test.Build with NoTrack does: with no track,
// mvhd's is the only duration stated. What functions/clips' multipart test
// uploads (12 MiB and a bit: parts of 8 MiB and the rest).
function buildMP4({ timescale, duration, mediaBytes }) {
  const box = (type, ...payload) => {
    const size = 8 + payload.reduce((n, p) => n + p.length, 0);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(size, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, ...payload]);
  };
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
  const mvhd = Buffer.alloc(100); // version 0, flags 0
  const created = 3786825600; // 2024-01-01 since 1904
  mvhd.writeUInt32BE(created, 4);
  mvhd.writeUInt32BE(created, 8);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(duration, 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].forEach((m, i) => mvhd.writeUInt32BE(m, 36 + 4 * i));
  mvhd.writeUInt32BE(2, 96); // next_track_ID
  const media = Buffer.alloc(mediaBytes);
  for (let i = 0; i < mediaBytes; i++) media[i] = i % 251;
  return Buffer.concat([ftyp, box('moov', box('mvhd', mvhd)), box('mdat', media)]);
}

test('a large clip goes up in parts: a failed part is retried, a reload resumes from the next part, "Huỷ" gives an upload up', { skip, timeout: 90000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  try {
    const email = ACCOUNTS.unitAdmin[3];
    assert.ok(email, 'a fourth demo unit admin');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hoithi-clip-'));
    const file = path.join(dir, 'phong-su-1-phut.mp4');
    await writeFile(file, buildMP4({ timescale: 1000, duration: 60_000, mediaBytes: 12 * 1024 * 1024 + 12345 }));

    await page.goto(SITE + '/');
    // Anything above 1 MiB goes multipart (64 MiB on the real site).
    await page.evaluate(() => localStorage.setItem('hoithi.multipartThreshold', String(1024 * 1024)));
    const session = await signIn(page, email);
    assert.ok(session.participant.roles.includes('unitAdmin'), JSON.stringify(session.participant));

    const puts = [];
    const formPosts = [];
    page.on('request', (req) => {
      if (req.method() === 'PUT' && /[?&]partNumber=/.test(req.url())) puts.push(new URL(req.url()).searchParams.get('partNumber'));
      if (req.method() === 'POST' && /multipart\/form-data/.test(req.headers()['content-type'] || '')) formPosts.push(req.url());
    });
    // Part 2: the first attempt fails (network), the second hangs until the page is reloaded.
    let part2 = 0;
    const isPart2 = (u) => u.searchParams.get('partNumber') === '2' && !u.href.startsWith(SITE);
    await page.route(isPart2, async (route) => {
      part2++;
      if (part2 === 1) await route.abort('connectionreset');
      // else: never answered (the reload below interrupts it)
    });

    await page.locator('#nav-unit').click();
    await page.waitForURL((u) => u.hash === '#/don-vi');
    await page.locator('#clip-list[data-state="loaded"]').waitFor();
    const title = 'Phóng sự nhiều phần ' + Date.now().toString(36);
    await page.locator('#clip-title').fill(title);
    await page.locator('#clip-file').setInputFiles(file);
    await page.locator('#clip-upload').click();
    await page.locator('#clip-cancel').waitFor();
    // Part 1 is kept (its ETag in localStorage) while part 2 is retried and then hangs.
    await page.waitForFunction(() => {
      const r = JSON.parse(localStorage.getItem('hoithi.clipUpload') || 'null');
      return r && r.etags && r.etags[1];
    }, null, { timeout: 20000 });
    await (async () => { for (let i = 0; i < 100 && part2 < 2; i++) await page.waitForTimeout(100); })();
    assert.equal(part2, 2, 'part 2 was retried after the failed attempt');
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.clipUpload')));
    assert.equal(saved.partCount, 2);
    assert.match(saved.etags[1], /\S/);

    // Reload: the page offers to resume; the same file goes on from part 2.
    // The route goes only after the reload has dropped the hanging request,
    // so that request can never reach S3 (which would make part 2 done).
    await page.reload();
    await page.unroute(isPart2);
    await page.locator('#clip-list[data-state="loaded"]').waitFor();
    await page.locator('#clip-status[data-state="resumable"]').waitFor();
    await checkA11y(page, 'unit page, upload to resume');
    assert.equal(await page.locator('#clip-status').getAttribute('data-clip-id'), saved.clipId);
    const before = puts.length;
    await page.locator('#clip-file').setInputFiles(file);
    await page.locator('#clip-upload').click();
    const status = page.locator('#clip-status');
    await page.locator('#clip-status:is([data-state="accepted"], [data-state="rejected"], [data-state="failed"])').waitFor({ timeout: 30000 });
    assert.equal(await status.getAttribute('data-state'), 'accepted', await status.textContent());
    assert.deepEqual(puts.slice(before), ['2'], 'after the reload only part 2 is sent');
    assert.deepEqual(formPosts, [], 'no presigned POST for a large file');
    assert.equal(await status.getAttribute('data-clip-id'), saved.clipId);
    assert.equal(await page.evaluate(() => localStorage.getItem('hoithi.clipUpload')), null, 'the resume record is gone');
    assert.equal(await page.locator('#clip-progress').evaluate((p) => p.value === p.max && !p.hidden), true, 'the progress bar is full');
    assert.equal(await page.locator('#clip-cancel').isHidden(), true);
    const row = page.locator(`#clip-list tr[data-clip-id="${saved.clipId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'accepted');
    assert.equal(await row.locator('.clip-duration').textContent(), '01:00');
    await page.screenshot({ path: '/tmp/hoithi-clips-multipart.png', fullPage: true });
    await checkA11y(page, 'unit page, multipart accepted');

    // "Huỷ" while part 2 hangs: the upload is given up (rejected, aborted).
    await page.route(isPart2, () => {});
    await page.locator('#clip-title').fill(title + ' (huỷ)');
    await page.locator('#clip-file').setInputFiles(file);
    await page.locator('#clip-upload').click();
    await page.waitForFunction(() => {
      const r = JSON.parse(localStorage.getItem('hoithi.clipUpload') || 'null');
      return r && r.etags && r.etags[1];
    }, null, { timeout: 20000 });
    const cancelled = await page.evaluate(() => JSON.parse(localStorage.getItem('hoithi.clipUpload')).clipId);
    await page.locator('#clip-cancel').click();
    await page.locator('#clip-status[data-state="cancelled"]').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('hoithi.clipUpload')), null);
    const gone = page.locator(`#clip-list tr[data-clip-id="${cancelled}"][data-status="rejected"]`);
    await gone.waitFor();
    assert.equal(await gone.getAttribute('data-reason'), 'aborted');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 12

test('a unit website embeds the contest banner: the open round, last week\'s results and the unit\'s rate; the rest of the site refuses to be framed', { skip, timeout: 40000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  let host;
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: SITE });
    const email = ACCOUNTS.unitAdmin[4];
    await page.goto(SITE + '/');
    const session = await signIn(page, email);
    const unitId = session.participant.unitId;
    const cfg = await config(page);
    const { rounds } = await call('GET', `${cfg.quiz}/rounds`);
    const open = rounds.filter((r) => r.status === 'open');
    const week = lastClosed(rounds, 'staff');
    const published = await call('GET', `${SITE}/results/${cfg.contest}/${week.id}/units.json`);
    const unit = published.units.find((u) => u.unitId === unitId);
    assert.ok(open.length && unit, `open rounds ${open.length}, unit ${unitId} in last week's results`);

    // The unit admin's page gives the code with the unit in it, to copy.
    await page.locator('#nav-unit').click();
    await page.locator('#unit-embed:not([hidden])').waitFor();
    const src = `${SITE}/embed/banner.html?unit=${unitId}&audience=staff`;
    const code = await page.locator('#unit-embed-code').inputValue();
    assert.match(code, /^<iframe src="[^"]+" title="[^"]+" width="100%" height="\d+" style="[^"]+" loading="lazy"><\/iframe>$/);
    assert.ok(code.includes(`src="${src.replace('&', '&amp;')}"`), code);
    await page.locator('#unit-embed-copy').click();
    await page.locator('#unit-embed .copy-status[data-state="ok"]').waitFor();
    await checkA11y(page, 'unit page, banner code');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);

    // A unit website on another origin pastes it; it also tries to frame the site itself.
    host = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><title>Cổng thông tin điện tử</title><h1>Cổng thông tin</h1>${code}<iframe id="site" src="${SITE}/" width="600" height="300"></iframe>`);
    });
    await new Promise((r) => host.listen(0, '127.0.0.1', r));
    const hostURL = `http://127.0.0.1:${host.address().port}/`;
    const outside = await context.newPage();
    const blocked = [];
    outside.on('console', (m) => { if (m.type() === 'error') blocked.push(m.text()); });
    await outside.goto(hostURL);
    const frame = outside.frameLocator(`iframe[src="${src}"]`);
    await frame.locator('#banner[data-state="loaded"]').waitFor();

    // The staff round under way (not the citizens'), with a link to the site in a new tab.
    assert.deepEqual(await frame.locator('.open-round').evaluateAll((els) => els.map((e) => e.dataset.roundId)),
      open.filter((r) => r.audience === 'staff').map((r) => r.id));
    const cta = frame.locator('#round a.cta');
    assert.equal(await cta.getAttribute('href'), SITE + '/');
    assert.equal(await cta.getAttribute('target'), '_blank');
    // Last week's published figures and prizes.
    const results = frame.locator(`#results[data-round-id="${week.id}"]`);
    await results.waitFor();
    assert.equal(await results.locator('[data-stat="papers"]').textContent(), published.papers.toLocaleString('vi-VN'));
    assert.equal(await results.locator('[data-stat="all-correct"]').textContent(), published.allCorrect.toLocaleString('vi-VN'));
    assert.deepEqual(await results.locator('.prizes li').evaluateAll((lis) => lis.map((li) => li.dataset.rank)),
      published.prizes.slice(0, 3).map((e) => String(e.rank)));
    assert.equal(await results.locator('a').getAttribute('href'), `${SITE}/#/ket-qua-tuan/${week.id}`);
    // The unit's rate this week so far (issue #15), the units function's figure of a few minutes ago.
    const box = frame.locator(`#unit[data-unit-id="${unitId}"][data-week="this"]`);
    const soFar = await call('GET', `${cfg.units}/units/${unitId}/this-week?contest=${cfg.contest}&audience=staff`);
    assert.equal(await box.locator('h2').textContent(), unit.name);
    assert.match(await box.textContent(), /Tỷ lệ tham gia tuần này đến \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    assert.equal(Number(await box.locator('[role="progressbar"]').getAttribute('aria-valuenow')), Math.round(Math.min(1, soFar.rate) * 1000) / 10);

    // The site itself is not framed by another origin (X-Frame-Options).
    const siteFrame = outside.frames().find((f) => f.url().startsWith(SITE + '/') && !f.url().includes('/embed/'));
    assert.ok(!siteFrame || (await siteFrame.locator('#view-home').count()) === 0, 'the site rendered inside another origin\'s frame');
    await outside.screenshot({ path: '/tmp/hoithi-embed.png', fullPage: true });

    // The general banner shows every open round; an unknown unit shows no unit box.
    await outside.goto(`${SITE}/embed/banner.html?unit=khong-co`);
    await outside.locator('#banner[data-state="loaded"]').waitFor();
    assert.equal(await outside.locator('#unit').isHidden(), true);
    await checkA11y(outside, 'banner');
    assert.deepEqual((await outside.locator('.open-round').evaluateAll((els) => els.map((e) => e.dataset.roundId))).sort(), open.map((r) => r.id).sort());
    assert.deepEqual(consoleErrors, []);
  } finally {
    if (host) host.close();
    await context.close();
  }
});

// ------------------------------------------------------------ 13

test('a paper left open past its time gets the result the server closed it with, and says so', { skip: skip || (!process.env.HOITHI_LEFT_PAPER && 'HOITHI_LEFT_PAPER is not set'), timeout: 30000 }, async () => {
  const { context, page, consoleErrors } = await newPage();
  try {
    const email = process.env.HOITHI_LEFT_PAPER;
    const correct = process.env.HOITHI_LEFT_PAPER_CORRECT;
    await page.goto(SITE + '/');
    const roundId = await openStaffRound(page);
    await signIn(page, email);
    // The home page lists the participant's papers: the server closes the one left open.
    const done = page.locator(`#rounds [data-own-result="${roundId}"]`);
    await done.waitFor();
    assert.equal(await done.getAttribute('data-correct'), correct);
    assert.equal(await done.getAttribute('data-total'), String(QUESTIONS));
    await done.locator('a').click();
    await page.waitForURL(/#\/ket-qua\//);
    await page.locator(`#result[data-correct="${correct}"]`).waitFor();
    const note = page.locator('#result-note');
    assert.equal(await note.isHidden(), false);
    assert.match(await note.textContent(), /chưa được nộp khi hết giờ nên hệ thống đã chấm theo các câu trả lời đã lưu/);
    // Submitted at its deadline, with the whole time allowed.
    assert.equal(await page.locator('#result-time').textContent(), '10:00 (phút:giây)');
    await checkA11y(page, 'result closed by the server');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 14

test('a participant finds their own place in last week\'s published ranking on their result', { skip: skip || (!process.env.HOITHI_RANKED && 'HOITHI_RANKED is not set'), timeout: 40000 }, async () => {
  const org = await organiser();
  const { rounds } = await call('GET', `${org.cfg.quiz}/rounds?contest=${org.cfg.contest}`);
  const week = lastClosed(rounds, 'staff');
  const tally = await call('POST', `${org.cfg.tally}/rounds/${week.id}/tally`, org.session.token);
  assert.equal(tally.published, true);

  const { context, page, consoleErrors } = await newPage();
  try {
    const email = process.env.HOITHI_RANKED;
    await page.goto(SITE + '/');
    const session = await signIn(page, email);
    const own = page.locator(`#rounds [data-own-result="${week.id}"]`);
    await own.waitFor();
    const fetched = [];
    page.on('request', (r) => { if (r.url().includes(`/${week.id}/`)) fetched.push(new URL(r.url()).pathname.split('/').pop()); });
    await own.locator('a').click();
    await page.waitForURL(/#\/ket-qua\//);
    const line = page.locator('#result-rank[data-rank]');
    await line.waitFor();
    // The same place as in the published ranking: the line with this name and these numbers.
    const paperId = decodeURIComponent(new URL(page.url()).hash.replace('#/ket-qua/', ''));
    const { paper } = await call('GET', `${org.cfg.quiz}/papers/${encodeURIComponent(paperId)}`, session.token);
    const submitted = Date.parse(paper.result.submittedAt);
    const { ranking } = await call('GET', `${SITE}/${tally.prefix}results.json`);
    const want = ranking.find((e) => e.name === session.participant.name && e.correct === paper.result.correct
      && e.timeTakenMs === paper.result.timeTakenMs && Date.parse(e.submittedAt) === submitted);
    assert.ok(want, `no ranking line for ${session.participant.name} ${JSON.stringify(paper.result)}`);
    assert.equal(await line.getAttribute('data-rank'), String(want.rank));
    assert.match(await line.textContent(), new RegExp(`${want.rank.toLocaleString('vi-VN')}/${tally.result.participants.toLocaleString('vi-VN')}`));
    assert.equal(await line.locator('a').getAttribute('href'), `#/ket-qua-tuan/${week.id}`);
    await checkA11y(page, 'result with the rank');
    assert.ok(!fetched.includes('results.json'), `the whole ranking was read: ${fetched}`);
    assert.ok(fetched.some((f) => /^\d{4}\.json$/.test(f)), `no ranking page was read: ${fetched}`);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------ 15

test('searching every unit of a large ranking asks before downloading the whole of it', { skip, timeout: 40000 }, async () => {
  const org = await organiser();
  const { rounds } = await call('GET', `${org.cfg.quiz}/rounds?contest=${org.cfg.contest}`);
  const week = lastClosed(rounds, 'staff');
  await call('POST', `${org.cfg.tally}/rounds/${week.id}/tally`, org.session.token);
  const { context, page, consoleErrors } = await newPage();
  try {
    // The demo's round is small: its manifest is made to say results.json is a national 40 MB.
    await page.route(`**/results/*/${week.id}/manifest.json`, async (route) => {
      const res = await route.fetch();
      const m = await res.json();
      m.artefacts.find((a) => a.name === 'results.json').bytes = 40 << 20;
      return route.fulfill({ response: res, json: m });
    });
    const whole = [];
    page.on('request', (r) => { if (r.url().endsWith(`/${week.id}/results.json`)) whole.push(r.url()); });
    await page.goto(`${SITE}/#/ket-qua-tuan/${week.id}`);
    await page.locator('#load-ranking').click();
    await page.locator('#ranking-table tbody tr').first().waitFor();
    await page.locator('#ranking-search').fill('nguyen');
    const ask = page.locator('#ranking-whole');
    await ask.waitFor();
    assert.match(await page.locator('#ranking-count').textContent(), /toàn bộ bảng xếp hạng \(40(,0)? MB\)/);
    assert.equal(await page.locator('#ranking-table tbody tr').count(), 0);
    assert.deepEqual(whole, [], 'nothing large is downloaded before the participant agrees');
    await checkA11y(page, 'weekly results, asking before a large download');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/${week.id}/results.json`)), ask.click()]);
    await page.locator('#ranking-count[data-count]:not([data-count=""])').waitFor();
    assert.ok(await page.locator('#ranking-table tbody tr').count() > 0, 'the search shows its matches once the ranking is read');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});
