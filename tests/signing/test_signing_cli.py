"""`flask signing demo-ca` and check-deploy's view of the signing keys."""

from __future__ import annotations

import pytest

from inspection.extensions import db
from inspection.models import User
from inspection.signing import department_signer, key_setting_names


@pytest.fixture
def production_settings(app, monkeypatch):
    """Everything check-deploy looks at set as in production, but the signing keys."""
    for key, value in {
        "TESTING": False,
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "WTF_CSRF_ENABLED": True,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    db.session.execute(User.__table__.update().values(active=False))


@pytest.mark.usefixtures("production_settings")
def test_check_deploy_refuses_demo_certificates_in_production(runner):
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "测试县民政局 (mz) signs with a demo certificate (测试县民政局（演示）" in result.output


@pytest.mark.usefixtures("production_settings")
def test_check_deploy_lists_departments_without_a_key(runner, monkeypatch):
    for name in key_setting_names("xf"):
        monkeypatch.delenv(name)
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "signing key of 测试县消防救援大队 (xf): 测试县消防救援大队没有配置签名证书（SIGNING_P12_XF" in result.output


def test_demo_ca_gives_each_department_without_a_key_a_demo_key_once(app, runner, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    for code in ("mz", "xf", "sc", "wj", "zj"):
        for name in key_setting_names(code):
            monkeypatch.delenv(name)
    first = runner.invoke(args=["signing", "demo-ca"])
    assert first.exit_code == 0, first.output
    config_text = (tmp_path / "config.py").read_text(encoding="utf-8")
    settings: dict = {}
    exec(config_text, settings)  # what the app reads from instance/config.py
    signer = department_signer("mz", "测试县民政局", settings, {})
    assert signer.is_demo and signer.subject_common_name == "测试县民政局（演示）"
    assert (tmp_path / "signing" / "mz.p12").stat().st_mode & 0o077 == 0  # the key is readable by its owner only
    for name, value in settings.items():
        if name.startswith("SIGNING_"):
            monkeypatch.setitem(app.config, name, value)  # as the next start of the app would read it
    again = runner.invoke(args=["signing", "demo-ca"])
    assert "nothing to do" in again.output
    assert (tmp_path / "config.py").read_text(encoding="utf-8") == config_text
