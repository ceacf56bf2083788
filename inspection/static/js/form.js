// The on-site inspection form: every change goes to IndexedDB at once, then to the server in the background.
import { get, put, del, swap, byInspection, uuid } from './store.js';
import * as sync from './sync.js';
import { shrink, pad } from './media.js';
import { score, preview, server as serverResult } from './summary.js';

const $ = (s, el = document) => el.querySelector(s);
const $$ = (s, el = document) => [...el.querySelectorAll(s)];
const app = $('#app');
const D = app.dataset;
const C = { id: Number(D.id), user: D.user, dept: D.dept };
const LABEL = { pass: '合格', fail: '不合格', na: '不适用' };
const ROLE = { inspector: '检查人员', facility: '被检查机构代表', witness: '见证人' };
const cards = {};
let queue = [];
let sigs = JSON.parse(D.signatures || '[]');
const submitted = new Set($$('section.dept[data-submitted="1"]').map((s) => s.dataset.dept));
const thumbs = new Map(); // photo id → object URL
const done = {}; // photos acknowledged since the page loaded, by item

for (const el of $$('.item-card[data-code]')) {
  const d = el.dataset;
  cards[d.code] = {
    el, code: d.code, cl: d.cl, cls: d.class, points: Number(d.points), autoNa: !!d.autoNa, photoReq: d.photoReq === '1',
    photos: Number(d.photos), hazards: d.hazards, text: $('.question', el).textContent, dept: el.closest('.dept').dataset.dept,
    server: d.result ? { result: d.result, deduction: d.deduction, note: d.note, revision: Number(d.rev) } : null,
  };
}

const say = (text) => { $('#live').textContent = ''; setTimeout(() => { $('#live').textContent = text; }, 50); };
const mine = () => queue.filter((e) => e.user === C.user);
const pendingOf = (code) => mine().find((e) => e.kind === 'answer' && e.item === code);
const valueOf = (c) => pendingOf(c.code) || c.server;
const editable = (c) => c.dept === C.dept && !submitted.has(c.dept) && !c.autoNa;
const describe = (v) => (!v || !v.result ? '未作答' : LABEL[v.result]
  + (v.result === 'fail' ? (v.deduction === '' || v.deduction == null ? '，扣全部分值' : `，扣 ${Number(v.deduction)} 分`) : '')
  + (v.note ? `：${v.note}` : ''));
const localPhotos = (code) => mine().filter((e) => e.kind === 'photo' && e.item === code);

const reload = async () => { queue = await byInspection(C.id); };

function renderCard(c) {
  const v = valueOf(c);
  const e = pendingOf(c.code);
  const el = c.el;
  const ed = editable(c);
  for (const b of $$('.answer', el)) {
    b.setAttribute('aria-pressed', String(!!v && v.result === b.dataset.r));
    b.disabled = !ed;
  }
  el.classList.toggle('answered', !!v?.result || c.autoNa);
  for (const r of ['pass', 'fail', 'na']) el.classList.toggle(`is-${r}`, v?.result === r);
  const fail = $('.fail-fields', el);
  if (fail) {
    fail.hidden = !ed || v?.result !== 'fail';
    const d = $('.deduction', el);
    const n = $('.note-input', el);
    if (document.activeElement !== d) d.value = v?.deduction ?? '';
    if (document.activeElement !== n) n.value = v?.note ?? '';
    for (const x of $$('input, textarea, button', fail)) x.disabled = !ed;
  }
  const finding = $('.finding', el);
  if (finding) {
    finding.hidden = ed || !v?.result;
    finding.textContent = v?.result ? `${c.dept === C.dept ? '' : '（其他部门）'}${describe(v)}` : '';
  }
  const input = $('.photo-input', el);
  if (input) {
    input.disabled = !ed;
    const local = localPhotos(c.code);
    const count = c.photos + local.length;
    $('.photo-count', el).textContent = (count ? `照片 ${count} 张` : '') + (local.length ? `（${local.length} 张待上传）` : '')
      + (c.photoReq && v?.result === 'fail' && !count ? '不合格项须拍照' : '');
    const ul = $('.thumbs', el);
    const want = [...local, ...(done[c.code] || [])];
    if (ul.childElementCount !== want.length) {
      ul.replaceChildren(...want.map((p) => {
        if (!thumbs.has(p.id)) thumbs.set(p.id, URL.createObjectURL(p.blob));
        const li = document.createElement('li');
        li.innerHTML = `<img alt="${c.code} 照片" src="${thumbs.get(p.id)}" width="96" height="72">`;
        return li;
      }));
    }
  }
  const box = $('.conflict', el);
  if (box) {
    const problem = e && (e.conflict || e.error);
    box.hidden = !problem;
    if (problem && box.dataset.for !== e.id) {
      box.dataset.for = e.id;
      box.replaceChildren($(e.conflict ? '#tpl-conflict' : '#tpl-refused').content.cloneNode(true));
      if (e.conflict) $('.mine', box).textContent = describe(e);
      $('.theirs', box).textContent = e.conflict ? describe(e.conflict) : e.error;
    }
  }
  const state = $('.item-state', el);
  state.textContent = e?.conflict ? '冲突' : e?.error ? '未接受' : e || localPhotos(c.code).length ? '未同步' : '';
  state.className = `item-state${state.textContent ? ' on' : ''}`;
}

function renderNav() {
  for (const dept of new Set(Object.values(cards).map((c) => c.dept))) {
    const list = Object.values(cards).filter((c) => c.dept === dept);
    const answered = list.filter((c) => c.autoNa || valueOf(c)?.result);
    for (const p of $$(`[data-progress="${dept}"]`)) p.textContent = `${answered.length} / ${list.length}`;
    const todo = list.filter((c) => !c.autoNa && !valueOf(c)?.result).map((c) => [c, '未检查'])
      .concat(list.filter((c) => valueOf(c)?.result === 'fail').map((c) => [c, '不合格']));
    $(`[data-jump="${dept}"]`).innerHTML = todo.length
      ? todo.map(([c, why]) => `<li><a href="#item-${c.code}">${c.code} ${why}</a></li>`).join('')
      : '<li>全部已检查，无不合格项</li>';
    const section = $(`#dept-${dept}`);
    section.dataset.editable = dept === C.dept && !submitted.has(dept) ? '1' : '0';
    section.dataset.submitted = submitted.has(dept) ? '1' : '0';
  }
}

function renderSigs() {
  const ul = $('#sig-list');
  const local = mine().filter((e) => e.kind === 'sign').sort((a, b) => a.t - b.t).map((e) => ({ name: e.body.signer_name, role: e.body.role, refused: e.body.refused, local: 1 }));
  const all = [...sigs, ...local];
  ul.innerHTML = all.length ? '' : '<li class="muted">尚无签字</li>';
  for (const s of all) {
    const li = document.createElement('li');
    li.textContent = `${ROLE[s.role] || s.role}：${s.name}${s.refused ? '（拒绝签字）' : ''}${s.local ? ' · 未同步' : ''}`;
    ul.append(li);
  }
}

function status() {
  const n = mine().length;
  const bad = mine().filter((e) => e.conflict || e.error).length;
  const bar = $('#syncbar');
  bar.dataset.pending = n;
  bar.classList.toggle('has-pending', n > 0);
  $('#net').textContent = navigator.onLine ? (sync.S.busy ? '同步中…' : '在线') : '离线';
  $('#net').classList.toggle('off', !navigator.onLine);
  $('#sync-text').textContent = `已保存在手机 · ${n ? `${n} 项未同步` : '已同步'}${bad ? `（${bad} 项待处理）` : ''}`;
  $('#login-needed').hidden = !sync.S.login;
}

function renderAll() {
  Object.values(cards).forEach(renderCard);
  renderNav();
  renderSigs();
  status();
}

async function refreshUI() {
  await reload();
  renderAll();
}

// Changes are applied one at a time, so that two quick taps on one item never leave two queue entries.
let chain = Promise.resolve();
const change = (code, patch) => (chain = chain.then(() => apply(code, patch)).catch((err) => say(`保存失败：${err}`)));

async function apply(code, patch) {
  const c = cards[code];
  if (!editable(c)) return;
  const old = pendingOf(code);
  const cur = valueOf(c) || {};
  const next = { result: cur.result, deduction: cur.deduction ?? '', note: cur.note ?? '', ...patch };
  if (!next.result || (!old && sync.same(next, c.server))) return;
  const e = {
    id: uuid(), insp: C.id, user: C.user, kind: 'answer', item: code, t: Date.now(), ...next,
    base: old ? old.base : c.server?.revision || 0,
    tried: old ? [...(old.tried || []), ...(old.sent ? [{ result: old.result, deduction: old.deduction, note: old.note }] : [])] : [],
  };
  if (old?.conflict) Object.assign(e, { conflict: old.conflict, reason: old.reason });
  await swap(old?.id, e);
  await refreshUI();
  say(`${code} ${LABEL[e.result]}，已保存在手机`);
  sync.flush();
}

let typing = {};
function later(code, patch) {
  clearTimeout(typing[code]?.t);
  typing[code] = { patch: { ...typing[code]?.patch, ...patch }, t: setTimeout(() => now(code), 300) };
}
function now(code) {
  const p = typing[code];
  if (!p) return Promise.resolve();
  clearTimeout(p.t);
  delete typing[code];
  return change(code, p.patch);
}
addEventListener('pagehide', () => Object.keys(typing).forEach(now));

app.addEventListener('click', async (ev) => {
  const t = ev.target.closest('button');
  if (!t) return;
  const card = t.closest('.item-card');
  const code = card?.dataset.code;
  if (t.dataset.r && code) await change(code, { result: t.dataset.r });
  else if (t.dataset.note && code) {
    const n = $('.note-input', card);
    n.value = n.value ? `${n.value.replace(/[；;。\s]+$/, '')}；${t.dataset.note}` : t.dataset.note;
    await change(code, { note: n.value });
  } else if ('keep' in t.dataset || 'take' in t.dataset) {
    const e = pendingOf(code);
    if ('take' in t.dataset) {
      await del('queue', e.id);
      if (e.conflict.result) cards[code].server = e.conflict;
    } else {
      await swap(e.id, { ...e, id: uuid(), base: e.conflict.revision || 0, conflict: null, reason: null, sent: 0 });
    }
    delete $('.conflict', card).dataset.for;
    await refreshUI();
    say(`${code} 已处理冲突`);
    sync.flush();
  } else if (t.id === 'sync-now') sync.flush(true);
  else if (t.id === 'export') exportQueue();
  else if (t.id === 'show-summary') showSummary();
  else if (t.id === 'do-submit') doSubmit();
  else if (t.id === 'pad-clear') signPad.clear();
});

app.addEventListener('input', (ev) => {
  const card = ev.target.closest('.item-card');
  if (!card) return;
  const code = card.dataset.code;
  if (ev.target.matches('.note-input')) later(code, { note: ev.target.value });
  if (ev.target.matches('.deduction')) {
    const d = ev.target;
    const ok = d.value === '' || (Number(d.value) >= 0 && Number(d.value) <= cards[code].points && /^\d+(\.\d{1,2})?$/.test(d.value));
    d.setCustomValidity(ok ? '' : `扣分应为 0–${cards[code].points} 之间的数`);
    d.setAttribute('aria-invalid', String(!ok));
    if (ok) later(code, { deduction: d.value });
  }
});
app.addEventListener('change', async (ev) => {
  const card = ev.target.closest('.item-card');
  if (card && !ev.target.matches('.photo-input')) return now(card.dataset.code);
  if (!card) return;
  const code = card.dataset.code;
  for (const file of ev.target.files) {
    say('正在压缩照片…');
    const { blob, w, h } = await shrink(file);
    await put('queue', { id: uuid(), insp: C.id, user: C.user, kind: 'photo', item: code, blob, w, h, t: Date.now() });
    say(`${code} 照片已保存在手机（${w}×${h}，${Math.round(blob.size / 1024)} KB）`);
  }
  ev.target.value = '';
  await refreshUI();
  sync.flush();
});

// Signatures
const form = $('#sign-form');
const signPad = form && pad($('#pad'));
if (form) {
  const role = $('#sig-role');
  const name = $('#sig-name');
  const refused = $('#sig-refused');
  const sync1 = () => {
    refused.disabled = role.value !== 'facility';
    if (refused.disabled) refused.checked = false;
    if (role.value === 'inspector' && !name.value) name.value = D.userName;
  };
  role.addEventListener('change', sync1);
  sync1();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#sign-error');
    const no = refused.checked;
    err.textContent = !name.value.trim() ? '请填写签字人姓名' : !no && signPad.empty() ? '请在框内签名' : '';
    if (err.textContent) return;
    const id = uuid();
    const body = { client_id: id, signer_name: name.value.trim(), role: role.value, refused: no, signed_at: new Date().toISOString() };
    if (!no) body.image = signPad.png();
    await put('queue', { id, insp: C.id, user: C.user, kind: 'sign', body, t: Date.now() });
    signPad.clear();
    name.value = '';
    refused.checked = false;
    if (no) role.value = 'witness';
    sync1();
    await refreshUI();
    say(no ? '已记录拒绝签字，请见证人签字' : `${body.signer_name} 的签字已保存在手机`);
    sync.flush();
  });
}

// Summary and submission
function showSummary() {
  const box = $('#summary');
  const mineCards = Object.values(cards).filter((c) => c.dept === C.dept);
  const rules = JSON.parse(D.verdicts);
  const results = [...new Set(mineCards.map((c) => c.cl))].map((cl) => ({
    title: rules[cl].title,
    s: score(Object.values(cards).filter((c) => c.cl === cl).map((c) => ({ ...c, v: valueOf(c) })), rules[cl]),
  }));
  const problems = [];
  const link = (c) => `<a href="#item-${c.code}">${c.code}</a>`;
  const open = mineCards.filter((c) => !c.autoNa && !valueOf(c)?.result);
  if (open.length) problems.push(`还有 ${open.length} 项未检查：${open.map(link).join('、')}`);
  const nophoto = mineCards.filter((c) => c.photoReq && valueOf(c)?.result === 'fail' && !c.photos && !localPhotos(c.code).length);
  if (nophoto.length) problems.push(`以下不合格项须拍照：${nophoto.map(link).join('、')}`);
  const stuck = mine().filter((e) => e.conflict || e.error);
  if (stuck.length) problems.push(`有 ${stuck.length} 项修改与服务器冲突或未被接受，请先处理`);
  if (submitted.has(C.dept)) problems.push('本部门已提交');
  box.innerHTML = preview(results, problems);
  box.hidden = false;
  box.focus();
}

async function doSubmit() {
  const box = $('#summary');
  const note = (t) => { box.insertAdjacentHTML('beforeend', '<p class="error" role="alert"></p>'); box.lastElementChild.textContent = t; };
  if (!navigator.onLine) return note('提交需要网络。数据已保存在手机，联网后再提交。');
  $('#do-submit').disabled = true;
  await sync.flush(true);
  await reload();
  if (mine().length) { $('#do-submit').disabled = false; return note(sync.S.login ? '请重新登录后同步再提交' : `还有 ${mine().length} 项未同步，请稍后重试`); }
  const r = await sync.submit().catch(() => ({ ok: false, body: { message: '网络中断，请重试' } }));
  if (!r.ok) { $('#do-submit').disabled = false; return note(r.body.message); }
  submitted.add(C.dept);
  box.innerHTML = serverResult(r.body, (code) => cards[code] || {}, JSON.parse(D.verdicts));
  box.focus();
  renderAll();
  say('已提交，本部门检查部分已锁定');
  sync.refresh().catch(() => {});
}

// Last resort: everything not yet on the server, photos as data URLs, in a JSON file.
async function exportQueue() {
  await reload();
  const url = (b) => new Promise((ok) => { const r = new FileReader(); r.onload = () => ok(r.result); r.readAsDataURL(b); });
  const out = { inspection: C.id, user: C.user, exported_at: new Date().toISOString(), answers: [], photos: [], signatures: [] };
  for (const { blob, body, ...e } of mine()) {
    if (e.kind === 'sign') out.signatures.push(body);
    else out[`${e.kind}s`].push({ ...e, client_id: e.id, item_code: e.item, ...(blob && { data_url: await url(blob) }) });
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(out)], { type: 'application/json' }));
  a.download = `careinspect-${C.id}-unsynced-${Date.now()}.json`;
  a.click();
  say(`已导出 ${mine().length} 项未同步数据`);
}

function applySnap(j) {
  const answers = Object.fromEntries(j.answers.map((a) => [a.item_code, a]));
  for (const c of Object.values(cards)) {
    c.server = answers[c.code] || null;
    c.photos = j.photos.filter((p) => p.item_code === c.code).length;
  }
  for (const d of j.departments) if (d.submitted) submitted.add(d.code);
  sigs = j.signatures.map((s) => ({ name: s.signer_name, role: s.role, refused: s.refused }));
}

sync.init({
  ...C,
  changed: refreshUI,
  say,
  serverOf: (code) => cards[code]?.server,
  server: (code, s) => { const c = cards[code]; c.server = { ...s, revision: s.revision ?? c.server?.revision ?? 0 }; },
  fileAck: (e, j) => {
    if (e.kind === 'photo') { (done[e.item] ||= []).push(e); cards[e.item].photos++; }
    else sigs.push({ name: j.signer_name, role: j.role, refused: j.refused });
  },
  snap: applySnap,
});

(async () => {
  const snap = await get('snap', C.id).catch(() => null);
  if (snap && snap.revision >= Number(D.rev)) applySnap(snap);
  await refreshUI();
  sync.flush();
  navigator.storage?.persist?.();
  navigator.serviceWorker?.register(D.sw).catch(() => {});
  // The first visit was not served through the worker: keep this page for offline use now.
  if (!navigator.serviceWorker?.controller && navigator.onLine && self.caches) {
    caches.open(sync.PAGES).then((c) => c.add(location.pathname)).catch(() => {});
  }
})();
