// Downloads that take a while (the rankings export, the notice bundle) with a visible busy state: the button is
// disabled and says it is working, a progress bar and a status line follow what has arrived, and the end is said in
// words: the file saved under its name, or the error with a hint to retry. Without JavaScript the links and forms
// are plain downloads.
//
// Markup: an element with data-download-area holds the triggers (a[data-download] or a GET form[data-download]),
// an optional <progress>, an element with data-download-status, and the messages in the page's language:
// data-msg-busy, data-msg-progress ({kb}), data-msg-done ({name}, {kb}, {rows}) and data-msg-failed ({error}).

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ''));

function savedName(response, fallback) {
  const disposition = response.headers.get('Content-Disposition') || '';
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = disposition.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : fallback;
}

function setBusy(area, button, busy, label) {
  for (const [element, name] of [
    [area, 'aria-busy'],
    [button, 'aria-disabled'],
  ]) {
    if (busy) element.setAttribute(name, 'true');
    else element.removeAttribute(name);
  }
  button.classList.toggle('is-busy', busy);
  if ('disabled' in button) button.disabled = busy;
  button.textContent = label;
}

async function download(area, url, trigger) {
  if (area.getAttribute('aria-busy') === 'true') return; // one download at a time per area
  const messages = area.dataset;
  const progress = area.querySelector('progress');
  const status = area.querySelector('[data-download-status]');
  const button = trigger instanceof HTMLFormElement ? trigger.querySelector('[type=submit]') : trigger;
  const label = button.textContent;
  setBusy(area, button, true, messages.msgBusy);
  status.classList.remove('error');
  status.textContent = messages.msgBusy;
  if (progress) {
    progress.hidden = false;
    progress.removeAttribute('value');
  }
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const total = Number(response.headers.get('Content-Length')) || 0;
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      if (progress && total) progress.value = Math.round((received / total) * 100);
      status.textContent = fill(messages.msgProgress, { kb: Math.round(received / 1024) });
    }
    const name = savedName(response, trigger.dataset.filename || 'download');
    const save = document.createElement('a');
    save.href = URL.createObjectURL(new Blob(chunks, { type: response.headers.get('Content-Type') || '' }));
    save.download = name;
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(save.href), 10000);
    if (progress) progress.value = 100;
    const rows = response.headers.get('X-Total-Rows') || '';
    status.textContent = fill(messages.msgDone, { name, rows, kb: Math.max(1, Math.round(received / 1024)) });
  } catch (error) {
    if (progress) progress.hidden = true;
    status.classList.add('error');
    status.textContent = fill(messages.msgFailed, { error: error.message });
  } finally {
    setBusy(area, button, false, label);
  }
}

if (window.fetch && window.ReadableStream) {
  for (const area of document.querySelectorAll('[data-download-area]')) {
    for (const link of area.querySelectorAll('a[data-download]')) {
      link.addEventListener('click', (event) => {
        event.preventDefault();
        download(area, link.href, link);
      });
    }
    for (const form of area.querySelectorAll('form[data-download]')) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        download(area, `${form.action}?${new URLSearchParams(new FormData(form))}`, form);
      });
    }
  }
}
