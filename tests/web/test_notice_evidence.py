"""The notice's photo appendix prints each photo's capture time and the short hash of its stored image, so a photo
on paper can be matched with the evidence on file (issue 18)."""

import re
import subprocess
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.media import Capture
from inspection.models import NoticeMode, Photo
from inspection.services import Actor
from inspection.services.checklists import checklist_of
from inspection.services.evidence import add_photo
from inspection.services.notices import issue_notices
from tests.factories import OWN, answer_all, inspector_of, jpeg, plan_inspection, submit

pytestmark = pytest.mark.usefixtures("app_ctx")


def appendix_text(notice) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=notice.pdf_file.data, capture_output=True, check=True)
    return re.sub(r"\s+", "", text.stdout.decode())


def fire_notice_with_photo(facility, capture: Capture, *, forget_hash: bool = False):
    """A completed inspection with one failed fire item photographed with `capture`, and its 消防 notice."""
    inspection = plan_inspection(facility, ["fire_safety"])
    section = next(s for s in checklist_of(inspection.checklists[0].version).sections if s.department.value == "xf")
    code = section.items[0].code
    answer_all(inspection, fail=[code])
    inspector = Actor(inspector_of(inspection, "xf"), "test")
    photo, _ = add_photo(inspection, code, str(uuid.uuid4()), jpeg(640, 480), inspector, capture)
    if forget_hash:
        photo.image_sha256 = None  # as a photo stored before the hash was kept
    submit(inspection)
    lead = Actor(inspector_of(inspection, "mz"), "test")
    notices = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, lead, date.today(), lambda t: f"https://t/{t}")
    return photo, next(n for n in notices if "消" in n.number)


def test_the_appendix_prints_the_short_hash_and_the_local_capture_time(cast):
    capture = Capture(datetime(2026, 11, 20, 1, 41), Decimal("38.986143"), Decimal("111.841200"))
    photo, notice = fire_notice_with_photo(cast[OWN], capture)
    text = appendix_text(notice)
    assert len(photo.image_sha256) == 64
    assert f"图像校验码（SHA-256前12位）：{photo.image_sha256[:12]}" in text
    assert photo.image_sha256 not in text  # twelve digits, not the whole hash
    assert "拍摄时间：2026-11-2009:41" in text  # Beijing time of 01:41 UTC


def test_a_photo_stored_before_hashes_were_kept_shows_a_dash(cast):
    photo, notice = fire_notice_with_photo(cast[OWN], Capture(), forget_hash=True)
    assert db.session.scalar(select(Photo.image_sha256).where(Photo.id == photo.id)) is None
    assert "图像校验码（SHA-256前12位）：—" in appendix_text(notice)
