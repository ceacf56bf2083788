// Background sync of the queue: answers in all-or-nothing batches, then photos and signatures, then a submission
// made offline, each with its client UUID so that a resend is stored once. 409s keep the local change and record
// the server's value; a 401 keeps everything and asks for a new login. Retries: on "online", after every change,
// and with backoff.
// Mobile data: every write's reply names the inspection's revision before and after it; while that chain is
// unbroken the phone's copy is current without downloading it again. The minute's poll is a conditional GET
// (ETag = revision), a bodiless 304 while nothing changed, and never carries the checklists' texts.

import { t } from './i18n.js';
import { byInspection, del, get, mark, put, uuid } from './store.js';

const API = '/api/v1';
export const PAGES = 'ci-pages';
// What the form shows about syncing: a new login is needed, a sync is running, the last error.
export const state = { loginNeeded: false, busy: false, error: '' };

let form; // what init() was given: the inspection, the user and the form's callbacks
let apiToken = null;
let retryTimer = 0;
let failures = 0; // syncs failed in a row, for the backoff
let running = null; // the sync under way
let flushAgain = false; // a flush was asked for while one was running
let stale = true; // someone else may have changed the inspection since the phone's copy: download it again
// The poll: a minute after a change; while nothing changes, every 2 then 3 minutes (a 304 still costs about 1 KB
// of HTTP headers). Coming back to the page or to the network syncs at once.
const POLL_DELAYS = [60000, 120000, 180000];
let quietPolls = 0; // polls in a row that found nothing new

class LoginNeeded extends Error {}

export function init(formHooks) {
  form = formHooks;
  addEventListener('online', () => {
    failures = 0;
    flush();
  });
  addEventListener('offline', form.changed);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) flush();
  });
}

const numberOrNull = (value) => (value === null || value === undefined || value === '' ? null : Number(value));
const comparedDeduction = (answer) => (answer.result === 'fail' ? numberOrNull(answer.deduction) : null);
// Where a failure was seen, and whether it affects food safety, belong to a failure: the server keeps them only there.
const locationToSend = (answer) => (answer.result === 'fail' ? (answer.location || '').trim() : '');
const foodFlagToSend = (answer) => answer.result === 'fail' && !!answer.affects_food_safety;
export const sameAnswer = (a, b) =>
  !!a &&
  !!b &&
  a.result === b.result &&
  comparedDeduction(a) === comparedDeduction(b) &&
  (a.note || '') === (b.note || '') &&
  locationToSend(a) === locationToSend(b) &&
  foodFlagToSend(a) === foodFlagToSend(b);

async function csrfToken(refresh) {
  const meta = document.querySelector('meta[name=csrf-token]');
  if (refresh) {
    const page = await fetch(location.pathname, { cache: 'no-store' });
    if (page.redirected && page.url.includes('/auth/login')) throw new LoginNeeded();
    const match = /name="csrf-token" content="([^"]+)"/.exec(await page.text());
    if (match) meta.content = match[1];
  }
  return meta.content;
}

async function bearerToken(refresh) {
  if (!refresh) {
    if (apiToken) return apiToken;
    const stored = await get('meta', 'token');
    if (stored && stored.user === form.userId && Date.parse(stored.exp) > Date.now() + 60000) {
      apiToken = stored.token;
      return apiToken;
    }
  }
  let response;
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = { 'X-CSRFToken': await csrfToken(attempt > 0) };
    response = await fetch(`${API}/auth/session-token`, { method: 'POST', headers });
    if (response.status !== 400) break; // 400: the page's CSRF token expired; fetch the page again for a new one
  }
  if (response.status === 401 || response.status === 400) throw new LoginNeeded();
  if (!response.ok) throw new Error(`token ${response.status}`);
  const body = await response.json();
  if (String(body.user.id) !== form.userId) throw new LoginNeeded(); // another account is logged in: never sync as them
  apiToken = body.token;
  await put('meta', { token: apiToken, exp: body.expires_at, user: form.userId }, 'token');
  return apiToken;
}

async function api(method, path, body, extraHeaders = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = { Authorization: `Bearer ${await bearerToken(attempt > 0)}`, ...extraHeaders };
    const isJson = body && !(body instanceof FormData);
    if (isJson) headers['Content-Type'] = 'application/json';
    const response = await fetch(API + path, {
      method,
      headers,
      body: isJson ? JSON.stringify(body) : body,
      // The token is the API's only credential: no cookie, no Referer (fewer bytes on every request and reply).
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    if (response.status !== 401) return response;
    apiToken = null;
    await del('meta', 'token');
  }
  throw new LoginNeeded();
}

const deductionToSend = (entry) =>
  entry.result === 'fail' && numberOrNull(entry.deduction) !== null ? String(entry.deduction) : null;
const errorMessage = async (response) =>
  (await response.json().catch(() => null))?.error?.message || `HTTP ${response.status}`;
const myPending = async () => (await byInspection(form.inspectionId)).filter((entry) => entry.user === form.userId);

// Send answers until none is left that the server could take.
async function sendAnswers() {
  let batchSize = 200;
  for (let round = 0; round < 50; round++) {
    const pending = await myPending();
    const batch = pending.filter((entry) => entry.kind === 'answer' && !entry.conflict && !entry.error);
    batch.splice(batchSize);
    if (!batch.length) return;
    // A bodiless 204 when the server took every change as sent: the phone already holds the rest of the reply.
    const response = await api(
      'PUT',
      `/inspections/${form.inspectionId}/answers`,
      { answers: batch.map(answerToSend) },
      { Prefer: 'return=minimal' },
    );
    if (response.status === 204) {
      const revision = Number(response.headers.get('Revision'));
      await advance(revision - 1, revision);
      for (const entry of batch) await acknowledge(entry, asTaken(entry));
    } else if (response.ok) {
      const body = await response.json();
      await advance(body.previous_revision, body.revision);
      for (const entry of batch)
        await acknowledge(
          entry,
          body.items.find((item) => item.item_code === entry.item),
        );
    } else if (response.status === 409) {
      const body = await response.json();
      for (const conflict of body.error.conflicts || []) {
        const entry = batch.find((candidate) => candidate.id === conflict.client_id);
        if (entry) await recordConflict(entry, conflict);
      }
    } else if (response.status >= 500 || response.status === 429) {
      throw new Error(`answers ${response.status}`);
    } else if (batch.length > 1) {
      batchSize = 1; // a refused batch: send one by one to find the answer the server does not take
    } else {
      await mark(batch[0].id, { error: await errorMessage(response) });
    }
  }
}

// One answer change as the API takes it; fields at their default value are left out (fewer bytes on the wire).
function answerToSend(entry) {
  const sent = { item_code: entry.item, result: entry.result, client_id: entry.id };
  const optional = {
    deduction: deductionToSend(entry),
    note: entry.note || '',
    location: locationToSend(entry),
    affects_food_safety: foodFlagToSend(entry),
    base_revision: entry.base,
  };
  for (const [name, value] of Object.entries(optional))
    if (value !== null && value !== '' && value !== false) sent[name] = value;
  sent.edited_at = new Date(entry.t).toISOString();
  return sent;
}

// The server's answer to a change it took exactly as sent (a 204 reply), as the full reply would have given it.
const asTaken = (entry) => ({
  item_code: entry.item,
  revision: (entry.base || 0) + 1,
  result: entry.result,
  deduction: deductionToSend(entry),
  note: entry.note || '',
  location: locationToSend(entry),
  affects_food_safety: foodFlagToSend(entry),
});

// A write moved the inspection from revision `previous` to `revision`. If the phone's copy was at `previous`, it
// is current at `revision` (its own change applied); otherwise someone else changed it too: download it again.
async function advance(previous, revision) {
  const snapshot = await get('snap', form.inspectionId);
  if (!snapshot || snapshot.revision !== previous) {
    stale = true;
    return;
  }
  await put('snap', { ...snapshot, revision, etag: `"r${revision}"` });
}

// The server took the entry (or holds a newer edit of ours): `item` is its answer now. The stored server copy
// takes it before the entry leaves the queue, so that a reload in between never shows the item unanswered.
async function acknowledge(entry, item) {
  await intoSnapshot('answers', item, (held) => held.item_code === item.item_code);
  await del('queue', entry.id);
  // an edit made while this one was on its way builds on what the server holds now
  for (const later of await myPending()) {
    if (later.kind === 'answer' && later.item === entry.item && later.base < item.revision) {
      await mark(later.id, { base: item.revision });
    }
  }
  form.serverAnswer(entry.item, item);
}

// Keep the stored server copy in step with each acknowledgement: a page reloaded offline (from the worker's cache)
// merges this copy, and must show what the server took even before the next full refresh.
async function intoSnapshot(collection, record, isSame) {
  const empty = { id: form.inspectionId, answers: [], photos: [], signatures: [], departments: [] };
  const snapshot = (await get('snap', form.inspectionId)) || empty;
  const index = snapshot[collection].findIndex(isSame);
  if (index < 0) snapshot[collection].push(record);
  else snapshot[collection][index] = { ...snapshot[collection][index], ...record };
  await put('snap', snapshot);
}

// The server refuses the entry because another person changed the item (or its UUID was used for other content).
async function recordConflict(entry, conflict) {
  const serverAnswer = conflict.server || null;
  if (conflict.reason === 'stale_revision' && sameAnswer(serverAnswer, entry)) return acknowledge(entry, serverAnswer);
  const theirs = serverAnswer || form.serverAnswerOf(entry.item) || { result: null, revision: 0 };
  await mark(entry.id, { conflict: theirs, reason: conflict.reason });
  form.announce(t('%(item)s：服务器上的结果与手机上的不同，请选择保留哪一个', { item: entry.item }));
}

async function sendFiles() {
  for (const entry of await myPending()) {
    if ((entry.kind !== 'photo' && entry.kind !== 'sign') || entry.error) continue;
    let body = entry.body;
    if (entry.kind === 'photo') {
      body = new FormData();
      body.append('file', entry.blob, `${entry.id}.jpg`);
      body.append('item_code', entry.item);
      body.append('client_id', entry.id);
      if (entry.captured) body.append('captured_at', entry.captured);
      if (entry.place) body.append('latitude', entry.place.latitude);
      if (entry.place) body.append('longitude', entry.place.longitude);
    }
    const collection = entry.kind === 'photo' ? 'photos' : 'signatures';
    const response = await api('POST', `/inspections/${form.inspectionId}/${collection}`, body);
    if (response.ok) {
      const {
        inspection_revision: revision,
        previous_inspection_revision: previous,
        ...stored
      } = await response.json();
      await intoSnapshot(collection, stored, (held) => held.id === stored.id);
      await advance(previous, revision);
      await del('queue', entry.id);
      form.fileAcknowledged(entry, stored);
    } else if (response.status >= 500 || response.status === 429 || (await momentary(response))) {
      throw new Error(`${entry.kind} ${response.status}`); // tried again with backoff
    } else {
      await mark(entry.id, { error: await errorMessage(response) });
    }
  }
}

// A 409 without conflicts: the database was busy with another request's write at that moment; trying again
// succeeds (a real clash names what it clashes with).
const momentary = async (response) =>
  response.status === 409 &&
  !(
    await response
      .clone()
      .json()
      .catch(() => null)
  )?.error?.conflicts?.length;

// Download the inspection unless the phone's copy is current (304). The checklists come as references: the form
// page carries their texts.
export async function refresh() {
  const held = await get('snap', form.inspectionId);
  const conditional = held?.etag ? { 'If-None-Match': held.etag } : {};
  const response = await api('GET', `/inspections/${form.inspectionId}?checklists=ref`, undefined, conditional);
  if (response.status === 304) {
    stale = false;
    quietPolls++;
    return held;
  }
  if (!response.ok) throw new Error(`refresh ${response.status}`);
  const snapshot = await response.json();
  await put('snap', { ...snapshot, id: form.inspectionId, at: Date.now(), etag: response.headers.get('ETag') });
  stale = false;
  quietPolls = 0;
  form.applySnapshot(snapshot);
  return snapshot;
}

let cachedOthers = false;
// Keep the form pages of the other assigned inspections for offline use.
async function cacheAssigned() {
  if (cachedOthers || !('caches' in self)) return;
  cachedOthers = true;
  const response = await api('GET', '/inspections');
  if (!response.ok) return;
  const cache = await caches.open(PAGES);
  for (const inspection of (await response.json()).items) {
    const url = `/inspections/${inspection.id}/form`;
    const wanted = inspection.id !== form.inspectionId && inspection.status !== 'complete';
    if (wanted && !(await cache.match(url))) await cache.add(url).catch(() => {});
  }
}

export function flush(manual) {
  if (running) {
    flushAgain = true;
    return running;
  }
  flushAgain = false;
  running = runSync(manual).finally(() => {
    running = null;
    if (flushAgain) flush();
  });
  return running;
}

async function runSync(manual) {
  clearTimeout(retryTimer);
  state.busy = true;
  form.changed();
  try {
    if (manual) {
      for (const entry of await myPending()) if (entry.error) await mark(entry.id, { error: '' });
    }
    const sent = (await myPending()).length > 0;
    await sendAnswers();
    await sendFiles();
    await sendSubmission();
    // after its own writes the phone's copy is current unless someone else wrote meanwhile; else this is the poll
    if (sent) quietPolls = 0;
    if (stale || !sent) await refresh();
    state.loginNeeded = false;
    state.error = '';
    failures = 0;
    retryTimer = setTimeout(flush, POLL_DELAYS[Math.min(quietPolls, POLL_DELAYS.length - 1)]);
    cacheAssigned().catch(() => {});
  } catch (error) {
    if (error instanceof LoginNeeded) state.loginNeeded = true;
    else state.error = navigator.onLine ? String(error.message || error) : '';
    failures++;
    const backoff = Math.min(60000, 2000 * 2 ** Math.min(failures, 5));
    retryTimer = setTimeout(flush, backoff * (0.75 + Math.random() / 2));
  }
  state.busy = false;
  form.changed();
}

export async function submit() {
  const response = await api('POST', `/inspections/${form.inspectionId}/submit`, { client_id: uuid() });
  const body = response.ok ? await response.json() : { message: await errorMessage(response) };
  if (response.ok) await advance(body.previous_inspection_revision, body.inspection_revision);
  return { ok: response.ok, status: response.status, body };
}

// Submit without network: the submission waits in the queue, after this phone's answers, photos and signatures,
// and goes out with them when the network is back (its UUID makes a resend one submission).
export async function queueSubmission() {
  const entry = { id: uuid(), insp: form.inspectionId, user: form.userId, kind: 'submit', t: Date.now() };
  await put('queue', entry);
  flush();
}

export const queuedSubmission = async () => (await myPending()).find((entry) => entry.kind === 'submit') || null;

async function sendSubmission() {
  const pending = await myPending();
  const entry = pending.find((candidate) => candidate.kind === 'submit' && !candidate.error);
  if (!entry || pending.some((other) => other.kind !== 'submit')) return; // everything else reaches the server first
  const response = await api('POST', `/inspections/${form.inspectionId}/submit`, { client_id: entry.id });
  if (response.ok) {
    const body = await response.json();
    await del('queue', entry.id);
    await advance(body.previous_inspection_revision, body.inspection_revision);
    form.submissionDelivered(body);
  } else if (response.status >= 500 || response.status === 429) {
    throw new Error(`submit ${response.status}`);
  } else {
    await mark(entry.id, { error: await errorMessage(response) });
  }
}
