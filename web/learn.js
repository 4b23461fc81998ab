// Learning after the week (issue #15): the review of one's own paper of a
// closed round (#/xem-lai/<paperId>) and practice on the questions of closed
// rounds whose keys are public (#/on-tap). The server decides which keys may
// be shown (shared/contest KeysPublic): this page shows what it is given and
// never holds a key before the answer is sent.

import { $, h } from './util.js';

const TOPIC_ALL = '';

/** "Câu 3" badge and the question's text, as on the quiz. */
function questionHead(num, total, text, id) {
  return h('h2', { class: 'learn-q-title', id },
    h('span', { class: 'q-num', text: total ? `Câu ${num}/${total}` : `Câu ${num}` }), ' ', h('span', { class: 'q-text', text }));
}

/** What the bank teaches: the explanation and the legal basis, or a note that the bank has none. */
function teaching(explanation, legalBasis) {
  if (!explanation && !legalBasis) return h('p', { class: 'muted small', text: 'Ngân hàng câu hỏi không có giải thích cho câu này.' });
  return h('div', { class: 'learn-teach' },
    explanation ? h('p', { class: 'learn-explanation' }, h('strong', { text: 'Giải thích: ' }), explanation) : null,
    legalBasis ? h('p', { class: 'learn-basis' }, h('strong', { text: 'Căn cứ pháp lý: ' }), legalBasis) : null);
}

// ------------------------------------------------------------ review

/** One question of the review: the key is shown where the server sent it (some may wait, see keysNote). */
function reviewItem(it, i, total) {
  const keysPublic = Boolean(it.correctOption);
  const titleId = `review-q${i + 1}`;
  let verdict = null;
  if (keysPublic) {
    const right = it.right === true;
    verdict = h('p', { class: 'learn-verdict ' + (right ? 'is-right' : 'is-wrong'), dataset: { verdict: right ? 'right' : (it.chosen ? 'wrong' : 'blank') } },
      right ? 'Đúng' : (it.chosen ? `Chưa đúng — đáp án đúng là ${it.correctOption}` : `Chưa trả lời — đáp án đúng là ${it.correctOption}`));
  }
  const options = h('ul', { class: 'learn-options', 'aria-label': `Các phương án của câu ${i + 1}` }, it.options.map((o) => {
    const marks = [];
    if (o.id === it.chosen) marks.push('Bạn chọn');
    if (keysPublic && o.id === it.correctOption) marks.push('Đáp án đúng');
    const cls = ['learn-option'];
    if (o.id === it.chosen) cls.push('is-chosen');
    if (keysPublic && o.id === it.correctOption) cls.push('is-correct');
    return h('li', { class: cls.join(' '), dataset: { option: o.id } },
      h('span', { class: 'opt-key', text: o.id }),
      h('span', { class: 'opt-text', text: o.text }),
      marks.length ? h('span', { class: 'learn-mark', text: marks.join(' · ') }) : null);
  }));
  return h('li', { class: 'card learn-item', dataset: { questionId: it.id }, 'aria-labelledby': titleId },
    questionHead(i + 1, total, it.text, titleId),
    options,
    verdict,
    keysPublic ? teaching(it.explanation, it.legalBasis) : null,
    !keysPublic ? h('p', { class: 'muted small', text: it.chosen ? 'Đáp án của câu này chưa được công bố.' : 'Bạn chưa trả lời câu này. Đáp án của câu này chưa được công bố.' }) : null);
}

/**
 * Shows the review of one's paper. ctx: {api, session(), roundTitle(id),
 * ensureRounds(), stillOn(), signIn()}.
 */
export async function showReview(ctx, paperId) {
  const status = $('#review-status');
  const list = $('#review-list');
  const head = $('#review-summary');
  const note = $('#review-note');
  list.replaceChildren();
  head.replaceChildren();
  note.hidden = true;
  status.hidden = false;
  status.className = 'muted';
  status.textContent = 'Đang tải bài thi…';
  $('#review-back').setAttribute('href', '#/ket-qua/' + encodeURIComponent(paperId));
  delete $('#view-review').dataset.state;
  if (!ctx.session()) {
    ctx.signIn();
    return;
  }
  let rv;
  try {
    const { data } = await ctx.api.review(paperId);
    rv = data.review;
  } catch (err) {
    if (!ctx.stillOn()) return;
    if (err.status === 401) return; // the sign-in page takes over
    status.className = 'notice notice-info';
    status.textContent = err.message || 'Không tải được bài thi.';
    $('#view-review').dataset.state = err.code || 'error';
    return;
  }
  if (!ctx.stillOn()) return;
  await ctx.ensureRounds();
  const title = ctx.roundTitle(rv.roundId);
  $('#review-title').textContent = title ? `Xem lại bài thi — ${title}` : 'Xem lại bài thi';
  status.hidden = true;
  if (rv.result) {
    head.append(h('p', { class: 'result-score' }, 'Bạn trả lời đúng ', h('strong', { text: `${rv.result.correct}/${rv.result.total}` }), ' câu.'));
  }
  if (!rv.keysPublic) {
    note.textContent = rv.keysNote || 'Đáp án chưa được công bố.';
    note.hidden = false;
  }
  list.append(...rv.items.map((it, i) => reviewItem(it, i, rv.items.length)));
  const shown = rv.items.filter((it) => it.correctOption).length;
  $('#view-review').dataset.state = shown === rv.items.length ? 'keys' : (shown ? 'some' : 'answers');
}

// ------------------------------------------------------------ practice

let practiceTopic = TOPIC_ALL;
let practiceScore = { right: 0, answered: 0 };

function renderScore() {
  $('#practice-score').textContent = practiceScore.answered
    ? `Lượt ôn tập này: đúng ${practiceScore.right}/${practiceScore.answered} câu đã trả lời.`
    : 'Chọn một phương án rồi bấm “Kiểm tra” để biết ngay đáp án và giải thích.';
}

function practiceItem(ctx, q, i, total) {
  const num = i + 1;
  const legendId = `practice-q${num}`;
  const feedback = h('div', { class: 'learn-feedback', role: 'status', 'aria-live': 'polite' });
  const check = h('button', { type: 'submit', class: 'btn btn-primary btn-small', text: 'Kiểm tra' });
  const error = h('p', { class: 'field-error', id: `practice-q${num}-error`, hidden: true });
  const options = q.options.map((o, j) => {
    const inputId = `practice-q${num}-o${j}`;
    const input = h('input', { type: 'radio', id: inputId, name: `practice-${q.bankId}-${q.id}`, value: o.id });
    input.addEventListener('change', () => {
      error.hidden = true;
      for (const l of form.querySelectorAll('.option')) l.classList.toggle('is-checked', l.contains(form.querySelector('input:checked')));
    });
    return h('label', { class: 'option', for: inputId }, input,
      h('span', { class: 'opt-key', 'aria-hidden': 'true', text: o.id }),
      h('span', { class: 'opt-text' }, h('span', { class: 'visually-hidden', text: `Phương án ${o.id}: ` }), o.text));
  });
  const form = h('form', { class: 'question card learn-practice', dataset: { questionId: q.id, bankId: q.bankId }, novalidate: true },
    h('fieldset', { 'aria-describedby': error.id },
      h('legend', { id: legendId }, h('span', { class: 'q-num', text: `Câu ${num}/${total}` }), ' ', h('span', { class: 'q-text', text: q.text })),
      h('div', { class: 'options' }, options)),
    error,
    h('div', { class: 'question-foot' }, check),
    feedback);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const picked = form.querySelector('input:checked');
    if (!picked) {
      error.textContent = 'Vui lòng chọn một phương án trước khi kiểm tra.';
      error.hidden = false;
      form.querySelector('input').focus();
      return;
    }
    check.disabled = true;
    try {
      const { data } = await ctx.api.practiceAnswer({ bankId: q.bankId, questionId: q.id, chosen: picked.value });
      const fb = data.feedback;
      for (const input of form.querySelectorAll('input')) input.disabled = true;
      for (const label of form.querySelectorAll('.option')) {
        const id = label.querySelector('input').value;
        if (id === fb.correctOption) {
          label.classList.add('is-correct');
          label.append(h('span', { class: 'learn-mark', text: 'Đáp án đúng' }));
        }
      }
      practiceScore.answered += 1;
      if (fb.right) practiceScore.right += 1;
      renderScore();
      form.dataset.verdict = fb.right ? 'right' : 'wrong';
      feedback.replaceChildren(
        h('p', { class: 'learn-verdict ' + (fb.right ? 'is-right' : 'is-wrong'), text: fb.right ? 'Chính xác!' : `Chưa đúng. Đáp án đúng là ${fb.correctOption}.` }),
        teaching(fb.explanation, fb.legalBasis));
      check.hidden = true;
    } catch (err) {
      check.disabled = false;
      error.textContent = err.message || 'Không kiểm tra được câu trả lời. Vui lòng thử lại.';
      error.hidden = false;
    }
  });
  return form;
}

/** Shows a new batch of practice questions. ctx: {api, session(), stillOn()}. */
export async function showPractice(ctx) {
  const status = $('#practice-status');
  const list = $('#practice-list');
  const select = $('#practice-topic');
  const view = $('#view-practice');
  list.replaceChildren();
  status.hidden = false;
  status.className = 'muted';
  status.textContent = 'Đang tải câu hỏi…';
  delete view.dataset.state;
  $('#practice-tools').hidden = true;
  let data;
  try {
    ({ data } = await ctx.api.practice(practiceTopic));
  } catch (err) {
    if (!ctx.stillOn()) return;
    status.className = 'notice notice-info';
    status.replaceChildren(err.message || 'Không tải được câu hỏi ôn tập.');
    if (err.code === 'sign_in_to_practise') {
      status.append(' ', h('a', { href: '#/dang-nhap', onclick: () => ctx.rememberReturn('#/on-tap'), text: 'Đăng nhập' }));
    }
    view.dataset.state = err.code || 'error';
    return;
  }
  if (!ctx.stillOn()) return;
  const topics = Array.isArray(data.topics) ? data.topics : [];
  select.replaceChildren(h('option', { value: TOPIC_ALL, text: 'Tất cả lĩnh vực' }),
    ...topics.map((t) => h('option', { value: t.id, text: t.name })));
  select.value = topics.some((t) => t.id === practiceTopic) ? practiceTopic : TOPIC_ALL;
  $('#practice-tools').hidden = false;
  const qs = Array.isArray(data.questions) ? data.questions : [];
  if (!qs.length) {
    status.className = 'notice notice-info';
    status.textContent = 'Chưa có câu hỏi để ôn tập: câu hỏi được mở sau khi không còn tuần thi nào có thể ra các câu hỏi đó.';
    view.dataset.state = 'empty';
    return;
  }
  status.hidden = true;
  renderScore();
  list.append(...qs.map((q, i) => practiceItem(ctx, q, i, qs.length)));
  view.dataset.state = 'loaded';
}

/** Wires the practice page's tools once. */
export function bindLearn(ctx) {
  $('#practice-topic').addEventListener('change', (e) => {
    practiceTopic = e.target.value;
    showPractice(ctx);
  });
  $('#practice-more').addEventListener('click', () => {
    showPractice(ctx);
    $('#practice-title').focus();
  });
  practiceScore = { right: 0, answered: 0 };
}
