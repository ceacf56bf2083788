// The on-site inspection form: every change goes to IndexedDB at once, then to the server in the background.
// Queue entries keep their stored field names (insp, item, kind, t, …): phones may hold entries of earlier versions
// of this script.

import { t } from './i18n.js';
import { capturePlace, pad, shrink } from './media.js';
import { byInspection, del, get, put, swap, uuid } from './store.js';
import { element, preview, score, server as serverResult } from './summary.js';
import * as sync from './sync.js';

const find = (selector, root = document) => root.querySelector(selector);
const findAll = (selector, root = document) => [...root.querySelectorAll(selector)];
const app = find('#app');
const pageData = app.dataset;
const session = { inspectionId: Number(pageData.id), userId: pageData.user, department: pageData.dept };
// A facility's self-inspection has one part, the facility's own: no department to name.
const selfInspection = session.department === 'self';
const RESULT_LABELS = { pass: t('合格'), fail: t('不合格'), na: t('不适用') };
const ROLE_LABELS = { inspector: t('检查人员'), facility: t('被检查机构代表'), witness: t('见证人') };
// The words of the bottom bar, the bulk pass, photo failures and the preview of other departments' checklists.
const TEXT = {
  progress: (answered, total) => t('已填 %(answered)s/%(total)s', { answered, total }),
  failedCount: (count) => t('不合格 %(count)s', { count }),
  filled: (answered, total) => t('%(answered)s/%(total)s 已填', { answered, total }),
  allAnswered: selfInspection ? t('各项均已填写') : t('本部门各项均已填写'),
  restTitle: (count) => t('将以下 %(count)s 项记为合格？', { count }),
  restNone: selfInspection ? t('没有未填的项') : t('本部门没有未填的项'),
  submittedLocked: selfInspection ? t('已提交，自查结果已锁定') : t('已提交，本部门检查部分已锁定'),
  restDone: (count) => t('已将 %(count)s 项记为合格，已保存在手机', { count }),
  compressing: (index, count) =>
    count > 1 ? t('正在压缩照片（%(index)s/%(count)s）…', { index, count }) : t('正在压缩照片…'),
  photoFailed: (count) =>
    t('%(count)s 张照片无法读取或压缩（文件可能已损坏或格式不支持），可重试或重新拍照。', { count }),
  retry: t('重试'),
  byOthers: (department) => t('由%(department)s填写', { department }),
  submitted: t('已提交'),
  othersOpen: (count) => t('其他部门还有 %(count)s 项未填，结论为暂定', { count }),
};
const verdictRules = JSON.parse(pageData.verdicts);
const cards = {}; // by item code
let queue = []; // this inspection's unsent entries, as last read from IndexedDB
let signatures = JSON.parse(pageData.signatures || '[]');
const submittedDepartments = new Set(
  findAll('section.dept[data-submitted="1"]').map((section) => section.dataset.dept),
);
const thumbnailUrls = new Map(); // photo id → object URL
const acknowledgedPhotos = {}; // photos the server took since the page loaded, by item code

for (const node of findAll('.item-card[data-code]')) {
  const data = node.dataset;
  cards[data.code] = {
    node,
    code: data.code,
    checklist: data.cl,
    itemClass: data.class,
    points: Number(data.points),
    autoNa: !!data.autoNa,
    photoRequired: data.photoReq === '1',
    photos: Number(data.photos),
    hazards: data.hazards,
    text: find('.question', node).textContent,
    department: node.closest('.dept').dataset.dept,
    server: data.result
      ? {
          result: data.result,
          deduction: data.deduction,
          note: data.note,
          location: data.location,
          affects_food_safety: data.food === '1',
          revision: Number(data.rev),
        }
      : null,
  };
}

const announce = (text) => {
  find('#live').textContent = '';
  setTimeout(() => {
    find('#live').textContent = text;
  }, 50);
};
const myQueue = () => queue.filter((entry) => entry.user === session.userId);
const pendingAnswer = (code) => myQueue().find((entry) => entry.kind === 'answer' && entry.item === code);
// What the item holds for the inspector: the last queued edit (or the server's answer), with text typed since.
const currentValue = (card) => {
  const typed = typing[card.code]?.patch;
  const held = pendingAnswer(card.code) || card.server;
  return typed ? { ...held, ...typed } : held;
};
const isEditable = (card) =>
  card.department === session.department && !submittedDepartments.has(card.department) && !card.autoNa;
const localPhotos = (code) => myQueue().filter((entry) => entry.kind === 'photo' && entry.item === code);
const itemLink = (card) => element('a', { href: `#item-${card.code}` }, card.code);

function describeAnswer(value) {
  if (!value?.result) return t('未作答');
  let text = RESULT_LABELS[value.result];
  if (value.result === 'fail') {
    const all = value.deduction === '' || value.deduction == null;
    text += all ? t('，扣全部分值') : t('，扣 %(deduction)s 分', { deduction: Number(value.deduction) });
    if (value.affects_food_safety) text += t('，影响食品安全');
    if (value.location) text += t('，位置：%(location)s', { location: value.location });
  }
  return text + (value.note ? t('：%(note)s', { note: value.note }) : '');
}

const reloadQueue = async () => {
  queue = await byInspection(session.inspectionId);
};

function renderPhotos(card, editable, value) {
  const input = find('.photo-input', card.node);
  if (!input) return;
  input.disabled = !editable;
  const local = localPhotos(card.code);
  const count = card.photos + local.length;
  find('.photo-count', card.node).textContent =
    (count ? t('照片 %(count)s 张', { count }) : '') +
    (local.length ? t('（%(count)s 张待上传）', { count: local.length }) : '') +
    (card.photoRequired && value?.result === 'fail' && !count ? t('不合格项须拍照') : '');
  const list = find('.thumbs', card.node);
  const shown = [...local, ...(acknowledgedPhotos[card.code] || [])];
  if (list.childElementCount === shown.length) return;
  list.replaceChildren(
    ...shown.map((photo) => {
      if (!thumbnailUrls.has(photo.id)) thumbnailUrls.set(photo.id, URL.createObjectURL(photo.blob));
      const image = {
        alt: t('%(code)s 照片', { code: card.code }),
        src: thumbnailUrls.get(photo.id),
        width: 96,
        height: 72,
      };
      return element('li', {}, element('img', image));
    }),
  );
}

function renderConflict(card, pending) {
  const box = find('.conflict', card.node);
  if (!box) return;
  const problem = pending && (pending.conflict || pending.error);
  box.hidden = !problem;
  if (!problem || box.dataset.for === pending.id) return;
  box.dataset.for = pending.id;
  box.replaceChildren(find(pending.conflict ? '#tpl-conflict' : '#tpl-refused').content.cloneNode(true));
  if (pending.conflict) find('.mine', box).textContent = describeAnswer(pending);
  find('.theirs', box).textContent = pending.conflict ? describeAnswer(pending.conflict) : pending.error;
}

function renderCard(card) {
  const value = currentValue(card);
  const pending = pendingAnswer(card.code);
  const node = card.node;
  const editable = isEditable(card);
  for (const button of findAll('.answer', node)) {
    button.setAttribute('aria-pressed', String(!!value && value.result === button.dataset.r));
    button.disabled = !editable;
  }
  node.classList.toggle('answered', !!value?.result || card.autoNa);
  for (const result of ['pass', 'fail', 'na']) node.classList.toggle(`is-${result}`, value?.result === result);
  // A grading assessment shows the facility's self-assessment: highlight where the team's answer differs.
  node.classList.toggle('differs', !!node.dataset.self && !!value?.result && value.result !== node.dataset.self);
  const failFields = find('.fail-fields', node);
  if (failFields) {
    failFields.hidden = !editable || value?.result !== 'fail';
    const deduction = find('.deduction', node);
    const note = find('.note-input', node);
    if (document.activeElement !== deduction) deduction.value = value?.deduction ?? '';
    if (document.activeElement !== note) note.value = value?.note ?? '';
    const location = find('.location-input', node);
    if (document.activeElement !== location) location.value = value?.location ?? '';
    const food = find('.food-input', node);
    if (food) food.checked = !!value?.affects_food_safety;
    for (const field of findAll('input, textarea, button', failFields)) field.disabled = !editable;
  }
  const finding = find('.finding', node);
  if (finding) {
    finding.hidden = editable || !value?.result;
    const otherDepartment = card.department === session.department ? '' : t('（其他部门）');
    finding.textContent = value?.result ? `${otherDepartment}${describeAnswer(value)}` : '';
  }
  renderPhotos(card, editable, value);
  renderConflict(card, pending);
  const state = find('.item-state', node);
  if (pending?.conflict) state.textContent = t('冲突');
  else if (pending?.error) state.textContent = t('未接受');
  else state.textContent = pending || localPhotos(card.code).length ? t('未同步') : '';
  state.className = `item-state${state.textContent ? ' on' : ''}`;
}

function renderNav() {
  const allCards = Object.values(cards);
  for (const department of new Set(allCards.map((card) => card.department))) {
    const list = allCards.filter((card) => card.department === department);
    const answered = list.filter((card) => card.autoNa || currentValue(card)?.result);
    for (const progress of findAll(`[data-progress="${department}"]`)) {
      progress.textContent = progress.dataset.unit
        ? TEXT.filled(answered.length, list.length)
        : `${answered.length} / ${list.length}`;
    }
    const todo = [
      ...list.filter((card) => !card.autoNa && !currentValue(card)?.result).map((card) => [card, t('未检查')]),
      ...list.filter((card) => currentValue(card)?.result === 'fail').map((card) => [card, t('不合格')]),
    ];
    const rows = todo.length
      ? todo.map(([card, why]) =>
          element('li', {}, element('a', { href: `#item-${card.code}` }, `${card.code} ${why}`)),
        )
      : [element('li', {}, t('全部已检查，无不合格项'))];
    find(`[data-jump="${department}"]`).replaceChildren(...rows);
    const section = find(`#dept-${department}`);
    const submitted = submittedDepartments.has(department);
    section.dataset.editable = department === session.department && !submitted ? '1' : '0';
    section.dataset.submitted = submitted ? '1' : '0';
  }
}

function renderSignatures() {
  const local = myQueue()
    .filter((entry) => entry.kind === 'sign')
    .sort((a, b) => a.t - b.t)
    .map((entry) => ({ name: entry.body.signer_name, role: entry.body.role, refused: entry.body.refused, local: 1 }));
  const all = [...signatures, ...local];
  const rows = all.map((signature) => {
    const refused = signature.refused ? t('（拒绝签字）') : '';
    const unsynced = signature.local ? t(' · 未同步') : '';
    return element(
      'li',
      {},
      t('%(role)s：%(name)s%(refused)s%(unsynced)s', {
        role: ROLE_LABELS[signature.role] || signature.role,
        name: signature.name,
        refused,
        unsynced,
      }),
    );
  });
  find('#sig-list').replaceChildren(...(rows.length ? rows : [element('li', { class: 'muted' }, t('尚无签字'))]));
}

function renderStatus() {
  const count = myQueue().length;
  const troubled = myQueue().filter((entry) => entry.conflict || entry.error).length;
  const bar = find('#syncbar');
  bar.dataset.pending = count;
  bar.classList.toggle('has-pending', count > 0);
  const network = find('#net');
  if (!navigator.onLine) network.textContent = t('离线');
  else network.textContent = sync.state.busy ? t('同步中…') : t('在线');
  network.classList.toggle('off', !navigator.onLine);
  const unsynced = count ? t('%(count)s 项未同步', { count }) : t('已同步');
  const submitQueued = myQueue().some((entry) => entry.kind === 'submit' && !entry.error) ? t('已提交，待上传 · ') : '';
  find('#sync-text').textContent = t('%(submitted)s已保存在手机 · %(unsynced)s%(troubled)s', {
    submitted: submitQueued,
    unsynced,
    troubled: troubled ? t('（%(count)s 项待处理）', { count: troubled }) : '',
  });
  find('#login-needed').hidden = !sync.state.loginNeeded;
}

// My items still to be answered by hand (auto-N/A items count as answered), in page order.
const myCards = () => Object.values(cards).filter((card) => card.department === session.department);
const myOpenCards = () => myCards().filter((card) => isEditable(card) && !currentValue(card)?.result);

function renderBar() {
  const bar = find('#jumpbar');
  if (!bar) return;
  const mine = myCards().filter((card) => !card.autoNa);
  const answered = mine.filter((card) => currentValue(card)?.result).length;
  const failed = mine.filter((card) => currentValue(card)?.result === 'fail').length;
  const failedText = failed ? [' · ', element('span', { class: 'failed' }, TEXT.failedCount(failed))] : [];
  find('#my-progress').replaceChildren(TEXT.progress(answered, mine.length), ...failedText);
  const open = myOpenCards().length;
  find('#next-open').disabled = !open;
  find('#rest-pass').disabled = !open;
}

// Scroll a place to the top of the screen and move the focus there, so that keyboards and screen readers follow.
function jumpTo(place, focusTarget = place) {
  place.scrollIntoView({ block: 'start' });
  if (!focusTarget.hasAttribute('tabindex') && !focusTarget.matches('a, button, summary')) {
    focusTarget.setAttribute('tabindex', '-1');
  }
  focusTarget.focus({ preventScroll: true });
}

// The first of my unanswered items below the one at the top of the screen, else the first of them.
function jumpToNextOpen() {
  const open = myOpenCards();
  if (!open.length) return announce(TEXT.allAnswered);
  const below = (card) =>
    card.node.getBoundingClientRect().top > parseFloat(getComputedStyle(card.node).scrollMarginTop) + 4;
  jumpTo((open.find(below) || open[0]).node);
}

function openSectionMenu() {
  const menu = find('#section-menu');
  menu.open = true;
  jumpTo(menu, find('summary', menu));
}

// 其余全部合格: after a confirmation listing them, each of my unanswered items is saved as passed through the same
// path as a tap on its 合格 (queue on the phone, then sync). No checklist rule asks for a photo or a note when an
// item passes (Item has photo_on_fail only), so none is held back.
function confirmRestPassed() {
  const open = myOpenCards();
  if (!open.length) return announce(TEXT.restNone);
  const dialog = find('#rest-dialog');
  find('#rest-title').textContent = TEXT.restTitle(open.length);
  find('#rest-list').replaceChildren(...open.map((card) => element('li', {}, `${card.code} ${card.text}`)));
  dialog.dataset.codes = open.map((card) => card.code).join(' ');
  dialog.showModal();
  find('#rest-cancel').focus();
}

async function markRestPassed() {
  const dialog = find('#rest-dialog');
  const codes = dialog.dataset.codes.split(' ').filter((code) => cards[code]);
  dialog.close();
  for (const code of codes) await queueChange(code, { result: 'pass' });
  announce(TEXT.restDone(codes.length));
}

function renderAll() {
  for (const card of Object.values(cards)) renderCard(card);
  renderNav();
  renderBar();
  renderSignatures();
  renderStatus();
}

async function refreshUI() {
  await reloadQueue();
  renderAll();
}

// Changes are applied one at a time, so that two quick taps on one item never leave two queue entries. Text typed
// in the item and not saved yet goes with the change: a tap never saves (or shows) the item without it.
let changeChain = Promise.resolve();
function queueChange(code, patch) {
  const typed = typing[code];
  clearTimeout(typed?.timer);
  const change = { ...typed?.patch, ...patch };
  changeChain = changeChain
    .then(() => applyChange(code, change))
    .then(() => {
      if (!typed) return;
      if (typing[code] === typed) delete typing[code]; // shown as typed until the queue holds it
      dropDraft(code, typed.patch);
    })
    .catch((error) => announce(t('保存失败：%(error)s', { error })));
  return changeChain;
}

async function applyChange(code, patch) {
  const card = cards[code];
  if (!isEditable(card)) return;
  await reloadQueue(); // the sync may have acknowledged the previous edit since the queue was last read
  const previous = pendingAnswer(code);
  const current = currentValue(card) || {};
  const next = {
    result: current.result,
    deduction: current.deduction ?? '',
    note: current.note ?? '',
    location: current.location ?? '',
    affects_food_safety: !!current.affects_food_safety,
    ...patch,
  };
  if (!next.result || (!previous && sync.sameAnswer(next, card.server))) return;
  const entry = {
    id: uuid(),
    insp: session.inspectionId,
    user: session.userId,
    kind: 'answer',
    item: code,
    t: Date.now(),
    ...next,
    base: previous ? previous.base : card.server?.revision || 0,
  };
  if (previous?.conflict) Object.assign(entry, { conflict: previous.conflict, reason: previous.reason });
  await swap(previous?.id, entry);
  await refreshUI();
  announce(t('%(code)s %(result)s，已保存在手机', { code, result: RESULT_LABELS[entry.result] }));
  sync.flush();
}

// Typing in a note or a deduction is saved 300 ms after the last keystroke (or at once when the field is left).
// Until then the typed text is also kept in localStorage, written at once: a tab the phone kills within those
// 300 ms gets it back when the form opens again.
const typing = {}; // by item code: {patch, timer}
const draftKey = (code) => `ci-draft:${session.inspectionId}:${session.userId}:${code}`;
function changeLater(code, patch) {
  clearTimeout(typing[code]?.timer);
  const merged = { ...typing[code]?.patch, ...patch };
  localStorage.setItem(draftKey(code), JSON.stringify(merged));
  typing[code] = { patch: merged, timer: setTimeout(() => changeNow(code), 300) };
}
const changeNow = (code) => (typing[code] ? queueChange(code, {}) : Promise.resolve());
// The draft is in the queue now; a newer draft typed meanwhile stays.
function dropDraft(code, patch) {
  if (localStorage.getItem(draftKey(code)) === JSON.stringify(patch)) localStorage.removeItem(draftKey(code));
}
async function saveDraft(code, patch) {
  await queueChange(code, patch);
  dropDraft(code, patch);
}
const leftoverDrafts = () =>
  Object.keys(localStorage)
    .filter((key) => key.startsWith(draftKey('')))
    .map((key) => [key.slice(draftKey('').length), JSON.parse(localStorage.getItem(key))]);
addEventListener('pagehide', () => {
  for (const code of Object.keys(typing)) changeNow(code);
});

async function resolveConflict(code, card, takeServer) {
  const pending = pendingAnswer(code);
  if (takeServer) {
    await del('queue', pending.id);
    if (pending.conflict.result) cards[code].server = pending.conflict;
  } else {
    const base = pending.conflict.revision || 0;
    await swap(pending.id, { ...pending, id: uuid(), base, conflict: null, reason: null });
  }
  delete find('.conflict', card).dataset.for;
  await refreshUI();
  announce(t('%(code)s 已处理冲突', { code }));
  sync.flush();
}

app.addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const card = button.closest('.item-card');
  const code = card?.dataset.code;
  if (button.dataset.r && code) await queueChange(code, { result: button.dataset.r });
  else if (button.dataset.note && code) {
    const note = find('.note-input', card);
    const typed = note.value.replace(/[；;。\s]+$/, '');
    note.value = note.value ? `${typed}；${button.dataset.note}` : button.dataset.note;
    await queueChange(code, { note: note.value });
  } else if ('keep' in button.dataset || 'take' in button.dataset) {
    await resolveConflict(code, card, 'take' in button.dataset);
  } else if (button.id === 'sync-now') sync.flush(true);
  else if (button.id === 'export') exportQueue();
  else if (button.id === 'show-summary') showSummary();
  else if (button.id === 'do-submit') submitDepartment();
  else if (button.id === 'pad-clear') signaturePad.clear();
  else if (button.id === 'next-open') jumpToNextOpen();
  else if (button.id === 'to-sign') jumpTo(find('#signatures'), find('#h-sign'));
  else if (button.id === 'open-menu') openSectionMenu();
  else if (button.id === 'rest-pass') confirmRestPassed();
  else if (button.id === 'rest-cancel') find('#rest-dialog').close();
  else if (button.id === 'rest-confirm') await markRestPassed();
  else if ('retryPhoto' in button.dataset && code) await addPhotos(code, failedPhotos.get(code) || []);
});

// The modal dialog keeps the focus: Tab and Shift+Tab go round its list and buttons (Esc closes it, natively).
find('#rest-dialog')?.addEventListener('keydown', (event) => {
  if (event.key !== 'Tab') return;
  const buttons = findAll('button, [tabindex="0"]', event.currentTarget);
  const edge = event.shiftKey ? buttons[0] : buttons.at(-1);
  if (document.activeElement !== edge) return;
  event.preventDefault();
  (event.shiftKey ? buttons.at(-1) : buttons[0]).focus();
});

// On a phone the keyboard covers the lower half of the screen: the bottom bar hides while a field is typed in. It
// comes back only after the tap that left the field has ended: shown at once, it would cover a button low on the
// screen between the press and the release, and the tap would be lost (the release lands on the bar).
const TYPED = 'input:not([type="checkbox"]):not([type="file"]), textarea, select';
let pressing = false;
const barForFocus = () => {
  if (!pressing) app.classList.toggle('typing', !!document.activeElement?.matches(TYPED));
};
app.addEventListener('focusin', (event) => {
  if (event.target.matches(TYPED)) app.classList.add('typing');
});
app.addEventListener('focusout', () => setTimeout(barForFocus, 250));
const released = () => {
  pressing = false;
  setTimeout(barForFocus);
};
addEventListener('pointerdown', () => (pressing = true), true);
addEventListener('pointerup', released, true);
addEventListener('pointercancel', released, true);

app.addEventListener('input', (event) => {
  const card = event.target.closest('.item-card');
  if (!card) return;
  const code = card.dataset.code;
  if (event.target.matches('.note-input')) changeLater(code, { note: event.target.value });
  if (event.target.matches('.location-input')) changeLater(code, { location: event.target.value });
  if (event.target.matches('.deduction')) {
    const field = event.target;
    const points = cards[code].points;
    const amount = Number(field.value);
    const valid = field.value === '' || (amount >= 0 && amount <= points && /^\d+(\.\d{1,2})?$/.test(field.value));
    field.setCustomValidity(valid ? '' : t('扣分应为 0–%(points)s 之间的数', { points }));
    field.setAttribute('aria-invalid', String(!valid));
    if (valid) changeLater(code, { deduction: field.value });
  }
});
app.addEventListener('change', async (event) => {
  const card = event.target.closest('.item-card');
  if (card && event.target.matches('.food-input')) {
    return queueChange(card.dataset.code, { affects_food_safety: event.target.checked });
  }
  if (card && !event.target.matches('.photo-input')) return changeNow(card.dataset.code);
  if (!card) return;
  const files = [...event.target.files];
  event.target.value = '';
  await addPhotos(card.dataset.code, files);
});

// Photos are compressed on the phone one by one; a file the browser cannot decode or compress is kept for 重试 and
// reported on its card. The progress line always clears, whatever happened.
const failedPhotos = new Map(); // item code → files that could not be read
async function addPhotos(code, files) {
  const status = find('.photo-status', cards[code].node);
  const failed = [];
  for (const [index, file] of files.entries()) {
    status.className = 'photo-status';
    status.removeAttribute('role');
    status.replaceChildren(element('progress', { 'aria-hidden': 'true' }), TEXT.compressing(index + 1, files.length));
    try {
      const [{ blob, w, h }, place] = await Promise.all([shrink(file), capturePlace()]);
      const entry = { id: uuid(), insp: session.inspectionId, user: session.userId, kind: 'photo', item: code };
      const captured = new Date(file.lastModified || Date.now()).toISOString(); // a camera's file is made at capture
      await put('queue', { ...entry, blob, w, h, captured, place, t: Date.now() });
      announce(
        t('%(code)s 照片已保存在手机（%(w)s×%(h)s，%(kb)s KB）', { code, w, h, kb: Math.round(blob.size / 1024) }),
      );
    } catch {
      failed.push(file);
    } finally {
      status.replaceChildren();
    }
  }
  if (failed.length) {
    failedPhotos.set(code, failed);
    status.className = 'photo-status error';
    status.setAttribute('role', 'alert');
    const retry = element('button', { type: 'button', class: 'button', 'data-retry-photo': '' }, TEXT.retry);
    status.replaceChildren(element('span', {}, TEXT.photoFailed(failed.length)), retry);
  } else failedPhotos.delete(code);
  await refreshUI();
  sync.flush();
}

// Signatures
const signForm = find('#sign-form');
const signaturePad = signForm && pad(find('#pad'));
if (signForm) {
  const role = find('#sig-role');
  const name = find('#sig-name');
  const refused = find('#sig-refused');
  const matchRole = () => {
    refused.disabled = role.value !== 'facility';
    if (refused.disabled) refused.checked = false;
    if (role.value === 'inspector' && !name.value) name.value = pageData.userName;
  };
  role.addEventListener('change', matchRole);
  matchRole();
  signForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = find('#sign-error');
    const isRefusal = refused.checked;
    if (!name.value.trim()) error.textContent = t('请填写签字人姓名');
    else error.textContent = !isRefusal && signaturePad.empty() ? t('请在框内签名') : '';
    if (error.textContent) return;
    const id = uuid();
    const body = {
      client_id: id,
      signer_name: name.value.trim(),
      role: role.value,
      refused: isRefusal,
      signed_at: new Date().toISOString(),
    };
    if (!isRefusal) body.image = signaturePad.png();
    await put('queue', { id, insp: session.inspectionId, user: session.userId, kind: 'sign', body, t: Date.now() });
    signaturePad.clear();
    name.value = '';
    refused.checked = false;
    if (isRefusal) role.value = 'witness';
    matchRole();
    await refreshUI();
    announce(
      isRefusal
        ? t('已记录拒绝签字，请见证人签字')
        : t('%(signer_name)s 的签字已保存在手机', { signer_name: body.signer_name }),
    );
    sync.flush();
  });
}

// Summary and submission
// Each checklist is previewed with my items and what the other departments have filled in so far: their open items
// are left out (not counted as 0 points nor as open items of mine). A checklist with none of my items shows who
// fills it in and how far they are, never a score.
function showSummary() {
  const box = find('#summary');
  const mine = myCards();
  const checklists = [...new Set(Object.values(cards).map((card) => card.checklist))];
  const results = checklists.map((checklist) => {
    const title = verdictRules[checklist].title;
    const all = Object.values(cards).filter((card) => card.checklist === checklist);
    const filled = (card) => card.autoNa || !!currentValue(card)?.result;
    if (!all.some((card) => card.department === session.department)) {
      const departments = [...new Set(all.map((card) => card.department))];
      const states = departments.map((department) => {
        const theirs = all.filter((card) => card.department === department);
        const name = find(`#dept-${department}`).dataset.deptName;
        const submitted = submittedDepartments.has(department) ? ` · ${TEXT.submitted}` : '';
        return `${TEXT.byOthers(name)} · ${TEXT.filled(theirs.filter(filled).length, theirs.length)}${submitted}`;
      });
      return { title, byOthers: states.join(t('；')) };
    }
    const counted = all.filter((card) => card.department === session.department || filled(card));
    const result = score(
      counted.map((card) => ({ ...card, value: currentValue(card) })),
      verdictRules[checklist],
    );
    const othersOpen = all.length - counted.length;
    if (othersOpen) result.verdict += t('（%(others_open)s）', { others_open: TEXT.othersOpen(othersOpen) });
    return { title, result };
  });
  const links = (list) => list.flatMap((card, index) => [index ? t('、') : '', itemLink(card)]);
  const problems = [];
  const open = mine.filter((card) => !card.autoNa && !currentValue(card)?.result);
  if (open.length) problems.push([t('还有 %(count)s 项未检查：', { count: open.length }), links(open)]);
  const withoutPhoto = mine.filter(
    (card) =>
      card.photoRequired && currentValue(card)?.result === 'fail' && !card.photos && !localPhotos(card.code).length,
  );
  if (withoutPhoto.length) problems.push([t('以下不合格项须拍照：'), links(withoutPhoto)]);
  const stuck = myQueue().filter((entry) => entry.conflict || entry.error);
  if (stuck.length) problems.push([t('有 %(count)s 项修改与服务器冲突或未被接受，请先处理', { count: stuck.length })]);
  if (submittedDepartments.has(session.department))
    problems.push([selfInspection ? t('自查结果已提交') : t('本部门已提交')]);
  box.replaceChildren(preview(results, problems, selfInspection));
  box.hidden = false;
  box.focus();
}

async function submitDepartment() {
  const box = find('#summary');
  const submitButton = find('#do-submit');
  const showError = (text) => {
    box.append(element('p', { class: 'error', role: 'alert' }, text));
  };
  if (!navigator.onLine) return submitWhenOnline();
  submitButton.disabled = true;
  await sync.flush(true);
  await reloadQueue();
  if (myQueue().length) {
    submitButton.disabled = false;
    return showError(
      sync.state.loginNeeded
        ? t('请重新登录后同步再提交')
        : t('还有 %(count)s 项未同步，请稍后重试', { count: myQueue().length }),
    );
  }
  const response = await sync.submit().catch(() => ({ ok: false, body: { message: t('网络中断，请重试') } }));
  if (!response.ok) {
    submitButton.disabled = false;
    return showError(response.body.message);
  }
  submittedDepartments.add(session.department);
  box.replaceChildren(serverResult(response.body, (code) => cards[code] || {}, verdictRules));
  box.focus();
  renderAll();
  announce(TEXT.submittedLocked);
  sync.refresh().catch(() => {});
}

// Offline: the submission waits in the phone's queue behind the other changes and goes out when the network is back.
async function submitWhenOnline() {
  await sync.queueSubmission();
  await reloadQueue();
  renderStatus();
  announce(t('已提交，待上传：联网后自动上传'));
}

// Last resort: everything not yet on the server, photos as data URLs, in a JSON file.
const dataUrl = (blob) =>
  new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(blob);
  });

async function exportQueue() {
  await reloadQueue();
  const exported = {
    inspection: session.inspectionId,
    user: session.userId,
    exported_at: new Date().toISOString(),
    answers: [],
    photos: [],
    signatures: [],
  };
  for (const { blob, body, ...entry } of myQueue()) {
    if (entry.kind === 'sign') exported.signatures.push(body);
    else {
      const file = blob && { data_url: await dataUrl(blob) };
      exported[`${entry.kind}s`].push({ ...entry, client_id: entry.id, item_code: entry.item, ...file });
    }
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(exported)], { type: 'application/json' }));
  link.download = `careinspect-${session.inspectionId}-unsynced-${Date.now()}.json`;
  link.click();
  announce(t('已导出 %(count)s 项未同步数据', { count: myQueue().length }));
}

// Take the server's copy of the inspection. A fresh one from the server replaces what the page knew; the one stored
// on the phone (`stored`) may be older or newer than a page served from the worker's cache, so it is merged: per
// item the answer of the higher revision, and the longer lists of photos and signatures (neither ever shrinks).
function applySnapshot(snapshot, stored = false) {
  const answers = Object.fromEntries(snapshot.answers.map((answer) => [answer.item_code, answer]));
  for (const card of Object.values(cards)) {
    const theirs = answers[card.code] || null;
    if (!stored || (theirs?.revision || 0) > (card.server?.revision || 0)) card.server = theirs;
    const photos = snapshot.photos.filter((photo) => photo.item_code === card.code).length;
    card.photos = stored ? Math.max(card.photos, photos) : photos;
  }
  for (const department of snapshot.departments) if (department.submitted) submittedDepartments.add(department.code);
  if (!stored || snapshot.signatures.length > signatures.length) {
    signatures = snapshot.signatures.map((signature) => ({
      name: signature.signer_name,
      role: signature.role,
      refused: signature.refused,
    }));
  }
}

sync.init({
  inspectionId: session.inspectionId,
  userId: session.userId,
  changed: refreshUI,
  announce,
  serverAnswerOf: (code) => cards[code]?.server,
  serverAnswer: (code, answer) => {
    const card = cards[code];
    card.server = { ...answer, revision: answer.revision ?? card.server?.revision ?? 0 };
  },
  fileAcknowledged: (entry, body) => {
    if (entry.kind === 'photo') {
      acknowledgedPhotos[entry.item] ||= [];
      acknowledgedPhotos[entry.item].push(entry);
      cards[entry.item].photos++;
    } else {
      signatures.push({ name: body.signer_name, role: body.role, refused: body.refused });
    }
  },
  applySnapshot,
  submissionDelivered: () => {
    submittedDepartments.add(session.department);
    renderAll();
    announce(TEXT.submittedLocked);
  },
});

(async () => {
  const snapshot = await get('snap', session.inspectionId).catch(() => null);
  if (snapshot) applySnapshot(snapshot, true);
  await refreshUI();
  for (const [code, patch] of leftoverDrafts()) if (cards[code]) await saveDraft(code, patch);
  app.dataset.ready = '1'; // the form shows everything the phone holds
  sync.flush();
  navigator.storage?.persist?.();
  navigator.serviceWorker?.register(pageData.sw).catch(() => {});
  // The first visit was not served through the worker: keep this page for offline use now.
  if (!navigator.serviceWorker?.controller && navigator.onLine && self.caches) {
    caches
      .open(sync.PAGES)
      .then((cache) => cache.add(location.pathname))
      .catch(() => {});
  }
})();
