"""PDF output of notices: text, fonts, QR code, pagination, PDF/A, independence from system fonts, page images."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from inspection.notices.context import FacilitySignature, NoticeContext, NoticeKind, Outcome
from inspection.notices.pdf import render_notice_pdf
from tests.notices.fixtures.contexts import (
    FACILITY_NAME,
    NUMBER,
    VERIFICATION_URL,
    make_context,
    make_hazard,
    make_one_page_context,
)
from tests.notices.fixtures.pdftools import font_rows, inflated_streams, page_count, page_texts, run

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "notices"
TABLE_HEADER = "发现问题"


def write_pdf(directory: Path, name: str, context: NoticeContext) -> Path:
    """Render `context` and write it to directory/name."""
    path = directory / name
    path.write_bytes(render_notice_pdf(context))
    return path


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notices")


@pytest.fixture(scope="module")
def short_pdf(pdf_dir: Path) -> Path:
    """The default joint notice: 3 findings, 1 photo."""
    return write_pdf(pdf_dir, "short.pdf", make_context())


@pytest.fixture(scope="module")
def long_pdf(pdf_dir: Path) -> Path:
    """30 findings with row markers and 10 photos."""
    return write_pdf(pdf_dir, "long.pdf", make_context(n_hazards=30, n_photos=10, tag_rows=True))


def test_text_has_number_facility_and_every_finding_with_deadline(short_pdf: Path) -> None:
    text = "".join(page_texts(short_pdf))
    context = make_context()
    for expected in (NUMBER, FACILITY_NAME, "联合检查整改通知书", "2026年11月28日", "扫码核验", "送达回证"):
        assert expected in text
    for hazard in context.hazards:
        assert hazard.finding in text
        assert hazard.location in text
        assert hazard.requirement in text
        assert hazard.deadline_text in text
    for inspector in context.inspection.inspectors:
        assert inspector.credential_no in text
    assert "第四十五条第一款第（四）项" in text and "第五十四条、第六十条、第六十七条" in text


def test_fonts_are_embedded_subsets_of_the_bundled_regular_and_bold(short_pdf: Path) -> None:
    rows = font_rows(short_pdf)
    assert rows, "no fonts listed"
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert "+NoticeSerif" in name, row  # only our @font-face family, no system fallback
    embedded = b"".join(inflated_streams(short_pdf.read_bytes()))
    # The CFF font names inside the embedded subsets prove a real Bold face is used, not a synthetic one.
    assert b"NotoSerifCJKsc-Bold" in embedded and b"NotoSerifCJKsc-Regular" in embedded


def test_qr_code_decodes_to_the_verification_url(short_pdf: Path, tmp_path: Path) -> None:
    run("pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile", short_pdf, tmp_path / "page1")
    with Image.open(tmp_path / "page1.png") as image:
        results = zxingcpp.read_barcodes(image.convert("L"))
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [VERIFICATION_URL]


def test_long_notice_paginates_cleanly(long_pdf: Path) -> None:
    pages = page_texts(long_pdf)
    table_pages = [i for i, text in enumerate(pages) if "[S" in text]
    assert len(table_pages) >= 3, "30 findings should span several pages"
    assert table_pages == list(range(table_pages[0], table_pages[-1] + 1))
    for i in table_pages:  # the header row is repeated on every page of the table
        assert TABLE_HEADER in pages[i], f"page {i + 1} lacks the table header"
    for n in range(1, 31):  # every row starts and ends on one page
        markers = [f"[S{n:02d}]", f"[F{n:02d}]", f"[B{n:02d}]", f"[E{n:02d}]"]
        where = {m: [i for i, text in enumerate(pages) if m in text] for m in markers}
        assert all(len(found) == 1 for found in where.values()), where
        assert len({found[0] for found in where.values()}) == 1, f"row {n} is split: {where}"
    photo_pages = [i for i, text in enumerate(pages) if "附图" in text and "拍摄日期" in text]
    assert photo_pages and photo_pages[0] > max(table_pages)
    assert not any("[S" in pages[i] for i in photo_pages)
    assert all(f"附图{k}" in "".join(pages[i] for i in photo_pages) for k in range(1, 11))
    last = pages[-1]
    assert "送达回证" in last and NUMBER in last and FACILITY_NAME in last
    assert "送达回证" not in "".join(pages[:-1])
    total = len(pages)
    assert f"第{total}页共{total}页" in last


def test_one_page_notice_is_one_page_plus_receipt(pdf_dir: Path) -> None:
    pdf = write_pdf(pdf_dir, "one-page.pdf", make_one_page_context())
    assert page_count(pdf) == 2
    assert pdf.stat().st_size <= 500_000


def test_pdfa_metadata(short_pdf: Path) -> None:
    data = short_pdf.read_bytes()
    xmp = next(s for s in inflated_streams(data) if b"<x:xmpmeta" in s).decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert f"{NUMBER} 联合检查整改通知书" in xmp
    assert any(b"/GTS_PDFA1" in s for s in inflated_streams(data)) or b"/GTS_PDFA1" in data
    assert f"Title:           {NUMBER} 联合检查整改通知书" in run("pdfinfo", short_pdf)


def test_render_leaves_no_resource_warning() -> None:
    """WeasyPrint's own PDF/A path leaks an open ICC file; ours must not warn at all."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_notice_pdf(make_one_page_context())
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""

RENDER_SCRIPT = """
import sys
from inspection.notices.pdf import render_notice_pdf
from tests.notices.fixtures.contexts import make_context
open(sys.argv[1], "wb").write(render_notice_pdf(make_context()))
"""


def test_renders_without_any_system_cjk_font(tmp_path: Path) -> None:
    """With a fontconfig that sees only DejaVu, the bundled fonts still give correct Chinese text."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    assert run("fc-list", ":lang=zh", env=env).strip() == ""  # the set-up really hides every CJK font
    assert "DejaVu" in run("fc-list", env=env)
    pdf = tmp_path / "no-cjk.pdf"
    subprocess.run([sys.executable, "-c", RENDER_SCRIPT, str(pdf)], cwd=REPO, env=env, check=True)
    text = "".join(page_texts(pdf))
    assert NUMBER in text and FACILITY_NAME in text
    assert all(h.finding in text for h in make_context().hazards)
    assert all("+NoticeSerif" in row[0] for row in font_rows(pdf))


def _variants() -> dict[str, NoticeContext]:
    """Notices rendered to PNG pages for people to look at."""
    reinspection = make_context(
        n_photos=0,
        kind=NoticeKind.REINSPECTION,
        number="五民复〔2026〕3号",
        supersedes=NUMBER,
        hazards=(
            make_hazard(1, outcome=Outcome.RECTIFIED),
            make_hazard(2, outcome=Outcome.PARTIAL, outcome_note="已清出车辆，充电场所未建成"),
            make_hazard(4, outcome=Outcome.NOT_RECTIFIED),
        ),
    )
    refused = make_one_page_context(
        facility_signature=FacilitySignature(refused=True, witness="砚城镇干部丙（演示）"),
    )
    return {
        "joint-3-findings": make_context(),
        "one-page": make_one_page_context(),
        "reinspection": reinspection,
        "refused-signature": refused,
        "long-30-findings": make_context(n_hazards=30, n_photos=10),
    }


def test_page_images_for_review(pdf_dir: Path) -> None:
    """Write PNG pages (60 dpi) of several notices to test-artifacts/notices/ for a visual check."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, context in _variants().items():
        pdf = write_pdf(pdf_dir, f"{name}.pdf", context)
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        run("pdftoppm", "-r", "60", "-png", pdf, ARTIFACTS / name)
        pages = sorted(ARTIFACTS.glob(f"{name}-*.png"))
        assert len(pages) == page_count(pdf)
        if name == "refused-signature":
            assert "拒绝签字" in "".join(page_texts(pdf))
