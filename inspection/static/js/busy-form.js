// A page that takes a few seconds to build (the joint-meeting briefing) says so while it loads: the submit button
// of a form[data-busy-form] and its links a[data-busy-link] are disabled and read data-msg-busy, and the status line
// [data-busy-status] (aria-live) says the same for screen readers. The browser's own navigation does the rest; if
// the user comes back to the page from history, the form is usable again.

function markBusy(form) {
  const message = form.dataset.msgBusy;
  for (const control of form.querySelectorAll('button[type=submit], a[data-busy-link]')) {
    control.setAttribute('aria-disabled', 'true');
    control.classList.add('is-busy');
    if (control instanceof HTMLButtonElement) {
      control.dataset.label = control.textContent;
      control.textContent = message;
      control.disabled = true;
    }
  }
  form.setAttribute('aria-busy', 'true');
  const status = form.querySelector('[data-busy-status]');
  if (status) status.textContent = message;
}

function reset(form) {
  for (const control of form.querySelectorAll('[aria-disabled=true]')) {
    control.removeAttribute('aria-disabled');
    control.classList.remove('is-busy');
    if (control instanceof HTMLButtonElement) {
      control.disabled = false;
      control.textContent = control.dataset.label || control.textContent;
    }
  }
  form.removeAttribute('aria-busy');
  const status = form.querySelector('[data-busy-status]');
  if (status) status.textContent = '';
}

for (const form of document.querySelectorAll('form[data-busy-form]')) {
  form.addEventListener('submit', (event) => {
    if (form.getAttribute('aria-busy') === 'true') event.preventDefault();
    else markBusy(form);
  });
  for (const link of form.querySelectorAll('a[data-busy-link]')) {
    link.addEventListener('click', (event) => {
      if (form.getAttribute('aria-busy') === 'true') event.preventDefault();
      else markBusy(form);
    });
  }
  window.addEventListener('pageshow', () => reset(form));
}
