"""An English reader's pages hold no Chinese but data (issue 17): the main pages of every role, rendered in English,
show Chinese only in names, addresses, notes, document numbers and the checklists' own item texts."""

import re
from dataclasses import fields
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from inspection.checklists import load_shipped
from inspection.extensions import db
from inspection.models import Hazard, Notice, User
from tests.factories import OWN, SAME_COUNTY, grade, plan_inspection
from tests.web.test_followup import _inspected

#: Chinese characters and full-width punctuation.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
#: Attributes a reader hears or sees.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-label"}
#: The tables whose every text is data, and the columns of any table that hold what a person wrote.
DATA_TABLES = {"facilities", "regions", "users", "departments", "audit_events"}
DATA_COLUMNS = {
    *("note", "finding", "location", "reason", "comment", "review_comment", "signer_name", "number"),
    *("decision_document", "person_name"),
}
#: The language switch names Chinese in Chinese, so that a reader of either language finds it.
ENDONYM = "中文"


class _Text(HTMLParser):
    """The text of a page and of the attributes read out, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def data_values() -> list[str]:
    """Every text the pages may show as data, longest first (so that a name is removed before a part of it)."""
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, sa.String) and (table.name in DATA_TABLES or c.name in DATA_COLUMNS)
        ]
        for column in columns:
            values.update(v for v in db.session.scalars(select(column).distinct()) if v)
        if table.name in DATA_TABLES:  # the audit log's snapshots of records: what was stored, as it was
            for column in (c for c in table.columns if isinstance(c.type, sa.JSON)):
                for record in db.session.scalars(select(column)):
                    values.update(str(v) for v in (record or {}).values() if v)
    for checklist in load_shipped().checklists.values():  # the items' texts: the regulations' words, as written
        values.update(checklist_texts(checklist.source_note))
        for item in checklist.items():
            values.update(checklist_texts(*(getattr(item, f.name) for f in fields(item))))
    return sorted((v for v in values if CHINESE.search(v)), key=len, reverse=True)


def checklist_texts(*values: object) -> list[str]:
    return [v for value in values for v in (value if isinstance(value, tuple) else (value,)) if isinstance(v, str)]


def chinese_outside_data(page: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(page)
    text = "\n".join(parser.parts)
    for value in data:
        text = text.replace(value, " ")
    return sorted({found for line in text.splitlines() for found in CHINESE.findall(line) if found != ENDONYM})


@pytest.fixture
def county(app, cast) -> dict[str, object]:
    """A fire inspection of OWN with hazards and its notices, a grading of SAME_COUNTY to countersign, and an
    inspection planned for today: the ids the pages are opened with."""
    inspection = _inspected(facility_name=OWN)
    grade(cast[SAME_COUNTY], 2, countersign=False)
    planned = plan_inspection(
        cast[OWN], ["fire_safety"], team={code: [cast[f"{code}1"], cast[f"{code}2"]] for code in ("xf", "mz")}
    )
    db.session.commit()
    hazard = db.session.scalar(select(Hazard).where(Hazard.inspection_id == inspection.id).limit(1))
    return {
        "inspection": inspection.id,
        "planned": planned.id,
        "hazard": hazard.id,
        "facility": cast[OWN].id,
    }


def pages(ids: dict[str, object]) -> dict[str, list[str]]:
    inspection, hazard, facility = ids["inspection"], ids["hazard"], ids["facility"]
    return {
        "reviewer": [
            "/",
            "/inspections/",
            f"/inspections/{inspection}",
            "/inspections/plan",
            "/hazards/",
            f"/hazards/{hazard}",
            "/notices/",
            *[f"/notices/{n}" for n in ids.get("notices", [])],
            "/rankings/",
            "/rankings/reviews",
            "/rankings/charts",
            "/facilities/",
            f"/facilities/{facility}",
            "/credit/",
        ],
        "xf1": ["/", f"/inspections/{ids['planned']}/form", "/hazards/reinspect"],
        "admin": ["/", "/admin/users", "/admin/regions", "/admin/audit", "/admin/checklists/"],
        "operator": ["/", "/hazards/mine", f"/facilities/{facility}"],
    }


def test_the_main_pages_of_every_role_show_no_chinese_but_data_to_an_english_reader(client, login, county):
    login("mz1")
    issued = client.post(f"/inspections/{county['inspection']}/notices", data={"mode": "per_department"})
    assert issued.status_code == 302
    county["notices"] = list(db.session.scalars(select(Notice.id)))
    client.post("/auth/logout")
    for username in ("reviewer", "xf1", "admin", "operator"):
        db.session.scalar(select(User).where(User.username == username)).locale = "en"
    db.session.commit()
    data = data_values()
    found = {}
    for username, paths in pages(county).items():
        login(username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path, response.status_code)
            if chinese := chinese_outside_data(response.get_data(as_text=True), data):
                found[f"{username} {path}"] = chinese
        client.post("/auth/logout")
    client.post("/auth/locale", data={"locale": "en", "next": "/"})  # a visitor's choice, kept in the session
    for path in ("/auth/login", f"/public/facilities/{county['facility']}", "/public/food-results", "/verify"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if chinese := chinese_outside_data(response.get_data(as_text=True), data):
            found[f"visitor {path}"] = chinese
    assert not found, "\n".join(f"{page}: {chinese}" for page, chinese in found.items())
