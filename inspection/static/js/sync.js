// Background sync of the queue: answers in all-or-nothing batches, then photos and signatures, each with its
// client UUID so that a resend is stored once. 409s keep the local change and record the server's value; a 401
// keeps everything and asks for a new login. Retries: on "online", after every change, and with backoff.
import { get, put, del, mark, byInspection } from './store.js';

const API = '/api/v1';
export const PAGES = 'ci-pages';
export const S = { login: false, busy: false, error: '' };
let C, token = null, timer = 0, fails = 0, running = null, again = false;

class LoginNeeded extends Error {}

export function init(cfg) {
  C = cfg;
  addEventListener('online', () => { fails = 0; flush(); });
  addEventListener('offline', C.changed);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) flush(); });
}

const num = (x) => (x === null || x === undefined || x === '' ? null : Number(x));
const dd = (v) => (v.result === 'fail' ? num(v.deduction) : null);
export const same = (a, b) => !!a && !!b && a.result === b.result && dd(a) === dd(b)
  && (a.note || '') === (b.note || '');

async function csrf(fresh) {
  const meta = document.querySelector('meta[name=csrf-token]');
  if (fresh) {
    const page = await fetch(location.pathname, { cache: 'no-store' });
    if (page.redirected && page.url.includes('/auth/login')) throw new LoginNeeded();
    const m = /name="csrf-token" content="([^"]+)"/.exec(await page.text());
    if (m) meta.content = m[1];
  }
  return meta.content;
}

async function getToken(fresh) {
  if (!fresh) {
    if (token) return token;
    const m = await get('meta', 'token');
    if (m && m.user === C.user && Date.parse(m.exp) > Date.now() + 60000) return (token = m.token);
  }
  let r;
  for (let i = 0; i < 2; i++) {
    r = await fetch(`${API}/auth/session-token`, { method: 'POST', headers: { 'X-CSRFToken': await csrf(i > 0) } });
    if (r.status !== 400) break; // 400: the page's CSRF token expired; fetch the page again for a new one
  }
  if (r.status === 401 || r.status === 400) throw new LoginNeeded();
  if (!r.ok) throw new Error(`token ${r.status}`);
  const j = await r.json();
  if (String(j.user.id) !== C.user) throw new LoginNeeded(); // another account is logged in: never sync as them
  token = j.token;
  await put('meta', { token, exp: j.expires_at, user: C.user }, 'token');
  return token;
}

async function api(method, path, body) {
  for (let i = 0; i < 2; i++) {
    const headers = { Authorization: `Bearer ${await getToken(i > 0)}` };
    const json = body && !(body instanceof FormData);
    if (json) headers['Content-Type'] = 'application/json';
    const r = await fetch(API + path, { method, headers, body: json ? JSON.stringify(body) : body });
    if (r.status !== 401) return r;
    token = null;
    await del('meta', 'token');
  }
  throw new LoginNeeded();
}

const deduction = (e) => (e.result === 'fail' && num(e.deduction) !== null ? String(e.deduction) : null);
const message = async (r) => ((await r.json().catch(() => null))?.error?.message) || `HTTP ${r.status}`;
const pending = async () => (await byInspection(C.id)).filter((e) => e.user === C.user);

// Send answers until none is left that the server could take.
async function sendAnswers() {
  let size = 200;
  for (let guard = 0; guard < 50; guard++) {
    const batch = (await pending()).filter((e) => e.kind === 'answer' && !e.conflict && !e.error).slice(0, size);
    if (!batch.length) return;
    for (const e of batch) await mark(e.id, { sent: 1 });
    const r = await api('PUT', `/inspections/${C.id}/answers`, {
      answers: batch.map((e) => ({
        item_code: e.item, result: e.result, deduction: deduction(e),
        note: e.note || '', client_id: e.id, base_revision: e.base,
      })),
    });
    if (r.ok) {
      const j = await r.json();
      for (const e of batch) await ack(e, j.items.find((i) => i.item_code === e.item));
    } else if (r.status === 409) {
      const j = await r.json();
      for (const c of j.error.conflicts || []) {
        const e = batch.find((x) => x.id === c.client_id);
        if (e) await conflict(e, c);
      }
    } else if (r.status >= 500 || r.status === 429) {
      throw new Error(`answers ${r.status}`);
    } else if (batch.length > 1) {
      size = 1; // a refused batch: send one by one to find the answer the server does not take
    } else {
      await mark(batch[0].id, { error: await message(r) });
    }
  }
}

async function ack(e, item) {
  await del('queue', e.id);
  const rev = item ? item.revision : null;
  if (rev) { // an edit made while this one was on its way now builds on it
    for (const x of await pending()) if (x.kind === 'answer' && x.item === e.item && x.base === e.base) await mark(x.id, { base: rev });
  }
  C.server(e.item, { result: e.result, deduction: deduction(e), note: e.note || '', revision: rev });
}

async function conflict(e, c) {
  const s = c.server || null;
  if (c.reason === 'stale_revision' && s && same(s, e)) return ack(e, { revision: s.revision });
  if (c.reason === 'stale_revision' && s && (e.tried || []).some((t) => same(t, s))) {
    return mark(e.id, { base: s.revision }); // the server holds an earlier edit of ours whose reply was lost
  }
  await mark(e.id, { conflict: s || C.serverOf(e.item) || { result: null, revision: 0 }, reason: c.reason });
  C.say(`${e.item}：服务器上的结果与手机上的不同，请选择保留哪一个`);
}

async function sendFiles() {
  for (const e of await pending()) {
    if ((e.kind !== 'photo' && e.kind !== 'sign') || e.error) continue;
    let body = e.body;
    if (e.kind === 'photo') {
      body = new FormData();
      body.append('file', e.blob, `${e.id}.jpg`);
      body.append('item_code', e.item);
      body.append('client_id', e.id);
    }
    const r = await api('POST', `/inspections/${C.id}/${e.kind === 'photo' ? 'photos' : 'signatures'}`, body);
    if (r.ok) {
      await del('queue', e.id);
      C.fileAck(e, await r.json());
    } else if (r.status >= 500 || r.status === 429) {
      throw new Error(`${e.kind} ${r.status}`);
    } else {
      await mark(e.id, { error: await message(r) });
    }
  }
}

export async function refresh() {
  const r = await api('GET', `/inspections/${C.id}`);
  if (!r.ok) throw new Error(`refresh ${r.status}`);
  const j = await r.json();
  await put('snap', { ...j, id: C.id, at: Date.now() });
  C.snap(j);
  return j;
}

let cachedOthers = false;
async function cacheAssigned() { // keep the form pages of the other assigned inspections for offline use
  if (cachedOthers || !('caches' in self)) return;
  cachedOthers = true;
  const r = await api('GET', '/inspections');
  if (!r.ok) return;
  const cache = await caches.open(PAGES);
  for (const i of (await r.json()).items) {
    const url = `/inspections/${i.id}/form`;
    if (i.id !== C.id && i.status !== 'complete' && !(await cache.match(url))) await cache.add(url).catch(() => {});
  }
}

export function flush(manual) {
  if (running) { again = true; return running; }
  again = false;
  running = run(manual).finally(() => { running = null; if (again) flush(); });
  return running;
}

async function run(manual) {
  clearTimeout(timer);
  S.busy = true;
  C.changed();
  try {
    if (manual) for (const e of await pending()) if (e.error) await mark(e.id, { error: '' });
    await sendAnswers();
    await sendFiles();
    await refresh();
    S.login = false;
    S.error = '';
    fails = 0;
    timer = setTimeout(flush, 60000);
    cacheAssigned().catch(() => {});
  } catch (err) {
    if (err instanceof LoginNeeded) S.login = true;
    else S.error = navigator.onLine ? String(err.message || err) : '';
    fails++;
    timer = setTimeout(flush, Math.min(60000, 2000 * 2 ** Math.min(fails, 5)) * (0.75 + Math.random() / 2));
  }
  S.busy = false;
  C.changed();
}

export async function submit() {
  const r = await api('POST', `/inspections/${C.id}/submit`);
  return { ok: r.ok, status: r.status, body: r.ok ? await r.json() : { message: await message(r) } };
}
