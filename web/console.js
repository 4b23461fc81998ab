// The organiser console (#/ban-to-chuc/nhap-du-lieu/<kind>, #/ban-to-chuc/nhat-ky):
// units, roster, question banks and rounds from .xlsx or CSV through the admin
// function (POST /imports/{kind}: a dry run first, the write only after a
// clean dry run of the same bytes), their templates (GET /templates/{kind}.xlsx)
// and the audit log (GET /audit). Every rule is the server's: this page shows
// what the API answers (problems placed by row and column, the summary and
// the changes), it checks nothing of a file itself.

import { ApiError, errorFromResponse, reportUnauthorized, MSG_NO_ADMIN } from './api.js';
import { $, h, fmtDateTimeSec, fmtInt, fmtBytes, fmtDateTime, fmtClose } from './util.js';
import { blockLabel } from './results.js';

/** The four kinds, in the order a contest is set up; slug is the route's last part. */
const KINDS = [
  {
    kind: 'units', slug: 'don-vi', title: 'Đơn vị',
    intro: 'Các cơ quan, đơn vị, UBND phường/xã dự thi, theo khối. Nhập đơn vị trước danh sách dự thi.',
  },
  {
    kind: 'roster', slug: 'danh-sach', title: 'Danh sách dự thi',
    intro: 'Mỗi dòng một người: email công vụ, họ và tên, mã đơn vị, đối tượng và vai trò. Nhập lại thì danh sách mới thay cho danh sách cũ: trang cho biết ai được thêm, ai rời đi, ai chuyển đơn vị trước khi ghi.',
  },
  {
    kind: 'bank', slug: 'cau-hoi', title: 'Bộ câu hỏi',
    intro: 'Mỗi dòng một câu hỏi: nội dung, các phương án, đáp án đúng, giải thích, căn cứ pháp lý, lĩnh vực và đối tượng. Trang cho xem trước một câu như người dự thi thấy.',
  },
  {
    kind: 'rounds', slug: 'tuan-thi', title: 'Tuần thi',
    intro: 'Mỗi dòng một tuần thi: thời gian bắt đầu và kết thúc (giờ Việt Nam), số câu, thời gian làm bài, số lượt và mã bộ câu hỏi. Nhập bộ câu hỏi trước các tuần thi dùng nó.',
  },
];

const AUDIT_KINDS = [
  ['', 'Tất cả'],
  ['import', 'Nhập dữ liệu'],
  ['settings', 'Cài đặt hội thi'],
  ['roles', 'Phân vai trò'],
  ['rounds', 'Tuần thi'],
  ['publication', 'Công bố kết quả'],
  ['exclusion', 'Xét giải (loại, khôi phục)'],
];

const ACTION_LABEL = {
  'import.units': 'Nhập đơn vị',
  'import.roster': 'Nhập danh sách dự thi',
  'import.bank': 'Nhập bộ câu hỏi',
  'import.rounds': 'Nhập tuần thi',
  'settings.update': 'Sửa cài đặt hội thi',
  'roles.update': 'Phân vai trò',
  'rounds.create': 'Tạo tuần thi',
  'rounds.update': 'Sửa tuần thi',
  'publication.publish': 'Công bố kết quả',
  'exclusion.exclude': 'Loại khỏi xét giải',
  'exclusion.include': 'Khôi phục xét giải',
};

const AUDIENCE_LABEL = { staff: 'Cán bộ, công chức, viên chức', citizen: 'Người dân', both: 'Cả hai đối tượng' };

const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

function kindBySlug(slug) {
  return KINDS.find((k) => k.slug === slug || k.kind === slug) || null;
}

// ------------------------------------------------------------ requests

/**
 * POST /imports/{kind}: the bytes as the body, with upload progress, or for
 * a file over 5 MB the key of the copy it first put in the bucket (a
 * presigned PUT, once: a confirm reuses it). Resolves {status, data} for 200
 * (clean) and 422 (problems); rejects with ApiError otherwise.
 */
async function sendImport(ctx, kind, file, opts) {
  if (!ctx.cfg.admin) throw new ApiError({ code: 'not_configured', message: MSG_NO_ADMIN });
  if (file.size > DIRECT_MAX_BYTES && !file.key) {
    // Over a function URL's request limit: straight to the bucket with a presigned PUT, once.
    file.key = await uploadToBucket(ctx, kind, file, opts.onProgress);
  }
  return postImport(ctx, kind, file, opts);
}

/** Files above this go to the bucket first (a function URL takes requests of at most 6 MB). */
const DIRECT_MAX_BYTES = 5 * 1024 * 1024;

/** POST /imports/{kind}/uploads, then the PUT it signs, with progress; resolves the object's key. */
async function uploadToBucket(ctx, kind, file, onProgress) {
  const { cfg } = ctx;
  const s = ctx.session();
  let res;
  try {
    res = await fetch(cfg.admin + '/imports/' + encodeURIComponent(kind) + '/uploads', {
      method: 'POST', mode: 'cors', credentials: 'omit', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(s ? { Authorization: 'Bearer ' + s.token } : {}) },
      body: JSON.stringify({ name: file.name, size: file.size, contentType: file.type }),
    });
  } catch (e) {
    throw new ApiError({ code: 'network', network: true, message: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng rồi thử lại.' });
  }
  const text = await res.text();
  if (!res.ok) {
    const err = errorFromResponse(res.status, text);
    if (res.status === 401) reportUnauthorized(err);
    throw err;
  }
  const up = JSON.parse(text);
  await new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(up.method || 'PUT', up.url);
    for (const [k, v] of Object.entries(up.headers || {})) xhr.setRequestHeader(k, v);
    xhr.timeout = 600000;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve()
      : reject(new ApiError({ status: xhr.status, code: 'upload_failed', message: 'Không tải được tệp lên kho lưu trữ (mã ' + xhr.status + '). Vui lòng thử lại.' })));
    xhr.onerror = () => reject(new ApiError({ code: 'network', network: true, message: 'Mất kết nối khi gửi tệp. Vui lòng kiểm tra mạng rồi thử lại.' }));
    xhr.ontimeout = () => reject(new ApiError({ code: 'timeout', network: true, message: 'Gửi tệp quá lâu. Vui lòng thử lại.' }));
    xhr.send(file.bytes);
  });
  return up.key;
}

function postImport(ctx, kind, file, { dryRun, onUploaded, onProgress }) {
  const { cfg } = ctx;
  if (!cfg.admin) return Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_ADMIN }));
  const q = new URLSearchParams();
  if (dryRun) q.set('dryRun', '1');
  if (file.key) q.set('object', file.key);
  q.set('name', file.name);
  for (const [k, v] of Object.entries(file.params)) if (v) q.set(k, v);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', cfg.admin + '/imports/' + encodeURIComponent(kind) + '?' + q.toString());
    xhr.setRequestHeader('Content-Type', file.type);
    xhr.setRequestHeader('Accept', 'application/json');
    const s = ctx.session();
    if (s) xhr.setRequestHeader('Authorization', 'Bearer ' + s.token);
    xhr.timeout = 180000;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.upload.onload = () => onUploaded();
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if ((xhr.status === 200 || xhr.status === 422) && data && typeof data === 'object' && 'ok' in data) {
        resolve({ status: xhr.status, data });
        return;
      }
      const err = errorFromResponse(xhr.status, xhr.responseText);
      if (xhr.status === 401) reportUnauthorized(err);
      reject(err);
    };
    xhr.onerror = () => reject(new ApiError({ code: 'network', network: true, message: 'Mất kết nối khi gửi tệp. Vui lòng kiểm tra mạng rồi thử lại.' }));
    xhr.ontimeout = () => reject(new ApiError({ code: 'timeout', network: true, message: 'Máy chủ phản hồi quá lâu. Vui lòng thử lại.' }));
    if (file.key) {
      onUploaded(); // the file is in the bucket: this request carries only its key
      xhr.send(null);
    } else {
      xhr.send(file.bytes);
    }
  });
}

/** GET /templates/{kind}.xlsx, saved by the browser. */
async function downloadTemplate(ctx, kind) {
  const { cfg } = ctx;
  if (!cfg.admin) throw new ApiError({ code: 'not_configured', message: MSG_NO_ADMIN });
  const s = ctx.session();
  let res;
  try {
    res = await fetch(cfg.admin + '/templates/' + encodeURIComponent(kind) + '.xlsx', {
      headers: s ? { Authorization: 'Bearer ' + s.token } : {}, mode: 'cors', credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError({ code: 'network', network: true, message: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng rồi thử lại.' });
  }
  if (!res.ok) {
    const err = errorFromResponse(res.status, await res.text().catch(() => ''));
    if (res.status === 401) reportUnauthorized(err);
    throw err;
  }
  const blob = await res.blob();
  const name = (/filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '') || [])[1] || `mau-${kind}.xlsx`;
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return { name, bytes: blob.size };
}

// ------------------------------------------------------------ page

/** State of the import page: the file last checked (its bytes are what a confirm writes). */
const imp = { kind: null, file: null, checked: null, busy: false };

export function showConsole(ctx, route) {
  const s = ctx.session();
  const denied = $('#console-denied');
  const tabs = $('#console-tabs');
  const importBox = $('#console-import');
  const auditBox = $('#console-audit');
  const isAudit = route.sub === 'audit';
  $('#console-title').textContent = isAudit ? 'Nhật ký thao tác' : 'Nhập dữ liệu từ Excel';
  $('#console-crumb').textContent = isAudit ? 'Nhật ký thao tác' : 'Nhập dữ liệu';
  const roles = (s && s.participant && s.participant.roles) || [];
  if (!roles.includes('organiser')) {
    denied.textContent = 'Trang này dành cho Ban tổ chức hội thi.';
    denied.hidden = false;
    tabs.hidden = true;
    importBox.hidden = true;
    auditBox.hidden = true;
    return;
  }
  denied.hidden = true;
  tabs.hidden = false;
  importBox.hidden = isAudit;
  auditBox.hidden = !isAudit;
  const k = isAudit ? null : (kindBySlug(route.kind) || KINDS[0]);
  for (const a of tabs.querySelectorAll('a[data-tab]')) {
    if (a.dataset.tab === (isAudit ? 'audit' : k.kind)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (isAudit) {
    showAudit(ctx);
    return;
  }
  if (imp.kind !== k.kind) selectKind(k);
  loadHistory(ctx, k.kind);
}

let historySeq = 0;

/** The kind's imports written before (GET /imports?kind=): who, when, what. */
async function loadHistory(ctx, kind) {
  const seq = ++historySeq;
  const list = $('#import-history-list');
  const status = $('#import-history-status');
  status.textContent = 'Đang tải các lần nhập trước…';
  try {
    const { data } = await ctx.api.pastImports(kind);
    if (seq !== historySeq) return;
    const entries = Array.isArray(data.entries) ? data.entries : [];
    list.replaceChildren(...entries.map((e) => h('li', { dataset: { id: e.id || '' } },
      h('time', { datetime: e.at, text: fmtDateTimeSec(e.at) }), ' · ',
      h('span', { class: 'email', text: e.actor || '' }), h('br'),
      h('span', { class: 'small', text: e.summary || '' }))));
    status.textContent = entries.length
      ? (data.next ? `${fmtInt(entries.length)} lần gần nhất.` : `${fmtInt(entries.length)} lần.`)
      : 'Chưa nhập lần nào.';
  } catch (err) {
    if (seq !== historySeq) return;
    list.replaceChildren();
    status.textContent = 'Không tải được các lần nhập trước: ' + err.message;
  }
}

function selectKind(k) {
  imp.kind = k.kind;
  imp.file = null;
  imp.checked = null;
  $('#import-title').textContent = k.title;
  $('#import-intro').textContent = k.intro;
  $('#import-bank-fields').hidden = k.kind !== 'bank';
  $('#import-template').dataset.kind = k.kind;
  $('#import-template').textContent = `Tải tệp mẫu ${k.title.toLowerCase()} (.xlsx)`;
  $('#import-template-status').textContent = '';
  $('#import-form').dataset.kind = k.kind;
  $('#import-file').value = '';
  resetResult();
  setStatus('idle', '');
}

function setStatus(state, text, { tone = 'info' } = {}) {
  const el = $('#import-status');
  el.dataset.state = state;
  el.className = 'notice import-status notice-' + tone;
  el.textContent = text;
  el.hidden = !text;
}

/** value: 0…1, null while the server works (indeterminate), undefined to hide the bar. */
function setProgress(value, text) {
  const bar = $('#import-progress');
  if (value === null) bar.removeAttribute('value');
  else if (value !== undefined) bar.value = value;
  bar.hidden = value === undefined;
  $('#import-progress-text').textContent = text || '';
}

function fileError(messages) {
  const box = $('#import-file-error');
  const input = $('#import-file');
  if (!messages) {
    box.hidden = true;
    box.replaceChildren();
    input.removeAttribute('aria-invalid');
    return;
  }
  box.replaceChildren(...messages.filter(Boolean));
  box.hidden = false;
  input.setAttribute('aria-invalid', 'true');
}

function resetResult() {
  $('#import-result').hidden = true;
  $('#import-summary').replaceChildren();
  $('#import-problems').replaceChildren();
  $('#import-warnings').replaceChildren();
  $('#import-confirm-row').hidden = true;
  fileError(null);
  setProgress(undefined);
}

function extension(name) {
  const m = /\.([a-z0-9]+)$/i.exec(name || '');
  return m ? m[1].toLowerCase() : '';
}

/** What one dry run sent: a confirm sends exactly this again. */
async function readChosen() {
  const input = $('#import-file');
  const f = input.files && input.files[0];
  if (!f) return null;
  const params = imp.kind === 'bank' ? { bankId: $('#import-bank-id').value.trim(), title: $('#import-bank-title').value.trim() } : {};
  const bytes = await f.arrayBuffer();
  return { name: f.name, size: f.size, type: f.type || MIME[extension(f.name)] || 'application/octet-stream', bytes, params };
}

function sameParams(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function runImport(ctx, { dryRun }) {
  if (imp.busy) return;
  ctx.clearError();
  let file = dryRun ? null : imp.checked;
  if (dryRun) {
    try {
      file = await readChosen();
    } catch (e) {
      fileError([h('p', { text: 'Không đọc được tệp đã chọn (tệp có thể đã bị di chuyển hoặc đang mở ở chương trình khác). Hãy chọn lại tệp.' })]);
      return;
    }
    if (!file) {
      fileError([h('p', { text: 'Hãy chọn tệp Excel (.xlsx) hoặc CSV cần nhập.' })]);
      $('#import-file').focus();
      return;
    }
    imp.checked = null;
  } else if (!file) {
    return;
  }
  const kind = imp.kind;
  imp.busy = true;
  const checkBtn = $('#import-check');
  const confirmBtn = $('#import-confirm');
  checkBtn.disabled = true;
  confirmBtn.disabled = true;
  $('#import-result').setAttribute('aria-busy', 'true');
  if (dryRun) resetResult();
  setStatus(dryRun ? 'uploading' : 'writing', dryRun ? `Đang gửi tệp ${file.name} để kiểm tra…` : `Đang ghi ${file.name} vào hệ thống…`);
  setProgress(0, `Đang tải lên: 0 / ${fmtBytes(file.size)}`);
  try {
    const { status, data } = await sendImport(ctx, kind, file, {
      dryRun,
      onProgress: (loaded, total) => setProgress(total ? loaded / total : null, `Đang tải lên: ${fmtBytes(loaded)} / ${fmtBytes(total)}`),
      onUploaded: () => {
        setProgress(null, dryRun ? 'Đã tải lên; máy chủ đang kiểm tra từng dòng…' : 'Đã tải lên; máy chủ đang ghi (tất cả hoặc không gì cả)…');
        if (dryRun) setStatus('checking', `Máy chủ đang kiểm tra ${file.name}…`);
      },
    });
    if (imp.kind !== kind) return; // the organiser moved to another kind meanwhile
    setProgress(undefined);
    if (status === 422 || !data.ok) {
      renderProblems(file, data);
      return;
    }
    if (dryRun) {
      imp.checked = file;
      renderClean(file, data);
    } else {
      imp.checked = null;
      renderWritten(ctx, file, data);
    }
  } catch (err) {
    setProgress(undefined);
    if (imp.kind !== kind) return;
    setStatus('failed', (dryRun ? 'Chưa kiểm tra được tệp: ' : 'Chưa ghi được: ') + err.message, { tone: 'error' });
    // The file's own trouble (too large, empty, unreadable) is said beside the file; the system's in the error area.
    const aboutFile = err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403;
    if (aboutFile) fileError([h('p', { text: err.message })]);
    else if (err.status !== 401) ctx.showError(err);
  } finally {
    imp.busy = false;
    checkBtn.disabled = false;
    confirmBtn.disabled = false;
    $('#import-result').removeAttribute('aria-busy');
  }
}

function problemPlace(p) {
  const parts = [];
  if (p.row > 0) parts.push(`Dòng ${p.row}`);
  if (p.column) parts.push(`cột ${p.column}`);
  return parts.join(', ');
}

function problemTable(id, caption, list) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': id + '-caption' },
    h('table', { id, class: 'data-table problems-table' },
      h('caption', { id: id + '-caption', class: 'visually-hidden', text: caption }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num', text: 'Dòng' }),
        h('th', { scope: 'col', text: 'Cột' }),
        h('th', { scope: 'col', text: 'Nội dung' }))),
      h('tbody', {}, list.map((p) => h('tr', { dataset: { row: String(p.row || 0), column: p.column || '', message: p.message || '' } },
        h('td', { class: 'num', text: p.row > 0 ? String(p.row) : 'Cả tệp' }),
        h('td', { text: p.column || '—' }),
        h('td', { text: p.detail || p.message || '' }))))));
}

function renderWarnings(data) {
  const warnings = Array.isArray(data.warnings) ? data.warnings : [];
  const box = $('#import-warnings');
  if (!warnings.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    h('h3', { text: `Lưu ý (${fmtInt(warnings.length)}): không chặn việc ghi` }),
    problemTable('import-warnings-table', 'Các lưu ý theo dòng và cột', warnings));
}

function showResultCard() {
  const card = $('#import-result');
  card.hidden = false;
  card.scrollIntoView({ block: 'start' });
}

function renderProblems(file, data) {
  const problems = Array.isArray(data.problems) ? data.problems : [];
  const message = (data.error && data.error.message) || `Tệp có ${problems.length} lỗi; chưa ghi gì.`;
  setStatus('problems', `Kiểm tra xong: ${fmtInt(problems.length)} lỗi, chưa ghi gì. Các lỗi ở ngay dưới ô chọn tệp và trong bảng bên dưới.`, { tone: 'error' });
  $('#import-result').dataset.state = 'problems';
  $('#import-result-title').textContent = `Tệp ${file.name} có ${fmtInt(problems.length)} lỗi — chưa ghi gì`;
  const first = problems.slice(0, 3);
  fileError([
    h('p', { text: message }),
    h('ul', { class: 'problem-first' }, first.map((p) => h('li', { text: p.message || p.detail }))),
    problems.length > first.length
      ? h('p', {}, h('button', {
        type: 'button', class: 'btn btn-link btn-small', text: `Xem tất cả ${fmtInt(problems.length)} lỗi`,
        onclick: () => {
          const wrap = $('#import-problems-table').closest('.table-wrap');
          wrap.scrollIntoView({ block: 'start' });
          wrap.focus({ preventScroll: true });
        },
      }))
      : null,
  ]);
  $('#import-summary').replaceChildren(h('p', { text: 'Sửa các dòng dưới đây trong tệp, lưu lại, rồi chọn lại tệp và bấm “Kiểm tra tệp”.' }));
  $('#import-problems').replaceChildren(
    h('h3', { text: `Các lỗi (${fmtInt(problems.length)})` }),
    problemTable('import-problems-table', 'Các lỗi theo dòng và cột', problems));
  renderWarnings(data);
  $('#import-confirm-row').hidden = true;
  showResultCard();
  $('#import-file').focus();
}

function renderClean(file, data) {
  setStatus('clean', `Tệp ${file.name} hợp lệ. Chưa ghi gì: xem lại các thay đổi rồi bấm “Ghi vào hệ thống”.`, { tone: 'info' });
  $('#import-result').dataset.state = 'clean';
  $('#import-result-title').textContent = `Tệp ${file.name} không có lỗi — chưa ghi`;
  $('#import-summary').replaceChildren(...summaryParts(data));
  $('#import-problems').replaceChildren();
  renderWarnings(data);
  $('#import-confirm').textContent = `Ghi ${file.name} vào hệ thống`;
  $('#import-confirm-row').hidden = false;
  showResultCard();
  $('#import-result-title').focus({ preventScroll: true });
}

function renderWritten(ctx, file, data) {
  const changes = data.changes || {};
  const text = `Đã ghi ${file.name}: ${changes.text || 'xong'}. Thao tác đã được ghi vào nhật ký.`;
  setStatus('written', text, { tone: 'ok' });
  $('#import-result').dataset.state = 'written';
  $('#import-result-title').textContent = `Đã ghi ${file.name}`;
  $('#import-summary').replaceChildren(...summaryParts(data),
    h('p', {}, h('a', { href: '#/ban-to-chuc/nhat-ky', text: 'Xem nhật ký thao tác' })));
  $('#import-confirm-row').hidden = true;
  $('#import-file').value = '';
  ctx.announce(text);
  loadHistory(ctx, imp.kind);
  $('#import-result-title').focus({ preventScroll: true });
}

function fact(label, value, key) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: label }), h('strong', { class: 'stat-value', dataset: { stat: key }, text: value }));
}

function changeList(title, items, fmt = (x) => x) {
  if (!Array.isArray(items) || !items.length) return null;
  return h('details', { class: 'change-list' }, h('summary', { text: title }),
    h('ul', {}, items.map((x) => h('li', { text: fmt(x) }))));
}

/** The summary and changes of a clean file, as the API gives them. */
function summaryParts(data) {
  const s = data.summary || {};
  const c = data.changes || {};
  const parts = [h('p', {
    id: 'import-changes', class: 'import-changes',
    dataset: { added: String(c.added || 0), removed: String(c.removed || 0), moved: String(c.moved || 0), updated: String(c.updated || 0) },
  }, h('strong', { text: 'Thay đổi: ' }), c.text || '')];
  switch (data.kind) {
    case 'units': {
      const blocks = s.blocks || {};
      parts.push(h('div', { class: 'stats' },
        fact('Số đơn vị', fmtInt(s.units), 'units'),
        fact('Tổng số người dự thi theo đơn vị', fmtInt(s.headcount), 'headcount'),
        ...Object.entries(blocks).map(([b, n]) => fact(blockLabel(b), fmtInt(n), 'block-' + b))));
      break;
    }
    case 'roster':
      parts.push(h('div', { class: 'stats' },
        fact('Số người', fmtInt(s.people), 'people'),
        fact('Được dự thi', fmtInt(s.participants), 'participants'),
        fact('Người dân', fmtInt(s.citizens), 'citizens'),
        fact('Quản trị đơn vị', fmtInt(s.unitAdmins), 'unitAdmins'),
        fact('Ban tổ chức', fmtInt(s.organisers), 'organisers'),
        fact('Giám khảo', fmtInt(s.jury), 'jury')));
      break;
    case 'bank': {
      parts.push(h('div', { class: 'stats' },
        fact('Số câu hỏi', fmtInt(s.questions), 'questions'),
        fact('Có giải thích hoặc căn cứ', fmtInt(s.explained), 'explained')));
      const aud = Object.entries(s.audiences || {}).map(([a, n]) => `${AUDIENCE_LABEL[a] || a}: ${fmtInt(n)}`).join(' · ');
      if (aud) parts.push(h('p', { class: 'small' }, h('strong', { text: 'Đối tượng: ' }), aud));
      const p = s.preview;
      if (p && p.text) {
        parts.push(h('figure', { class: 'bank-preview', id: 'import-preview' },
          h('figcaption', { class: 'small muted', text: 'Câu đầu tiên như người dự thi thấy (không có đáp án; thứ tự phương án được xáo trộn khi thi):' }),
          h('p', { class: 'bank-preview-q', text: p.text }),
          h('ul', { class: 'bank-preview-options' }, (p.options || []).map((o) => h('li', {}, h('span', { class: 'opt-key', text: o.label + '.' }), ' ', o.text)))));
      }
      break;
    }
    case 'rounds': {
      const list = Array.isArray(s.rounds) ? s.rounds : [];
      parts.push(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Các tuần thi trong tệp' },
        h('table', { id: 'import-rounds', class: 'data-table rounds-table' },
          h('thead', {}, h('tr', {}, ...['Mã', 'Tên', 'Đối tượng', 'Bắt đầu', 'Kết thúc', 'Số câu', 'Phút', 'Số lượt', 'Bộ câu hỏi'].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, list.map((r) => h('tr', { dataset: { roundId: r.id } },
            h('td', { text: r.id }), h('td', { text: r.title }), h('td', { text: AUDIENCE_LABEL[r.audience] || r.audience }),
            h('td', { class: 'nowrap', text: fmtDateTime(r.opensAt) }), h('td', { class: 'nowrap', text: fmtClose(r.closesAt) }),
            h('td', { class: 'num', text: fmtInt(r.questionCount) }), h('td', { class: 'num', text: String(r.timeLimitMinutes).replace('.', ',') }),
            h('td', { class: 'num', text: fmtInt(r.attempts) }), h('td', { text: r.bankId })))))));
      break;
    }
    default:
      break;
  }
  parts.push(changeList(`Thêm mới (${fmtInt(c.added)})`, c.addedList));
  parts.push(changeList(`Rời khỏi danh sách (${fmtInt(c.removed)})`, c.removedList));
  parts.push(changeList(`Chuyển đơn vị (${fmtInt(c.moved)})`, c.movedList, (m) => `${m.email}: ${m.from || '—'} → ${m.to || '—'}`));
  parts.push(changeList(`Thay đổi thông tin (${fmtInt(c.updated)})`, c.updatedList));
  return parts.filter(Boolean);
}

// ------------------------------------------------------------ audit log

let auditSeq = 0;
/** The audit log shown: its entries so far and the next (older) page's cursor. */
const auditShown = { entries: [], next: '' };

function showAudit(ctx) {
  const select = $('#audit-kind');
  if (!select.options.length) {
    select.replaceChildren(...AUDIT_KINDS.map(([v, t]) => h('option', { value: v, text: t })));
  }
  loadAudit(ctx);
}

/** Loads the first page of the log for the filters, or (more) the page after the ones shown. */
async function loadAudit(ctx, { more = false } = {}) {
  const seq = ++auditSeq;
  const box = $('#audit-entries');
  const count = $('#audit-count');
  const btn = $('#audit-apply');
  const moreBtn = $('#audit-more');
  box.dataset.state = 'loading';
  box.setAttribute('aria-busy', 'true');
  btn.disabled = true;
  moreBtn.disabled = true;
  count.textContent = more ? 'Đang tải các thao tác cũ hơn…' : 'Đang tải nhật ký…';
  ctx.clearError();
  for (const id of ['#audit-from', '#audit-to']) $(id).removeAttribute('aria-invalid');
  const query = { kind: $('#audit-kind').value, actor: $('#audit-actor').value.trim(), from: $('#audit-from').value, to: $('#audit-to').value, cursor: more ? auditShown.next : '' };
  try {
    const { data } = await ctx.api.auditLog(query);
    if (seq !== auditSeq) return;
    const entries = Array.isArray(data.entries) ? data.entries : [];
    const first = auditShown.entries.length;
    auditShown.entries = more ? auditShown.entries.concat(entries) : entries;
    auditShown.next = data.next || '';
    renderAudit(box, auditShown.entries);
    const n = auditShown.entries.length;
    count.textContent = n
      ? `${fmtInt(n)} thao tác${auditShown.next ? ', còn các thao tác cũ hơn' : ''}.`
      : 'Không có thao tác nào khớp bộ lọc.';
    moreBtn.hidden = !auditShown.next;
    if (more && entries.length) {
      // the first new row takes the focus, so a keyboard or screen-reader user goes on from there
      const row = box.querySelectorAll('tbody tr')[first];
      if (row) row.focus();
    }
  } catch (err) {
    if (seq !== auditSeq) return;
    box.dataset.state = 'error';
    if (!more) box.replaceChildren();
    count.textContent = 'Không tải được nhật ký: ' + err.message;
    if (err.code === 'audit_date' || err.code === 'audit_range') {
      for (const id of ['#audit-from', '#audit-to']) $(id).setAttribute('aria-invalid', 'true');
    }
    if (err.status !== 401) ctx.showError(err);
  } finally {
    if (seq === auditSeq) {
      box.removeAttribute('aria-busy');
      btn.disabled = false;
      moreBtn.disabled = false;
    }
  }
}

/** A publication's entry: its id (the published results.json names it) and a link to those results. */
function publicationRef(e) {
  if (e.action !== 'publication.publish' || !e.round) return null;
  return h('span', { class: 'audit-publication small' },
    'Mã công bố ', h('code', { text: e.id }), ' (ghi trong tệp kết quả) · ',
    h('a', { href: '#/ket-qua-tuan/' + encodeURIComponent(e.round), dataset: { publication: e.id }, text: 'Xem kết quả đã công bố' }));
}

function renderAudit(box, entries) {
  box.dataset.state = 'loaded';
  box.dataset.count = String(entries.length);
  if (!entries.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(h('table', { id: 'audit-table', class: 'data-table audit-table' },
    h('caption', { class: 'visually-hidden', text: 'Nhật ký thao tác, mới nhất ở trên' }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Thời gian (ICT)' }),
      h('th', { scope: 'col', text: 'Người thực hiện' }),
      h('th', { scope: 'col', text: 'Thao tác' }),
      h('th', { scope: 'col', text: 'Nội dung' }))),
    h('tbody', {}, entries.map((e) => h('tr', { tabindex: '-1', dataset: { action: e.action || '', kind: e.kind || '', id: e.id || '' } },
      h('td', { class: 'nowrap', dataset: { label: 'Thời gian' } }, h('time', { datetime: e.at, text: fmtDateTimeSec(e.at) })),
      h('td', { class: 'email', dataset: { label: 'Người thực hiện' }, text: e.actor || '' }),
      h('td', { dataset: { label: 'Thao tác' }, text: ACTION_LABEL[e.action] || e.action || '' }),
      h('td', { class: 'audit-summary', dataset: { label: 'Nội dung' } },
        h('span', { text: e.summary || '' }),
        e.before || e.after
          ? h('span', { class: 'audit-before-after small muted' }, e.before ? `Trước: ${e.before}` : '', e.before && e.after ? ' · ' : '', e.after ? `Sau: ${e.after}` : '')
          : null,
        publicationRef(e)))))));
}

// ------------------------------------------------------------ wiring

/** Wires the console's controls once. */
export function bindConsole(ctx) {
  $('#import-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runImport(ctx, { dryRun: true });
  });
  $('#import-confirm').addEventListener('click', async () => {
    // Only the bytes of the clean dry run are written, and only while the form still names them.
    const input = $('#import-file');
    const f = input.files && input.files[0];
    const c = imp.checked;
    const params = imp.kind === 'bank' ? { bankId: $('#import-bank-id').value.trim(), title: $('#import-bank-title').value.trim() } : {};
    if (!c || !f || f.name !== c.name || f.size !== c.size || !sameParams(params, c.params)) {
      $('#import-confirm-row').hidden = true;
      setStatus('idle', 'Tệp hoặc thông tin đã đổi sau lần kiểm tra: hãy bấm “Kiểm tra tệp” lại trước khi ghi.', { tone: 'info' });
      return;
    }
    await runImport(ctx, { dryRun: false });
  });
  const invalidate = () => {
    if (imp.busy) return;
    imp.checked = null;
    resetResult();
    setStatus('idle', '');
  };
  $('#import-file').addEventListener('change', invalidate);
  $('#import-bank-id').addEventListener('input', invalidate);
  $('#import-bank-title').addEventListener('input', invalidate);
  $('#import-template').addEventListener('click', async (e) => {
    const btn = e.currentTarget;
    const status = $('#import-template-status');
    btn.disabled = true;
    status.textContent = 'Đang tải tệp mẫu…';
    try {
      const got = await downloadTemplate(ctx, btn.dataset.kind);
      status.textContent = `Đã tải ${got.name}.`;
    } catch (err) {
      status.textContent = 'Không tải được tệp mẫu.';
      if (err.status !== 401) ctx.showError(err);
    } finally {
      btn.disabled = false;
    }
  });
  $('#audit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadAudit(ctx);
  });
  $('#audit-more').addEventListener('click', () => loadAudit(ctx, { more: true }));
}
