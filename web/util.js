// Small helpers: ICT time formatting, safe localStorage, DOM shortcuts.

const ICT_OFFSET_MS = 7 * 3600 * 1000; // Asia/Ho_Chi_Minh has no daylight saving time.

/**
 * Parses an RFC 3339 timestamp (Go may send up to 9 fractional digits,
 * which some browsers refuse) into epoch milliseconds, or NaN.
 */
export function parseTime(s) {
  if (typeof s !== 'string') return NaN;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(s.trim());
  if (!m) return Date.parse(s);
  const frac = m[2] ? '.' + (m[2] + '00').slice(0, 3) : '';
  return Date.parse(m[1] + frac + m[3].toUpperCase());
}

function ictParts(ms) {
  const d = new Date(ms + ICT_OFFSET_MS);
  const p2 = (n) => String(n).padStart(2, '0');
  return {
    dd: p2(d.getUTCDate()), MM: p2(d.getUTCMonth() + 1), yyyy: String(d.getUTCFullYear()),
    HH: p2(d.getUTCHours()), mm: p2(d.getUTCMinutes()), ss: p2(d.getUTCSeconds()),
  };
}

function toMs(t) {
  return typeof t === 'number' ? t : parseTime(t);
}

/** dd/MM/yyyy HH:mm in ICT. */
export function fmtDateTime(t) {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '';
  const p = ictParts(ms);
  return `${p.dd}/${p.MM}/${p.yyyy} ${p.HH}:${p.mm}`;
}

/** Closing time in ICT; midnight is written "24:00" of the previous day (the rules say "Chủ nhật 24:00"). */
export function fmtClose(t) {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '';
  const s = fmtDateTime(ms);
  if (s.endsWith(' 00:00')) return fmtDateTime(ms - 60e3).slice(0, 10) + ' 24:00';
  return s;
}

/** dd/MM/yyyy HH:mm:ss in ICT. */
export function fmtDateTimeSec(t) {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '';
  const p = ictParts(ms);
  return `${p.dd}/${p.MM}/${p.yyyy} ${p.HH}:${p.mm}:${p.ss}`;
}

/** HH:mm:ss in ICT. */
export function fmtClock(t) {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '';
  const p = ictParts(ms);
  return `${p.HH}:${p.mm}:${p.ss}`;
}

/** A duration as mm:ss (minutes may exceed 59), or h:mm:ss from one hour, never negative. */
export function fmtDuration(ms, { hours = false } = {}) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const p2 = (n) => String(n).padStart(2, '0');
  if (hours && total >= 3600) {
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    return `${h}:${p2(m)}:${p2(s)}`;
  }
  return `${p2(Math.floor(total / 60))}:${p2(s)}`;
}

/** Human wording of a duration for screen readers: "5 phút 3 giây". */
export function sayDuration(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const out = [];
  if (h) out.push(h + ' giờ');
  if (m) out.push(m + ' phút');
  if (s || !out.length) out.push(s + ' giây');
  return out.join(' ');
}

// ---- localStorage that never throws (private mode, quota, disabled storage) ----

const PREFIX = 'hoithi.v1.';

export const store = {
  get(key) {
    try {
      const raw = window.localStorage.getItem(PREFIX + key);
      return raw === null ? null : JSON.parse(raw);
    } catch (e) {
      return null;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false;
    }
  },
  remove(key) {
    try {
      window.localStorage.removeItem(PREFIX + key);
    } catch (e) { /* ignore */ }
  },
};

// ---- DOM ----

export const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element: h('p', {class: 'x', text: 'y'}, child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped. */
export function backoffDelay(attempt, baseMs = 1000, capMs = 30000) {
  const d = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(d * (0.8 + Math.random() * 0.4));
}

// ---- numbers and published figures ----

/** An integer the Vietnamese way: 26.000. */
export function fmtInt(n) {
  const v = Number(n);
  return Number.isFinite(v) ? v.toLocaleString('vi-VN', { maximumFractionDigits: 0 }) : '';
}

/** A share 0…1 as a percentage with one decimal: 0,7512 → "75,1%". */
export function fmtPercent(x, digits = 1) {
  const v = Number(x);
  if (!Number.isFinite(v)) return '';
  return (v * 100).toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }) + '%';
}

/** A decimal with fixed digits: 9,15. */
export function fmtDecimal(x, digits = 2) {
  const v = Number(x);
  if (!Number.isFinite(v)) return '';
  return v.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Time taken as mm:ss.t (tenths, truncated), minutes may exceed 59: 129400 → "02:09.4". */
export function fmtTimeTaken(ms) {
  const v = Math.max(0, Math.floor(Number(ms) || 0));
  const p2 = (n) => String(n).padStart(2, '0');
  return `${p2(Math.floor(v / 60000))}:${p2(Math.floor(v / 1000) % 60)}.${Math.floor((v % 1000) / 100)}`;
}

/** dd/MM/yyyy HH:mm:ss.SSS in ICT (the submission time that breaks last ties). */
export function fmtDateTimeMs(t) {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '';
  return fmtDateTimeSec(ms) + '.' + String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
}

/** A byte count: 8,3 KB. */
export function fmtBytes(n) {
  const v = Number(n);
  if (!Number.isFinite(v)) return '';
  if (v < 1024) return fmtInt(v) + ' B';
  if (v < 1024 * 1024) return fmtDecimal(v / 1024, 1) + ' KB';
  return fmtDecimal(v / 1024 / 1024, 1) + ' MB';
}

/** Lower case without Vietnamese diacritics, for searching names: "Đỗ Thị" → "do thi". */
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * A spreadsheet cell for text people typed (names, e-mails): with a leading
 * single quote when it starts with = + - @, a tab, a carriage return or their
 * full-width forms, so Excel reads it as text and never as a formula (OWASP's
 * rule for CSV injection; the same rule as shared/sheet on the server).
 */
export function sheetText(v) {
  const s = String(v ?? '');
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s) ? "'" + s : s;
}

/** SHA-256 of bytes (ArrayBuffer) as lower-case hex, or '' when the browser cannot (no secure context). */
export async function sha256Hex(buf) {
  if (!(window.crypto && crypto.subtle && typeof crypto.subtle.digest === 'function')) return '';
  const digest = await crypto.subtle.digest('SHA-256', buf);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Copies text to the clipboard; falls back to selecting a hidden textarea. Resolves true on success. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) { /* fall back below */ }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.top = '-1000px';
  document.body.append(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  ta.remove();
  return ok;
}

/**
 * Makes a data table readable on a phone without scrolling sideways: each
 * cell gets its column's heading (data-label), and under 560 px the CSS of
 * `.data-table.stack` shows each row as a small card of "heading: value"
 * lines. Returns the table.
 */
export function stackTable(table) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.cells].forEach((td, i) => { if (heads[i]) td.dataset.label = heads[i]; });
  }
  table.classList.add('stack');
  return table;
}
