"""Importing the facility register from a county's file: preview through the page, confirm in one transaction,
the same through `flask facilities import`; a file with one bad row changes nothing."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent, Facility, FacilityImport
from inspection.services.audit import verify_chain
from tests.conftest import facility
from tests.factories import OTHER_COUNTY, OWN, base_county
from tests.register_files import csv_bytes, register_row, uscc, xlsx_bytes

pytestmark = pytest.mark.usefixtures("cast")


def township(index: int = 0) -> str:
    return base_county().townships[index].name


def register_state() -> list[tuple]:
    """Every entry as the register holds it, to show that nothing changed."""
    return [
        (f.id, f.uscc, f.name, f.region_id, f.phone, f.beds, f.residents, f.updated_at)
        for f in db.session.scalars(select(Facility).order_by(Facility.id))
    ]


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def upload(client, data: bytes, name: str = "名录.xlsx"):
    return client.post(
        "/facilities/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def confirm_fields(page: str) -> dict[str, str]:
    """Return the hidden fields of the preview's confirmation form."""
    fields = {}
    for name in ("token", "plan"):
        start = page.index(f'name="{name}"')
        value_at = page.index('value="', start) + len('value="')
        fields[name] = page[value_at : page.index('"', value_at)]
    return fields


def test_a_file_with_one_bad_row_is_previewed_with_its_error_and_changes_nothing(client, login):
    login("admin")
    rows = [register_row(n, township()) for n in range(1, 4)]
    rows[1]["联系电话"] = "010-12"
    before, events = register_state(), db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = upload(client, xlsx_bytes(rows))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "第 3 行" in page and "H 列（联系电话）" in page and "电话号码格式不正确" in page
    assert "没有导入任何数据" in page and 'name="token"' not in page
    assert register_state() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert db.session.scalar(select(func.count()).select_from(FacilityImport)) == 0


def test_an_admin_previews_and_confirms_an_import_that_creates_and_updates_entries(client, login):
    own = facility(OWN)
    own_id, own_uscc = own.id, own.uscc
    login("admin")
    rows = [
        register_row(1, township()),
        register_row(2, township(1), 机构类型="敬老院"),
        register_row(3, township(), 统一社会信用代码=own_uscc, 机构名称=OWN, 床位数=75, 所在乡镇=township(2)),
    ]
    response = upload(client, csv_bytes(rows, "gb18030"), "名录.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "GB18030" in page and "新建 2 个机构" in page and "更新 1 个机构" in page
    assert "60 → 75" in page and f"{township()} → {township(2)}" in page
    assert db.session.scalar(select(func.count()).select_from(Facility).where(Facility.uscc == uscc(1))) == 0

    response = client.post("/facilities/import/confirm", data=confirm_fields(page))
    assert response.status_code == 302
    created = db.session.scalar(select(Facility).where(Facility.uscc == uscc(2)))
    assert created.type == "nursing_home" and created.region.name == township(1) and created.phone == "13900139000"
    updated = db.session.get(Facility, own_id)
    assert updated.beds == 75 and updated.region.name == township(2)
    assert updated.legal_representative == "法定代表人（测试）"  # no such column in the file: left as it was
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "facility.import"))
    assert event.actor_name == "admin" and event.after["create"] == 2 and event.after["update"] == 1
    update = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "facility.update", AuditEvent.object_id == str(own_id))
    )
    assert update.before["beds"] == 60 and update.after["beds"] == 75
    assert verify_chain().broken_at is None  # the import's events were appended to the chain together


def test_a_confirmation_after_the_register_changed_imports_nothing(client, login):
    own = facility(OWN)
    own_id, own_uscc, edit = own.id, own.uscc, _edit_form(own, beds="70")
    login("admin")
    page = upload(client, xlsx_bytes([register_row(1, township(), 统一社会信用代码=own_uscc, 床位数=80)]))
    fields = confirm_fields(page.get_data(as_text=True))
    assert client.post(f"/facilities/{own_id}/edit", data=edit).status_code == 302
    before = register_state()
    response = client.post("/facilities/import/confirm", data=fields, follow_redirects=True)
    assert "预览之后机构名录已有变动" in response.get_data(as_text=True)
    assert register_state() == before


def _edit_form(entry: Facility, **overrides) -> dict[str, str]:
    data = {
        "name": entry.name,
        "type": entry.type,
        "ownership": entry.ownership,
        "region_id": str(entry.region_id),
        "address": entry.address,
        "uscc": entry.uscc,
        "person_in_charge": entry.person_in_charge,
        "phone": entry.phone,
        "beds": str(entry.beds),
        "residents": str(entry.residents),
        "fire_acceptance": entry.fire_acceptance,
    }
    return data | overrides


def test_a_preview_is_confirmed_once_and_only_by_its_uploader(app, client, login):
    login("admin")
    page = upload(client, xlsx_bytes([register_row(1, township())])).get_data(as_text=True)
    fields = confirm_fields(page)
    tampered = client.post("/facilities/import/confirm", data=fields | {"plan": "0" * 64}, follow_redirects=True)
    assert "预览之后机构名录已有变动" in tampered.get_data(as_text=True)
    assert client.post("/facilities/import/confirm", data=fields).status_code == 302
    again = client.post("/facilities/import/confirm", data=fields, follow_redirects=True)
    assert "未重复导入" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Facility).where(Facility.uscc == uscc(1))) == 1

    page = upload(client, xlsx_bytes([register_row(2, township())])).get_data(as_text=True)
    other = app.test_client()
    from tests.conftest import Login

    Login(other)("reviewer")
    assert other.post("/facilities/import/confirm", data=confirm_fields(page)).status_code == 403


def test_rows_outside_the_admins_region_are_errors(client, login, cast):
    neighbour_township = cast[OTHER_COUNTY].region.name
    other_uscc = cast[OTHER_COUNTY].uscc
    login("admin")
    rows = [
        register_row(1, neighbour_township),
        register_row(2, township(), 统一社会信用代码=other_uscc),
        register_row(3, "不存在乡"),
    ]
    page = upload(client, xlsx_bytes(rows)).get_data(as_text=True)
    assert f"“{neighbour_township}”不是您可登记机构的乡镇" in page
    assert "该统一社会信用代码已属于您无权修改的机构" in page and "“不存在乡”不是您可登记机构的乡镇" in page
    assert 'name="token"' not in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.xlsx", "文件是空的"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "名录.xlsx", "无法读取文件"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "名录.xls", "另存为 .xlsx"),
    ],
)
def test_unreadable_files_are_refused_at_the_upload_field(client, login, data, name, message):
    login("admin")
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_template_downloads_with_every_column(client, login):
    login("admin")
    response = client.get("/facilities/import/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook["机构名录"]["A1"].value == "统一社会信用代码*"
    assert "导入名录" in client.get("/facilities/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["reviewer", "xf1", "operator"])
def test_only_admins_reach_the_import(client, login, username):
    login(username)
    assert client.get("/facilities/import").status_code == 403
    assert client.get("/facilities/import/template.xlsx").status_code == 403
    assert upload(client, xlsx_bytes([register_row(1, township())])).status_code == 403


def test_the_command_line_refuses_a_file_with_one_bad_row_and_changes_nothing(runner, tmp_path):
    rows = [register_row(n, township()) for n in range(1, 5)]
    rows[2]["统一社会信用代码"] = "91140928MA0000003X"
    path = tmp_path / "名录.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    before = register_state()
    result = runner.invoke(args=["facilities", "import", str(path)])
    assert result.exit_code == 1
    assert "A4 统一社会信用代码" in result.output and "nothing imported" in result.output
    assert register_state() == before and audit_count("facility.import") == 0


def test_the_command_line_dry_run_shows_the_plan_and_the_import_applies_it(runner, tmp_path):
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes([register_row(1, township()), register_row(2, township(1))], "utf-8-sig"))
    dry = runner.invoke(args=["facilities", "import", "--dry-run", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "UTF-8 (BOM)" in dry.output and f"row 2: create {uscc(1)}" in dry.output and "2 to create" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Facility).where(Facility.uscc == uscc(1))) == 0
    result = runner.invoke(args=["facilities", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated" in result.output
    imported = select(func.count()).select_from(Facility).where(Facility.uscc.in_([uscc(1), uscc(2)]))
    assert db.session.scalar(imported) == 2
    assert audit_count("facility.create") >= 2 and audit_count("facility.import") == 1
    again = runner.invoke(args=["facilities", "import", str(path)])
    assert "0 to create, 0 to update, 2 unchanged" in again.output
