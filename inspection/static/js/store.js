// IndexedDB on the phone: "queue" (unsent answers, photos as Blobs, signatures; key = client UUID),
// "snap" (the last server copy of each inspection), "meta" (the API token). Nothing leaves "queue"
// before the server has acknowledged it.
let dbp;
function open() {
  dbp ||= new Promise((ok, fail) => {
    const r = indexedDB.open('careinspect', 1);
    r.onupgradeneeded = () => {
      const d = r.result;
      d.createObjectStore('queue', { keyPath: 'id' }).createIndex('insp', 'insp');
      d.createObjectStore('snap', { keyPath: 'id' });
      d.createObjectStore('meta');
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  return dbp;
}

function tx(store, mode, fn) {
  return open().then((d) => new Promise((ok, fail) => {
    const t = d.transaction(store, mode);
    const res = fn(t.objectStore(store));
    t.oncomplete = () => ok(res && 'result' in res ? res.result : undefined);
    t.onerror = t.onabort = () => fail(t.error);
  }));
}

export const get = (store, key) => tx(store, 'readonly', (s) => s.get(key));
export const put = (store, value, key) => tx(store, 'readwrite', (s) => s.put(value, key));
export const del = (store, key) => tx(store, 'readwrite', (s) => s.delete(key));
export const byInspection = (id) => tx('queue', 'readonly', (s) => s.index('insp').getAll(id));
// Replace one queue entry by another in a single transaction (an edit superseding an unsent edit).
// Patch an entry only if it still exists (the inspector may have superseded it meanwhile).
export const mark = (key, patch) => tx('queue', 'readwrite', (s) => {
  s.get(key).onsuccess = (ev) => { const v = ev.target.result; if (v) s.put(Object.assign(v, patch)); };
});
export const swap = (oldKey, value) => tx('queue', 'readwrite', (s) => { if (oldKey) s.delete(oldKey); s.put(value); });

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
