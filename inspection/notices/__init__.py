"""Rectification notices (整改通知书): plain context → print template → WeasyPrint → PDF bytes.

- `inspection.notices.context`: frozen dataclasses describing one notice (`NoticeContext`).
- `inspection.notices.numbering`: 文号 formatting and parsing (`format_number`, `parse_number`).
- `inspection.notices.pdf`: `render_notice_html` and `render_notice_pdf` (WeasyPrint is imported only there,
  and only when a PDF is made).
- `inspection.notices.qr`: the verification QR code as inline SVG.

This package imports nothing heavy at import time, so importing it never needs WeasyPrint's system libraries.
"""
