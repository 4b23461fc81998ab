// Pages for unit admins (#/don-vi: the unit's participation in the open
// round and who has not taken part yet) and organisers (#/ban-to-chuc:
// preview or republish a round's results, any unit's participation).
// Tallies call the tally function URL (window.HOITHI_CONFIG.tally),
// participation the units function URL (window.HOITHI_CONFIG.units).

import { $, h, fmtClock, fmtDateTimeSec, fmtInt, fmtPercent, copyText, sheetText } from './util.js';
import { blockLabel, entryTable, renderUnitBlocks, tieBreakItems, publishedUnits, forgetProbe } from './results.js';

const STATUS_LABEL = { upcoming: 'Sắp mở', open: 'Đang mở', closed: 'Đã kết thúc' };
const AUDIENCE_LABEL = { staff: 'Cán bộ, công chức, viên chức', citizen: 'Người dân' };

export function hasRole(participant, role) {
  return Boolean(participant && Array.isArray(participant.roles) && participant.roles.includes(role));
}

/** Staff rounds that have started, the open one(s) first, then the latest closed. */
function participationRounds(rounds) {
  const list = rounds.filter((r) => (r.audience || 'staff') === 'staff' && (r.status === 'open' || r.status === 'closed'));
  return list.sort((a, b) => {
    if (a.status !== b.status) return a.status === 'open' ? -1 : 1;
    return String(b.opensAt).localeCompare(String(a.opensAt));
  });
}

function fillRoundSelect(select, rounds, preferred) {
  const list = participationRounds(rounds);
  select.replaceChildren(...list.map((r) => h('option', { value: r.id, text: `${r.title || r.id} — ${STATUS_LABEL[r.status] || r.status}` })));
  if (preferred && list.some((r) => r.id === preferred)) select.value = preferred;
  else if (list.length) select.value = list[0].id;
  select.disabled = !list.length;
  return list;
}

// ------------------------------------------------------------ participation (shared)

/** Renders a GET …/participation response into box. */
export function renderParticipation(box, data, { roundTitle = '' } = {}) {
  const unit = data.unit || {};
  const missing = Array.isArray(data.notTakenPart) ? data.notTakenPart : [];
  const took = Array.isArray(data.takenPart) ? data.takenPart : [];
  const taking = Array.isArray(data.inProgress) ? data.inProgress : [];
  const headcount = Number(unit.headcount) || 0;
  const participants = Number(data.participants) || 0;
  const rate = Math.max(0, Math.min(1, Number(data.rate) || 0));
  Object.assign(box.dataset, {
    state: 'loaded', unitId: unit.id || '', roundId: data.round || '',
    headcount: String(headcount), participants: String(participants), missing: String(missing.length), inProgress: String(taking.length), rate: String(data.rate),
  });

  const copyStatus = h('span', { class: 'copy-status small', role: 'status', 'aria-live': 'polite' });
  const copy = async (text, what) => {
    const ok = await copyText(text);
    copyStatus.dataset.state = ok ? 'ok' : 'failed';
    copyStatus.textContent = ok ? `Đã sao chép ${what}.` : 'Trình duyệt không cho sao chép tự động: hãy chọn và sao chép danh sách bên dưới.';
  };
  const emails = missing.map((p) => p.email);

  const missingPart = missing.length
    ? [
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { copy: 'emails' }, text: 'Sao chép danh sách email', onclick: () => copy(emails.join('; '), `${missing.length} địa chỉ email`) }),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { copy: 'names' }, text: 'Sao chép họ tên và email', onclick: () => copy(missing.map((p) => `${p.name}\t${p.email}`).join('\n'), `${missing.length} dòng họ tên và email`) }),
        copyStatus),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Bảng người chưa dự thi' },
        h('table', { class: 'data-table missing-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num', text: 'STT' }), h('th', { scope: 'col', text: 'Họ và tên' }), h('th', { scope: 'col', text: 'Email' }))),
          h('tbody', {}, missing.map((p, i) => h('tr', { dataset: { email: p.email } },
            h('td', { class: 'num', text: String(i + 1) }), h('td', { class: 'name', text: p.name || '' }), h('td', { class: 'email', text: p.email })))))),
      h('details', { class: 'plain-list' },
        h('summary', { text: 'Danh sách email dạng văn bản (mỗi dòng một địa chỉ)' }),
        h('textarea', { class: 'emails-text', readonly: true, rows: String(Math.min(10, Math.max(3, missing.length))), 'aria-label': 'Email của những người chưa dự thi' }, emails.join('\n'))),
    ]
    : [h('p', { class: 'ok-text', text: 'Tất cả CBCCVC trong danh sách của đơn vị đã dự thi.' })];

  const asOf = data.asOf ? `Số liệu lúc ${fmtDateTimeSec(data.asOf)}` : '';
  box.replaceChildren(...[
    h('h2', { class: 'participation-unit' }, unit.name || unit.id || '', ' ', h('span', { class: 'muted small', text: blockLabel(unit.block) })),
    h('p', { class: 'muted' }, [roundTitle, asOf, data.status === 'closed' ? 'tuần thi đã kết thúc' : ''].filter(Boolean).join(' · ')),
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', title: 'Số CBCCVC trong danh sách của đơn vị', text: 'Số CBCCVC' }), h('strong', { class: 'stat-value', dataset: { stat: 'headcount' }, text: fmtInt(headcount) })),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: 'Đã dự thi' }), h('strong', { class: 'stat-value', dataset: { stat: 'participants' }, text: fmtInt(participants) })),
      taking.length
        ? h('div', { class: 'stat' }, h('span', { class: 'stat-label', title: 'Đã bắt đầu làm bài nhưng chưa nộp', text: 'Đang làm bài' }), h('strong', { class: 'stat-value', dataset: { stat: 'in-progress' }, text: fmtInt(taking.length) }))
        : null,
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: 'Chưa dự thi' }), h('strong', { class: 'stat-value', dataset: { stat: 'missing' }, text: fmtInt(missing.length) }))),
    h('div', { class: 'rate-row' },
      h('span', { class: 'rate-label' }, 'Tỷ lệ tham gia: ', h('strong', { class: 'rate-value', dataset: { stat: 'rate' }, text: fmtPercent(rate) })),
      h('div', {
        class: 'meter meter-large', role: 'progressbar', 'aria-label': 'Tỷ lệ tham gia',
        'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(rate * 1000) / 10), 'aria-valuetext': fmtPercent(rate),
      }, h('span', { class: 'meter-fill' + (rate >= 1 ? ' is-full' : rate < 0.8 ? ' is-low' : ''), style: `width:${(rate * 100).toFixed(1)}%` }))),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', class: 'btn btn-secondary btn-small', dataset: { download: 'csv' }, text: 'Tải danh sách của đơn vị (CSV, mở bằng Excel)',
      onclick: () => downloadList(data, { missing, taking, took }),
    })),
    participants > headcount && headcount > 0
      ? h('p', { class: 'small muted', text: `Số người dự thi nhiều hơn số CBCCVC trong danh sách (${fmtInt(participants - headcount)} người không có trong danh sách đã nhập); tỷ lệ tính tối đa 100%.` })
      : null,
    h('section', { class: 'missing', 'aria-label': 'Chưa dự thi' },
      h('h3', { text: `Chưa dự thi (${fmtInt(missing.length)} người)` }),
      ...missingPart),
    taking.length
      ? h('section', { class: 'in-progress', 'aria-label': 'Đang làm bài' },
        h('h3', { text: `Đang làm bài (${fmtInt(taking.length)} người)` }),
        h('p', { class: 'small muted', text: 'Đã bắt đầu làm bài nhưng chưa nộp. Bài chưa nộp khi hết giờ được hệ thống tự động nộp với các câu đã trả lời và vẫn được tính là đã dự thi.' }),
        h('ul', { class: 'in-progress-list' }, taking.map((p) => h('li', { dataset: { email: p.email } },
          p.name || '', ' — ', h('span', { class: 'muted', text: p.email }),
          p.deadline ? h('span', { class: 'small muted', text: ` · hết giờ lúc ${fmtClock(p.deadline)}` }) : null))))
      : null,
    took.length
      ? h('details', { class: 'took' },
        h('summary', { text: `Đã dự thi (${fmtInt(took.length)} người)` }),
        h('ul', { class: 'took-list' }, took.map((p) => h('li', { dataset: { email: p.email } }, p.name || '', ' — ', h('span', { class: 'muted', text: p.email })))))
      : null,
  ].filter(Boolean));
}

// ------------------------------------------------------------ banner for unit websites

/** The address of the contest's banner (embed/banner.html): a unit's shows its staff rounds and its rate. */
export function embedSrc(unitId) {
  return new URL('embed/banner.html' + (unitId ? '?unit=' + encodeURIComponent(unitId) + '&audience=staff' : ''), location.href).href;
}

/** The <iframe> code of the banner, for a unit's website or any. */
export function embedCode(unitId) {
  const src = embedSrc(unitId).replaceAll('&', '&amp;');
  return `<iframe src="${src}" title="Hội thi trực tuyến tìm hiểu công tác cải cách hành chính" width="100%" height="680" style="border:0;max-width:640px" loading="lazy"></iframe>`;
}

/**
 * An optional script to paste after the <iframe>: it gives the frame the
 * banner's own height (the banner posts it), so a narrow column cuts nothing.
 */
export function embedAutoHeight() {
  const origin = location.origin;
  return `<script>addEventListener("message",function(e){var d=e.data;if(e.origin!=="${origin}"||!d||d.hoithiBanner!=="height")return;`
    + `document.querySelectorAll('iframe[src^="${origin}/embed/banner.html"]').forEach(function(f){if(f.contentWindow===e.source)f.style.height=Math.ceil(d.height)+"px";});});</script>`;
}

/** Fills a banner section (#unit-embed, #org-embed): the code, a copy button, a preview loaded when opened. */
function renderEmbed(section, unitId) {
  const code = embedCode(unitId);
  const src = embedSrc(unitId);
  const id = section.id + '-code';
  const status = h('span', { class: 'copy-status small', role: 'status', 'aria-live': 'polite' });
  const frame = h('iframe', { title: 'Xem trước banner Hội thi', width: '100%', height: '680', loading: 'lazy' });
  const details = h('details', { class: 'embed-preview' }, h('summary', { text: 'Xem trước banner' }), frame);
  details.addEventListener('toggle', () => {
    if (details.open && !frame.getAttribute('src')) frame.src = src;
  });
  section.querySelector('.embed-body').replaceChildren(
    h('label', { class: 'small', for: id, text: 'Mã nhúng (HTML)' }),
    h('textarea', { id, class: 'embed-code', readonly: true, rows: '3', spellcheck: 'false' }, code),
    h('label', { class: 'small', for: section.id + '-auto', text: 'Tuỳ chọn: dán thêm đoạn mã này ngay sau mã nhúng để khung tự lấy đúng chiều cao của banner (không bị cắt ở cột hẹp)' }),
    h('textarea', { id: section.id + '-auto', class: 'embed-code', readonly: true, rows: '3', spellcheck: 'false' }, embedAutoHeight()),
    h('div', { class: 'actions' },
      h('button', {
        id: section.id + '-copy', type: 'button', class: 'btn btn-secondary btn-small', text: 'Sao chép mã nhúng',
        onclick: async () => {
          const ok = await copyText(code);
          status.dataset.state = ok ? 'ok' : 'failed';
          status.textContent = ok ? 'Đã sao chép mã nhúng.' : 'Trình duyệt không cho sao chép tự động: hãy chọn và sao chép đoạn mã ở trên.';
        },
      }),
      status),
    details);
  section.dataset.unitId = unitId || '';
  section.hidden = false;
}

/**
 * The unit's people in one file: who has not taken part first (what the unit acts on), then who is taking a paper,
 * then who has taken part. Names and e-mails go through sheetText, so none opens as a formula in Excel.
 */
function downloadList(data, { missing, taking, took }) {
  const cell = (v) => (/[",\n\r]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v);
  const rows = [['STT', 'Họ và tên', 'Email', 'Tình trạng']];
  const add = (people, status) => people.forEach((p) => rows.push([String(rows.length), sheetText(p.name), sheetText(p.email), status]));
  add(missing, 'Chưa dự thi');
  add(taking, 'Đang làm bài');
  add(took, 'Đã dự thi');
  const csv = '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'; // BOM: Excel reads UTF-8 Vietnamese
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: `tham-gia-${(data.unit || {}).id || 'don-vi'}-${data.round || 'tuan'}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const loads = new WeakMap(); // box → number of the latest request (older answers are dropped)

async function loadParticipation(ctx, box, btn, roundId, unitId) {
  if (!btn.dataset.label) btn.dataset.label = btn.textContent;
  const seq = (loads.get(box) || 0) + 1;
  loads.set(box, seq);
  btn.disabled = true;
  btn.textContent = 'Đang tải…';
  box.dataset.state = 'loading';
  box.setAttribute('aria-busy', 'true');
  ctx.clearError();
  try {
    const { data } = await ctx.api.participation(roundId, unitId);
    if (loads.get(box) !== seq) return;
    renderParticipation(box, data, { roundTitle: ctx.roundTitle(roundId) });
    const taking = (data.inProgress || []).length;
    ctx.announce(`Đã cập nhật: ${fmtInt(data.participants)} người đã dự thi, ${taking ? `${fmtInt(taking)} người đang làm bài, ` : ''}${fmtInt((data.notTakenPart || []).length)} người chưa dự thi.`);
  } catch (err) {
    if (loads.get(box) !== seq) return;
    box.dataset.state = 'error';
    if (err.status !== 401) {
      box.replaceChildren(h('p', { class: 'muted', text: 'Không tải được số liệu tham gia.' }));
      ctx.showError(err);
    }
  } finally {
    if (loads.get(box) === seq) {
      box.removeAttribute('aria-busy');
      btn.disabled = false;
      btn.textContent = btn.dataset.label;
    }
  }
}

// ------------------------------------------------------------ unit admin

let unitRound = '';

export async function showUnit(ctx) {
  const s = ctx.session();
  const p = s.participant;
  const denied = $('#unit-denied');
  const controls = $('#unit-controls');
  const box = $('#unit-participation');
  if (!hasRole(p, 'unitAdmin') || !p.unitId) {
    denied.textContent = hasRole(p, 'unitAdmin')
      ? 'Tài khoản của bạn chưa gắn với đơn vị nào. Vui lòng liên hệ Ban tổ chức.'
      : 'Trang này dành cho cán bộ quản trị của cơ quan, đơn vị, UBND phường/xã.' + (hasRole(p, 'organiser') ? ' Ban tổ chức xem số liệu của từng đơn vị ở trang Ban tổ chức.' : '');
    denied.hidden = false;
    controls.hidden = true;
    $('#unit-embed').hidden = true;
    box.replaceChildren();
    return;
  }
  denied.hidden = true;
  controls.hidden = false;
  $('#unit-title').textContent = 'Tình hình tham gia của đơn vị';
  renderEmbed($('#unit-embed'), p.unitId);
  const rounds = await ctx.ensureRounds();
  if (!ctx.stillOn()) return;
  const list = fillRoundSelect($('#unit-round'), rounds, unitRound);
  if (!list.length) {
    box.dataset.state = 'empty';
    box.replaceChildren(h('p', { class: 'muted', text: 'Chưa có tuần thi nào đang mở hoặc đã kết thúc.' }));
    return;
  }
  await refreshUnit(ctx);
}

async function refreshUnit(ctx) {
  const s = ctx.session();
  if (!s) return;
  unitRound = $('#unit-round').value;
  await loadParticipation(ctx, $('#unit-participation'), $('#unit-refresh'), unitRound, s.participant.unitId);
}

// ------------------------------------------------------------ organiser

const org = { output: null, units: [], unitsLoaded: false, round: '', unit: '' };

export async function showOrganiser(ctx) {
  const s = ctx.session();
  const denied = $('#org-denied');
  const body = $('#org-body');
  if (!hasRole(s.participant, 'organiser')) {
    denied.textContent = 'Trang này dành cho Ban tổ chức hội thi.';
    denied.hidden = false;
    body.hidden = true;
    return;
  }
  denied.hidden = true;
  body.hidden = false;
  renderEmbed($('#org-embed'), '');
  const rounds = await ctx.ensureRounds({ fresh: true });
  if (!ctx.stillOn()) return;
  renderOrgRounds(rounds);
  fillRoundSelect($('#org-unit-round'), rounds, org.round);
  if (org.output) renderOutput(ctx, org.output.roundId, org.output.data);
  if (!org.unitsLoaded) {
    org.unitsLoaded = true;
    const closed = participationRounds(rounds).filter((r) => r.status === 'closed').map((r) => r.id);
    mergeUnits(await publishedUnits(ctx.cfg, closed));
  }
  fillUnitSelect();
}

function renderOrgRounds(rounds) {
  const list = $('#org-rounds');
  list.replaceChildren(...rounds.map((r) => {
    const status = STATUS_LABEL[r.status] ? r.status : 'closed';
    let action;
    if (status === 'open') {
      action = h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { action: 'preview', roundId: r.id }, text: 'Xem trước kết quả' });
    } else if (status === 'closed') {
      action = [
        h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { action: 'publish', roundId: r.id }, text: 'Tổng hợp và công bố lại' }),
        ' ',
        h('a', { class: 'btn btn-link btn-small', href: '#/ket-qua-tuan/' + encodeURIComponent(r.id), text: 'Trang kết quả công bố' }),
      ];
    } else {
      action = h('span', { class: 'muted small', text: 'Chưa mở: chưa có gì để tổng hợp.' });
    }
    return h('li', { class: 'round', dataset: { status, roundId: r.id } },
      h('div', { class: 'round-head' },
        h('h3', { text: r.title || r.id }),
        h('span', { class: `badge badge-${status}`, text: STATUS_LABEL[status] })),
      r.audience ? h('p', { class: 'round-audience small' }, 'Đối tượng: ', AUDIENCE_LABEL[r.audience] || r.audience) : null,
      h('div', { class: 'round-action' }, action));
  }));
}

async function runTally(ctx, roundId, btn) {
  const label = btn.textContent;
  const publish = btn.dataset.action === 'publish';
  for (const b of document.querySelectorAll('#org-rounds button[data-action]')) b.disabled = true;
  btn.textContent = publish ? 'Đang tổng hợp và công bố…' : 'Đang tổng hợp…';
  ctx.clearError();
  try {
    const { data } = await ctx.api.tally(roundId);
    org.output = { roundId, data };
    if (data.result && Array.isArray(data.result.units)) mergeUnits(data.result.units);
    fillUnitSelect();
    if (data.published) forgetProbe(roundId);
    renderOutput(ctx, roundId, data);
    ctx.announce(data.published ? 'Đã tổng hợp và công bố kết quả.' : 'Đã tổng hợp kết quả xem trước.');
    const card = $('#org-output-card');
    card.scrollIntoView({ block: 'start' });
    const heading = card.querySelector('h2');
    if (heading) heading.focus({ preventScroll: true });
  } catch (err) {
    if (err.status !== 401) ctx.showError(err);
  } finally {
    for (const b of document.querySelectorAll('#org-rounds button[data-action]')) b.disabled = false;
    if (btn.isConnected) btn.textContent = label;
  }
}

function renderOutput(ctx, roundId, data) {
  const r = data.result || {};
  const box = $('#org-output');
  const title = (r.round && r.round.title) || ctx.roundTitle(roundId) || roundId;
  const published = Boolean(data.published);
  box.dataset.roundId = roundId;
  box.dataset.published = String(published);
  // The call answers a summary: the top of the ranking (leaders), never the whole of it.
  const leaders = Array.isArray(r.leaders) ? r.leaders : [];
  const top = h('table', { id: 'org-top', class: 'data-table' });
  entryTable(top, leaders.slice(0, 10), { allCorrect: r.allCorrect });
  const units = h('div', { class: 'org-units' });
  renderUnitBlocks(units, r.units);

  let files = null;
  if (published) {
    const prefix = data.prefix || `results/${ctx.cfg.contest}/${roundId}/`;
    const arts = Array.isArray(data.artefacts) ? data.artefacts : [];
    // The ranking's pages and units' lines (hundreds in a large round) fold away under the main files.
    const isPart = (a) => a.name.startsWith('ranking/');
    const table = (id, list) => h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Bảng các tệp đã công bố' + (id === 'org-artefact-parts' ? ' theo trang và theo đơn vị' : '') },
      h('table', { id, class: 'data-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Tệp' }), h('th', { scope: 'col', class: 'num', text: 'Kích thước (byte)' }), h('th', { scope: 'col', text: 'SHA-256' }))),
        h('tbody', {}, list.map((a) => h('tr', { dataset: { file: a.name } },
          h('td', {}, h('a', { href: prefix + a.name.split('/').map(encodeURIComponent).join('/'), download: a.name.split('/').pop(), text: a.name })),
          h('td', { class: 'num', text: fmtInt(a.bytes) }),
          h('td', {}, h('code', { class: 'sha-value', dataset: { sha256: a.sha256 }, text: a.sha256 })))))));
    const parts = arts.filter(isPart);
    files = [
      h('h3', { text: 'Các tệp đã công bố' }),
      h('p', { class: 'muted small' }, `Ghi vào ${prefix}. Dữ liệu không đổi thì mỗi lần công bố lại cho các tệp giống hệt (cùng mã SHA-256). `,
        h('a', { href: '#/ket-qua-tuan/' + encodeURIComponent(roundId), text: 'Xem trang kết quả công bố' })),
      table('org-artefacts', arts.filter((a) => !isPart(a))),
      parts.length
        ? h('details', { class: 'org-parts' },
          h('summary', { text: `Bảng xếp hạng theo trang và theo đơn vị (${fmtInt(parts.length)} tệp)` }),
          table('org-artefact-parts', parts))
        : null,
    ];
  }

  box.replaceChildren(
    h('h2', { tabindex: '-1', text: (published ? 'Đã tổng hợp và công bố: ' : 'Xem trước kết quả (tạm tính, chưa công bố): ') + title }),
    h('p', { class: published ? 'notice notice-info' : 'notice notice-demo' }, published
      ? 'Kết quả chính thức vừa được tính lại từ dữ liệu bài thi và công bố; trang kết quả tuần và các tệp tải về đã được cập nhật.'
      : 'Tuần thi đang mở: số liệu còn thay đổi đến khi tuần thi kết thúc. Bản xem trước này không được công bố.'),
    h('div', { class: 'stats' },
      h('div', { class: 'stat stat-main' }, h('span', { class: 'stat-label', text: 'Số bài thi trả lời đúng tất cả các câu' }), h('strong', { id: 'org-all-correct', class: 'stat-value', dataset: { value: String(r.allCorrect) }, text: fmtInt(r.allCorrect) })),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: 'Số người dự thi' }), h('strong', { id: 'org-participants', class: 'stat-value', dataset: { value: String(r.participants) }, text: fmtInt(r.participants) })),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: 'Số bài thi' }), h('strong', { id: 'org-papers', class: 'stat-value', dataset: { value: String(r.papers) }, text: fmtInt(r.papers) }))),
    ...(files || []),
    h('h3', { text: 'Thứ tự xét giải' }),
    h('ol', { class: 'tiebreak' }, tieBreakItems(r.tieBreak, r.allCorrect)),
    h('h3', { text: r.participants > leaders.length ? `${fmtInt(leaders.length)} người dẫn đầu (trên ${fmtInt(r.participants)} người)` : 'Bảng xếp hạng' }),
    leaders.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Bảng người dẫn đầu' }, top) : h('p', { class: 'muted', text: 'Chưa có bài thi nào được nộp.' }),
    h('h3', { text: 'Kết quả theo đơn vị' }),
    units,
  );
  $('#org-output-card').hidden = false;
}

function mergeUnits(units) {
  for (const u of units || []) {
    const id = u.unitId || u.id;
    if (!id) continue;
    const known = org.units.find((x) => x.id === id);
    if (known) Object.assign(known, { name: u.name || known.name, block: u.block || known.block });
    else org.units.push({ id, name: u.name || id, block: u.block || '' });
  }
}

function fillUnitSelect() {
  const select = $('#org-unit');
  const keep = select.value || org.unit;
  const groups = [];
  for (const u of org.units) {
    let g = groups.find((x) => x.block === u.block);
    if (!g) groups.push(g = { block: u.block, units: [] });
    g.units.push(u);
  }
  select.replaceChildren(...groups.map((g) => h('optgroup', { label: blockLabel(g.block) },
    g.units.map((u) => h('option', { value: u.id, text: u.name })))));
  if (keep && org.units.some((u) => u.id === keep)) select.value = keep;
  select.disabled = !org.units.length;
  $('#org-unit-show').disabled = !org.units.length;
  if (!org.units.length) {
    const box = $('#org-participation');
    box.replaceChildren(h('p', { class: 'muted', text: 'Chưa biết danh sách đơn vị: hãy bấm “Xem trước kết quả” của tuần đang mở để tải danh sách.' }));
  }
}

/** Wires the admin pages' controls once. */
export function bindAdmin(ctx) {
  $('#unit-refresh').addEventListener('click', () => refreshUnit(ctx));
  $('#unit-round').addEventListener('change', () => refreshUnit(ctx));
  $('#org-rounds').addEventListener('click', (e) => {
    const btn = e.target.closest && e.target.closest('button[data-action]');
    if (btn && !btn.disabled) runTally(ctx, btn.dataset.roundId, btn);
  });
  $('#org-unit-show').addEventListener('click', () => {
    const roundId = $('#org-unit-round').value;
    const unitId = $('#org-unit').value;
    if (!roundId || !unitId) return;
    org.round = roundId;
    org.unit = unitId;
    loadParticipation(ctx, $('#org-participation'), $('#org-unit-show'), roundId, unitId);
  });
}
