// The organisers' insight pages (issue #14), under #/ban-to-chuc:
//   thong-ke    question statistics of a round (GET {tally}/rounds/{id}/statistics), a sortable
//               table, whole round or one block; a bank's questions across rounds (GET {tally}/banks/history)
//   liem-chinh  integrity review (GET {tally}/rounds/{id}/integrity): flagged papers, one paper's
//               detail, exclusion with a reason and its lifting (POST/DELETE {tally}/papers/{id}/exclusion),
//               then the republish the organiser page already has (POST {tally}/rounds/{id}/tally)
//   video       the clip contest: each juror's progress (GET {clips}/jury/progress), the ranking per
//               block (GET {clips}/ranking), publishing it (POST {clips}/ranking/publish) and its files
// Every figure, flag and rule is the server's: the page shows what the API answers.

import { ApiError, request, fetchPublished } from './api.js';
import { $, h, fmtInt, fmtPercent, fmtDecimal, fmtDateTime, stackTable } from './util.js';
import { blockLabel } from './results.js';

const PAGES = {
  stats: { slug: 'thong-ke', title: 'Thống kê câu hỏi' },
  integrity: { slug: 'liem-chinh', title: 'Rà soát bài thi' },
  clips: { slug: 'video', title: 'Video clip: giám khảo và xếp hạng' },
};

const STATUS_LABEL = { upcoming: 'Sắp mở', open: 'Đang mở', closed: 'Đã kết thúc' };
const AUDIENCE_LABEL = { staff: 'Cán bộ, công chức, viên chức', citizen: 'Người dân' };

/** The statistics' flags in words (shared/stats). */
const FLAG_LABEL = {
  negative_discrimination: 'Độ phân biệt âm: người làm tốt các câu khác lại hay sai câu này (xem lại đáp án, cách hỏi)',
  low_discrimination: 'Độ phân biệt thấp: câu hỏi hầu như không phân biệt bài tốt với bài yếu',
  distractor_over_key: 'Một phương án sai được chọn nhiều hơn đáp án đúng',
  too_easy: 'Quá dễ: gần như ai cũng trả lời đúng',
  too_hard: 'Quá khó: rất ít người trả lời đúng',
};
const FLAG_SHORT = {
  negative_discrimination: 'Độ phân biệt âm',
  low_discrimination: 'Độ phân biệt thấp',
  distractor_over_key: 'Phương án sai được chọn nhiều hơn đáp án',
  too_easy: 'Quá dễ',
  too_hard: 'Quá khó',
};

/** The integrity signals in words (shared/integrity); the detail comes from the server. */
const SIGNAL_LABEL = {
  impossible_speed: 'Làm bài nhanh bất thường',
  identical_answers: 'Bài làm giống hệt bài khác',
  identical_timings: 'Thời điểm làm bài trùng với bài khác',
  staff: 'Trùng tên thành viên Ban tổ chức, tổ giúp việc hoặc giám khảo',
  shared_address: 'Cùng đường truyền với nhiều bài khác',
  shared_device: 'Cùng thiết bị với nhiều bài khác',
};
const SHARED_LABEL = {
  shared_address: 'cùng một địa chỉ mạng (đường truyền)',
  shared_device: 'cùng một thiết bị (địa chỉ mạng và trình duyệt)',
};

const MSG_NO_TALLY = 'Trang chưa được cấu hình địa chỉ chức năng tổng hợp kết quả (tally trong config.js). Vui lòng liên hệ bộ phận kỹ thuật.';
const MSG_NO_QUIZ = 'Trang chưa được cấu hình địa chỉ chức năng thi (quiz trong config.js). Vui lòng liên hệ bộ phận kỹ thuật.';
const MSG_NO_CLIPS = 'Trang chưa được cấu hình địa chỉ chức năng video clip (clips trong config.js). Vui lòng liên hệ bộ phận kỹ thuật.';

const enc = encodeURIComponent;

// ------------------------------------------------------------ requests

function api(ctx) {
  const token = () => { const s = ctx.session(); return s ? s.token : ''; };
  const tally = (path, opts = {}) => (ctx.cfg.tally
    ? request(ctx.cfg.tally, path, { ...opts, token: token() })
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_TALLY })));
  const clips = (path, opts = {}) => (ctx.cfg.clips
    ? request(ctx.cfg.clips, path, { ...opts, token: token() })
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_CLIPS })));
  const quiz = (path, opts = {}) => (ctx.cfg.quiz
    ? request(ctx.cfg.quiz, path, { ...opts, token: token() })
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_QUIZ })));
  return {
    practiceCounts: (from, to) => quiz('/practice/counts?' + new URLSearchParams({ from, to }).toString()),
    statistics: (roundId) => tally('/rounds/' + enc(roundId) + '/statistics', { timeoutMs: 60000 }),
    bankHistory: () => tally('/banks/history', { timeoutMs: 60000 }),
    integrity: (roundId) => tally('/rounds/' + enc(roundId) + '/integrity', { timeoutMs: 60000 }),
    exclude: (paperId, reason) => tally('/papers/' + enc(paperId) + '/exclusion', { method: 'POST', body: { reason } }),
    include: (paperId) => tally('/papers/' + enc(paperId) + '/exclusion', { method: 'DELETE' }),
    retally: (roundId) => tally('/rounds/' + enc(roundId) + '/tally', { method: 'POST', timeoutMs: 120000 }),
    juryProgress: () => clips('/jury/progress'),
    clipRanking: () => clips('/ranking'),
    publishClips: () => clips('/ranking/publish', { method: 'POST', timeoutMs: 60000 }),
  };
}

// ------------------------------------------------------------ page

const built = { stats: false, integrity: false, clips: false };

/** Shows one of the insight pages (route.page: stats | integrity | clips). */
export async function showInsight(ctx, route) {
  const page = PAGES[route.page] ? route.page : 'stats';
  const s = ctx.session();
  const roles = (s && s.participant && s.participant.roles) || [];
  $('#insight-title').textContent = PAGES[page].title;
  $('#insight-crumb').textContent = PAGES[page].title;
  const denied = $('#insight-denied');
  const tabs = $('#insight-tabs');
  for (const key of Object.keys(PAGES)) $('#insight-' + key).hidden = true;
  if (!roles.includes('organiser')) {
    denied.textContent = 'Trang này dành cho Ban tổ chức hội thi.';
    denied.hidden = false;
    tabs.hidden = true;
    return;
  }
  denied.hidden = true;
  tabs.hidden = false;
  for (const a of tabs.querySelectorAll('a[data-tab]')) {
    if (a.dataset.tab === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const box = $('#insight-' + page);
  box.hidden = false;
  if (page === 'stats') await showStats(ctx, box);
  else if (page === 'integrity') await showIntegrity(ctx, box);
  else await showClips(ctx, box);
}

/** The open and closed rounds, open ones first then the latest. */
function reviewRounds(rounds) {
  return rounds.filter((r) => r.status === 'open' || r.status === 'closed').sort((a, b) => {
    if (a.status !== b.status) return a.status === 'open' ? -1 : 1;
    return String(b.opensAt).localeCompare(String(a.opensAt));
  });
}

function fillRounds(select, rounds) {
  const keep = select.value;
  const list = reviewRounds(rounds);
  fill(select, ...list.map((r) => h('option', { value: r.id },
    `${r.title || r.id} — ${STATUS_LABEL[r.status] || r.status}${r.audience === 'citizen' ? ' (người dân)' : ''}`)));
  if (keep && list.some((r) => r.id === keep)) select.value = keep;
  select.disabled = !list.length;
  return list;
}

/** replaceChildren without the null of a child left out (which it would write as "null"). */
function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

function setStatus(el, state, text, tone = 'info') {
  el.dataset.state = state;
  el.className = 'notice notice-' + tone;
  el.textContent = text;
  el.hidden = !text;
}

function field(id, label, control, help) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control, help || null);
}

// ------------------------------------------------------------ statistics

const stats = { data: null, scope: '', sort: { key: 'order', dir: 'ascending' }, seq: 0, history: null };

const STAT_COLS = [
  { key: 'order', label: 'Câu hỏi', cls: 'q' },
  { key: 'facility', label: 'Độ dễ', cls: 'num', first: 'descending' },
  { key: 'discrimination', label: 'Độ phân biệt', cls: 'num', first: 'ascending' },
  { key: 'flags', label: 'Cảnh báo', cls: 'flags', first: 'descending' },
  { key: 'attempts', label: 'Số lượt', cls: 'num', first: 'descending' },
];

function buildStats(ctx, box) {
  fill(box,
    h('section', { class: 'card', 'aria-labelledby': 'stats-heading' },
      h('h2', { id: 'stats-heading', text: 'Thống kê câu hỏi của một tuần thi' }),
      h('p', { class: 'muted small' },
        'Độ dễ: tỷ lệ bài trả lời đúng câu hỏi. Độ phân biệt: câu hỏi phân biệt bài làm tốt với bài làm chưa tốt đến đâu ',
        '(từ −1 đến 1; càng cao càng tốt, âm là đáng ngờ). Câu có cảnh báo nên được xem lại trước khi dùng lại bộ câu hỏi. ',
        'Tuần đã công bố: số liệu chính thức lưu khi công bố; tuần đang mở: số liệu tạm tính đến lúc xem.'),
      h('form', { id: 'stats-form', class: 'controls', novalidate: true },
        field('stats-round', 'Tuần thi', h('select', { id: 'stats-round' })),
        field('stats-scope', 'Phạm vi', h('select', { id: 'stats-scope', disabled: true }, h('option', { value: '', text: 'Toàn tuần thi' }))),
        h('button', { id: 'stats-load', class: 'btn btn-primary', type: 'submit', text: 'Xem thống kê' })),
      h('p', { id: 'stats-status', role: 'status', 'aria-live': 'polite', hidden: true }),
      h('div', { id: 'stats-body', dataset: { state: 'idle' } })),
    h('section', { class: 'card', 'aria-labelledby': 'bank-heading' },
      h('h2', { id: 'bank-heading', text: 'Lịch sử câu hỏi qua các tuần (theo bộ câu hỏi)' }),
      h('p', { class: 'muted small', text: 'Độ dễ và độ phân biệt của từng câu hỏi ở mỗi tuần thi đã công bố dùng bộ câu hỏi đó: câu nào luôn quá dễ, quá khó hay đáng ngờ.' }),
      h('div', { class: 'controls' },
        field('bank-select', 'Bộ câu hỏi', h('select', { id: 'bank-select', disabled: true }, h('option', { value: '', text: 'Bấm “Tải lịch sử” để xem các bộ câu hỏi' }))),
        h('button', { id: 'bank-load', class: 'btn btn-secondary', type: 'button', text: 'Tải lịch sử' })),
      h('p', { id: 'bank-status', role: 'status', 'aria-live': 'polite', hidden: true }),
      h('div', { id: 'bank-body' })),
    h('section', { class: 'card', 'aria-labelledby': 'practice-heading' },
      h('h2', { id: 'practice-heading', text: 'Ôn tập: số lượt trả lời từng câu hỏi' }),
      h('p', { class: 'muted small', text: 'Số lượt trả lời và trả lời đúng trong phần ôn tập (không chấm điểm, không tính giải), đếm theo ngày, không ghi ai trả lời. Để trống ngày thì xem 7 ngày gần nhất; mỗi lần xem tối đa 92 ngày.' }),
      h('form', { id: 'practice-form', class: 'controls', novalidate: true },
        practiceDate('practice-from', 'Từ ngày'),
        practiceDate('practice-to', 'Đến ngày'),
        h('button', { id: 'practice-load', class: 'btn btn-secondary', type: 'submit', text: 'Xem số lượt ôn tập' })),
      h('p', { id: 'practice-status', role: 'status', 'aria-live': 'polite', hidden: true }),
      h('div', { id: 'practice-body', dataset: { state: 'idle' } })),
  );
  $('#practice-form').addEventListener('submit', (e) => { e.preventDefault(); loadPractice(ctx); });
  $('#stats-form').addEventListener('submit', (e) => { e.preventDefault(); loadStats(ctx); });
  $('#stats-round').addEventListener('change', () => loadStats(ctx));
  $('#stats-scope').addEventListener('change', () => { stats.scope = $('#stats-scope').value; renderStatsTable(); });
  $('#bank-load').addEventListener('click', () => loadHistory(ctx));
  $('#bank-select').addEventListener('change', () => renderHistory());
}

async function showStats(ctx, box) {
  if (!built.stats) {
    buildStats(ctx, box);
    built.stats = true;
  }
  const rounds = await ctx.ensureRounds({ fresh: true });
  if (!ctx.stillOn()) return;
  const list = fillRounds($('#stats-round'), rounds);
  if (!list.length) {
    setStatus($('#stats-status'), 'empty', 'Chưa có tuần thi nào đang mở hoặc đã kết thúc.');
    return;
  }
  if (!stats.data) await loadStats(ctx);
}

async function loadStats(ctx) {
  const roundId = $('#stats-round').value;
  if (!roundId) return;
  const seq = ++stats.seq;
  const body = $('#stats-body');
  const btn = $('#stats-load');
  btn.disabled = true;
  body.dataset.state = 'loading';
  body.setAttribute('aria-busy', 'true');
  setStatus($('#stats-status'), 'loading', 'Đang tải thống kê…');
  ctx.clearError();
  try {
    const { data } = await api(ctx).statistics(roundId);
    if (seq !== stats.seq) return;
    stats.data = data;
    body.dataset.round = roundId;
    const scope = $('#stats-scope');
    const blocks = Array.isArray(data.blocks) ? data.blocks : [];
    fill(scope, h('option', { value: '', text: `Toàn tuần thi (${fmtInt(data.papers)} bài)` }),
      ...blocks.map((b) => h('option', { value: b.block, text: `${blockLabel(b.block)} (${fmtInt(b.papers)} bài)` })));
    if (blocks.some((b) => b.block === stats.scope)) scope.value = stats.scope;
    else stats.scope = '';
    scope.disabled = !blocks.length;
    const when = data.computedAt ? fmtDateTime(data.computedAt) : '';
    setStatus($('#stats-status'), data.final ? 'final' : 'provisional', data.final
      ? `Số liệu chính thức, tính khi công bố kết quả (${when}).`
      : `Số liệu tạm tính từ các bài đã nộp đến ${when}; sẽ thay đổi đến khi kết quả được công bố.`, data.final ? 'ok' : 'info');
    renderStatsTable();
    ctx.announce(`Đã tải thống kê ${fmtInt((data.questions || []).length)} câu hỏi.`);
  } catch (err) {
    if (seq !== stats.seq) return;
    body.dataset.state = 'error';
    fill(body, h('p', { class: 'muted', text: 'Không tải được thống kê câu hỏi.' }));
    setStatus($('#stats-status'), 'error', '');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    if (seq === stats.seq) {
      body.removeAttribute('aria-busy');
      btn.disabled = false;
    }
  }
}

function scopedQuestions() {
  const d = stats.data || {};
  if (!stats.scope) return { questions: d.questions || [], papers: d.papers || 0 };
  const b = (d.blocks || []).find((x) => x.block === stats.scope);
  return { questions: (b && b.questions) || [], papers: (b && b.papers) || 0 };
}

function sortValue(q, key) {
  switch (key) {
    case 'facility': return q.facility;
    case 'discrimination': return typeof q.discrimination === 'number' ? q.discrimination : null;
    case 'flags': return (q.flags || []).length;
    case 'attempts': return q.attempts;
    default: return q._order;
  }
}

function sortedQuestions(list) {
  const { key, dir } = stats.sort;
  const sign = dir === 'descending' ? -1 : 1;
  return list.map((q, i) => ({ ...q, _order: i })).sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb !== null) return 1; // figures that cannot be computed go last either way
    if (vb === null && va !== null) return -1;
    if (va !== vb && va !== null) return (va < vb ? -1 : 1) * sign;
    return a._order - b._order;
  });
}

function optionsList(q) {
  const total = q.attempts || 0;
  return h('details', { class: 'q-options' },
    h('summary', { text: 'Các phương án và số lượt chọn' }),
    h('ul', { class: 'option-stats' }, (q.options || []).map((o) => h('li', { dataset: { optionId: o.optionId, correct: String(Boolean(o.correct)), chosen: String(o.chosen) }, class: o.correct ? 'is-key' : '' },
      h('span', { class: 'opt-id', text: o.optionId + '. ' }),
      h('span', { class: 'opt-text', text: o.text || '(không có nội dung)' }),
      ' — ',
      h('span', { class: 'opt-chosen', text: `${fmtInt(o.chosen)} lượt${total ? ' (' + fmtPercent(o.chosen / total) + ')' : ''}` }),
      o.correct ? h('strong', { class: 'key-mark', text: ' ✓ Đáp án đúng' }) : null)),
    q.unanswered ? h('p', { class: 'small muted', text: `Bỏ trống: ${fmtInt(q.unanswered)} lượt.` }) : null));
}

function flagsCell(q) {
  const flags = q.flags || [];
  if (!flags.length) return h('span', { class: 'muted', text: 'Không' });
  return h('ul', { class: 'flag-list' }, flags.map((f) => h('li', { dataset: { flag: f } },
    h('span', { class: 'flag-word', title: FLAG_LABEL[f] || f, text: FLAG_SHORT[f] || f }))));
}

function renderStatsTable() {
  const body = $('#stats-body');
  const { questions, papers } = scopedQuestions();
  body.dataset.state = 'loaded';
  body.dataset.count = String(questions.length);
  if (!questions.length) {
    fill(body, h('p', { class: 'muted', text: 'Chưa có bài thi nào được nộp trong phạm vi này.' }));
    return;
  }
  const flagged = questions.filter((q) => (q.flags || []).length).length;
  const scopeName = stats.scope ? blockLabel(stats.scope) : 'toàn tuần thi';
  const head = h('tr', {}, STAT_COLS.map((c) => {
    const sorted = stats.sort.key === c.key;
    const arrow = sorted ? (stats.sort.dir === 'ascending' ? '▲' : '▼') : '↕';
    return h('th', { scope: 'col', class: c.cls, 'aria-sort': sorted ? stats.sort.dir : 'none' },
      h('button', { type: 'button', class: 'sort-btn', dataset: { sort: c.key } }, c.label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true', text: ' ' + arrow })));
  }));
  // Numbered in the whole round's order (the bank's), the same in every block.
  const number = new Map(((stats.data && stats.data.questions) || []).map((q, i) => [q.questionId, i + 1]));
  const rows = sortedQuestions(questions).map((q) => h('tr', {
    dataset: { questionId: q.questionId, attempts: String(q.attempts), facility: String(q.facility), discrimination: typeof q.discrimination === 'number' ? String(q.discrimination) : '', flags: (q.flags || []).join(' ') },
    class: (q.flags || []).length ? 'is-flagged' : '',
  },
  h('td', { class: 'q' }, h('span', { class: 'q-num', text: `Câu ${number.get(q.questionId) || q._order + 1}` }), ' ', h('span', { class: 'q-text', text: q.text || q.questionId }),
    // On a phone the flags column is off screen: its words under the question (the column stays for sorting and screen readers).
    (q.flags || []).length ? h('p', { class: 'q-flags-phone', 'aria-hidden': 'true', text: '⚠ ' + q.flags.map((f) => FLAG_SHORT[f] || f).join('; ') }) : null,
    optionsList(q)),
  h('td', { class: 'num', text: fmtPercent(q.facility) }),
  h('td', { class: 'num' }, typeof q.discrimination === 'number' ? fmtDecimal(q.discrimination, 2) : h('span', { title: 'Không tính được: mọi bài có cùng kết quả', text: '—' })),
  h('td', { class: 'flags' }, flagsCell(q)),
  h('td', { class: 'num', text: fmtInt(q.attempts) })));
  const table = h('table', { id: 'stats-table', class: 'data-table stats-table' },
    h('caption', { id: 'stats-caption', class: 'visually-hidden', text: `Thống kê câu hỏi, ${scopeName}. Bấm tiêu đề cột để sắp xếp.` }),
    h('thead', {}, head), h('tbody', {}, rows));
  table.querySelector('thead').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-sort]');
    if (!btn) return;
    const col = STAT_COLS.find((c) => c.key === btn.dataset.sort);
    if (stats.sort.key === col.key) stats.sort.dir = stats.sort.dir === 'ascending' ? 'descending' : 'ascending';
    else stats.sort = { key: col.key, dir: col.first || 'ascending' };
    renderStatsTable();
    const again = document.querySelector(`#stats-table button[data-sort="${col.key}"]`);
    if (again) again.focus();
  });
  const legend = h('details', { class: 'small flag-legend' }, h('summary', { text: 'Ý nghĩa các cảnh báo' }),
    h('ul', {}, Object.keys(FLAG_LABEL).map((f) => h('li', { text: FLAG_LABEL[f] }))));
  fill(body,
    h('p', { id: 'stats-summary', dataset: { papers: String(papers), flagged: String(flagged) } },
      `${fmtInt(questions.length)} câu hỏi, ${fmtInt(papers)} bài thi (${scopeName}); `, h('strong', { text: `${fmtInt(flagged)} câu có cảnh báo` }), '.'),
    legend,
    h('p', { class: 'scroll-hint small muted', text: 'Vuốt ngang bảng để xem thêm cột.' }),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'stats-caption' }, table));
}

async function loadHistory(ctx) {
  const btn = $('#bank-load');
  btn.disabled = true;
  setStatus($('#bank-status'), 'loading', 'Đang tải lịch sử các bộ câu hỏi…');
  ctx.clearError();
  try {
    const { data } = await api(ctx).bankHistory();
    stats.history = Array.isArray(data.banks) ? data.banks : [];
    const select = $('#bank-select');
    const keep = select.value;
    fill(select, ...stats.history.map((b) => h('option', { value: b.bankId, text: `${b.bankId} (${fmtInt(b.rounds.length)} tuần, ${fmtInt(b.questions.length)} câu)` })));
    if (stats.history.some((b) => b.bankId === keep)) select.value = keep;
    select.disabled = !stats.history.length;
    setStatus($('#bank-status'), stats.history.length ? 'loaded' : 'empty', stats.history.length ? '' : 'Chưa có tuần thi nào được công bố kết quả: chưa có lịch sử câu hỏi.');
    renderHistory();
  } catch (err) {
    setStatus($('#bank-status'), 'error', '');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    btn.disabled = false;
  }
}

function renderHistory() {
  const box = $('#bank-body');
  const bank = (stats.history || []).find((b) => b.bankId === $('#bank-select').value);
  if (!bank) {
    fill(box);
    return;
  }
  const rounds = bank.rounds || [];
  const table = h('table', { id: 'bank-table', class: 'data-table history-table' },
    h('caption', { id: 'bank-caption', class: 'visually-hidden', text: `Lịch sử câu hỏi của bộ ${bank.bankId}: độ dễ và độ phân biệt ở mỗi tuần thi` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'q', text: 'Câu hỏi' }),
      rounds.map((r) => h('th', { scope: 'col', class: 'num', dataset: { round: r.id } }, r.title || r.id, h('br'), h('span', { class: 'small', text: `${fmtInt(r.papers)} bài` }))))),
    h('tbody', {}, (bank.questions || []).map((q) => h('tr', { dataset: { questionId: q.questionId } },
      h('td', { class: 'q', text: q.text || q.questionId }),
      rounds.map((r) => {
        const f = (q.rounds || []).find((x) => x.round === r.id);
        if (!f) return h('td', { class: 'num muted', text: 'Không ra' });
        return h('td', { class: 'num' + ((f.flags || []).length ? ' is-flagged' : ''), dataset: { round: r.id } },
          h('span', { text: `Dễ ${fmtPercent(f.facility)}` }), h('br'),
          h('span', { text: `Phân biệt ${typeof f.discrimination === 'number' ? fmtDecimal(f.discrimination, 2) : '—'}` }),
          (f.flags || []).length ? [h('br'), h('span', { class: 'flag-word', text: f.flags.map((x) => FLAG_SHORT[x] || x).join('; ') })] : null);
      })))));
  fill(box, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'bank-caption' }, table));
}

// ------------------------------------------------------------ practice counts

const practice = { rows: null, sort: { key: 'answered', dir: 'descending' }, seq: 0 };

const PRACTICE_COLS = [
  { key: 'text', label: 'Câu hỏi', cls: 'q', first: 'ascending' },
  { key: 'answered', label: 'Số lượt trả lời', cls: 'num', first: 'descending' },
  { key: 'right', label: 'Trả lời đúng', cls: 'num', first: 'descending' },
  { key: 'share', label: 'Tỷ lệ đúng', cls: 'num', first: 'ascending' },
];

/** A date field of the practice form, with the place its problem is said. */
function practiceDate(id, label) {
  return h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    h('input', { id, type: 'date', 'aria-describedby': id + '-error' }),
    h('p', { id: id + '-error', class: 'field-error', hidden: true }));
}

/** The field a practice-count problem belongs to (the API's code). */
const PRACTICE_FIELD = { invalid_from: 'practice-from', invalid_to: 'practice-to', invalid_range: 'practice-from', range_too_long: 'practice-from' };

function practiceError(id, text) {
  for (const f of ['practice-from', 'practice-to']) {
    const box = $('#' + f + '-error');
    const on = f === id && text;
    box.textContent = on ? text : '';
    box.hidden = !on;
    if (on) $('#' + f).setAttribute('aria-invalid', 'true');
    else $('#' + f).removeAttribute('aria-invalid');
  }
}

async function loadPractice(ctx) {
  const seq = ++practice.seq;
  const body = $('#practice-body');
  const btn = $('#practice-load');
  btn.disabled = true;
  body.dataset.state = 'loading';
  body.setAttribute('aria-busy', 'true');
  practiceError('', '');
  setStatus($('#practice-status'), 'loading', 'Đang tải số lượt ôn tập…');
  ctx.clearError();
  try {
    const { data } = await api(ctx).practiceCounts($('#practice-from').value, $('#practice-to').value);
    if (seq !== practice.seq) return;
    practice.rows = Array.isArray(data.questions) ? data.questions : [];
    practice.from = data.from;
    practice.to = data.to;
    setStatus($('#practice-status'), 'loaded', '');
    renderPractice();
    ctx.announce(`Đã tải số lượt ôn tập của ${fmtInt(practice.rows.length)} câu hỏi.`);
  } catch (err) {
    if (seq !== practice.seq) return;
    const f = PRACTICE_FIELD[err.code];
    body.dataset.state = 'error';
    fill(body);
    if (f) {
      practiceError(f, err.message);
      setStatus($('#practice-status'), 'problems', '');
      $('#' + f).focus();
    } else {
      setStatus($('#practice-status'), 'error', '');
      if (err.status !== 401) ctx.showError(err);
    }
  } finally {
    if (seq === practice.seq) {
      body.removeAttribute('aria-busy');
      btn.disabled = false;
    }
  }
}

function sortedPractice() {
  const { key, dir } = practice.sort;
  const sign = dir === 'descending' ? -1 : 1;
  const value = (r) => (key === 'text' ? String(r.text || r.questionId) : Number(r[key]) || 0);
  return practice.rows.map((r, i) => ({ ...r, _order: i })).sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va !== vb) return (key === 'text' ? va.localeCompare(vb, 'vi') : (va < vb ? -1 : 1)) * sign;
    return a._order - b._order;
  });
}

function renderPractice() {
  const body = $('#practice-body');
  const rows = practice.rows || [];
  body.dataset.state = 'loaded';
  body.dataset.count = String(rows.length);
  const span = `từ ${practice.from} đến ${practice.to}`;
  if (!rows.length) {
    fill(body, h('p', { id: 'practice-summary', class: 'muted', text: `Chưa có lượt ôn tập nào ${span}.` }));
    return;
  }
  const total = rows.reduce((n, r) => n + (r.answered || 0), 0);
  const head = h('tr', {}, PRACTICE_COLS.map((c) => {
    const sorted = practice.sort.key === c.key;
    const arrow = sorted ? (practice.sort.dir === 'ascending' ? '▲' : '▼') : '↕';
    return h('th', { scope: 'col', class: c.cls, 'aria-sort': sorted ? practice.sort.dir : 'none' },
      h('button', { type: 'button', class: 'sort-btn', dataset: { sort: c.key } }, c.label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true', text: ' ' + arrow })));
  }));
  const table = h('table', { id: 'practice-table', class: 'data-table stats-table' },
    h('caption', { id: 'practice-caption', class: 'visually-hidden', text: `Số lượt ôn tập từng câu hỏi, ${span}. Bấm tiêu đề cột để sắp xếp.` }),
    h('thead', {}, head),
    h('tbody', {}, sortedPractice().map((r) => h('tr', { dataset: { bankId: r.bankId, questionId: r.questionId, answered: String(r.answered), right: String(r.right) } },
      h('td', { class: 'q' }, h('span', { class: 'q-text', text: r.text || `${r.questionId} (bộ ${r.bankId}, không còn nội dung)` })),
      h('td', { class: 'num', text: fmtInt(r.answered) }),
      h('td', { class: 'num', text: fmtInt(r.right) }),
      h('td', { class: 'num', text: fmtPercent(r.share) })))));
  table.querySelector('thead').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-sort]');
    if (!btn) return;
    const col = PRACTICE_COLS.find((c) => c.key === btn.dataset.sort);
    if (practice.sort.key === col.key) practice.sort.dir = practice.sort.dir === 'ascending' ? 'descending' : 'ascending';
    else practice.sort = { key: col.key, dir: col.first || 'ascending' };
    renderPractice();
    const again = document.querySelector(`#practice-table button[data-sort="${col.key}"]`);
    if (again) again.focus();
  });
  fill(body,
    h('p', { id: 'practice-summary', dataset: { answered: String(total) } }, `${fmtInt(rows.length)} câu hỏi, ${fmtInt(total)} lượt trả lời ${span}.`),
    h('p', { class: 'scroll-hint small muted', text: 'Vuốt ngang bảng để xem thêm cột.' }),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'practice-caption' }, table));
}

// ------------------------------------------------------------ integrity

const integ = { data: null, roundId: '', open: '', seq: 0, busy: false, rounds: [] };

function buildIntegrity(ctx, box) {
  fill(box,
    h('section', { class: 'card', 'aria-labelledby': 'integrity-heading' },
      h('h2', { id: 'integrity-heading', text: 'Rà soát bài thi trước khi công bố kết quả' }),
      h('p', { class: 'muted small' },
        'Hệ thống tự tìm các dấu hiệu bất thường từ thời gian làm bài, đáp án và nơi gửi bài để Ban tổ chức xem xét. ',
        'Đây không phải là kết luận vi phạm: chỉ Ban tổ chức quyết định không xếp hạng một bài thi, kèm lý do mà người dự thi sẽ thấy.'),
      h('form', { id: 'integrity-form', class: 'controls', novalidate: true },
        field('integrity-round', 'Tuần thi', h('select', { id: 'integrity-round' })),
        h('button', { id: 'integrity-load', class: 'btn btn-primary', type: 'submit', text: 'Rà soát' })),
      h('p', { id: 'integrity-status', role: 'status', 'aria-live': 'polite', hidden: true }),
      h('div', { id: 'integrity-body', dataset: { state: 'idle' } })),
    h('section', { id: 'integrity-detail', class: 'card', 'aria-labelledby': 'integrity-detail-title', hidden: true }),
  );
  $('#integrity-form').addEventListener('submit', (e) => { e.preventDefault(); loadIntegrity(ctx); });
  $('#integrity-round').addEventListener('change', () => loadIntegrity(ctx));
  $('#integrity-body').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-open]');
    if (btn) openPaper(ctx, btn.dataset.open);
  });
}

async function showIntegrity(ctx, box) {
  if (!built.integrity) {
    buildIntegrity(ctx, box);
    built.integrity = true;
  }
  const rounds = await ctx.ensureRounds({ fresh: true });
  if (!ctx.stillOn()) return;
  integ.rounds = rounds;
  const list = fillRounds($('#integrity-round'), rounds);
  if (!list.length) {
    setStatus($('#integrity-status'), 'empty', 'Chưa có tuần thi nào đang mở hoặc đã kết thúc.');
    return;
  }
  if (!integ.data) await loadIntegrity(ctx);
}

async function loadIntegrity(ctx) {
  const roundId = $('#integrity-round').value;
  if (!roundId) return;
  const seq = ++integ.seq;
  const body = $('#integrity-body');
  const btn = $('#integrity-load');
  btn.disabled = true;
  body.dataset.state = 'loading';
  body.setAttribute('aria-busy', 'true');
  setStatus($('#integrity-status'), 'loading', 'Đang rà soát các bài thi đã nộp…');
  ctx.clearError();
  try {
    const { data } = await api(ctx).integrity(roundId);
    if (seq !== integ.seq) return;
    if (integ.roundId !== roundId) {
      integ.open = '';
      $('#integrity-detail').hidden = true;
    }
    integ.data = data;
    integ.roundId = roundId;
    body.dataset.round = roundId;
    setStatus($('#integrity-status'), 'loaded', `Rà soát lúc ${fmtDateTime(data.computedAt)}; ngưỡng làm bài nhanh: ${fmtDecimal(data.speedFloorSeconds, 1)} giây mỗi câu.`);
    renderIntegrity();
    if (integ.open) renderDetail(ctx);
    ctx.announce(`Có ${fmtInt((data.flags || []).length)} bài thi có dấu hiệu cần xem xét.`);
  } catch (err) {
    if (seq !== integ.seq) return;
    body.dataset.state = 'error';
    fill(body, h('p', { class: 'muted', text: 'Không rà soát được tuần thi này.' }));
    setStatus($('#integrity-status'), 'error', '');
    if (err.status !== 401) ctx.showError(err);
  } finally {
    if (seq === integ.seq) {
      body.removeAttribute('aria-busy');
      btn.disabled = false;
    }
  }
}

function signalItems(signals) {
  return (signals || []).map((s) => h('li', { dataset: { kind: s.kind, level: s.level } },
    h('strong', { text: SIGNAL_LABEL[s.kind] || s.kind }),
    s.level === 'info' ? h('span', { class: 'muted', text: ' (để tham khảo)' }) : null,
    s.detail ? ': ' + s.detail : ''));
}

function renderIntegrity() {
  const body = $('#integrity-body');
  const flags = (integ.data && integ.data.flags) || [];
  const shared = (integ.data && integ.data.shared) || [];
  body.dataset.state = 'loaded';
  body.dataset.count = String(flags.length);
  const excluded = flags.filter((f) => f.excluded).length;
  fill(body,
    h('h3', { text: `Bài thi có dấu hiệu cần xem xét (${fmtInt(flags.length)})` }),
    excluded ? h('p', { class: 'small', text: `${fmtInt(excluded)} bài trong số này đang không được xếp hạng.` }) : null,
    flags.length
      ? h('ul', { id: 'integrity-flags', class: 'flag-cards' }, flags.map((f) => h('li', { class: 'flag-card' + (f.excluded ? ' is-excluded' : ''), dataset: { paperId: f.paperId, excluded: String(Boolean(f.excluded)) } },
        h('p', { class: 'flag-who' }, h('strong', { text: f.participant || 'Không rõ tên' }), ' · ', h('span', { text: f.unit || 'Chưa thuộc đơn vị' })),
        h('ul', { class: 'signal-list small' }, (f.signals || []).filter((s) => s.level !== 'info').map((s) => h('li', { dataset: { kind: s.kind }, text: SIGNAL_LABEL[s.kind] || s.kind }))),
        f.excluded ? h('p', { class: 'excluded-note small' }, h('span', { class: 'badge badge-closed', text: 'Không xếp hạng' }), ' Lý do: ', f.excluded) : null,
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { open: f.paperId }, 'aria-label': `Xem chi tiết bài thi của ${f.participant || f.paperId}`, text: 'Xem chi tiết' }))))
      : h('p', { class: 'muted', text: 'Không có bài thi nào có dấu hiệu cần xem xét.' }),
    h('h3', { text: 'Nhiều bài thi từ cùng một nơi (để tham khảo)' }),
    h('p', { class: 'muted small', text: 'Cả cơ quan dùng chung một đường truyền hay một máy tính là bình thường: đây chỉ là số bài và các đơn vị, không phải dấu hiệu vi phạm.' }),
    shared.length
      ? h('ul', { id: 'integrity-shared', class: 'shared-list' }, shared.map((g) => h('li', { dataset: { kind: g.kind, papers: String(g.papers) } },
        `${fmtInt(g.papers)} bài thi từ ${SHARED_LABEL[g.kind] || g.kind}: `,
        (g.units || []).map((u) => `${u.name || 'Chưa thuộc đơn vị'} (${fmtInt(u.papers)} bài)`).join(', '), '.')))
      : h('p', { class: 'muted', text: 'Không có nhóm nào.' }),
  );
}

function openPaper(ctx, paperId) {
  integ.open = paperId;
  renderDetail(ctx);
  const card = $('#integrity-detail');
  card.scrollIntoView({ block: 'start' });
  $('#integrity-detail-title').focus({ preventScroll: true });
}

function roundOf(roundId) {
  return (integ.rounds || []).find((r) => r.id === roundId);
}

function renderDetail(ctx) {
  const card = $('#integrity-detail');
  const f = ((integ.data && integ.data.flags) || []).find((x) => x.paperId === integ.open);
  if (!f) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  card.dataset.paperId = f.paperId;
  card.dataset.excluded = String(Boolean(f.excluded));
  const who = f.participant || f.paperId;
  const reason = h('textarea', { id: 'exclude-reason', rows: '3', maxlength: '500', 'aria-describedby': 'exclude-reason-help' });
  const confirmBox = h('div', { id: 'exclude-confirm', class: 'notice notice-info confirm-box', role: 'group', 'aria-labelledby': 'exclude-confirm-text', hidden: true },
    h('p', { id: 'exclude-confirm-text' }),
    h('div', { class: 'actions' },
      h('button', { id: 'exclude-confirm-yes', type: 'button', class: 'btn btn-primary', text: 'Xác nhận không xếp hạng' }),
      h('button', { id: 'exclude-confirm-no', type: 'button', class: 'btn btn-secondary', text: 'Quay lại' })));
  const state = f.excluded
    ? h('p', { id: 'integrity-state', class: 'notice notice-error', dataset: { state: 'excluded' } },
      h('strong', { text: 'Bài thi này không được xếp hạng. ' }), `Người dự thi thấy: “Bài thi không được xếp hạng: ${f.excluded}”.`)
    : h('p', { id: 'integrity-state', class: 'notice notice-ok', dataset: { state: 'ranked' }, text: 'Bài thi này đang được xếp hạng bình thường.' });
  const r = roundOf(integ.roundId);
  const closed = r ? r.status === 'closed' : false;
  const next = h('div', { id: 'integrity-next', class: 'notice notice-demo', hidden: true },
    h('p', { text: 'Thay đổi được áp dụng ở lần tổng hợp kết quả tiếp theo: bài thi không được xếp hạng vẫn được tính vào tỷ lệ tham gia của đơn vị.' }),
    closed
      ? h('div', { class: 'actions' },
        h('button', { id: 'integrity-republish', type: 'button', class: 'btn btn-primary btn-small', text: 'Tổng hợp và công bố lại kết quả tuần này' }),
        h('a', { class: 'btn btn-link btn-small', href: '#/ban-to-chuc', text: 'Trang Ban tổ chức' }))
      : h('p', { class: 'small', text: 'Tuần thi chưa kết thúc: kết quả được tổng hợp và công bố sau khi tuần thi kết thúc.' }),
    h('p', { id: 'integrity-republish-status', role: 'status', 'aria-live': 'polite', class: 'small' }));
  fill(card,
    h('h2', { id: 'integrity-detail-title', tabindex: '-1', text: `Bài thi của ${who}` }),
    h('dl', { class: 'detail-list' },
      h('dt', { text: 'Người dự thi' }), h('dd', { text: f.participant || '—' }),
      h('dt', { text: 'Đơn vị' }), h('dd', { text: f.unit || 'Chưa thuộc đơn vị' }),
      h('dt', { text: 'Mã bài thi' }), h('dd', {}, h('code', { text: f.paperId }))),
    h('h3', { text: 'Các dấu hiệu' }),
    h('ul', { class: 'signal-details' }, signalItems(f.signals)),
    state,
    f.excluded
      ? h('div', { class: 'actions' }, h('button', { id: 'include-paper', type: 'button', class: 'btn btn-secondary', text: 'Xếp hạng lại bài thi này' }))
      : h('form', { id: 'exclude-form', class: 'form', novalidate: true },
        h('div', { class: 'field' },
          h('label', { for: 'exclude-reason', text: 'Lý do không xếp hạng' }),
          reason,
          h('p', { id: 'exclude-reason-help', class: 'help', text: 'Người dự thi sẽ thấy trên trang kết quả: “Bài thi không được xếp hạng: <lý do>”. Thao tác được ghi vào nhật ký.' })),
        h('div', { class: 'actions' }, h('button', { id: 'exclude-start', type: 'submit', class: 'btn btn-primary', text: 'Không xếp hạng bài thi này…' })),
        confirmBox),
    next,
  );
  const form = $('#exclude-form');
  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        ctx.showError('Vui lòng nhập lý do không xếp hạng: người dự thi sẽ thấy lý do này.', { field: reason });
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      reason.removeAttribute('aria-invalid');
      ctx.clearError();
      $('#exclude-confirm-text').textContent = `Bài thi của ${who} (${f.unit || 'chưa thuộc đơn vị'}) sẽ không được xếp hạng và xét giải từ lần tổng hợp kết quả tiếp theo, với lý do: “${text}”.`;
      confirmBox.hidden = false;
      $('#exclude-confirm-yes').focus();
    });
    reason.addEventListener('input', () => {
      confirmBox.hidden = true;
      if (reason.getAttribute('aria-invalid')) {
        reason.removeAttribute('aria-invalid');
        ctx.clearError();
      }
    });
    $('#exclude-confirm-no').addEventListener('click', () => { confirmBox.hidden = true; reason.focus(); });
    $('#exclude-confirm-yes').addEventListener('click', () => changeExclusion(ctx, f, reason.value.trim()));
  } else {
    $('#include-paper').addEventListener('click', () => changeExclusion(ctx, f, null));
  }
  const again = $('#integrity-republish');
  if (again) again.addEventListener('click', () => republish(ctx, again));
}

async function changeExclusion(ctx, f, reason) {
  if (integ.busy) return;
  integ.busy = true;
  const btn = reason === null ? $('#include-paper') : $('#exclude-confirm-yes');
  btn.disabled = true;
  ctx.clearError();
  // A review asked for before this change would show the paper as it was:
  // its answer is dropped, and the review asked for again once the change is made.
  const reviewing = $('#integrity-body').getAttribute('aria-busy') === 'true';
  if (reviewing) integ.seq++;
  try {
    const { data } = reason === null ? await api(ctx).include(f.paperId) : await api(ctx).exclude(f.paperId, reason);
    f.excluded = data.excluded ? data.excluded.reason : '';
    renderIntegrity();
    renderDetail(ctx);
    $('#integrity-next').hidden = false;
    $('#integrity-detail-title').focus({ preventScroll: true });
    ctx.announce(f.excluded ? 'Đã chuyển bài thi sang không xếp hạng.' : 'Bài thi được xếp hạng lại.');
    if (reviewing) loadIntegrity(ctx);
  } catch (err) {
    if (btn.isConnected) btn.disabled = false;
    if (err.status === 401) return;
    if (reviewing) loadIntegrity(ctx); // before the error is shown: a review starts by clearing the page's error
    const input = $('#exclude-reason');
    if (input && err.status === 400) {
      $('#exclude-confirm').hidden = true;
      input.setAttribute('aria-invalid', 'true');
      ctx.showError(err, { field: input });
      input.focus();
    } else ctx.showError(err);
  } finally {
    integ.busy = false;
  }
}

async function republish(ctx, btn) {
  const status = $('#integrity-republish-status');
  btn.disabled = true;
  status.textContent = 'Đang tổng hợp và công bố lại…';
  ctx.clearError();
  try {
    const { data } = await api(ctx).retally(integ.roundId);
    const res = data.result || {};
    status.textContent = data.published
      ? `Đã công bố lại: ${fmtInt(res.papers)} bài thi${res.excludedPapers ? `, ${fmtInt(res.excludedPapers)} bài không được xếp hạng` : ''}.`
      : 'Đã tổng hợp bản xem trước (tuần thi chưa kết thúc, chưa công bố).';
    ctx.announce(status.textContent);
  } catch (err) {
    status.textContent = '';
    if (err.status !== 401) ctx.showError(err);
  } finally {
    btn.disabled = false;
  }
}

// ------------------------------------------------------------ clips

const clipsPage = { seq: 0 };

function buildClips(ctx, box) {
  fill(box,
    h('section', { class: 'card', 'aria-labelledby': 'jury-progress-heading' },
      h('h2', { id: 'jury-progress-heading', text: 'Tiến độ chấm của Ban Giám khảo' }),
      h('p', { class: 'muted small', text: 'Mỗi giám khảo chấm mọi clip hợp lệ theo tất cả các tiêu chí. Phiếu chưa đủ tiêu chí vẫn được lưu, nhưng điểm trung bình của clip chỉ tính các tiêu chí đã chấm: hãy nhắc giám khảo chấm đủ.' }),
      h('div', { class: 'actions' }, h('button', { id: 'jury-progress-refresh', type: 'button', class: 'btn btn-secondary btn-small', text: 'Làm mới' })),
      h('div', { id: 'jury-progress', dataset: { state: 'idle' } })),
    h('section', { class: 'card', 'aria-labelledby': 'clip-ranking-heading' },
      h('h2', { id: 'clip-ranking-heading', text: 'Xếp hạng video clip theo khối' }),
      h('div', { id: 'clip-org-ranking', dataset: { state: 'idle' } })),
    h('section', { class: 'card', 'aria-labelledby': 'clip-publish-heading' },
      h('h2', { id: 'clip-publish-heading', text: 'Công bố kết quả video clip' }),
      h('p', { class: 'muted small', text: 'Công bố bảng xếp hạng hiện tại (tệp JSON và CSV) cùng kết quả hội thi. Công bố lại sẽ thay các tệp đã công bố bằng bảng xếp hạng mới nhất.' }),
      h('div', { class: 'actions' }, h('button', { id: 'clip-publish', type: 'button', class: 'btn btn-primary', text: 'Công bố bảng xếp hạng' })),
      h('p', { id: 'clip-publish-status', role: 'status', 'aria-live': 'polite', class: 'small' }),
      h('ul', { id: 'clip-published', class: 'published-files' })),
  );
  $('#jury-progress-refresh').addEventListener('click', () => loadClips(ctx));
  $('#clip-publish').addEventListener('click', () => publishClips(ctx));
}

async function showClips(ctx, box) {
  if (!built.clips) {
    buildClips(ctx, box);
    built.clips = true;
  }
  await Promise.all([loadClips(ctx), probePublished(ctx)]);
}

async function loadClips(ctx) {
  const seq = ++clipsPage.seq;
  const prog = $('#jury-progress');
  const rank = $('#clip-org-ranking');
  prog.dataset.state = rank.dataset.state = 'loading';
  prog.setAttribute('aria-busy', 'true');
  ctx.clearError();
  try {
    const [p, r] = await Promise.all([api(ctx).juryProgress(), api(ctx).clipRanking()]);
    if (seq !== clipsPage.seq) return;
    renderProgress(p.data);
    renderClipRanking(rank, r.data);
  } catch (err) {
    if (seq !== clipsPage.seq) return;
    prog.dataset.state = rank.dataset.state = 'error';
    fill(prog, h('p', { class: 'muted', text: 'Không tải được tiến độ chấm.' }));
    if (err.status !== 401) ctx.showError(err);
  } finally {
    if (seq === clipsPage.seq) prog.removeAttribute('aria-busy');
  }
}

function criterionName(criteria, id) {
  const c = (criteria || []).find((x) => x.id === id);
  return (c && c.name) || id;
}

function renderProgress(data) {
  const box = $('#jury-progress');
  const jurors = Array.isArray(data.jurors) ? data.jurors : [];
  box.dataset.state = 'loaded';
  box.dataset.clips = String(data.clips || 0);
  if (!jurors.length) {
    fill(box, h('p', { class: 'muted', text: 'Chưa có thành viên Ban Giám khảo nào (phân vai trò giám khảo ở trang Nhập dữ liệu).' }));
    return;
  }
  const table = stackTable(h('table', { id: 'jury-progress-table', class: 'data-table progress-table' },
    h('caption', { id: 'jury-progress-caption', class: 'visually-hidden', text: `Tiến độ chấm trên ${fmtInt(data.clips)} clip hợp lệ` }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Giám khảo' }),
      h('th', { scope: 'col', class: 'num', text: 'Đã chấm đủ' }),
      h('th', { scope: 'col', class: 'num', text: 'Chưa đủ tiêu chí' }),
      h('th', { scope: 'col', class: 'num', text: 'Chưa chấm' }))),
    h('tbody', {}, jurors.map((j) => h('tr', { dataset: { email: j.email || '', complete: String(j.complete), incomplete: String((j.incomplete || []).length), toScore: String(j.toScore) } },
      h('td', { class: 'name' }, j.name || j.email, j.former ? h('span', { class: 'muted small', text: ' (không còn là giám khảo)' }) : null),
      h('td', { class: 'num', text: `${fmtInt(j.complete)}/${fmtInt(data.clips)}` }),
      h('td', { class: 'num' + ((j.incomplete || []).length ? ' is-warning' : ''), text: fmtInt((j.incomplete || []).length) }),
      h('td', { class: 'num', text: fmtInt(j.toScore) }))))));
  const missing = jurors.filter((j) => (j.incomplete || []).length);
  fill(box,
    h('p', { class: 'small', text: `${fmtInt(data.clips)} clip hợp lệ cần chấm.` }),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'jury-progress-caption' }, table),
    missing.length ? h('div', { id: 'jury-incomplete', class: 'notice notice-info' },
      h('p', {}, h('strong', { text: 'Phiếu chấm chưa đủ tiêu chí:' })),
      h('ul', {}, missing.flatMap((j) => j.incomplete.map((s) => h('li', { dataset: { email: j.email || '', clipId: s.clipId } },
        `${j.name || j.email} — “${s.title || s.clipId}”: còn thiếu ${s.missing.map((m) => criterionName(data.criteria, m)).join(', ')}.`))))) : null);
}

function renderClipRanking(box, data) {
  const blocks = Array.isArray(data.blocks) ? data.blocks : [];
  const criteria = Array.isArray(data.criteria) ? data.criteria : [];
  box.dataset.state = 'loaded';
  box.dataset.count = String(blocks.reduce((n, b) => n + (b.clips || []).length, 0));
  if (!blocks.length) {
    fill(box, h('p', { class: 'muted', text: 'Chưa có clip hợp lệ nào.' }));
    return;
  }
  fill(box, ...blocks.map((b, i) => {
    const id = 'clip-rank-' + i;
    return h('section', { dataset: { block: b.block } },
      h('h3', { id, text: blockLabel(b.block) }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': id },
        stackTable(h('table', { class: 'data-table clip-rank-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', class: 'num', text: 'Hạng' }),
            h('th', { scope: 'col', text: 'Clip' }),
            h('th', { scope: 'col', text: 'Đơn vị' }),
            criteria.map((c) => h('th', { scope: 'col', class: 'num', text: c.name })),
            h('th', { scope: 'col', class: 'num', text: `Tổng điểm (tối đa ${fmtInt((data.maxScore || 0) * criteria.length)})` }),
            h('th', { scope: 'col', class: 'num', text: 'Số giám khảo' }))),
          h('tbody', {}, (b.clips || []).map((c) => h('tr', { dataset: { clipId: c.clipId, rank: String(c.rank) } },
            h('td', { class: 'num', text: fmtInt(c.rank) }),
            h('td', { class: 'name', text: c.title }),
            h('td', { text: c.unitName || c.unitId }),
            criteria.map((k) => h('td', { class: 'num', text: c.averages && typeof c.averages[k.id] === 'number' ? fmtDecimal(c.averages[k.id], 2) : '—' })),
            h('td', { class: 'num' }, h('strong', { text: fmtDecimal(c.total, 2) })),
            h('td', { class: 'num', text: fmtInt(c.jurors) }))))))));
  }));
}

function publishedPrefix(ctx) {
  return 'results/' + enc(ctx.cfg.contest) + '/clips/';
}

function renderPublished(ctx, files, at) {
  const list = $('#clip-published');
  fill(list, ...files.map((name) => h('li', { dataset: { file: name } },
    h('a', { href: publishedPrefix(ctx) + enc(name), download: name, text: name }))));
  list.dataset.count = String(files.length);
  if (at) $('#clip-publish-status').textContent = `Bảng xếp hạng đã công bố lúc ${fmtDateTime(at)}.`;
}

async function probePublished(ctx) {
  try {
    const res = await fetchPublished(publishedPrefix(ctx) + 'ranking.json');
    if (!ctx.stillOn()) return;
    if (res.status === 200) renderPublished(ctx, ['ranking.json', 'ranking.csv'], res.data && res.data.generatedAt);
    else $('#clip-publish-status').textContent = 'Chưa công bố bảng xếp hạng video clip.';
  } catch (err) { /* the page works without it */ }
}

async function publishClips(ctx) {
  const btn = $('#clip-publish');
  btn.disabled = true;
  const status = $('#clip-publish-status');
  status.textContent = 'Đang công bố…';
  ctx.clearError();
  try {
    const { data } = await api(ctx).publishClips();
    renderPublished(ctx, data.files || [], data.ranking && data.ranking.generatedAt);
    if (data.ranking) renderClipRanking($('#clip-org-ranking'), data.ranking);
    ctx.announce('Đã công bố bảng xếp hạng video clip.');
  } catch (err) {
    status.textContent = '';
    if (err.status !== 401) ctx.showError(err);
  } finally {
    btn.disabled = false;
  }
}
