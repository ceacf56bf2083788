// Export links with a progress bar: fetch the file as a stream, count what arrived, then save it.
// Without JavaScript the links are plain downloads. The server sends X-Total-Rows; CSV progress counts rows,
// Excel progress counts bytes against Content-Length (the workbook is built before the first byte).
const bar = document.querySelector('[data-export-bar]');
if (bar && window.fetch && window.ReadableStream) {
  const progress = bar.querySelector('progress');
  const status = bar.querySelector('[data-export-status]');
  for (const link of bar.querySelectorAll('a[data-export]')) {
    link.addEventListener('click', async (event) => {
      event.preventDefault();
      progress.hidden = false;
      progress.removeAttribute('value');
      status.textContent = '正在生成文件…';
      try {
        const response = await fetch(link.href, { credentials: 'same-origin' });
        if (!response.ok) throw new Error(String(response.status));
        const total = Number(response.headers.get('X-Total-Rows') || 0);
        const length = Number(response.headers.get('Content-Length') || 0);
        const isCsv = link.href.includes('.csv');
        const reader = response.body.getReader();
        const chunks = [];
        let bytes = 0,
          rows = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          bytes += value.length;
          if (isCsv) {
            for (const b of value) if (b === 10) rows += 1;
          }
          const fraction = isCsv ? (total ? rows / (total + 1) : 0) : length ? bytes / length : 0;
          progress.value = Math.min(100, Math.round(fraction * 100));
          status.textContent = isCsv
            ? `已接收 ${Math.max(rows - 1, 0)} / ${total} 行`
            : `已接收 ${Math.round(bytes / 1024)} KB`;
        }
        const disposition = response.headers.get('Content-Disposition') || '';
        const match = disposition.match(/filename\*=UTF-8''([^;]+)/);
        const save = document.createElement('a');
        save.href = URL.createObjectURL(new Blob(chunks, { type: response.headers.get('Content-Type') || '' }));
        save.download = match ? decodeURIComponent(match[1]) : isCsv ? 'rankings.csv' : 'rankings.xlsx';
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(save.href), 10000);
        progress.value = 100;
        status.textContent = `导出完成：${total} 行`;
      } catch (error) {
        status.textContent = `导出失败（${error.message}），请重试。`;
        progress.hidden = true;
      }
    });
  }
}
