// The embeddable banner (banner.html): the round under way with a link to
// take part, the latest published weekly results and, with ?unit=<id>, the
// unit's participation in that week. It reads only public data: the rounds
// from the quiz function and the published results (results/…); it never
// reads the site's session. Links open the contest site in a new tab, so the
// unit website around the frame stays where it is.

import { readConfig, makeApi, fetchPublished, resultsPath } from '../api.js';
import { $, h, parseTime, fmtClose, fmtDateTime, fmtInt, fmtPercent } from '../util.js';
import { blockLabel } from '../results.js';

const AUDIENCES = { staff: 'cán bộ, công chức, viên chức', citizen: 'người dân' };
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** "2 ngày 6 giờ", "3 giờ 20 phút", "12 phút". */
export function timeLeft(ms) {
  const min = Math.max(0, Math.floor(ms / 60000));
  const d = Math.floor(min / 1440);
  const hr = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d) return hr ? `${d} ngày ${hr} giờ` : `${d} ngày`;
  if (hr) return m ? `${hr} giờ ${m} phút` : `${hr} giờ`;
  return `${Math.max(1, m)} phút`;
}

function params() {
  const q = new URLSearchParams(location.search);
  const unit = (q.get('unit') || '').trim().toLowerCase();
  const audience = q.get('audience');
  return { unit: ID.test(unit) ? unit : '', audience: AUDIENCES[audience] ? audience : '' };
}

function siteLink(hash, text, cls) {
  const href = new URL('../' + (hash || ''), location.href).href;
  return h('a', { href, target: '_blank', rel: 'noopener', class: cls, text });
}

async function rounds(cfg) {
  const { data, receivedAt } = await makeApi(cfg, () => '').rounds(); // public; reads are retried at a peak
  const skew = parseTime(data.serverTime) - receivedAt; // the server keeps the clock
  return { list: Array.isArray(data.rounds) ? data.rounds : [], now: Date.now() + (Number.isFinite(skew) ? skew : 0) };
}

function renderRound(box, list, now, audience) {
  const open = list.filter((r) => r.status === 'open');
  const next = list.filter((r) => r.status === 'upcoming').sort((a, b) => parseTime(a.opensAt) - parseTime(b.opensAt))[0];
  const parts = [];
  if (open.length) {
    for (const r of open) {
      const left = parseTime(r.closesAt) - now;
      parts.push(h('div', { class: 'open-round', dataset: { roundId: r.id } },
        h('h2', {}, h('span', { class: 'status status-open', text: 'Đang diễn ra' }), ' ', r.title || r.id),
        h('p', { class: 'small' }, 'Kết thúc lúc ', h('time', { datetime: r.closesAt, text: fmtClose(r.closesAt) }),
          Number.isFinite(left) && left > 0 ? h('span', { class: 'muted', text: ` (còn ${timeLeft(left)})` }) : null),
        open.length === 1 && r.questionCount && r.timeLimitSeconds
          ? h('p', { class: 'small muted', text: `${r.questionCount} câu hỏi trắc nghiệm trong ${Math.round(r.timeLimitSeconds / 60)} phút, kèm một câu dự đoán.` })
          : null));
    }
    parts.push(siteLink('', audience === 'citizen' ? 'Tham gia dự thi' : 'Đăng nhập bằng email công vụ để dự thi', 'cta'));
  } else if (next) {
    parts.push(h('h2', {}, h('span', { class: 'status', text: 'Sắp diễn ra' }), ' ', next.title || next.id),
      h('p', { class: 'small' }, 'Bắt đầu lúc ', h('time', { datetime: next.opensAt, text: fmtDateTime(next.opensAt) }), '.'));
  } else {
    parts.push(h('p', { class: 'muted', text: list.length ? 'Các tuần thi đã kết thúc. Cảm ơn các đơn vị và cá nhân đã tham gia.' : 'Chưa có tuần thi nào.' }));
  }
  box.replaceChildren(...parts);
}

/** The newest closed round with published results (units.json), or null. */
async function latestPublished(cfg, list) {
  const closed = list.filter((r) => r.status === 'closed').sort((a, b) => parseTime(b.closesAt) - parseTime(a.closesAt));
  for (const r of closed.slice(0, 3)) { // the newest may not be published yet (Monday 00:30)
    const res = await fetchPublished('../' + resultsPath(cfg, r.id, 'units.json')); // from embed/
    if (res.status !== 404) return { round: r, summary: res.data };
  }
  return null;
}

function renderResults(box, { round, summary }) {
  const title = (summary.round && summary.round.title) || round.title || round.id;
  const prizes = (Array.isArray(summary.prizes) ? summary.prizes : []).slice(0, 3); // the full list is a click away
  box.dataset.roundId = round.id;
  box.replaceChildren(
    h('h2', { text: 'Kết quả ' + title }),
    h('div', { class: 'figures' },
      h('p', { class: 'figure' }, h('strong', { dataset: { stat: 'papers' }, text: fmtInt(summary.papers) }), h('span', { text: 'bài dự thi' })),
      h('p', { class: 'figure' }, h('strong', { dataset: { stat: 'participants' }, text: fmtInt(summary.participants) }), h('span', { text: 'người dự thi' })),
      h('p', { class: 'figure' }, h('strong', { dataset: { stat: 'all-correct' }, text: fmtInt(summary.allCorrect) }), h('span', { text: 'bài đúng tất cả' }))),
    prizes.length
      ? h('ol', { class: 'prizes', 'aria-label': 'Các giải cá nhân' }, prizes.map((e) => h('li', { dataset: { rank: String(e.rank) } },
        h('span', { class: 'prize', text: e.prize || `Hạng ${e.rank}` }), ': ', e.name || '', e.unit ? h('span', { class: 'muted', text: ` — ${e.unit}` }) : null)))
      : null,
    h('p', { class: 'small' }, siteLink('#/ket-qua-tuan/' + encodeURIComponent(round.id), 'Xem kết quả chi tiết và bảng xếp hạng')));
  box.hidden = false;
}

/**
 * The unit's participation: this week's so far when a round is open (the
 * units function's figure, a few minutes old: "tuần này đến <time>"), else the latest
 * published week's.
 */
function renderUnit(box, unitId, published, thisWeek) {
  const u = thisWeek
    ? { unitId: thisWeek.unit.id, name: thisWeek.unit.name, block: thisWeek.unit.block, rate: thisWeek.rate, participants: thisWeek.participants, headcount: thisWeek.headcount }
    : published && (published.summary.units || []).find((x) => x.unitId === unitId);
  if (!u) {
    box.hidden = true;
    return;
  }
  const title = thisWeek
    ? thisWeek.round.title || thisWeek.round.id
    : (published.summary.round && published.summary.round.title) || published.round.title;
  const rate = Math.max(0, Math.min(1, Number(u.rate) || 0));
  box.dataset.unitId = u.unitId;
  box.dataset.week = thisWeek ? 'this' : 'published';
  const label = thisWeek
    ? h('span', {}, 'Tỷ lệ tham gia tuần này đến ', h('time', { datetime: thisWeek.asOf, text: fmtDateTime(thisWeek.asOf) }), ': ')
    : 'Tỷ lệ tham gia: ';
  box.replaceChildren(
    h('h2', { text: u.name || u.unitId }),
    h('p', { class: 'small muted', text: [blockLabel(u.block), title].filter(Boolean).join(' · ') }),
    h('p', {}, label, h('strong', { dataset: { stat: 'rate' }, text: fmtPercent(rate) }),
      h('span', { class: 'muted small', text: ` (${fmtInt(u.participants)}/${fmtInt(u.headcount)} người)` })),
    h('div', { class: 'meter', role: 'progressbar', 'aria-label': 'Tỷ lệ tham gia', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(rate * 1000) / 10) },
      h('span', { class: rate < 0.8 ? 'is-low' : '', style: `width:${(rate * 100).toFixed(1)}%` })),
    !thisWeek && u.rankInBlock ? h('p', { class: 'small', text: `Xếp thứ ${fmtInt(u.rankInBlock)} trong ${blockLabel(u.block).toLowerCase()}.` }) : null);
  box.hidden = false;
}

/** This week's figure of the unit, or null (no open round, no units URL, an error: the published week is shown). */
async function unitThisWeek(cfg, unit, audience) {
  try {
    const { data } = await makeApi(cfg, () => '').unitThisWeek(unit, audience || 'staff');
    return data && data.unit ? data : null;
  } catch {
    return null;
  }
}

async function main() {
  const banner = $('#banner');
  const cfg = readConfig();
  const { unit, audience } = params();
  if (!cfg) {
    $('#round').replaceChildren(h('p', { class: 'muted', text: 'Trang Hội thi chưa được cấu hình.' }));
    banner.dataset.state = 'error';
    banner.removeAttribute('aria-busy');
    return;
  }
  try {
    const { list, now } = await rounds(cfg);
    const mine = list.filter((r) => !audience || (r.audience || 'staff') === audience);
    renderRound($('#round'), mine, now, audience);
    const published = await latestPublished(cfg, mine);
    if (unit) renderUnit($('#unit'), unit, published, await unitThisWeek(cfg, unit, audience));
    if (published) renderResults($('#results'), published);
    banner.dataset.state = 'loaded';
  } catch (err) {
    $('#round').replaceChildren(h('p', { class: 'muted' }, 'Không tải được thông tin Hội thi. ', siteLink('', 'Mở trang Hội thi')));
    banner.dataset.state = 'error';
  } finally {
    banner.removeAttribute('aria-busy');
  }
}

/**
 * Tells the page around the frame how tall the banner is, so the optional
 * script of the embed code (admin.js embedAutoHeight) can size the frame to
 * it: nothing cut, nothing to scroll inside. The height is public.
 */
function reportHeight() {
  if (window.parent === window) return;
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ hoithiBanner: 'height', height }, '*');
  };
  if (typeof ResizeObserver === 'function') new ResizeObserver(send).observe(document.body);
  window.addEventListener('load', send);
  send();
}

reportHeight();
main();
