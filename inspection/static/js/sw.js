// Service worker (served at /sw.js with the version and the shell list filled in by the server).
// ci-shell-<version>: the app shell (CSS, JS modules, icon, manifest), cache first, replaced on every release.
// ci-pages: the inspection form pages, network first (4 s), the cached copy when there is no network.
// The API is never cached here: the page keeps its data and its unsent queue in IndexedDB.
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const SHELL_CACHE = `ci-shell-${VERSION}`;
const PAGES = 'ci-pages';
const FORM = /^\/inspections\/\d+\/form$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith('ci-shell-') && key !== SHELL_CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function page(request) {
  const cache = await caches.open(PAGES);
  const key = new URL(request.url).pathname;
  const network = fetch(request).then((response) => {
    if (response.ok && !response.redirected) cache.put(key, response.clone());
    return response;
  });
  const cached = await cache.match(key);
  if (!cached) return network;
  const timeout = new Promise((resolve) => {
    setTimeout(() => resolve(cached), 4000);
  });
  return Promise.race([network.catch(() => cached), timeout]);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  } else if (FORM.test(url.pathname) && request.headers.get('Accept')?.includes('text/html')) {
    event.respondWith(page(request));
  }
});
