// HTTP client for the function URLs (auth, quiz, grade, tally, clips, admin) and for the
// published results served by the site itself (results/…). Each function is a
// separate origin; requests and responses are JSON; errors are
// {"error":{"code","message","requestId"?}} and surface as ApiError.

const MSG_NETWORK = 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng rồi thử lại.';
const MSG_TIMEOUT = 'Máy chủ phản hồi quá lâu. Vui lòng thử lại.';
const MSG_BAD_RESPONSE = 'Máy chủ trả về dữ liệu không đọc được. Vui lòng thử lại sau giây lát.';

/** Reads window.HOITHI_CONFIG (set by /config.js). Returns null when missing or unusable. */
export function readConfig() {
  const c = window.HOITHI_CONFIG;
  if (!c || typeof c !== 'object') return null;
  const trim = (u) => (typeof u === 'string' ? u.replace(/\/+$/, '') : '');
  const cfg = { auth: trim(c.auth), quiz: trim(c.quiz), grade: trim(c.grade), tally: trim(c.tally), units: trim(c.units), rounds: trim(c.rounds), clips: trim(c.clips), admin: trim(c.admin), contest: typeof c.contest === 'string' ? c.contest : '' };
  if (!cfg.auth || !cfg.quiz || !cfg.grade || !cfg.contest) return null;
  return cfg;
}

export class ApiError extends Error {
  constructor({ status = 0, code = 'unknown', message = '', requestId = '', network = false, retryAfterMs = 0 }) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.network = network;
    /** How long the server asked to wait before the same request (its retryAfterSeconds), 0 if it did not say. */
    this.retryAfterMs = retryAfterMs;
  }

  /** Worth retrying the very same request: connection trouble, timeouts, 5xx. */
  get retryable() {
    return this.network || this.status >= 500 || this.status === 408;
  }
}

function fallbackMessage(status) {
  if (status === 401) return 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.';
  if (status === 403) return 'Bạn không có quyền thực hiện thao tác này.';
  if (status === 404) return 'Không tìm thấy dữ liệu yêu cầu.';
  if (status === 429) return 'Hệ thống đang có nhiều người truy cập. Vui lòng đợi giây lát rồi thử lại.';
  if (status >= 500) return 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau giây lát.';
  return 'Yêu cầu không thực hiện được (mã ' + status + ').';
}

let unauthorizedHandler = null;
/** Called with the ApiError whenever an authenticated request gets 401. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

/** For requests sent outside request() (XHR uploads, file downloads): a 401 signs the person out the same way. */
export function reportUnauthorized(err) {
  if (unauthorizedHandler) {
    try { unauthorizedHandler(err); } catch (x) { /* never let the hook hide the error */ }
  }
}

/** The ApiError of a failed response's status and body text (the API's error envelope, or the fallback message). */
export function errorFromResponse(status, text) {
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  const e = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
  return new ApiError({
    status,
    code: typeof e.code === 'string' && e.code ? e.code : 'http_' + status,
    message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage(status),
    requestId: typeof e.requestId === 'string' ? e.requestId : '',
  });
}

/** Pauses before the 2nd and 3rd try of a read (GET) or an idempotent write. */
const READ_RETRY_MS = [600, 1800];
/** A server's Retry-After longer than this is left to the caller (it says so to the person). */
const MAX_QUIET_WAIT_MS = 5000;

/**
 * Sends one JSON request. Resolves {status, data, receivedAt} where
 * receivedAt is Date.now() when the response arrived (for the server-clock
 * offset). Rejects with ApiError. A read (GET), or a write the caller marks
 * `idempotent` (sending it twice does what sending it once does: the
 * autosave PUT, which merges the same answers; the submission POST, graded
 * once by the server, which answers a repeat with the stored result), that
 * meets connection trouble, a 5xx (a 503 "unavailable" when a store is busy)
 * or a 429 (the function's concurrency cap at a peak) is tried again twice,
 * after a pause or the server's retryAfterSeconds if it is short. Other
 * writes (asking for a code, starting a paper) are left to their callers.
 */
export async function request(base, path, opts = {}) {
  const safe = (opts.method || 'GET') === 'GET' || opts.idempotent === true;
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce(base, path, opts);
    } catch (err) {
      const again = safe && attempt < READ_RETRY_MS.length && err instanceof ApiError && (err.retryable || err.status === 429) &&
        err.retryAfterMs <= MAX_QUIET_WAIT_MS;
      if (!again) throw err;
      await new Promise((r) => setTimeout(r, Math.max(READ_RETRY_MS[attempt], err.retryAfterMs)));
    }
  }
}

async function requestOnce(base, path, { method = 'GET', body, token, timeoutMs = 20000, cache = 'no-store' }) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // token === undefined: public endpoint; '' or a string: authenticated one.
  if (token) headers.Authorization = 'Bearer ' + token;

  const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
  let timedOut = false;
  const timer = ctrl ? setTimeout(() => { timedOut = true; ctrl.abort(); }, timeoutMs) : null;
  let res;
  let text;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      mode: 'cors',
      credentials: 'omit',
      cache,
      signal: ctrl ? ctrl.signal : undefined,
    });
    text = await res.text();
  } catch (e) {
    throw new ApiError({ status: 0, code: timedOut ? 'timeout' : 'network', message: timedOut ? MSG_TIMEOUT : MSG_NETWORK, network: true });
  } finally {
    if (timer) clearTimeout(timer);
  }
  const receivedAt = Date.now();

  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }

  if (!res.ok) {
    const e = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
    const err = new ApiError({
      status: res.status,
      code: typeof e.code === 'string' && e.code ? e.code : 'http_' + res.status,
      message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage(res.status),
      requestId: typeof e.requestId === 'string' ? e.requestId : '',
      retryAfterMs: Number.isFinite(e.retryAfterSeconds) && e.retryAfterSeconds > 0 ? e.retryAfterSeconds * 1000 : 0,
    });
    if (res.status === 401 && token !== undefined && unauthorizedHandler) {
      try { unauthorizedHandler(err); } catch (x) { /* never let the hook hide the error */ }
    }
    throw err;
  }
  if (data === null || typeof data !== 'object') {
    throw new ApiError({ status: res.status, code: 'bad_response', message: MSG_BAD_RESPONSE, network: true });
  }
  return { status: res.status, data, receivedAt };
}

const enc = encodeURIComponent;

/**
 * Reads a published file of the site (results/<contest>/…), same origin.
 * Resolves {status: 200, data, text} or {status: 404} when it is not
 * published (yet); rejects with ApiError on other failures.
 */
export async function fetchPublished(relPath, { json = true, timeoutMs = 30000 } = {}) {
  const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
  let timedOut = false;
  const timer = ctrl ? setTimeout(() => { timedOut = true; ctrl.abort(); }, timeoutMs) : null;
  let res;
  let text;
  try {
    // no-cache: revalidate, so a republished round is seen at once.
    res = await fetch(relPath, { cache: 'no-cache', credentials: 'same-origin', signal: ctrl ? ctrl.signal : undefined });
    if (res.status === 404 || res.status === 403) return { status: 404 };
    text = await res.text();
  } catch (e) {
    throw new ApiError({ status: 0, code: timedOut ? 'timeout' : 'network', message: timedOut ? MSG_TIMEOUT : MSG_NETWORK, network: true });
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (!res.ok) throw new ApiError({ status: res.status, code: 'http_' + res.status, message: fallbackMessage(res.status) });
  if (!json) return { status: res.status, text };
  try {
    return { status: res.status, data: JSON.parse(text), text };
  } catch (e) {
    throw new ApiError({ status: res.status, code: 'bad_response', message: MSG_BAD_RESPONSE });
  }
}

/** Path of a published results file: results/<contest>/<round or "to-date">/<name> (name may have folders: ranking/0001.json). */
export function resultsPath(cfg, roundId, name) {
  return 'results/' + enc(cfg.contest) + '/' + enc(roundId) + '/' + name.split('/').map(enc).join('/');
}

const MSG_NO_CLIPS = 'Trang chưa được cấu hình địa chỉ chức năng video clip (clips trong config.js). Vui lòng liên hệ Ban tổ chức.';
export const MSG_NO_ADMIN = 'Trang chưa được cấu hình địa chỉ chức năng quản trị hội thi (admin trong config.js). Vui lòng liên hệ bộ phận kỹ thuật.';
const MSG_NO_UNITS = 'Trang chưa được cấu hình địa chỉ chức năng theo dõi đơn vị (units trong config.js). Vui lòng liên hệ Ban tổ chức.';
const MSG_NO_TALLY = 'Trang chưa được cấu hình địa chỉ chức năng tổng hợp kết quả (tally trong config.js). Vui lòng liên hệ Ban tổ chức.';

/** The endpoints, bound to a config and a token getter. */
export function makeApi(cfg, getToken) {
  const auth = () => getToken() || '';
  const tally = (path, opts) => (cfg.tally
    ? request(cfg.tally, path, opts)
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_TALLY })));
  const units = (path, opts) => (cfg.units
    ? request(cfg.units, path, opts)
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_UNITS })));
  const clips = (path, opts) => (cfg.clips
    ? request(cfg.clips, path, opts)
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_CLIPS })));
  const admin = (path, opts) => (cfg.admin
    ? request(cfg.admin, path, opts)
    : Promise.reject(new ApiError({ code: 'not_configured', message: MSG_NO_ADMIN })));
  return {
    requestCode: (body) => request(cfg.auth, '/codes', { method: 'POST', body }),
    openSession: (body) => request(cfg.auth, '/sessions', { method: 'POST', body }),
    /** Public: the audiences open to sign-up and the wards a citizen chooses from. */
    signUpForm: () => request(cfg.auth, '/signup?contest=' + enc(cfg.contest)),
    /** Public, the same for everyone: read through the edge cache (config.js rounds) where there is one, and kept a few seconds. */
    rounds: () => request(cfg.rounds || cfg.quiz, '/rounds?contest=' + enc(cfg.contest), { cache: 'default' }),
    startPaper: (roundId) => request(cfg.quiz, '/rounds/' + enc(roundId) + '/papers', { method: 'POST', token: auth() }),
    myPapers: (roundId) => request(cfg.quiz, '/rounds/' + enc(roundId) + '/papers', { token: auth() }),
    getPaper: (paperId) => request(cfg.quiz, '/papers/' + enc(paperId), { token: auth() }),
    /** Autosave: answers ("" clears one) and, when given, the prediction. */
    saveAnswers: (paperId, answers, prediction) => request(cfg.grade, '/papers/' + enc(paperId) + '/answers', {
      method: 'PUT', body: prediction === undefined ? { answers } : { answers, prediction }, token: auth(), idempotent: true,
    }),
    /** Graded once on the server: a repeat gets the stored result, so it is retried like a read. */
    submit: (paperId, body) => request(cfg.grade, '/papers/' + enc(paperId) + '/submission', { method: 'POST', body, token: auth(), timeoutMs: 30000, idempotent: true }),
    /** Organisers: preview an open round, or recompute and publish a closed one. */
    tally: (roundId) => tally('/rounds/' + enc(roundId) + '/tally', { method: 'POST', token: auth(), timeoutMs: 120000 }),
    /** Clips: a unit admin asks for a presigned upload, confirms it, lists the unit's clips. */
    requestUpload: (body) => clips('/uploads', { method: 'POST', body, token: auth() }),
    confirmClip: (clipId) => clips('/clips/' + enc(clipId) + '/confirm', { method: 'POST', token: auth(), timeoutMs: 60000 }),
    listClips: () => clips('/clips', { token: auth() }),
    /** Multipart uploads: fresh part URLs, completion (the verdict), giving up. */
    clipParts: (clipId, partNumbers) => clips('/clips/' + enc(clipId) + '/parts', { method: 'POST', body: { partNumbers }, token: auth() }),
    completeClip: (clipId, parts) => clips('/clips/' + enc(clipId) + '/complete', { method: 'POST', body: { parts }, token: auth(), timeoutMs: 60000 }),
    abortClipUpload: (clipId) => clips('/clips/' + enc(clipId) + '/upload', { method: 'DELETE', token: auth() }),
    /** Public gallery of accepted clips (no token). */
    gallery: () => clips('/gallery?contest=' + enc(cfg.contest)),
    /** Jury: the juror's scores of one clip, some or all criteria, on the API's scoreRange. */
    putScores: (clipId, scores) => clips('/clips/' + enc(clipId) + '/scores', { method: 'PUT', body: { scores }, token: auth() }),
    /** Organisers: a page of the audit log, newest first, and its next page's cursor ({entries, next});
     * query = {kind, actor, from, to, cursor, limit} (empty ones left out). */
    auditLog: (query = {}) => {
      const q = Object.entries(query).filter(([, v]) => v).map(([k, v]) => enc(k) + '=' + enc(v)).join('&');
      return admin('/audit' + (q ? '?' + q : ''), { token: auth() });
    },
    /** Organisers: the imports written before, newest first ({entries, next}); kind: units, roster, bank or rounds. */
    pastImports: (kind, limit = 5) => admin('/imports?kind=' + enc(kind) + '&limit=' + enc(limit), { token: auth() }),
    participation: (roundId, unitId) => units('/rounds/' + enc(roundId) + '/units/' + enc(unitId) + '/participation', { token: auth() }),
    /** Public: a unit's participation in this week's open round so far (counts only; a figure a few minutes old). */
    unitThisWeek: (unitId, audience) => units('/units/' + enc(unitId) + '/this-week?contest=' + enc(cfg.contest) + (audience ? '&audience=' + enc(audience) : '')),
    /** The owner's paper of a closed round, with the keys where they are public (web/learn.js). */
    review: (paperId) => request(cfg.quiz, '/papers/' + enc(paperId) + '/review', { token: auth() }),
    /** Practice (web/learn.js): a batch without keys; an answer's instant feedback. Signed in or not, per the contest's setting. */
    practice: (topic) => request(cfg.quiz, '/practice?contest=' + enc(cfg.contest) + (topic ? '&topic=' + enc(topic) : ''), { token: auth() || undefined }),
    practiceAnswer: (body) => request(cfg.quiz, '/practice/answers?contest=' + enc(cfg.contest), { method: 'POST', body, token: auth() || undefined }),
  };
}
