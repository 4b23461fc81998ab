// The weekly rounds page (#/ban-to-chuc/tao-tuan-thi): the contest's weeks
// in one step — "N tuần từ thứ Hai <ngày>, 00:00 đến Chủ nhật 24:00, <n> câu,
// <m> phút, <k> lượt, bộ câu hỏi X, đối tượng" — built and checked by the
// server with the rounds import's rules (POST /rounds/weekly: a dry run that
// lists the weeks, then the write, all or nothing), and the contest's rounds
// (GET /rounds), each editable until it opens (PUT /rounds/{id}).

import { $, h, fmtInt, fmtDateTime, fmtClose } from './util.js';
import { adminCall, field, placeProblems, setNotice } from './settings.js';

const AUDIENCE_LABEL = { staff: 'Cán bộ, công chức, viên chức', citizen: 'Người dân' };
const STATUS_LABEL = { upcoming: 'Sắp mở', open: 'Đang mở', closed: 'Đã kết thúc' };
const SPEC_FIELDS = ['weeks', 'firstMonday', 'questionCount', 'timeLimitMinutes', 'attempts', 'bankId', 'audience', 'idPrefix', 'firstNumber'];
const EDIT_FIELDS = ['title', 'audience', 'opensAt', 'closesAt', 'questionCount', 'timeLimitMinutes', 'attempts', 'bankId'];

const ws = { rounds: [], banks: [], maxWeeks: 52, checked: null, busy: false, seq: 0, editing: null };

/** The Monday after today in Viet Nam's time, as yyyy-mm-dd (a suggestion the organiser changes). */
function nextMonday() {
  const ict = new Date(Date.now() + 7 * 3600 * 1000); // UTC fields now read as Viet Nam's
  const day = ict.getUTCDay();
  ict.setUTCDate(ict.getUTCDate() + ((8 - day) % 7 || 7));
  return ict.toISOString().slice(0, 10);
}

function ddmmyyyy(iso) {
  const [y, m, d] = String(iso || '').split('-');
  return d && m && y ? `${d}/${m}/${y}` : iso;
}

export async function showWeeks(ctx, body) {
  const seq = ++ws.seq;
  if (!body.querySelector('#weeks-form')) body.replaceChildren(weeksPage(ctx));
  await loadRounds(ctx, seq);
}

async function loadRounds(ctx, seq = ++ws.seq) {
  const status = $('#weeks-list-status');
  status.textContent = 'Đang tải các tuần thi…';
  try {
    const { data } = await adminCall(ctx, 'GET', '/rounds');
    if (seq !== ws.seq) return;
    ws.rounds = Array.isArray(data.rounds) ? data.rounds : [];
    ws.banks = Array.isArray(data.banks) ? data.banks : [];
    ws.maxWeeks = data.maxWeeks || 52;
    fillBanks();
    renderRounds(ctx);
    status.textContent = ws.rounds.length ? `${fmtInt(ws.rounds.length)} tuần thi.` : 'Chưa có tuần thi nào.';
  } catch (err) {
    if (seq !== ws.seq) return;
    status.textContent = 'Không tải được các tuần thi: ' + err.message;
    if (err.status !== 401) ctx.showError(err);
  }
}

function fillBanks() {
  for (const sel of document.querySelectorAll('select[data-banks]')) {
    const keep = sel.value;
    sel.replaceChildren(...(ws.banks.length
      ? ws.banks.map((b) => h('option', { value: b.id, text: `${b.id} (${fmtInt(b.questions)} câu)` }))
      : [h('option', { value: '', text: '— Chưa có bộ câu hỏi: hãy nhập bộ câu hỏi trước —' })]));
    if (ws.banks.some((b) => b.id === keep)) sel.value = keep;
  }
}

function audienceSelect(name) {
  return h('select', { name }, ...Object.entries(AUDIENCE_LABEL).map(([v, t]) => h('option', { value: v, text: t })));
}

function weeksPage(ctx) {
  const num = (name, value, min, max, step = '1') => h('input', { type: 'number', name, value: String(value), min: String(min), max: max ? String(max) : null, step, inputmode: step === '1' ? 'numeric' : 'decimal' });
  const form = h('form', { id: 'weeks-form', class: 'form weeks-form', novalidate: true },
    h('div', { class: 'weeks-grid' },
      field('wk-weeks', 'Số tuần', num('weeks', 4, 1, 52)),
      field('wk-firstMonday', 'Thứ Hai của tuần đầu', h('input', { type: 'date', name: 'firstMonday', value: nextMonday() }), 'Mỗi tuần từ thứ Hai 00:00 đến Chủ nhật 24:00, giờ Việt Nam.'),
      field('wk-questionCount', 'Số câu mỗi đề', num('questionCount', 15, 1, 50)),
      field('wk-timeLimitMinutes', 'Thời gian làm bài (phút)', num('timeLimitMinutes', 10, 0, 1440, '0.5'), '0 là không giới hạn ngoài giờ kết thúc tuần.'),
      field('wk-attempts', 'Số lượt thi mỗi người', num('attempts', 1, 1, 10), 'Từ 1 đến 10; nhiều lượt thì lượt tốt nhất được tính.'),
      field('wk-bankId', 'Bộ câu hỏi', h('select', { name: 'bankId', dataset: { banks: '1' } })),
      field('wk-audience', 'Đối tượng', audienceSelect('audience'))),
    h('details', { class: 'weeks-advanced' },
      h('summary', { text: 'Mã các tuần thi' }),
      field('wk-idPrefix', 'Tiền tố mã', h('input', { type: 'text', name: 'idPrefix', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', placeholder: 'tuan' }),
        'Các tuần có mã <tiền tố>-1, <tiền tố>-2…; để trống: “tuan” cho cán bộ, “nguoi-dan-tuan” cho người dân. Tạo lại cùng mã thì sửa các tuần chưa mở.'),
      field('wk-firstNumber', 'Số thứ tự của tuần đầu', num('firstNumber', 1, 1, 0))),
    h('p', { id: 'weeks-sentence', class: 'weeks-sentence', 'aria-live': 'polite' }),
    h('p', { id: 'wk-other', class: 'field-error', hidden: true }),
    h('div', { class: 'actions' }, h('button', { id: 'weeks-check', type: 'submit', class: 'btn btn-primary', text: 'Xem trước các tuần' })),
    h('p', { id: 'weeks-status', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true }),
    h('div', { id: 'weeks-preview', hidden: true },
      h('div', { id: 'weeks-table' }),
      h('div', { class: 'actions' },
        h('button', { id: 'weeks-confirm', type: 'button', class: 'btn btn-primary', text: 'Tạo các tuần thi này' }),
        h('span', { class: 'small muted', text: 'Ghi tất cả các tuần, hoặc không ghi tuần nào nếu có lỗi; thao tác được ghi vào nhật ký.' }))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    runWeekly(ctx, { dryRun: true });
  });
  const changed = () => {
    sentence();
    if (ws.busy || !ws.checked) return;
    ws.checked = null;
    $('#weeks-preview').hidden = true;
    setNotice($('#weeks-status'), 'Biểu mẫu đã đổi: bấm “Xem trước các tuần” lại trước khi tạo.', 'info', 'changed');
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.querySelector('#weeks-confirm').addEventListener('click', () => runWeekly(ctx, { dryRun: false }));
  queueMicrotask(sentence);
  return h('div', {},
    h('section', { class: 'card', 'aria-labelledby': 'weeks-form-title' },
      h('h2', { id: 'weeks-form-title', text: 'Tạo các tuần thi trong một bước' }),
      h('p', { class: 'muted small', text: 'Các tuần được kiểm tra theo đúng quy tắc như khi nhập tệp tuần thi: bộ câu hỏi đủ câu, không trùng thời gian với tuần khác của cùng đối tượng, tuần đã mở giữ nguyên đề.' }),
      form),
    h('section', { class: 'card', 'aria-labelledby': 'weeks-list-title' },
      h('h2', { id: 'weeks-list-title', text: 'Các tuần thi của hội thi' }),
      h('p', { class: 'muted small', text: 'Sửa được mọi thông tin của tuần chưa mở. Tuần đã mở chỉ sửa được tên và thời điểm kết thúc: đề đã phát phải giữ bộ câu hỏi, số câu, thời gian làm bài và số lượt.' }),
      h('p', { id: 'weeks-list-status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
      h('div', { id: 'weeks-rounds' }),
      h('div', { id: 'round-edit', hidden: true })));
}

function spec() {
  const f = $('#weeks-form').elements;
  const n = (name) => (f[name].value.trim() === '' ? 0 : Number(f[name].value.replace(',', '.')));
  return {
    weeks: n('weeks'), firstMonday: f.firstMonday.value, questionCount: n('questionCount'), timeLimitMinutes: n('timeLimitMinutes'),
    attempts: n('attempts'), bankId: f.bankId.value, audience: f.audience.value, idPrefix: f.idPrefix.value.trim(), firstNumber: n('firstNumber'),
  };
}

function sentence() {
  const el = $('#weeks-sentence');
  if (!el) return;
  const s = spec();
  el.textContent = `${fmtInt(s.weeks)} tuần từ thứ Hai ${ddmmyyyy(s.firstMonday) || '…'}, 00:00 đến Chủ nhật 24:00; ${fmtInt(s.questionCount)} câu, ` +
    `${String(s.timeLimitMinutes).replace('.', ',')} phút, ${fmtInt(s.attempts)} lượt; bộ câu hỏi ${s.bankId || '…'}; ${(AUDIENCE_LABEL[s.audience] || s.audience).toLowerCase()}.`;
}

function problemsByWeek(problems, fields, other) {
  const rest = placeProblems('wk-', problems, fields);
  other.textContent = rest.map((p) => (p.row > 0 ? `Tuần ${p.row}: ` : '') + (p.detail || p.message)).join(' ');
  other.hidden = !rest.length;
}

async function runWeekly(ctx, { dryRun }) {
  if (ws.busy) return;
  ctx.clearError();
  const body = dryRun ? spec() : ws.checked;
  if (!body) return;
  const status = $('#weeks-status');
  const other = $('#wk-other');
  ws.busy = true;
  $('#weeks-check').disabled = true;
  $('#weeks-confirm').disabled = true;
  setNotice(status, dryRun ? 'Đang kiểm tra các tuần…' : 'Đang tạo các tuần thi (tất cả hoặc không tuần nào)…', 'info', dryRun ? 'checking' : 'writing');
  try {
    const { data } = await adminCall(ctx, 'POST', '/rounds/weekly' + (dryRun ? '?dryRun=1' : ''), body);
    if (!data.ok) {
      const problems = Array.isArray(data.problems) ? data.problems : [];
      problemsByWeek(problems, SPEC_FIELDS, other);
      $('#weeks-preview').hidden = true;
      ws.checked = null;
      setNotice(status, `Có ${fmtInt(problems.length)} lỗi; chưa tạo tuần nào. Các lỗi ở ngay dưới từng mục.`, 'error', 'problems');
      return;
    }
    placeProblems('wk-', [], SPEC_FIELDS);
    other.hidden = true;
    const list = (data.summary && data.summary.rounds) || [];
    const c = data.changes || {};
    if (dryRun) {
      ws.checked = body;
      $('#weeks-table').replaceChildren(roundsTable('weeks-preview-table', 'Các tuần sẽ tạo', list, c), warnings(data.warnings));
      $('#weeks-preview').hidden = false;
      $('#weeks-confirm').textContent = `Tạo ${fmtInt(list.length)} tuần thi này`;
      setNotice(status, `Kiểm tra xong: ${fmtInt(list.length)} tuần (${c.text || ''}). Chưa ghi gì: xem lại rồi bấm “Tạo ${fmtInt(list.length)} tuần thi này”.`, 'info', 'clean');
    } else {
      ws.checked = null;
      $('#weeks-preview').hidden = true;
      const text = `Đã tạo ${fmtInt(list.length)} tuần thi (${c.text || 'xong'}). Thao tác đã được ghi vào nhật ký.`;
      setNotice(status, text, 'ok', 'written');
      ctx.announce(text);
      await loadRounds(ctx);
    }
  } catch (err) {
    setNotice(status, (dryRun ? 'Chưa kiểm tra được: ' : 'Chưa tạo được: ') + err.message, 'error', 'failed');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    ws.busy = false;
    $('#weeks-check').disabled = false;
    $('#weeks-confirm').disabled = false;
  }
}

function warnings(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return h('div', { class: 'notice notice-info' }, h('p', { text: 'Lưu ý (không chặn việc tạo):' }),
    h('ul', {}, list.map((p) => h('li', { text: (p.row > 0 ? `Tuần ${p.row}: ` : '') + (p.detail || p.message) }))));
}

function roundsTable(id, caption, list, changes, edit) {
  const added = new Set((changes && changes.addedList) || []);
  const updated = new Set((changes && changes.updatedList) || []);
  const cols = ['Mã', 'Tên', 'Đối tượng', 'Bắt đầu', 'Kết thúc', 'Số câu', 'Phút', 'Số lượt', 'Bộ câu hỏi', edit ? 'Trạng thái' : 'Thay đổi'];
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { id, class: 'data-table rounds-table' },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', {}, h('tr', {}, ...cols.map((t) => h('th', { scope: 'col', text: t })), edit ? h('th', { scope: 'col', text: 'Sửa' }) : null)),
      h('tbody', {}, list.map((r) => h('tr', { dataset: { roundId: r.id, status: r.status || '' } },
        h('td', { text: r.id }), h('td', { text: r.title }), h('td', { text: AUDIENCE_LABEL[r.audience] || r.audience }),
        h('td', { class: 'nowrap', text: fmtDateTime(r.opensAt) }), h('td', { class: 'nowrap', text: fmtClose(r.closesAt) }),
        h('td', { class: 'num', text: fmtInt(r.questionCount) }), h('td', { class: 'num', text: String(r.timeLimitMinutes).replace('.', ',') }),
        h('td', { class: 'num', text: fmtInt(r.attempts) }), h('td', { text: r.bankId }),
        h('td', { text: edit ? (STATUS_LABEL[r.status] || r.status) : (added.has(r.id) ? 'Thêm mới' : updated.has(r.id) ? 'Sửa' : 'Không đổi') }),
        edit ? h('td', {}, h('button', { type: 'button', class: 'btn btn-link btn-small', text: 'Sửa', 'aria-label': `Sửa ${r.title}`, onclick: () => edit(r) })) : null)))));
}

function renderRounds(ctx) {
  $('#weeks-rounds').replaceChildren(ws.rounds.length ? roundsTable('weeks-rounds-table', 'Bảng các tuần thi đã có', ws.rounds, null, (r) => editRound(ctx, r)) : h('p', { class: 'muted', text: 'Chưa có tuần thi nào.' }));
}

/** "2026-12-07T00:00:00+07:00" → "2026-12-07T00:00" for a datetime-local input (the server writes Viet Nam's time). */
const localValue = (rfc) => String(rfc || '').slice(0, 16);
const fromLocal = (v) => (v ? v + ':00+07:00' : '');

function editRound(ctx, r) {
  ws.editing = r;
  const opened = !r.editable;
  const box = $('#round-edit');
  const lock = (el) => { if (opened) { el.disabled = true; } return el; };
  const form = h('form', { id: 'round-edit-form', class: 'form', novalidate: true },
    h('h3', { id: 'round-edit-title', tabindex: '-1', text: `Sửa tuần thi ${r.id}` }),
    opened ? h('p', { class: 'notice notice-info', text: 'Tuần này đã mở: chỉ sửa được tên và thời điểm kết thúc.' }) : null,
    field('re-title', 'Tên tuần thi', h('input', { type: 'text', name: 'title', value: r.title })),
    field('re-audience', 'Đối tượng', lock(audienceSelect('audience'))),
    field('re-opensAt', 'Bắt đầu (giờ Việt Nam)', lock(h('input', { type: 'datetime-local', name: 'opensAt', value: localValue(r.opensAt) }))),
    field('re-closesAt', 'Kết thúc (giờ Việt Nam)', h('input', { type: 'datetime-local', name: 'closesAt', value: localValue(r.closesAt) })),
    field('re-questionCount', 'Số câu mỗi đề', lock(h('input', { type: 'number', name: 'questionCount', min: '1', max: '50', value: String(r.questionCount) }))),
    field('re-timeLimitMinutes', 'Thời gian làm bài (phút)', lock(h('input', { type: 'number', name: 'timeLimitMinutes', min: '0', step: '0.5', value: String(r.timeLimitMinutes) }))),
    field('re-attempts', 'Số lượt thi', lock(h('input', { type: 'number', name: 'attempts', min: '1', max: '10', value: String(r.attempts) }))),
    field('re-bankId', 'Bộ câu hỏi', lock(h('select', { name: 'bankId', dataset: { banks: '1' } }, h('option', { value: r.bankId, text: r.bankId })))),
    h('p', { id: 're-other', class: 'field-error', hidden: true }),
    h('div', { class: 'actions' },
      h('button', { id: 'round-save', type: 'submit', class: 'btn btn-primary', text: 'Lưu tuần thi' }),
      h('button', { type: 'button', class: 'btn btn-secondary', text: 'Đóng', onclick: () => { box.hidden = true; } })),
    h('p', { id: 'round-edit-status', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true }));
  form.elements.audience.value = r.audience;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveRound(ctx, r);
  });
  box.replaceChildren(form);
  fillBanks();
  form.elements.bankId.value = r.bankId;
  box.hidden = false;
  $('#round-edit-title').focus();
}

async function saveRound(ctx, r) {
  if (ws.busy) return;
  ctx.clearError();
  const f = $('#round-edit-form').elements;
  const body = {
    title: f.title.value, audience: f.audience.value, opensAt: fromLocal(f.opensAt.value), closesAt: fromLocal(f.closesAt.value),
    questionCount: Number(f.questionCount.value), timeLimitMinutes: Number(f.timeLimitMinutes.value), attempts: Number(f.attempts.value), bankId: f.bankId.value,
  };
  const status = $('#round-edit-status');
  ws.busy = true;
  $('#round-save').disabled = true;
  setNotice(status, 'Đang lưu…', 'info', 'writing');
  try {
    const { data } = await adminCall(ctx, 'PUT', '/rounds/' + encodeURIComponent(r.id), body);
    if (!data.ok) {
      const problems = Array.isArray(data.problems) ? data.problems : [];
      const rest = placeProblems('re-', problems, EDIT_FIELDS);
      const other = $('#re-other');
      other.textContent = rest.map((p) => p.detail || p.message).join(' ');
      other.hidden = !rest.length;
      setNotice(status, (data.error && data.error.message) || 'Chưa lưu: xem lỗi ở ngay dưới từng mục.', 'error', 'problems');
      return;
    }
    placeProblems('re-', [], EDIT_FIELDS);
    const text = `Đã lưu tuần thi ${r.id}. Thao tác đã được ghi vào nhật ký.`;
    setNotice(status, text, 'ok', 'written');
    ctx.announce(text);
    await loadRounds(ctx);
  } catch (err) {
    setNotice(status, 'Chưa lưu được: ' + err.message, 'error', 'failed');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    ws.busy = false;
    $('#round-save').disabled = false;
  }
}

