"""Validation of the plain notice context and the print HTML (no WeasyPrint needed)."""

import dataclasses
from datetime import date

import pytest

from inspection.notices.context import (
    IMMEDIATE,
    FacilitySignature,
    Hazard,
    HazardClass,
    InspectionInfo,
    NoticeKind,
    Outcome,
    Photo,
)
from inspection.notices.pdf import render_notice_html
from tests.notices.fixtures.contexts import NUMBER, make_context, make_hazard, make_inspectors, make_jpeg


def test_context_is_frozen() -> None:
    context = make_context()
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.number = "x"  # type: ignore[misc]


def test_inspection_needs_two_inspectors() -> None:
    with pytest.raises(ValueError, match="two inspectors"):
        InspectionInfo(date(2026, 11, 20), "院内", make_inspectors()[:1])


def test_deadline_is_a_date_or_immediate() -> None:
    assert make_hazard(1).deadline == IMMEDIATE
    assert make_hazard(2).deadline_text == "2026-12-13"
    with pytest.raises(ValueError, match="deadline"):
        make_hazard(1, deadline="尽快")


def test_refusal_needs_a_witness() -> None:
    with pytest.raises(ValueError, match="witness"):
        FacilitySignature(refused=True)
    assert FacilitySignature(refused=True, witness="村委会主任乙（演示）").refused


def test_images_must_be_png_or_jpeg() -> None:
    with pytest.raises(ValueError, match="PNG or JPEG"):
        Photo(b"GIF89a...", "x")
    assert Photo(make_jpeg(1), "x").mime_type == "image/jpeg"


def test_photo_refs_must_exist() -> None:
    with pytest.raises(ValueError, match="missing photo"):
        make_context(n_hazards=1, n_photos=0, hazards=(make_hazard(1, photo_refs=(2,)),))


def test_verification_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="verification_url"):
        make_context(verification_url="javascript:alert(1)")


def test_reinspection_needs_outcomes() -> None:
    with pytest.raises(ValueError, match="outcome"):
        make_context(kind=NoticeKind.REINSPECTION)


def test_html_escapes_user_text_and_has_no_external_references() -> None:
    hazard = Hazard(
        finding='<img src="http://127.0.0.1/x.png">走廊堆物',
        location="<script>alert(1)</script>",
        basis="《中华人民共和国消防法》第二十八条",
        hazard_class=HazardClass.KEY,
        requirement="清除",
        deadline=IMMEDIATE,
    )
    html = render_notice_html(make_context(n_photos=0, hazards=(hazard,)))
    assert "<script>" not in html
    assert '<img src="http://' not in html
    assert "&lt;img src=&#34;http://127.0.0.1/x.png&#34;&gt;走廊堆物" in html
    assert "http://127.0.0.1" not in html.replace("&lt;img src=&#34;http://127.0.0.1/x.png", "")


def test_html_for_the_web_links_the_stylesheet() -> None:
    html = render_notice_html(make_context(), stylesheet_href="/static/css/notice-print.css")
    assert '<link rel="stylesheet" href="/static/css/notice-print.css">' in html
    assert f"<title>{NUMBER} 联合检查整改通知书</title>" in html


def test_reinspection_html_shows_outcomes() -> None:
    hazards = (
        make_hazard(1, outcome=Outcome.RECTIFIED),
        make_hazard(2, outcome=Outcome.PARTIAL, outcome_note="已清出车辆，充电场所未建成"),
        make_hazard(3, outcome=Outcome.NOT_RECTIFIED),
    )
    context = make_context(
        n_photos=0,
        kind=NoticeKind.REINSPECTION,
        number="五民复〔2026〕3号",
        supersedes=NUMBER,
        hazards=hazards,
    )
    html = render_notice_html(context)
    assert "复查意见书" in html and "复查结果" in html
    for word in ("已整改", "部分整改", "未整改", "充电场所未建成", f"按照{NUMBER}整改情况"):
        assert word in html


def test_a_finding_recorded_without_a_location_prints_no_location() -> None:
    hazard = Hazard(
        finding="走廊堆放杂物",
        location="",
        basis="《中华人民共和国消防法》第二十八条",
        hazard_class=HazardClass.KEY,
        requirement="立即清除走廊堆放的杂物",
        deadline=IMMEDIATE,
    )
    html = render_notice_html(make_context(n_photos=0, hazards=(hazard,)))
    assert "走廊堆放杂物" in html and "位置：" not in html and "违反了《中华人民共和国消防法》第二十八条的规定" in html


def test_an_old_hazard_without_a_finding_prints_its_stored_item_text_as_not_met() -> None:
    from inspection.models import Hazard as StoredHazard
    from inspection.services.notices.context_builder import finding_text

    old = StoredHazard(finding="", item_text="是否配备灭火器？")
    assert finding_text(old) == "未达到“是否配备灭火器”的要求"  # old data keeps its words; new items are statements
    seen = StoredHazard(finding=" 二楼灭火器压力不足 ", item_text="灭火器压力正常")
    assert finding_text(seen) == "二楼灭火器压力不足"
