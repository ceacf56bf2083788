// IndexedDB on the phone: "queue" (unsent answers, photos as Blobs, signatures; key = client UUID),
// "snap" (the last server copy of each inspection), "meta" (the API token). Nothing leaves "queue"
// before the server has acknowledged it.
let databasePromise;

function openDatabase() {
  databasePromise ||= new Promise((resolve, reject) => {
    const request = indexedDB.open('careinspect', 1);
    request.onupgradeneeded = () => {
      const database = request.result;
      database.createObjectStore('queue', { keyPath: 'id' }).createIndex('insp', 'insp');
      database.createObjectStore('snap', { keyPath: 'id' });
      database.createObjectStore('meta');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return databasePromise;
}

// Run `work` on one object store in one transaction; resolve with its request's result once the transaction is done.
function inTransaction(storeName, mode, work) {
  return openDatabase().then(
    (database) =>
      new Promise((resolve, reject) => {
        const transaction = database.transaction(storeName, mode);
        const request = work(transaction.objectStore(storeName));
        transaction.oncomplete = () => resolve(request && 'result' in request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = transaction.onerror;
      }),
  );
}

export const get = (storeName, key) => inTransaction(storeName, 'readonly', (store) => store.get(key));
export const put = (storeName, value, key) => inTransaction(storeName, 'readwrite', (store) => store.put(value, key));
export const del = (storeName, key) => inTransaction(storeName, 'readwrite', (store) => store.delete(key));
export const byInspection = (inspectionId) =>
  inTransaction('queue', 'readonly', (store) => store.index('insp').getAll(inspectionId));
// Patch an entry only if it still exists (the inspector may have superseded it meanwhile).
export const mark = (key, patch) =>
  inTransaction('queue', 'readwrite', (store) => {
    store.get(key).onsuccess = (event) => {
      const entry = event.target.result;
      if (entry) store.put(Object.assign(entry, patch));
    };
  });
// Replace one queue entry by another in a single transaction (an edit superseding an unsent edit).
export const swap = (oldKey, entry) =>
  inTransaction('queue', 'readwrite', (store) => {
    if (oldKey) store.delete(oldKey);
    store.put(entry);
  });

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 15) | 64; // version 4
  bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
