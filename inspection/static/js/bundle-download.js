// Download the notice bundle with a visible progress bar (the zip can be large on a slow connection).
const form = document.querySelector('form.bundle');
if (form && window.fetch && window.ReadableStream) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const bar = document.getElementById(form.dataset.progress);
    const text = document.getElementById(`${form.dataset.progress}-text`);
    const url = `${form.action}?${new URLSearchParams(new FormData(form))}`;
    bar.hidden = false;
    bar.value = 0;
    text.textContent = '正在下载…';
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
        if (total) bar.value = Math.round((received / total) * 100);
        const of = total ? ` / ${(total / 1024).toFixed(0)} KB` : '';
        text.textContent = `已下载 ${(received / 1024).toFixed(0)} KB${of}`;
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob(chunks, { type: 'application/zip' }));
      link.download = 'notices.zip';
      link.click();
      URL.revokeObjectURL(link.href);
      bar.value = 100;
      text.textContent = '下载完成';
    } catch (error) {
      text.textContent = `下载失败（${error.message}），请重试`;
    }
  });
}
