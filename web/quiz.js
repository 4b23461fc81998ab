// The quiz page: renders one paper, keeps the server-clock countdown,
// autosaves answers and the prediction (debounced, retried with backoff,
// mirrored in localStorage until the server has them) and submits exactly one
// frozen submission body, retried until the server answers.
//
// Nothing here knows or computes which option is correct: the server never
// sends the key, and the page only shows the score the grade function returns.

import { $, h, store, parseTime, fmtClock, fmtDateTime, fmtDuration, fmtInt, sayDuration, sleep, backoffDelay } from './util.js';

const SAVE_DEBOUNCE_MS = 800;
const SUBMIT_AUTO_RETRIES = 4; // after the first try: ~1 s, 2 s, 4 s, 8 s
const TICK_MS = 250;

export const keys = {
  current: (email) => 'current.' + email, // {paperId, roundId} of the paper in progress
  draft: (paperId) => 'draft.' + paperId, // {answers: {qid: optId|""}, prediction?: "123"} not yet confirmed by the server
  submission: (paperId) => 'submission.' + paperId, // {body, meta} frozen when the participant confirmed
  results: (email) => 'results.' + email, // {roundId: {paperId, result, meta}}
};

/**
 * Validates the prediction field: a whole number from 0 to max, the paper's
 * maxPrediction (the grade function's bound; the server checks it anyway).
 */
export function parsePrediction(raw, max) {
  const s = String(raw ?? '').trim();
  if (!s) return { ok: false, message: 'Vui lòng trả lời câu hỏi dự đoán trước khi nộp bài.' };
  if (!/^\d+$/.test(s)) return { ok: false, message: 'Dự đoán phải là số nguyên không âm, chỉ gồm chữ số.' };
  const v = Number(s);
  if (!Number.isSafeInteger(v)) return { ok: false, message: 'Số dự đoán quá lớn.' };
  if (Number.isSafeInteger(max) && v > max) return { ok: false, message: `Số dự đoán tối đa là ${fmtInt(max)}.` };
  return { ok: true, value: v };
}

export function rememberResult(email, roundId, paperId, result, meta) {
  const all = store.get(keys.results(email)) || {};
  all[roundId] = { paperId, result, meta: meta || {} };
  store.set(keys.results(email), all);
}

export function knownResults(email) {
  return store.get(keys.results(email)) || {};
}

/**
 * One open paper on the page. ui callbacks:
 *   showError(err|string), clearError(), announce(text),
 *   finished({paper, result, meta}) when the paper is (or turns out) submitted,
 *   roundTitle(roundId) → string.
 */
export class QuizSession {
  constructor({ api, email, ui }) {
    this.api = api;
    this.email = email;
    this.ui = ui;
    this.listeners = new AbortController();
    this.destroyed = false;
    this.finishedFlag = false;

    this.paper = null;
    this.offset = 0; // serverTime − Date.now() at response time
    this.deadlineMs = NaN;
    this.qids = [];
    this.saved = {}; // what the server has confirmed
    this.current = {}; // what the page shows
    this.dirty = {}; // changes the server has not confirmed yet

    this.saveTimer = null;
    this.saving = false;
    this.saveFailures = 0;
    this.savedAtText = '';
    this.prediction = ''; // the prediction field's text, mirrored for the draft
    this.savedPrediction = null; // the prediction the server holds (number), if any
    this.rejectedPrediction = null; // a prediction the server refused: not sent again

    this.submission = null; // promise of the one submission in flight
    this.expired = false;
    this.warned = new Set();
    this.tickTimer = null;
  }

  // ------------------------------------------------------------ opening

  /** Shows the paper from a POST /rounds/{id}/papers or GET /papers/{id} response. */
  open(response) {
    const { data, receivedAt } = response;
    const paper = data.paper;
    this.paper = paper;
    this.syncClock(data.serverTime, receivedAt, paper.deadline);

    if (paper.status === 'submitted') {
      this.finish(paper.result, this.storedSubmission()?.meta);
      return;
    }

    store.set(keys.current(this.email), { paperId: paper.id, roundId: paper.roundId });
    this.qids = paper.questions.map((q) => q.id);
    this.saved = cleanAnswers(paper, paper.answers || {});
    this.savedPrediction = Number.isSafeInteger(paper.prediction) ? paper.prediction : null;

    // Overlay what this browser changed but the server may not have yet.
    const draft = store.get(keys.draft(paper.id)) || {};
    const local = cleanAnswers(paper, draft.answers || {});
    this.current = { ...this.saved };
    this.dirty = {};
    for (const [q, a] of Object.entries(local)) {
      if ((this.saved[q] || '') !== a) this.dirty[q] = a;
      if (a) this.current[q] = a;
      else delete this.current[q];
    }

    // The field shows this browser's unsaved text, else what the server saved.
    this.render(typeof draft.prediction === 'string' ? draft.prediction : this.savedPredictionText());
    this.bind();
    this.persistDraft();

    const pending = this.storedSubmission();
    if (pending) {
      // The participant already confirmed; the answer never came back. Send the same body again.
      this.submit();
    } else if (this.hasUnsaved()) {
      this.setSaveStatus('pending');
      this.scheduleSave(0);
    } else {
      this.setSaveStatus('idle');
    }
    this.tick();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
  }

  syncClock(serverTime, receivedAt, deadline) {
    const st = parseTime(serverTime);
    if (Number.isFinite(st)) this.offset = st - receivedAt;
    const dl = parseTime(deadline);
    if (Number.isFinite(dl)) this.deadlineMs = dl;
  }

  serverNow() {
    return Date.now() + this.offset;
  }

  /** The paper's bound on the prediction (the server's), undefined if it names none. */
  maxPrediction() {
    const max = this.paper && this.paper.maxPrediction;
    return Number.isSafeInteger(max) ? max : undefined;
  }

  /** How many digits the prediction field keeps. */
  maxPredictionDigits() {
    return String(this.maxPrediction() ?? Number.MAX_SAFE_INTEGER).length;
  }

  savedPredictionText() {
    return this.savedPrediction === null ? '' : String(this.savedPrediction);
  }

  /** The prediction to autosave: the field's value when valid and not what the server already has. */
  pendingPrediction() {
    const p = parsePrediction(this.prediction, this.maxPrediction());
    if (!p.ok || p.value === this.savedPrediction || p.value === this.rejectedPrediction) return undefined;
    return p.value;
  }

  hasUnsaved() {
    return Object.keys(this.dirty).length > 0 || this.pendingPrediction() !== undefined;
  }

  storedSubmission() {
    if (!this.paper) return null;
    const s = store.get(keys.submission(this.paper.id));
    return s && s.body && typeof s.body === 'object' ? s : null;
  }

  // ------------------------------------------------------------ rendering

  render(draftPrediction) {
    const p = this.paper;
    const n = p.questions.length;
    const title = this.ui.roundTitle(p.roundId);
    $('#quiz-title').textContent = title ? 'Bài thi: ' + title : 'Bài thi';
    $('#quiz-meta').textContent = `${n} câu hỏi · bắt đầu lúc ${fmtDateTime(p.startedAt)} · hạn nộp ${fmtDateTime(p.deadline)}. Chọn một phương án cho mỗi câu; bạn có thể đổi lựa chọn trước khi nộp.`;

    const list = $('#questions');
    list.replaceChildren();
    const nav = $('#question-nav');
    nav.replaceChildren();
    const navList = h('ol', { class: 'nav-list' });

    p.questions.forEach((q, i) => {
      const num = i + 1;
      const legendId = `q${num}-legend`;
      const options = q.options.map((o, j) => {
        const inputId = `q${num}-o${j}`;
        const input = h('input', { type: 'radio', id: inputId, name: q.id, value: o.id });
        input.checked = this.current[q.id] === o.id;
        return h('label', { class: 'option' + (input.checked ? ' is-checked' : ''), for: inputId },
          input,
          h('span', { class: 'opt-key', 'aria-hidden': 'true', text: o.id }),
          h('span', { class: 'opt-text' }, h('span', { class: 'visually-hidden', text: `Phương án ${o.id}: ` }), o.text));
      });
      const fs = h('fieldset', { class: 'question card', id: `q-${num}`, dataset: { questionId: q.id } },
        h('legend', { id: legendId }, h('span', { class: 'q-num', text: `Câu ${num}/${n}` }), ' ', h('span', { class: 'q-text', text: q.text })),
        h('div', { class: 'options' }, options),
        h('div', { class: 'question-foot' },
          h('span', { class: 'q-state', 'aria-hidden': 'true' }),
          h('button', { type: 'button', class: 'btn btn-link btn-small clear-answer', dataset: { clear: q.id }, 'aria-label': `Bỏ chọn câu ${num}`, text: 'Bỏ chọn' })));
      list.append(fs);

      navList.append(h('li', {}, h('button', { type: 'button', class: 'nav-chip', dataset: { goto: String(num) }, text: String(num) })));
    });
    nav.append(h('p', { class: 'nav-title', id: 'nav-title', text: 'Chuyển nhanh đến câu hỏi (câu đã trả lời được tô màu đỏ)' }), navList);

    const pred = $('#prediction');
    pred.value = typeof draftPrediction === 'string' ? draftPrediction.replace(/\D/g, '').slice(0, this.maxPredictionDigits()) : '';
    this.prediction = pred.value;
    $('#prediction-error').hidden = true;
    $('#prediction-error').textContent = '';
    pred.removeAttribute('aria-invalid');

    $('#submit').disabled = false;
    $('#submit').textContent = 'Nộp bài';
    $('#retry-submit').hidden = true;
    $('#submit-status').textContent = '';
    this.setInputsDisabled(false);
    this.updateProgress();
  }

  updateProgress() {
    const n = this.qids.length;
    const answered = this.qids.filter((q) => this.current[q]).length;
    $('#answered-count').textContent = `${answered}/${n}`;
    const chips = document.querySelectorAll('#question-nav .nav-chip');
    this.qids.forEach((q, i) => {
      const done = Boolean(this.current[q]);
      const chip = chips[i];
      if (chip) {
        chip.classList.toggle('is-answered', done);
        chip.setAttribute('aria-label', `Câu ${i + 1}, ${done ? 'đã trả lời' : 'chưa trả lời'}`);
      }
      const fs = document.getElementById(`q-${i + 1}`);
      if (fs) {
        fs.classList.toggle('is-answered', done);
        const st = fs.querySelector('.q-state');
        if (st) st.textContent = done ? `Đã chọn ${this.current[q]}` : 'Chưa trả lời';
        const clear = fs.querySelector('.clear-answer');
        if (clear) clear.hidden = !done;
      }
    });
    const missing = n - answered;
    $('#submit-summary').textContent = missing
      ? `Bạn đã trả lời ${answered}/${n} câu; còn ${missing} câu chưa trả lời.`
      : `Bạn đã trả lời đủ ${n}/${n} câu.`;
  }

  setInputsDisabled(disabled) {
    for (const el of document.querySelectorAll('#questions input, #questions button, #prediction')) el.disabled = disabled;
  }

  // ------------------------------------------------------------ events

  bind() {
    const opts = { signal: this.listeners.signal };
    const form = $('#quiz');

    form.addEventListener('change', (e) => {
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type === 'radio' && this.qids.includes(t.name)) {
        this.choose(t.name, t.value);
      }
    }, opts);

    form.addEventListener('click', (e) => {
      const clear = e.target.closest && e.target.closest('[data-clear]');
      if (clear) this.choose(clear.dataset.clear, '');
    }, opts);

    $('#question-nav').addEventListener('click', (e) => {
      const chip = e.target.closest && e.target.closest('[data-goto]');
      if (!chip) return;
      const fs = document.getElementById('q-' + chip.dataset.goto);
      if (fs) focusQuestion(fs);
    }, opts);

    $('#jump-submit').addEventListener('click', () => {
      const block = $('#prediction-block');
      block.scrollIntoView({ block: 'start' });
      $('#prediction').focus({ preventScroll: true });
    }, opts);

    $('#prediction').addEventListener('input', (e) => {
      const el = e.target;
      // Letters are not dropped silently: the field keeps what was typed and says what is wrong.
      const typed = el.value.trim();
      const value = /^\d*$/.test(typed) ? typed.slice(0, this.maxPredictionDigits()) : el.value;
      if (value !== el.value && /^\d*$/.test(typed)) el.value = value;
      const check = parsePrediction(value, this.maxPrediction());
      if (value && !check.ok) this.showPredictionError(check.message);
      else if (!$('#prediction-error').hidden && (check.ok || !value)) this.showPredictionError('');
      if (value === this.prediction) return;
      this.prediction = value;
      this.persistDraft();
      if (this.finishedFlag || this.submission || this.expired) return;
      if (this.hasUnsaved()) {
        this.setSaveStatus('pending');
        this.scheduleSave(SAVE_DEBOUNCE_MS);
      } else if (!this.saving) {
        this.setSaveStatus(this.savedAtText ? 'saved' : 'idle');
      }
    }, opts);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.askToSubmit();
    }, opts);

    $('#confirm-submit').addEventListener('click', () => {
      closeDialog($('#confirm-dialog'));
      this.submit();
    }, opts);
    $('#cancel-submit').addEventListener('click', () => {
      closeDialog($('#confirm-dialog'));
      $('#submit').focus();
    }, opts);
    $('#retry-submit').addEventListener('click', () => this.submit(), opts);

    window.addEventListener('offline', () => {
      if (!this.finishedFlag && !this.submission) this.setSaveStatus('offline');
    }, opts);
    window.addEventListener('online', () => {
      if (this.finishedFlag) return;
      if (!$('#retry-submit').hidden) this.submit();
      else if (this.hasUnsaved()) this.scheduleSave(0);
    }, opts);

    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.resync();
      else this.flushSave();
    }, opts);

    window.addEventListener('beforeunload', (e) => {
      if (this.finishedFlag) return;
      if (this.hasUnsaved() || this.submission) {
        e.preventDefault();
        e.returnValue = '';
      }
    }, opts);
  }

  choose(qid, optionId) {
    if (this.finishedFlag || this.submission || this.expired) return;
    if (optionId) this.current[qid] = optionId;
    else delete this.current[qid];
    if ((this.saved[qid] || '') === optionId) delete this.dirty[qid];
    else this.dirty[qid] = optionId;

    const fs = document.querySelector(`#questions fieldset[data-question-id="${cssEscape(qid)}"]`);
    if (fs) {
      for (const input of fs.querySelectorAll('input[type=radio]')) {
        input.checked = input.value === optionId;
        input.closest('label').classList.toggle('is-checked', input.checked);
      }
      if (!optionId) {
        const first = fs.querySelector('input[type=radio]');
        if (first) first.focus();
      }
    }
    this.persistDraft();
    this.updateProgress();
    if (this.hasUnsaved()) {
      this.setSaveStatus('pending');
      this.scheduleSave(SAVE_DEBOUNCE_MS);
    } else if (!this.saving) {
      this.setSaveStatus(this.savedAtText ? 'saved' : 'idle');
    }
  }

  persistDraft() {
    if (!this.paper || this.finishedFlag) return;
    // The prediction text is kept only while it differs from the saved one ("" = cleared here).
    const prediction = this.prediction !== this.savedPredictionText() ? this.prediction : undefined;
    if (!Object.keys(this.dirty).length && prediction === undefined) {
      store.remove(keys.draft(this.paper.id));
      return;
    }
    store.set(keys.draft(this.paper.id), { answers: this.dirty, prediction });
  }

  // ------------------------------------------------------------ autosave

  setSaveStatus(state, extra) {
    const el = $('#save-status');
    el.dataset.state = state;
    let text = '';
    switch (state) {
      case 'idle': text = Object.keys(this.saved).length ? 'Các câu trả lời đã được lưu.' : 'Câu trả lời được lưu tự động.'; break;
      case 'pending':
      case 'saving': text = 'Đang lưu…'; break;
      case 'saved': text = 'Đã lưu lúc ' + this.savedAtText; break;
      case 'retry': text = 'Chưa lưu được — sẽ thử lại' + (extra ? ` sau ${extra} giây` : ''); break;
      case 'offline': text = 'Mất kết nối mạng. Các câu trả lời vẫn được giữ trên thiết bị này và sẽ được lưu lên máy chủ khi có mạng trở lại.'; break;
      case 'failed': text = 'Chưa lưu được' + (extra ? ': ' + extra : ''); break;
      case 'off': text = extra || ''; break;
      default: text = '';
    }
    if (el.textContent !== text) el.textContent = text;
  }

  scheduleSave(ms) {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flushSave(), ms);
  }

  async flushSave() {
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (this.saving || this.finishedFlag || this.submission || !this.paper) return;
    const batch = { ...this.dirty };
    const prediction = this.pendingPrediction();
    if (!Object.keys(batch).length && prediction === undefined) return;
    this.saving = true;
    if (!this.destroyed) this.setSaveStatus('saving');
    let retryIn = 0;
    try {
      const { data } = await this.api.saveAnswers(this.paper.id, batch, prediction);
      this.saveFailures = 0;
      this.saved = cleanAnswers(this.paper, data.answers || {});
      if (Number.isSafeInteger(data.prediction)) this.savedPrediction = data.prediction;
      else if (prediction !== undefined) this.savedPrediction = prediction;
      for (const [q, a] of Object.entries(batch)) {
        if (this.dirty[q] === a) delete this.dirty[q];
      }
      // Anything the server now holds that equals what the page shows is no longer dirty.
      for (const q of Object.keys(this.dirty)) {
        if ((this.saved[q] || '') === this.dirty[q]) delete this.dirty[q];
      }
      this.persistDraft();
      this.savedAtText = fmtClock(data.savedAt) || fmtClock(this.serverNow());
      if (!this.destroyed && !this.submission) this.setSaveStatus(this.hasUnsaved() ? 'pending' : 'saved');
    } catch (err) {
      if (this.destroyed || this.submission || this.finishedFlag) return;
      if (err.status === 401) {
        this.setSaveStatus('retry');
        // The app moves to sign-in; the draft stays in localStorage and is saved after signing in again.
      } else if (err.retryable || err.status === 429) {
        retryIn = Math.max(backoffDelay(this.saveFailures, 1000, 30000), err.retryAfterMs || 0);
        this.saveFailures += 1;
        if (err.network && (err.code === 'network' || navigator.onLine === false)) this.setSaveStatus('offline');
        else this.setSaveStatus('retry', Math.ceil(retryIn / 1000));
      } else if (err.code === 'paper_submitted') {
        this.resync();
      } else if (err.code === 'deadline_passed') {
        this.setSaveStatus('failed', 'đã hết thời gian làm bài');
        this.ui.showError(err);
      } else {
        // A request the server will never accept (e.g. unknown option): do not loop on it.
        for (const [q, a] of Object.entries(batch)) {
          if (this.dirty[q] === a) delete this.dirty[q];
        }
        if (prediction !== undefined) this.rejectedPrediction = prediction;
        this.persistDraft();
        this.setSaveStatus('failed');
        this.ui.showError(err);
      }
    } finally {
      this.saving = false;
    }
    if (this.destroyed || this.finishedFlag || this.submission) return;
    if (retryIn) this.scheduleSave(retryIn);
    else if (this.hasUnsaved() && !this.saveTimer) this.scheduleSave(SAVE_DEBOUNCE_MS);
  }

  // ------------------------------------------------------------ clock

  tick() {
    if (this.destroyed || this.finishedFlag || !Number.isFinite(this.deadlineMs)) return;
    const remaining = this.deadlineMs - this.serverNow();
    const timer = $('#timer');
    const text = fmtDuration(remaining, { hours: true });
    if (timer.textContent !== text) timer.textContent = text;
    timer.dataset.remainingMs = String(Math.max(0, Math.round(remaining)));
    const bar = document.querySelector('.quiz-bar');
    bar.classList.toggle('is-warning', remaining <= 5 * 60e3 && remaining > 60e3);
    bar.classList.toggle('is-danger', remaining <= 60e3);

    for (const mark of [5 * 60e3, 60e3]) {
      if (remaining <= mark && remaining > mark - 10e3 && !this.warned.has(mark)) {
        this.warned.add(mark);
        let msg = `Còn ${sayDuration(mark)} làm bài.`;
        if (!parsePrediction($('#prediction').value, this.maxPrediction()).ok) {
          msg += ' Bạn chưa trả lời câu hỏi dự đoán.';
          this.showPredictionError(this.savedPrediction === null
            ? 'Bạn chưa trả lời câu hỏi dự đoán. Hết giờ, bài được nộp tự động; nếu để trống, dự đoán được ghi nhận là 0.'
            : `Ô dự đoán đang để trống. Hết giờ, bài được nộp tự động với dự đoán đã lưu trước đó (${this.savedPrediction.toLocaleString('vi-VN')}).`);
        }
        this.ui.announce(msg);
      }
    }
    if (remaining <= 0 && !this.expired) {
      this.expired = true;
      this.autoSubmit();
    }
  }

  /** Re-reads the paper: corrects the clock offset and notices a submission made elsewhere. */
  async resync() {
    if (this.destroyed || this.finishedFlag || !this.paper) return;
    try {
      const r = await this.api.getPaper(this.paper.id);
      if (this.destroyed || this.finishedFlag) return;
      this.syncClock(r.data.serverTime, r.receivedAt, r.data.paper.deadline);
      if (r.data.paper.status === 'submitted') {
        this.paper = r.data.paper;
        this.finish(r.data.paper.result, this.storedSubmission()?.meta);
        return;
      }
      if (Number.isSafeInteger(r.data.paper.prediction)) this.savedPrediction = r.data.paper.prediction;
      if (this.hasUnsaved()) this.scheduleSave(0);
    } catch (e) {
      /* keep the current clock; the next action reports problems */
    }
  }

  // ------------------------------------------------------------ submission

  showPredictionError(msg) {
    const el = $('#prediction-error');
    const input = $('#prediction');
    el.textContent = msg;
    el.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  askToSubmit() {
    if (this.finishedFlag || this.submission) return;
    const pred = parsePrediction($('#prediction').value, this.maxPrediction());
    if (!pred.ok) {
      this.showPredictionError(pred.message);
      $('#prediction-block').scrollIntoView({ block: 'center' });
      $('#prediction').focus({ preventScroll: true });
      return;
    }
    this.showPredictionError('');
    const n = this.qids.length;
    const missing = [];
    this.qids.forEach((q, i) => { if (!this.current[q]) missing.push(i + 1); });
    const body = $('#confirm-body');
    body.replaceChildren(
      h('p', {}, 'Bạn đã trả lời ', h('strong', { text: `${n - missing.length}/${n}` }), ' câu.'),
      missing.length
        ? h('p', { class: 'warning-text' }, 'Còn ', h('strong', { id: 'confirm-unanswered', text: String(missing.length) }), ` câu chưa trả lời: câu ${missing.join(', ')}.`)
        : h('p', {}, h('span', { id: 'confirm-unanswered', hidden: true, text: '0' }), 'Bạn đã trả lời tất cả các câu hỏi.'),
      h('p', {}, 'Dự đoán của bạn: ', h('strong', { text: pred.value.toLocaleString('vi-VN') }), '.'),
      h('p', { class: 'muted', text: 'Sau khi nộp, bạn không thể sửa bài.' }),
    );
    openDialog($('#confirm-dialog'), () => this.submit());
    $('#confirm-submit').focus();
  }

  autoSubmit() {
    if (this.finishedFlag || this.submission) return;
    closeDialog($('#confirm-dialog'));
    this.ui.announce('Đã hết giờ làm bài. Hệ thống tự động nộp bài của bạn.');
    this.submit({ auto: true });
  }

  buildSubmission(auto) {
    const answers = {};
    for (const q of this.qids) answers[q] = this.current[q] || ''; // "" clears a saved answer the participant removed
    const pred = parsePrediction($('#prediction').value, this.maxPrediction());
    const meta = { auto: Boolean(auto) };
    const body = { answers };
    if (pred.ok) body.prediction = pred.value;
    else if (auto && this.savedPrediction !== null) {
      meta.predictionSaved = true; // no "prediction": the server takes the autosaved one
    } else if (auto) {
      body.prediction = 0;
      meta.predictionDefaulted = true;
    } else return null;
    return { body, meta };
  }

  /**
   * Sends the submission. The body is frozen (and kept in localStorage) the
   * first time; every retry, automatic or by "Thử nộp lại", after a reload
   * or a new sign-in, sends exactly the same body. Calls while one is in
   * flight get the same promise.
   */
  submit({ auto = false } = {}) {
    if (this.finishedFlag) return Promise.resolve();
    if (this.submission) return this.submission;
    let frozen = this.storedSubmission();
    if (!frozen) {
      frozen = this.buildSubmission(auto);
      if (!frozen) {
        this.askToSubmit();
        return Promise.resolve();
      }
      store.set(keys.submission(this.paper.id), frozen);
    }
    clearTimeout(this.saveTimer);
    this.submission = this.sendSubmission(frozen).finally(() => { this.submission = null; });
    return this.submission;
  }

  async sendSubmission(frozen) {
    const submitBtn = $('#submit');
    const retryBtn = $('#retry-submit');
    const status = $('#submit-status');
    submitBtn.disabled = true;
    submitBtn.textContent = 'Đang nộp bài…';
    retryBtn.hidden = true;
    this.setInputsDisabled(true);
    this.setSaveStatus('off', 'Đang nộp bài…');
    status.textContent = 'Đang nộp bài…';
    this.ui.clearError();

    for (let attempt = 0; ; attempt++) {
      try {
        const { data } = await this.api.submit(this.paper.id, frozen.body);
        this.finish(data.result, frozen.meta);
        return;
      } catch (err) {
        if (this.destroyed || this.finishedFlag) return;
        if (err.status === 401) {
          // The app shows the sign-in page; the frozen body is sent again when the paper is reopened.
          status.textContent = 'Phiên đăng nhập đã hết hạn. Bài chưa được nộp; hãy đăng nhập lại để nộp bài.';
          return;
        }
        if (err.retryable || err.status === 429) {
          if (attempt < SUBMIT_AUTO_RETRIES) {
            const wait = Math.max(backoffDelay(attempt, 1000, 15000), err.retryAfterMs || 0);
            status.textContent = `Chưa nộp được (${err.network ? 'mất kết nối' : 'máy chủ bận'}). Tự động thử lại sau ${Math.ceil(wait / 1000)} giây… (lần ${attempt + 1}/${SUBMIT_AUTO_RETRIES})`;
            await sleep(wait);
            if (this.destroyed || this.finishedFlag) return;
            status.textContent = 'Đang nộp lại bài…';
            continue;
          }
          submitBtn.textContent = 'Nộp bài';
          retryBtn.hidden = false;
          status.textContent = 'Chưa nộp được bài. Bài làm của bạn vẫn được giữ trên máy này; bấm “Thử nộp lại” (hệ thống cũng tự thử lại khi có mạng).';
          this.ui.showError(err);
          retryBtn.focus();
          return;
        }
        if (err.code === 'paper_submitted') {
          await this.resync();
          if (!this.finishedFlag) {
            status.textContent = 'Bài thi đã được nộp.';
            this.ui.showError(err);
          }
          return;
        }
        if (err.code === 'prediction_required' && frozen.meta && frozen.meta.auto && frozen.body.prediction === undefined) {
          // The automatic submission relied on a saved prediction the server does not have: send 0 instead.
          frozen = { body: { ...frozen.body, prediction: 0 }, meta: { ...frozen.meta, predictionSaved: false, predictionDefaulted: true } };
          store.set(keys.submission(this.paper.id), frozen);
          continue;
        }
        // The server refused this body for good: do not resend it.
        store.remove(keys.submission(this.paper.id));
        submitBtn.textContent = 'Nộp bài';
        if (err.code === 'deadline_passed') {
          this.expired = true;
          status.textContent = 'Đã quá thời gian nộp bài.';
          this.setSaveStatus('off', 'Đã hết thời gian làm bài.');
          store.remove(keys.current(this.email));
          this.ui.showError(err);
          await this.resync();
          return;
        }
        status.textContent = '';
        submitBtn.disabled = false;
        this.setInputsDisabled(false);
        this.setSaveStatus(this.hasUnsaved() ? 'pending' : (this.savedAtText ? 'saved' : 'idle'));
        if (this.hasUnsaved()) this.scheduleSave(0);
        if (/prediction/.test(err.code)) {
          this.showPredictionError(err.message);
          $('#prediction').focus();
        }
        this.ui.showError(err);
        return;
      }
    }
  }

  finish(result, meta) {
    if (this.finishedFlag) return;
    this.finishedFlag = true;
    clearInterval(this.tickTimer);
    clearTimeout(this.saveTimer);
    const p = this.paper;
    store.remove(keys.draft(p.id));
    store.remove(keys.submission(p.id));
    const cur = store.get(keys.current(this.email));
    if (cur && cur.paperId === p.id) store.remove(keys.current(this.email));
    if (result) rememberResult(this.email, p.roundId, p.id, result, meta);
    this.listeners.abort();
    this.ui.finished({ paper: p, result, meta: meta || {} });
  }

  /** Leaves the page: stops timers and listeners; unsaved answers stay in localStorage. */
  destroy({ flush = true } = {}) {
    if (this.destroyed) return;
    const pendingSave = flush && !this.finishedFlag && !this.submission && this.hasUnsaved();
    if (pendingSave) this.flushSave(); // best effort, before marking destroyed so it runs
    this.destroyed = true;
    clearInterval(this.tickTimer);
    clearTimeout(this.saveTimer);
    this.listeners.abort();
    closeDialog($('#confirm-dialog'));
  }
}

// ------------------------------------------------------------ helpers

/** Keeps only answers to questions on the paper with options that exist. */
function cleanAnswers(paper, answers) {
  const out = {};
  if (!answers || typeof answers !== 'object') return out;
  for (const q of paper.questions) {
    const a = answers[q.id];
    if (typeof a !== 'string') continue;
    if (a === '' || q.options.some((o) => o.id === a)) out[q.id] = a;
  }
  return out;
}

function cssEscape(s) {
  return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
}

function focusQuestion(fs) {
  fs.scrollIntoView({ block: 'start' });
  const target = fs.querySelector('input:checked') || fs.querySelector('input');
  if (target) target.focus({ preventScroll: true });
}

let dialogFallbackConfirm = null;

function openDialog(dialog, onConfirm) {
  if (typeof dialog.showModal === 'function') {
    if (!dialog.open) dialog.showModal();
    return;
  }
  // Very old browsers without <dialog>: fall back to the native confirm box.
  dialogFallbackConfirm = onConfirm;
  const text = dialog.querySelector('#confirm-body').textContent;
  if (window.confirm(text + '\n\nNộp bài?') && dialogFallbackConfirm) dialogFallbackConfirm();
  dialogFallbackConfirm = null;
}

function closeDialog(dialog) {
  if (dialog && dialog.open && typeof dialog.close === 'function') dialog.close();
}
