// The organiser console's set-up pages (view #view-setup): the contest's
// settings (#/ban-to-chuc/cai-dat, GET/PUT /contest), who holds which role
// (#/ban-to-chuc/vai-tro, roles.js) and the weekly rounds in one step
// (#/ban-to-chuc/tao-tuan-thi, weeks.js). Every rule and limit is the
// server's: the pages show the limits the API gives, send a dry run first,
// and place the problems it answers next to their fields.

import { ApiError, errorFromResponse, reportUnauthorized, MSG_NO_ADMIN } from './api.js';
import { $, h, fmtInt } from './util.js';
import { showRoles } from './roles.js';
import { showWeeks } from './weeks.js';

/** The set-up pages: route sub → title, module. */
const PAGES = {
  settings: { title: 'Cài đặt hội thi', show: (ctx, body) => showSettings(ctx, body) },
  roles: { title: 'Phân vai trò', show: (ctx, body) => showRoles(ctx, body) },
  weeks: { title: 'Tạo các tuần thi', show: (ctx, body) => showWeeks(ctx, body) },
};

/** The route's sub-page for a slug of #/ban-to-chuc/<slug>, or ''. */
export function setupPage(slug) {
  return { 'cai-dat': 'settings', 'vai-tro': 'roles', 'tao-tuan-thi': 'weeks' }[slug] || '';
}

export function setupTitle(sub) {
  return (PAGES[sub] || PAGES.settings).title;
}

/** Shows a set-up page (organisers only; the API says 403 to anyone else anyway). */
export function showSetup(ctx, route) {
  const page = PAGES[route.sub] || PAGES.settings;
  const s = ctx.session();
  $('#setup-title').textContent = page.title;
  $('#setup-crumb').textContent = page.title;
  const denied = $('#setup-denied');
  const tabs = $('#setup-tabs');
  const body = $('#setup-body');
  const roles = (s && s.participant && s.participant.roles) || [];
  if (!roles.includes('organiser')) {
    denied.textContent = 'Trang này dành cho Ban tổ chức hội thi.';
    denied.hidden = false;
    tabs.hidden = true;
    body.replaceChildren();
    return;
  }
  denied.hidden = true;
  tabs.hidden = false;
  for (const a of tabs.querySelectorAll('a[data-tab]')) {
    if (a.dataset.tab === route.sub) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  page.show(ctx, body);
}

// ------------------------------------------------------------ shared helpers

/**
 * One JSON call to the admin function. Resolves {status, data} for a 2xx and
 * for the answers that carry problems (422, and 409 with a body); rejects
 * with ApiError otherwise (network, 401, 403, 5xx).
 */
export async function adminCall(ctx, method, path, body) {
  const { cfg } = ctx;
  if (!cfg.admin) throw new ApiError({ code: 'not_configured', message: MSG_NO_ADMIN });
  const s = ctx.session();
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (s) headers.Authorization = 'Bearer ' + s.token;
  let res;
  let text;
  try {
    res = await fetch(cfg.admin + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), mode: 'cors', credentials: 'omit', cache: 'no-store',
    });
    text = await res.text();
  } catch (e) {
    throw new ApiError({ code: 'network', network: true, message: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng rồi thử lại.' });
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (res.ok && data && typeof data === 'object') return { status: res.status, data };
  if ((res.status === 422 || res.status === 409) && data && typeof data === 'object' && 'ok' in data) return { status: res.status, data };
  const err = errorFromResponse(res.status, text);
  if (res.status === 401) reportUnauthorized(err);
  throw err;
}

/** A form field: label, control, help, and the place its problems are said. */
export function field(id, label, control, help) {
  const helpId = id + '-help';
  const errId = id + '-error';
  control.id = control.id || id;
  control.setAttribute('aria-describedby', [help ? helpId : '', errId].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: control.id, text: label }),
    control,
    help ? h('p', { id: helpId, class: 'help', text: help }) : null,
    h('p', { id: errId, class: 'field-error', hidden: true }));
}

/** Says msgs (strings) beside the field whose error box is #<id>-error; none clears it. */
export function fieldError(id, msgs) {
  const box = document.getElementById(id + '-error');
  const control = document.getElementById(id);
  if (!box) return false;
  if (!msgs || !msgs.length) {
    box.hidden = true;
    box.textContent = '';
    if (control) control.removeAttribute('aria-invalid');
    return true;
  }
  box.textContent = msgs.join(' ');
  box.hidden = false;
  if (control) control.setAttribute('aria-invalid', 'true');
  return true;
}

/** The field a problem's column names: "prizes[1]" → "prizes". */
export function fieldOf(column) {
  return String(column || '').replace(/\[\d+\]$/, '');
}

/** Places problems next to their fields (ids prefix + field); returns those no field took. */
export function placeProblems(prefix, problems, fields) {
  const by = {};
  const rest = [];
  for (const p of problems) {
    const f = fieldOf(p.column);
    if (fields.includes(f)) (by[f] = by[f] || []).push(p.detail || p.message);
    else rest.push(p);
  }
  for (const f of fields) fieldError(prefix + f, by[f]);
  const first = fields.find((f) => by[f]);
  if (first) {
    const el = document.getElementById(prefix + first);
    if (el) el.focus();
  }
  return rest;
}

export function notice(id, text, tone = 'info') {
  return h('p', { id, class: 'notice notice-' + tone, role: 'status', 'aria-live': 'polite', hidden: !text, text });
}

export function setNotice(el, text, tone = 'info', state = '') {
  el.className = 'notice notice-' + tone;
  el.textContent = text;
  el.hidden = !text;
  if (state) el.dataset.state = state;
}

// ------------------------------------------------------------ settings

const TIE_LABEL = {
  correct: 'Số câu trả lời đúng nhiều hơn',
  prediction: 'Dự đoán gần đúng hơn số bài trả lời đúng tất cả',
  time: 'Thời gian làm bài ngắn hơn',
  submitted: 'Nộp bài sớm hơn',
};

const FIELD_LABEL = {
  title: 'tên hội thi', allowedDomains: 'tên miền email công vụ', allowUnlisted: 'chỉ người trong danh sách',
  keepPlusTags: 'địa chỉ có dấu +', codesPerSecond: 'số email đăng nhập mỗi giây', codesPerRequesterHour: 'số email đăng nhập mỗi giờ từ một địa chỉ mạng',
  mailFrom: 'địa chỉ gửi thư', mailPerSecond: 'số email mỗi giây của hội thi',
  openSignUp: 'đối tượng tự đăng ký', practice: 'ôn tập', publicKeysAfterClose: 'công bố đáp án sau tuần thi', tieBreak: 'thứ tự xếp hạng', prizes: 'giải thưởng', reportThreshold: 'ngưỡng tỷ lệ tham gia',
  schedule: 'lịch tự động (tổng hợp kết quả, nhắc thi)', origins: 'địa chỉ trang của hội thi',
};

const SETTINGS_FIELDS = ['title', 'allowedDomains', 'allowUnlisted', 'openSignUp', 'practice', 'publicKeysAfterClose', 'tieBreak', 'prizes', 'reportThreshold', 'codesPerSecond', 'codesPerRequesterHour', 'mailFrom', 'mailPerSecond',
  'schedule.timeZone', 'schedule.tallyAfterMinutes', 'schedule.reminders', 'origins', 'id'];

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const AUDIENCE_LABEL = { 'unit-admins': 'Quản trị đơn vị (danh sách người chưa thi)', everyone: 'Mọi người chưa thi (và quản trị đơn vị)' };

/** The settings page's state: the contest as read, the limits, what the dry run checked. */
const st = { contest: null, limits: null, nextRuns: null, order: [], prizes: [], slots: [], checked: null, seq: 0, busy: false };

/** Says a reordering to screen readers (the page's live region). */
let ctxAnnounce = () => {};

async function showSettings(ctx, body) {
  const seq = ++st.seq;
  ctxAnnounce = ctx.announce;
  body.replaceChildren(h('p', { id: 'settings-loading', class: 'muted', role: 'status', text: 'Đang tải cài đặt…' }));
  let data;
  try {
    ({ data } = await adminCall(ctx, 'GET', '/contest'));
  } catch (err) {
    if (seq !== st.seq) return;
    body.replaceChildren(h('p', { class: 'notice notice-error', text: 'Không tải được cài đặt: ' + err.message }));
    if (err.status !== 401) ctx.showError(err);
    return;
  }
  if (seq !== st.seq) return;
  st.contest = data.contest || {};
  st.limits = data.limits || {};
  st.nextRuns = data.nextRuns || null;
  st.checked = null;
  st.order = (st.contest.tieBreak && st.contest.tieBreak.length ? st.contest.tieBreak : st.limits.tieBreakKeys || []).slice();
  st.prizes = (st.contest.prizes && st.contest.prizes.length ? st.contest.prizes : st.limits.defaultPrizes || []).map((p) => ({ ...p }));
  const sched = st.contest.schedule || (st.limits.schedule && st.limits.schedule.default) || {};
  st.slots = (sched.reminders || []).map((r) => ({ ...r }));
  body.replaceChildren(settingsForm(ctx, data.publishedRounds || []));
}

function settingsForm(ctx, published) {
  const c = st.contest;
  const L = st.limits;
  const pc = L.prizeCount || { min: 1, max: 1000 };
  const rt = L.reportThreshold || { min: 0, max: 1, default: 0.8 };
  const cps = L.codesPerSecond || { min: 0, max: 1000, default: 5 };
  const cph = L.codesPerRequesterHour || { min: 0, default: 600 };
  const mps = L.mailPerSecond || { min: 0, max: 1000 };
  const pct = (x) => String(Math.round(x * 1000) / 10).replace('.', ',');
  const form = h('form', { id: 'settings-form', class: 'form settings-form', novalidate: true },
    h('section', { class: 'card', 'aria-labelledby': 'settings-general' },
      h('h2', { id: 'settings-general', text: 'Thông tin chung' }),
      field('set-title', 'Tên hội thi', h('input', { type: 'text', name: 'title', value: c.title || '', autocomplete: 'off', required: true }), 'Hiện ở đầu trang và trên kết quả công bố.'),
      field('set-allowedDomains', 'Tên miền email công vụ (mỗi dòng một tên miền)',
        h('textarea', { name: 'allowedDomains', rows: '3', autocapitalize: 'off', spellcheck: 'false', text: (c.allowedDomains || []).join('\n') }),
        'Ví dụ hue.gov.vn: địa chỉ của tên miền này và các tên miền con là email công vụ.'),
      h('div', { class: 'field', dataset: { field: 'set-allowUnlisted' } },
        h('label', { class: 'check' },
          h('input', { id: 'set-allowUnlisted', type: 'checkbox', name: 'rosterOnly', checked: !c.allowUnlisted, 'aria-describedby': 'set-allowUnlisted-help set-allowUnlisted-error' }),
          ' Chỉ người có trong danh sách dự thi được đăng nhập bằng email công vụ'),
        h('p', { id: 'set-allowUnlisted-help', class: 'help', text: 'Bỏ chọn thì mọi email thuộc các tên miền trên đều đăng nhập được và dự thi như cán bộ không thuộc đơn vị nào.' }),
        h('p', { id: 'set-allowUnlisted-error', class: 'field-error', hidden: true })),
      h('fieldset', { class: 'field', id: 'set-openSignUp', 'aria-describedby': 'set-openSignUp-help set-openSignUp-error' },
        h('legend', { text: 'Đối tượng được tự đăng ký' }),
        ...(L.openSignUp || ['citizen']).map((a) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name: 'openSignUp', value: a, checked: (c.openSignUp || []).includes(a) }),
          ' ' + (a === 'citizen' ? 'Người dân (tự khai họ tên và phường, xã)' : a))),
        h('p', { id: 'set-openSignUp-help', class: 'help', text: 'Cán bộ, công chức, viên chức không tự đăng ký: họ có trong danh sách dự thi.' }),
        h('p', { id: 'set-openSignUp-error', class: 'field-error', hidden: true }))),
    h('section', { class: 'card', 'aria-labelledby': 'settings-learning' },
      h('h2', { id: 'settings-learning', text: 'Học sau tuần thi' }),
      h('fieldset', { class: 'field', id: 'set-practice', 'aria-describedby': 'set-practice-help set-practice-error' },
        h('legend', { text: 'Ôn tập trên câu hỏi của các tuần đã kết thúc' }),
        ...(L.practiceChoices || []).map((ch) => h('label', { class: 'check' },
          h('input', { type: 'radio', name: 'practice', value: ch.value, checked: (c.practice || 'off') === ch.value }),
          ' ' + ch.label)),
        h('p', { id: 'set-practice-help', class: 'help', text: 'Ôn tập không chấm điểm, không tính cho đơn vị hay giải; máy chủ chỉ đếm số lượt trả lời mỗi câu, không lưu ai trả lời.' }),
        h('p', { id: 'set-practice-error', class: 'field-error', hidden: true })),
      h('div', { class: 'field', dataset: { field: 'set-publicKeysAfterClose' } },
        h('label', { class: 'check' },
          h('input', { id: 'set-publicKeysAfterClose', type: 'checkbox', name: 'publicKeysAfterClose', checked: !!c.publicKeysAfterClose, 'aria-describedby': 'set-publicKeysAfterClose-help set-publicKeysAfterClose-error' }),
          ' Công bố đáp án của các tuần đã kết thúc, kể cả khi tuần sau còn dùng cùng bộ câu hỏi'),
        h('p', { id: 'set-publicKeysAfterClose-help', class: 'help', text: L.publicKeysRule || '' }),
        h('p', { id: 'set-publicKeysAfterClose-error', class: 'field-error', hidden: true }))),
    h('section', { class: 'card', 'aria-labelledby': 'settings-ranking' },
      h('h2', { id: 'settings-ranking', text: 'Xếp hạng và giải thưởng' }),
      h('fieldset', { class: 'field', id: 'set-tieBreak', 'aria-describedby': 'set-tieBreak-help set-tieBreak-error' },
        h('legend', { text: 'Thứ tự xếp hạng (tiêu chí trên xét trước)' }),
        h('ol', { id: 'tiebreak-list', class: 'order-list' }),
        h('p', { id: 'set-tieBreak-help', class: 'help', text: 'Dùng nút “Lên” và “Xuống” để đổi thứ tự; mỗi tiêu chí xuất hiện đúng một lần.' }),
        h('p', { id: 'set-tieBreak-error', class: 'field-error', hidden: true })),
      h('fieldset', { class: 'field', id: 'set-prizes', 'aria-describedby': 'set-prizes-help set-prizes-error' },
        h('legend', { text: 'Giải cá nhân mỗi tuần, cho mỗi đối tượng' }),
        h('div', { id: 'prize-list', class: 'prize-list' }),
        h('div', { class: 'actions' }, h('button', { id: 'prize-add', type: 'button', class: 'btn btn-secondary btn-small', text: 'Thêm giải' })),
        h('p', { id: 'set-prizes-help', class: 'help', text: `Mỗi giải một tên khác nhau, số lượng từ ${fmtInt(pc.min)} đến ${fmtInt(pc.max)}. Cán bộ và người dân được xét giải riêng, mỗi đối tượng các giải này.` }),
        h('p', { id: 'set-prizes-error', class: 'field-error', hidden: true })),
      field('set-reportThreshold', 'Ngưỡng tỷ lệ tham gia của đơn vị (%)',
        h('input', { type: 'number', name: 'reportThreshold', min: String(rt.min * 100), max: String(rt.max * 100), step: '0.1', inputmode: 'decimal', value: c.reportThreshold ? String(Math.round(c.reportThreshold * 1000) / 10) : '' }),
        `Từ ${pct(rt.min)} đến ${pct(rt.max)}%; để trống là ${pct(rt.default)}%. Báo cáo gửi Sở Nội vụ nêu các đơn vị có tỷ lệ dưới ngưỡng này.`)),
    scheduleSection(c, L.schedule || {}),
    h('details', { class: 'card settings-advanced' },
      h('summary', { text: 'Nâng cao: gửi email (giới hạn, địa chỉ gửi)' }),
      field('set-codesPerSecond', 'Số email đăng nhập mỗi giây (cả hội thi)',
        h('input', { type: 'number', name: 'codesPerSecond', min: String(cps.min), max: String(cps.max), step: '0.1', inputmode: 'decimal', value: c.codesPerSecond ? String(c.codesPerSecond) : '' }),
        `Từ ${cps.min} đến ${fmtInt(cps.max)}; để trống là ${cps.default}. Giữ dưới tốc độ gửi của dịch vụ email.`),
      field('set-codesPerRequesterHour', 'Số email đăng nhập mỗi giờ từ một địa chỉ mạng',
        h('input', { type: 'number', name: 'codesPerRequesterHour', min: String(cph.min), step: '1', inputmode: 'numeric', value: c.codesPerRequesterHour ? String(c.codesPerRequesterHour) : '' }),
        `Từ ${cph.min}; để trống là ${fmtInt(cph.default)}.`),
      field('set-mailFrom', 'Địa chỉ gửi thư của hội thi',
        h('input', { type: 'email', name: 'mailFrom', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', value: c.mailFrom || '' }),
        (L.mailFromRule || '') + ((L.mailDomains || []).length ? ` Tên miền đã xác minh: ${L.mailDomains.join(', ')}.` : '')),
      field('set-mailPerSecond', 'Số email mỗi giây của hội thi (mã đăng nhập và thư nhắc)',
        h('input', { type: 'number', name: 'mailPerSecond', min: String(mps.min), max: String(mps.max), step: '0.1', inputmode: 'decimal', value: c.mailPerSecond ? String(c.mailPerSecond) : '' }),
        `Từ ${mps.min} đến ${fmtInt(mps.max)} (tốc độ gửi của hệ thống); để trống là dùng chung toàn bộ. Phần này dành cho hội thi, để thư nhắc của hội thi khác không làm chậm việc gửi thư của hội thi này.`)),
    h('section', { class: 'card', 'aria-labelledby': 'settings-save-title' },
      h('h2', { id: 'settings-save-title', text: 'Lưu thay đổi' }),
      published.length
        ? h('p', { id: 'settings-published', class: 'help', text: `Đã công bố kết quả ${fmtInt(published.length)} tuần (${published.join(', ')}). Đổi thứ tự xếp hạng, giải hoặc ngưỡng thì trang sẽ nói trước những tuần bị ảnh hưởng.` })
        : null,
      h('p', { id: 'settings-other', class: 'field-error', hidden: true }),
      h('div', { class: 'actions' }, h('button', { id: 'settings-check', type: 'submit', class: 'btn btn-primary', text: 'Kiểm tra thay đổi' })),
      notice('settings-status', ''),
      h('div', { id: 'settings-review', hidden: true },
        h('ul', { id: 'settings-fields' }),
        h('p', { id: 'settings-warning', class: 'notice notice-info', hidden: true }),
        h('div', { class: 'actions' },
          h('button', { id: 'settings-confirm', type: 'button', class: 'btn btn-primary', text: 'Lưu các thay đổi này' }),
          h('span', { class: 'small muted', text: 'Thay đổi được ghi vào nhật ký thao tác.' })))));
  renderOrder(form);
  renderPrizes(form);
  renderSlots(form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveSettings(ctx, { dryRun: true });
  });
  form.addEventListener('input', () => invalidate());
  form.addEventListener('change', () => invalidate());
  form.querySelector('#prize-add').addEventListener('click', () => {
    st.prizes.push({ name: '', count: 1 });
    invalidate();
    renderPrizes(form);
    const inputs = form.querySelectorAll('#prize-list input[name="prizeName"]');
    inputs[inputs.length - 1].focus();
  });
  form.querySelector('#slot-add').addEventListener('click', () => {
    st.slots.push({ name: '', weekday: 1, time: '08:00', audience: 'unit-admins' });
    invalidate();
    renderSlots(form);
    const inputs = form.querySelectorAll('#slot-list input[name="slotName"]');
    inputs[inputs.length - 1].focus();
  });
  form.querySelector('#settings-confirm').addEventListener('click', () => saveSettings(ctx, { dryRun: false }));
  return form;
}

/** The contest's own schedule (tally, reminder slots) and site origins, with the API's limits. */
function scheduleSection(c, SL) {
  const sched = c.schedule || SL.default || {};
  const ta = SL.tallyAfterMinutes || { min: 5, max: 1440, default: 30 };
  const zones = SL.timeZones || ['Asia/Ho_Chi_Minh'];
  const zone = sched.timeZone || 'Asia/Ho_Chi_Minh';
  return h('section', { class: 'card', 'aria-labelledby': 'settings-schedule' },
    h('h2', { id: 'settings-schedule', text: 'Lịch tự động và địa chỉ trang' }),
    nextRunsNote(st.nextRuns, SL.tickMinutes || 5),
    field('set-schedule.timeZone', 'Múi giờ của lịch',
      h('select', { name: 'timeZone' }, ...zones.map((z) => h('option', { value: z, text: z, selected: z === zone }))),
      'Giờ nhắc thi dưới đây tính theo múi giờ này.'),
    field('set-schedule.tallyAfterMinutes', 'Tổng hợp và công bố kết quả sau khi tuần thi đóng (phút)',
      h('input', { type: 'number', name: 'tallyAfterMinutes', min: String(ta.min), max: String(ta.max), step: '1', inputmode: 'numeric', value: sched.tallyAfterMinutes ? String(sched.tallyAfterMinutes) : '' }),
      `Từ ${fmtInt(ta.min)} đến ${fmtInt(ta.max)} phút; để trống là ${fmtInt(ta.default)}. Lịch được xem ${fmtInt(SL.tickMinutes || 5)} phút một lần.`),
    h('fieldset', { class: 'field', id: 'set-schedule.reminders', 'aria-describedby': 'set-schedule.reminders-help set-schedule.reminders-error' },
      h('legend', { text: 'Các lượt nhắc thi mỗi tuần' }),
      h('div', { id: 'slot-list', class: 'prize-list' }),
      h('div', { class: 'actions' }, h('button', { id: 'slot-add', type: 'button', class: 'btn btn-secondary btn-small', text: 'Thêm lượt nhắc' })),
      h('p', { id: 'set-schedule.reminders-help', class: 'help', text: `Nhiều nhất ${fmtInt(SL.maxReminders || 6)} lượt; mỗi người nhận nhiều nhất một email mỗi lượt. Tên lượt dùng chữ thường không dấu, số và "-". Lượt bị lỡ vẫn chạy trong ${fmtInt(SL.reminderCatchUpHours || 6)} giờ sau giờ đã định.` }),
      h('p', { id: 'set-schedule.reminders-error', class: 'field-error', hidden: true })),
    field('set-origins', 'Địa chỉ trang riêng của hội thi (mỗi dòng một địa chỉ)',
      h('textarea', { name: 'origins', rows: '2', autocapitalize: 'off', spellcheck: 'false', text: (c.origins || []).join('\n') }),
      `Ví dụ https://hoithi.hue.gov.vn (https và tên miền, không có đường dẫn), nhiều nhất ${fmtInt(SL.maxOrigins || 10)}. Trang chính của hệ thống luôn dùng được; địa chỉ mới có hiệu lực sau khoảng một phút.`));
}

/** "Thứ Tư 04/03/2026 08:00" from a time the API gives in the schedule's own zone (its wall clock as written). */
function wallTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || '');
  if (!m) return '';
  const weekday = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
  return `${WEEKDAYS[weekday]} ${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`;
}

/** When the saved schedule next publishes each round's results and next reminds (GET /contest's nextRuns). */
function nextRunsNote(next, tick) {
  if (!next) return null;
  const items = (next.tallies || []).map((r) => h('li', { dataset: { round: r.round },
    text: `Lần công bố kết quả tiếp theo: ${r.title || r.round}, ${wallTime(r.at)}` + (r.due ? ` (đã đến giờ: chạy trong vòng ${fmtInt(tick)} phút)` : '.') }));
  const rm = next.reminder;
  items.push(h('li', { id: 'settings-next-reminder',
    text: rm
      ? `Lần nhắc tiếp theo: ${wallTime(rm.at)}, lượt “${rm.slot}” cho ${rm.title || rm.round}` + ((rm.rounds || []).length > 1 ? ` và ${fmtInt(rm.rounds.length - 1)} tuần khác` : '') + '.'
      : `Lần nhắc tiếp theo: chưa có (không có tuần thi cán bộ nào mở vào các giờ nhắc sắp tới).` }));
  return h('div', { id: 'settings-next-runs', class: 'help' },
    h('p', { text: `Theo lịch đã lưu (giờ ${next.timeZone || 'Asia/Ho_Chi_Minh'}):` }),
    h('ul', { id: 'settings-next-list' }, ...items));
}

/** After a new schedule is saved: when its runs are next due (the note stays as it was if this fails). */
async function refreshNextRuns(ctx) {
  try {
    const { data } = await adminCall(ctx, 'GET', '/contest');
    st.nextRuns = data.nextRuns || null;
    const old = $('#settings-next-runs');
    const fresh = nextRunsNote(st.nextRuns, (st.limits.schedule && st.limits.schedule.tickMinutes) || 5);
    if (old && fresh) old.replaceWith(fresh);
  } catch {
    // the settings are saved; only the note is not refreshed
  }
}

/** The reminder slots as rows: name, weekday, time, who hears. */
function renderSlots(root = document) {
  const list = root.querySelector('#slot-list');
  const max = (st.limits && st.limits.schedule && st.limits.schedule.maxReminders) || 6;
  root.querySelector('#slot-add').disabled = st.slots.length >= max;
  list.replaceChildren(...st.slots.map((r, i) => h('div', { class: 'prize-row slot-row', dataset: { index: String(i) } },
    h('label', { for: `slot-name-${i}`, class: 'visually-hidden', text: `Tên lượt nhắc thứ ${i + 1}` }),
    h('input', {
      id: `slot-name-${i}`, type: 'text', name: 'slotName', value: r.name, placeholder: 'Tên lượt (ví dụ nhac-thu-tu)', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      oninput: (e) => { st.slots[i].name = e.target.value; },
    }),
    h('label', { for: `slot-day-${i}`, class: 'visually-hidden', text: `Thứ của lượt nhắc thứ ${i + 1}` }),
    h('select', {
      id: `slot-day-${i}`, name: 'slotDay', onchange: (e) => { st.slots[i].weekday = Number(e.target.value); },
    }, ...WEEKDAYS.map((d, n) => h('option', { value: String(n), text: d, selected: n === r.weekday }))),
    h('label', { for: `slot-time-${i}`, class: 'visually-hidden', text: `Giờ của lượt nhắc thứ ${i + 1}` }),
    h('input', {
      id: `slot-time-${i}`, type: 'time', name: 'slotTime', value: r.time, step: '60',
      oninput: (e) => { st.slots[i].time = e.target.value; },
    }),
    h('label', { for: `slot-audience-${i}`, class: 'visually-hidden', text: `Người nhận lượt nhắc thứ ${i + 1}` }),
    h('select', {
      id: `slot-audience-${i}`, name: 'slotAudience', onchange: (e) => { st.slots[i].audience = e.target.value; },
    }, ...((st.limits.schedule && st.limits.schedule.audiences) || Object.keys(AUDIENCE_LABEL)).map((a) => h('option', { value: a, text: AUDIENCE_LABEL[a] || a, selected: a === r.audience }))),
    h('button', {
      type: 'button', class: 'btn btn-link btn-small', text: 'Xoá', 'aria-label': `Xoá lượt nhắc “${r.name || i + 1}”`,
      onclick: () => { st.slots.splice(i, 1); invalidate(); renderSlots(); },
    }))));
}

function invalidate() {
  if (st.busy || !st.checked) return;
  st.checked = null;
  const review = $('#settings-review');
  if (review) review.hidden = true;
  setNotice($('#settings-status'), 'Biểu mẫu đã đổi sau lần kiểm tra: bấm “Kiểm tra thay đổi” lại trước khi lưu.', 'info', 'changed');
}

/** The tie-break order as a list with "Lên"/"Xuống" buttons (no dragging needed). */
function renderOrder(root = document) {
  const list = root.querySelector('#tiebreak-list');
  const n = st.order.length;
  list.replaceChildren(...st.order.map((key, i) => h('li', { dataset: { key } },
    h('span', { class: 'order-label', text: TIE_LABEL[key] || key }),
    h('span', { class: 'order-buttons' },
      h('button', {
        type: 'button', class: 'btn btn-secondary btn-small', text: 'Lên', disabled: i === 0,
        'aria-label': `Đưa “${TIE_LABEL[key] || key}” lên trên`, onclick: () => moveKey(i, -1),
      }),
      h('button', {
        type: 'button', class: 'btn btn-secondary btn-small', text: 'Xuống', disabled: i === n - 1,
        'aria-label': `Đưa “${TIE_LABEL[key] || key}” xuống dưới`, onclick: () => moveKey(i, 1),
      })))));
}

function moveKey(i, d) {
  const j = i + d;
  if (j < 0 || j >= st.order.length) return;
  [st.order[i], st.order[j]] = [st.order[j], st.order[i]];
  invalidate();
  renderOrder();
  // keep the focus on the moved criterion's same button (or the other one at an end)
  const li = document.querySelectorAll('#tiebreak-list li')[j];
  const btns = li.querySelectorAll('button');
  const b = d < 0 ? btns[0] : btns[1];
  (b.disabled ? (d < 0 ? btns[1] : btns[0]) : b).focus();
  ctxAnnounce(`“${TIE_LABEL[st.order[j]] || st.order[j]}” ở vị trí ${j + 1}.`);
}


function renderPrizes(root = document) {
  const list = root.querySelector('#prize-list');
  list.replaceChildren(...st.prizes.map((p, i) => h('div', { class: 'prize-row', dataset: { index: String(i) } },
    h('label', { for: `prize-name-${i}`, class: 'visually-hidden', text: `Tên giải thứ ${i + 1}` }),
    h('input', {
      id: `prize-name-${i}`, type: 'text', name: 'prizeName', value: p.name, placeholder: 'Tên giải', autocomplete: 'off',
      oninput: (e) => { st.prizes[i].name = e.target.value; },
    }),
    h('label', { for: `prize-count-${i}`, class: 'visually-hidden', text: `Số lượng giải thứ ${i + 1}` }),
    h('input', {
      id: `prize-count-${i}`, type: 'number', name: 'prizeCount', min: '1', step: '1', inputmode: 'numeric', value: String(p.count), class: 'prize-count',
      oninput: (e) => { st.prizes[i].count = e.target.value === '' ? 0 : Number(e.target.value); },
    }),
    h('button', {
      type: 'button', class: 'btn btn-link btn-small', text: 'Xoá', 'aria-label': `Xoá giải “${p.name || i + 1}”`,
      onclick: () => { st.prizes.splice(i, 1); invalidate(); renderPrizes(); },
    }))));
}

/** The settings as the form says them: the contest read, with the form's fields over it. */
function formSettings() {
  const form = $('#settings-form');
  const num = (name) => {
    const v = form.elements[name].value.trim().replace(',', '.');
    return v === '' ? 0 : Number(v);
  };
  const next = { ...st.contest };
  next.title = form.elements.title.value;
  next.allowedDomains = form.elements.allowedDomains.value.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
  next.allowUnlisted = !form.elements.rosterOnly.checked;
  next.openSignUp = [...form.querySelectorAll('input[name="openSignUp"]:checked')].map((i) => i.value);
  const practice = form.querySelector('input[name="practice"]:checked');
  if (practice) next.practice = practice.value;
  next.publicKeysAfterClose = form.elements.publicKeysAfterClose.checked;
  next.tieBreak = st.order.slice();
  next.prizes = st.prizes.map((p) => ({ name: p.name, count: Number(p.count) || 0 }));
  const threshold = num('reportThreshold');
  next.reportThreshold = Number.isFinite(threshold) ? Math.round(threshold * 10) / 1000 : NaN;
  next.codesPerSecond = num('codesPerSecond');
  next.codesPerRequesterHour = num('codesPerRequesterHour');
  next.schedule = {
    timeZone: form.elements.timeZone.value,
    tallyAfterMinutes: num('tallyAfterMinutes'),
    reminders: st.slots.map((r) => ({ name: r.name.trim(), weekday: Number(r.weekday), time: r.time, audience: r.audience })),
  };
  next.origins = form.elements.origins.value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  next.mailFrom = form.elements.mailFrom.value.trim();
  next.mailPerSecond = num('mailPerSecond');
  return next;
}

async function saveSettings(ctx, { dryRun }) {
  if (st.busy) return;
  ctx.clearError();
  const status = $('#settings-status');
  let body;
  if (dryRun) {
    body = formSettings();
    for (const [k, v] of [...Object.entries(body), ['schedule.tallyAfterMinutes', body.schedule.tallyAfterMinutes]]) {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        fieldError('set-' + k, ['Hãy ghi một số.']);
        document.getElementById('set-' + k).focus();
        return;
      }
    }
  } else {
    body = st.checked;
    if (!body) return;
  }
  st.busy = true;
  const check = $('#settings-check');
  const confirm = $('#settings-confirm');
  check.disabled = true;
  confirm.disabled = true;
  setNotice(status, dryRun ? 'Đang kiểm tra các thay đổi…' : 'Đang lưu…', 'info', dryRun ? 'checking' : 'writing');
  try {
    const { data } = await adminCall(ctx, 'PUT', '/contest' + (dryRun ? '?dryRun=1' : ''), body);
    if (!data.ok) {
      const problems = Array.isArray(data.problems) ? data.problems : [];
      const rest = placeProblems('set-', problems, SETTINGS_FIELDS);
      const other = $('#settings-other');
      other.textContent = rest.map((p) => p.message || p.detail).join(' ');
      other.hidden = !rest.length;
      $('#settings-review').hidden = true;
      setNotice(status, `Có ${fmtInt(problems.length)} lỗi; chưa lưu gì. Các lỗi ở ngay dưới từng mục.`, 'error', 'problems');
      return;
    }
    placeProblems('set-', [], SETTINGS_FIELDS);
    $('#settings-other').hidden = true;
    const ch = data.change || {};
    const fields = Array.isArray(ch.fields) ? ch.fields : [];
    if (dryRun) {
      if (!fields.length) {
        setNotice(status, 'Không có thay đổi nào so với cài đặt đang dùng.', 'info', 'unchanged');
        $('#settings-review').hidden = true;
        return;
      }
      st.checked = body;
      $('#settings-fields').replaceChildren(...fields.map((f) => h('li', { dataset: { field: f }, text: 'Đổi ' + (FIELD_LABEL[f] || f) })));
      const warn = $('#settings-warning');
      warn.textContent = ch.warning || '';
      warn.hidden = !ch.warning;
      $('#settings-review').hidden = false;
      setNotice(status, `Kiểm tra xong: ${fmtInt(fields.length)} mục thay đổi, chưa lưu. Xem lại rồi bấm “Lưu các thay đổi này”.`, 'info', 'clean');
      confirm.focus();
    } else {
      st.checked = null;
      st.contest = data.contest || body;
      $('#settings-review').hidden = true;
      const text = fields.length ? `Đã lưu: ${fields.map((f) => FIELD_LABEL[f] || f).join(', ')}. Thao tác đã được ghi vào nhật ký.` : 'Không có thay đổi nào để lưu.';
      // written, but the data bucket's CORS rule was not set (data.warning)
      const said = data.warning ? `${text} ${data.warning}` : text;
      setNotice(status, said, data.warning ? 'error' : 'ok', 'written');
      ctx.announce(said);
      if (fields.includes('schedule')) refreshNextRuns(ctx);
    }
  } catch (err) {
    setNotice(status, (dryRun ? 'Chưa kiểm tra được: ' : 'Chưa lưu được: ') + err.message, 'error', 'failed');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    st.busy = false;
    check.disabled = false;
    confirm.disabled = false;
  }
}
