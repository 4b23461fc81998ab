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
