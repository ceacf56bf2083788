"""Exports never hand a spreadsheet a formula (issue 12, case 1): text anyone may choose (a facility's name, the
username of a failed login) is written as text, and numbers stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from inspection.exported_files import FORMULA_TRIGGERS
from inspection.extensions import db
from tests.factories import make_facility

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

HYPERLINK = '=HYPERLINK("http://x","点击")'
#: Facility names starting with each formula trigger.
FORMULA_NAMES = [HYPERLINK, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+2", "\r=1+2"]
LOGIN_NAME = "=cmd|' /C calc'!A0"


@pytest.fixture
def formula_facilities():
    for name in FORMULA_NAMES:
        make_facility(name=name)
    db.session.commit()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def assert_no_formula(rows: list[list[str]]) -> None:
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_TRIGGERS)]


@pytest.mark.usefixtures("formula_facilities")
def test_a_facility_named_like_a_formula_is_text_in_the_rankings_workbook(client, login):
    login("reviewer")
    response = client.get("/rankings/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data()))["等级排名"]
    rank, name = next(row[:2] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in row[1].value)
    assert name.data_type != "f" and name.value == "'" + HYPERLINK
    assert rank.data_type == "n" and isinstance(rank.value, int)
    names = {row[1].value for row in sheet.iter_rows(min_row=2)}
    # openpyxl writes through lxml (a dependency of pyHanko), which keeps a carriage return as &#13;
    assert {"'" + name for name in FORMULA_NAMES} <= names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.usefixtures("formula_facilities")
def test_a_typed_filter_like_a_formula_is_text_on_the_workbooks_filter_sheet(client, login):
    login("reviewer")
    response = client.get("/rankings/export.xlsx", query_string={"q": HYPERLINK})
    about = load_workbook(io.BytesIO(response.get_data()))["筛选条件"]
    typed = next(value for label, value in about.iter_rows() if label.value == "名称包含")
    assert typed.data_type != "f" and typed.value == "'" + HYPERLINK


@pytest.mark.usefixtures("formula_facilities")
def test_the_rankings_csv_writes_formula_names_as_text_and_ranks_as_numbers(client, login):
    login("reviewer")
    response = client.get("/rankings/export.csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert {"'" + name for name in FORMULA_NAMES} <= {row[1] for row in rows[1:]}
    assert_no_formula(rows)
    line = next(line for line in response.get_data().decode("utf-8-sig").splitlines() if "HYPERLINK" in line)
    rank, _ = line.split(",", 1)
    assert rank.isdigit()  # unquoted: a spreadsheet reads it as a number


def test_a_failed_login_named_like_a_formula_is_text_in_the_audit_export(client, login):
    assert client.post("/auth/login", data={"username": LOGIN_NAME, "password": "wrong"}).status_code == 401
    login("admin")
    response = client.get("/admin/audit/export.csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert any(row[3] == "auth.login_failed" and row[1] == "'" + LOGIN_NAME for row in rows[1:])
    assert_no_formula(rows)
