// Published results, read from the site itself (results/<contest>/…, the
// files the weekly tally writes): the home page's per-round link, the weekly
// results view (#/ket-qua-tuan/<roundId>), the contest-to-date view
// (#/ket-qua-toan-cuoc), and the tables the organiser page reuses.
//
// Every number that decided a place is shown, and every file can be checked
// against the SHA-256 in manifest.json.

import { fetchPublished, resultsPath } from './api.js';
import {
  $, h, fmtDateTime, fmtDateTimeMs, fmtInt, fmtPercent, fmtDecimal, fmtTimeTaken, fmtBytes, fold, parseTime, sha256Hex, stackTable } from './util.js';

export const BLOCK_LABEL = {
  'co-quan-hanh-chinh': 'Khối cơ quan hành chính',
  'don-vi-su-nghiep': 'Khối đơn vị sự nghiệp',
  'xa-phuong': 'Khối xã, phường',
};

export function blockLabel(b) {
  return BLOCK_LABEL[b] || (b ? 'Khối ' + b : 'Chưa phân khối');
}

const TIE_BREAK = {
  correct: () => 'Nhiều câu trả lời đúng hơn.',
  prediction: (n) => `Dự đoán gần hơn với số bài thi trả lời đúng tất cả các câu của tuần (${fmtInt(n)} bài): chênh lệch nhỏ hơn.`,
  time: () => 'Thời gian làm bài ngắn hơn.',
  submitted: () => 'Nộp bài sớm hơn.',
};

const FILES = [
  { name: 'ranking.csv', label: 'Bảng xếp hạng đầy đủ (CSV)' },
  { name: 'units.csv', label: 'Kết quả theo đơn vị (CSV)' },
  { name: 'report.xlsx', label: 'Báo cáo gửi Phòng Nội vụ (Excel)' },
  { name: 'results.json', label: 'Toàn bộ kết quả (JSON)' },
  { name: 'units.json', label: 'Kết quả không kèm bảng xếp hạng (JSON)' },
  { name: 'manifest.json', label: 'Danh mục tệp và mã SHA-256 (manifest.json)' },
];

const PAGE_SIZE = 50;

// ------------------------------------------------------------ home: is a round published?

// roundId → {state: 'loading'|'published'|'pending'|'error', data?, at}
const probes = new Map();
const PROBE_TTL_MS = 60e3;

/** Forgets what is known of a round's publication (after an organiser republishes it). */
export function forgetProbe(roundId) {
  probes.delete(roundId);
}

/** The last known publication state of a round's results. */
export function publicationState(roundId) {
  return probes.get(roundId) || null;
}

/**
 * Checks results/<contest>/<roundId>/units.json (404: not published yet).
 * Calls onChange(roundId, state) when the answer arrives.
 */
export async function probeResults(cfg, roundId, onChange, { force = false } = {}) {
  const known = probes.get(roundId);
  if (known && !force && (known.state === 'loading' || Date.now() - known.at < PROBE_TTL_MS)) return known;
  const loading = { state: known && known.state !== 'loading' ? known.state : 'loading', data: known && known.data, at: Date.now(), busy: true };
  probes.set(roundId, loading);
  let st;
  try {
    const res = await fetchPublished(resultsPath(cfg, roundId, 'units.json'));
    st = res.status === 404 ? { state: 'pending' } : { state: 'published', data: res.data };
  } catch (e) {
    st = { state: 'error' };
  }
  st.at = Date.now();
  probes.set(roundId, st);
  if (onChange) onChange(roundId, st);
  return st;
}

/**
 * One's own place in a round's published ranking: {rank, of} or null (not
 * published yet, no ranking pages, or the paper is not in the ranking: with
 * several attempts only the best one is). The ranking pages are sorted by the
 * round's tie-break keys, so a binary search reads a few of them (about 8 for
 * a national round of 260,000), never the whole ranking. result is the
 * paper's {correct, prediction, timeTakenMs, submittedAt}; name the name the
 * ranking shows.
 */
export async function findOwnRank(cfg, roundId, result, name) {
  let st = await probeResults(cfg, roundId);
  if (st && st.state === 'loading') st = await probeResults(cfg, roundId, null, { force: true }); // another look is in flight
  const s = st && st.state === 'published' ? st.data : null;
  // The order is the one the tally ranked by, published with the results.
  if (!s || !(s.rankingPages > 0) || !result || !Array.isArray(s.tieBreak) || !s.tieBreak.length) return null;
  const order = s.tieBreak;
  const mine = {
    correct: Number(result.correct), distance: Math.abs(Number(result.prediction) - Number(s.allCorrect)),
    timeTakenMs: Number(result.timeTakenMs), submittedAt: result.submittedAt,
  };
  const by = {
    correct: (a, b) => b.correct - a.correct,
    prediction: (a, b) => a.distance - b.distance,
    time: (a, b) => a.timeTakenMs - b.timeTakenMs,
    submitted: (a, b) => parseTime(a.submittedAt) - parseTime(b.submittedAt),
  };
  const cmp = (a, b) => {
    for (const k of order) {
      const c = by[k] ? by[k](a, b) : 0;
      if (c) return c;
    }
    return 0;
  };
  const pages = new Map();
  const page = async (n) => {
    if (!pages.has(n)) {
      const res = await fetchPublished(resultsPath(cfg, roundId, 'ranking/' + String(n).padStart(4, '0') + '.json'));
      pages.set(n, res.status === 404 ? [] : (res.data.entries || []));
    }
    return pages.get(n);
  };
  const here = (entries) => entries.find((e) => cmp(mine, e) === 0 && e.name === name);
  let lo = 1;
  let hi = s.rankingPages;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const entries = await page(mid);
    if (!entries.length) return null;
    if (cmp(mine, entries[0]) < 0) hi = mid - 1;
    else if (cmp(mine, entries[entries.length - 1]) > 0) lo = mid + 1;
    else {
      // Entries equal on every key may run across a page boundary.
      let e = here(entries);
      if (!e && mid > 1 && cmp(mine, entries[0]) === 0) e = here(await page(mid - 1));
      if (!e && mid < s.rankingPages && cmp(mine, entries[entries.length - 1]) === 0) e = here(await page(mid + 1));
      return e ? { rank: e.rank, of: Number(s.participants) || 0, excluded: Boolean(e.excluded), prize: e.prize || '' } : null;
    }
  }
  return null;
}

/** The closed round's results line on the home page. */
export function resultsSlot(roundId, st) {
  const slot = h('div', { class: 'round-results', dataset: { resultsFor: roundId, state: st ? st.state : 'loading' } });
  fillResultsSlot(slot, st);
  return slot;
}

export function fillResultsSlot(slot, st) {
  const roundId = slot.dataset.resultsFor;
  const state = st ? st.state : 'loading';
  slot.dataset.state = state;
  if (state === 'published') {
    const d = st.data || {};
    slot.replaceChildren(
      h('p', { class: 'round-results-figure' },
        'Số bài thi đúng tất cả các câu: ', h('strong', { text: fmtInt(d.allCorrect) }),
        ` · ${fmtInt(d.participants)} người dự thi`),
      h('a', { class: 'btn btn-secondary btn-small', href: '#/ket-qua-tuan/' + encodeURIComponent(roundId), dataset: { weeklyResults: roundId }, text: 'Xem kết quả tuần' }),
    );
  } else if (state === 'pending') {
    slot.replaceChildren(h('p', { class: 'muted round-results-pending', text: 'Kết quả đang được tổng hợp.' }));
  } else if (state === 'error') {
    slot.replaceChildren(h('p', { class: 'muted', text: 'Chưa tải được thông tin kết quả của tuần này.' }));
  } else {
    slot.replaceChildren(h('p', { class: 'muted', text: 'Đang kiểm tra kết quả…' }));
  }
}

// ------------------------------------------------------------ shared tables

function th(text, attrs = {}) {
  return h('th', { scope: 'col', ...attrs }, text);
}

function num(text, attrs = {}) {
  return h('td', { class: 'num', ...attrs }, text);
}

/** A ranking or prize table: every number that decided the place. */
export function entryTable(table, entries, { prizeFirst = false, allCorrect } = {}) {
  const head = [
    th('Hạng', { class: 'num' }), th('Họ và tên'), th('Đơn vị'), th('Số câu đúng', { class: 'num' }),
    th('Dự đoán', { class: 'num' }), th('Chênh lệch', { class: 'num', title: `Chênh lệch dự đoán: |dự đoán − ${fmtInt(allCorrect)}|` }),
    th('Thời gian (phút:giây)', { class: 'num', title: 'Thời gian làm bài' }), th('Nộp bài lúc'),
  ];
  if (prizeFirst) head.unshift(th('Giải'));
  else head.push(th('Giải'));
  const rows = entries.map((e) => {
    const prize = e.excluded
      ? h('span', { class: 'muted', text: 'Không xét giải (Ban tổ chức)' })
      : (e.prize ? h('strong', { class: 'prize', text: e.prize }) : '');
    const cells = [
      num(fmtInt(e.rank)),
      h('td', { class: 'name' }, e.name || ''),
      h('td', { class: 'unit' }, e.unit || ''),
      num(`${e.correct}/${e.total}`),
      num(fmtInt(e.prediction)),
      num(fmtInt(e.distance)),
      num(fmtTimeTaken(e.timeTakenMs)),
      h('td', { class: 'nowrap' }, h('time', { datetime: e.submittedAt, text: fmtDateTimeMs(e.submittedAt) })),
    ];
    if (prizeFirst) cells.unshift(h('td', {}, prize));
    else cells.push(h('td', {}, prize));
    return h('tr', { dataset: { rank: String(e.rank) }, class: e.excluded ? 'is-excluded' : '' }, cells);
  });
  table.replaceChildren(h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows));
}

function rateCell(rate) {
  const pct = Math.max(0, Math.min(1, Number(rate) || 0));
  return h('td', { class: 'num rate' },
    h('span', { class: 'rate-text', text: fmtPercent(rate) }),
    h('span', { class: 'meter meter-small', 'aria-hidden': 'true' }, h('span', { class: 'meter-fill', style: `width:${(pct * 100).toFixed(1)}%` })));
}

/** Units grouped by block (the order the tally gives: block, then rank in block). */
function byBlock(units) {
  const groups = [];
  for (const u of units || []) {
    let g = groups.find((x) => x.block === u.block);
    if (!g) {
      g = { block: u.block, units: [] };
      groups.push(g);
    }
    g.units.push(u);
  }
  return groups;
}

/** One table per block of a round's units. */
export function renderUnitBlocks(container, units) {
  const out = [];
  let over = false;
  for (const g of byBlock(units)) {
    const id = 'units-' + Math.random().toString(36).slice(2, 8);
    const rows = g.units.map((u) => {
      if (u.overRoster) over = true;
      return h('tr', { dataset: { unitId: u.unitId, overRoster: u.overRoster ? 'true' : 'false' }, class: u.overRoster ? 'is-over' : '' },
        num(fmtInt(u.rankInBlock)),
        h('td', { class: 'name' }, u.name || u.unitId),
        num(fmtInt(u.headcount)),
        num(u.overRoster
          ? [fmtInt(u.participants), ' ', h('span', { class: 'flag', title: 'Nhiều hơn số CBCCVC trong danh sách', text: 'vượt danh sách' })]
          : fmtInt(u.participants)),
        rateCell(u.rate),
        num(fmtDecimal(u.averageScore, 2)),
        num(`${fmtPercent(u.allCorrectShare)} (${fmtInt(u.allCorrect)})`));
    });
    out.push(h('section', { class: 'block', dataset: { block: g.block } },
      h('h3', { id, text: blockLabel(g.block) }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': id },
        stackTable(h('table', { class: 'data-table units-table' },
          h('thead', {}, h('tr', {},
            th('Hạng', { class: 'num', title: 'Hạng trong khối' }), th('Đơn vị'), th('Số CBCCVC', { class: 'num' }), th('Số người dự thi', { class: 'num' }),
            th('Tỷ lệ tham gia', { class: 'num' }), th('Điểm trung bình (thang 10)', { class: 'num' }), th('Bài đúng tất cả các câu', { class: 'num' }))),
          h('tbody', {}, rows))))));
  }
  if (!out.length) out.push(h('p', { class: 'muted', text: 'Chưa có đơn vị nào.' }));
  if (over) {
    out.push(h('p', { class: 'small muted footnote' },
      h('span', { class: 'flag', text: 'vượt danh sách' }),
      ' Đơn vị có số người dự thi nhiều hơn số CBCCVC trong danh sách đã nhập (người mới về đơn vị sau khi nhập danh sách vẫn được dự thi); tỷ lệ tham gia tính tối đa 100%.'));
  }
  container.replaceChildren(...out);
}

function renderToDateBlocks(container, units) {
  const out = [];
  for (const g of byBlock(units)) {
    const id = 'todate-' + Math.random().toString(36).slice(2, 8);
    const rows = g.units.map((u) => h('tr', { dataset: { unitId: u.unitId } },
      num(fmtInt(u.rankInBlock)),
      h('td', { class: 'name' }, u.name || u.unitId),
      num(fmtInt(u.headcount)),
      num(fmtInt(u.rounds)),
      num(fmtInt(u.participants)),
      rateCell(u.averageRate),
      num(fmtDecimal(u.averageScore, 2)),
      num(fmtInt(u.allCorrect))));
    out.push(h('section', { class: 'block', dataset: { block: g.block } },
      h('h3', { id, text: blockLabel(g.block) }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': id },
        stackTable(h('table', { class: 'data-table units-table' },
          h('thead', {}, h('tr', {},
            th('Hạng', { class: 'num', title: 'Hạng trong khối' }), th('Đơn vị'), th('Số CBCCVC', { class: 'num' }), th('Số tuần', { class: 'num' }),
            th('Tổng lượt dự thi', { class: 'num' }), th('Tỷ lệ tham gia bình quân', { class: 'num' }), th('Điểm trung bình (thang 10)', { class: 'num' }),
            th('Bài đúng tất cả các câu', { class: 'num' }))),
          h('tbody', {}, rows))))));
  }
  if (!out.length) out.push(h('p', { class: 'muted', text: 'Chưa có đơn vị nào.' }));
  container.replaceChildren(...out);
}

/**
 * The download list: a link per file, its size and SHA-256 from the
 * manifest, and a button that fetches the file and compares its hash.
 * manifestText (the manifest's own bytes) gives the manifest's hash, which
 * it cannot hold itself.
 */
async function renderDownloads(list, base, manifest, manifestText, files) {
  const byName = new Map(((manifest && manifest.artefacts) || []).map((a) => [a.name, a]));
  let manifestSha = '';
  if (manifestText) {
    try { manifestSha = await sha256Hex(new TextEncoder().encode(manifestText)); } catch (e) { manifestSha = ''; }
  }
  const items = [];
  for (const f of files) {
    const a = byName.get(f.name);
    if (!a && f.name !== 'manifest.json') continue;
    if (f.name === 'manifest.json' && !manifestText) continue;
    const href = base + encodeURIComponent(f.name);
    const sha = a ? a.sha256 : manifestSha;
    const verify = h('span', { class: 'verify', role: 'status' });
    const check = h('button', {
      type: 'button', class: 'btn btn-secondary btn-small', dataset: { verify: f.name }, text: 'Kiểm tra',
      onclick: () => verifyFile(href, sha, verify, check),
    });
    items.push(h('li', { dataset: { file: f.name } },
      h('div', { class: 'download-head' },
        h('a', { href, download: f.name, text: f.label }),
        h('span', { class: 'muted small', text: ` ${f.name}${a ? ' · ' + fmtBytes(a.bytes) : ''}` })),
      sha
        ? h('div', { class: 'sha' }, h('span', { class: 'sha-label', text: 'SHA-256: ' }), h('code', { class: 'sha-value', dataset: { sha256: sha }, text: sha }),
          a ? null : h('span', { class: 'muted small', text: ' (tính trên trình duyệt từ tệp vừa tải; manifest không ghi mã của chính nó)' }))
        : null,
      sha ? h('div', { class: 'verify-row' }, check, verify) : null));
  }
  if (!items.length) items.push(h('li', { class: 'muted', text: 'Chưa có danh mục tệp (manifest.json).' }));
  list.replaceChildren(...items);
}

async function verifyFile(href, want, out, btn) {
  btn.disabled = true;
  out.dataset.state = 'checking';
  out.textContent = 'Đang kiểm tra…';
  try {
    const res = await fetch(href, { cache: 'no-cache', credentials: 'same-origin' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const got = await sha256Hex(await res.arrayBuffer());
    if (!got) {
      out.dataset.state = 'unsupported';
      out.textContent = 'Trình duyệt không tính được SHA-256 (cần kết nối HTTPS).';
    } else if (got === want) {
      out.dataset.state = 'ok';
      out.textContent = '✓ Khớp với mã đã công bố.';
    } else {
      out.dataset.state = 'bad';
      out.textContent = '✗ Không khớp: tệp tải về có mã ' + got;
    }
  } catch (e) {
    out.dataset.state = 'error';
    out.textContent = 'Không tải được tệp để kiểm tra.';
  } finally {
    btn.disabled = false;
  }
}

function roundSpan(round) {
  if (!round || !round.opensAt) return '';
  const close = Date.parse(round.closesAt);
  const end = Number.isFinite(close) ? fmtDateTime(close - 60e3).slice(0, 10) + ' 24:00' : '';
  return `Thời gian thi: ${fmtDateTime(round.opensAt)} – ${end} (giờ Việt Nam).`;
}

/** The tie-break order the tally ranked by (a result's tieBreak), as list items. */
function tieBreakItems(keys, allCorrect) {
  const order = Array.isArray(keys) ? keys : [];
  return order.map((k) => h('li', { dataset: { key: k }, text: TIE_BREAK[k] ? TIE_BREAK[k](allCorrect) : k }));
}

// ------------------------------------------------------------ weekly view

/**
 * Fetches a published file of results/<key>/ (a round's id or 'to-date')
 * with its manifest, telling status what happens: null when the page has
 * moved on, the file is not published yet (status says pending) or could
 * not be read (status says so, ctx.showError the cause); else
 * {data, manifest, manifestText} (manifest null when there is none).
 */
async function loadPublished(ctx, status, key, file, pendingText) {
  try {
    const [s, m] = await Promise.all([
      fetchPublished(resultsPath(ctx.cfg, key, file)),
      fetchPublished(resultsPath(ctx.cfg, key, 'manifest.json')).catch(() => ({ status: 404 })),
    ]);
    if (!ctx.stillOn()) return null;
    if (s.status === 404) {
      status.dataset.state = 'pending';
      status.textContent = pendingText;
      return null;
    }
    const found = m.status !== 404;
    return { data: s.data, manifest: found ? m.data : null, manifestText: found ? m.text : '' };
  } catch (err) {
    if (!ctx.stillOn()) return null;
    status.dataset.state = 'error';
    status.textContent = 'Không tải được kết quả.';
    ctx.showError(err);
    return null;
  }
}

let weekly = null; // {roundId, summary, manifest, ctx, reads: Map(file name → Promise<list>), unit, filter, page, shown}

/**
 * Shows #/ket-qua-tuan/<roundId>. ctx: {cfg, showError, roundTitle, stillOn()}.
 */
export async function showWeekly(ctx, roundId, { own = null } = {}) {
  const { cfg } = ctx;
  const status = $('#weekly-status');
  const body = $('#weekly-body');
  const title = ctx.roundTitle(roundId);
  $('#weekly-title').textContent = title ? 'Kết quả ' + title : 'Kết quả tuần thi';
  $('#weekly-meta').textContent = '';
  body.hidden = true;
  status.hidden = false;
  status.dataset.state = 'loading';
  status.textContent = 'Đang tải kết quả…';
  resetRanking();
  weekly = { roundId };

  const got = await loadPublished(ctx, status, roundId, 'units.json',
    'Kết quả đang được tổng hợp. Kết quả của tuần thi được công bố sau khi tuần thi kết thúc; vui lòng quay lại sau.');
  if (!got) return;
  const { data: summary, manifest, manifestText } = got;
  weekly.summary = summary;
  weekly.manifest = manifest;
  const round = summary.round || {};
  $('#weekly-title').textContent = 'Kết quả ' + (round.title || title || roundId);
  document.title = 'Kết quả ' + (round.title || roundId) + ' — Hội thi CCHC';
  const pub = summary.publication;
  $('#weekly-meta').textContent = [roundSpan(round), summary.final === false ? 'Kết quả tạm tính: tuần thi chưa kết thúc.' : 'Kết quả chính thức sau khi tuần thi kết thúc.',
    pub && pub.id ? `Công bố lúc ${fmtDateTime(pub.at)} bởi ${pub.by || 'Ban Tổ chức'} (mã công bố ${pub.id}).` : ''].filter(Boolean).join(' ');
  status.hidden = true;
  status.dataset.state = 'published';

  const all = $('#weekly-all-correct');
  all.textContent = fmtInt(summary.allCorrect);
  all.dataset.value = String(summary.allCorrect);
  $('#weekly-participants').textContent = fmtInt(summary.participants);
  $('#weekly-participants').dataset.value = String(summary.participants);
  $('#weekly-papers').textContent = fmtInt(summary.papers);
  $('#weekly-papers').dataset.value = String(summary.papers);

  const prizes = Array.isArray(summary.prizes) ? summary.prizes : [];
  entryTable($('#weekly-prizes'), prizes, { prizeFirst: true, allCorrect: summary.allCorrect });
  $('#weekly-prizes').hidden = !prizes.length;
  $('#weekly-prizes-empty').hidden = prizes.length > 0;
  $('#weekly-tiebreak').replaceChildren(...tieBreakItems(summary.tieBreak, summary.allCorrect));
  renderUnitBlocks($('#weekly-units'), summary.units);
  // Units are the staff's: a citizens' round has no unit figures worth showing.
  $('#weekly-units').closest('section').hidden = round.audience === 'citizen';
  $('#load-ranking').closest('section').hidden = !(summary.participants > 0);
  body.hidden = false;

  const base = 'results/' + encodeURIComponent(cfg.contest) + '/' + encodeURIComponent(roundId) + '/';
  const downloads = renderDownloads($('#weekly-downloads'), base, manifest, manifestText, FILES);
  if (own && own.rank > 0 && summary.participants > 0) await showOwnRow(ctx, own);
  await downloads;
}

/** Opens the ranking at one's own line ({rank, name}), marks it and brings it into view. */
async function showOwnRow(ctx, own) {
  await loadRanking(ctx, { page: Math.floor((own.rank - 1) / PAGE_SIZE) });
  if (!ctx.stillOn()) return;
  const rows = [...document.querySelectorAll(`#ranking-table tbody tr[data-rank="${Number(own.rank)}"]`)];
  const row = rows.find((tr) => tr.cells[1] && tr.cells[1].textContent === own.name) || rows[0];
  if (!row) return;
  row.classList.add('is-own');
  row.setAttribute('aria-current', 'true');
  row.tabIndex = -1;
  row.scrollIntoView({ block: 'center', behavior: 'instant' });
  row.focus({ preventScroll: true });
}

function resetRanking() {
  for (const n of document.querySelectorAll('[data-ranking-verified]')) n.remove();
  $('#ranking').hidden = true;
  $('#ranking-table').replaceChildren();
  $('#ranking-search').value = '';
  $('#ranking-unit-field').hidden = true;
  $('#ranking-count').textContent = '';
  const btn = $('#load-ranking');
  btn.hidden = false;
  btn.disabled = false;
  btn.textContent = 'Xem toàn bộ bảng xếp hạng';
}

// The full ranking is read on demand. A round published with ranking pages
// (summary.rankingPages files ranking/0001.json … of summary.rankingPageSize
// entries) is read a page file at a time, so the top of a national round's
// ranking is one small file; searching needs every entry, so the first search
// reads results.json (the whole ranking) once. Older publications have
// results.json only. Every file read is checked against the manifest.

let rankingSeq = 0; // number of the latest ranking render (older answers are dropped)

/** Reads a published ranking file and checks it against the manifest in the background. */
async function readRankingFile(w, name) {
  const res = await fetchPublished(resultsPath(w.ctx.cfg, w.roundId, name));
  if (res.status === 404) throw Object.assign(new Error('missing'), { message: 'Chưa có bảng xếp hạng đầy đủ của tuần này.' });
  verifyRankingFile(w, name, res.text);
  return res.data;
}

/** Notes whether a ranking file read matches the manifest; a mismatch stays shown. */
async function verifyRankingFile(w, name, text) {
  const a = w.manifest && (w.manifest.artefacts || []).find((x) => x.name === name);
  if (!a) return;
  const got = await sha256Hex(new TextEncoder().encode(text));
  if (!got || weekly !== w) return;
  const old = document.querySelector('[data-ranking-verified]');
  if (old && old.dataset.rankingVerified === 'bad') return;
  const ok = got === a.sha256;
  const note = h('span', { class: 'small ' + (ok ? 'ok-text' : 'warning-text'), dataset: { rankingVerified: ok ? 'ok' : 'bad', file: name } },
    ok ? ` Tệp ${name} khớp mã SHA-256 trong manifest.json.` : ` Cảnh báo: ${name} không khớp mã SHA-256 trong manifest.json.`);
  if (old) old.replaceWith(note);
  else $('#ranking-count').after(note);
}

/** The list of one published ranking file (pick takes it from the file), each file read once; a failed read is tried again next time. */
async function rankingList(w, name, pick) {
  if (!w.reads.has(name)) {
    w.reads.set(name, readRankingFile(w, name).then((d) => {
      const list = pick(d);
      return Array.isArray(list) ? list : [];
    }));
  }
  try {
    return await w.reads.get(name);
  } catch (err) {
    w.reads.delete(name);
    throw err;
  }
}

/** The entries of page file n (from 1). */
const rankingFile = (w, n) => rankingList(w, 'ranking/' + String(n).padStart(4, '0') + '.json', (d) => d.entries);

/** A unit's lines of the ranking (ranking/units/<id>.json). */
const unitRanking = (w, unitId) => rankingList(w, 'ranking/units/' + unitId + '.json', (d) => d.entries);

/** The whole ranking (results.json): for searching every unit, or when there are no page files. */
function wholeRanking(w) {
  if (w.shown && !w.reads.has('results.json')) $('#ranking-count').textContent = 'Đang tải toàn bộ bảng xếp hạng để tìm…';
  return rankingList(w, 'results.json', (d) => d.ranking);
}

/** Above this, searching the whole ranking asks first (a national round's results.json is about 40 MB). */
const ASK_ABOVE_BYTES = 10 << 20;

/** The size of results.json as the manifest gives it (0 when unknown). */
function wholeBytes(w) {
  const a = w.manifest && (w.manifest.artefacts || []).find((x) => x.name === 'results.json');
  return a ? Number(a.bytes) || 0 : 0;
}

/** Rows to show and the total they come from, for the current unit, filter and page. */
async function rankingRows(w) {
  const s = w.summary;
  const q = fold(w.filter || '');
  if (w.unit) {
    const all = await unitRanking(w, w.unit);
    const rows = q ? all.filter((e) => fold(e.name).includes(q)) : all;
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    w.page = Math.min(Math.max(0, w.page || 0), pages - 1);
    return { shown: rows.slice(w.page * PAGE_SIZE, (w.page + 1) * PAGE_SIZE), count: rows.length, total: all.length, pages };
  }
  const paged = s.rankingPages > 0 && s.rankingPageSize > 0;
  if (q && paged && !w.reads.has('results.json') && !w.wholeAllowed && wholeBytes(w) > ASK_ABOVE_BYTES) {
    return { ask: wholeBytes(w) }; // a search of every unit needs the whole ranking: ask before a large download
  }
  if (q || !paged) {
    const all = await wholeRanking(w);
    const rows = q ? all.filter((e) => fold(e.name).includes(q) || fold(e.unit).includes(q)) : all;
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    w.page = Math.min(Math.max(0, w.page || 0), pages - 1);
    return { shown: rows.slice(w.page * PAGE_SIZE, (w.page + 1) * PAGE_SIZE), count: rows.length, total: all.length, pages };
  }
  const total = Number(s.participants) || 0;
  const size = s.rankingPageSize;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  w.page = Math.min(Math.max(0, w.page || 0), pages - 1);
  const start = w.page * PAGE_SIZE;
  const first = Math.floor(start / size) + 1;
  const last = Math.max(first, Math.floor((Math.min(start + PAGE_SIZE, total) - 1) / size) + 1);
  let entries = [];
  for (let n = first; n <= last; n++) entries = entries.concat(await rankingFile(w, n));
  const from = start - (first - 1) * size;
  return { shown: entries.slice(from, from + PAGE_SIZE), count: total, total, pages };
}

/** Renders the ranking's current page; true once shown. */
async function renderRankingPage() {
  const w = weekly;
  const seq = ++rankingSeq;
  const box = $('#ranking');
  box.setAttribute('aria-busy', 'true');
  let r;
  try {
    r = await rankingRows(w);
  } catch (err) {
    if (seq === rankingSeq && weekly === w) {
      box.removeAttribute('aria-busy');
      w.ctx.showError(err);
    }
    return false;
  }
  if (seq !== rankingSeq || weekly !== w) return false;
  box.removeAttribute('aria-busy');
  if (r.ask) {
    entryTable($('#ranking-table'), [], { allCorrect: w.summary.allCorrect });
    $('#ranking-page').textContent = '';
    $('#ranking-prev').disabled = true;
    $('#ranking-next').disabled = true;
    const count = $('#ranking-count');
    count.dataset.count = '';
    count.replaceChildren(`Tìm trong tất cả đơn vị cần tải toàn bộ bảng xếp hạng (${fmtBytes(r.ask)}). Chọn một đơn vị ở trên để tìm nhanh hơn, hoặc `,
      h('button', {
        id: 'ranking-whole', type: 'button', class: 'btn btn-secondary btn-small', text: 'Tải toàn bộ và tìm',
        onclick: () => { w.wholeAllowed = true; renderRankingPage(); },
      }));
    return true;
  }
  w.shown = true;
  entryTable($('#ranking-table'), r.shown, { allCorrect: w.summary.allCorrect });
  const of = w.unit ? ' của đơn vị' : '';
  $('#ranking-count').textContent = w.filter
    ? `Tìm thấy ${fmtInt(r.count)} trên ${fmtInt(r.total)} người dự thi${of}.`
    : `${fmtInt(r.total)} người dự thi${of}.`;
  $('#ranking-count').dataset.count = String(r.count);
  const page = $('#ranking-page');
  page.textContent = r.shown.length ? `Trang ${w.page + 1}/${r.pages} (hạng ${fmtInt(r.shown[0].rank)}–${fmtInt(r.shown[r.shown.length - 1].rank)})` : 'Không có kết quả phù hợp.';
  page.dataset.page = String(w.page + 1);
  page.dataset.pages = String(r.pages);
  $('#ranking-prev').disabled = w.page <= 0;
  $('#ranking-next').disabled = w.page >= r.pages - 1;
  return true;
}

/** Loads the first page of the full ranking on demand. */
export async function loadRanking(ctx, { page = 0 } = {}) {
  const w = weekly;
  if (!w || !w.summary) return;
  const btn = $('#load-ranking');
  btn.disabled = true;
  btn.textContent = 'Đang tải bảng xếp hạng…';
  Object.assign(w, { ctx, reads: new Map(), unit: '', filter: '', page });
  // Publications with ranking pages also have each unit's lines: a unit can be
  // browsed and searched without the whole ranking.
  const withLines = w.summary.rankingPages > 0 ? (w.summary.units || []).filter((u) => u.participants > 0) : [];
  withLines.sort((a, b) => String(a.name).localeCompare(String(b.name), 'vi'));
  $('#ranking-unit').replaceChildren(h('option', { value: '', text: 'Tất cả đơn vị' }),
    ...withLines.map((u) => h('option', { value: u.unitId, text: `${u.name} (${fmtInt(u.participants)})` })));
  $('#ranking-unit').value = '';
  $('#ranking-unit-field').hidden = !withLines.length;
  if (await renderRankingPage()) {
    btn.hidden = true;
    $('#ranking').hidden = false;
  } else if (weekly === w && !w.shown) {
    btn.disabled = false;
    btn.textContent = 'Xem toàn bộ bảng xếp hạng';
  }
}

let searchTimer = null;

/** Wires the ranking's controls once. */
export function bindWeekly(ctx) {
  $('#load-ranking').addEventListener('click', () => loadRanking(ctx));
  $('#ranking-search').addEventListener('input', (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      if (!weekly || !weekly.shown) return;
      weekly.filter = e.target.value.trim();
      weekly.page = 0;
      renderRankingPage();
    }, 150);
  });
  $('#ranking-unit').addEventListener('change', (e) => {
    if (!weekly || !weekly.shown) return;
    weekly.unit = e.target.value;
    weekly.page = 0;
    renderRankingPage();
  });
  $('#ranking-prev').addEventListener('click', () => {
    if (!weekly || !weekly.shown) return;
    weekly.page -= 1;
    renderRankingPage();
  });
  $('#ranking-next').addEventListener('click', () => {
    if (!weekly || !weekly.shown) return;
    weekly.page += 1;
    renderRankingPage();
  });
}

// ------------------------------------------------------------ contest to date

/** Shows #/ket-qua-toan-cuoc. ctx: {cfg, showError, roundTitle, stillOn()}. */
export async function showToDate(ctx) {
  const { cfg } = ctx;
  const status = $('#todate-status');
  const body = $('#todate-body');
  body.hidden = true;
  status.hidden = false;
  status.dataset.state = 'loading';
  status.textContent = 'Đang tải kết quả…';
  $('#todate-meta').textContent = '';
  const got = await loadPublished(ctx, status, 'to-date', 'results.json',
    'Chưa có tuần thi nào được công bố kết quả. Bảng tổng hợp toàn cuộc được cập nhật sau mỗi tuần thi.');
  if (!got) return;
  const { data, manifest, manifestText } = got;
  const rounds = Array.isArray(data.rounds) ? data.rounds : [];
  $('#todate-meta').replaceChildren(
    `Tổng hợp ${fmtInt(rounds.length)} tuần thi đã kết thúc: `,
    ...rounds.flatMap((id, i) => [i ? '; ' : '', h('a', { href: '#/ket-qua-tuan/' + encodeURIComponent(id), text: ctx.roundTitle(id) || id })]),
    '.',
  );
  status.hidden = true;
  status.dataset.state = 'published';
  renderToDateBlocks($('#todate-units'), data.units);
  body.hidden = false;
  const base = 'results/' + encodeURIComponent(cfg.contest) + '/to-date/';
  await renderDownloads($('#todate-downloads'), base, manifest, manifestText, [
    { name: 'units.csv', label: 'Bảng tổng hợp theo đơn vị (CSV)' },
    { name: 'results.json', label: 'Bảng tổng hợp (JSON)' },
    { name: 'manifest.json', label: 'Danh mục tệp và mã SHA-256 (manifest.json)' },
  ]);
}

/** Units known from published files (to-date table, else the newest round): for the organiser's unit picker. */
export async function publishedUnits(cfg, closedRoundIds) {
  try {
    const t = await fetchPublished(resultsPath(cfg, 'to-date', 'results.json'));
    if (t.status !== 404 && Array.isArray(t.data.units) && t.data.units.length) return t.data.units;
  } catch (e) { /* try the rounds */ }
  for (const id of closedRoundIds) {
    try {
      const r = await fetchPublished(resultsPath(cfg, id, 'units.json'));
      if (r.status !== 404 && Array.isArray(r.data.units) && r.data.units.length) return r.data.units;
    } catch (e) { /* next */ }
  }
  return [];
}

export { tieBreakItems, renderDownloads };
