"""Signing a PDF as a department (inspection/signing.py): pdfsig judges the result; keys come from the settings."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from inspection.deploy_checks import signing_problems
from inspection.notices.pdf import html_to_pdf
from inspection.signing import DepartmentSigner, SigningKeyError, department_signer, key_setting_names, sign_pdf
from tests.signing.keys import PASSWORD, make_unmarked_keys
from tests.signing.pdfsig import pdfsig, tampered

PAGE = """<html><head><title>整改通知书</title></head><body><h1>整改通知书</h1><div style="height:120mm"></div>
<div class="seal" id="seal-area" style="width:44mm;height:30mm;margin-left:100mm">（盖章）</div></body></html>"""
SIGNED_AT = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return html_to_pdf(PAGE)


@pytest.fixture(scope="module")
def signer(signing_keys) -> DepartmentSigner:
    return DepartmentSigner.from_pkcs12(signing_keys.files["mz"].read_bytes(), PASSWORD.encode(), "测试县民政局")


@pytest.fixture(scope="module")
def signed_pdf(plain_pdf, signer) -> bytes:
    return sign_pdf(plain_pdf, signer, signed_at=SIGNED_AT)


def test_pdfsig_finds_a_valid_signature_by_the_departments_certificate(signed_pdf, signing_keys, tmp_path):
    report = pdfsig(signed_pdf, tmp_path)
    assert report.valid and report.whole_document, report.output
    assert report.common_name == signing_keys.common_name("mz") == "测试县民政局（演示）"
    assert "ETSI.CAdES.detached" in report.output  # PAdES
    assert "Dec 04 2026 08:30:00" in report.output or "Dec 04 2026 16:30:00" in report.output  # the time given


def test_one_changed_byte_makes_the_signature_invalid(signed_pdf, tmp_path):
    report = pdfsig(tampered(signed_pdf), tmp_path)
    assert not report.valid and "Digest Mismatch" in report.validation, report.output


def test_signing_appends_to_the_rendered_bytes_and_keeps_the_pdfa_metadata(plain_pdf, signed_pdf, tmp_path):
    assert signed_pdf.startswith(plain_pdf)  # an incremental update: the rendered document is untouched
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    xmp = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    # PDF/A wants the document information and the XMP to agree: pyHanko's producer must not be added to one only.
    assert 'pdf:Producer="WeasyPrint' in xmp and "Producer:        WeasyPrint" in info
    assert "pyHanko" not in xmp + info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(fonts) >= 2 and all(" yes yes " in line for line in fonts), fonts  # the stamp's font is embedded too


def test_the_visible_stamp_sits_at_the_seal_area_and_shows_department_time_and_serial(signed_pdf, signer, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "测试县民政局（电子签章）" in text
    assert "2026-12-04 16:30:00" in text  # shown in the county's time (UTC+8)
    assert signer.serial[:4] in text.replace(" ", "")


def test_a_missing_or_unreadable_key_is_a_clear_error(signing_keys, tmp_path):
    path_name, password_name = key_setting_names("mz")
    with pytest.raises(SigningKeyError, match=f"测试县民政局没有配置签名证书（{path_name}、{password_name}）"):
        department_signer("mz", "测试县民政局", {}, {})
    wrong = {path_name: str(signing_keys.files["mz"]), password_name: "wrong"}
    with pytest.raises(SigningKeyError, match="密码错误"):
        department_signer("mz", "测试县民政局", {}, wrong)
    with pytest.raises(SigningKeyError, match="不存在"):
        department_signer("mz", "测试县民政局", {path_name: str(tmp_path / "none.p12")}, {})


def test_the_environment_wins_over_the_configuration(signing_keys, tmp_path):
    path_name, password_name = key_setting_names("xf")
    environ = {path_name: str(signing_keys.files["xf"]), password_name: PASSWORD}
    config = {path_name: str(tmp_path / "stale.p12"), password_name: "stale"}
    assert department_signer("xf", "测试县消防救援大队", config, environ).is_demo


def test_check_deploy_lists_departments_without_keys_and_refuses_demo_certificates(signing_keys, tmp_path):
    departments = [("mz", "测试县民政局"), ("xf", "测试县消防救援大队")]
    demo = signing_problems(departments, {}, signing_keys.environ)
    assert len(demo) == 2 and all("demo certificate" in p and "（演示）" in p for p in demo)
    missing = signing_problems(departments, {}, {})
    assert [p.split(":")[0] for p in missing] == [
        "signing key of 测试县民政局 (mz)",
        "signing key of 测试县消防救援大队 (xf)",
    ]
    assert signing_problems(departments, {}, make_unmarked_keys(tmp_path)) == []


def test_a_naive_signing_time_is_refused(plain_pdf, signer):
    with pytest.raises(ValueError, match="timezone"):
        sign_pdf(plain_pdf, signer, signed_at=datetime(2026, 12, 4, 8, 30))


def test_without_a_seal_area_the_stamp_goes_to_the_first_page(signer, tmp_path):
    signed = sign_pdf(html_to_pdf("<html><body><p>无盖章处</p></body></html>"), signer, signed_at=SIGNED_AT)
    assert pdfsig(signed, tmp_path).valid
