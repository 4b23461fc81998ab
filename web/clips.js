// Clip contest pages: the unit admin's clips (#/don-vi, section "Video clip
// của đơn vị": list, upload straight to S3 with a presigned POST and confirm,
// or, above multipartThreshold(), in parts PUT to S3, resumable, then complete),
// the public gallery (#/video) and the jury's scoring (#/giam-khao).
// All call the clips function URL (window.HOITHI_CONFIG.clips); see docs/clips.md.

import { $, h, fmtDateTime, fmtBytes, sleep, stackTable } from './util.js';
import { ApiError } from './api.js';
import { clipDuration } from './mp4.js';

const STATUS_LABEL = { uploading: 'Đang tải lên', accepted: 'Hợp lệ', rejected: 'Bị từ chối' };

// The clip rules come from the server with every list (GET /clips, GET
// /gallery): genres with their labels, the longest clip, the score scale.
// The page restates none of them.
const rules = { genres: [], maxDurationSeconds: 0, scoreRange: null, mayUpload: undefined };

function learnRules(data) {
  if (Array.isArray(data.genres)) rules.genres = data.genres;
  if (Number(data.maxDurationSeconds) > 0) rules.maxDurationSeconds = Number(data.maxDurationSeconds);
  if (data.scoreRange && Number.isInteger(data.scoreRange.max)) rules.scoreRange = data.scoreRange;
  if (typeof data.mayUpload === 'boolean') rules.mayUpload = data.mayUpload;
}

function genreLabel(id) {
  const g = rules.genres.find((x) => x.id === id);
  return (g && g.label) || id || '';
}

/** The limit in minutes ("N phút"), or m:ss phút when not whole minutes. */
function fmtLimit(sec) {
  return sec % 60 === 0 ? `${sec / 60} phút` : `${fmtClipDuration(sec)} phút`;
}

function checkingText(what) {
  const max = rules.maxDurationSeconds ? `, thời lượng tối đa ${fmtLimit(rules.maxDurationSeconds)}` : '';
  return `Đã tải lên xong. ${what} (định dạng MP4${max})…`;
}

/** mm:ss of a duration in seconds ("" when unknown). */
export function fmtClipDuration(sec) {
  const n = Number(sec);
  if (!Number.isFinite(n) || n <= 0) return '';
  const total = Math.floor(n);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function reasonText(clip) {
  if (clip.status !== 'rejected') return '';
  return clip.message || clip.reason || '';
}

function statusBadge(clip) {
  const st = STATUS_LABEL[clip.status] ? clip.status : 'uploading';
  return h('span', { class: `badge badge-clip-${st}`, dataset: { clipStatus: st }, text: STATUS_LABEL[st] });
}

// ------------------------------------------------------------ unit admin

let unitLoads = 0;
let uploading = false;

/** Fills the unit page's clip section (hidden for non unit admins). */
export async function showUnitClips(ctx) {
  const section = $('#unit-clips');
  const s = ctx.session();
  const p = s && s.participant;
  const ok = p && Array.isArray(p.roles) && p.roles.includes('unitAdmin') && p.unitId;
  section.hidden = !ok;
  if (!ok) return;
  await loadUnitClips(ctx);
  if (rules.maxDurationSeconds) for (const el of document.querySelectorAll('#unit-clips .clip-max')) el.textContent = fmtLimit(rules.maxDurationSeconds);
  // Whether the unit sends clips is the API's to say (GET /clips mayUpload).
  const sends = rules.mayUpload !== false;
  $('#clip-form').hidden = !sends;
  $('#clip-form-title').hidden = !sends;
  $('#clip-not-entered').hidden = sends;
  const genre = $('#clip-genre');
  if (!genre.options.length) genre.replaceChildren(...rules.genres.map((g) => h('option', { value: g.id, text: g.label })));
  offerResume(ctx);
}

async function loadUnitClips(ctx) {
  const box = $('#clip-list');
  const seq = ++unitLoads;
  box.dataset.state = 'loading';
  box.setAttribute('aria-busy', 'true');
  try {
    const { data } = await ctx.api.listClips();
    if (seq !== unitLoads) return;
    renderUnitClips(box, data);
  } catch (err) {
    if (seq !== unitLoads) return;
    box.dataset.state = 'error';
    box.replaceChildren(h('p', { class: 'muted', text: 'Không tải được danh sách video clip của đơn vị.' }));
    if (err.status !== 401) ctx.showError(err);
  } finally {
    if (seq === unitLoads) box.removeAttribute('aria-busy');
  }
}

function renderUnitClips(box, data) {
  learnRules(data);
  const clips = Array.isArray(data.clips) ? data.clips : [];
  const quota = Number(data.quota) || 3;
  const live = clips.filter((c) => c.status === 'uploading' || c.status === 'accepted').length;
  box.dataset.state = 'loaded';
  box.dataset.count = String(clips.length);
  $('#clip-quota').textContent = `Đơn vị đã dùng ${live}/${quota} lượt (clip đang tải lên hoặc hợp lệ; clip bị từ chối không tính).`;
  if (!clips.length) {
    box.replaceChildren(h('p', { class: 'muted', text: 'Đơn vị chưa gửi video clip nào.' }));
    return;
  }
  box.replaceChildren(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Danh sách video clip của đơn vị' },
    stackTable(h('table', { class: 'data-table clip-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Tên clip' }),
        h('th', { scope: 'col', text: 'Thể loại' }),
        h('th', { scope: 'col', class: 'num', text: 'Thời lượng' }),
        h('th', { scope: 'col', text: 'Trạng thái' }),
        h('th', { scope: 'col', text: 'Gửi lúc' }))),
      h('tbody', {}, clips.map((c) => h('tr', { dataset: { clipId: c.id, status: c.status || '', reason: c.reason || '' } },
        h('td', { class: 'clip-title', text: c.title || '' }),
        h('td', { text: genreLabel(c.genre) }),
        h('td', { class: 'num clip-duration', text: fmtClipDuration(c.durationSeconds) || '—' }),
        h('td', {}, statusBadge(c), c.status === 'rejected' ? h('span', { class: 'clip-reason small', text: ' ' + reasonText(c) }) : null),
        h('td', { class: 'small', text: c.createdAt ? fmtDateTime(c.createdAt) : '' }))))))));
}

function setUploadStatus(state, text, { kind = 'info' } = {}) {
  const st = $('#clip-status');
  st.dataset.state = state;
  st.className = 'notice notice-' + kind + ' clip-status';
  st.textContent = text;
  st.hidden = !text;
}

function setProgress(loaded, total) {
  const bar = $('#clip-progress');
  bar.hidden = false;
  bar.max = total || 1;
  bar.value = Math.min(loaded, total || 1);
  const pct = total ? Math.floor((loaded / total) * 100) : 0;
  $('#clip-progress-text').textContent = `${pct}% (${fmtBytes(loaded)} / ${fmtBytes(total)})`;
  bar.setAttribute('aria-valuetext', `${pct}%`);
}

/** Text of S3's XML error (<Code>, <Message>), or ''. */
function s3Error(xml) {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml || '');
  const msg = /<Message>([^<]*)<\/Message>/.exec(xml || '');
  return [code && code[1], msg && msg[1]].filter(Boolean).join(': ');
}

/** POSTs the file to S3 with the presigned form: every field, then the file last. */
function postToS3(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields || {})) form.append(k, v);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    inFlight.add(xhr);
    xhr.addEventListener('loadend', () => inFlight.delete(xhr));
    xhr.open('POST', upload.url);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        const detail = s3Error(xhr.responseText);
        let message = 'Kho lưu trữ từ chối tệp tải lên (mã ' + xhr.status + ').';
        if (/EntityTooLarge/.test(detail)) message = 'Tệp lớn hơn kích thước cho phép.';
        else if (/expired/i.test(detail)) message = 'Lượt tải lên đã hết hạn. Vui lòng gửi lại.';
        reject(new ApiError({ status: xhr.status, code: 's3_error', message: message + (detail ? ' (' + detail + ')' : '') }));
      }
    };
    xhr.onerror = () => reject(new ApiError({ code: 'network', network: true, message: 'Mất kết nối khi tải tệp lên. Vui lòng kiểm tra mạng rồi gửi lại.' }));
    xhr.onabort = () => reject(new ApiError({ code: 'aborted', message: 'Đã dừng tải lên.' }));
    xhr.send(form);
  });
}

// ------------------------------------------------------------ multipart

const MIB = 1024 * 1024;
/** Files above this size go up in parts (docs/clips.md, "Multipart"). */
const DEFAULT_MULTIPART_THRESHOLD = 64 * MIB;
const RESUME_KEY = 'hoithi.clipUpload';
const PART_ATTEMPTS = 4;
const PARALLEL_PARTS = 2;

/**
 * The multipart threshold in bytes: ?multipartThreshold=N (in the page URL),
 * else localStorage['hoithi.multipartThreshold'], else 64 MiB. For tests.
 */
export function multipartThreshold() {
  let v = null;
  try {
    v = new URLSearchParams(window.location.search).get('multipartThreshold');
    if (v === null) v = window.localStorage.getItem('hoithi.multipartThreshold');
  } catch (e) { /* storage blocked */ }
  const n = Number(v);
  return v !== null && v !== '' && Number.isFinite(n) && n >= 0 ? n : DEFAULT_MULTIPART_THRESHOLD;
}

function loadResume() {
  try {
    const r = JSON.parse(window.localStorage.getItem(RESUME_KEY) || 'null');
    return r && typeof r === 'object' && r.clipId && r.etags ? r : null;
  } catch (e) {
    return null;
  }
}

function saveResume(r) {
  try { window.localStorage.setItem(RESUME_KEY, JSON.stringify(r)); } catch (e) { /* storage full or blocked */ }
}

function clearResume() {
  try { window.localStorage.removeItem(RESUME_KEY); } catch (e) { /* ignore */ }
}

const sameFile = (r, file) => r && r.name === file.name && r.size === file.size && r.lastModified === file.lastModified;

/** The XHRs in flight of the current multipart upload (aborted by "Huỷ"). */
const inFlight = new Set();
let cancelled = false;

/** PUTs one part (a Blob slice) to its presigned URL; resolves the part's ETag. */
function putPart(url, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    inFlight.add(xhr);
    const done = () => inFlight.delete(xhr);
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        const etag = xhr.getResponseHeader('ETag');
        if (!etag) {
          reject(new ApiError({ status: xhr.status, code: 'no_etag', message: 'Kho lưu trữ không trả về mã ETag của phần đã tải (cấu hình CORS của kho chưa cho đọc ETag).' }));
          return;
        }
        resolve(etag);
        return;
      }
      const detail = s3Error(xhr.responseText);
      const expired = xhr.status === 403 && (/expired/i.test(detail) || /AccessDenied|SignatureDoesNotMatch/.test(detail) || !detail);
      reject(new ApiError({ status: xhr.status, code: expired ? 'part_url_expired' : 's3_error', message: 'Kho lưu trữ từ chối một phần của tệp (mã ' + xhr.status + ').' + (detail ? ' (' + detail + ')' : '') }));
    };
    xhr.onerror = () => { done(); reject(new ApiError({ code: 'network', network: true, message: 'Mất kết nối khi tải tệp lên. Vui lòng kiểm tra mạng rồi gửi lại.' })); };
    xhr.onabort = () => { done(); reject(new ApiError({ code: 'aborted', message: 'Đã huỷ tải lên.' })); };
    xhr.send(blob);
  });
}

/**
 * Sends the parts of file that state.etags lacks (two at a time), retrying a
 * failed part with backoff and fresh URLs, and records each ETag in
 * localStorage as it arrives.
 */
async function sendParts(ctx, state, file, urls) {
  const count = state.partCount;
  const sizeOf = (n) => (n === count ? state.size - (count - 1) * state.partSize : state.partSize);
  const loaded = {};
  for (const n of Object.keys(state.etags)) loaded[n] = sizeOf(Number(n));
  const report = () => setProgress(Object.values(loaded).reduce((a, b) => a + b, 0), state.size);
  report();
  const missing = [];
  for (let n = 1; n <= count; n++) if (!state.etags[n]) missing.push(n);
  const fresh = async (numbers) => {
    const { data } = await ctx.api.clipParts(state.clipId, numbers);
    for (const p of data.parts || []) urls.set(p.partNumber, p.url);
    state.urlsExpireAt = data.expiresAt ? Date.parse(data.expiresAt) : 0;
  };
  const urlsStale = () => state.urlsExpireAt && Date.now() > state.urlsExpireAt - 30000;
  const one = async (n) => {
    const blob = file.slice((n - 1) * state.partSize, (n - 1) * state.partSize + sizeOf(n));
    for (let attempt = 1; ; attempt++) {
      if (cancelled) throw new ApiError({ code: 'aborted', message: 'Đã huỷ tải lên.' });
      try {
        if (!urls.has(n) || urlsStale()) {
          // Fresh URLs for this part and the next ones still to send (S3 keeps the parts sent).
          const want = [n, ...missing.filter((m) => m !== n && !state.etags[m])].slice(0, 100);
          await fresh(want);
        }
        const etag = await putPart(urls.get(n), blob, (l) => { loaded[n] = l; report(); });
        state.etags[n] = etag;
        loaded[n] = sizeOf(n);
        report();
        saveResume(state);
        return;
      } catch (err) {
        if (cancelled || err.code === 'aborted') throw err;
        // Expired URL: ask for a fresh one; network trouble, 5xx or another S3 refusal: try again.
        // A missing ETag (CORS) will not get better.
        const retry = err.code !== 'no_etag' && (err.code === 'part_url_expired' || err.code === 's3_error' || err.retryable);
        if (!retry || attempt >= PART_ATTEMPTS) throw err;
        if (err.code === 'part_url_expired') urls.delete(n);
        loaded[n] = 0;
        report();
        setUploadStatus('uploading', `Phần ${n}/${count} bị lỗi, đang thử lại (lần ${attempt + 1}/${PART_ATTEMPTS})…`);
        await sleep(1000 * 2 ** (attempt - 1));
        setUploadStatus('uploading', `Đang tải lên “${state.title}” (${count} phần)…`);
      }
    }
  };
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < missing.length) await one(missing[next++]);
    } catch (err) {
      failed = true; // the other worker stops after its current part
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, missing.length) }, worker));
}

/** Uploads file in parts (fresh upload or the resume of state) and completes it: resolves the verdict. */
async function multipartUpload(ctx, file, { title, genre }) {
  let state = loadResume();
  const urls = new Map();
  if (state && sameFile(state, file)) {
    setUploadStatus('uploading', `Đang tiếp tục tải lên “${state.title}” từ phần ${Object.keys(state.etags).length + 1}/${state.partCount}…`);
  } else {
    setUploadStatus('requesting', 'Đang xin phép tải lên…');
    const { data } = await ctx.api.requestUpload({ title, genre, size: file.size, contentType: 'video/mp4', multipart: true });
    const upload = data.upload || {};
    if (upload.method !== 'multipart' || !upload.partSize || !upload.partCount) throw new ApiError({ code: 'unsupported_upload', message: 'Máy chủ trả về kiểu tải lên mà trang chưa hỗ trợ.' });
    state = {
      clipId: (data.clip || {}).id, title, name: file.name, size: file.size, lastModified: file.lastModified,
      partSize: upload.partSize, partCount: upload.partCount, etags: {},
      urlsExpireAt: upload.expiresAt ? Date.parse(upload.expiresAt) : 0,
    };
    for (const p of upload.parts || []) urls.set(p.partNumber, p.url);
    saveResume(state);
    setUploadStatus('uploading', `Đang tải lên “${title}” (${state.partCount} phần)…`);
  }
  showCancel(ctx, true);
  await sendParts(ctx, state, file, urls);
  setProgress(file.size, file.size);
  setUploadStatus('checking', checkingText('Đang ghép tệp và kiểm tra'));
  const parts = Object.entries(state.etags).map(([n, etag]) => ({ partNumber: Number(n), etag })).sort((a, b) => a.partNumber - b.partNumber);
  let verdict;
  for (let i = 0; ; i++) {
    try {
      verdict = (await ctx.api.completeClip(state.clipId, parts)).data.clip;
      break;
    } catch (err) {
      if (i < 3 && err instanceof ApiError && err.retryable) { await sleep(1000 * (i + 1)); continue; }
      if (err.code === 'part_mismatch' || err.code === 'upload_expired') clearResume();
      throw err;
    }
  }
  clearResume();
  showCancel(ctx, false);
  return { clip: verdict, title: state.title };
}

let cancelBtn = null;

/** The "Huỷ" button beside "Tải lên" (created once, shown during a multipart upload or when one can resume). */
function showCancel(ctx, on) {
  if (!cancelBtn) {
    cancelBtn = h('button', { id: 'clip-cancel', type: 'button', class: 'btn btn-secondary', text: 'Huỷ' });
    cancelBtn.addEventListener('click', () => cancelUpload(ctx));
    $('#clip-upload').after(' ', cancelBtn);
  }
  cancelBtn.hidden = !on;
  cancelBtn.disabled = false;
}

async function cancelUpload(ctx) {
  const state = loadResume();
  cancelled = true;
  for (const xhr of inFlight) xhr.abort();
  if (cancelBtn) cancelBtn.disabled = true;
  ctx.clearError();
  try {
    if (state) await ctx.api.abortClipUpload(state.clipId);
    clearResume();
    showCancel(ctx, false);
    setUploadStatus('cancelled', 'Đã huỷ lượt tải lên; lượt gửi clip của đơn vị được trả lại.');
    $('#clip-progress').hidden = true;
    $('#clip-progress-text').textContent = '';
  } catch (err) {
    if (err.code === 'clip_already_checked' || err.code === 'clip_not_found') {
      clearResume();
      showCancel(ctx, false);
    } else if (cancelBtn) cancelBtn.disabled = false;
    setUploadStatus('failed', 'Không huỷ được lượt tải lên: ' + (err.message || 'đã có lỗi xảy ra.'), { kind: 'error' });
    if (err.status !== 401) ctx.showError(err);
  } finally {
    await loadUnitClips(ctx);
  }
}

/** After a reload: tells the unit admin an interrupted upload can go on. */
function offerResume(ctx) {
  const r = loadResume();
  if (!r || uploading) return;
  showCancel(ctx, true);
  const done = Object.keys(r.etags).length;
  setUploadStatus('resumable', r.method === 'post'
    ? `Lượt tải lên “${r.title}” (${r.name}) bị gián đoạn và vẫn đang giữ một lượt gửi clip của đơn vị. Chọn lại đúng tệp đó rồi bấm “Tải lên” để gửi lại, hoặc bấm “Huỷ” để trả lại lượt gửi.`
    : `Lượt tải lên “${r.title}” (${r.name}) bị gián đoạn sau ${done}/${r.partCount} phần. Chọn lại đúng tệp đó rồi bấm “Tải lên” để tiếp tục từ phần ${done + 1}, hoặc bấm “Huỷ”.`);
  $('#clip-status').dataset.clipId = r.clipId;
  if (!$('#clip-title').value) $('#clip-title').value = r.title || '';
}

/** Gives up a recorded single-POST upload whose link has expired (its slot is freed). */
async function giveUpRecorded(ctx, r) {
  try {
    await ctx.api.abortClipUpload(r.clipId);
  } catch (err) {
    if (err.code !== 'clip_already_checked' && err.code !== 'clip_not_found') throw err;
  }
  clearResume();
}

async function confirmWithRetry(ctx, clipId) {
  for (let i = 0; ; i++) {
    try {
      return (await ctx.api.confirmClip(clipId)).data.clip;
    } catch (err) {
      // The object may not be visible yet right after S3's answer; network trouble: try again.
      if (i < 5 && (err.code === 'clip_not_uploaded' || (err instanceof ApiError && err.retryable))) {
        await sleep(1000 * (i + 1));
        continue;
      }
      throw err;
    }
  }
}

async function submitClip(ctx, e) {
  e.preventDefault();
  if (uploading) return;
  const title = $('#clip-title').value.trim();
  const genre = $('#clip-genre').value;
  const file = $('#clip-file').files[0];
  ctx.clearError();
  if (!title) {
    setUploadStatus('invalid', 'Vui lòng nhập tên clip.', { kind: 'error' });
    $('#clip-title').focus();
    return;
  }
  if (!file) {
    setUploadStatus('invalid', 'Vui lòng chọn tệp video MP4.', { kind: 'error' });
    $('#clip-file').focus();
    return;
  }
  if (file.type && file.type !== 'video/mp4') {
    setUploadStatus('invalid', 'Chỉ nhận tệp video MP4 (.mp4).', { kind: 'error' });
    return;
  }
  uploading = true;
  const btn = $('#clip-upload');
  btn.disabled = true;
  try {
    // The duration is in the file's header: a clip too long is refused here,
    // before a byte is sent (the server checks again, and decides).
    const max = rules.maxDurationSeconds;
    if (max) {
      setUploadStatus('measuring', 'Đang đọc thời lượng của tệp…');
      const seconds = await clipDuration(file);
      if (Number.isFinite(seconds) && Math.floor(seconds) > max) {
        setUploadStatus('invalid', `Clip dài ${fmtClipDuration(seconds)}, quá thời lượng tối đa ${fmtLimit(max)}. Vui lòng cắt ngắn clip rồi gửi lại; chưa có dữ liệu nào được tải lên.`, { kind: 'error' });
        $('#clip-file').focus();
        return;
      }
    }
    cancelled = false;
    let clip = {};
    let verdict;
    const resume = loadResume();
    const postRecord = resume && resume.method === 'post' ? resume : null;
    if (file.size > multipartThreshold() || (resume && !postRecord && sameFile(resume, file))) {
      ({ clip: verdict } = await multipartUpload(ctx, file, { title, genre }));
      clip = verdict;
    } else {
      // One presigned POST. It is recorded until the verdict, so that after a
      // reload it can be sent again (same file) or given up ("Huỷ"), freeing its slot.
      let upload;
      if (postRecord && sameFile(postRecord, file) && Date.parse(postRecord.upload.expiresAt) > Date.now() + 60000) {
        clip = { id: postRecord.clipId };
        ({ upload } = postRecord);
      } else {
        if (postRecord) await giveUpRecorded(ctx, postRecord);
        setUploadStatus('requesting', 'Đang xin phép tải lên…');
        const { data } = await ctx.api.requestUpload({ title, genre, size: file.size, contentType: 'video/mp4' });
        clip = data.clip || {};
        upload = data.upload || {};
        if (upload.method !== 'post' || !upload.url) throw new ApiError({ code: 'unsupported_upload', message: 'Máy chủ trả về kiểu tải lên mà trang chưa hỗ trợ.' });
        if (!resume || postRecord) saveResume({ clipId: clip.id, method: 'post', title, name: file.name, size: file.size, lastModified: file.lastModified, upload, etags: {} });
      }
      showCancel(ctx, true);
      setUploadStatus('uploading', `Đang tải lên “${title}”…`);
      setProgress(0, file.size);
      await postToS3(upload, file, setProgress);
      setProgress(file.size, file.size);
      showCancel(ctx, false);
      setUploadStatus('checking', checkingText('Đang kiểm tra tệp'));
      verdict = await confirmWithRetry(ctx, clip.id);
      if (loadResume() && loadResume().clipId === clip.id) clearResume();
    }
    const dur = fmtClipDuration(verdict.durationSeconds);
    if (verdict.status === 'accepted') {
      setUploadStatus('accepted', `Clip “${title}” hợp lệ${dur ? ` (thời lượng ${dur})` : ''}. Đã ghi nhận bài dự thi của đơn vị.`, { kind: 'info' });
      $('#clip-form').reset();
    } else {
      setUploadStatus(verdict.status || 'rejected', `Clip “${title}” bị từ chối: ${reasonText(verdict) || 'tệp không hợp lệ.'}`, { kind: 'error' });
    }
    $('#clip-status').dataset.clipId = verdict.id || clip.id || '';
    ctx.announce($('#clip-status').textContent);
  } catch (err) {
    if (cancelled && err.code === 'aborted') return; // "Huỷ" reports itself
    const r = loadResume();
    setUploadStatus('failed', 'Không gửi được clip: ' + (err.message || 'đã có lỗi xảy ra.')
      + (r && r.method === 'post' ? ' Bấm “Tải lên” lại (cùng tệp) để gửi lại, hoặc “Huỷ” để trả lại lượt gửi.'
        : r ? ` Đã tải ${Object.keys(r.etags).length}/${r.partCount} phần: bấm “Tải lên” lại (cùng tệp) để tiếp tục, hoặc “Huỷ”.` : ''), { kind: 'error' });
    if (err.status !== 401) ctx.showError(err);
  } finally {
    uploading = false;
    btn.disabled = false;
    await loadUnitClips(ctx);
  }
}

// ------------------------------------------------------------ gallery

export async function showGallery(ctx) {
  const box = $('#gallery');
  box.dataset.state = 'loading';
  box.setAttribute('aria-busy', 'true');
  try {
    const { data } = await ctx.api.gallery();
    learnRules(data);
    const clips = Array.isArray(data.clips) ? data.clips : [];
    box.dataset.state = 'loaded';
    box.dataset.count = String(clips.length);
    if (!clips.length) {
      box.replaceChildren(h('p', { class: 'muted', text: 'Chưa có video clip nào được công nhận hợp lệ.' }));
      return;
    }
    box.replaceChildren(...clips.map((c) => h('article', { class: 'card clip-card', dataset: { clipId: c.id } },
      h('h2', { class: 'h3 clip-title', text: c.title || '' }),
      h('p', { class: 'muted small' },
        h('span', { class: 'clip-unit', text: c.unitName || c.unitId || '' }),
        ' · ', h('span', { text: genreLabel(c.genre) }),
        ' · ', h('span', { class: 'clip-duration', text: fmtClipDuration(c.durationSeconds) })),
      c.videoUrl
        ? h('video', { class: 'clip-video', controls: true, preload: 'metadata', playsinline: true, src: c.videoUrl, 'aria-label': 'Video: ' + (c.title || '') },
          h('p', { text: 'Trình duyệt không phát được video này.' }))
        : h('p', { class: 'muted', text: 'Video tạm thời chưa xem được.' }))));
  } catch (err) {
    box.dataset.state = 'error';
    box.replaceChildren(h('p', { class: 'muted', text: 'Không tải được thư viện video.' }));
    ctx.showError(err);
  } finally {
    box.removeAttribute('aria-busy');
  }
}

// ------------------------------------------------------------ jury

export async function showJury(ctx) {
  const s = ctx.session();
  const p = s && s.participant;
  const denied = $('#jury-denied');
  const box = $('#jury-clips');
  if (!(p && Array.isArray(p.roles) && p.roles.includes('jury'))) {
    denied.textContent = 'Trang này dành cho thành viên Ban giám khảo.';
    denied.hidden = false;
    box.replaceChildren();
    return;
  }
  denied.hidden = true;
  box.dataset.state = 'loading';
  box.setAttribute('aria-busy', 'true');
  try {
    const { data } = await ctx.api.listClips();
    renderJury(ctx, box, data);
  } catch (err) {
    box.dataset.state = 'error';
    box.replaceChildren(h('p', { class: 'muted', text: 'Không tải được danh sách clip cần chấm.' }));
    if (err.status !== 401) ctx.showError(err);
  } finally {
    box.removeAttribute('aria-busy');
  }
}

function renderJury(ctx, box, data) {
  learnRules(data);
  const scale = $('#jury-scale');
  if (scale) scale.textContent = rules.scoreRange ? ` từ ${rules.scoreRange.min} đến ${rules.scoreRange.max}` : '';
  const criteria = Array.isArray(data.criteria) ? data.criteria : [];
  const clips = (Array.isArray(data.clips) ? data.clips : []).filter((c) => c.status === 'accepted');
  box.dataset.state = 'loaded';
  box.dataset.count = String(clips.length);
  if (!clips.length) {
    box.replaceChildren(h('p', { class: 'muted', text: 'Chưa có clip hợp lệ nào để chấm.' }));
    return;
  }
  box.replaceChildren(...clips.map((c) => juryCard(ctx, c, criteria)));
}

function savedText(scores, criteria) {
  const parts = criteria.filter((k) => scores && scores[k.id] !== undefined).map((k) => `${k.name}: ${scores[k.id]}`);
  return parts.length ? 'Điểm đã lưu — ' + parts.join('; ') : 'Bạn chưa chấm clip này.';
}

/**
 * Shows, under a juror's form, which criteria a saved sheet still lacks: the
 * server keeps a partial sheet (the clip's averages count each criterion over
 * the jurors who scored it), so the page warns and never blocks.
 */
function showIncomplete(el, scores, criteria) {
  const missing = criteria.filter((k) => !scores || scores[k.id] === undefined);
  const partial = scores && Object.keys(scores).length > 0 && missing.length > 0;
  el.hidden = !partial;
  el.dataset.missing = partial ? missing.map((k) => k.id).join(' ') : '';
  el.textContent = partial
    ? `Phiếu chấm chưa đủ: còn thiếu tiêu chí ${missing.map((k) => `“${k.name}”`).join(', ')}. Điểm đã nhập vẫn được lưu, nhưng clip chỉ được tính điểm theo các tiêu chí đã chấm: vui lòng chấm nốt các tiêu chí còn thiếu.`
    : '';
}

function juryCard(ctx, c, criteria) {
  const { min, max } = rules.scoreRange || { min: 0, max: 0 };
  const mine = c.myScores || {};
  const saved = h('p', { class: 'small jury-saved', role: 'status', 'aria-live': 'polite', dataset: { state: Object.keys(mine).length ? 'saved' : 'none' }, text: savedText(mine, criteria) });
  const incomplete = h('p', { class: 'notice notice-info small jury-incomplete', role: 'status', 'aria-live': 'polite', hidden: true });
  showIncomplete(incomplete, mine, criteria);
  const inputs = criteria.map((k) => {
    const id = `score-${c.id}-${k.id}`;
    return h('div', { class: 'field score-field' },
      h('label', { for: id, text: `${k.name} (${min}–${max})` }),
      h('input', { id, type: 'number', min: String(min), max: String(max), step: '1', inputmode: 'numeric', dataset: { criterion: k.id }, value: mine[k.id] !== undefined ? String(mine[k.id]) : undefined }));
  });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-small', text: 'Lưu điểm' });
  const form = h('form', { class: 'jury-form', novalidate: true, dataset: { clipId: c.id } }, ...inputs, h('div', { class: 'actions' }, btn), saved, incomplete);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const scores = {};
    for (const input of form.querySelectorAll('input[data-criterion]')) {
      const v = input.value.trim();
      if (v === '') continue;
      if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
        saved.dataset.state = 'invalid';
        saved.textContent = `Điểm mỗi tiêu chí là số nguyên từ ${min} đến ${max}.`;
        input.focus();
        return;
      }
      scores[input.dataset.criterion] = Number(v);
    }
    if (!Object.keys(scores).length) {
      saved.dataset.state = 'invalid';
      saved.textContent = 'Vui lòng nhập điểm ít nhất một tiêu chí.';
      return;
    }
    btn.disabled = true;
    saved.dataset.state = 'saving';
    saved.textContent = 'Đang lưu điểm…';
    ctx.clearError();
    try {
      const { data } = await ctx.api.putScores(c.id, scores);
      const all = data.scores || scores;
      for (const input of form.querySelectorAll('input[data-criterion]')) {
        if (all[input.dataset.criterion] !== undefined) input.value = String(all[input.dataset.criterion]);
      }
      saved.dataset.state = 'saved';
      saved.textContent = savedText(all, criteria) + (data.updatedAt ? ` (lúc ${fmtDateTime(data.updatedAt)})` : '');
      showIncomplete(incomplete, all, criteria);
      ctx.announce(incomplete.hidden ? 'Đã lưu điểm.' : 'Đã lưu điểm, nhưng phiếu chấm chưa đủ các tiêu chí.');
    } catch (err) {
      saved.dataset.state = 'failed';
      saved.textContent = 'Chưa lưu được điểm: ' + err.message;
      if (err.status !== 401) ctx.showError(err);
    } finally {
      btn.disabled = false;
    }
  });
  return h('article', { class: 'card clip-card', dataset: { clipId: c.id } },
    h('h2', { class: 'h3 clip-title', text: c.title || '' }),
    h('p', { class: 'muted small' },
      h('span', { class: 'clip-unit', text: c.unitName || c.unitId || '' }),
      ' · ', genreLabel(c.genre),
      ' · ', h('span', { class: 'clip-duration', text: fmtClipDuration(c.durationSeconds) })),
    c.videoUrl ? h('video', { class: 'clip-video', controls: true, preload: 'metadata', playsinline: true, src: c.videoUrl }) : null,
    form);
}

/** Wires the clip form once. */
export function bindClips(ctx) {
  $('#clip-form').addEventListener('submit', (e) => submitClip(ctx, e));
  $('#clip-refresh').addEventListener('click', () => loadUnitClips(ctx));
}

