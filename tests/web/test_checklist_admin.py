import io

import pytest
from sqlalchemy import func, select

from inspection.checklists.loader import DATA_DIR
from inspection.extensions import db
from inspection.models import ChecklistVersion

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


FIRE = (DATA_DIR / "fire_safety.toml").read_text(encoding="utf-8")
#: The shipped fire checklist with F2 (its first major item) worth 12 points instead of 10.
FIRE_CHANGED = FIRE.replace('class = "major"\npoints = 10', 'class = "major"\npoints = 12', 1)


def _versions(code="fire_safety"):
    return db.session.scalar(select(func.count()).select_from(ChecklistVersion).where(ChecklistVersion.code == code))


def _upload(client, text, name="fire_safety.toml"):
    return client.post(
        "/admin/checklists/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def test_the_list_shows_every_shipped_checklist_and_flags_the_unverified_grading_scheme(client, login):
    login("admin")
    page = client.get("/admin/checklists/").get_data(as_text=True)
    for title in ("消防安全检查表", "食品安全检查表", "服务安全检查表", "养老机构等级评定"):
        assert title in page
    assert "评分标准待核实" in page


def test_the_preview_shows_items_as_cards_with_basis_and_the_unverified_banner(client, login):
    login("admin")
    page = client.get("/admin/checklists/fire_safety/v1").get_data(as_text=True)
    assert 'id="item-F2"' in page and "第四条（三）" in page and "重大事故隐患" in page and "合格" in page
    grading = client.get("/admin/checklists/grading_gbt37276/v1").get_data(as_text=True)
    assert "评分标准待核实" in grading


def test_uploading_a_changed_file_creates_a_version_and_the_diff_shows_the_item(client, login):
    login("admin")
    assert _upload(client, FIRE_CHANGED).status_code == 302
    assert _versions() == 2
    page = client.get("/admin/checklists/fire_safety/diff?a=1&b=2").get_data(as_text=True)
    assert "F2" in page and "分值" in page and "<del>10</del>" in page and "<ins>12</ins>" in page


def test_uploading_an_unchanged_file_creates_no_version(client, login):
    login("admin")
    response = _upload(client, "# only a comment differs\n" + FIRE)
    assert response.status_code == 302
    assert _versions() == 1
    assert "未创建新版本" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            FIRE.replace('class = "major"\npoints = 10', 'class = "major"\npoints = -3', 1),
            ['item "F2"', 'field "points"'],
        ),
        (FIRE.replace('code = "F3"', 'code = "F2"', 1), ['"F2"', "duplicate"]),
        ("code = [unclosed", ["line"]),
    ],
)
def test_an_invalid_upload_is_refused_with_a_precise_message_and_changes_nothing(client, login, text, expected):
    login("admin")
    response = _upload(client, text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "文件未导入" in page and "fire_safety.toml" in page
    for fragment in expected:
        assert fragment.replace('"', "&#34;") in page or fragment in page
    assert _versions() == 1


def _upload_binary(client):
    return client.post(
        "/admin/checklists/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.toml")},
        content_type="multipart/form-data",
    )


def test_a_binary_upload_is_refused_in_the_users_language(client, login):
    login("admin")
    response = _upload_binary(client)
    assert response.status_code == 400 and "文件不是 UTF-8 文本" in response.get_data(as_text=True)
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    assert "The file is not UTF-8 text" in _upload_binary(client).get_data(as_text=True)


@pytest.mark.parametrize("username", ["reviewer", "xf1", "operator"])
def test_only_admins_manage_checklists(client, login, username):
    login(username)
    assert client.get("/admin/checklists/").status_code == 403
    assert client.get("/admin/checklists/fire_safety/v1").status_code == 403
    assert _upload(client, FIRE_CHANGED).status_code == 403
    assert _versions() == 1


def test_cli_validate_names_the_problem_and_import_is_idempotent(runner, tmp_path):
    bad = tmp_path / "fire_safety.toml"
    bad.write_text(FIRE.replace('text = "人员活动场所未使用', 'text = "人员活动场所是否未使用', 1), encoding="utf-8")
    result = runner.invoke(args=["checklists", "validate", str(bad)])
    assert result.exit_code == 1
    assert 'fire_safety.toml: section "building" item "F2": field "text": must not be a question' in result.output
    assert runner.invoke(args=["checklists", "validate"]).exit_code == 0
    result = runner.invoke(args=["checklists", "import"])
    assert result.exit_code == 0 and "fire_safety v1: unchanged" in result.output
    result = runner.invoke(args=["checklists", "import", str(bad)])
    assert result.exit_code == 1 and _versions() == 1
