// The roles page (#/ban-to-chuc/vai-tro): the unit admins of each unit, the
// organisers and the jury (GET /roles), and a form that gives, changes or
// takes away a person's roles: first a dry run (PUT /roles/{email}?dryRun=1)
// that says who gains and loses which role, then the confirmed write,
// audited. The server checks every rule (a unit admin needs a unit, citizens
// hold no role, organisers and their staff never compete) and its problems
// are shown beside their fields.

import { $, h, fmtInt } from './util.js';
import { adminCall, field, fieldError, placeProblems, setNotice } from './settings.js';

const ROLE_LABEL = { participant: 'Thí sinh', unitAdmin: 'Quản trị đơn vị', organiser: 'Ban Tổ chức', jury: 'Giám khảo' };
const ROLES = ['participant', 'unitAdmin', 'organiser', 'jury'];
const FIELDS = ['email', 'name', 'roles', 'unitId'];

const rs = { people: [], units: [], seq: 0, busy: false, checked: null };

export async function showRoles(ctx, body) {
  const seq = ++rs.seq;
  if (!body.querySelector('#roles-form')) body.replaceChildren(rolesPage(ctx));
  await loadRoles(ctx, seq);
}

async function loadRoles(ctx, seq = ++rs.seq) {
  const status = $('#roles-list-status');
  status.textContent = 'Đang tải danh sách…';
  try {
    const { data } = await adminCall(ctx, 'GET', '/roles');
    if (seq !== rs.seq) return;
    rs.people = Array.isArray(data.people) ? data.people : [];
    rs.units = Array.isArray(data.units) ? data.units : [];
    fillUnits();
    renderLists(ctx);
    status.textContent = `${fmtInt(rs.people.length)} người có vai trò ngoài thí sinh.`;
  } catch (err) {
    if (seq !== rs.seq) return;
    status.textContent = 'Không tải được danh sách: ' + err.message;
    if (err.status !== 401) ctx.showError(err);
  }
}

function unitName(id) {
  const u = rs.units.find((x) => x.id === id);
  return u ? u.name : id;
}

function rolesPage(ctx) {
  const form = h('form', { id: 'roles-form', class: 'form', novalidate: true },
    field('role-email', 'Email', h('input', { type: 'email', name: 'email', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', inputmode: 'email' }),
      'Email công vụ của người được giao vai trò.'),
    field('role-name', 'Họ và tên (chỉ khi người này chưa có trong danh sách dự thi)', h('input', { type: 'text', name: 'name', autocomplete: 'off' })),
    h('fieldset', { class: 'field', id: 'role-roles', 'aria-describedby': 'role-roles-help role-roles-error' },
      h('legend', { text: 'Vai trò' }),
      ...ROLES.map((r) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'roles', value: r }), ' ' + ROLE_LABEL[r])),
      h('p', { id: 'role-roles-help', class: 'help', text: 'Bỏ chọn một vai trò để thu hồi vai trò đó; giữ “Thí sinh” để người này vẫn dự thi.' }),
      h('p', { id: 'role-roles-error', class: 'field-error', hidden: true })),
    field('role-unitId', 'Đơn vị', h('select', { name: 'unitId' }), 'Quản trị đơn vị và cán bộ dự thi phải thuộc một đơn vị.'),
    h('p', { id: 'role-other', class: 'field-error', hidden: true }),
    h('div', { class: 'actions' }, h('button', { id: 'role-save', type: 'submit', class: 'btn btn-primary', text: 'Kiểm tra thay đổi' })),
    h('p', { id: 'role-status', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true }),
    h('div', { id: 'role-review', class: 'role-review', hidden: true },
      h('h3', { id: 'role-review-title', tabindex: '-1', text: 'Thay đổi sẽ ghi' }),
      h('p', { id: 'role-change' }),
      h('ul', { id: 'role-change-list' }),
      h('div', { class: 'actions' },
        h('button', { id: 'role-confirm', type: 'button', class: 'btn btn-primary', text: 'Lưu vai trò' }),
        h('span', { class: 'small muted', text: 'Thay đổi được ghi vào nhật ký thao tác.' }))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveRoles(ctx, { dryRun: true });
  });
  form.querySelector('#role-confirm').addEventListener('click', () => saveRoles(ctx, { dryRun: false }));
  const invalidate = () => {
    if (rs.busy || !rs.checked) return;
    rs.checked = null;
    $('#role-review').hidden = true;
    setNotice($('#role-status'), 'Đã sửa biểu mẫu sau lần kiểm tra: bấm “Kiểm tra thay đổi” lại trước khi lưu.', 'info', 'idle');
  };
  form.addEventListener('input', invalidate);
  form.addEventListener('change', invalidate);
  return h('div', {},
    h('p', { id: 'roles-rule', class: 'notice notice-info', text: 'Thành viên Ban Tổ chức và người giúp việc cho Ban Tổ chức không được dự thi để xét giải: người có vai trò Ban Tổ chức, kể cả khi vẫn là thí sinh, không bao giờ có tên trong bảng xếp hạng.' }),
    h('section', { class: 'card', 'aria-labelledby': 'roles-form-title' },
      h('h2', { id: 'roles-form-title', text: 'Giao, đổi hoặc thu hồi vai trò' }),
      form),
    h('section', { class: 'card', 'aria-labelledby': 'roles-units-title' },
      h('h2', { id: 'roles-units-title', text: 'Quản trị của từng đơn vị' }),
      h('p', { id: 'roles-list-status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
      h('div', { id: 'roles-units' })),
    h('section', { class: 'card', 'aria-labelledby': 'roles-board-title' },
      h('h2', { id: 'roles-board-title', text: 'Ban Tổ chức và Ban Giám khảo' }),
      h('div', { id: 'roles-board' })));
}

function fillUnits() {
  const select = $('#role-unitId');
  const keep = select.value;
  select.replaceChildren(h('option', { value: '', text: '— Không thuộc đơn vị nào —' }),
    ...rs.units.map((u) => h('option', { value: u.id, text: u.name })));
  if (rs.units.some((u) => u.id === keep)) select.value = keep;
}

function personItem(ctx, p) {
  return h('li', { class: 'person', dataset: { email: p.email } },
    h('span', { class: 'person-name', text: p.name || p.email }), ' ',
    h('span', { class: 'email small', text: p.email }), ' ',
    h('span', { class: 'small muted', text: '· ' + (p.roles || []).map((r) => ROLE_LABEL[r] || r).join(', ') + (p.unitId ? ' · ' + unitName(p.unitId) : '') }),
    p.mayCompete === false && (p.roles || []).includes('participant')
      ? h('span', { class: 'small badge-nocompete', text: ' · thi không xét giải' })
      : null, ' ',
    h('button', { type: 'button', class: 'btn btn-link btn-small', text: 'Sửa', 'aria-label': `Sửa vai trò của ${p.name || p.email}`, onclick: () => editPerson(p) }));
}

function renderLists(ctx) {
  const admins = (id) => rs.people.filter((p) => p.unitId === id && (p.roles || []).includes('unitAdmin'));
  $('#roles-units').replaceChildren(rs.units.length
    ? h('ul', { class: 'roles-units' }, rs.units.map((u) => {
      const list = admins(u.id);
      return h('li', { dataset: { unit: u.id } },
        h('strong', { text: u.name }),
        list.length ? h('ul', {}, list.map((p) => personItem(ctx, p))) : h('p', { class: 'small muted', text: 'Chưa có quản trị đơn vị.' }));
    }))
    : h('p', { class: 'muted', text: 'Chưa có đơn vị nào: nhập đơn vị trước.' }));
  const board = (role, title) => {
    const list = rs.people.filter((p) => (p.roles || []).includes(role));
    return h('div', { dataset: { role } }, h('h3', { text: `${title} (${fmtInt(list.length)})` }),
      list.length ? h('ul', {}, list.map((p) => personItem(ctx, p))) : h('p', { class: 'small muted', text: 'Chưa có ai.' }));
  };
  $('#roles-board').replaceChildren(board('organiser', 'Ban Tổ chức'), board('jury', 'Ban Giám khảo'));
}

function editPerson(p) {
  const form = $('#roles-form');
  form.elements.email.value = p.email;
  form.elements.name.value = '';
  for (const box of form.querySelectorAll('input[name="roles"]')) box.checked = (p.roles || []).includes(box.value);
  form.elements.unitId.value = p.unitId || '';
  placeProblems('role-', [], FIELDS);
  rs.checked = null;
  $('#role-review').hidden = true;
  form.elements.email.focus();
  form.scrollIntoView({ block: 'start' });
}

const roleList = (roles) => (roles || []).map((r) => ROLE_LABEL[r] || r).join(', ');

/** What the dry run says will change: the person's roles gained and lost, the unit. */
function changeItems(ch) {
  const items = [];
  if (ch.newcomer) items.push(h('li', { dataset: { change: 'newcomer' }, text: 'Thêm vào danh sách dự thi (cán bộ)' }));
  if ((ch.gained || []).length) items.push(h('li', { dataset: { change: 'gained' }, text: 'Nhận vai trò: ' + roleList(ch.gained) }));
  if ((ch.lost || []).length) items.push(h('li', { dataset: { change: 'lost' }, text: 'Thôi vai trò: ' + roleList(ch.lost) }));
  if (ch.unitFrom !== undefined || ch.unitTo !== undefined) {
    if ((ch.unitFrom || '') !== (ch.unitTo || '')) {
      items.push(h('li', { dataset: { change: 'unit' }, text: `Đơn vị: ${ch.unitFrom ? unitName(ch.unitFrom) : '—'} → ${ch.unitTo ? unitName(ch.unitTo) : '—'}` }));
    }
  }
  if (ch.changed && ch.mayCompete === false) items.push(h('li', { dataset: { change: 'nocompete' }, text: 'Không xét giải (thành viên hoặc người giúp việc Ban Tổ chức).' }));
  return items;
}

async function saveRoles(ctx, { dryRun }) {
  if (rs.busy) return;
  ctx.clearError();
  const form = $('#roles-form');
  const status = $('#role-status');
  const other = $('#role-other');
  const review = $('#role-review');
  other.hidden = true;
  let email;
  let body;
  if (dryRun) {
    email = form.elements.email.value.trim();
    placeProblems('role-', [], FIELDS);
    review.hidden = true;
    rs.checked = null;
    if (!email) {
      fieldError('role-email', ['Hãy ghi email của người được giao vai trò.']);
      form.elements.email.focus();
      return;
    }
    body = {
      roles: [...form.querySelectorAll('input[name="roles"]:checked')].map((b) => b.value),
      unitId: form.elements.unitId.value,
    };
    const name = form.elements.name.value.trim();
    if (name) body.name = name;
  } else {
    if (!rs.checked) return;
    ({ email, body } = rs.checked);
  }
  rs.busy = true;
  $('#role-save').disabled = true;
  $('#role-confirm').disabled = true;
  setNotice(status, dryRun ? 'Đang kiểm tra…' : 'Đang lưu…', 'info', dryRun ? 'checking' : 'writing');
  try {
    const { data } = await adminCall(ctx, 'PUT', '/roles/' + encodeURIComponent(email) + (dryRun ? '?dryRun=1' : ''), body);
    if (!data.ok) {
      const problems = Array.isArray(data.problems) ? data.problems : [];
      const rest = placeProblems('role-', problems, FIELDS);
      other.textContent = rest.map((p) => p.detail || p.message).join(' ');
      other.hidden = !rest.length;
      review.hidden = true;
      setNotice(status, 'Chưa đổi vai trò: xem lỗi ở ngay dưới từng mục.', 'error', 'problems');
      return;
    }
    const ch = data.change || {};
    const p = data.person || {};
    if (!ch.changed) {
      review.hidden = true;
      setNotice(status, `Vai trò của ${p.name || p.email || email} không thay đổi; không có gì để lưu.`, 'info', 'unchanged');
      return;
    }
    if (dryRun) {
      rs.checked = { email, body };
      $('#role-change').textContent = ch.text || '';
      $('#role-change-list').replaceChildren(...changeItems(ch));
      review.hidden = false;
      setNotice(status, 'Kiểm tra xong, chưa lưu: xem lại thay đổi rồi bấm “Lưu vai trò”.', 'info', 'clean');
      $('#role-review-title').focus();
      return;
    }
    rs.checked = null;
    review.hidden = true;
    const text = `Đã lưu vai trò của ${p.name || p.email}: ${roleList(p.roles)}${p.mayCompete === false ? ' (không xét giải)' : ''}. Thao tác đã được ghi vào nhật ký.`;
    setNotice(status, text, 'ok', 'written');
    ctx.announce(text);
    await loadRoles(ctx);
  } catch (err) {
    if (err.status === 400 || err.status === 422) {
      fieldError('role-email', [err.message]);
      form.elements.email.focus();
      setNotice(status, 'Chưa đổi vai trò: xem lỗi ở ngay dưới ô email.', 'error', 'problems');
    } else {
      setNotice(status, (dryRun ? 'Chưa kiểm tra được: ' : 'Chưa lưu được: ') + err.message, 'error', 'failed');
      if (err.status !== 401) ctx.showError(err);
    }
  } finally {
    rs.busy = false;
    $('#role-save').disabled = false;
    $('#role-confirm').disabled = false;
  }
}
