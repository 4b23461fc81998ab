// Browser test of the organiser console's set-up pages: an organiser edits
// the contest's settings (a problem beside its field, the dry run's warning
// about the published week, confirm), assigns a unit admin (a missing unit
// said beside the unit, the dry run's roles gained, confirm), creates four
// weekly rounds in one step (a day that is not a Monday refused beside the
// date, the dry run's list of weeks, confirm) and edits one, checks a roster
// over 6 MB (sent to the local S3 with a presigned PUT), sees it all in the
// audit log (paged by its cursor, filtered by who); a participant then opens
// week 1 (this week, open at the run's clock). Every page state is checked
// with axe-core (no critical or serious violation) and for horizontal
// scrolling at 390×844 and 1366×768.
//
// Run by infra/localdev/browser_test.go, which seeds the contest (setup_test.go):
//   HOITHI_SETUP_CONTEST, HOITHI_SETUP_ORGANISER, HOITHI_SETUP_PARTICIPANT,
//   HOITHI_SETUP_UNIT_ADMIN (a participant of phuong-an-cuu to make its admin),
//   HOITHI_SETUP_MONDAY (this week's Monday, yyyy-mm-dd, at the run's clock)
// with the site's variables (HOITHI_SITE_URL, HOITHI_OUTBOX, HOITHI_CHROMIUM).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SITE, OUTBOX, PHONE, useBrowser, siteContext, openPage, signIn, checkState } from './browser.mjs';

const CONTEST = process.env.HOITHI_SETUP_CONTEST || '';
const ORGANISER = process.env.HOITHI_SETUP_ORGANISER || '';
const PARTICIPANT = process.env.HOITHI_SETUP_PARTICIPANT || '';
const UNIT_ADMIN = process.env.HOITHI_SETUP_UNIT_ADMIN || '';
const MONDAY = process.env.HOITHI_SETUP_MONDAY || '';
const skip = SITE && OUTBOX && CONTEST && ORGANISER && PARTICIPANT && UNIT_ADMIN && MONDAY ? false
  : 'HOITHI_SITE_URL, HOITHI_OUTBOX and HOITHI_SETUP_* are not set: run through go test ./infra/localdev';

useBrowser(skip);

/** A page of the site deployed for the set-up contest: config.js names it. */
async function newPage(viewport) {
  const context = await siteContext({ contest: CONTEST, viewport });
  return { context, ...(await openPage(context)) };
}

/** GET on the admin function with the page's session. */
async function adminGet(page, path) {
  return page.evaluate(async (p) => {
    const s = JSON.parse(localStorage.getItem('hoithi.v1.session'));
    const res = await fetch(window.HOITHI_CONFIG.admin + p, { headers: { Authorization: 'Bearer ' + s.token } });
    return { status: res.status, data: await res.json() };
  }, path);
}

function addDays(iso, n) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

test('an organiser sets up settings, a unit admin and four weeks; a participant opens week 1', { skip, timeout: 240000 }, async () => {
  const { context, page, pageErrors } = await newPage(PHONE);
  try {
    await signIn(page, ORGANISER);

    // ---- settings
    await page.goto(SITE + '/#/ban-to-chuc/cai-dat');
    await page.locator('#settings-form').waitFor();
    assert.deepEqual(await page.$$eval('#tiebreak-list li', (li) => li.map((x) => x.dataset.key)), ['correct', 'prediction', 'time', 'submitted']);
    assert.match(await page.locator('#set-reportThreshold-help').textContent(), /Từ 0 đến 100%/);
    // when the saved schedule next publishes and reminds, as the API says, in its own zone's wall clock
    const wall = (iso) => iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4) + ' ' + iso.slice(11, 16);
    const next = (await adminGet(page, '/contest')).data.nextRuns;
    const noteLines = await page.$$eval('#settings-next-list li', (li) => li.map((x) => x.textContent));
    assert.equal(noteLines.length, next.tallies.length + 1);
    next.tallies.forEach((r, i) => assert.ok(noteLines[i].startsWith('Lần công bố kết quả tiếp theo: ') && noteLines[i].includes(wall(r.at)), noteLines[i]));
    const reminderLine = (r) => (r ? wall(r.at) : 'Lần nhắc tiếp theo: chưa có'); // no weeks yet: none
    assert.ok(noteLines.at(-1).startsWith('Lần nhắc tiếp theo: ') && noteLines.at(-1).includes(reminderLine(next.reminder)), noteLines.at(-1));
    await checkState(page, 'settings loaded');

    await page.locator('#set-reportThreshold').fill('150');
    // the contest's own site, plain http: refused beside its field
    await page.locator('#set-origins').fill('http://thi.example.vn');
    await page.locator('#settings-check').click();
    await page.locator('#settings-status[data-state="problems"]').waitFor();
    assert.match(await page.locator('#set-reportThreshold-error').textContent(), /tỷ lệ từ 0 đến 1/);
    assert.match(await page.locator('[id="set-origins-error"]').textContent(), /https/);
    assert.equal(await page.locator('#set-reportThreshold').getAttribute('aria-invalid'), 'true');
    await checkState(page, 'settings with a problem beside its field');

    await page.locator('#set-reportThreshold').fill('90');
    await page.locator('#set-origins').fill('https://thi.example.vn');
    // a third reminder slot, Friday 07:30; the limits are the API's
    await page.locator('#slot-add').click();
    await page.locator('#slot-name-2').fill('nhac-thu-sau');
    await page.locator('#slot-day-2').selectOption('5');
    await page.locator('#slot-time-2').fill('07:30');
    // "time" before "prediction", with the buttons (no dragging)
    await page.locator('#tiebreak-list li[data-key="time"] button', { hasText: 'Lên' }).click();
    assert.deepEqual(await page.$$eval('#tiebreak-list li', (li) => li.map((x) => x.dataset.key)), ['correct', 'time', 'prediction', 'submitted']);
    await page.locator('#prize-add').click();
    await page.locator('#prize-name-3').fill('Giải Khuyến khích');
    await page.locator('#prize-count-3').fill('5');
    // practice for everyone, the choices and the rule on keys as the API gives them
    const limits = (await adminGet(page, '/contest')).data.limits;
    assert.deepEqual(await page.$$eval('#set-practice input[name="practice"]', (i) => i.map((x) => x.value)), limits.practiceChoices.map((c) => c.value));
    assert.equal(await page.locator('#set-practice input[value="off"]').isChecked(), true, 'practice is off until the organisers open it');
    assert.equal(await page.locator('#set-publicKeysAfterClose-help').textContent(), limits.publicKeysRule);
    assert.match(await page.locator('[id="set-schedule.tallyAfterMinutes-help"]').textContent(), new RegExp(`Từ ${limits.schedule.tallyAfterMinutes.min} đến`));
    await page.getByLabel(limits.practiceChoices.find((c) => c.value === 'everyone').label).check();
    await page.locator('#settings-check').click();
    await page.locator('#settings-status[data-state="clean"]').waitFor();
    assert.ok(await page.locator('#set-reportThreshold-error').isHidden());
    const warning = await page.locator('#settings-warning').textContent();
    assert.match(warning, /tuan-thu-cu/, 'the dry run names the published week the new order affects');
    assert.deepEqual(await page.$$eval('#settings-fields li', (li) => li.map((x) => x.dataset.field).sort()), ['origins', 'practice', 'prizes', 'reportThreshold', 'schedule', 'tieBreak']);
    let stored = await adminGet(page, '/contest');
    assert.deepEqual(stored.data.contest.tieBreak || [], [], 'a dry run writes nothing');
    assert.notEqual(stored.data.contest.practice, 'everyone', 'a dry run writes nothing');
    await checkState(page, 'settings dry run with its warning');

    await page.locator('#settings-confirm').click();
    await page.locator('#settings-status[data-state="written"]').waitFor();
    stored = await adminGet(page, '/contest');
    assert.deepEqual(stored.data.contest.tieBreak, ['correct', 'time', 'prediction', 'submitted']);
    assert.equal(stored.data.contest.reportThreshold, 0.9);
    assert.equal(stored.data.contest.practice, 'everyone');
    assert.equal(stored.data.contest.publicKeysAfterClose || false, false);
    assert.deepEqual(stored.data.contest.prizes.map((p) => p.name), ['Giải Nhất', 'Giải Nhì', 'Giải Ba', 'Giải Khuyến khích']);
    assert.deepEqual(stored.data.contest.origins, ['https://thi.example.vn']);
    assert.deepEqual(stored.data.contest.schedule.reminders.map((r) => [r.name, r.weekday, r.time]),
      [['reminder-midweek', 3, '08:00'], ['reminder-last-day', 6, '08:00'], ['nhac-thu-sau', 5, '07:30']]);
    // the note follows the new schedule
    await page.waitForFunction((line) => document.querySelector('#settings-next-reminder').textContent.includes(line), reminderLine(stored.data.nextRuns.reminder));
    await checkState(page, 'settings saved');

    // ---- roles
    await page.goto(SITE + '/#/ban-to-chuc/vai-tro');
    await page.locator('#roles-units li[data-unit="phuong-an-cuu"]').waitFor();
    assert.match(await page.locator('#roles-rule').textContent(), /không được dự thi/);
    assert.match(await page.locator('#roles-units li[data-unit="phuong-an-cuu"]').textContent(), /Chưa có quản trị đơn vị/);
    await checkState(page, 'roles loaded');

    await page.locator('#role-email').fill(UNIT_ADMIN);
    await page.locator('#role-roles input[value="participant"]').check();
    await page.locator('#role-roles input[value="unitAdmin"]').check();
    await page.locator('#role-unitId').selectOption('');
    await page.locator('#role-save').click();
    await page.locator('#role-status[data-state="problems"]').waitFor();
    assert.match(await page.locator('#role-unitId-error').textContent(), /phải thuộc một đơn vị/);
    await checkState(page, 'roles with a problem beside the unit');

    await page.locator('#role-unitId').selectOption('phuong-an-cuu');
    await page.locator('#role-save').click();
    await page.locator('#role-status[data-state="clean"]').waitFor();
    assert.deepEqual(await page.$$eval('#role-change-list li', (li) => li.map((x) => x.dataset.change + ': ' + x.textContent)),
      ['gained: Nhận vai trò: Quản trị đơn vị']);
    assert.match(await page.locator('#role-change').textContent(), /nhận Quản trị đơn vị/);
    assert.match(await page.locator('#roles-units li[data-unit="phuong-an-cuu"]').textContent(), /Chưa có quản trị đơn vị/, 'the dry run wrote');
    await checkState(page, 'roles dry run: who gains which role');
    await page.locator('#role-confirm').click();
    await page.locator('#role-status[data-state="written"]').waitFor();
    await page.locator(`#roles-units li[data-unit="phuong-an-cuu"] li[data-email="${UNIT_ADMIN}"]`).waitFor();
    assert.ok(await page.locator('#role-unitId-error').isHidden());
    await checkState(page, 'a unit admin assigned');

    // ---- four weekly rounds in one step
    await page.goto(SITE + '/#/ban-to-chuc/tao-tuan-thi');
    await page.locator('#wk-bankId option[value="bo-thu"]').waitFor({ state: 'attached' });
    await page.locator('#weeks-rounds-table tr[data-round-id="tuan-thu-cu"]').waitFor();
    await page.locator('#wk-firstMonday').fill(addDays(MONDAY, 1));
    await page.locator('#wk-questionCount').fill('5');
    await page.locator('#wk-timeLimitMinutes').fill('10');
    await page.locator('#weeks-check').click();
    await page.locator('#weeks-status[data-state="problems"]').waitFor();
    assert.match(await page.locator('#wk-firstMonday-error').textContent(), /không phải thứ Hai/);
    await checkState(page, 'weeks with a day that is not a Monday');

    await page.locator('#wk-firstMonday').fill(MONDAY);
    assert.match(await page.locator('#weeks-sentence').textContent(), /^4 tuần từ thứ Hai \d{2}\/\d{2}\/\d{4}, 00:00 đến Chủ nhật 24:00; 5 câu, 10 phút, 1 lượt; bộ câu hỏi bo-thu/);
    await page.locator('#weeks-check').click();
    await page.locator('#weeks-status[data-state="clean"]').waitFor();
    assert.deepEqual(await page.$$eval('#weeks-preview-table tbody tr', (tr) => tr.map((r) => r.dataset.roundId)), ['tuan-1', 'tuan-2', 'tuan-3', 'tuan-4']);
    const rounds = await adminGet(page, '/rounds');
    assert.equal(rounds.data.rounds.length, 1, 'a dry run writes no round');
    await checkState(page, 'weeks dry run listing the weeks');

    await page.locator('#weeks-confirm').click();
    await page.locator('#weeks-status[data-state="written"]').waitFor();
    await page.locator('#weeks-rounds-table tr[data-round-id="tuan-4"]').waitFor();
    assert.equal(await page.locator('#weeks-rounds-table tr[data-round-id="tuan-1"]').getAttribute('data-status'), 'open');
    await checkState(page, 'four weeks created');

    // week 1 has opened: only its title and closing time may change
    await page.locator('#weeks-rounds-table tr[data-round-id="tuan-1"] button').click();
    await page.locator('#round-edit-form').waitFor();
    assert.ok(await page.locator('#re-timeLimitMinutes').isDisabled());
    // week 2 has not: its time limit changes
    await page.locator('#weeks-rounds-table tr[data-round-id="tuan-2"] button').click();
    await page.locator('#re-timeLimitMinutes:not([disabled])').fill('8');
    await page.locator('#round-save').click();
    await page.locator('#round-edit-status[data-state="written"]').waitFor();
    const after = await adminGet(page, '/rounds');
    assert.equal(after.data.rounds.find((r) => r.id === 'tuan-2').timeLimitMinutes, 8);
    await checkState(page, 'a round edited before it opens');

    // ---- the settings page now says when week 1's results are published and the next reminder is sent
    await page.goto(SITE + '/#/ban-to-chuc/cai-dat');
    await page.locator('#settings-next-list li[data-round="tuan-1"]').waitFor();
    const weeksNext = (await adminGet(page, '/contest')).data.nextRuns;
    const tuan1 = weeksNext.tallies.find((r) => r.round === 'tuan-1');
    assert.ok((await page.locator('#settings-next-list li[data-round="tuan-1"]').textContent()).includes(wall(tuan1.at)));
    assert.ok(weeksNext.reminder, 'week 1 is open: a reminder is due at a slot');
    assert.ok((await page.locator('#settings-next-reminder').textContent()).includes(wall(weeksNext.reminder.at)));

    // ---- a roster over 6 MB (a function URL's limit) goes to the bucket with a presigned PUT, then its dry run
    const dir = await mkdtemp(path.join(tmpdir(), 'hoithi-setup-'));
    const big = path.join(dir, 'danh-sach-lon.csv');
    const lines = ['Email,Họ và tên,Mã đơn vị,Vai trò', `${ORGANISER},Trần Thị Ban Tổ Chức,,Ban Tổ chức`];
    let size = 0;
    for (let i = 0; size < 6.3 * 1024 * 1024; i++) {
      const line = `lon.${String(i).padStart(5, '0')}@${ORGANISER.split('@')[1]},Người dự thi ${i} ${'ễ'.repeat(70)},so-noi-vu,Thí sinh`;
      size += Buffer.byteLength(line) + 1;
      lines.push(line);
    }
    await writeFile(big, lines.join('\n') + '\n');
    const sent = [];
    page.on('request', (req) => sent.push(`${req.method()} ${new URL(req.url()).pathname}`));
    await page.goto(SITE + '/#/ban-to-chuc/nhap-du-lieu/danh-sach');
    await page.locator('#import-file').setInputFiles(big);
    await page.locator('#import-check').click();
    await page.locator('#import-status[data-state="clean"], #import-status[data-state="problems"], #import-status[data-state="failed"]').waitFor({ timeout: 120000 });
    assert.equal(await page.locator('#import-status').getAttribute('data-state'), 'clean', await page.locator('#import-status').textContent());
    assert.ok(sent.includes('POST /imports/roster/uploads'), sent.join(', '));
    assert.ok(sent.some((r) => /^PUT .*imports\/setup-thu\/roster\//.test(r)), 'the file went straight to the bucket: ' + sent.join(', '));
    await rm(dir, { recursive: true, force: true });

    // ---- the audit log has each action, in words
    await page.goto(SITE + '/#/ban-to-chuc/nhat-ky');
    await page.locator('#audit-entries[data-state="loaded"]').waitFor();
    const actions = await page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => r.dataset.action));
    // (compared as a set: the run's clock may stand still between them)
    assert.deepEqual(actions.slice().sort(), ['roles.update', 'rounds.create', 'rounds.update', 'settings.update']);
    const labels = await page.$$eval('#audit-table tbody tr td:nth-child(3)', (td) => td.map((x) => x.textContent));
    assert.ok(labels.includes('Sửa cài đặt hội thi') && labels.includes('Phân vai trò') && labels.includes('Tạo tuần thi') && labels.includes('Sửa tuần thi'), labels.join(' | '));
    await checkState(page, 'the audit log of the set-up');
    await page.locator('#audit-kind').selectOption('rounds');
    await page.locator('#audit-apply').click();
    await page.locator('#audit-entries[data-state="loaded"][data-count="2"]').waitFor();
    // pages of three (the site asks for the usual page; the test shrinks it on the way)
    await page.route((u) => u.pathname === '/audit', (route) => {
      const u = new URL(route.request().url());
      u.searchParams.set('limit', '3');
      return route.continue({ url: u.toString() });
    });
    await page.locator('#audit-kind').selectOption('');
    await page.locator('#audit-apply').click();
    await page.locator('#audit-entries[data-state="loaded"][data-count="3"]').waitFor();
    assert.ok(await page.locator('#audit-more').isVisible());
    await checkState(page, 'the audit log, its first page');
    await page.locator('#audit-more').click();
    await page.locator('#audit-entries[data-state="loaded"][data-count="4"]').waitFor();
    assert.ok(await page.locator('#audit-more').isHidden());
    const paged = await page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => r.dataset.id));
    assert.equal(new Set(paged).size, 4, 'each entry once: ' + paged.join(', '));
    await page.locator('#audit-actor').fill('Lịch tự động');
    await page.locator('#audit-apply').click();
    await page.locator('#audit-entries[data-state="loaded"][data-count="0"]').waitFor({ state: 'attached' });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }

  // A participant opens week 1.
  const p = await newPage(PHONE);
  try {
    await signIn(p.page, PARTICIPANT);
    await p.page.waitForURL((u) => u.hash === '#/' || u.hash === '');
    await p.page.locator('#rounds button[data-round-id="tuan-1"]').click();
    await p.page.waitForURL(/#\/bai-thi\//);
    const questions = p.page.locator('#questions fieldset[data-question-id]');
    await questions.nth(4).waitFor();
    assert.equal(await questions.count(), 5);
    await checkState(p.page, 'a participant in week 1');
    // and the set-up pages are not theirs
    await p.page.goto(SITE + '/#/ban-to-chuc/cai-dat');
    await p.page.locator('#setup-denied').waitFor();
    await checkState(p.page, 'settings refused to a participant');
    assert.deepEqual(p.pageErrors, []);
  } finally {
    await p.context.close();
  }
});
