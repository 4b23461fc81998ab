// Browser test of the organiser console (#/ban-to-chuc/nhap-du-lieu, #/ban-to-chuc/nhat-ky):
// an organiser builds a contest of its own from .xlsx files — units, a roster
// with row-numbered mistakes that is shown, fixed and confirmed, a question
// bank and four weekly rounds — sees the audit log, and a participant of the
// imported roster then signs in and takes week 1. Every page state is checked
// with axe-core (no critical or serious violation) and for horizontal
// scrolling at 390×844 and 1366×768.
//
// Run by infra/localdev/browser_test.go, which seeds the contest (its settings
// and its organiser only) and writes the spreadsheets (console_test.go):
//   HOITHI_CONSOLE_CONTEST      the contest's id (the site's config.js is served with it)
//   HOITHI_CONSOLE_ORGANISER    its organiser's e-mail
//   HOITHI_CONSOLE_PARTICIPANT  a participant of the roster file
//   HOITHI_CONSOLE_FILES        the folder of the .xlsx files
// with the site's variables (HOITHI_SITE_URL, HOITHI_OUTBOX, HOITHI_CHROMIUM).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SITE, OUTBOX, PHONE, DESKTOP, useBrowser, siteContext, openPage, signIn as signInByCode, checkState } from './browser.mjs';

const CONTEST = process.env.HOITHI_CONSOLE_CONTEST || '';
const ORGANISER = process.env.HOITHI_CONSOLE_ORGANISER || '';
const PARTICIPANT = process.env.HOITHI_CONSOLE_PARTICIPANT || '';
const FILES = process.env.HOITHI_CONSOLE_FILES || '';
const skip = SITE && OUTBOX && CONTEST && ORGANISER && PARTICIPANT && FILES ? false
  : 'HOITHI_SITE_URL, HOITHI_OUTBOX and HOITHI_CONSOLE_* are not set: run through go test ./infra/localdev';

const errorsOf = new WeakMap(); // page → its uncaught errors
const pageErrorsOf = (page) => errorsOf.get(page) || [];

useBrowser(skip);

// ------------------------------------------------------------ helpers

/** A page of the site deployed for the console's contest: config.js names it. */
async function newPage(viewport) {
  const context = await siteContext({ contest: CONTEST, viewport, acceptDownloads: true });
  const { page, pageErrors } = await openPage(context);
  errorsOf.set(page, pageErrors);
  return { context, page, pageErrors };
}

async function signIn(page, email) {
  const session = await signInByCode(page, email);
  assert.equal(session.participant.email, email);
  assert.equal(session.contest, CONTEST);
  return session;
}

const file = (name) => path.join(FILES, name);

/** Records every state #import-status goes through (window.importStates), from now on. */
async function watchStates(page) {
  await page.evaluate(() => {
    window.importStates = [];
    if (window.importObserver) return;
    const el = document.querySelector('#import-status');
    window.importObserver = new MutationObserver(() => window.importStates.push(el.dataset.state));
    window.importObserver.observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/** The states seen since watchStates, repeats folded. */
async function statesSeen(page) {
  const all = await page.evaluate(() => window.importStates);
  return all.filter((s, i) => s !== all[i - 1]);
}

/** Chooses a file, runs the dry run, waits for its verdict (clean or problems). */
async function dryRun(page, name) {
  await page.locator('#import-file').setInputFiles(file(name));
  await watchStates(page);
  await page.locator('#import-check').click();
  const verdict = page.locator('#import-status[data-state="clean"], #import-status[data-state="problems"], #import-status[data-state="failed"]');
  await verdict.waitFor().catch(async (err) => {
    const now = await page.evaluate(() => ({ state: document.querySelector('#import-status').dataset.state, text: document.querySelector('#import-status').textContent, progress: document.querySelector('#import-progress-text').textContent, error: document.querySelector('#error').textContent, beside: document.querySelector('#import-file-error').textContent, files: document.querySelector('#import-file').files.length }));
    throw new Error(`no verdict on ${name}: ${JSON.stringify(now)} ${JSON.stringify(pageErrorsOf(page))}: ${err.message}`);
  });
  const state = await page.locator('#import-status').getAttribute('data-state');
  // the progress: the upload, then the server's check, then the verdict; the bar is gone after
  if (state !== 'failed') assert.deepEqual(await statesSeen(page), ['uploading', 'checking', state], `states of the dry run of ${name}`);
  assert.ok(await page.locator('#import-progress').isHidden());
  return state;
}

async function confirmWrite(page) {
  assert.ok(await page.locator('#import-confirm').isVisible(), 'the confirm button shows after a clean dry run');
  await watchStates(page);
  await page.locator('#import-confirm').click();
  await page.locator('#import-status[data-state="written"], #import-status[data-state="failed"]').waitFor();
  assert.deepEqual(await statesSeen(page), ['writing', 'written']);
  assert.ok(await page.locator('#import-progress').isHidden());
  assert.equal(await page.locator('#import-status').getAttribute('data-state'), 'written', await page.locator('#import-status').textContent());
  assert.match(await page.locator('#import-status').textContent(), /^Đã ghi /);
  assert.ok(await page.locator('#import-confirm-row').isHidden(), 'nothing left to confirm after the write');
}

async function openTab(page, kind, title) {
  await page.locator(`#console-tabs a[data-tab="${kind}"]`).click();
  await page.locator('#import-title', { hasText: title }).waitFor();
  assert.equal(await page.locator(`#console-tabs a[data-tab="${kind}"]`).getAttribute('aria-current'), 'page');
}

// ------------------------------------------------------------ the organiser builds the contest, a participant takes week 1

test('an organiser imports units, roster (fixing its mistakes), a bank and four rounds, sees the audit log; a participant takes week 1',
  { skip, timeout: 240000 }, async () => {
    const { context, page, pageErrors } = await newPage(PHONE);
    try {
      await signIn(page, ORGANISER);

      // The organiser's page leads to the console.
      await page.locator('#nav-organiser').click();
      await page.locator('#org-go-import').waitFor();
      await checkState(page, 'organiser page with the console links');
      await page.locator('#org-go-import').click();
      await page.waitForURL(/#\/ban-to-chuc\/nhap-du-lieu$/);
      await page.locator('#import-title', { hasText: 'Đơn vị' }).waitFor();
      assert.equal(await page.locator('#console-tabs a[data-tab="units"]').getAttribute('aria-current'), 'page');
      await checkState(page, 'import page (units), nothing chosen');

      // The template downloads (an .xlsx, through the organiser's token).
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#import-template').click()]);
      assert.equal(download.suggestedFilename(), 'mau-units.xlsx');
      const template = await readFile(await download.path());
      assert.equal(template.subarray(0, 2).toString(), 'PK', 'the template is a zip (xlsx)');

      // Checking without a file says so, next to the file input.
      await page.locator('#import-check').click();
      await page.locator('#import-file-error').waitFor();
      assert.match(await page.locator('#import-file-error').textContent(), /Hãy chọn tệp/);
      assert.equal(await page.locator('#import-file').getAttribute('aria-invalid'), 'true');
      await checkState(page, 'import page, no file chosen error');

      // A file the server refuses as a whole (here: empty) is said beside the input, not in the error area.
      assert.equal(await dryRun(page, 'rong.csv'), 'failed');
      assert.match(await page.locator('#import-file-error').textContent(), /Tệp gửi lên trống/);
      assert.ok(await page.locator('#error').isHidden(), 'the error area stays closed');
      assert.ok(await page.locator('#import-confirm-row').isHidden());

      // The same units as a CSV file (UTF-8 with a BOM, as Excel saves it) check the same.
      assert.equal(await dryRun(page, 'don-vi.csv'), 'clean');
      assert.match(await page.locator('#import-changes').textContent(), /\+2 đơn vị/);

      // Units: a clean dry run shows what it adds; confirming writes it.
      assert.equal(await dryRun(page, 'don-vi.xlsx'), 'clean');
      assert.match(await page.locator('#import-changes').textContent(), /\+2 đơn vị/);
      assert.equal(await page.locator('#import-changes').getAttribute('data-added'), '2');
      assert.equal(await page.locator('#import-summary [data-stat="units"]').textContent(), '2');
      assert.ok(await page.locator('#import-file-error').isHidden());
      await checkState(page, 'units: clean dry run');
      await confirmWrite(page);
      await checkState(page, 'units: written');

      // Roster with mistakes: every problem placed by row and column, next to the file and in the table; nothing to confirm.
      await openTab(page, 'roster', 'Danh sách dự thi');
      assert.equal(await dryRun(page, 'danh-sach-loi.xlsx'), 'problems');
      const problems = await page.$$eval('#import-problems-table tbody tr', (rows) => rows.map((r) => ({ row: r.dataset.row, column: r.dataset.column, message: r.dataset.message })));
      const at = (row, column) => problems.find((p) => p.row === row && p.column === column);
      assert.match((at('4', 'Email') || {}).message || '', /^Dòng 4, cột Email: email trùng với dòng 3/, JSON.stringify(problems));
      assert.match((at('5', 'Mã đơn vị') || {}).message || '', /^Dòng 5, cột Mã đơn vị: đơn vị "phuong-khong-co"/, JSON.stringify(problems));
      assert.match((at('6', 'Email') || {}).message || '', /^Dòng 6, cột Email: email "dung-khong-co-a-cong" không hợp lệ/, JSON.stringify(problems));
      assert.equal(problems.length, 3, JSON.stringify(problems));
      const beside = await page.locator('#import-file-error').textContent();
      assert.match(beside, /3 lỗi/);
      assert.match(beside, /Dòng 4, cột Email: email trùng với dòng 3/);
      assert.equal(await page.locator('#import-file').getAttribute('aria-invalid'), 'true');
      assert.ok(await page.locator('#import-confirm-row').isHidden(), 'no confirm after a dry run with problems');
      await checkState(page, 'roster: problems');

      // The fixed file: the changes, then the write.
      assert.equal(await dryRun(page, 'danh-sach.xlsx'), 'clean');
      assert.ok(await page.locator('#import-file-error').isHidden(), 'the errors beside the file are gone');
      assert.equal(await page.locator('#import-file').getAttribute('aria-invalid'), null);
      const changes = await page.locator('#import-changes').textContent();
      // the board's organiser (signed in, no unit yet) is on the roster already: given a unit, not added
      assert.match(changes, /^Thay đổi: \+4 người, −0 người, 0 chuyển đơn vị, 1 thay đổi thông tin/, changes);
      assert.equal(await page.locator('#import-summary [data-stat="people"]').textContent(), '5');
      assert.equal(await page.locator('#import-summary [data-stat="organisers"]').textContent(), '1');
      await checkState(page, 'roster: clean dry run');
      await confirmWrite(page);

      // A re-import: who joins, who leaves, who moves, said before anything is written.
      assert.equal(await dryRun(page, 'danh-sach-2.xlsx'), 'clean');
      assert.match(await page.locator('#import-changes').textContent(), /^Thay đổi: \+1 người, −1 người, 1 chuyển đơn vị/);
      assert.equal(await page.locator('#import-changes').getAttribute('data-moved'), '1');
      await page.locator('#import-summary details.change-list summary', { hasText: 'Chuyển đơn vị' }).click();
      assert.match(await page.locator('#import-summary details.change-list[open]').textContent(), /binh@[^:]+: so-noi-vu → phuong-an-cuu/);
      await checkState(page, 'roster: re-import with a move, the list open');
      await confirmWrite(page);

      // Changing the file after a clean dry run asks for a new one before any write.
      await openTab(page, 'bank', 'Bộ câu hỏi');
      await page.locator('#import-bank-id').fill('bo-thu');
      await page.locator('#import-bank-title').fill('Bộ câu hỏi thử');
      assert.equal(await dryRun(page, 'cau-hoi.xlsx'), 'clean');
      await page.locator('#import-bank-title').fill('Bộ câu hỏi thử nghiệm');
      assert.ok(await page.locator('#import-confirm-row').isHidden(), 'editing the bank title takes the confirm away');
      assert.equal(await dryRun(page, 'cau-hoi.xlsx'), 'clean');
      assert.match(await page.locator('#import-changes').textContent(), /bộ câu hỏi mới "bo-thu": 8 câu/);
      assert.equal(await page.locator('#import-summary [data-stat="questions"]').textContent(), '8');
      const preview = await page.locator('#import-preview').textContent();
      assert.match(preview, /Cơ chế một cửa/);
      assert.doesNotMatch(preview, /Giải thích|Điều 1/, 'the preview shows nothing of the answer');
      await checkState(page, 'bank: clean dry run with the preview');
      await confirmWrite(page);

      // Four weekly rounds at the desktop size.
      await page.setViewportSize(DESKTOP);
      await openTab(page, 'rounds', 'Tuần thi');
      assert.equal(await dryRun(page, 'tuan-thi.xlsx'), 'clean');
      assert.deepEqual(await page.$$eval('#import-rounds tbody tr', (rows) => rows.map((r) => r.dataset.roundId)), ['tuan-1', 'tuan-2', 'tuan-3', 'tuan-4']);
      assert.match(await page.locator('#import-changes').textContent(), /\+4 tuần thi/);
      await checkState(page, 'rounds: clean dry run', DESKTOP);
      await confirmWrite(page);
      await checkState(page, 'rounds: written', DESKTOP);

      // The audit log: the five imports, newest first, by the organiser; the filters.
      await page.locator('#console-tabs a[data-tab="audit"]').click();
      await page.waitForURL(/#\/ban-to-chuc\/nhat-ky$/);
      await page.locator('#audit-entries[data-state="loaded"]').waitFor();
      const entries = await page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => ({
        action: r.dataset.action, cells: [...r.querySelectorAll('td')].map((td) => td.textContent),
      })));
      assert.deepEqual(entries.map((e) => e.action), ['import.rounds', 'import.bank', 'import.roster', 'import.roster', 'import.units']);
      for (const e of entries) {
        assert.match(e.cells[0], /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/, 'the time in ICT, dd/MM/yyyy HH:mm:ss');
        assert.equal(e.cells[1], ORGANISER);
      }
      assert.equal(entries[2].cells[2], 'Nhập danh sách dự thi');
      assert.match(entries[2].cells[3], /5 người; \+1 người, −1 người, 1 chuyển đơn vị/);
      await checkState(page, 'audit log', DESKTOP);
      // from the oldest entry's day to the newest's (the same day, unless the run crossed midnight)
      const days = await page.$$eval('#audit-table tbody tr time', (ts) => ts.map((t) => t.textContent.slice(0, 10).split('/').reverse().join('-')));
      await page.locator('#audit-kind').selectOption('import');
      await page.locator('#audit-from').fill(days[days.length - 1]);
      await page.locator('#audit-to').fill(days[0]);
      await page.locator('#audit-apply').click();
      await page.locator('#audit-entries[data-state="loaded"][data-count="5"]').waitFor();
      await page.locator('#audit-kind').selectOption('settings');
      await page.locator('#audit-apply').click();
      await page.locator('#audit-entries[data-state="loaded"][data-count="0"]').waitFor({ state: 'attached' });
      assert.match(await page.locator('#audit-count').textContent(), /Không có thao tác nào/);
      await checkState(page, 'audit log filtered to nothing', PHONE);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }

    // A participant of the imported roster signs in to the new contest and takes week 1.
    const p = await newPage(PHONE);
    try {
      await signIn(p.page, PARTICIPANT);
      await p.page.waitForURL((u) => u.hash === '#/' || u.hash === '');
      const week1 = p.page.locator('#rounds button[data-round-id="tuan-1"]');
      await week1.click();
      await p.page.waitForURL(/#\/bai-thi\//);
      const questions = p.page.locator('#questions fieldset[data-question-id]');
      await questions.nth(4).waitFor();
      assert.equal(await questions.count(), 5);
      for (let i = 0; i < 5; i++) await questions.nth(i).locator('input[type=radio]').first().check();
      await p.page.locator('#prediction').fill('1');
      await p.page.locator('#submit').click();
      await p.page.locator('#confirm-dialog').waitFor({ state: 'visible' });
      await p.page.locator('#confirm-submit').click();
      await p.page.waitForURL(/#\/ket-qua\//);
      await p.page.locator('#result[data-correct]').waitFor({ state: 'attached' });
      assert.equal(await p.page.locator('#result').getAttribute('data-total'), '5');
      // and the console is not theirs: the page says so, the server refuses the API
      await p.page.goto(SITE + '/#/ban-to-chuc/nhat-ky');
      await p.page.locator('#console-denied').waitFor();
      assert.ok(await p.page.locator('#console-audit').isHidden());
      const status = await p.page.evaluate(async () => {
        const s = JSON.parse(localStorage.getItem('hoithi.v1.session'));
        return (await fetch(window.HOITHI_CONFIG.admin + '/audit', { headers: { Authorization: 'Bearer ' + s.token } })).status;
      });
      assert.equal(status, 403);
      await checkState(p.page, 'console refused to a participant');
      assert.deepEqual(p.pageErrors, []);
    } finally {
      await p.context.close();
    }
  });
