"""Benchmark: notice PDF rendering and signing versus plain WeasyPrint on the same HTML.

Renders the one-page notice and the 30-finding notice (10 photos) 20 times each in a warm process and prints the
median of what issuing a notice costs (``render_notice_pdf`` then ``sign_pdf``, the bytes that are stored), of
``render_notice_pdf`` alone, of ``sign_pdf`` alone on the rendered bytes, and of WeasyPrint converting the SAME final
HTML string (from ``render_notice_html``) with the same stylesheet, fonts and PDF/A options but no application code
around it. Signing uses a throwaway demo-CA key (ECDSA P-256) and no timestamp authority.

Run: ``.venv/bin/python benchmarks/bench_notice_pdf.py [--runs 20]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from inspection.notices.pdf import (
    IMAGE_DPI,
    PDF_VARIANT,
    STYLESHEET,
    pdfa_color_options,
    render_notice_html,
    render_notice_pdf,
)
from inspection.signing import DepartmentSigner, sign_pdf
from inspection.signing_ca import create_root, issue_department_pkcs12
from tests.notices.fixtures.contexts import make_context, make_one_page_context

SIGNED_AT = datetime(2026, 12, 4, tzinfo=UTC)


def plain_weasyprint(html: str) -> bytes:
    """Convert HTML with WeasyPrint alone: default fetcher, same stylesheet, fonts and PDF options."""
    font_config = FontConfiguration()
    css = CSS(filename=str(STYLESHEET), font_config=font_config)
    return HTML(string=html).write_pdf(
        stylesheets=[css], font_config=font_config, pdf_variant=PDF_VARIANT, dpi=IMAGE_DPI, **pdfa_color_options()
    )


def measure(functions: dict[str, Callable[[], bytes]], runs: int) -> dict[str, tuple[float, float, int]]:
    """Time each function `runs` times, interleaved so load drift on a shared machine hits all alike.

    :return: per name, the median wall time (ms), the median CPU time of this process (ms) and the output size.
    """
    sizes = {name: len(function()) for name, function in functions.items()}  # warm-up
    wall: dict[str, list[float]] = {name: [] for name in functions}
    cpu: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            function()
            cpu[name].append((time.process_time() - cpu_start) * 1000)
            wall[name].append((time.perf_counter() - wall_start) * 1000)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]), sizes[name]) for name in functions}


def main() -> None:
    """Run the benchmark and print one block per notice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    cases = {
        "1-page notice (2 findings, 0 photos)": make_one_page_context(),
        "30 findings + 10 photos": make_context(n_hazards=30, n_photos=10),
    }
    signer = _demo_signer()
    print(f"runs per case: {runs} (after 1 warm-up, all interleaved), medians, load {os.getloadavg()[0]:.1f}")
    for name, context in cases.items():
        html = render_notice_html(context)
        rendered = render_notice_pdf(context)
        results = measure(
            {
                "render + sign": lambda c=context: sign_pdf(render_notice_pdf(c), signer, signed_at=SIGNED_AT),
                "render_notice_pdf": lambda c=context: render_notice_pdf(c),
                "sign_pdf alone": lambda pdf=rendered: sign_pdf(pdf, signer, signed_at=SIGNED_AT),
                "plain WeasyPrint": lambda h=html: plain_weasyprint(h),
            },
            runs,
        )
        print(f"{name}:")
        for label, (wall_ms, cpu_ms, size) in results.items():
            print(f"  {label:<20} wall {wall_ms:7.1f} ms   cpu {cpu_ms:7.1f} ms   {size / 1024:7.1f} KiB")
        plain_wall, plain_cpu, _ = results["plain WeasyPrint"]
        for label in ("render + sign", "render_notice_pdf"):
            wall_ms, cpu_ms, _ = results[label]
            ratio = f"ratio {'signed' if label == 'render + sign' else 'unsigned'}/plain"
            print(f"  {ratio:<20} wall {wall_ms / plain_wall:7.2f} x    cpu {cpu_ms / plain_cpu:7.2f} x")


def _demo_signer() -> DepartmentSigner:
    """A department key of a throwaway demo CA, made in memory."""
    p12 = issue_department_pkcs12(create_root(), "五寨县民政局", b"bench")
    return DepartmentSigner.from_pkcs12(p12, b"bench", "五寨县民政局")


if __name__ == "__main__":
    main()
